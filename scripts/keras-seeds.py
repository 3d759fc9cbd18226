#!/usr/bin/python3
"""The seeds' Keras models in PyTorch, under the weight names their own code gives, loading
`vbmodel export --format keras`: a check that the export has those names, shapes and
layouts, and means the same maths.

    keras-seeds.py EXPORT.safetensors RUN/checkpoint.safetensors [--data DIR]
                   [--split test|val] [--recipe FILE] [--threads T]

Each builder below follows its seed's model function (the export's metadata keras_form
says which: create_cct_model() of seeds 000/001 in TF 2 and of seed 004 in Keras 3,
create_vit_classifier(vanilla=True|False) of seed 002, make_ViT() of seed 003) in the
order the seed's code makes its layers, each layer taking Keras's automatic name (its
class in snake_case, then _1, _2, ... per name), and fetches each weight by the name Keras
gives it (TF 2: SCOPE/WEIGHT:0; Keras 3: the variable's path), in Keras's layout: Conv2D
kernels HWIO, Dense kernels (in, out), MultiHeadAttention's EinsumDense kernels (dim,
heads, key_dim) and (heads, key_dim, dim), applied with the einsums Keras uses; the
unnamed variables are LAYER/ATTRIBUTE:0 and seeds 000/001's constant position table
constant/position_embeddings (suites/keras_names.c). The shapes it expects follow from
the sizes in the export's metadata vitbench_model (the resolved model description) and
classes; a
missing, misshapen or unused tensor is an error.

It then evaluates the run's split as scripts/torch-eval.py does (the same data,
normalisation and loss, from RUN/summary.json and the recipe; --recipe for a recipe file
outside suites/recipes) and prints the line `vbmodel eval` prints for the checkpoint the
export was made from.
"""
import importlib
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import golden  # noqa: E402

torch_eval = importlib.import_module("torch-eval")
official_cct = importlib.import_module("official-cct")  # parse_description


class Keras:
    """A fresh Keras session's automatic layer names, and the export's tensors by name."""

    def __init__(self, tensors, keras3):
        self.tensors, self.keras3 = tensors, keras3
        self.made, self.used = {}, set()

    def name(self, cls):
        """The name of the next layer of class `cls` (snake_case) made without name=."""
        n = self.made.get(cls, 0)
        self.made[cls] = n + 1
        return cls if n == 0 else "%s_%d" % (cls, n)

    def weight(self, scope, weight, shape):
        """SCOPE/WEIGHT (":0" for a TF 2 variable name) of Keras's shape."""
        return self.fetch("%s/%s%s" % (scope, weight, "" if self.keras3 else ":0"), shape)

    def fetch(self, key, shape):
        if key not in self.tensors:
            torch_eval.fail("the export has no %s" % key)
        a = self.tensors[key]
        if tuple(a.shape) != tuple(shape):
            torch_eval.fail("%s has shape %s, Keras's is %s" % (key, list(a.shape), list(shape)))
        self.used.add(key)
        return torch.tensor(a.copy())

    def check_all_used(self):
        unused = sorted(set(self.tensors) - self.used)
        if unused:
            torch_eval.fail("the export has tensors the seed's model lacks: %s"
                            % ", ".join(unused))


# ==== Keras layers, with Keras's weights and layouts =======================================

class Dense:
    """kernel (in, out), bias (out): x @ kernel + bias, then the activation."""

    def __init__(self, k, scope, fan_in, units, activation=None):
        self.kernel = k.weight(scope, "kernel", (fan_in, units))
        self.bias = k.weight(scope, "bias", (units,))
        self.activation = activation

    def __call__(self, x):
        y = x @ self.kernel + self.bias
        return self.activation(y) if self.activation else y


class LayerNormalization:
    def __init__(self, k, scope, dim, eps):
        self.gamma = k.weight(scope, "gamma", (dim,))
        self.beta = k.weight(scope, "beta", (dim,))
        self.eps = eps

    def __call__(self, x):
        return golden.layernorm(x, self.gamma, self.beta, self.eps)


