#!/usr/bin/python3
"""A seed's model and recipe trained in PyTorch: an independent check of vitbench's
training loop, and the reference run for a seed that publishes no accuracy.

    vbmodel init MODEL --out W.safetensors --seed S
    torch-train.py --weights W.safetensors [--model keras_cct|qiita_vit] [--data DIR]
                   [--epochs N] [--seed S] [--threads T] [--limit N] [--csv FILE]
                   [--checkpoint FILE]

The model is scripts/golden.py's (the same maths, written in PyTorch against the C
layouts), starting from the weights vbmodel init made (Keras' initialisers, checked in
test_models); a table golden.py marks frozen (keras_cct's position table, a constant in
the TF example) is held constant. The recipe is read from the model's suites/recipes file
(batch, epochs, validation, keep_best, flip, label smoothing and the Adam settings):
  keras_cct (suite cct_cifar10): batches of 128, the last 10% of the training arrays for
    validation, horizontal flip p = 1/2, dropout 0.1 on the attention weights and after
    each MLP Dense, stochastic depth linspace(0, 0.1, 2), label smoothing 0.1, TF-addons
    AdamW (lr 1e-3, decay 1e-4 not scaled by lr, Keras' epsilon hat), the best
    val_accuracy weights kept for the test;
  qiita_vit (suite vit_cifar10, seed 003 as written: head on token 0, tanh GELU): batches
    of 400, no augmentation, dropout 0.1 after the attention, the MLP and the head, Keras
    Adam defaults, categorical cross-entropy, validation on the test set, the final
    weights tested.
CIFAR-10 from DIR/cifar-10-binary.tar.xz, pixels in [0, 1], a fresh order every epoch,
float32 on the CPU.

Prints one CSV row per epoch (epoch, train_loss, train_acc, val_loss, val_acc, seconds),
then a comment line with the test top-1/top-5; --csv writes the same lines to FILE (the
report draws it beside our cells when it is named reference-*.csv in a suite's results
folder). --checkpoint FILE saves the run after every epoch and resumes from FILE when it
exists, bit for bit as an uninterrupted run. --limit N trains on the first N training
images only (a smoke test, labelled so in the output). Needs Debian's python3-torch.
"""
import argparse
import os
import sys
import tarfile
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import golden  # noqa: E402  (the model, loss and optimizer; its main() runs only as a script)

# What a run needs that golden.MODELS does not say: the forward pass as the suite runs it.
FORWARDS = {
    "keras_cct": golden.cct_forward,
    "qiita_vit": lambda p, x, drop=None: golden.qiita_forward(p, x, golden.gelu_tanh, drop),
}
RECIPE_KEYS = dict(epochs="30", batch="128", val_split="0.1", val_mode="keras_last",
                   keep_best="no", label_smoothing="0", dataset="cifar10")
ARCHIVE = "cifar-10-binary.tar.xz"
FOLDER = "cifar-10-batches-bin"  # the archive unpacked
RECORD = 1 + 32 * 32 * 3  # label byte, then the image as 3 planes of 32x32


def read_cifar10(data_dir):
    """(train images, train labels, test images, test labels): NHWC uint8, int64, from
    DIR/cifar-10-batches-bin/ (unpacked, looked for first as vitbench does) or the archive."""
    folder = os.path.join(data_dir, FOLDER)
    members = {}
    if os.path.isdir(folder):
        path = folder
        for name in os.listdir(folder):
            if name.endswith(".bin"):
                with open(os.path.join(folder, name), "rb") as f:
                    members[name] = f.read()
    else:
        path = os.path.join(data_dir, ARCHIVE)
        if not os.path.exists(path):
            sys.exit("%s: not found (scripts/fetch-data or VITBENCH_DATA says where it lives)"
                     % path)
        with tarfile.open(path, "r:xz") as tar:
            for m in tar.getmembers():
                if m.isfile() and m.name.endswith(".bin"):
                    members[os.path.basename(m.name)] = tar.extractfile(m).read()

    def batch(name):
        if name not in members:
            sys.exit("%s: member %s missing" % (path, name))
        raw = np.frombuffer(members[name], np.uint8)
        if raw.size % RECORD:
            sys.exit("%s: %s is not a whole number of %d-byte records" % (path, name, RECORD))
        raw = raw.reshape(-1, RECORD)
        return raw[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1), raw[:, 0].astype(np.int64)

    train = [batch("data_batch_%d.bin" % i) for i in range(1, 6)]
    test = batch("test_batch.bin")
    return (np.concatenate([x for x, _ in train]), np.concatenate([y for _, y in train]),
            test[0], test[1])


