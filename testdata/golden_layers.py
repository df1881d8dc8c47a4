"""Writes the PyTorch golden values that nndiy's layers and losses are tested
against (layers/testdata/golden_layers.json, losses/testdata/golden_losses.json).

    /usr/bin/python3 testdata/golden_layers.py

Everything is float64. Weights are written in nndiy's layout: a Linear's
weight is in×out (the transpose of nn.Linear.weight) and its bias 1×out.
Parameters are named as nn.Module.named_parameters names them ("0.weight",
"1.2.bias"), which is also nndiy's naming.
"""

import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_common import enc, tensor, write_json  # noqa: E402

rng = np.random.default_rng(20240501)
inf, nan = float("inf"), float("nan")


# ---------------------------------------------------------------- modules

def build(spec):
    """Returns the torch module described by spec (the same spec the Go test
    builds its module from); a Linear gets random weights from rng."""
    kind = spec["kind"]
    if kind == "Linear":
        m = nn.Linear(spec["in"], spec["out"], bias=spec.get("bias", True))
        with torch.no_grad():
            m.weight.copy_(tensor(rng.uniform(-1, 1, (spec["out"], spec["in"]))))
            if m.bias is not None:
                m.bias.copy_(tensor(rng.uniform(-1, 1, spec["out"])))
        return m
    if kind == "Sequential":
        return nn.Sequential(*[build(s) for s in spec["modules"]])
    return {
        "Tanh": nn.Tanh,
        "Sigmoid": nn.Sigmoid,
        "ReLU": nn.ReLU,
        "Softmax": lambda: nn.Softmax(dim=1),
        "LogSoftmax": lambda: nn.LogSoftmax(dim=1),
    }[kind]()


def params(m, grad=False):
    """Returns the parameters of m by name, in nndiy's layout."""
    out = {}
    for name, p in m.named_parameters():
        t = p.grad if grad else p
        if name.endswith("weight"):
            t = t.t()
        elif name.endswith("bias"):
            t = t.reshape(1, -1)
        out[name] = enc(t)
    return out


def module_case(name, spec, x, delta=None):
    """Runs spec forward on x and backward with dL/dY = delta (random when
    not given) and records everything."""
    m = build(spec)
    x = tensor(x, grad=True)
    y = m(x)
    if delta is None:
        delta = rng.normal(0, 1, tuple(y.shape))
    delta = tensor(delta)
    y.backward(delta)
    return {
        "name": name, "spec": spec, "input": enc(x), "params": params(m),
        "output": enc(y), "delta": enc(delta),
        "grad_input": enc(x.grad), "grad_params": params(m, grad=True),
    }


def normal(*shape, std=1.0):
    return rng.normal(0, std, shape)


special = [[-1000, 1000, -inf, inf], [0, -0.0, 1e-300, -1e-300], [36.7, 37, -745, 20]]
special_nan = [[nan, 1, -1, 0]]
rows_large = [[1000, -1000, 0, 999], [-1000, -1000.5, -999, -1001], [700, 710, 720, 730]]
rows_neginf = [[-inf, 0, 1, 2], [-inf, -inf, 3, -1]]
rows_nan = [[-inf, -inf, -inf, -inf], [inf, 0, 1, 2], [nan, 0, 1, 2]]

modules = [
    module_case("Linear", {"kind": "Linear", "in": 4, "out": 3}, normal(5, 4)),
    module_case("LinearNoBias", {"kind": "Linear", "in": 3, "out": 2, "bias": False}, normal(4, 3)),
    module_case("LinearBatch1", {"kind": "Linear", "in": 6, "out": 5}, normal(1, 6)),
    module_case("LinearWide", {"kind": "Linear", "in": 17, "out": 9}, normal(7, 17)),
]
for kind in ["Tanh", "Sigmoid", "ReLU"]:
    modules += [
        module_case(kind, {"kind": kind}, normal(5, 4, std=2)),
        module_case(kind + "3D", {"kind": kind}, normal(2, 3, 4, std=2)),
        module_case(kind + "Special", {"kind": kind}, special),
        module_case(kind + "NaN", {"kind": kind}, special_nan),
    ]
for kind in ["Softmax", "LogSoftmax"]:
    modules += [
        module_case(kind, {"kind": kind}, normal(5, 4, std=3)),
        module_case(kind + "Large", {"kind": kind}, rows_large),
        module_case(kind + "NegInf", {"kind": kind}, rows_neginf),
        module_case(kind + "NaN", {"kind": kind}, rows_nan),
    ]