class MultiHeadAttention:
    """Keras's MultiHeadAttention(num_heads, key_dim) on (x, x): EinsumDense query, key,
    value (kernel (dim, heads, key_dim), bias (heads, key_dim)), the query scaled by
    1/√key_dim, scores einsum(key, query), softmax over the keys, attention_output (kernel
    (heads, key_dim, dim)). lsa: seed 002's MultiHeadAttentionLSA, the query scaled by its
    variable 1/tau instead and the diagonal masked."""

    def __init__(self, k, scope, dim, heads, key_dim, lsa=False):
        self.proj = {part: (k.weight(scope + "/" + part, "kernel", (dim, heads, key_dim)),
                            k.weight(scope + "/" + part, "bias", (heads, key_dim)))
                     for part in ("query", "key", "value")}
        self.out_kernel = k.weight(scope + "/attention_output", "kernel", (heads, key_dim, dim))
        self.out_bias = k.weight(scope + "/attention_output", "bias", (dim,))
        self.tau = k.weight(scope, "tau", ()) if lsa else None
        self.key_dim = key_dim

    def __call__(self, x):
        q, key, v = (torch.einsum("btc,chd->bthd", x, w) + b
                     for w, b in (self.proj[p] for p in ("query", "key", "value")))
        q = q / self.tau if self.tau is not None else q * (1.0 / math.sqrt(self.key_dim))
        scores = torch.einsum("bshd,bthd->bhts", key, q)  # (B, heads, T query, T key)
        if self.tau is not None:
            eye = torch.eye(scores.shape[-1], dtype=torch.bool)
            scores = scores.masked_fill(eye, -math.inf)
        o = torch.einsum("bhts,bshd->bthd", torch.softmax(scores, dim=-1), v)
        return torch.einsum("bthd,hdc->btc", o, self.out_kernel) + self.out_bias


def pre_norm_block(k, dim, enc, attention, activation, lsa=False):
    """The seeds' pre-norm block as their loops build it: LayerNormalization, the
    attention, LayerNormalization, mlp()'s Dense layers (the activation after each one)."""
    eps = float(enc["eps"])
    norm1 = LayerNormalization(k, k.name("layer_normalization"), dim, eps)
    attn = MultiHeadAttention(k, k.name(attention), dim, int(enc["heads"]),
                              int(enc["key_dim"]), lsa)
    norm2 = LayerNormalization(k, k.name("layer_normalization"), dim, eps)
    mlp, fan = [], dim
    for units in (int(u) for u in enc["mlp"].split(",")):
        mlp.append(Dense(k, k.name("dense"), fan, units, activation))
        fan = units

    def block(x):
        x = x + attn(norm1(x))
        h = norm2(x)
        for dense in mlp:
            h = dense(h)
        return x + h
    return block


def sections(desc, name):
    return [keys for section, keys in desc if section == name]


def image_shape(desc):
    return tuple(int(v) for v in dict(desc)["model"]["input"].split("x"))


# ==== the seeds' model functions ===========================================================

