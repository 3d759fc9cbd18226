#!/usr/bin/python3
"""The Keras CCT recipe (suite cct_cifar10) trained in PyTorch: an independent check of
vitbench's training loop, for when our accuracy and the Keras logs disagree.

    vbmodel init keras_cct --out W.safetensors --seed S
    torch-train.py --weights W.safetensors [--data DIR] [--epochs 30] [--seed S]
                   [--threads T] [--limit N] [--csv FILE]

The model is scripts/golden.py's keras_cct (the same maths, written in PyTorch against the
C layouts), starting from the weights vbmodel init made (Keras' initialisers, checked in
test_models), its position table held constant as in the TF example, trained with the
recipe of suites/recipes/keras_cct.cfg: CIFAR-10 from DIR/cifar-10-binary.tar.xz, the last
10% of the training arrays for validation, batches of 128 in a fresh order every epoch,
horizontal flip p = 1/2 on [0, 1] pixels, dropout 0.1 on the attention weights and after
each MLP Dense, stochastic depth linspace(0, 0.1, 2), label smoothing 0.1, TF-addons AdamW
(lr 1e-3, decay 1e-4 not scaled by lr, Keras' epsilon hat), the best val_accuracy weights
kept for the test. Float32 on the CPU.

Prints one CSV row per epoch (epoch, train_loss, train_acc, val_loss, val_acc, seconds)
and the test top-1/top-5 of the kept weights; --limit N trains on the first N training
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

BATCH, VAL_FRACTION, SMOOTHING = 128, 0.1, 0.1
OPTIMIZER = golden.recipe_optimizer(golden.MODELS["keras_cct"]["recipe"])  # TF-addons AdamW
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


def read_weights(path):
    weights, _ = golden.st_read(path)
    golden.check_weights(golden.CCT_PARAMS, weights, path)
    return {key: torch.tensor(weights[name].copy(),
                              requires_grad=name not in golden.CCT_FROZEN)
            for key, name, _, _ in golden.CCT_PARAMS}


def to_input(images_u8):
    return torch.from_numpy(np.ascontiguousarray(images_u8, dtype=np.float32) / 255.0)


def evaluate(p, images, labels):
    """(mean loss, top-1, top-5) with every dropout off, in chunks of 500."""
    loss = top1 = top5 = 0.0
    with torch.no_grad():
        for s in range(0, len(images), 500):
            logits = golden.cct_forward(p, to_input(images[s:s + 500]))
            y = torch.from_numpy(labels[s:s + 500])
            loss += golden.loss_fn(logits, y, SMOOTHING).item() * len(y)
            top = logits.topk(5, dim=1).indices
            top1 += (top[:, 0] == y).sum().item()
            top5 += (top == y[:, None]).any(dim=1).sum().item()
    n = len(images)
    return loss / n, top1 / n, top5 / n


def train_epoch(p, state, step, images, labels, rng, show):
    """One epoch of shuffled, flipped batches; returns (mean loss, accuracy, last step)."""
    params = [t for t in p.values() if t.requires_grad]  # the position table is a constant
    order = rng.permutation(len(images))
    loss_sum = correct = 0.0
    for s in range(0, len(order), BATCH):
        idx = order[s:s + BATCH]
        x = images[idx].copy()
        flip = rng.random(len(idx)) < 0.5
        x[flip] = x[flip][:, :, ::-1, :]
        y = torch.from_numpy(labels[idx])
        logits = golden.cct_forward(p, to_input(x), golden.CCT_DROPOUTS)
        loss = golden.loss_fn(logits, y, SMOOTHING)
        grads = torch.autograd.grad(loss, params)
        step += 1
        golden.adam_step(params, grads, state, step, OPTIMIZER)
        loss_sum += loss.item() * len(idx)
        correct += (logits.argmax(dim=1) == y).sum().item()
        if show:
            done = s + len(idx)
            print("\r  %d/%d images, loss %.4f" % (done, len(order), loss_sum / done),
                  end="", file=sys.stderr, flush=True)
    if show:
        print(file=sys.stderr)
    return loss_sum / len(order), correct / len(order), step


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--weights", required=True, help="initial parameters (vbmodel init)")
    ap.add_argument("--data", default=os.environ.get("VITBENCH_DATA", "../shared/datasets"))
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--limit", type=int, default=0, help="train on the first N images only")
    ap.add_argument("--csv", help="also write the epoch rows here")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)  # dropout and stochastic-depth masks
    rng = np.random.default_rng(args.seed)  # order and flips
    images, labels, test_images, test_labels = read_cifar10(args.data)
    split = int(len(images) * (1 - VAL_FRACTION))  # Keras: validation = the last 10%
    train_x, train_y = images[:split], labels[:split]
    if args.limit:
        train_x, train_y = train_x[:args.limit], train_y[:args.limit]
    val_x, val_y = images[split:], labels[split:]

    p = read_weights(args.weights)
    state, step, best = {}, 0, (-1.0, 0, None)
    rows = ["epoch,train_loss,train_acc,val_loss,val_acc,seconds"]
    print("# keras_cct in PyTorch %s, seed %d, %d threads, %d training images%s"
          % (torch.__version__, args.seed, args.threads, len(train_x),
             " (SHORTENED by --limit)" if args.limit else ""))
    print(rows[0])
    for epoch in range(1, args.epochs + 1):
        t0 = time.time()
        train_loss, train_acc, step = train_epoch(p, state, step, train_x, train_y, rng,
                                                  sys.stderr.isatty())
        val_loss, val_acc, _ = evaluate(p, val_x, val_y)
        rows.append("%d,%.6f,%.6f,%.6f,%.6f,%.1f" % (epoch, train_loss, train_acc, val_loss,
                                                     val_acc, time.time() - t0))
        print(rows[-1], flush=True)
        if val_acc > best[0]:  # ModelCheckpoint(save_best_only): strictly better only
            best = (val_acc, epoch, {k: v.detach().clone() for k, v in p.items()})
    _, top1, top5 = evaluate(best[2], test_images, test_labels)
    print("# test of epoch %d's weights (best val_acc %.4f): top-1 %.4f, top-5 %.4f"
          % (best[1], best[0], top1, top5))
    if args.csv:
        with open(args.csv, "w") as f:
            f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
