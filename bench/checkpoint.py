"""The memory/time trade-off of the `checkpoint` (rematerialisation) pass.

    python bench/checkpoint.py [--write-docs]

A joint forward+backward graph (the `grad` pass, loss kept as an output) of an 8-layer
network, each layer `z = dot(h, W); h = tanh(z) * sigmoid(z)`, batch 256, width 256,
float32, run as one plan. For each policy: the peak bytes of intermediate buffers (the
`plan-memory` pass's report: every buffer freed after its last use), the number of
recomputed nodes, and the best time of 31 interleaved runs (the machine is shared:
the minimum is the least disturbed figure). The same network written with NDArrays,
each layer wrapped in the user API `tapegraph.transforms.checkpoint(layer, policy=...)`,
traced with `make_graph` and differentiated by the same `grad` pass, gives the last
rows (its recomputed nodes: the backward nodes beyond those of the plain joint graph).
With `--write-docs` the table goes between `<!-- checkpoint:begin -->` and
`<!-- checkpoint:end -->` in docs/performance.md.
"""
from __future__ import annotations

import os
import re
import sys
import time

import numpy as np

import tapegraph as mx
from tapegraph import transforms
from tapegraph.ir import Builder, Graph, TensorType, Value
from tapegraph.passes import checkpoint, grad, plan_memory
from tapegraph.runtime import Plan

LAYERS, BATCH, WIDTH, RUNS = 8, 256, 256, 31
POLICIES = [("everything", 0, "save everything (no checkpointing)"),
            ("dots", 0, "save matrix products only"),
            ("every", 3, "save every 3rd forward node"),
            ("nothing", 0, "save nothing (recompute from the inputs)")]


def joint_graph() -> Graph:
    x = Value(TensorType.get((BATCH, WIDTH), "float32"), "x")
    ws = [Value(TensorType.get((WIDTH, WIDTH), "float32"), "w%d" % i) for i in range(LAYERS)]
    b = Builder()
    h = x
    for w in ws:
        z = b.op("dot", h, w)
        h = b.op("elemwise_mul", b.op("tanh", z), b.op("sigmoid", z))
    g = Graph("net", [x] + ws, b.nodes, [b.op("sum", h)])
    return grad(g, wrt=list(range(1, LAYERS + 1)), keep_outputs=True)


USER_POLICIES = [("nothing", "user API: `checkpoint(layer)`, each layer saves its output"),
                 ("dots", "user API: `checkpoint(layer, policy=\"dots\")`")]


def layer(h, w):
    z = mx.nd.dot(h, w)
    return mx.nd.tanh(z) * mx.nd.sigmoid(z)


def user_joint_graph(feed, policy: str) -> Graph:
    """The network with each layer a `transforms.checkpoint` function, traced and
    differentiated like `joint_graph`."""
    step = transforms.checkpoint(layer, policy=policy)

    def net(x, *ws):
        h = x
        for w in ws:
            h = step(h, w)
        return h.sum()
    arrays = [mx.nd.array(a, dtype="float32") for a in feed]
    g = transforms.make_graph(net, *arrays)
    return grad(g, wrt=list(range(1, LAYERS + 1)), keep_outputs=True)


def measure():
    joint = joint_graph()
    rng = np.random.RandomState(0)
    feed = [(rng.standard_normal(v.type.shape) * 0.1).astype("float32") for v in joint.inputs]
    want = Plan(joint).run(feed)
    plans = []
    variants = [(checkpoint(joint, policy=policy, every=every), policy, every, what)
                for policy, every, what in POLICIES]
    base_backward = len(joint.nodes) - joint.meta["forward_nodes"]
    for policy, what in USER_POLICIES:
        variants.append((user_joint_graph(feed, policy), "transforms.checkpoint " + policy,
                         0, what))
    for g, policy, every, what in variants:
        plan = Plan(g)
        got = plan.run(feed)
        assert all(np.allclose(np.ravel(a), np.ravel(b), rtol=1e-5, atol=1e-6)
                   for a, b in zip(got, want))
        plan.run(feed)  # the second run generates the plan's straight-line code
        plans.append((g, plan))
    times = [[] for _ in plans]
    for _ in range(RUNS):  # interleaved, so a busy moment costs every policy alike
        for k, (g, plan) in enumerate(plans):
            start = time.perf_counter()
            plan.run(feed)
            times[k].append(time.perf_counter() - start)
    rows = []
    for (_, policy, every, what), (g, plan), ts in zip(variants, plans, times):
        peak = plan_memory(g).meta["memory_plan"].peak_before
        recomputed = sum(1 for n in g.nodes if (n.meta or {}).get("recompute_of"))
        if policy.startswith("transforms."):
            recomputed = len(g.nodes) - g.meta["forward_nodes"] - base_backward
        rows.append((policy if not every else "%s=%d" % (policy, every), what, peak,
                     recomputed, min(ts)))
    return rows


def table(rows) -> str:
    base_peak, base_time = rows[0][2], rows[0][4]
    lines = ["| policy | saves | peak intermediates | recomputed nodes | best time per run |",
             "|---|---|---|---|---|"]
    for name, what, peak, rec, t in rows:
        lines.append("| `%s` | %s | %.2f MiB (%.0f%%) | %d | %.2f ms (%.2fx) |"
                     % (name, what, peak / 2 ** 20, 100.0 * peak / base_peak, rec, t * 1e3,
                        t / base_time))
    return "\n".join(lines)


def main(argv):
    text = table(measure())
    print(text)
    if "--write-docs" in argv:
        path = os.path.join(os.path.dirname(__file__), "..", "docs", "performance.md")
        with open(path) as fh:
            doc = fh.read()
        block = "<!-- checkpoint:begin -->\n%s\n<!-- checkpoint:end -->" % text
        doc = re.sub(r"<!-- checkpoint:begin -->.*?<!-- checkpoint:end -->", lambda m: block,
                     doc, flags=re.S)
        with open(path, "w") as fh:
            fh.write(doc)


if __name__ == "__main__":
    main(sys.argv[1:])