def create_cct_model(k, desc, classes):
    """Seeds 000/001 (TF 2) and 004 (Keras 3): CCTTokenizer's keras.Sequential of Conv2D
    (valid, no bias, ReLU), ZeroPadding2D, MaxPool2D (same); the position embedding; the
    blocks; LayerNormalization; sequence pooling's Dense(1); the classifier Dense."""
    h, w, channels = image_shape(desc)
    prefix = ("%s/%s/" % (k.name("cct_tokenizer"), k.name("sequential"))) if k.keras3 else ""
    stages = []
    for conv, pad, pool in zip(sections(desc, "conv"), sections(desc, "zeropad"),
                               sections(desc, "maxpool")):
        size, filters = int(conv["size"]), int(conv["filters"])
        kernel = k.weight(prefix + k.name("conv2d"), "kernel", (size, size, channels, filters))
        stages.append((kernel, int(pad["pad"]), int(pool["size"]), int(pool["stride"])))
        h = -(-(h - size + 1 + 2 * int(pad["pad"])) // int(pool["stride"]))
        w = -(-(w - size + 1 + 2 * int(pad["pad"])) // int(pool["stride"]))
        channels = filters
    dim, tokens = channels, h * w
    if k.keras3:  # its PositionEmbedding layer's weight
        table = k.weight(k.name("position_embedding"), "embeddings", (tokens, dim))
    else:  # Embedding(tf.range(T)) run eagerly: a constant of the graph
        table = k.fetch("constant/position_embeddings", (tokens, dim))
    enc = sections(desc, "encoder")[0]
    activation = (lambda x: F.gelu(x, approximate="tanh")) if k.keras3 else F.gelu
    blocks = [pre_norm_block(k, dim, enc, "multi_head_attention", activation)
              for _ in range(int(enc["depth"]))]
    norm = LayerNormalization(k, k.name("layer_normalization"), dim,
                              float(sections(desc, "layernorm")[0]["eps"]))
    pool_scope = k.name("sequence_pooling") + "/" if k.keras3 else ""
    attention_pool = Dense(k, pool_scope + k.name("dense"), dim, 1)
    classifier = Dense(k, k.name("dense"), dim, classes)

    def forward(x):  # (B, H, W, C)
        for kernel, pad, pool, stride in stages:
            x = golden.conv_relu_pad_pool(x, kernel, pad, pool, stride)
        x = x.reshape(x.shape[0], -1, dim) + table
        for block in blocks:
            x = block(x)
        x = norm(x)
        weights = torch.softmax(attention_pool(x), dim=1)  # (B, T, 1)
        return classifier((weights.transpose(1, 2) @ x).squeeze(-2))
    return forward


def create_vit_classifier(k, desc, classes, vanilla):
    """Seed 002: ShiftedPatchTokenization (its Dense, and the LayerNormalization only the
    SPT path uses: both made in its __init__), PatchEncoder's Embedding, the blocks
    (MultiHeadAttentionLSA unless vanilla), LayerNormalization, the MLP head's Dense."""
    _, _, channels = image_shape(desc)
    out_h, out_w = (int(v) for v in sections(desc, "resize")[0]["size"].split("x"))
    patch = int(sections(desc, "patches" if vanilla else "shifted_patches")[0]["size"])
    tokens, patch_dim = (out_h // patch) * (out_w // patch), patch * patch * channels
    if not vanilla:
        patch_dim *= 5  # the image and its four shifts, on channels
    denses = sections(desc, "dense")
    dim, eps = int(denses[0]["units"]), float(sections(desc, "layernorm")[0]["eps"])
    spt = k.name("shifted_patch_tokenization")
    projection = Dense(k, spt + "/" + k.name("dense"), patch_dim, dim)
    spt_norm = spt + "/" + k.name("layer_normalization")
    spt_norm = None if vanilla else LayerNormalization(k, spt_norm, patch_dim, eps)
    table = k.weight(k.name("patch_encoder") + "/" + k.name("embedding"), "embeddings",
                     (tokens, dim))
    enc = sections(desc, "encoder")[0]
    attention = "multi_head_attention" if vanilla else "multi_head_attention_lsa"
    blocks = [pre_norm_block(k, dim, enc, attention, F.gelu, lsa=not vanilla)
              for _ in range(int(enc["depth"]))]
    norm = LayerNormalization(k, k.name("layer_normalization"), dim, eps)
    head, fan = [], tokens * dim
    for i, section in enumerate(denses[1:]):
        units = classes if section["units"] == "classes" else int(section["units"])
        head.append(Dense(k, k.name("dense"), fan, units, F.gelu if i < len(denses) - 2 else None))
        fan = units
    half = patch // 2  # crop_shift_pad's left-up, left-down, right-up, right-down as (dy, dx)
    shifts = [(-half, -half), (half, -half), (-half, half), (half, half)]

    def forward(x):  # (B, H, W, C)
        x = F.interpolate(x.permute(0, 3, 1, 2), size=(out_h, out_w), mode="bilinear",
                          align_corners=False).permute(0, 2, 3, 1)  # layers.Resizing
        if not vanilla:
            x = torch.cat([x] + [golden.shift(x, dy, dx) for dy, dx in shifts], dim=-1)
        x = golden.patches(x, patch)  # tf.image.extract_patches, flattened
        x = projection(x if vanilla else spt_norm(x)) + table
        for block in blocks:
            x = block(x)
        x = norm(x).flatten(1)
        for dense in head:
            x = dense(x)
        return x
    return forward


def make_vit(k, desc, classes):
    """Seed 003: Dense, Add_Embedding_Layer (patch_emb (1, 1, C) appended after the
    patches, pos_emb (1, T+1, C) added), TransformerBlock × depth (MultiHead_SelfAttention's
    Dense query, key, value, output; LayerNormalization after the residual; Dense ReLU,
    Dense; LayerNormalization), then the head on token 0: Dense (tfa GELU, tanh form),
    Dense (its softmax folded into the loss, as vbmodel eval's)."""
    h, w, channels = image_shape(desc)
    patch = int(sections(desc, "patches")[0]["size"])
    patches, denses = (h // patch) * (w // patch), sections(desc, "dense")
    d_model = int(denses[0]["units"])
    embed = Dense(k, k.name("dense"), patch * patch * channels, d_model)
    layer = k.name("add__embedding__layer")
    patch_emb = k.weight(layer, "patch_emb", (1, 1, d_model))
    pos_emb = k.weight(layer, "pos_emb", (1, patches + 1, d_model))
    enc = sections(desc, "encoder")[0]
    heads, eps = int(enc["heads"]), float(enc["eps"])
    ff_dim = int(enc["mlp"].split(",")[0])
    blocks = []
    for _ in range(int(enc["depth"])):
        query, key, value, output = (Dense(k, k.name("dense"), d_model, d_model)
                                     for _ in range(4))
        norm1 = LayerNormalization(k, k.name("layer_normalization"), d_model, eps)
        ff1 = Dense(k, k.name("dense"), d_model, ff_dim, F.relu)
        ff2 = Dense(k, k.name("dense"), ff_dim, d_model)
        norm2 = LayerNormalization(k, k.name("layer_normalization"), d_model, eps)
        blocks.append((query, key, value, output, norm1, ff1, ff2, norm2))
    mlp_dim = int(denses[1]["units"])
    head = Dense(k, k.name("dense"), d_model, mlp_dim, lambda x: F.gelu(x, approximate="tanh"))
    classifier = Dense(k, k.name("dense"), mlp_dim, classes)

    def self_attention(x, query, key, value, output):
        B, T, _ = x.shape
        split = lambda t: t.reshape(B, T, heads, -1).permute(0, 2, 1, 3)  # noqa: E731
        q, kk, v = split(query(x)), split(key(x)), split(value(x))
        score = q @ kk.transpose(-1, -2) / math.sqrt(d_model // heads)
        attention = torch.softmax(score, dim=-1) @ v
        return output(attention.permute(0, 2, 1, 3).reshape(B, T, d_model))

    def forward(x):  # (B, H, W, C)
        x = embed(golden.patches(x, patch))  # tf.nn.space_to_depth, then reshape
        x = torch.cat([x, patch_emb.expand(x.shape[0], -1, -1)], dim=1) + pos_emb
        for query, key, value, output, norm1, ff1, ff2, norm2 in blocks:
            x = norm1(x + self_attention(x, query, key, value, output))
            x = norm2(x + ff2(ff1(x)))
        return classifier(head(x[:, 0]))
    return forward


BUILDERS = {
    "cct_tf2": (create_cct_model, False),
    "cct_keras3": (create_cct_model, True),
    "vit_small_ds": (lambda k, d, c: create_vit_classifier(k, d, c, vanilla=True), False),
    "vit_small_ds_spt_lsa": (lambda k, d, c: create_vit_classifier(k, d, c, vanilla=False),
                             False),
    "qiita_vit": (make_vit, False),
}


def main():
    ap = torch_eval.export_parser(__doc__)
    ap.add_argument("--recipe", help="the run's recipe file, if not in suites/recipes")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    tensors, meta = golden.st_read(args.export)
    if meta.get("format") != "keras" or meta.get("keras_form") not in BUILDERS:
        torch_eval.fail("%s: not a keras export of a seed model (format %r, keras_form %r)"
                        % (args.export, meta.get("format"), meta.get("keras_form")))
    build, keras3 = BUILDERS[meta["keras_form"]]
    keras = Keras(tensors, keras3)
    forward = build(keras, official_cct.parse_description(meta["vitbench_model"]),
                    int(meta["classes"]))  # the run's (vbmodel export --classes)
    keras.check_all_used()
    torch_eval.report_export(args, forward,
                             "%s as %s, under its Keras names (%d tensors) in %s"
                             % (meta["model"], meta["keras_model"], len(tensors), args.export),
                             args.recipe)


if __name__ == "__main__":
    main()
