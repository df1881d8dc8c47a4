#!/usr/bin/python3
"""Golden values for optim's parity tests with torch.optim (torch 1.13).

Trains a small network, y = tanh(x·W1 + b1)·W2 + b2 with the MSE loss, for K
steps from the same initial weights and the same batches under several
optimizer configurations, and writes, for each, the learning rate and the
loss of every step and the final parameters to
optim/testdata/golden_optim.json.

The weights are stored in×out, nndiy's layout for Linear (x·W), and listed
in the order of Sequential(Linear(4,5), Tanh, Linear(5,3)).Parameters():
W1, b1, W2, b2. Everything is float64.

Run from the repository root:  /usr/bin/python3 testdata/golden_optim.py
"""
import json
import os

import torch

torch.set_default_dtype(torch.float64)

IN, HIDDEN, OUT, BATCH = 4, 5, 3, 6
K = 12  # steps per configuration

gen = torch.Generator().manual_seed(20240605)
init = [
    torch.rand(IN, HIDDEN, generator=gen) - 0.5,
    torch.rand(1, HIDDEN, generator=gen) - 0.5,
    torch.rand(HIDDEN, OUT, generator=gen) - 0.5,
    torch.rand(1, OUT, generator=gen) - 0.5,
]
batches = [(torch.randn(BATCH, IN, generator=gen), torch.randn(BATCH, OUT, generator=gen)) for _ in range(K)]


def forward(params, x):
    w1, b1, w2, b2 = params
    return torch.tanh(x @ w1 + b1) @ w2 + b2


# name -> (optimizer factory, scheduler factory or None)
CONFIGS = {
    "sgd": (lambda p: torch.optim.SGD(p, lr=0.1), None),
    "sgd_momentum": (lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9), None),
    "sgd_momentum_dampening": (lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.3), None),
    "sgd_nesterov": (lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True), None),
    "sgd_weight_decay": (lambda p: torch.optim.SGD(p, lr=0.1, weight_decay=0.05), None),
    "sgd_momentum_weight_decay": (lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.5, weight_decay=0.05), None),
    "adam": (lambda p: torch.optim.Adam(p, lr=0.01), None),
    "adam_betas_eps": (lambda p: torch.optim.Adam(p, lr=0.02, betas=(0.8, 0.95), eps=1e-3), None),
    "adam_weight_decay": (lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=0.1), None),
    "adam_amsgrad": (lambda p: torch.optim.Adam(p, lr=0.01, amsgrad=True), None),
    "adamw": (lambda p: torch.optim.AdamW(p, lr=0.01), None),
    "adamw_weight_decay_amsgrad": (lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.3, amsgrad=True), None),
    "sgd_momentum_steplr": (lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
                            lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5)),
    "adam_cosine": (lambda p: torch.optim.Adam(p, lr=0.05),
                    lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=4, eta_min=0.001)),
    "sgd_cosine": (lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
                   lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=5)),
}


def run(make_opt, make_sched):
    params = [t.clone().requires_grad_(True) for t in init]
    opt = make_opt(params)
    sched = make_sched(opt) if make_sched else None
    lrs, losses = [], []
    for x, y in batches:
        lrs.append(opt.param_groups[0]["lr"])
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(forward(params, x), y)
        loss.backward()
        opt.step()
        if sched:
            sched.step()  # each step stands for an epoch
        losses.append(loss.item())
    return {"lr": lrs, "loss": losses, "final": [p.detach().flatten().tolist() for p in params]}


def tensor_json(t):
    return {"shape": list(t.shape), "data": t.flatten().tolist()}


out = {
    "torch": torch.__version__,
    "init": [tensor_json(t) for t in init],
    "batches": [{"x": tensor_json(x), "y": tensor_json(y)} for x, y in batches],
    "configs": {name: run(*factories) for name, factories in CONFIGS.items()},
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "optim", "testdata", "golden_optim.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print("wrote", os.path.normpath(path))
