#!/usr/bin/python3
"""PyTorch's side of `make bench`: the seed models of scripts/golden.py, timed as
`vbmodel bench` times ours, on the same threads and batch sizes.

    bench-torch.py [MODEL ...] [--threads T] [--batch B] [--steps N] [--reps R]
                   [--warmup W] [--csv FILE]

MODEL is a vitbench model name: keras_cct (batch 128), qiita_vit (400) or
keras_vit_small_ds_spt_lsa (256; 32×32 inputs resized to 72×72 inside the model); all
three by default. Training: forward in train mode with the recipe's dropouts,
cross-entropy with the recipe's label smoothing, backward, torch.optim.AdamW, float32.
Inference: every dropout off, no_grad. Each is timed as the median over R reps of N
steps after W warm-up steps; every model runs in its own forked child, whose peak RSS
(ru_maxrss from wait4) is the memory figure. CSV rows as vbmodel bench writes them:
gflops and pct_of_sgemm_peak stay empty (scripts/bench derives them from the C rows'
FLOPs per image and sgemm peak), and so does ratio_to_pytorch.
"""
import argparse
import os
import pickle
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import golden  # noqa: E402  (the models; its main() runs only as a script)

# vitbench model name -> (golden.py model, batch of the recipe)
MODELS = {
    "keras_cct": ("keras_cct", 128),
    "qiita_vit": ("qiita_vit", 400),
    "keras_vit_small_ds_spt_lsa": ("vit_spt_lsa", 256),
}
CSV_HEADER = ("model,impl,threads,batch,train_img_s,infer_img_s,peak_rss_mib,gflops,"
              "pct_of_sgemm_peak,ratio_to_pytorch")


def forward_of(name):
    """forward(p, x, drop) of golden.py's model; qiita_vit with its seed's tanh-GELU head."""
    spec = golden.MODELS[name]
    if name == "qiita_vit":
        return lambda p, x, drop: golden.qiita_forward(p, x, golden.gelu_tanh, drop)
    return spec["forward"]


def images_per_second(step, batch, args):
    """Median over args.reps timings of args.steps calls of step(), after args.warmup."""
    for _ in range(args.warmup):
        step()
    rates = []
    for _ in range(args.reps):
        t0 = time.perf_counter()
        for _ in range(args.steps):
            step()
        rates.append(args.steps * batch / (time.perf_counter() - t0))
    return float(np.median(rates))


def measure(model, batch, args):
    """Training and inference images/s of one model (runs inside the child)."""
    torch.set_num_threads(args.threads)
    name = MODELS[model][0]
    spec = golden.MODELS[name]
    forward, drop = forward_of(name), spec["dropouts"]
    table = spec["params"]
    weights = golden.init_params(table, args.seed)
    frozen = spec.get("frozen", set())  # constants of the source model: not trained
    tensors = [torch.tensor(weights[n], requires_grad=n not in frozen) for _, n, _, _ in table]
    p = dict(zip([key for key, _, _, _ in table], tensors))
    params = [t for t in tensors if t.requires_grad]
    opt = golden.recipe_optimizer(spec["recipe"])
    optimizer = torch.optim.AdamW(params, lr=opt["lr"], betas=(opt["beta1"], opt["beta2"]),
                                  eps=opt["eps"], weight_decay=opt["weight_decay"])
    gen = torch.Generator().manual_seed(args.seed)
    x = torch.rand((batch,) + spec["input"], generator=gen)  # NHWC in [0, 1), as ours
    y = torch.randint(0, spec["classes"], (batch,), generator=gen)

    def train_step():
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(forward(p, x, drop), y, label_smoothing=spec["label_smoothing"])
        loss.backward()
        optimizer.step()

    def infer_step():
        with torch.no_grad():
            forward(p, x, None)

    return images_per_second(train_step, batch, args), images_per_second(infer_step, batch, args)


def in_child(fn, *a):
    """fn(*a) in a forked child: (its result, the child's peak RSS in MiB)."""
    sys.stdout.flush()
    sys.stderr.flush()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        code = 1
        try:
            with os.fdopen(w, "wb") as out:
                pickle.dump(fn(*a), out)
            code = 0
        finally:
            sys.stderr.flush()
            os._exit(code)
    os.close(w)
    with os.fdopen(r, "rb") as inp:
        data = inp.read()
    _, status, usage = os.wait4(pid, 0)
    if status != 0 or not data:
        return None, usage.ru_maxrss / 1024.0
    return pickle.loads(data), usage.ru_maxrss / 1024.0  # Linux: ru_maxrss in KiB


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("models", nargs="*", metavar="MODEL", help=", ".join(MODELS) + " (default: all)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, help="default: the recipe's (see above)")
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--csv", help="append one row per model (header if the file is new)")
    args = ap.parse_args()
    for model in args.models:
        if model not in MODELS:
            ap.error("unknown model '%s' (one of %s)" % (model, ", ".join(MODELS)))
    args.models = args.models or list(MODELS)

    print("PyTorch %s, %d threads, median of %d reps of %d steps after %d warm-up\n"
          % (torch.__version__, args.threads, args.reps, args.steps, args.warmup))
    print("%-28s %6s %12s %12s %10s" % ("model", "batch", "train img/s", "infer img/s", "peak MiB"))
    failed = False
    for model in args.models:
        batch = args.batch or MODELS[model][1]
        print("bench: %s on pytorch, batch %d, %d threads" % (model, batch, args.threads),
              file=sys.stderr, flush=True)
        rates, rss = in_child(measure, model, batch, args)
        if rates is None:
            print("%-28s %6d failed (see above)" % (model, batch))
            failed = True
            continue
        train, infer = rates
        print("%-28s %6d %12.2f %12.2f %10.1f" % (model, batch, train, infer, rss), flush=True)
        if args.csv:
            new = not os.path.exists(args.csv) or os.path.getsize(args.csv) == 0
            with open(args.csv, "a") as f:
                if new:
                    f.write(CSV_HEADER + "\n")
                f.write("%s,pytorch,%d,%d,%.3f,%.3f,%.1f,,,\n"
                        % (model, args.threads, batch, train, infer, rss))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