# ------------------------------------------------------------ sequentials

def one_hot(n, c):
    y = np.zeros((n, c))
    y[np.arange(n), rng.integers(0, c, n)] = 1
    return y


def sequential_case(name, modules, loss, x, y):
    """Runs a Sequential and a loss forward and backward."""
    spec = {"kind": "Sequential", "modules": modules}
    m = build(spec)
    x = tensor(x, grad=True)
    yt = tensor(y)
    out = m(x)
    value = {
        "MSE": lambda: F.mse_loss(out, yt),
        "BCE": lambda: F.binary_cross_entropy(out, yt),
        "SoftmaxCrossEntropy": lambda: F.cross_entropy(out, yt),
        "NLL": lambda: F.nll_loss(out, yt.argmax(dim=1)),
    }[loss]()
    value.backward()
    return {
        "name": name, "spec": spec, "loss": loss, "input": enc(x), "target": enc(yt),
        "params": params(m), "output": enc(out), "loss_value": float(value),
        "grad_input": enc(x.grad), "grad_params": params(m, grad=True),
    }


def lin(i, o, bias=True):
    return {"kind": "Linear", "in": i, "out": o, "bias": bias}


def act(kind):
    return {"kind": kind}


def seq(*modules):
    return {"kind": "Sequential", "modules": list(modules)}


sequentials = [
    sequential_case("MLPTanhSigmoidMSE", [lin(4, 5), act("Tanh"), lin(5, 3), act("Sigmoid")],
                    "MSE", normal(6, 4), rng.uniform(0, 1, (6, 3))),
    sequential_case("NestedReLUSoftmaxCE",
                    [seq(lin(4, 6), act("ReLU")), seq(lin(6, 5), act("Tanh")), lin(5, 3)],
                    "SoftmaxCrossEntropy", normal(5, 4), one_hot(5, 3)),
    sequential_case("NestedLogSoftmaxNLL",
                    [seq(seq(lin(3, 4, bias=False), act("Tanh")), lin(4, 4)), act("LogSoftmax")],
                    "NLL", normal(4, 3), one_hot(4, 4)),
    sequential_case("AutoEncoderBCE",
                    [seq(lin(6, 3), act("Tanh")), seq(lin(3, 6), act("Sigmoid"))],
                    "BCE", normal(5, 6), rng.uniform(0, 1, (5, 6))),
]

write_json("layers/testdata/golden_layers.json", {
    "generator": "testdata/golden_layers.py, torch " + torch.__version__,
    "modules": modules,
    "sequentials": sequentials,
})


# ------------------------------------------------------------------ losses

def loss_case(name, loss, y, yhat):
    """Records a loss's mean value, per-example values and gradient.

    The per-example value is what the mean reduction averages over one row:
    for MSE and BCE the mean over the row's elements, for the cross-entropies
    the row's sum.
    """
    y = tensor(y)
    yhat = tensor(yhat, grad=True)
    n = yhat.shape[0]
    if loss == "MSE":
        per = F.mse_loss(yhat, y, reduction="none").reshape(n, -1).mean(dim=1)
        value = F.mse_loss(yhat, y)
    elif loss == "BCE":
        per = F.binary_cross_entropy(yhat, y, reduction="none").reshape(n, -1).mean(dim=1)
        value = F.binary_cross_entropy(yhat, y)
    elif loss == "CrossEntropy":
        # No PyTorch loss takes probabilities: this is the definition, with
        # BCE's clamp of the log at -100.
        per = -(y * torch.log(yhat).clamp(min=-100)).sum(dim=1)
        value = per.mean()
    elif loss == "NLL":
        per = -(y * yhat).sum(dim=1)
        if bool(((y == 0) | (y == 1)).all()) and bool((y.sum(dim=1) == 1).all()):
            value = F.nll_loss(yhat, y.argmax(dim=1))  # one-hot: PyTorch's own loss
        else:
            value = per.mean()
    elif loss == "SoftmaxCrossEntropy":
        per = F.cross_entropy(yhat, y, reduction="none")
        value = F.cross_entropy(yhat, y)
    value.backward()
    return {
        "name": name, "loss": loss, "target": enc(y), "prediction": enc(yhat),
        "value": float(value), "per_example": enc(per), "grad": enc(yhat.grad),
    }


