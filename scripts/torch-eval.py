#!/usr/bin/python3
"""A vitbench checkpoint evaluated in PyTorch: an independent check of `vbmodel eval`.

    torch-eval.py MODEL RUN/checkpoint.safetensors [--data DIR] [--split test|val]
                  [--weights best|last] [--logits FILE] [--threads T]

MODEL is one of scripts/golden.py's models (keras_cct, fashion_cct, qiita_vit,
vit_spt_lsa); their forward passes are written against the C names and layouts, so the
checkpoint's tensors load as they are: best.NAME (the weights the trainer tests, when the
run kept any) or param.NAME (--weights last). The preprocessing is the trainer's: pixels
/ 255, then (x - mean) / std with the mean and std that RUN/summary.json records (a
recipe's constants or those adapted on the training split). The split is the test set,
or the recipe's Keras-style validation split (the last val_images of the first `limit`
training images, as summary.json records them); a seeded random split is not rebuilt
here. The loss is the recipe's (label smoothing). Top-k counts a sample when fewer than
k classes beat its label, a tie going to the lower class index (vitbench's rule).

Prints the line `vbmodel eval` prints, `top1 T top5 T loss L`, six decimals each; with
--logits writes logits (N, classes) F32 and labels (N) I32 as `vbmodel eval --logits`
does. Needs Debian's python3-torch; reads Fashion-MNIST (IDX .gz) and CIFAR-10 (the
binary archive or its unpacked folder) from --data, $VITBENCH_DATA or Debian's
/usr/share/datasets.
"""
import argparse
import configparser
import gzip
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import golden  # noqa: E402
import importlib  # noqa: E402

torch_train = importlib.import_module("torch-train")  # read_cifar10
RECIPES = os.path.join(HERE, "..", "suites", "recipes")
CHUNK = 500


def fail(msg):
    sys.exit("torch-eval.py: " + msg)


def read_weights(path, table, best):
    """{golden key: tensor}, and which weights ("best" or "last") were taken."""
    tensors, meta = golden.st_read(path)
    if meta.get("format") != "vitbench-checkpoint":
        fail("%s: not a vitbench checkpoint (format %r)" % (path, meta.get("format")))
    kept = int(tensors["best_epoch"]) > 0 and any(k.startswith("best.") for k in tensors)
    prefix = "best." if best and kept else "param."
    weights = {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}
    golden.check_weights(table, weights, path)
    return ({key: torch.tensor(weights[name].copy()) for key, name, _, _ in table},
            "best" if prefix == "best." else "last", meta)


def read_recipe(name):
    """The recipe's label smoothing, validation mode and dataset; name is a shipped
    recipe's or, holding a '/' or ending in .cfg, a path (as vitbench resolves it)."""
    is_path = "/" in name or name.endswith(".cfg")
    path = name if is_path else os.path.join(RECIPES, name + ".cfg")
    cfg = configparser.ConfigParser(inline_comment_prefixes=("#", ";"))
    if not cfg.read(path):
        fail("%s: recipe file missing" % path)
    r = cfg["recipe"]
    return (float(r.get("label_smoothing", "0")), r.get("val_mode", "keras_last"),
            r["dataset"])


def data_dirs(given):
    return [d for d in (given, os.environ.get("VITBENCH_DATA"), "data", "/usr/share/datasets")
            if d]


def read_idx(path):
    with gzip.open(path) as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def read_fashion_mnist(given):
    """(train images, train labels, test images, test labels): NHWC uint8, int64."""
    for d in data_dirs(given):
        folder = os.path.join(d, "fashion-mnist")
        if os.path.exists(os.path.join(folder, "t10k-labels-idx1-ubyte.gz")):
            part = lambda p, k: read_idx(os.path.join(folder, "%s-%s.gz" % (p, k)))  # noqa
            return (part("train", "images-idx3-ubyte")[..., None],
                    part("train", "labels-idx1-ubyte").astype(np.int64),
                    part("t10k", "images-idx3-ubyte")[..., None],
                    part("t10k", "labels-idx1-ubyte").astype(np.int64))
    fail("fashion-mnist/*.gz: not in %s" % ", ".join(data_dirs(given)))


def read_data(dataset, given):
    if dataset == "fashion_mnist":
        return read_fashion_mnist(given)
    if dataset == "cifar10":
        for d in data_dirs(given):
            if any(os.path.exists(os.path.join(d, f))
                   for f in (torch_train.FOLDER, torch_train.ARCHIVE)):
                return torch_train.read_cifar10(d)
        fail("%s or %s: not in %s" % (torch_train.FOLDER, torch_train.ARCHIVE,
                                      ", ".join(data_dirs(given))))
    fail("dataset %s: not read by this script" % dataset)


