#!/usr/bin/python3
"""Issues 9's and 15's comparison: nndiy beside PyTorch, NumPy, OpenBLAS and gonum.

Run it with the system Python, which has Debian's python3-torch (1.13) and
python3-numpy (1.24), from anywhere:

    /usr/bin/python3 experiments/bench/compare.py                  # 5 epochs, then Gemm
    /usr/bin/python3 experiments/bench/compare.py --data DIR       # USPS files in DIR
    /usr/bin/python3 experiments/bench/compare.py --simd           # also the GOEXPERIMENT=simd build
    /usr/bin/python3 experiments/bench/compare.py --nets cnn --simd --rounds 3   # issue 15: the CNNs only
    /usr/bin/python3 experiments/bench/compare.py --json run1.json # also every number, for
    go run ./experiments/bench -plot run1.json,run2.json -out DIR  # ... figures of the runs

In one run it builds and runs experiments/bench -json, then trains the same two
networks with the same settings in PyTorch and in a NumPy implementation in the
course's style (Module, Linear, TanH, Sequentiel, Optim), times OpenBLAS's dgemm
through NumPy and gonum's blas64.Gemm on the products that experiments/bench
timed, and prints Markdown tables with the ratios and the targets of issue 9.

  MLP           256 -> 128 -> 64 -> 10, TanH, cross-entropy on the logits
  auto-encoder  256 -> 100 -> 10 -> 100 -> 256, TanH, Sigmoid output, BCE
  both          plain SGD (no momentum), lr 0.1, batch 32, shuffled each epoch
  Conv1D net    the course's: Conv1d(1, 32, 3, no bias) -> MaxPool1d(2, 2) -> Flatten
                -> Linear(4064, 100) -> ReLU -> Linear(100, 10), on sequences of 256 pixels
  2-D CNN       experiments/conv's: Conv2d(1, 16, 5, padding 2) -> ReLU -> MaxPool2d(2)
                -> Conv2d(16, 32, 5, padding 2) -> ReLU -> MaxPool2d(2) -> Flatten
                -> Linear(512, 100) -> ReLU -> Linear(100, 10), on 16x16 images
  the CNNs      SGD lr 0.05, Nesterov momentum 0.9, batch 32, cross-entropy

The CNNs (issue 15, --nets cnn or all) run in PyTorch in float64 and in float32,
its default precision, both on one thread; nndiy (always float64) runs its default
build on all the cores (GOMAXPROCS unset) and on one (GOMAXPROCS=1), and with
--simd the GOEXPERIMENT=simd build on all the cores. Two copies of the 1-core
run also train at once: against one copy alone, their throughput is the most
that any use of a second core could gain on this machine at that time (on a
shared virtual machine it can be well below 2), printed beside issue 15's
2-core target. NumPy trains only the MLP and
the auto-encoder.

PyTorch and NumPy should run on OpenBLAS, as in issue 9 (Debian: apt-get install
libopenblas0-pthread, or --blas DIR to put a directory holding its libblas.so.3
first in LD_LIBRARY_PATH): on the reference BLAS of libblas3 they are several
times slower, and the report warns when they are. It says which BLAS each used.

Everything is float64. Seconds per epoch are the median of the epochs after the
first, on every side; so is the CPU time per epoch of the process (all its
threads), which varies much less than wall time when other programs keep the
machine busy, and is printed beside it. PyTorch runs on one thread (torch.set_num_threads(1) and
OPENBLAS_NUM_THREADS=1), which is its fastest setting for batches this small
here (with two, an epoch took many times longer on a busy machine); NumPy on
one OpenBLAS thread for the same reason. Each side
runs in its own process, so that the thread settings of one do not leak into
the other. The USPS files are looked for as experiments/bench does (--data,
$NNDIY_DATA, then the cache of the experiments); without them every side
trains on the same random data of USPS's shape, and the output says so.

A Gemm rate is 2*m*n*k / time, the best of 5 timed repetitions of at least
0.2 s each, on every side. gonum's numbers come from a throw-away program
written into a temporary directory with its own go.mod (gonum.org/v1/gonum
v0.17.0, from the Go module cache or the proxy); gonum is never a dependency
of nndiy. --no-gonum skips it.
"""

import argparse
import gzip
import bz2
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EPOCHS, BATCH, LR, SEED = 5, 32, 0.1, 1
# The CNNs' optimizer, as experiments/bench's (CNNLR, CNNMomentum).
CNN_LR, CNN_MOMENTUM = 0.05, 0.9
PIXELS, CLASSES = 256, 10
USPS_TRAIN, USPS_TEST = 7291, 2007
# Gemm timing, as experiments/bench's.
GEMM_REPS, GEMM_MIN_REP = 5, 0.2


def median(v):
    s = sorted(v)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def steady(times):
    """The median of the epochs after the first (the first alone if single)."""
    return median(times[1:] if len(times) > 1 else times)


def timing(times, cpu, train_loss):
    """The timing of a training as experiments/bench reports it: wall and
    CPU (time.process_time, all threads) seconds of each epoch and their
    steady medians."""
    return {"epoch_seconds": times, "sec_per_epoch": steady(times), "epoch_cpu_seconds": cpu,
            "cpu_sec_per_epoch": steady(cpu), "train_loss": train_loss}