def probabilities(n, c):
    p = rng.uniform(0.1, 1, (n, c))
    return p / p.sum(axis=1, keepdims=True)


logp = np.log(probabilities(5, 4))
lossCases = [
    loss_case("MSE", "MSE", normal(5, 4), normal(5, 4)),
    loss_case("MSE3D", "MSE", normal(2, 3, 2), normal(2, 3, 2)),
    loss_case("MSEBatch1", "MSE", normal(1, 7), normal(1, 7)),
    loss_case("BCE", "BCE", rng.uniform(0, 1, (5, 4)), rng.uniform(0.05, 0.95, (5, 4))),
    loss_case("BCEHardTargets", "BCE", one_hot(5, 4), rng.uniform(0.05, 0.95, (5, 4))),
    # 0 and 1 exactly: the clamp of the log at -100 and of the gradient's
    # denominator at 1e-12.
    loss_case("BCEZeroOne", "BCE", [[0, 1, 0, 1, 0.5, 0.5]], [[0, 1, 1, 0, 0, 1]]),
    loss_case("CrossEntropy", "CrossEntropy", one_hot(5, 4), probabilities(5, 4)),
    loss_case("CrossEntropySoft", "CrossEntropy", probabilities(5, 4), probabilities(5, 4)),
    loss_case("NLL", "NLL", one_hot(5, 4), logp),
    loss_case("NLLSoft", "NLL", probabilities(5, 4), logp),
    loss_case("SoftmaxCrossEntropy", "SoftmaxCrossEntropy", one_hot(5, 4), normal(5, 4, std=3)),
    loss_case("SoftmaxCrossEntropySoft", "SoftmaxCrossEntropy", probabilities(5, 4), normal(5, 4, std=3)),
    loss_case("SoftmaxCrossEntropyLarge", "SoftmaxCrossEntropy", one_hot(3, 4), rows_large),
]

write_json("losses/testdata/golden_losses.json", {
    "generator": "testdata/golden_layers.py, torch " + torch.__version__,
    "losses": lossCases,
})


# ------------------------------------------- branches, transposes, tied weights
#
# The modules of issue 17, in layers/testdata/golden_composite.json, from a
# generator of their own so that the values above do not move. Sequences and
# images are channels-last, as in nndiy: the convolutions and poolings
# permute to PyTorch's channels-first and back (see golden_conv.py).

rng_c = np.random.default_rng(20261207)


class Conv1dCL(nn.Conv1d):
    """nn.Conv1d on channels-last (batch, length, chans) sequences."""

    def forward(self, x):
        return super().forward(x.permute(0, 2, 1)).permute(0, 2, 1)


class MaxPool1dCL(nn.MaxPool1d):
    def forward(self, x):
        return super().forward(x.permute(0, 2, 1)).permute(0, 2, 1)


class TransposeImage(nn.Module):
    """Transposes every height×width image of channels-last pixels; the
    output has the input's shape, except (batch, h, w, ...) -> (batch, w, h, ...)."""

    def __init__(self, height, width):
        super().__init__()
        self.h, self.w = height, width

    def forward(self, x):
        n = x.shape[0]
        y = x.reshape(n, self.h, self.w, -1).transpose(1, 2)
        if x.dim() >= 3 and x.shape[1] == self.h and x.shape[2] == self.w:
            return y.reshape(n, self.w, self.h, *x.shape[3:])
        return y.reshape(x.shape)


class Concat(nn.ModuleList):
    """Runs every branch on x and concatenates their outputs on the last axis."""

    def forward(self, x):
        return torch.cat([b(x) for b in self], dim=-1)


class TiedLinear(nn.Module):
    """y = x·E.weight + bias: the transpose of the Linear E (F.linear(x,
    E.weight.t(), bias)); E is not a submodule, so its weight is listed once."""

    def __init__(self, e):
        super().__init__()
        self._tied = [e]
        self.bias = nn.Parameter(tensor(rng_c.uniform(-1, 1, e.in_features)))

    def forward(self, x):
        return F.linear(x, self._tied[0].weight.t(), self.bias)


