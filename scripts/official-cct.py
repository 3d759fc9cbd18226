#!/usr/bin/python3
"""The official CCT code's module tree, loading `vbmodel export --format
compact-transformers`: a check that the export has the names, shapes and layouts of
github.com/SHI-Labs/Compact-Transformers, and means the same maths.

    official-cct.py EXPORT.safetensors RUN/checkpoint.safetensors [--data DIR]
                    [--split test|val] [--threads T]

The modules below are written from the official code's structure (src/cct.py, src/vit.py,
src/cvt.py, src/utils/tokenizer.py, src/utils/transformers.py): attribute names make the
state_dict keys, nn.Conv2d and nn.Linear keep PyTorch's layouts (OIHW, (out, in)), and the
input is NCHW. The sizes come from the export's metadata "vitbench_model" (the resolved
model description) and "classes"; load_state_dict(strict=True) fails on any missing, extra or misshapen
tensor. It then evaluates the run's split the way scripts/torch-eval.py does (the same
data, normalisation and loss, from RUN/summary.json and the recipe) and prints the line
`vbmodel eval` prints for the checkpoint the export was made from.
"""
import importlib
import os
import sys

import torch
from torch import nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import golden  # noqa: E402

torch_eval = importlib.import_module("torch-eval")


def parse_description(text):
    """[(section, {key: value})] of a vitbench model description, in order."""
    sections = []
    for line in text.splitlines():
        line = line.split("#")[0].split(";")[0].strip()
        if line.startswith("["):
            sections.append((line.strip("[]"), {}))
        elif "=" in line and sections:
            key, value = line.split("=", 1)
            sections[-1][1][key.strip()] = value.strip()
    return sections


class Attention(nn.Module):
    """Fused qkv without bias (rows [q | k | v], head-major), softmax(q·kᵀ/√d)·v, proj."""

    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim, bias=False)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        B, T, C = x.shape
        d = C // self.heads
        q, k, v = self.qkv(x).reshape(B, T, 3, self.heads, d).permute(2, 0, 3, 1, 4)
        a = torch.softmax(q @ k.transpose(-2, -1) * d ** -0.5, dim=-1)
        return self.proj((a @ v).transpose(1, 2).reshape(B, T, C))


class EncoderLayer(nn.Module):
    """x + attn(pre_norm(x)), normalised by norm1, then + linear2(gelu(linear1(·)))."""

    def __init__(self, dim, heads, hidden):
        super().__init__()
        self.pre_norm = nn.LayerNorm(dim)
        self.self_attn = Attention(dim, heads)
        self.linear1 = nn.Linear(dim, hidden)
        self.norm1 = nn.LayerNorm(dim)
        self.linear2 = nn.Linear(hidden, dim)

    def forward(self, x):
        x = self.norm1(x + self.self_attn(self.pre_norm(x)))
        return x + self.linear2(F.gelu(self.linear1(x)))


class Tokenizer(nn.Module):
    """conv_layers: one Sequential(Conv2d, ReLU | Identity, MaxPool2d | Identity) per conv."""

    def __init__(self, sections, channels):
        super().__init__()
        stages = []
        for i, (name, keys) in enumerate(sections):
            if name != "conv":
                continue
            k, filters = int(keys["size"]), int(keys["filters"])
            after = sections[i + 1] if i + 1 < len(sections) else ("", {})
            pool = after[1] if after[0] == "maxpool" else None
            stages.append(nn.Sequential(
                nn.Conv2d(channels, filters, k, int(keys["stride"]), int(keys["padding"]),
                          bias=keys["bias"] == "yes"),
                nn.ReLU() if keys["activation"] == "relu" else nn.Identity(),
                nn.MaxPool2d(int(pool["size"]), int(pool["stride"]), int(pool["padding"]))
                if pool else nn.Identity()))
            channels = filters
        self.conv_layers = nn.Sequential(*stages)

    def forward(self, x):  # (B, C, H, W) → (B, H'·W', C')
        return self.conv_layers(x).flatten(2).transpose(1, 2)


class Classifier(nn.Module):
    """Position embedding, class token or sequence pooling, the blocks, norm, fc."""

    def __init__(self, sections, dim, tokens, classes):
        super().__init__()
        kinds = [name for name, _ in sections]
        enc = dict(sections)["encoder"]
        self.seq_pool = "seqpool" in kinds
        if self.seq_pool:
            self.attention_pool = nn.Linear(dim, 1)
        else:
            self.class_emb = nn.Parameter(torch.zeros(1, 1, dim))
            tokens += 1
        posemb = dict(sections).get("posemb", {}).get("kind", "none")
        self.positional_emb = (nn.Parameter(torch.zeros(1, tokens, dim))
                               if posemb == "learnable" else None)
        hidden = int(enc["mlp"].split(",")[0])
        self.blocks = nn.ModuleList(EncoderLayer(dim, int(enc["heads"]), hidden)
                                    for _ in range(int(enc["depth"])))
        self.norm = nn.LayerNorm(dim)
        self.fc = nn.Linear(dim, classes)

    def forward(self, x):
        if not self.seq_pool:
            x = torch.cat([self.class_emb.expand(x.shape[0], -1, -1), x], dim=1)
        if self.positional_emb is not None:
            x = x + self.positional_emb
        for block in self.blocks:
            x = block(x)
        x = self.norm(x)
        if self.seq_pool:
            x = (torch.softmax(self.attention_pool(x), dim=1).transpose(1, 2) @ x).squeeze(1)
        else:
            x = x[:, 0]
        return self.fc(x)


class Official(nn.Module):
    def __init__(self, description, classes):
        super().__init__()
        sections = parse_description(description)
        model = dict(sections)["model"]
        h, w, c = (int(v) for v in model["input"].split("x"))
        self.tokenizer = Tokenizer(sections, c)
        with torch.no_grad():
            tokens, dim = self.tokenizer(torch.zeros(1, c, h, w)).shape[1:]
        self.classifier = Classifier(sections, dim, tokens, classes)

    def forward(self, x):
        return self.classifier(self.tokenizer(x))


def main():
    args = torch_eval.export_parser(__doc__).parse_args()
    torch.set_num_threads(args.threads)
    tensors, meta = golden.st_read(args.export)
    if meta.get("format") != "compact-transformers":
        torch_eval.fail("%s: not a compact-transformers export" % args.export)
    model = Official(meta["vitbench_model"], int(meta["classes"]))  # the run's (--classes)
    model.load_state_dict({k: torch.tensor(v.copy()) for k, v in tensors.items()}, strict=True)
    model.eval()
    torch_eval.report_export(args, lambda x: model(x.permute(0, 3, 1, 2)),
                             "%s under the official names (%d tensors) of %s"
                             % (meta["model"], len(tensors), args.export))


if __name__ == "__main__":
    main()