def load_average():
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def blas_info():
    """Which BLAS this process has loaded: OpenBLAS's own description of
    itself, or the path of another libblas."""
    try:
        maps = Path("/proc/self/maps").read_text().split("\n")
    except OSError:
        return "unknown BLAS"
    libs = sorted({l.split()[-1] for l in maps if "blas" in l.lower() and l.split()[-1].startswith("/")})
    for lib in libs:
        if "libopenblas" in lib:
            try:
                import ctypes
                f = ctypes.CDLL(lib).openblas_get_config
                f.restype = ctypes.c_char_p
                return f().decode().strip()
            except (OSError, AttributeError):
                return "OpenBLAS " + lib
    return ", ".join(libs) or "no BLAS library loaded"


# ---- data ------------------------------------------------------------------

def open_any(path):
    name = path.name.lower()
    if name.endswith(".gz"):
        return gzip.open(path, "rt")
    if name.endswith(".bz2"):
        return bz2.open(path, "rt")
    return open(path)


def find_files(d):
    """The (train, test, scale) of the USPS files in d or d/usps, in the
    course's format (values in [0, 2], scaled v/2) or ESL's ([-1, 1],
    (v+1)/2), as data.LoadUSPS; None when there are none."""
    for base in (d, d / "usps"):
        if not base.is_dir():
            continue
        files = {p.name.lower(): p for p in base.iterdir()}
        for train, test, offset in (("usps_train.txt", "usps_test.txt", 0.0), ("zip.train", "zip.test", 1.0)):
            for ext in ("", ".gz", ".bz2"):
                if train + ext in files and test + ext in files:
                    return files[train + ext], files[test + ext], offset
    return None


def parse(path, offset):
    import numpy as np
    rows = []
    with open_any(path) as f:
        for line in f:
            fields = line.split()
            if len(fields) == PIXELS + 1:
                rows.append(fields)
    a = np.array(rows, dtype=np.float64)
    return (a[:, 1:] + offset) / 2, a[:, 0].astype(np.int64)


def load_data(data_dir, seed):
    """Loads USPS as experiments/bench finds it, or makes random data of its
    shape. Returns (x, labels, xt, labelst, description)."""
    import numpy as np
    if data_dir:
        where = Path(data_dir)
    elif os.environ.get("NNDIY_DATA"):
        where = Path(os.environ["NNDIY_DATA"])
    else:
        cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        where = Path(cache) / "nndiy" / "usps"
    found = find_files(where)
    if found is None and (data_dir or os.environ.get("NNDIY_DATA")):
        sys.exit(f"compare.py: no USPS files in {where} or {where / 'usps'}")
    if found is not None:
        train, test, offset = found
        x, y = parse(train, offset)
        xt, yt = parse(test, offset)
        return x, y, xt, yt, f"USPS, read from {where}"
    rng = np.random.default_rng(seed)
    x, xt = rng.random((USPS_TRAIN, PIXELS)), rng.random((USPS_TEST, PIXELS))
    y, yt = rng.integers(0, CLASSES, USPS_TRAIN), rng.integers(0, CLASSES, USPS_TEST)
    return x, y, xt, yt, f"random data of USPS's shape (USPS not found in {where})"


# ---- PyTorch ---------------------------------------------------------------

