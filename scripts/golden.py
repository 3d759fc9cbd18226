#!/usr/bin/python3
"""Golden reference runs of the seed models in PyTorch, for the C implementation to match.

    golden.py MODEL --weights W.safetensors --out tests/golden/MODEL.safetensors
              [--batch B] [--seed S] [--init-here] [--dtype float64|float32]

MODEL is keras_cct (seed 001), qiita_vit (seed 003) or vit_spt_lsa (seed 002) (fashion_cct,
the quickstart's model, is here for scripts/torch-eval.py and has no golden file). The script
reads the initial parameters (C names and layouts) from --weights and writes seeded
perturbations over every one that starts at a constant (biases, LayerNorm gains and
shifts, LSA's τ), so that their wiring changes the logits. It makes a seeded batch (NHWC
floats in [0, 1), int labels; B defaults to the model's golden batch), runs one forward in
training mode with every dropout and stochastic depth at p = 0, takes the loss
(cross-entropy from logits with the model's label smoothing) and its gradients, then 10
steps of the optimizer that the model's recipe (suites/recipes/*.cfg) describes on the same
batch, recording the loss before each step. Each model's batch is one that it does not
memorise in those 10 steps. --init-here initialises Keras-like parameters in PyTorch
instead and writes them to --weights, for testing without the C side.

Output tensors: input (B,H,W,C) F32, labels (B) I32, logits (B,classes), loss (1),
trajectory (10), init.<param> for every perturbed parameter, grad.<param> for every
parameter and final.<param>, every parameter after the steps. A model whose table sets
grad_whole_max stores gradients of larger parameters as a seeded sample instead:
grad.<param>.index (k) I32 flat indices into the C layout (sorted, distinct),
grad.<param>.sample (k) and grad.<param>.norm (1, L2 norm of the whole gradient, which the
C test compares whole, so no entry goes unchecked). Final parameters of more than the
model's final_whole_max (FINAL_WHOLE_MAX unless set) entries are sampled the same way, and
only their live entries are kept (live_entries). k is the model's sample (SAMPLE unless
set); a sample costs 8 bytes an entry, so only parameters above 2·k entries are worth
sampling. This keeps every file under 1.5 MiB (the project's limit for a tracked file is
2 MiB): keras_cct samples its three gradients above 32768 entries, vit_spt_lsa (21.8M
parameters in 117 tensors) samples 2048 entries of every gradient and final parameter
above 4096. The metadata records the recipe and its optimizer values (recipe, lr, beta1,
beta2, eps, eps_mode, weight_decay, decay), and golden_lr where the golden run replaces the
recipe's lr (see MODELS).

Only Debian's python3-torch and numpy are needed: safetensors is read and written by hand.
Parameters are kept in the C layouts (Dense weights (in, out), conv HWIO, fused qkv with
columns [q | k | v], head-major) and the forward is written against those layouts, so the
only place that knows the C names is each model's PARAMS table.
"""
import argparse
import json
import math
import os
import re
import sys

import numpy as np
import torch
import torch.nn.functional as F

STEPS = 10
SAMPLE = 4096  # entries kept per sampled parameter (a model's sample overrides it)
FINAL_WHOLE_MAX = 8 * SAMPLE  # parameters after the steps: larger ones are sampled

# ==== safetensors, by hand ================================================================

ST_DTYPES = {"F32": np.float32, "I32": np.int32, "I64": np.int64, "F64": np.float64}
ST_NAMES = {np.dtype(v): k for k, v in ST_DTYPES.items()}


def st_write(path, tensors, metadata):
    """tensors: {name: ndarray}. Larger dtypes first so every tensor is aligned; header
    padded with spaces to a multiple of 8; written to path.tmp.PID, synced, renamed."""
    items = sorted(tensors.items(), key=lambda kv: -kv[1].dtype.itemsize)  # stable
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, a in items:
        blob = np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": ST_NAMES[np.dtype(a.dtype)], "shape": list(a.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header).encode()
    text += b" " * (-(8 + len(text)) % 8)
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "wb") as f:
        f.write(len(text).to_bytes(8, "little"))
        f.write(text)
        for blob in blobs:
            f.write(blob)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def st_read(path):
    """{name: ndarray}, metadata. Trusts the file only as far as numpy's bounds checks."""
    with open(path, "rb") as f:
        raw = f.read()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    data = raw[8 + n:]
    out = {}
    for name, info in header.items():
        b, e = info["data_offsets"]
        dt = np.dtype(ST_DTYPES[info["dtype"]]).newbyteorder("<")
        out[name] = np.frombuffer(data[b:e], dtype=dt).reshape(info["shape"])
    return out, meta


# ==== building blocks (C layouts, tokens (B, T, C), images NHWC) ============================

def dense(x, w, b, act=None):
    """x (..., in) @ w (in, out) + b (out), then act."""
    y = x @ w + b
    return act(y) if act else y


