"""Gluon training steps: tapegraph (hybridized and not) vs PyTorch eager and JAX jit.

    python bench/gluon_bench.py [--quick] [--rounds 60] [--budget 0.05] [--write-docs]
    python bench/gluon_bench.py --worker tapegraph|numpy|torch|jax   # one worker (served)

Two steps, each a forward, a backward and an SGD update (learning rate 0.1) of every
parameter, from the same float32 initial weights and data in every framework:

- MLP: batch 64, 784-512-512-10 (relu), softmax cross-entropy (the shape of W2);
- LeNet: batch 64 of 1x28x28, conv 6@5x5 - relu - maxpool 2 - conv 16@5x5 - relu -
  maxpool 2 - dense 120 - relu - dense 84 - relu - dense 10, softmax cross-entropy.

tapegraph runs MXNet Gluon code (`gluon.nn`, `gluon.loss`, `gluon.Trainer`), once
hybridized and once not; `numpy` is the MLP step hand-written in NumPy (the floor of a
NumPy-based step, see `numpy_steps`). Each framework is a worker process pinned to ONE
core, the same for all (`--cpu`, default the last core this process may use): thread
settings alone do not hold XLA to one thread (JAX 0.10 runs its jitted step on ~1.6 cores
with them, and CPU time then counts both), and the machine is shared, so threads competing
for busy cores make timings meaningless. The workers stay alive side by side and run one
at a time:
each round measures every step of every worker once (CPU time, `time.process_time`, per
step over `--budget` seconds of repeats), so frameworks are compared a fraction of a
second apart (`measure`). The report gives each step's fastest round, and its ratio to
PyTorch eager and JAX jit as the median over rounds of the ratio within the round, with a
95% bootstrap interval (`ratio_interval`); the loss of the first step must agree across
frameworks (same weights, same data).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PEERS_PY = "/work/bench-venv/bin/python"
LR = 0.1
BEGIN, END = "<!-- gluon-bench:begin -->", "<!-- gluon-bench:end -->"
ONE_THREAD = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
                  MKL_NUM_THREADS="1", XLA_FLAGS="--xla_cpu_multi_thread_eigen=false "
                  "intra_op_parallelism_threads=1")


def data():
    """Shared inputs and initial weights (dict of float32 NumPy arrays)."""
    rng = np.random.RandomState(7)
    d = {"mlp_x": rng.randn(64, 784).astype(np.float32),
         "lenet_x": rng.randn(64, 1, 28, 28).astype(np.float32),
         "label": rng.randint(0, 10, 64)}
    for name, (fo, fi) in {"m1": (512, 784), "m2": (512, 512), "m3": (10, 512),
                           "l3": (120, 256), "l4": (84, 120), "l5": (10, 84)}.items():
        d[name + "w"] = (rng.randn(fo, fi) * np.sqrt(2.0 / fi)).astype(np.float32)
        d[name + "b"] = (rng.randn(fo) * 0.01).astype(np.float32)
    for name, shape in {"c1": (6, 1, 5, 5), "c2": (16, 6, 5, 5)}.items():
        d[name + "w"] = (rng.randn(*shape) * np.sqrt(2.0 / np.prod(shape[1:]))).astype(
            np.float32)
        d[name + "b"] = np.zeros(shape[0], np.float32)
    return d


MLP_KEYS = ["m1w", "m1b", "m2w", "m2b", "m3w", "m3b"]
LENET_KEYS = ["c1w", "c1b", "c2w", "c2b", "l3w", "l3b", "l4w", "l4b", "l5w", "l5b"]


def time_steps(step, budget):
    """CPU seconds per call of `step`, averaged over calls repeated for >= `budget` CPU
    seconds: the process's CPU time, not wall time, so that other work on the shared
    cores does not count (every worker runs one thread; a peer's helper threads, if any,
    count too)."""
    n, t0 = 0, time.process_time()
    while True:
        step()
        n += 1
        elapsed = time.process_time() - t0
        if elapsed >= budget:
            return elapsed / n


# ---------------------------------------------------------------- tapegraph
def tapegraph_steps(d):
    import tapegraph as mx
    from tapegraph import autograd, gluon
    from tapegraph.gluon import nn

    def mlp():
        net = nn.HybridSequential()
        with net.name_scope():
            net.add(nn.Dense(512, activation="relu"), nn.Dense(512, activation="relu"),
                    nn.Dense(10))
        return net, MLP_KEYS, "mlp_x"

    def lenet():
        net = nn.HybridSequential()
        with net.name_scope():
            net.add(nn.Conv2D(6, 5, activation="relu"), nn.MaxPool2D(2),
                    nn.Conv2D(16, 5, activation="relu"), nn.MaxPool2D(2),
                    nn.Dense(120, activation="relu"), nn.Dense(84, activation="relu"),
                    nn.Dense(10))
        return net, LENET_KEYS, "lenet_x"

    out = {}
    for name, build in (("mlp", mlp), ("lenet", lenet)):
        for hybrid in (True, False):
            net, keys, xkey = build()
            net.initialize()
            x = mx.nd.array(d[xkey])
            label = mx.nd.array(d["label"])
            net(x)
            for p, k in zip(net.collect_params().values(), keys):
                p.set_data(mx.nd.array(d[k]))
            if hybrid:
                net.hybridize()
            loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
            trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": LR})

            def step(net=net, x=x, label=label, loss_fn=loss_fn, trainer=trainer):
                with autograd.record():
                    loss = loss_fn(net(x), label)
                loss.backward()
                trainer.step(x.shape[0])
                return loss.mean().asscalar()
            out["%s_%s" % (name, "hybridized" if hybrid else "eager")] = step
    return out


# ---------------------------------------------------------------- numpy
def numpy_steps(d):
    """The MLP step written by hand in NumPy, no framework: the same products (in the
    operand order tapegraph's FullyConnected uses), buffers preallocated, the update in
    two passes per weight. It measures the floor a NumPy-based step can reach on this
    machine: what tapegraph adds on top of it is framework overhead."""
    ws = [d[k].copy() for k in MLP_KEYS]
    grads = [np.empty_like(w) for w in ws]
    scratch = np.empty(max(w.size for w in ws), np.float32)
    x, label = d["mlp_x"], d["label"]
    rows, batch = np.arange(x.shape[0]), np.float32(x.shape[0])

    def dense(h, w, b):
        out = np.empty((h.shape[0], w.shape[0]), np.float32)
        np.add(np.dot(w, h.T).T, b, out=out)
        return out

    def step():
        w1, b1, w2, b2, w3, b3 = ws
        h1 = dense(x, w1, b1)
        np.maximum(h1, 0, out=h1)
        h2 = dense(h1, w2, b2)
        np.maximum(h2, 0, out=h2)
        z = np.dot(h2, w3.T)
        z += b3
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        total = e.sum(axis=1, keepdims=True)
        loss = float(np.mean(np.log(total[:, 0]) - z[rows, label]))
        e /= total  # softmax; its gradient for the summed losses, scaled by 1/batch
        e[rows, label] -= 1
        e /= batch
        np.dot(e.T, h2, out=grads[4])
        e.sum(axis=0, out=grads[5])
        dh2 = np.dot(e, w3)
        dh2 *= h2 > 0
        np.dot(dh2.T, h1, out=grads[2])
        dh2.sum(axis=0, out=grads[3])
        dh1 = np.dot(dh2, w2)
        dh1 *= h1 > 0
        np.dot(dh1.T, x, out=grads[0])
        dh1.sum(axis=0, out=grads[1])
        for w, g in zip(ws, grads):
            s = scratch[:g.size].reshape(g.shape)
            np.multiply(g, np.float32(-LR), out=s)
            w += s
        return loss
    return {"mlp_hand-written": step}


# ---------------------------------------------------------------- torch
def torch_steps(d):
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(1)

    def params(keys):
        return [torch.tensor(d[k], requires_grad=True) for k in keys]

    def mlp_f(ps, x):
        h = F.relu(F.linear(x, ps[0], ps[1]))
        h = F.relu(F.linear(h, ps[2], ps[3]))
        return F.linear(h, ps[4], ps[5])

    def lenet_f(ps, x):
        h = F.max_pool2d(F.relu(F.conv2d(x, ps[0], ps[1])), 2)
        h = F.max_pool2d(F.relu(F.conv2d(h, ps[2], ps[3])), 2).flatten(1)
        h = F.relu(F.linear(h, ps[4], ps[5]))
        h = F.relu(F.linear(h, ps[6], ps[7]))
        return F.linear(h, ps[8], ps[9])

    out = {}
    label = torch.tensor(d["label"])
    for name, f, keys, xkey in (("mlp", mlp_f, MLP_KEYS, "mlp_x"),
                                ("lenet", lenet_f, LENET_KEYS, "lenet_x")):
        ps = params(keys)
        x = torch.tensor(d[xkey])
        opt = torch.optim.SGD(ps, lr=LR)

        def step(f=f, ps=ps, x=x, opt=opt):
            opt.zero_grad()
            loss = F.cross_entropy(f(ps, x), label)
            loss.backward()
            opt.step()
            return loss.item()
        out[name + "_eager"] = step
    return out


# ---------------------------------------------------------------- jax
def jax_steps(d):
    import jax
    import jax.numpy as jnp

    def xent(z, lab):
        logp = jax.nn.log_softmax(z, axis=-1)
        return -jnp.mean(jnp.take_along_axis(logp, lab[:, None], axis=1))

    def mlp_f(ps, x):
        h = jax.nn.relu(x @ ps[0].T + ps[1])
        h = jax.nn.relu(h @ ps[2].T + ps[3])
        return h @ ps[4].T + ps[5]

    def pool(h):
        return jax.lax.reduce_window(h, -jnp.inf, jax.lax.max, (1, 1, 2, 2), (1, 1, 2, 2),
                                     "VALID")

    def conv(h, w, b):
        return jax.lax.conv_general_dilated(h, w, (1, 1), "VALID") + b[None, :, None, None]

    def lenet_f(ps, x):
        h = pool(jax.nn.relu(conv(x, ps[0], ps[1])))
        h = pool(jax.nn.relu(conv(h, ps[2], ps[3]))).reshape(x.shape[0], -1)
        h = jax.nn.relu(h @ ps[4].T + ps[5])
        h = jax.nn.relu(h @ ps[6].T + ps[7])
        return h @ ps[8].T + ps[9]

    out = {}
    label = jnp.asarray(d["label"].astype(np.int32))
    for name, f, keys, xkey in (("mlp", mlp_f, MLP_KEYS, "mlp_x"),
                                ("lenet", lenet_f, LENET_KEYS, "lenet_x")):
        def update(ps, x, f=f):
            loss, grads = jax.value_and_grad(lambda p: xent(f(p, x), label))(ps)
            return loss, [p - LR * g for p, g in zip(ps, grads)]
        update = jax.jit(update)
        state = {"ps": [jnp.asarray(d[k]) for k in keys]}
        x = jnp.asarray(d[xkey])

        def step(update=update, state=state, x=x):
            loss, state["ps"] = update(state["ps"], x)
            jax.block_until_ready(state["ps"])
            return float(loss)
        out[name + "_jit"] = step
    return out


BUILDERS = {"tapegraph": "tapegraph_steps", "numpy": "numpy_steps", "torch": "torch_steps",
            "jax": "jax_steps"}
WORKERS = (("tapegraph", sys.executable), ("numpy", sys.executable), ("torch", PEERS_PY),
           ("jax", PEERS_PY))


def pin(cpu):
    """Run this process (and the threads it starts) on core `cpu` only."""
    os.sched_setaffinity(0, {cpu})


def serve(name):
    """A worker: builds its steps, runs each three times (the first loss is reported),
    prints {"framework", "first_loss": {step: loss}} as a JSON line, then answers each
    line "STEP BUDGET" on stdin with {"seconds": CPU seconds per step} (`time_steps`)."""
    try:
        steps = globals()[BUILDERS[name]](data())
    except ImportError as e:
        print(json.dumps({"framework": name, "error": "not installed: %s" % e}), flush=True)
        return
    first = {}
    for key, step in steps.items():
        first[key] = float(step())
        step(), step()
    print(json.dumps({"framework": name, "first_loss": first}), flush=True)
    for line in sys.stdin:
        key, budget = line.split()
        steps[key]()  # untimed: the caches are this step's again after another's turn
        print(json.dumps({"seconds": time_steps(steps[key], float(budget))}), flush=True)


def measure(rounds, budget, workers=None, steps=None, cpu=None):
    """Every step of every worker, `rounds` times, interleaved finely: the workers stay
    alive side by side (one runs at a time, the others wait on their stdin) and each round
    measures every step once for `budget` CPU seconds, after one untimed call (the caches
    are the step's own again), in an order shuffled afresh each round (a fixed order, even
    rotated, gave a step the same predecessor in most rounds, and that measurably favoured
    some). A change of the machine's load (other tenants) then hits all frameworks of a
    round alike, which is what the per-round ratios of `report` rely on. `workers`:
    (label, framework, interpreter) triples (default: WORKERS, labelled by framework);
    `steps`: the step names to measure (default: all); `cpu`: the core every worker is
    pinned to (default `default_cpu()`). Returns
    (first losses, {(label, step): [seconds per step, one per round]}, errors)."""
    procs, losses, errors = {}, {}, {}
    if workers is None:
        workers = [(name, name, python) for name, python in WORKERS]
    try:
        for name, framework, python in workers:
            if not os.path.exists(python):
                errors[name] = "no interpreter at " + python
                continue
            proc = subprocess.Popen([python, os.path.abspath(__file__), "--worker", framework,
                                     "--cpu", str(default_cpu() if cpu is None else cpu)],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True, cwd=ROOT,
                                    env=ONE_THREAD)
            line = proc.stdout.readline()
            if not line:
                errors[name] = proc.stderr.read().strip()[-300:]
                continue
            head = json.loads(line)
            if "error" in head:
                errors[name] = head["error"]
                continue
            procs[name] = proc
            for key, loss in head["first_loss"].items():
                if steps is None or key in steps:
                    losses[(name, key)] = loss
        order = sorted(losses)
        samples = {k: [] for k in order}
        shuffle = random.Random(0).shuffle
        for _ in range(rounds):
            shuffle(order)
            for name, key in order:
                proc = procs[name]
                proc.stdin.write("%s %s\n" % (key, budget))
                proc.stdin.flush()
                samples[(name, key)].append(json.loads(proc.stdout.readline())["seconds"])
    finally:
        for proc in procs.values():
            proc.stdin.close()
            proc.wait()
    return losses, samples, errors


def default_cpu():
    """The last core this process may run on."""
    return max(os.sched_getaffinity(0))


def paired_ratio(samples, key, ref):
    """The median over rounds of (time of `key` / time of `ref`) measured in the same
    round: the comparison a shift of the machine's load between rounds does not bias."""
    if ref not in samples:
        return None
    return statistics.median(a / b for a, b in zip(samples[key], samples[ref]))


def ratio_interval(samples, key, ref, draws=2000):
    """A 95% bootstrap interval of `paired_ratio`: the rounds resampled with replacement
    `draws` times (seeded), the 2.5th and 97.5th percentiles of the resampled medians.
    A target "at most as long as" is met when the upper end is below 1."""
    if ref not in samples:
        return None
    ratios = np.array([a / b for a, b in zip(samples[key], samples[ref])])
    picks = np.random.RandomState(0).randint(0, len(ratios), (draws, len(ratios)))
    medians = np.median(ratios[picks], axis=1)
    return float(np.percentile(medians, 2.5)), float(np.percentile(medians, 97.5))


def _ratio_cell(samples, key, ref) -> str:
    ratio = paired_ratio(samples, key, ref)
    if ratio is None:
        return "n/a"
    if key == ref:
        return "1.00×"
    lo, hi = ratio_interval(samples, key, ref)
    return "%.2f× (%.2f-%.2f)" % (ratio, lo, hi)


def report(losses, samples, errors):
    lines = ["| step | framework | variant | CPU time per step | vs PyTorch eager | vs JAX jit |"
             " first loss |", "|---|---|---|---|---|---|---|"]
    for model in ("mlp", "lenet"):
        torch_key, jax_key = ("torch", model + "_eager"), ("jax", model + "_jit")
        rows = [k for k in samples if k[1].startswith(model + "_")]
        for fw, key in sorted(rows, key=lambda k: min(samples[k])):
            lines.append("| %s | %s | %s | %.2f ms | %s | %s | %.5f |" % (
                "MLP 784-512-512-10" if model == "mlp" else "LeNet 28×28", fw,
                key.split("_", 1)[1], min(samples[(fw, key)]) * 1e3,
                *(_ratio_cell(samples, (fw, key), ref) for ref in (torch_key, jax_key)),
                losses[(fw, key)]))
    if errors:
        lines.append("")
        lines.append("Not measured: " + "; ".join("%s: %s" % kv for kv in errors.items())
                     + ".")
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--worker", help="serve one framework's steps (used by the parent)")
    p.add_argument("--cpu", type=int, default=None,
                   help="the core every worker runs on (default: the last one allowed)")
    p.add_argument("--quick", action="store_true", help="3 rounds of 0.1 s per step")
    p.add_argument("--write-docs", action="store_true")
    p.add_argument("--rounds", type=int, default=None, help="rounds (default 60)")
    p.add_argument("--budget", type=float, default=None,
                   help="CPU seconds per step and round (default 0.05)")
    args = p.parse_args()
    if args.worker:
        if args.cpu is not None:
            pin(args.cpu)
        serve(args.worker)
        return
    rounds = args.rounds or (3 if args.quick else 60)
    budget = args.budget or (0.1 if args.quick else 0.05)
    cpu = default_cpu() if args.cpu is None else args.cpu
    losses, samples, errors = measure(rounds, budget, cpu=cpu)
    text = report(losses, samples, errors)
    text += ("\n\n%d rounds, each step measured once per round for %.2f CPU s, the four "
             "workers pinned to core %d and interleaved in a shuffled order; time: the "
             "fastest round; ratios: the median over rounds of the ratio within a round (95%% "
             "bootstrap interval); %s." % (rounds, budget, cpu, time.strftime("%Y-%m-%d %H:%M")))
    print(text)
    if args.write_docs:
        path = os.path.join(ROOT, "docs", "performance.md")
        with open(path, encoding="utf-8") as f:
            doc = f.read()
        start, end = doc.index(BEGIN) + len(BEGIN), doc.index(END)
        with open(path, "w", encoding="utf-8") as f:
            f.write(doc[:start] + "\n" + text + "\n" + doc[end:])


if __name__ == "__main__":
    main()