def part_torch(args, d):
    import torch
    from torch import nn
    torch.set_num_threads(args.torch_threads)
    dtype = torch.float32 if args.dtype == "float32" else torch.float64
    torch.set_default_dtype(dtype)
    torch.manual_seed(args.seed)
    x, y = torch.from_numpy(d["x"]).to(dtype), torch.from_numpy(d["y"])
    xt, yt = torch.from_numpy(d["xt"]).to(dtype), torch.from_numpy(d["yt"])
    n = x.shape[0]
    gen = torch.Generator().manual_seed(args.seed)

    def fit(net, loss_fn, x, target, opt):
        times, cpu = [], []
        for _ in range(args.epochs):
            start, start_cpu = time.perf_counter(), time.process_time()
            perm = torch.randperm(n, generator=gen)
            total = 0.0
            for lo in range(0, n, args.batch):
                idx = perm[lo:lo + args.batch]
                xb, yb = x[idx], target[idx]
                opt.zero_grad()
                loss = loss_fn(net(xb), yb)
                loss.backward()
                opt.step()
                total += loss.item() * len(idx)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        return timing(times, cpu, total / n)

    out = {"version": torch.__version__, "threads": torch.get_num_threads(), "blas": blas_info(),
           "dtype": args.dtype}
    if args.nets in ("all", "mlp"):
        sgd = lambda net: torch.optim.SGD(net.parameters(), lr=args.lr)
        mlp = nn.Sequential(nn.Linear(256, 128), nn.Tanh(), nn.Linear(128, 64), nn.Tanh(), nn.Linear(64, 10))
        out["mlp"] = fit(mlp, nn.CrossEntropyLoss(), x, y, sgd(mlp))
        with torch.no_grad():
            out["mlp"]["test_accuracy"] = (mlp(xt).argmax(1) == yt).double().mean().item()
        ae = nn.Sequential(nn.Linear(256, 100), nn.Tanh(), nn.Linear(100, 10), nn.Tanh(),
                           nn.Linear(10, 100), nn.Tanh(), nn.Linear(100, 256), nn.Sigmoid())
        bce = nn.BCELoss()
        out["autoencoder"] = fit(ae, bce, x, x, sgd(ae))
        with torch.no_grad():
            out["autoencoder"]["test_loss"] = bce(ae(xt), xt).item()
    if args.nets in ("all", "cnn"):
        # Channels-first, PyTorch's layout: (B, 1, 256) and (B, 1, 16, 16).
        cnns = {
            "conv1d": (nn.Sequential(nn.Conv1d(1, 32, 3, bias=False), nn.MaxPool1d(2, 2), nn.Flatten(),
                                     nn.Linear(4064, 100), nn.ReLU(), nn.Linear(100, 10)), (1, 256)),
            "conv2d": (nn.Sequential(nn.Conv2d(1, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                                     nn.Conv2d(16, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                                     nn.Linear(512, 100), nn.ReLU(), nn.Linear(100, 10)), (1, 16, 16)),
        }
        for name, (net, shape) in cnns.items():
            opt = torch.optim.SGD(net.parameters(), lr=CNN_LR, momentum=CNN_MOMENTUM, nesterov=True)
            out[name] = fit(net, nn.CrossEntropyLoss(), x.reshape(n, *shape), y, opt)
            with torch.no_grad():
                pred = torch.cat([net(b.reshape(len(b), *shape)).argmax(1) for b in xt.split(256)])
                out[name]["test_accuracy"] = (pred == yt).double().mean().item()
    return out


# ---- NumPy, in the course's style --------------------------------------------

def numpy_course_classes(np):
    """The course's API, written as a student of the course would."""

    class Loss:
        def forward(self, y, yhat):
            raise NotImplementedError

        def backward(self, y, yhat):
            raise NotImplementedError

    class CELogSoftmax(Loss):
        """Cross-entropy of the softmax of logits, mean over the batch."""

        def forward(self, y, yhat):
            m = yhat.max(axis=1, keepdims=True)
            lse = m[:, 0] + np.log(np.exp(yhat - m).sum(axis=1))
            return lse - (y * yhat).sum(axis=1)

        def backward(self, y, yhat):
            e = np.exp(yhat - yhat.max(axis=1, keepdims=True))
            return (e / e.sum(axis=1, keepdims=True) - y) / len(y)

    class BCE(Loss):
        """Binary cross-entropy, mean over all elements, logs clamped at -100."""

        def forward(self, y, yhat):
            return -(y * np.maximum(np.log(yhat), -100) + (1 - y) * np.maximum(np.log(1 - yhat), -100)).mean(axis=1)

        def backward(self, y, yhat):
            return (yhat - y) / np.maximum(yhat * (1 - yhat), 1e-12) / y.size

    class Module:
        def __init__(self):
            self._parameters = None
            self._gradient = None

        def zero_grad(self):
            pass

        def forward(self, X):
            raise NotImplementedError

        def update_parameters(self, gradient_step=1e-3):
            pass

        def backward_update_gradient(self, input, delta):
            pass

        def backward_delta(self, input, delta):
            raise NotImplementedError

    class Linear(Module):
        def __init__(self, input, output, rng):
            super().__init__()
            bound = 1 / np.sqrt(input)
            self._parameters = rng.uniform(-bound, bound, (input, output))
            self._bias = rng.uniform(-bound, bound, (1, output))
            self._gradient = np.zeros_like(self._parameters)
            self._gradient_bias = np.zeros_like(self._bias)

        def zero_grad(self):
            self._gradient.fill(0)
            self._gradient_bias.fill(0)

        def forward(self, X):
            return X @ self._parameters + self._bias

        def backward_update_gradient(self, input, delta):
            self._gradient += input.T @ delta
            self._gradient_bias += delta.sum(axis=0, keepdims=True)

        def backward_delta(self, input, delta):
            return delta @ self._parameters.T

        def update_parameters(self, gradient_step=1e-3):
            self._parameters -= gradient_step * self._gradient
            self._bias -= gradient_step * self._gradient_bias

    class TanH(Module):
        def forward(self, X):
            return np.tanh(X)

        def backward_delta(self, input, delta):
            return delta * (1 - np.tanh(input) ** 2)

    class Sigmoide(Module):
        def forward(self, X):
            return 1 / (1 + np.exp(-X))

        def backward_delta(self, input, delta):
            s = 1 / (1 + np.exp(-input))
            return delta * s * (1 - s)

    class Sequentiel(Module):
        def __init__(self, *modules):
            super().__init__()
            self.modules = list(modules)

        def zero_grad(self):
            for m in self.modules:
                m.zero_grad()

        def forward(self, X):
            self.inputs = []
            for m in self.modules:
                self.inputs.append(X)
                X = m.forward(X)
            return X

        def backward(self, delta):
            for m, input in zip(reversed(self.modules), reversed(self.inputs)):
                m.backward_update_gradient(input, delta)
                delta = m.backward_delta(input, delta)
            return delta

        def update_parameters(self, gradient_step=1e-3):
            for m in self.modules:
                m.update_parameters(gradient_step)

    class Optim:
        def __init__(self, net, loss, eps):
            self.net, self.loss, self.eps = net, loss, eps

        def step(self, batch_x, batch_y):
            self.net.zero_grad()
            yhat = self.net.forward(batch_x)
            loss = self.loss.forward(batch_y, yhat).mean()
            self.net.backward(self.loss.backward(batch_y, yhat))
            self.net.update_parameters(self.eps)
            return loss

    return CELogSoftmax, BCE, Linear, TanH, Sigmoide, Sequentiel, Optim


def part_numpy(args, d):
    import numpy as np
    CELogSoftmax, BCE, Linear, TanH, Sigmoide, Sequentiel, Optim = numpy_course_classes(np)
    rng = np.random.default_rng(args.seed)
    x, xt = d["x"], d["xt"]
    onehot = np.eye(CLASSES)[d["y"]]
    n = x.shape[0]

    def fit(opt, target):
        times, cpu = [], []
        for _ in range(args.epochs):
            start, start_cpu = time.perf_counter(), time.process_time()
            perm = rng.permutation(n)
            total = 0.0
            for lo in range(0, n, args.batch):
                idx = perm[lo:lo + args.batch]
                total += opt.step(x[idx], target[idx]) * len(idx)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        return timing(times, cpu, total / n)

    mlp = Sequentiel(Linear(256, 128, rng), TanH(), Linear(128, 64, rng), TanH(), Linear(64, 10, rng))
    r_mlp = fit(Optim(mlp, CELogSoftmax(), args.lr), onehot)
    r_mlp["test_accuracy"] = float((mlp.forward(xt).argmax(1) == d["yt"]).mean())
    ae = Sequentiel(Linear(256, 100, rng), TanH(), Linear(100, 10, rng), TanH(),
                    Linear(10, 100, rng), TanH(), Linear(100, 256, rng), Sigmoide())
    r_ae = fit(Optim(ae, BCE(), args.lr), x)
    r_ae["test_loss"] = float(BCE().forward(xt, ae.forward(xt)).mean())
    return {"version": np.__version__, "threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
            "blas": blas_info(), "mlp": r_mlp, "autoencoder": r_ae}


# ---- OpenBLAS dgemm through NumPy ----------------------------------------------

def part_dgemm(args, products):
    """Times C = op(A)·op(B) with numpy.matmul (OpenBLAS dgemm; a transposed
    operand is passed as a flag, not copied) for the products of one thread
    count, set by OPENBLAS_NUM_THREADS in the environment."""
    import numpy as np
    rng = np.random.default_rng(1)
    out = []
    for p in products:
        m, k, n = p["m"], p["k"], p["n"]
        a = rng.uniform(-1, 1, (k, m) if p["trans_a"] else (m, k))
        b = rng.uniform(-1, 1, (n, k) if p["trans_b"] else (k, n))
        opa, opb = (a.T if p["trans_a"] else a), (b.T if p["trans_b"] else b)
        c = np.empty((m, n))

        def run(times):
            start = time.perf_counter()
            for _ in range(times):
                np.matmul(opa, opb, out=c)
            return time.perf_counter() - start

        run(1)
        times = 1
        while run(times) < GEMM_MIN_REP:
            times *= 2
        best = min(run(times) for _ in range(GEMM_REPS))
        out.append(dict(p, gflops=2 * m * n * k * times / best / 1e9, blas=blas_info()))
    return out


# ---- gonum, from a throw-away program ----------------------------------------------

GONUM_GO_MOD = """module gonumbench

go 1.26

require gonum.org/v1/gonum v0.17.0
"""

GONUM_GO_SUM = """gonum.org/v1/gonum v0.17.0 h1:VbpOemQlsSMrYmn7T2OUvQ4dqxQXU+ouZFQsZOx50z4=
gonum.org/v1/gonum v0.17.0/go.mod h1:El3tOrEuMpv2UdMrbNlKEh9vd86bmQ6vqIcDwxEOc1E=
"""

GONUM_MAIN = """// Command gonumbench times gonum's blas64.Gemm on the products read as JSON
// from stdin, as experiments/bench times tensor.Gemm, and writes them back
// with their GFLOPS. Written by nndiy's compare.py; not part of nndiy.
package main

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"runtime"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

type product struct {
	Label   string  `json:"label"`
	M       int     `json:"m"`
	K       int     `json:"k"`
	N       int     `json:"n"`
	TransA  bool    `json:"trans_a"`
	TransB  bool    `json:"trans_b"`
	Threads int     `json:"threads"`
	GFLOPS  float64 `json:"gflops"`
}

func general(rng *rand.Rand, r, c int) blas64.General {
	d := make([]float64, r*c)
	for i := range d {
		d[i] = rng.Float64()*2 - 1
	}
	return blas64.General{Rows: r, Cols: c, Stride: c, Data: d}
}

func measure(p product) float64 {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(p.Threads))
	rng := rand.New(rand.NewPCG(1, 2))
	a, ta := general(rng, p.M, p.K), blas.NoTrans
	if p.TransA {
		a, ta = general(rng, p.K, p.M), blas.Trans
	}
	b, tb := general(rng, p.K, p.N), blas.NoTrans
	if p.TransB {
		b, tb = general(rng, p.N, p.K), blas.Trans
	}
	c := general(rng, p.M, p.N)
	run := func(times int) time.Duration {
		start := time.Now()
		for range times {
			blas64.Gemm(ta, tb, 1, a, b, 0, c)
		}
		return time.Since(start)
	}
	run(1)
	times := 1
	for run(times) < %(min_rep)d*time.Millisecond {
		times *= 2
	}
	best := time.Duration(1<<63 - 1)
	for range %(reps)d {
		best = min(best, run(times))
	}
	return 2 * float64(p.M) * float64(p.N) * float64(p.K) * float64(times) / best.Seconds() / 1e9
}

func main() {
	var ps []product
	if err := json.NewDecoder(os.Stdin).Decode(&ps); err != nil {
		panic(err)
	}
	for i := range ps {
		ps[i].GFLOPS = measure(ps[i])
	}
	if err := json.NewEncoder(os.Stdout).Encode(ps); err != nil {
		panic(err)
	}
}
""" % {"min_rep": int(GEMM_MIN_REP * 1000), "reps": GEMM_REPS}


def run_gonum(products, tmp):
    """Builds and runs the gonum program; returns its results, or a string
    saying why there are none."""
    d = Path(tmp) / "gonumbench"
    d.mkdir()
    (d / "go.mod").write_text(GONUM_GO_MOD)
    (d / "go.sum").write_text(GONUM_GO_SUM)
    (d / "main.go").write_text(GONUM_MAIN)
    env = dict(os.environ, GOWORK="off", GOFLAGS="-mod=mod")
    build = subprocess.run(["go", "build", "-o", "gonumbench", "."], cwd=d, env=env, capture_output=True, text=True)
    if build.returncode != 0:
        return "gonum program did not build: " + build.stderr.strip().splitlines()[-1]
    res = subprocess.run([str(d / "gonumbench")], input=json.dumps(products), capture_output=True, text=True, check=True)
    return json.loads(res.stdout)


# ---- the driver ----------------------------------------------------------------------

def run_part(part, args, data_file, env=None, stdin=None, dtype="float64"):
    cmd = [sys.executable, __file__, "--part", part, "--data-file", data_file,
           "--epochs", str(args.epochs), "--batch", str(args.batch), "--lr", str(args.lr),
           "--seed", str(args.seed), "--torch-threads", str(args.torch_threads),
           "--nets", args.nets, "--dtype", dtype]
    res = subprocess.run(cmd, env=dict(os.environ, **(env or {})), input=stdin, capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f"compare.py: part {part} failed:\n{res.stderr}")
    return json.loads(res.stdout)


def build_nndiy(tmp, name, env):
    out = Path(tmp) / name
    res = subprocess.run(["go", "build", "-o", str(out), "./experiments/bench"], cwd=REPO,
                         env=dict(os.environ, **env), capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f"compare.py: go build ({env or 'default'}) failed:\n{res.stderr}")
    return out


def nndiy_command(binary, args, gemm, mlp, cnn):
    """The command line of experiments/bench -json with compare.py's settings."""
    cmd = [str(binary), "-json", "-epochs", str(args.epochs), "-batch", str(args.batch),
           "-lr", str(args.lr), "-seed", str(args.seed), "-gemm=" + str(gemm).lower(),
           "-train=" + str(mlp).lower(), "-cnn=" + str(cnn).lower()]
    if args.data:
        cmd += ["-data", args.data]
    return cmd


def run_nndiy(binary, args, gemm, env=None, cnn_only=False):
    mlp, cnn = args.nets in ("all", "mlp") and not cnn_only, args.nets in ("all", "cnn")
    cmd = nndiy_command(binary, args, gemm, mlp, cnn)
    res = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, **(env or {})))
    if res.returncode != 0:
        sys.exit(f"compare.py: {' '.join(cmd)} failed:\n{res.stderr}")
    return json.loads(res.stdout)