def gelu(x):
    return F.gelu(x)  # exact: 0.5·x·(1 + erf(x/√2)), tf.nn.gelu's default


def gelu_tanh(x):
    return F.gelu(x, approximate="tanh")  # tfa.activations.gelu's default (approximate=True)


def layernorm(x, gamma, beta, eps):
    return F.layer_norm(x, x.shape[-1:], gamma, beta, eps)


def same_pad(size, k, s):
    """TF 'same' padding for one axis: (before, after); the odd extra goes after."""
    out = -(-size // s)
    total = max((out - 1) * s + k - size, 0)
    return total // 2, total - total // 2


def conv_relu_pad_pool(x, w, pad=1, pool=3, stride=2):
    """CCT tokenizer stage: Conv2D valid no-bias ReLU → ZeroPadding2D(pad) → MaxPool pool,
    stride, same. x (B, H, W, Cin), w (kh, kw, Cin, Cout) → (B, H', W', Cout)."""
    y = F.relu(F.conv2d(x.permute(0, 3, 1, 2), w.permute(3, 2, 0, 1)))
    y = F.pad(y, (pad, pad, pad, pad))
    top, bottom = same_pad(y.shape[2], pool, stride)
    left, right = same_pad(y.shape[3], pool, stride)
    y = F.pad(y, (left, right, top, bottom), value=-math.inf)  # padding never wins
    return F.max_pool2d(y, pool, stride).permute(0, 2, 3, 1)


def attention(x, p, pre, heads, head_dim, lsa=False, attn_drop=0.0):
    """Multi-head self-attention with fused qkv (C, 3·H·D) columns [q | k | v] head-major.
    Scores scaled by 1/sqrt(D), or for LSA by 1/τ with the diagonal masked; attn_drop is
    dropout on the attention weights."""
    B, T, _ = x.shape
    qkv = dense(x, p[pre + "qkv.w"], p.get(pre + "qkv.b", 0.0))  # qkv_bias = no: none
    q, k, v = qkv.view(B, T, 3, heads, head_dim).permute(2, 0, 3, 1, 4)  # each (B, H, T, D)
    scale = 1.0 / p[pre + "tau"] if lsa else 1.0 / math.sqrt(head_dim)
    s = (q * scale) @ k.transpose(-1, -2)  # (B, H, T, T)
    if lsa:
        s = s.masked_fill(torch.eye(T, dtype=torch.bool), -math.inf)
    o = dropout(torch.softmax(s, dim=-1), attn_drop) @ v  # (B, H, T, D)
    o = o.transpose(1, 2).reshape(B, T, heads * head_dim)
    return dense(o, p[pre + "out.w"], p[pre + "out.b"])


def dropout(x, rate):
    """Training-mode dropout; the golden runs pass no rates, so this is the identity there.
    scripts/bench-torch.py passes the recipe's rates (each model's DROPOUTS)."""
    return F.dropout(x, rate) if rate else x


def drop_path(x, rate):
    """Stochastic depth on a residual branch x (B, ...): drop whole samples, scale the rest."""
    if not rate:
        return x
    keep = (torch.rand((x.shape[0],) + (1,) * (x.dim() - 1)) >= rate).to(x.dtype)
    return x * keep / (1 - rate)


def patches(x, size):
    """tf.image.extract_patches / space_to_depth: (B, H, W, C) → (B, H/s·W/s, s·s·C), each
    patch's values in (ph, pw, c) order, patches row-major."""
    B, H, W, C = x.shape
    x = x.reshape(B, H // size, size, W // size, size, C).permute(0, 1, 3, 2, 4, 5)
    return x.reshape(B, (H // size) * (W // size), size * size * C)


def shift(x, dy, dx):
    """y[i, j] = x[i − dy, j − dx], zero outside: the seed's crop_shift_pad on NHWC."""
    H, W = x.shape[1], x.shape[2]
    y = F.pad(x, (0, 0, max(dx, 0), max(-dx, 0), max(dy, 0), max(-dy, 0)))
    return y[:, max(-dy, 0):max(-dy, 0) + H, max(-dx, 0):max(-dx, 0) + W, :]


def seq_pool_head(p, x):
    """Final LayerNorm, sequence pooling (softmax over the tokens of x·w + b), classifier."""
    x = layernorm(x, p["ln.g"], p["ln.b"], 1e-5)
    a = torch.softmax(x @ p["pool.w"] + p["pool.b"], dim=1)  # (B, T)
    return dense((a.unsqueeze(-1) * x).sum(dim=1), p["fc.w"], p["fc.b"])


# ==== the models ==========================================================================
# Each model: PARAMS table [(key, C name, shape, init)], in model order; forward(p, x,
# drop) where drop maps a dropout site to its rate (None: every dropout off, the golden
# runs; the recipe's rates are the model's DROPOUTS); classes, input shape, label
# smoothing, recipe, golden batch. init is one of
#   ("glorot", fan_in, fan_out)  ("he_trunc", fan_in)  ("uniform", a)  ("const", c)
#   ("bias",) small uniform      ("gamma",) 1 + small uniform

def encoder_params(i, dim, heads, head_dim, mlp, lsa, qkv_bias=True):
    hd = heads * head_dim
    e = "encoder.%d." % i
    rows = [
        ("e%d.n1.g" % i, e + "norm1.gamma", (dim,), ("gamma",)),
        ("e%d.n1.b" % i, e + "norm1.beta", (dim,), ("bias",)),
        ("e%d.qkv.w" % i, e + "attn.qkv.weight", (dim, 3 * hd), ("glorot", dim, hd)),
    ]
    if qkv_bias:
        rows.append(("e%d.qkv.b" % i, e + "attn.qkv.bias", (3 * hd,), ("bias",)))
    rows += [
        ("e%d.out.w" % i, e + "attn.out.weight", (hd, dim), ("glorot", hd, dim)),
        ("e%d.out.b" % i, e + "attn.out.bias", (dim,), ("bias",)),
    ]
    if lsa:
        rows.append(("e%d.tau" % i, e + "attn.tau", (1,), ("const", math.sqrt(head_dim))))
    rows += [
        ("e%d.n2.g" % i, e + "norm2.gamma", (dim,), ("gamma",)),
        ("e%d.n2.b" % i, e + "norm2.beta", (dim,), ("bias",)),
    ]
    fan = dim
    for j, units in enumerate(mlp):
        rows += [("e%d.m%d.w" % (i, j), e + "mlp.%d.weight" % j, (fan, units), ("glorot", fan, units)),
                 ("e%d.m%d.b" % (i, j), e + "mlp.%d.bias" % j, (units,), ("bias",))]
        fan = units
    return rows


# ---- keras_cct (seed 001): Keras example "Compact Convolutional Transformers", TF 2.5 ----
CCT_DIM, CCT_HEADS, CCT_KEY_DIM, CCT_DEPTH = 128, 2, 128, 2
CCT_PARAMS = [
    ("conv0", "conv.0.weight", (3, 3, 3, 64), ("he_trunc", 3 * 3 * 3)),
    ("conv1", "conv.1.weight", (3, 3, 64, 128), ("he_trunc", 3 * 3 * 64)),
    ("pos", "posemb.0.table", (64, CCT_DIM), ("uniform", 0.05)),
] + [row for i in range(CCT_DEPTH)
     for row in encoder_params(i, CCT_DIM, CCT_HEADS, CCT_KEY_DIM, [CCT_DIM, CCT_DIM], False)] + [
    ("ln.g", "layernorm.0.gamma", (CCT_DIM,), ("gamma",)),
    ("ln.b", "layernorm.0.beta", (CCT_DIM,), ("bias",)),
    ("pool.w", "seqpool.0.weight", (CCT_DIM,), ("glorot", CCT_DIM, 1)),
    ("pool.b", "seqpool.0.bias", (1,), ("bias",)),
    ("fc.w", "dense.0.weight", (CCT_DIM, 10), ("glorot", CCT_DIM, 10)),
    ("fc.b", "dense.0.bias", (10,), ("bias",)),
]
# The TF example adds its position table as a constant (its Embedding runs once, eagerly,
# outside the functional graph): never trained, no gradient, no decay (posemb kind = frozen).
CCT_FROZEN = {"posemb.0.table"}


CCT_DROPOUTS = dict(attn=0.1, mlp=0.1, depth=0.1)  # suites/models/keras_cct.cfg


def cct_forward(p, x, drop=None):
    d = drop or {}
    x = conv_relu_pad_pool(x, p["conv0"])        # (B, 16, 16, 64)
    x = conv_relu_pad_pool(x, p["conv1"])        # (B, 8, 8, 128)
    x = x.reshape(x.shape[0], -1, CCT_DIM) + p["pos"]  # (B, 64, 128)
    for i in range(CCT_DEPTH):  # pre-norm; stochastic depth rises linearly over the blocks
        e = "e%d." % i
        path = d.get("depth", 0) * i / (CCT_DEPTH - 1)
        a = attention(layernorm(x, p[e + "n1.g"], p[e + "n1.b"], 1e-5), p, e, CCT_HEADS,
                      CCT_KEY_DIM, attn_drop=d.get("attn", 0))
        x = x + drop_path(a, path)
        h = layernorm(x, p[e + "n2.g"], p[e + "n2.b"], 1e-5)
        h = dropout(dense(h, p[e + "m0.w"], p[e + "m0.b"], gelu), d.get("mlp", 0))
        h = dropout(dense(h, p[e + "m1.w"], p[e + "m1.b"], gelu), d.get("mlp", 0))  # GELU on the last Dense too (seed's mlp())
        x = x + drop_path(h, path)
    return seq_pool_head(p, x)


# ---- fashion_cct (suites/models/fashion_cct.cfg): a small CCT in the official code's form ----
FC_DIM, FC_HEADS, FC_HEAD_DIM, FC_DEPTH = 48, 2, 24, 2
FC_PARAMS = [
    ("conv0", "conv.0.weight", (3, 3, 1, 16), ("he_trunc", 3 * 3 * 1)),
    ("conv1", "conv.1.weight", (3, 3, 16, FC_DIM), ("he_trunc", 3 * 3 * 16)),
    ("pos", "posemb.0.table", (49, FC_DIM), ("uniform", 0.2)),
] + [row for i in range(FC_DEPTH)
     for row in encoder_params(i, FC_DIM, FC_HEADS, FC_HEAD_DIM, [2 * FC_DIM, FC_DIM], False,
                               qkv_bias=False)] + [
    ("ln.g", "layernorm.0.gamma", (FC_DIM,), ("gamma",)),
    ("ln.b", "layernorm.0.beta", (FC_DIM,), ("bias",)),
    ("pool.w", "seqpool.0.weight", (FC_DIM,), ("glorot", FC_DIM, 1)),
    ("pool.b", "seqpool.0.bias", (1,), ("bias",)),
    ("fc.w", "dense.0.weight", (FC_DIM, 10), ("glorot", FC_DIM, 10)),
    ("fc.b", "dense.0.bias", (10,), ("bias",)),
]


def conv_relu_pool(x, w):
    """Official CCT tokenizer stage: Conv2d padding k//2 no bias, ReLU, MaxPool2d(3, 2, 1).
    x (B, H, W, Cin), w (kh, kw, Cin, Cout) → (B, H', W', Cout)."""
    y = F.relu(F.conv2d(x.permute(0, 3, 1, 2), w.permute(3, 2, 0, 1), padding=w.shape[0] // 2))
    return F.max_pool2d(y, 3, 2, 1).permute(0, 2, 3, 1)


def fashion_cct_forward(p, x, drop=None):
    """Inference only (the model has no dropout)."""
    x = conv_relu_pool(conv_relu_pool(x, p["conv0"]), p["conv1"])  # (B, 7, 7, 48)
    x = x.reshape(x.shape[0], -1, FC_DIM) + p["pos"]                 # (B, 49, 48)
    for i in range(FC_DEPTH):  # norm = cct: the stream is normalised between the branches
        e = "e%d." % i
        x = x + attention(layernorm(x, p[e + "n1.g"], p[e + "n1.b"], 1e-5), p, e, FC_HEADS,
                          FC_HEAD_DIM)
        x = layernorm(x, p[e + "n2.g"], p[e + "n2.b"], 1e-5)
        x = x + dense(dense(x, p[e + "m0.w"], p[e + "m0.b"], gelu), p[e + "m1.w"], p[e + "m1.b"])
    return seq_pool_head(p, x)


# ---- qiita_vit (seed 003): post-norm ViT with a learned token appended after the patches ----
QV_DIM, QV_HEADS, QV_DEPTH = 64, 4, 4
QV_PARAMS = [
    ("patch.w", "dense.0.weight", (48, QV_DIM), ("glorot", 48, QV_DIM)),
    ("patch.b", "dense.0.bias", (QV_DIM,), ("bias",)),
    ("token", "class_token.0.token", (QV_DIM,), ("glorot", QV_DIM, QV_DIM)),
    ("pos", "posemb.0.table", (65, QV_DIM), ("glorot", 65, QV_DIM)),
] + [row for i in range(QV_DEPTH)
     for row in encoder_params(i, QV_DIM, QV_HEADS, QV_DIM // QV_HEADS, [128, QV_DIM], False)] + [
    ("head.w", "dense.1.weight", (QV_DIM, 128), ("glorot", QV_DIM, 128)),
    ("head.b", "dense.1.bias", (128,), ("bias",)),
    ("fc.w", "dense.2.weight", (128, 10), ("glorot", 128, 10)),
    ("fc.b", "dense.2.bias", (10,), ("bias",)),
]


QV_DROPOUTS = dict(attn_out=0.1, mlp=0.1, head=0.1)  # suites/models/qiita_vit.cfg


def qiita_forward(p, x, head_gelu, drop=None):
    d = drop or {}
    x = dense(patches(x, 4), p["patch.w"], p["patch.b"])      # (B, 64, 64)
    token = p["token"].expand(x.shape[0], 1, QV_DIM)
    x = torch.cat([x, token], dim=1) + p["pos"]                # token APPENDED: (B, 65, 64)
    for i in range(QV_DEPTH):  # post-norm; dropout after the attention and the whole MLP
        e = "e%d." % i
        a = dropout(attention(x, p, e, QV_HEADS, QV_DIM // QV_HEADS), d.get("attn_out", 0))
        x = layernorm(x + a, p[e + "n1.g"], p[e + "n1.b"], 1e-6)
        h = dense(dense(x, p[e + "m0.w"], p[e + "m0.b"], F.relu), p[e + "m1.w"], p[e + "m1.b"])
        x = layernorm(x + dropout(h, d.get("mlp", 0)), p[e + "n2.g"], p[e + "n2.b"], 1e-6)
    x = dense(x[:, 0], p["head.w"], p["head.b"], head_gelu)    # token 0 = the FIRST PATCH (seed)
    x = dropout(x, d.get("head", 0))
    return dense(x, p["fc.w"], p["fc.b"])                      # softmax folded into the loss


# ---- vit_spt_lsa (seed 002): Keras example "ViT on small datasets", SPT + LSA -------------
SL_DIM, SL_HEADS, SL_KEY_DIM, SL_DEPTH, SL_SIZE, SL_PATCH = 64, 4, 64, 8, 72, 6
SL_TOKENS = (SL_SIZE // SL_PATCH) ** 2
SL_PATCH_DIM = SL_PATCH * SL_PATCH * 15
SL_PARAMS = [
    ("spt.ln.g", "layernorm.0.gamma", (SL_PATCH_DIM,), ("gamma",)),
    ("spt.ln.b", "layernorm.0.beta", (SL_PATCH_DIM,), ("bias",)),
    ("spt.w", "dense.0.weight", (SL_PATCH_DIM, SL_DIM), ("glorot", SL_PATCH_DIM, SL_DIM)),
    ("spt.b", "dense.0.bias", (SL_DIM,), ("bias",)),
    ("pos", "posemb.0.table", (SL_TOKENS, SL_DIM), ("uniform", 0.05)),
] + [row for i in range(SL_DEPTH)
     for row in encoder_params(i, SL_DIM, SL_HEADS, SL_KEY_DIM, [2 * SL_DIM, SL_DIM], True)] + [
    ("ln.g", "layernorm.1.gamma", (SL_DIM,), ("gamma",)),
    ("ln.b", "layernorm.1.beta", (SL_DIM,), ("bias",)),
    ("h0.w", "dense.1.weight", (SL_TOKENS * SL_DIM, 2048), ("glorot", SL_TOKENS * SL_DIM, 2048)),
    ("h0.b", "dense.1.bias", (2048,), ("bias",)),
    ("h1.w", "dense.2.weight", (2048, 1024), ("glorot", 2048, 1024)),
    ("h1.b", "dense.2.bias", (1024,), ("bias",)),
    ("fc.w", "dense.3.weight", (1024, 100), ("glorot", 1024, 100)),
    ("fc.b", "dense.3.bias", (100,), ("bias",)),
]

# The seed's crop_shift_pad modes in the order its call() concatenates them, as (dy, dx)
# image shifts: "left-up" moves the picture up and left, and so on.
SPT_SHIFTS = [(-3, -3), (3, -3), (-3, 3), (3, 3)]  # left-up, left-down, right-up, right-down


SL_DROPOUTS = dict(attn=0.1, mlp=0.1, head=0.5)  # suites/models/keras_vit_small_ds_spt_lsa.cfg


def spt_lsa_forward(p, x, drop=None):
    d = drop or {}
    x = F.interpolate(x.permute(0, 3, 1, 2), size=(SL_SIZE, SL_SIZE), mode="bilinear",
                      align_corners=False).permute(0, 2, 3, 1)  # tf.image.resize: half-pixel
    x = torch.cat([x] + [shift(x, dy, dx) for dy, dx in SPT_SHIFTS], dim=-1)  # (B, 72, 72, 15)
    x = layernorm(patches(x, SL_PATCH), p["spt.ln.g"], p["spt.ln.b"], 1e-6)  # (B, 144, 540)
    x = dense(x, p["spt.w"], p["spt.b"]) + p["pos"]
    for i in range(SL_DEPTH):  # pre-norm, LSA
        e = "e%d." % i
        x = x + attention(layernorm(x, p[e + "n1.g"], p[e + "n1.b"], 1e-6), p, e, SL_HEADS, SL_KEY_DIM,
                          lsa=True, attn_drop=d.get("attn", 0))
        h = layernorm(x, p[e + "n2.g"], p[e + "n2.b"], 1e-6)
        h = dropout(dense(h, p[e + "m0.w"], p[e + "m0.b"], gelu), d.get("mlp", 0))
        h = dropout(dense(h, p[e + "m1.w"], p[e + "m1.b"], gelu), d.get("mlp", 0))
        x = x + h
    x = dropout(layernorm(x, p["ln.g"], p["ln.b"], 1e-6).flatten(1), d.get("head", 0))  # (B, 144·64)
    x = dropout(dense(x, p["h0.w"], p["h0.b"], gelu), d.get("head", 0))
    x = dropout(dense(x, p["h1.w"], p["h1.b"], gelu), d.get("head", 0))
    return dense(x, p["fc.w"], p["fc.b"])


# ==== the optimizer, from the model's recipe ===============================================
# The keys core/train/recipe.c reads for the optimizer, with its defaults (Keras' Adam). The
# C test builds its descriptor from the same file with the trainer's vb_recipe_adam and
# checks it against the values this script records in the golden file's metadata.
RECIPES = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "suites",
                       "recipes")
RECIPE_DEFAULTS = dict(optimizer="adam", lr="1e-3", beta1="0.9", beta2="0.999", eps="1e-7",
                       eps_mode="keras", weight_decay="0", decay="decoupled",
                       schedule="constant")


def read_recipe(name, section="recipe", defaults=RECIPE_DEFAULTS):
    """{key: text} for the defaults' keys of suites/recipes/NAME.cfg's [section] (cfg.h's
    dialect: a comment starts at '#' or ';' at a line's start or after a space)."""
    keys, current = dict(defaults), None
    with open(os.path.join(RECIPES, name + ".cfg")) as f:
        for line in f:
            line = re.split(r"(?:^|\s)[#;]", line, maxsplit=1)[0].strip()
            if line.startswith("["):
                current = line
            elif current == "[%s]" % section and "=" in line:
                key, value = (part.strip() for part in line.split("=", 1))
                if key in keys:
                    keys[key] = value
    return keys


def recipe_optimizer(name):
    """The recipe's Adam: decay none (plain adam), decoupled (TF-addons: p −= wd·p) or
    decoupled_lr (PyTorch: p −= lr·wd·p); eps_mode keras (epsilon hat) or torch."""
    r = read_recipe(name)
    if r["schedule"] != "constant":
        sys.exit("%s: schedule %s: the golden runs step at a constant rate"
                 % (name, r["schedule"]))
    return dict(recipe=name, lr=float(r["lr"]),
                beta1=float(r["beta1"]), beta2=float(r["beta2"]), eps=float(r["eps"]),
                eps_mode=r["eps_mode"], weight_decay=float(r["weight_decay"]),
                decay="none" if r["optimizer"] == "adam" else r["decay"])


# golden_lr, where set, replaces the recipe's lr for the golden run alone: at vit_spt_lsa's
# 1e-3, Adam's first step moves each of the 18.9M weights of its 9216-wide head by ~lr in
# the direction of its gradient's sign, shifting every hidden unit by ~9216·lr·|x| ≈ 10, so
# any batch of 4 to 32 images is memorised in that one step (loss 0 from step 2). At 3e-6
# the batch of 8 descends steadily (4.88 → 2.43 in 10 steps).
# grad_whole_max, final_whole_max and sample set how much of each parameter a file keeps
# (entries()): as much as fits the file in 1.5 MiB, whole up to the bound, a seeded sample of
# `sample` entries above it.
MODELS = {
    "keras_cct": dict(params=CCT_PARAMS, forward=cct_forward, input=(32, 32, 3), classes=10,
                      label_smoothing=0.1, recipe="keras_cct", batch=4, expect_params=408139,
                      grad_whole_max=32768, dropouts=CCT_DROPOUTS, frozen=CCT_FROZEN),
    "fashion_cct": dict(params=FC_PARAMS, forward=fashion_cct_forward, input=(28, 28, 1),
                        classes=10, label_smoothing=0.1, recipe="fashion_cct", batch=4,
                        expect_params=47675,
                        grad_whole_max=None, dropouts={}),
    "qiita_vit": dict(params=QV_PARAMS, forward=qiita_forward, input=(32, 32, 3), classes=10,
                      label_smoothing=0.0, recipe="qiita_vit", batch=4, expect_params=150858,
                      grad_whole_max=None, dropouts=QV_DROPOUTS),
    "vit_spt_lsa": dict(params=SL_PARAMS, forward=spt_lsa_forward, input=(32, 32, 3), classes=100,
                        label_smoothing=0.0, recipe="keras_vit_small_ds", batch=8,
                        expect_params=None, grad_whole_max=4096, final_whole_max=4096,
                        sample=2048, dropouts=SL_DROPOUTS, golden_lr=3e-6),
}


# ==== parameters ============================================================================

def init_param(shape, how, gen):
    kind = how[0]
    if kind == "glorot":  # Keras glorot_uniform
        limit = math.sqrt(6.0 / (how[1] + how[2]))
        return (torch.rand(shape, generator=gen, dtype=torch.float64) * 2 - 1) * limit
    if kind == "he_trunc":  # Keras he_normal: truncated at 2σ, σ corrected for the truncation
        std = math.sqrt(2.0 / how[1]) / 0.87962566103423978
        z = torch.randn(shape, generator=gen, dtype=torch.float64)
        while (bad := z.abs() > 2).any():  # redraw the tails
            z[bad] = torch.randn(int(bad.sum()), generator=gen, dtype=torch.float64)
        return z * std
    if kind == "uniform":
        return (torch.rand(shape, generator=gen, dtype=torch.float64) * 2 - 1) * how[1]
    if kind == "const":
        return torch.full(shape, float(how[1]), dtype=torch.float64)
    if kind == "bias":  # Keras uses zeros; shifted so a misplaced bias shows up
        return (torch.rand(shape, generator=gen, dtype=torch.float64) * 2 - 1) * 0.1
    if kind == "gamma":
        return 1 + (torch.rand(shape, generator=gen, dtype=torch.float64) * 2 - 1) * 0.1
    raise ValueError(kind)


def perturb(table, seed):
    """New values for every parameter Keras (and vbmodel init) starts at a constant: biases
    and LayerNorm shifts uniform in ±0.1, gains and LSA's τ scaled by 1 ± 0.1, seeded. The
    golden run starts from them so that a bias or gain wired to the wrong place changes the
    logits; the file carries them (init.<name>) for the C test to write over its own."""
    gen = torch.Generator().manual_seed(seed)
    out = {}
    for _, name, shape, how in table:
        if how[0] in ("bias", "gamma"):
            out[name] = init_param(shape, how, gen)
        elif how[0] == "const":
            out[name] = init_param(shape, ("gamma",), gen) * how[1]
    return {name: a.to(torch.float32).numpy() for name, a in out.items()}


def init_params(table, seed):
    gen = torch.Generator().manual_seed(seed)
    return {name: init_param(shape, how, gen).to(torch.float32).numpy()
            for _, name, shape, how in table}


def check_weights(table, weights, path):
    """Every table entry present with its shape, nothing else. One-line errors."""
    for _, name, shape, _ in table:
        if name not in weights:
            sys.exit("%s: missing parameter '%s'" % (path, name))
        if tuple(weights[name].shape) != tuple(shape):
            sys.exit("%s: parameter '%s' has shape %s, expected %s"
                     % (path, name, list(weights[name].shape), list(shape)))
    extra = set(weights) - {name for _, name, _, _ in table}
    if extra:
        sys.exit("%s: unexpected tensors %s" % (path, ", ".join(sorted(extra))))


# ==== the run ===============================================================================

def loss_fn(logits, labels, smoothing):
    """Mean softmax cross-entropy, target = (1 − ls)·onehot + ls/classes (Keras and torch agree)."""
    return F.cross_entropy(logits, labels, label_smoothing=smoothing)


def adam_step(params, grads, state, t, o):
    """One step of the recipe's Adam (core/ref/adam.c): decay from the old p."""
    bc1, bc2 = 1 - o["beta1"] ** t, 1 - o["beta2"] ** t
    decay = {"none": 0.0, "decoupled": o["weight_decay"],
             "decoupled_lr": o["lr"] * o["weight_decay"]}[o["decay"]]
    with torch.no_grad():
        for p, g in zip(params, grads):
            m, v = state.setdefault(id(p), (torch.zeros_like(p), torch.zeros_like(p)))
            m.mul_(o["beta1"]).add_((1 - o["beta1"]) * g)
            v.mul_(o["beta2"]).add_((1 - o["beta2"]) * g * g)
            if o["eps_mode"] == "keras":  # epsilon hat
                update = o["lr"] * math.sqrt(bc2) / bc1 * m / (v.sqrt() + o["eps"])
            else:
                update = o["lr"] * (m / bc1) / ((v / bc2).sqrt() + o["eps"])
            p -= decay * p + update


def entries(prefix, name, a, whole_max, sample, seed, live=None):
    """PREFIX.<name> whole, or PREFIX.<name>.index (flat indices, I32), .sample and .norm
    (the whole L2 norm): every live entry (live: a mask, None = all) when some are not, or
    a seeded sample of `sample` of them for a parameter of more than whole_max entries."""
    a = a.reshape(-1)
    assert a.size < 2 ** 31, "%s: too large for I32 indices" % name
    kept = np.arange(a.size) if live is None else np.flatnonzero(live.reshape(-1))
    if kept.size == a.size and (whole_max is None or a.size <= whole_max):
        return {prefix + "." + name: a.astype(np.float32)}
    if whole_max is not None and kept.size > whole_max:
        rng = np.random.default_rng([seed] + list(name.encode()))
        kept = np.sort(rng.choice(kept, sample, replace=False))
    return {"%s.%s.index" % (prefix, name): kept.astype(np.int32),
            "%s.%s.sample" % (prefix, name): a[kept].astype(np.float32),
            "%s.%s.norm" % (prefix, name): np.array([np.linalg.norm(a.astype(np.float64))],
                                                     np.float32)}


def live_entries(grads):
    """Masks of the entries whose first gradient is not 0 in exact arithmetic. Key biases
    (softmax ignores a shift of a whole row of scores) and sequence pooling's bias have a
    gradient of rounding noise, which Adam normalises into steps of up to ~lr in random
    directions: where they end depends on the arithmetic, not on the optimizer, so the
    final parameters are compared without them. Noise here is ~1e-16 of the largest
    gradient (float64), any real gradient of these runs many orders above 1e-12 of it."""
    top = max(g.abs().max().item() for g in grads)
    return [(g.abs() > 1e-12 * top).numpy() for g in grads]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model", choices=sorted(MODELS))
    ap.add_argument("--weights", required=True, help="initial parameters (safetensors, C names)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--batch", type=int, help="the batch (default: the model's golden batch)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--init-here", action="store_true",
                    help="initialise in PyTorch and write the parameters to --weights")
    ap.add_argument("--dtype", choices=["float64", "float32"], default="float64",
                    help="compute precision (outputs are stored as F32 either way)")
    ap.add_argument("--head-gelu", choices=["tanh", "exact"], default="tanh",
                    help="qiita_vit head GELU: the seed's tfa.activations.gelu is the tanh form")
    args = ap.parse_args()

    spec = MODELS[args.model]
    table = spec["params"]
    frozen = spec.get("frozen", set())
    count = sum(int(np.prod(shape)) for _, name, shape, _ in table if name not in frozen)
    print("%s: %d parameters in %d tensors (%d frozen)" % (args.model, count, len(table),
                                                            len(frozen)))
    if spec["expect_params"] is not None and count != spec["expect_params"]:
        sys.exit("%s: %d parameters, the seed says %d" % (args.model, count, spec["expect_params"]))

    if args.init_here:
        weights = init_params(table, args.seed)
        st_write(args.weights, weights, {"format": "vitbench-weights", "model": args.model,
                                         "init": "golden.py --init-here seed %d" % args.seed})
    weights, weights_meta = st_read(args.weights)
    check_weights(table, weights, args.weights)
    start = perturb(table, args.seed)
    weights.update(start)
    opt = recipe_optimizer(spec["recipe"])
    step_opt = dict(opt, lr=spec.get("golden_lr") or opt["lr"])
    batch = args.batch or spec["batch"]

    dtype = getattr(torch, args.dtype)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    images = rng.random((batch,) + spec["input"], dtype=np.float32)
    labels = rng.integers(0, spec["classes"], batch).astype(np.int32)
    x = torch.from_numpy(images).to(dtype)
    y = torch.from_numpy(labels).long()

    keys = [key for key, _, _, _ in table]
    tensors = [torch.tensor(weights[name], dtype=dtype, requires_grad=name not in frozen)
               for _, name, _, _ in table]
    p = dict(zip(keys, tensors))
    params = [t for t in tensors if t.requires_grad]  # what the optimizer trains
    forward = spec["forward"]
    if args.model == "qiita_vit":
        head = gelu_tanh if args.head_gelu == "tanh" else gelu
        forward = lambda p_, x_: qiita_forward(p_, x_, head)  # noqa: E731

    trajectory, state = [], {}
    for t in range(STEPS + 1):
        logits = forward(p, x)
        loss = loss_fn(logits, y, spec["label_smoothing"])
        if t == STEPS:
            break
        grads = torch.autograd.grad(loss, params)
        if t == 0:
            first_logits, first_loss, first_grads = logits.detach(), loss.item(), grads
        trajectory.append(loss.item())
        adam_step(params, grads, state, t + 1, step_opt)

    out = {"input": images, "labels": labels,
           "logits": first_logits.numpy().astype(np.float32),
           "loss": np.array([first_loss], np.float32),
           "trajectory": np.array(trajectory, np.float32)}
    out.update({"init." + name: a for name, a in start.items()})
    trained = [name for _, name, _, _ in table if name not in frozen]
    sample = spec.get("sample", SAMPLE)
    for name, g, w, live in zip(trained, first_grads, params, live_entries(first_grads)):
        out.update(entries("grad", name, g.numpy(), spec["grad_whole_max"], sample, args.seed))
        out.update(entries("final", name, w.detach().numpy(),
                           spec.get("final_whole_max", FINAL_WHOLE_MAX), sample, args.seed, live))
    meta = {"format": "vitbench-golden", "version": "2", "model": args.model,
            "batch": str(batch), "seed": str(args.seed), "torch": torch.__version__,
            "dtype": args.dtype, "label_smoothing": str(spec["label_smoothing"]),
            "steps": str(STEPS), "parameters": str(count)}
    meta.update({key: str(value) for key, value in opt.items()})  # the recipe's values
    if "golden_lr" in spec:
        meta["golden_lr"] = str(spec["golden_lr"])
    if args.model == "qiita_vit":
        meta["head_gelu"] = args.head_gelu
    # How the initial weights were made, so the C test can remake them bit for bit
    # (vbmodel init writes init_seed) instead of the golden file carrying them too.
    meta["weights"] = weights_meta.get("init", "")
    meta["weights_seed"] = weights_meta.get("init_seed", "")
    st_write(args.out, out, meta)
    print("loss %.6f; trajectory %s" % (first_loss, " ".join("%.5f" % v for v in trajectory)))
    print("wrote %s (%d bytes)" % (args.out, os.path.getsize(args.out)))


if __name__ == "__main__":
    main()