def select(split, val_mode, summary, data):
    """The images and labels of the split, as the trainer made it."""
    train_x, train_y, test_x, test_y = data
    if split == "test" or val_mode == "test":
        return test_x, test_y
    if val_mode != "keras_last":
        fail("val_mode %s: the seeded random split is vitbench's own; use --split test"
             % val_mode)
    n = summary["limit"] or len(train_x)
    return train_x[n - summary["val_images"]:n], train_y[n - summary["val_images"]:n]


def topk_hits(logits, labels, k):
    """Samples whose label fewer than k classes beat (higher, or equal at a lower index)."""
    z = logits[np.arange(len(labels)), labels][:, None]
    lower = np.arange(logits.shape[1])[None, :] < labels[:, None]
    beaten = (logits > z) | ((logits == z) & lower)
    return int((beaten.sum(axis=1) < k).sum())


def evaluate(forward, p, images, labels, mean, std, smoothing):
    """(logits (N, classes) float32, mean loss, top-1, top-5) without dropout."""
    mean = torch.tensor(mean, dtype=torch.float32)
    std = torch.tensor(std, dtype=torch.float32)
    chunks = []
    with torch.no_grad():
        for s in range(0, len(images), CHUNK):
            x = torch.from_numpy(images[s:s + CHUNK].astype(np.float32)) / 255.0
            chunks.append(forward(p, (x - mean) / std))
    logits = torch.cat(chunks)
    y = torch.from_numpy(labels)
    loss = torch.nn.functional.cross_entropy(logits.double(), y, label_smoothing=smoothing)
    z = logits.numpy()
    n = len(labels)
    return z, loss.item(), topk_hits(z, labels, 1) / n, topk_hits(z, labels, 5) / n


def run_data(checkpoint_path, meta, split, data_dir, recipe=None):
    """What the run's evaluation sees: (images NHWC uint8, labels, mean, std, smoothing),
    from the run's summary.json (beside the checkpoint) and recipe (the checkpoint's, or
    `recipe` where given: a recipe outside suites/recipes, as vbmodel eval --recipe)."""
    summary_path = os.path.join(os.path.dirname(os.path.abspath(checkpoint_path)),
                                "summary.json")
    if not os.path.exists(summary_path):
        fail("%s: missing (the run's normalisation record; the run must have finished)"
             % summary_path)
    with open(summary_path) as f:
        summary = json.load(f)
    smoothing, val_mode, dataset = read_recipe(recipe or meta["recipe"])
    images, labels = select(split, val_mode, summary, read_data(dataset, data_dir))
    return (images, labels, summary["normalization_mean"], summary["normalization_std"],
            smoothing)


def report(what, split, logits, loss, top1, top5, labels, logits_path, meta):
    """The line vbmodel eval prints; the logits file when asked for."""
    print("%s, %s split: %d images" % (what, split, len(labels)))
    print("top1 %.6f top5 %.6f loss %.6f" % (top1, top5, loss))
    if logits_path:
        golden.st_write(logits_path, {"logits": logits, "labels": labels.astype(np.int32)},
                        dict(meta, format="vitbench-logits", split=split))


def export_parser(doc):
    """The arguments of a script that evaluates an export (official-cct.py,
    keras-seeds.py): EXPORT CHECKPOINT [--data DIR] [--split test|val] [--threads T]."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("export")
    ap.add_argument("checkpoint", help="the run's checkpoint the export was made from")
    ap.add_argument("--data")
    ap.add_argument("--split", choices=["test", "val"], default="test")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    return ap


def report_export(args, forward, what, recipe=None):
    """forward (images (B, H, W, C) → logits) on the split of the run whose checkpoint the
    export was made from, as vbmodel eval sees it; prints vbmodel eval's line."""
    _, run_meta = golden.st_read(args.checkpoint)
    images, labels, mean, std, smoothing = run_data(args.checkpoint, run_meta, args.split,
                                                    args.data, recipe)
    logits, loss, top1, top5 = evaluate(lambda _, x: forward(x), None, images, labels, mean,
                                        std, smoothing)
    report(what, args.split, logits, loss, top1, top5, labels, None, {})


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model", choices=sorted(golden.MODELS))
    ap.add_argument("checkpoint")
    ap.add_argument("--data")
    ap.add_argument("--split", choices=["test", "val"], default="test")
    ap.add_argument("--weights", choices=["best", "last"], default="best")
    ap.add_argument("--logits", help="write logits and labels (safetensors) here")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    spec = golden.MODELS[args.model]
    p, which, meta = read_weights(args.checkpoint, spec["params"], args.weights == "best")
    images, labels, mean, std, smoothing = run_data(args.checkpoint, meta, args.split,
                                                    args.data)
    logits, loss, top1, top5 = evaluate(spec["forward"], p, images, labels, mean, std,
                                        smoothing)
    report("%s in PyTorch %s: the %s weights of %s" % (args.model, torch.__version__, which,
                                                       args.checkpoint),
           args.split, logits, loss, top1, top5, labels, args.logits,
           {"model": args.model, "weights_file": args.checkpoint, "weights": which})


if __name__ == "__main__":
    main()