def run_nndiy_pair(binary, args):
    """Two copies of the CNNs' 1-core training started together, as
    run_nndiy: what the machine gives two programs that share nothing. The
    result is the first copy's, with each network's s/epoch the mean of
    the two copies' and their throughput against one copy alone measured
    by the report (the machine's own ceiling for a 2-core speed-up)."""
    cmd = nndiy_command(binary, args, gemm=False, mlp=False, cnn=True)
    env = dict(os.environ, GOMAXPROCS="1")
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    outs = []
    for proc in procs:
        stdout, stderr = proc.communicate()
        if proc.returncode != 0:
            sys.exit(f"compare.py: {' '.join(cmd)} (two at once) failed:\n{stderr}")
        outs.append(json.loads(stdout))
    r = dict(outs[0])
    for net in ("conv1d", "conv2d"):
        r[net] = dict(outs[0][net])
        for key in ("sec_per_epoch", "cpu_sec_per_epoch"):
            r[net][key] = (outs[0][net][key] + outs[1][net][key]) / 2
    return r


def fastest(runs):
    """The first run, with each network's result replaced by its fastest
    round's (the least disturbed by other programs)."""
    best = dict(runs[0])
    for net in NETS:
        if all(net in run for run in runs):
            best[net] = min((run[net] for run in runs), key=lambda x: x["sec_per_epoch"])
    return best


