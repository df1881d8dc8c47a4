"""PyTorch's side of experiments/sequential: the report's §5.1 network,
trained by torch on exactly what nndiy trained on.

    go run ./experiments/sequential -export out/sequential/export
    /usr/bin/python3 experiments/sequential/pytorch_reference.py out/sequential/export

For each JSON file of the export directory (one per data set, written by
the Go experiment) it builds the same torch.nn.Sequential, copies in nndiy's
initial weights, and trains it in float64 with torch.optim.SGD, visiting
the points in nndiy's order: the same batches, in the same order, from the
same weights. It writes the mean training loss of each epoch, Σ n_b·L_b / n
as nndiy computes it, to pytorch_losses.csv beside this script, which the Go
experiment embeds and overlays on its own curves.

Needs torch (1.13 was used) and nothing else; run it with the system python.
"""

import glob
import json
import os
import sys

import torch
from torch import nn

torch.set_default_dtype(torch.float64)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "pytorch_losses.csv")


def build(layers):
    """Returns the torch.nn.Sequential of the exported layers, with their
    weights. nndiy's weight is in×out, torch's out×in: transposed."""
    modules = []
    for layer in layers:
        kind = layer["type"]
        if kind == "linear":
            lin = nn.Linear(layer["in"], layer["out"])
            w = torch.tensor(layer["weight"], dtype=torch.float64).reshape(layer["in"], layer["out"])
            with torch.no_grad():
                lin.weight.copy_(w.T)
                lin.bias.copy_(torch.tensor(layer["bias"], dtype=torch.float64))
            modules.append(lin)
        elif kind == "tanh":
            modules.append(nn.Tanh())
        elif kind == "sigmoid":
            modules.append(nn.Sigmoid())
        else:
            raise ValueError("unknown layer type %r" % kind)
    return nn.Sequential(*modules)


LOSSES = {"bce": nn.BCELoss, "mse": nn.MSELoss}


def train(run):
    """Trains as nndiy's loop does and returns the loss of each epoch."""
    x = torch.tensor(run["x"], dtype=torch.float64).reshape(-1, 2)
    y = torch.tensor(run["y"], dtype=torch.float64).reshape(-1, 1)
    n, batch = x.shape[0], run["batch"]
    net = build(run["layers"])
    loss_fn = LOSSES[run["loss"]]()
    opt = torch.optim.SGD(net.parameters(), lr=run["lr"])
    losses = []
    for order in run["orders"]:
        if sorted(order) != list(range(n)):
            raise ValueError("%s: an epoch order is not a permutation" % run["dataset"])
        total = 0.0
        for lo in range(0, n, batch):
            idx = torch.tensor(order[lo:lo + batch])
            xb, yb = x[idx], y[idx]
            opt.zero_grad()
            loss = loss_fn(net(xb), yb)
            loss.backward()
            opt.step()
            total += len(idx) * loss.item()
        losses.append(total / n)
    return losses


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: pytorch_reference.py EXPORT_DIR")
    paths = sorted(glob.glob(os.path.join(sys.argv[1], "*.json")))
    if not paths:
        sys.exit("no JSON files in %s: run the Go experiment with -export first" % sys.argv[1])
    lines = [
        "# PyTorch's training losses for experiments/sequential, written by pytorch_reference.py",
        "# torch %s, float64, torch.optim.SGD on nndiy's data, initial weights and batches" % torch.__version__,
    ]
    rows = []
    for path in paths:
        with open(path) as f:
            run = json.load(f)
        losses = train(run)
        name = run["dataset"]
        lines.append("# dataset %s: fingerprint=%s seed=%d lr=%r batch=%d loss=%s epochs=%d" % (
            name, run["fingerprint"], run["seed"], run["lr"], run["batch"], run["loss"], len(losses)))
        rows += ["%s,%d,%.17g" % (name, e + 1, v) for e, v in enumerate(losses)]
        print("%s: %d epochs, final loss %.6g" % (name, len(losses), losses[-1]))
    with open(OUT, "w") as f:
        f.write("\n".join(lines + ["dataset,epoch,loss"] + rows) + "\n")
    print("wrote", os.path.relpath(OUT))


if __name__ == "__main__":
    main()