class Run:
    """The model (parameter table, forward pass, dropout rates, frozen tables) and its
    recipe's settings, read from golden.MODELS and suites/recipes/RECIPE.cfg."""

    def __init__(self, model):
        spec = golden.MODELS[model]
        self.model, self.table, self.forward = model, spec["params"], FORWARDS[model]
        self.dropouts, self.frozen = spec["dropouts"], spec.get("frozen", set())
        self.optimizer = golden.recipe_optimizer(spec["recipe"])
        r = golden.read_recipe(spec["recipe"], defaults=RECIPE_KEYS)
        if r["dataset"] != "cifar10" or r["val_mode"] not in ("keras_last", "test"):
            sys.exit("%s: recipe %s (dataset %s, val_mode %s): this script runs CIFAR-10 with "
                     "keras_last or test validation" % (model, spec["recipe"], r["dataset"],
                                                       r["val_mode"]))
        self.epochs, self.batch = int(r["epochs"]), int(r["batch"])
        self.val_fraction = 0.0 if r["val_mode"] == "test" else float(r["val_split"])
        self.keep_best = r["keep_best"] == "yes"
        self.smoothing = float(r["label_smoothing"])
        self.flip = golden.read_recipe(spec["recipe"], "augment", dict(flip="no"))["flip"] == "yes"

    def read_weights(self, path):
        weights, _ = golden.st_read(path)
        golden.check_weights(self.table, weights, path)
        return {key: torch.tensor(weights[name].copy(), requires_grad=name not in self.frozen)
                for key, name, _, _ in self.table}


def to_input(images_u8):
    return torch.from_numpy(np.ascontiguousarray(images_u8, dtype=np.float32) / 255.0)


def evaluate(run, p, images, labels):
    """(mean loss, top-1, top-5) with every dropout off, in chunks of 500."""
    loss = top1 = top5 = 0.0
    with torch.no_grad():
        for s in range(0, len(images), 500):
            logits = run.forward(p, to_input(images[s:s + 500]))
            y = torch.from_numpy(labels[s:s + 500])
            loss += golden.loss_fn(logits, y, run.smoothing).item() * len(y)
            top = logits.topk(5, dim=1).indices
            top1 += (top[:, 0] == y).sum().item()
            top5 += (top == y[:, None]).any(dim=1).sum().item()
    n = len(images)
    return loss / n, top1 / n, top5 / n


def train_epoch(run, p, state, step, images, labels, rng, show):
    """One epoch of shuffled (and, if the recipe says so, flipped) batches; returns (mean
    loss, accuracy, last step)."""
    params = [t for t in p.values() if t.requires_grad]  # frozen tables are constants
    order = rng.permutation(len(images))
    loss_sum = correct = 0.0
    for s in range(0, len(order), run.batch):
        idx = order[s:s + run.batch]
        x = images[idx].copy()
        if run.flip:
            flip = rng.random(len(idx)) < 0.5
            x[flip] = x[flip][:, :, ::-1, :]
        y = torch.from_numpy(labels[idx])
        logits = run.forward(p, to_input(x), run.dropouts)
        loss = golden.loss_fn(logits, y, run.smoothing)
        grads = torch.autograd.grad(loss, params)
        step += 1
        golden.adam_step(params, grads, state, step, run.optimizer)
        loss_sum += loss.item() * len(idx)
        correct += (logits.argmax(dim=1) == y).sum().item()
        if show:
            done = s + len(idx)
            print("\r  %d/%d images, loss %.4f" % (done, len(order), loss_sum / done),
                  end="", file=sys.stderr, flush=True)
    if show:
        print(file=sys.stderr)
    return loss_sum / len(order), correct / len(order), step


def save_checkpoint(path, p, state, step, best, rows, rng):
    """Everything the next epoch depends on, written atomically (a temporary file renamed):
    weights, Adam's moments in parameter order, the step, the kept weights, the CSV rows so
    far and both random generators."""
    trained = [t for t in p.values() if t.requires_grad]
    snapshot = dict(p={k: v.detach() for k, v in p.items()}, step=step, best=best, rows=rows,
                    moments=[state[id(t)] for t in trained if id(t) in state],
                    numpy_rng=rng.bit_generator.state, torch_rng=torch.get_rng_state())
    torch.save(snapshot, path + ".tmp")
    os.replace(path + ".tmp", path)