NETS = ("mlp", "autoencoder", "conv1d", "conv2d")
NET_LABELS = {"mlp": "MLP", "autoencoder": "auto-encoder", "conv1d": "Conv1D net", "conv2d": "2-D CNN"}


def get(r, net, key):
    """r[net][key], or None where it was not measured."""
    return (r or {}).get(net, {}).get(key)


def fmt(v, digits=4):
    if v is None:
        return "—"
    if isinstance(v, str):
        return v
    return f"{v:.{digits}g}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def table(header, rows):
    rows = [[fmt(c) for c in r] for r in rows]
    width = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, width)) + " |"
    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in width) + "|"] + [line(r) for r in rows])


def gemm_key(p):
    return (p["m"], p["k"], p["n"], p["trans_a"], p["trans_b"], p["threads"])


def dims(p):
    ta, tb = ("ᵀ" if p["trans_a"] else ""), ("ᵀ" if p["trans_b"] else "")
    return f"{p['m']}×{p['k']}{ta}·{p['k']}×{p['n']}{tb}"


def report(args, r):
    builds, torch_r, numpy_r, torch32 = r["nndiy"], r["torch"], r.get("numpy") or {}, r.get("torch32") or {}
    default = builds["default"]
    mlp_nets = "mlp" in default
    out = []
    m = default["machine"]
    numpy_desc = f", NumPy {numpy_r['version']} (OPENBLAS_NUM_THREADS={numpy_r['threads']})" if numpy_r else ""
    out.append(f"machine: {m['cpu']}, {m['num_cpu']} CPUs; {m['go']}; Python {platform.python_version()}, "
               f"PyTorch {torch_r['version']} ({torch_r['threads']} thread){numpy_desc}")
    out.append(f"BLAS: PyTorch {torch_r['blas']}" + (f"; NumPy {numpy_r['blas']}" if numpy_r else ""))
    if "openblas" not in (torch_r["blas"] + numpy_r.get("blas", "")).lower():
        out.append("WARNING: PyTorch and NumPy are not on OpenBLAS, which issue 9's numbers were measured with; "
                   "apt-get install libopenblas0-pthread, or pass --blas")
    out.append(f"load average: {r['load_before']} at the start, {r['load_after']} at the end")
    out.append(f"data: {r['data']}; nndiy: {default['data']}, {default['data_note']}")
    out.append(f"training: {args.epochs} epochs, batch {args.batch}; MLP and auto-encoder plain SGD lr {args.lr}, "
               f"CNNs SGD lr {CNN_LR} Nesterov momentum {CNN_MOMENTUM}; "
               "s/epoch is the median of the epochs after the first"
               + (f", the fastest of {args.rounds} alternating rounds" if args.rounds > 1 else ""))
    out.append("")

    targets = []

    def target(name, value, ok, shown):
        verdict = "—" if value is None or ok is None else "met" if ok else "not met"
        targets.append([name, shown if value is not None else "not measured", verdict])

    if mlp_nets:
        names = [n for n in builds if "mlp" in builds[n]]
        header = ["measure"] + [f"nndiy {n}" for n in names] + ["PyTorch", "NumPy"]
        for n in names:
            header += [f"{n}/PyTorch", f"{n}/NumPy"]
        rows = []
        for net in ("mlp", "autoencoder"):
            for key, what in (("sec_per_epoch", "s/epoch"), ("cpu_sec_per_epoch", "CPU s/epoch"),
                              ("test_accuracy", "test accuracy"), ("test_loss", "test BCE")):
                if key not in default[net]:
                    continue
                row = [f"{NET_LABELS[net]} {what}"] + [get(builds[n], net, key) for n in names]
                row += [get(torch_r, net, key), get(numpy_r, net, key)]
                for n in names:
                    row += [ratio(get(builds[n], net, key), get(torch_r, net, key)),
                            ratio(get(builds[n], net, key), get(numpy_r, net, key))]
                rows.append(row)
        out.append(table(header, rows))
        out.append("")

    if default.get("gemm"):
        names = [n for n in builds if builds[n].get("gemm")]
        blas = {gemm_key(p): p["gflops"] for p in r["openblas"]}
        gonum = {gemm_key(p): p["gflops"] for p in r["gonum"]} if isinstance(r["gonum"], list) else {}
        header = ["Gemm GFLOPS", "threads"] + [f"nndiy {n}" for n in names] + ["OpenBLAS", "gonum"]
        for n in names:
            header += [f"{n}/OpenBLAS", f"{n}/gonum"]
        rows = []
        for i, p in enumerate(default["gemm"]):
            k = gemm_key(p)
            vals = [builds[n]["gemm"][i]["gflops"] for n in names]
            row = [f"{p['label']} {dims(p)}", p["threads"]] + vals + [blas.get(k), gonum.get(k)]
            for v in vals:
                row += [ratio(v, blas.get(k)), ratio(v, gonum.get(k))]
            rows.append(row)
        speedup = lambda g: ratio(g.get((1024, 1024, 1024, False, False, 2)), g.get((1024, 1024, 1024, False, False, 1)))
        nd = [{gemm_key(p): p["gflops"] for p in builds[n]["gemm"]} for n in names]
        row = ["1024 speed-up, 2 threads / 1", ""] + [speedup(g) for g in nd] + [speedup(blas), speedup(gonum)]
        row += [None] * (2 * len(names))
        rows.append(row)
        out.append(table(header, rows))
        if not isinstance(r["gonum"], list):
            out.append(f"\ngonum: {r['gonum']}")
        out.append("")

        k1024_2 = (1024, 1024, 1024, False, False, 2)
        g = nd[0]
        for net in ("mlp", "autoencoder"):
            v = ratio(get(default, net, "sec_per_epoch"), get(torch_r, net, "sec_per_epoch"))
            target(f"{NET_LABELS[net]} epoch ≤ 2× PyTorch's (default build)", v, v is not None and v <= 2, f"{fmt(v, 3)}×")
        v = ratio(g.get(k1024_2), gonum.get(k1024_2))
        target("Gemm 1024 on 2 cores ≥ 1.5× gonum (default build)", v, v is not None and v >= 1.5, f"{fmt(v, 3)}×")
        v = speedup(g)
        target("Gemm 1024: 2 cores ≥ 1.7× 1 core (default build)", v, v is not None and v >= 1.7, f"{fmt(v, 3)}×")
        if "SIMD" in builds and "mlp" in builds["SIMD"]:
            simd = builds["SIMD"]
            for net in ("mlp", "autoencoder"):
                v = ratio(get(simd, net, "sec_per_epoch"), get(torch_r, net, "sec_per_epoch"))
                target(f"{NET_LABELS[net]} epoch ≤ PyTorch's (SIMD build)", v, v is not None and v <= 1, f"{fmt(v, 3)}×")
            gs = {gemm_key(p): p["gflops"] for p in simd["gemm"]}
            v = ratio(gs.get(k1024_2), blas.get(k1024_2))
            target("Gemm 1024 on 2 cores ≥ 50 % of OpenBLAS (SIMD build)", v, v is not None and v >= 0.5, f"{fmt(v, 3)}×")

    if "conv1d" in default:
        # Issue 15: nndiy on one core and on all, PyTorch float64 and float32 on one thread.
        one, simd, pair = builds.get("default 1 core"), builds.get("SIMD"), builds.get("two 1-core at once")
        cores = default["machine"]["gomaxprocs"]
        header = ["measure", "nndiy 1 core", f"nndiy {cores} cores", f"nndiy SIMD {cores} cores",
                  "PyTorch float64", "PyTorch float32", "1 core/PyTorch64", f"speed-up {cores} cores/1",
                  "SIMD/PyTorch32"]
        rows = []
        for net in ("conv1d", "conv2d"):
            for key, what in (("sec_per_epoch", "s/epoch"), ("cpu_sec_per_epoch", "CPU s/epoch"),
                              ("test_accuracy", "test accuracy"), ("allocs_per_step", "allocs/step")):
                vals = [get(one, net, key), get(default, net, key), get(simd, net, key),
                        get(torch_r, net, key), get(torch32, net, key)]
                row = [f"{NET_LABELS[net]} {what}"] + vals
                if key == "sec_per_epoch":
                    row += [ratio(vals[0], vals[3]), ratio(vals[0], vals[1]), ratio(vals[2], vals[4])]
                else:
                    row += [None] * 3
                rows.append(row)
        out.append(table(header, rows))
        out.append("")
        for net in ("conv1d", "conv2d"):
            v = ratio(get(one, net, "sec_per_epoch"), get(torch_r, net, "sec_per_epoch"))
            target(f"{NET_LABELS[net]} epoch, 1 core ≤ 0.8× PyTorch float64 1 thread (default build)", v,
                   v is not None and v <= 0.8, f"{fmt(v, 3)}×")
        for net in ("conv1d", "conv2d"):
            v = ratio(get(one, net, "sec_per_epoch"), get(default, net, "sec_per_epoch"))
            target(f"{NET_LABELS[net]} epoch, {cores} cores ≥ 1.7× faster than 1 (default build)", v,
                   v is not None and v >= 1.7, f"{fmt(v, 3)}×")
        for net in ("conv1d", "conv2d"):
            # Two 1-core trainings at once do twice the work of one: their
            # throughput against one alone is what any way of using the
            # second core could reach on this machine at this time.
            v = ratio(2 * get(one, net, "sec_per_epoch"), get(pair, net, "sec_per_epoch")) if pair else None
            if v is not None:
                target(f"{NET_LABELS[net]}: the machine's ceiling, two 1-core trainings at once against one (no target)",
                       v, None, f"{fmt(v, 3)}× the throughput")
        for net in ("conv1d", "conv2d"):
            v = ratio(get(simd, net, "sec_per_epoch"), get(torch32, net, "sec_per_epoch"))
            target(f"{NET_LABELS[net]} epoch, SIMD build {cores} cores ≤ PyTorch float32 1 thread", v,
                   v is not None and v <= 1, f"{fmt(v, 3)}×")

    allocs = [get(default, net, "allocs_per_step") for net in NETS if net in default]
    target("training step allocates nothing (default build)", 0, all(a == 0 for a in allocs),
           ", ".join(f"{NET_LABELS[net]} {fmt(get(default, net, 'allocs_per_step'))}" for net in NETS if net in default)
           + " allocs/step")
    out.append(table(["target (issues 9 and 15)", "measured", ""], targets))
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    ap.add_argument("--batch", type=int, default=BATCH)
    ap.add_argument("--lr", type=float, default=LR)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--data", help="directory of the USPS files (default $NNDIY_DATA, then the cache)")
    ap.add_argument("--torch-threads", type=int, default=1,
                    help="torch.set_num_threads and OPENBLAS_NUM_THREADS of the PyTorch training (default 1)")
    ap.add_argument("--numpy-threads", default="1", help="OPENBLAS_NUM_THREADS of the NumPy training (default 1)")
    ap.add_argument("--rounds", type=int, default=1,
                    help="train every side this many times, alternating, and keep each network's fastest round")
    ap.add_argument("--blas", help="directory of the libblas.so.3 that PyTorch and NumPy load, put first in "
                    "LD_LIBRARY_PATH (e.g. /usr/lib/x86_64-linux-gnu/openblas-pthread)")
    ap.add_argument("--simd", action="store_true", help="also run experiments/bench built with GOEXPERIMENT=simd")
    ap.add_argument("--no-gonum", action="store_true", help="skip gonum")
    ap.add_argument("--json", help="also write every number measured to this file")
    ap.add_argument("--nets", choices=["all", "mlp", "cnn"], default="all",
                    help="the networks to train: issue 9's MLP and auto-encoder (mlp), issue 15's CNNs (cnn), or all")
    ap.add_argument("--no-gemm", action="store_true", help="skip the Gemm timings")
    ap.add_argument("--dtype", default="float64", help=argparse.SUPPRESS)
    ap.add_argument("--part", choices=["torch", "numpy", "dgemm"], help=argparse.SUPPRESS)
    ap.add_argument("--data-file", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.part:
        import numpy as np
        if args.part == "dgemm":
            print(json.dumps(part_dgemm(args, json.load(sys.stdin))))
            return
        with np.load(args.data_file) as f:
            d = {k: f[k] for k in f.files}
        print(json.dumps((part_torch if args.part == "torch" else part_numpy)(args, d)))
        return

    if args.epochs < 1 or args.batch < 1 or not args.lr > 0 or args.rounds < 1:
        sys.exit("compare.py: need epochs ≥ 1, batch ≥ 1, lr > 0 and rounds ≥ 1")
    if args.blas:
        os.environ["LD_LIBRARY_PATH"] = os.pathsep.join(filter(None, [args.blas, os.environ.get("LD_LIBRARY_PATH")]))
    import numpy as np
    r = {"load_before": load_average()}
    with tempfile.TemporaryDirectory(prefix="nndiy-compare-") as tmp:
        builds = {"default": {}}
        if args.simd:
            builds["SIMD"] = {"GOEXPERIMENT": "simd"}
        bins = {name: build_nndiy(tmp, "bench-" + name.lower(), env) for name, env in builds.items()}
        # The sides of nndiy: (binary, environment, CNNs only). Issue 15 also
        # asks for the default build on one core.
        sides = {name: (bins[name], {}, False) for name in builds}
        if args.nets in ("all", "cnn"):
            sides = {"default": sides["default"], "default 1 core": (bins["default"], {"GOMAXPROCS": "1"}, True),
                     **{k: v for k, v in sides.items() if k != "default"}}
        x, y, xt, yt, r["data"] = load_data(args.data, args.seed)
        data_file = str(Path(tmp) / "data.npz")
        np.savez(data_file, x=x, y=y, xt=xt, yt=yt)
        gemm = not args.no_gemm

        # The training of every side, round after round; each network's
        # fastest round is kept. The first round of nndiy also times Gemm.
        rounds = {"nndiy": {name: [] for name in sides}, "torch": [], "torch32": [], "numpy": []}
        torch_env = {"OPENBLAS_NUM_THREADS": str(args.torch_threads)}
        for i in range(args.rounds):
            for name, (binary, env, cnn_only) in sides.items():
                print(f"round {i + 1}: nndiy {name} ...", file=sys.stderr)
                rounds["nndiy"][name].append(run_nndiy(binary, args, gemm and i == 0 and not cnn_only, env, cnn_only))
                if name == "default 1 core":
                    print(f"round {i + 1}: nndiy default 1 core, two at once ...", file=sys.stderr)
                    rounds["nndiy"].setdefault("two 1-core at once", []).append(run_nndiy_pair(binary, args))
            print(f"round {i + 1}: PyTorch ...", file=sys.stderr)
            rounds["torch"].append(run_part("torch", args, data_file, env=torch_env))
            if args.nets in ("all", "cnn"):
                print(f"round {i + 1}: PyTorch float32 ...", file=sys.stderr)
                keep, args.nets = args.nets, "cnn"
                rounds["torch32"].append(run_part("torch", args, data_file, env=torch_env, dtype="float32"))
                args.nets = keep
            if args.nets in ("all", "mlp"):
                print(f"round {i + 1}: NumPy ...", file=sys.stderr)
                rounds["numpy"].append(run_part("numpy", args, data_file, env={"OPENBLAS_NUM_THREADS": args.numpy_threads}))
        r["nndiy"] = {name: fastest(runs) for name, runs in rounds["nndiy"].items()}
        r["torch"] = fastest(rounds["torch"])
        r["torch32"] = fastest(rounds["torch32"]) if rounds["torch32"] else None
        r["numpy"] = fastest(rounds["numpy"]) if rounds["numpy"] else None
        r["rounds"] = rounds

        r["openblas"], r["gonum"] = [], "not measured"
        if gemm:
            products = [{k: p[k] for k in ("label", "m", "k", "n", "trans_a", "trans_b", "threads")}
                        for p in r["nndiy"]["default"]["gemm"]]
            print("OpenBLAS ...", file=sys.stderr)
            for t in sorted({p["threads"] for p in products}):
                same = [p for p in products if p["threads"] == t]
                r["openblas"] += run_part("dgemm", args, data_file, env={"OPENBLAS_NUM_THREADS": str(t)}, stdin=json.dumps(same))
            if args.no_gonum:
                r["gonum"] = "skipped (--no-gonum)"
            elif shutil.which("go") is None:
                r["gonum"] = "no go command"
            else:
                print("gonum ...", file=sys.stderr)
                r["gonum"] = run_gonum(products, tmp)
        r["load_after"] = load_average()

    print(report(args, r))
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=2) + "\n")


if __name__ == "__main__":
    main()
