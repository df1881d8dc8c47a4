"""Helpers shared by nndiy's golden-data scripts.

A tensor is written to JSON as {"shape": [...], "data": [...]}, row-major,
float64 values printed with repr so that Go parses back the exact double.
JSON has no infinities or NaN: those are written as the strings "inf",
"-inf" and "nan", which the Go loaders accept in place of a number.

Run the scripts with the system python (/usr/bin/python3, torch 1.13 and
numpy 1.24) from anywhere: paths are relative to the repository root.
"""

import json
import math
import os

import numpy as np
import torch

torch.set_default_dtype(torch.float64)


def value(x):
    """Returns a float for JSON: a number, or "inf"/"-inf"/"nan"."""
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def enc(t):
    """Encodes a torch tensor, numpy array or number as {"shape", "data"}."""
    if isinstance(t, torch.Tensor):
        t = t.detach().cpu().numpy()
    a = np.asarray(t, dtype=np.float64)
    return {"shape": list(a.shape), "data": [value(v) for v in a.reshape(-1)]}


def tensor(a, grad=False):
    """Returns a float64 torch tensor holding a copy of a."""
    return torch.tensor(np.asarray(a, dtype=np.float64), dtype=torch.float64, requires_grad=grad)


def write_json(path, obj):
    """Writes the dict obj to path (relative to the repository root), one
    list element per line so that diffs stay readable."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.path.join(root, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("{\n")
        items = list(obj.items())
        for i, (k, v) in enumerate(items):
            f.write(json.dumps(k) + ": ")
            if isinstance(v, list):
                f.write("[\n")
                for j, e in enumerate(v):
                    f.write("  " + json.dumps(e, allow_nan=False, separators=(",", ":")))
                    f.write(",\n" if j < len(v) - 1 else "\n")
                f.write("]")
            else:
                f.write(json.dumps(v, allow_nan=False))
            f.write(",\n" if i < len(items) - 1 else "\n")
        f.write("}\n")
    print("wrote", os.path.relpath(path, root), os.path.getsize(path), "bytes")
