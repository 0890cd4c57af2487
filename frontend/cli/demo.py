"""`tapegraph demo`: the README's main job, on an MLP training step.

Prints the recorded forward IR, the backward IR derived by `passes.grad` (before the
passes), the backward IR after the default pipeline with the pass report, and the
gradients; writes pictures (SVG, or DOT source when graphviz is missing) and MXNet JSON.
"""
from __future__ import annotations

import os
import sys

import numpy as np


def demo(out_dir: str) -> int:
    """Run the demo, writing files into `out_dir`."""
    import tapegraph as mx
    from tapegraph import autograd, viz

    rs = np.random.RandomState(0)
    data = mx.nd.array(rs.uniform(-1, 1, (4, 3)))
    label = mx.nd.array([0, 1, 1, 0])
    w1 = mx.nd.array(rs.normal(0, 0.5, (5, 3)))
    b1 = mx.nd.zeros((5,))
    w2 = mx.nd.array(rs.normal(0, 0.5, (2, 5)))
    b2 = mx.nd.zeros((2,))
    params = [w1, b1, w2, b2]
    for p in params:
        p.attach_grad()
    with autograd.record():
        hidden = mx.nd.Activation(mx.nd.FullyConnected(data, w1, b1, num_hidden=5),
                                  act_type="relu")
        logits = mx.nd.FullyConnected(hidden, w2, b2, num_hidden=2)
        loss = -mx.nd.pick(mx.nd.log_softmax(logits), label, axis=1).mean()
    forward = autograd.get_symbol(loss)
    joint = autograd.backward_graph(loss, params, optimized=False)
    optimized = autograd.backward_graph(loss, params)
    print("# forward IR (recorded while the step ran)")
    print(forward)
    print()
    print("# backward IR derived by passes.grad (forward nodes, then their vjps)")
    print(joint)
    print()
    print("# backward IR after the default pipeline (%s)" % ",".join(
        mx.engine.DEFAULT_PIPELINE))
    print(optimized)
    loss.backward()
    print()
    print("# gradients")
    for name, p in zip(("w1", "b1", "w2", "b2"), params):
        print("%s.grad =" % name, np.array2string(p.grad.asnumpy(), precision=4,
                                                    separator=", ").replace("\n", "\n" + " " * 10))
    os.makedirs(out_dir, exist_ok=True)
    written, missing = [], False
    pictures = (("forward", viz.plot_network(forward, title="forward",
                                             node_attrs={"fixedsize": "false"})),
                ("backward", viz.plot_graph(joint, title="backward (from passes.grad)")),
                ("backward_optimized", viz.plot_graph(optimized, title="backward (optimized)")))
    for name, dot in pictures:
        path = os.path.join(out_dir, name)
        try:
            written.append(viz.render(dot, path, "svg"))
        except viz.GraphvizMissing:
            missing = True
            written.append(path + ".dot")
    for name, sym in (("forward", forward), ("backward", joint)):
        path = os.path.join(out_dir, name + "-symbol.json")
        sym.save(path)
        written.append(path)
    if missing:
        print("tapegraph demo: graphviz `dot` not found, wrote DOT source instead of SVG; "
              + viz.INSTALL_HINT, file=sys.stderr)
    print("tapegraph demo: wrote %s" % ", ".join(written), file=sys.stderr)
    return 0