def load_checkpoint(path, p, rng):
    """(state, step, best, rows) of a checkpoint save_checkpoint wrote, its weights copied
    into p and its generators restored."""
    snapshot = torch.load(path)
    with torch.no_grad():
        for k, v in p.items():
            v.copy_(snapshot["p"][k])
    trained = [t for t in p.values() if t.requires_grad]
    state = {id(t): m for t, m in zip(trained, snapshot["moments"])}
    rng.bit_generator.state = snapshot["numpy_rng"]
    torch.set_rng_state(snapshot["torch_rng"])
    return state, snapshot["step"], snapshot["best"], snapshot["rows"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", choices=sorted(FORWARDS), default="keras_cct")
    ap.add_argument("--weights", required=True, help="initial parameters (vbmodel init)")
    ap.add_argument("--data", default=os.environ.get("VITBENCH_DATA", "../shared/datasets"))
    ap.add_argument("--epochs", type=int, help="default: the recipe's")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--limit", type=int, default=0, help="train on the first N images only")
    ap.add_argument("--csv", help="also write the epoch rows here")
    ap.add_argument("--checkpoint", help="save the run here after every epoch, and resume "
                    "from it if it exists (same arguments)")
    args = ap.parse_args()

    run = Run(args.model)
    epochs = args.epochs or run.epochs
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)  # dropout and stochastic-depth masks
    rng = np.random.default_rng(args.seed)  # order and flips
    images, labels, test_images, test_labels = read_cifar10(args.data)
    split = int(len(images) * (1 - run.val_fraction))  # Keras: validation = the last 10%
    train_x, train_y = images[:split], labels[:split]
    if args.limit:
        train_x, train_y = train_x[:args.limit], train_y[:args.limit]
    val_x, val_y = (images[split:], labels[split:]) if split < len(images) \
        else (test_images, test_labels)

    p = run.read_weights(args.weights)
    state, step, best = {}, 0, (-1.0, 0, None)
    shortened = []
    if args.limit:
        shortened.append("--limit %d" % args.limit)
    if epochs != run.epochs:
        shortened.append("%d of the recipe's %d epochs" % (epochs, run.epochs))
    rows = ["# %s in PyTorch %s, seed %d, %d threads, %d training images, validation on the %s"
            "%s" % (args.model, torch.__version__, args.seed, args.threads, len(train_x),
                    "test set" if run.val_fraction == 0 else "last %g of the training arrays"
                    % run.val_fraction,
                    ", SHORTENED: " + ", ".join(shortened) if shortened else ""),
            "epoch,train_loss,train_acc,val_loss,val_acc,seconds"]
    first = 1
    if args.checkpoint and os.path.exists(args.checkpoint):
        header = rows[0]
        state, step, best, rows = load_checkpoint(args.checkpoint, p, rng)
        rows[0] = header  # this invocation's budget
        first = len(rows) - 1  # the comment and header lines, then one row per epoch
        print("# resumed from %s after epoch %d" % (args.checkpoint, first - 1), file=sys.stderr)
    print("\n".join(rows))
    for epoch in range(first, epochs + 1):
        t0 = time.time()
        train_loss, train_acc, step = train_epoch(run, p, state, step, train_x, train_y, rng,
                                                  sys.stderr.isatty())
        val_loss, val_acc, _ = evaluate(run, p, val_x, val_y)
        rows.append("%d,%.6f,%.6f,%.6f,%.6f,%.1f" % (epoch, train_loss, train_acc, val_loss,
                                                     val_acc, time.time() - t0))
        print(rows[-1], flush=True)
        # ModelCheckpoint(save_best_only): strictly better only; without it, the last weights
        if not run.keep_best or val_acc > best[0]:
            best = (val_acc, epoch, {k: v.detach().clone() for k, v in p.items()})
        if args.checkpoint:
            save_checkpoint(args.checkpoint, p, state, step, best, rows, rng)
    _, top1, top5 = evaluate(run, best[2], test_images, test_labels)
    rows.append("# test of epoch %d's weights (%s val_acc %.4f): top-1 %.4f, top-5 %.4f"
                % (best[1], "best" if run.keep_best else "final", best[0], top1, top5))
    print(rows[-1])
    if args.csv:
        with open(args.csv, "w") as f:
            f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
