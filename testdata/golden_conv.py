#!/usr/bin/python3
"""Golden values for nndiy's convolution and pooling layers, from PyTorch.

Writes layers/testdata/golden_conv.json, which layers/conv_golden_test.go
reads. Run from the repository root with the system Python:

    /usr/bin/python3 testdata/golden_conv.py

PyTorch is channels-first: Conv1d takes (batch, chans, length) and its
weight is (chanOut, chanIn, k); Conv2d takes (batch, chans, height, width)
and its weight is (chanOut, chanIn, kH, kW). nndiy is channels-last, as the
course: (batch, length, chans) and (batch, height, width, chans), with
weights (k, chanIn, chanOut) and (kH, kW, chanIn, chanOut). This script
draws every tensor in nndiy's layout, permutes it to PyTorch's to compute,
and permutes every result back, so the JSON holds only nndiy's layout.

Each case holds the input x, the parameters, the output y, an upstream
gradient delta = dL/dy drawn at random, and the gradients PyTorch's autograd
computes from it: dx, dweight, dbias. Everything is float64.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_common import enc, write_json  # noqa: E402

torch.manual_seed(8)
f64 = torch.float64


# Channels-last (nndiy) to channels-first (PyTorch) and back.
def to_torch(x):
    return x.permute(0, 2, 1) if x.dim() == 3 else x.permute(0, 3, 1, 2)


def from_torch(x):
    return x.permute(0, 2, 1) if x.dim() == 3 else x.permute(0, 2, 3, 1)


def conv_case(name, batch, size, chan_in, chan_out, kernel, stride, padding, bias):
    """size and kernel are ints for 1-D, (h, w) pairs for 2-D."""
    if isinstance(size, int):
        conv = torch.nn.Conv1d(chan_in, chan_out, kernel, stride=stride, padding=padding, bias=bias, dtype=f64)
        x = torch.randn(batch, size, chan_in, dtype=f64)
        to_nndiy = (2, 1, 0)  # weight (chanOut, chanIn, k) -> (k, chanIn, chanOut)
        kernel = [1, kernel]
    else:
        conv = torch.nn.Conv2d(chan_in, chan_out, kernel, stride=stride, padding=padding, bias=bias, dtype=f64)
        x = torch.randn(batch, *size, chan_in, dtype=f64)
        to_nndiy = (2, 3, 1, 0)  # weight (chanOut, chanIn, kH, kW) -> (kH, kW, chanIn, chanOut)
        kernel = list(kernel)
    xt = to_torch(x).contiguous().requires_grad_()
    y = from_torch(conv(xt))
    delta = torch.randn_like(y)
    y.backward(delta)
    case = {
        "name": name, "dims": x.dim() - 2, "kernel": kernel, "chan_in": chan_in, "chan_out": chan_out,
        "stride": stride, "padding": padding, "bias": bias,
        "x": enc(x), "weight": enc(conv.weight.permute(to_nndiy)), "y": enc(y), "delta": enc(delta),
        "dx": enc(from_torch(xt.grad)), "dweight": enc(conv.weight.grad.permute(to_nndiy)),
    }
    if bias:
        case["bias_value"] = enc(conv.bias)
        case["dbias"] = enc(conv.bias.grad)
    return case


def pool_case(name, kind, batch, size, chans, kernel, stride, ties=False):
    """ties draws small integers so that windows hold equal maxima."""
    shape = (batch, size, chans) if isinstance(size, int) else (batch, *size, chans)
    x = torch.randint(0, 3, shape).to(f64) if ties else torch.randn(*shape, dtype=f64)
    xt = to_torch(x).contiguous().requires_grad_()
    if isinstance(size, int):
        pool = torch.nn.functional.max_pool1d if kind == "max" else torch.nn.functional.avg_pool1d
        y = pool(xt, kernel, stride)
        kernel = [1, kernel]
    else:
        pool = torch.nn.functional.max_pool2d if kind == "max" else torch.nn.functional.avg_pool2d
        y = pool(xt, kernel, stride)
        kernel = list(kernel)
    y = from_torch(y)
    delta = torch.randn_like(y)
    y.backward(delta)
    return {
        "name": name, "dims": x.dim() - 2, "kind": kind, "kernel": kernel, "stride": stride,
        "x": enc(x), "y": enc(y), "delta": enc(delta), "dx": enc(from_torch(xt.grad)),
    }


golden = {
    "about": "Written by testdata/golden_conv.py from PyTorch " + torch.__version__ + " in float64; channels-last (nndiy's layout).",
    "conv": [
        conv_case("1d stride 2, length not divided", 2, 12, 3, 4, 3, 2, 0, True),
        conv_case("1d course shape, no bias", 2, 10, 1, 5, 3, 1, 0, False),
        conv_case("1d stride 3, padding 2", 2, 11, 2, 3, 4, 3, 2, True),
        conv_case("2d 3x2 stride 2 padding 1", 2, (7, 6), 2, 3, (3, 2), 2, 1, True),
        conv_case("2d LeNet 5x5 padding 2, no bias", 1, (8, 8), 1, 4, (5, 5), 1, 2, False),
        conv_case("2d 2x3 stride 3, sizes not divided", 2, (8, 7), 3, 2, (2, 3), 3, 0, True),
    ],
    "pool": [
        pool_case("max 1d k2 s2, odd length", "max", 2, 9, 3, 2, 2),
        pool_case("max 1d k3 s2, overlapping windows with ties", "max", 2, 10, 3, 3, 2, ties=True),
        pool_case("avg 1d k3 s2", "avg", 2, 10, 2, 3, 2),
        pool_case("max 2d 2x2 s2, odd sizes", "max", 2, (5, 5), 3, (2, 2), 2),
        pool_case("max 2d 3x2 s1, ties", "max", 1, (4, 5), 2, (3, 2), 1, ties=True),
        pool_case("avg 2d 2x2 s2", "avg", 2, (5, 4), 2, (2, 2), 2),
        pool_case("avg 2d 3x2 s1", "avg", 1, (4, 5), 2, (3, 2), 1),
    ],
}

write_json("layers/testdata/golden_conv.json", golden)