def build_c(spec, linears, path=""):
    """Builds spec with weights from rng_c; linears maps a Linear's path
    ("0", "1.0") to it, for TiedLinear's "tied"."""
    kind = spec["kind"]
    if kind == "Linear":
        m = nn.Linear(spec["in"], spec["out"], bias=spec.get("bias", True))
        linears[path] = m
    elif kind == "Conv1D":
        m = Conv1dCL(spec["in"], spec["out"], spec["k"], bias=spec.get("bias", True))
    elif kind == "TiedLinear":
        return TiedLinear(linears[spec["tied"]])
    elif kind in ("Sequential", "Concat"):
        parts = [build_c(s, linears, f"{path}.{i}".lstrip(".")) for i, s in enumerate(spec["modules"])]
        return nn.Sequential(*parts) if kind == "Sequential" else Concat(parts)
    elif kind == "MaxPool1D":
        return MaxPool1dCL(spec["k"], spec["stride"])
    elif kind == "Flatten":
        return nn.Flatten()
    elif kind == "TransposeImage":
        return TransposeImage(spec["height"], spec["width"])
    else:
        return build({"kind": kind})
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(tensor(rng_c.uniform(-1, 1, tuple(p.shape))))
    return m


def params_c(m, grad=False):
    """The parameters of m by name, in nndiy's layout."""
    out = {}
    for prefix, mod in m.named_modules():
        for name, p in mod.named_parameters(recurse=False):
            t = p.grad if grad else p
            if isinstance(mod, nn.Linear) and name == "weight":
                t = t.t()
            elif isinstance(mod, nn.Conv1d) and name == "weight":
                t = t.permute(2, 1, 0)  # (chanOut, chanIn, k) -> (k, chanIn, chanOut)
            elif isinstance(mod, (nn.Linear, TiedLinear)):
                t = t.reshape(1, -1)
            out[(prefix + "." + name).lstrip(".")] = enc(t)
    return out


def composite_case(name, spec, x):
    m = build_c(spec, {})
    x = tensor(x, grad=True)
    y = m(x)
    delta = tensor(rng_c.normal(0, 1, tuple(y.shape)))
    y.backward(delta)
    return {
        "name": name, "spec": spec, "input": enc(x), "params": params_c(m),
        "output": enc(y), "delta": enc(delta),
        "grad_input": enc(x.grad), "grad_params": params_c(m, grad=True),
    }


def normal_c(*shape):
    return rng_c.normal(0, 1, shape)


def conv1d(k, i, o, bias=True):
    return {"kind": "Conv1D", "k": k, "in": i, "out": o, "bias": bias}


def pool1d(k, stride):
    return {"kind": "MaxPool1D", "k": k, "stride": stride}


def transpose(h, w):
    return {"kind": "TransposeImage", "height": h, "width": w}


def concat(*branches):
    return {"kind": "Concat", "modules": list(branches)}


def tied(path):
    return {"kind": "TiedLinear", "tied": path}


flatten = {"kind": "Flatten"}
composites = [
    composite_case("ConcatFeatures", concat(seq(lin(4, 3), act("Tanh")), lin(4, 2)), normal_c(5, 4)),
    composite_case("ConcatChannels", concat(conv1d(3, 2, 3), seq(conv1d(3, 2, 1, bias=False), act("ReLU"))),
                   normal_c(2, 7, 2)),
    composite_case("ConcatOneBranch", concat(lin(3, 2)), normal_c(4, 3)),
    composite_case("TransposeImageFlat", transpose(4, 3), normal_c(2, 12)),
    composite_case("TransposeImageChannels", transpose(4, 3), normal_c(2, 12, 2)),
    composite_case("TransposeImageAxes", transpose(4, 3), normal_c(2, 4, 3, 1)),
    composite_case("TwoBranchConv1D", seq(
        concat(seq(conv1d(3, 1, 2), pool1d(2, 2), flatten),
               seq(transpose(4, 3), conv1d(3, 1, 2), pool1d(2, 2), flatten)),
        lin(20, 6), act("ReLU"), lin(6, 3)), normal_c(3, 12, 1)),
    composite_case("TiedLinear", seq(lin(4, 3), tied("0")), normal_c(5, 4)),
    composite_case("TiedAutoEncoder", seq(seq(lin(6, 3), act("Tanh")), seq(tied("0.0"), act("Sigmoid"))),
                   normal_c(5, 6)),
]

write_json("layers/testdata/golden_composite.json", {
    "generator": "testdata/golden_layers.py, torch " + torch.__version__,
    "modules": composites,
})
