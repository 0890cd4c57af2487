"""Write tests/data/export/cases.json: tapegraph exports (forward graphs, gradient graphs
recorded with create_graph=True, and backward graphs from autograd.backward_graph), with
their inputs and tapegraph's values. `check_mxnet.py` then evaluates every JSON with the
real Apache MXNet 1.9.1 and stores its results next to them.

    .venv/bin/python tests/data/export/make_cases.py
    /tmp/mxnet-oracle/bin/python tests/data/export/check_mxnet.py
"""
import json
import os
import zlib

import numpy as np

import tapegraph as mx
from tapegraph import autograd
from tapegraph.autodiff import engine
from tapegraph.symbol.graph.naming import caller_names, graph_names

HERE = os.path.dirname(os.path.abspath(__file__))

# id -> (namespace, {input: shape}, code assigning y; names of inputs needing gradients)
PROGRAMS = {
    "poly": ("nd", {"x": (3,)}, "y = x * x + 2 * x - 1"),
    "tanh_mul_sum": ("nd", {"x": (4,), "w": (4,)}, "y = (mx.nd.tanh(x * w) + x * x).sum()"),
    "mlp": ("nd", {"data": (2, 3), "weight": (4, 3), "bias": (4,)},
            "y = mx.nd.Activation(mx.nd.FullyConnected(data, weight, bias, num_hidden=4), "
            "act_type='relu').sum()"),
    "broadcast_bias": ("nd", {"x": (2, 3), "b": (3,)}, "y = mx.nd.sigmoid(x + b) * b"),
    "slice_rows": ("nd", {"x": (4, 3)}, "y = (x[1:3] * x[0:2]).sum(axis=1)"),
    "dot_transpose": ("nd", {"a": (2, 3), "b": (3, 2)},
                      "y = mx.nd.dot(a, b).T.reshape((4,)).mean()"),
    "split_concat": ("nd", {"x": (2, 4)},
                     "p = mx.nd.split(x, num_outputs=2, axis=1)\n"
                     "y = mx.nd.concat(p[0] * p[1], mx.nd.exp(p[1]), dim=0)"),
    "batchnorm_train": ("nd", {"x": (4, 3), "gamma": (3,), "beta": (3,)},
                        "y = mx.nd.BatchNorm(x, gamma, beta, mx.nd.zeros(3), mx.nd.ones(3), "
                        "fix_gamma=False)"),
    "pick_log_softmax": ("nd", {"x": (3, 4)},
                         "y = -mx.nd.pick(mx.nd.log_softmax(x), mx.nd.array([0, 2, 3]), "
                         "axis=1).mean()"),
    "take_rows": ("nd", {"w": (5, 3)}, "y = (mx.nd.take(w, mx.nd.array([0, 2, 2, 4])) ** 2).sum()"),
    "conv_pool": ("nd", {"data": (1, 2, 5, 5), "weight": (3, 2, 3, 3), "bias": (3,)},
                  "c = mx.nd.Convolution(data, weight, bias, kernel=(3, 3), pad=(1, 1), "
                  "num_filter=3)\n"
                  "p = mx.nd.Pooling(mx.nd.relu(c), kernel=(3, 3), stride=(2, 2), pad=(1, 1), "
                  "pool_type='max')\n"
                  "y = (p * mx.nd.Pooling(c, kernel=(3, 3), stride=(2, 2), pad=(1, 1), "
                  "pool_type='avg')).sum()"),
    "dropout": ("nd", {"x": (3, 4), "w": (4, 2)},
                "y = mx.nd.dot(mx.nd.Dropout(mx.nd.relu(x), p=0.5), w).sum()"),
    "np_program": ("np", {"a": (2, 3), "b": (3, 2)},
                   "y = mx.np.sum(mx.npx.relu(mx.np.dot(a, b)) * 2 - 1, axis=0)"),
}


def encode(a):
    a = np.asarray(a)
    return {"shape": list(a.shape), "dtype": a.dtype.name, "data": a.ravel().tolist()}


def make_inputs(pid, shapes, ns):
    module = mx.np if ns == "np" else mx.nd
    arrays = {}
    for name, shape in shapes.items():
        rs = np.random.RandomState(zlib.crc32(("%s/%s" % (pid, name)).encode()))
        arrays[name] = module.array(rs.uniform(-1, 1, shape).astype("float32"))
        arrays[name].attach_grad()
    return arrays


def run(pid, ns, shapes, code):
    if ns == "np":
        mx.npx.set_np()
    try:
        mx.random.seed(zlib.crc32(pid.encode()) % 1000)  # Dropout's mask
        env = make_inputs(pid, shapes, ns)
        env["mx"] = mx
        with autograd.record():
            exec(code, env)
            y = env["y"]
            variables = [env[n] for n in shapes]
            grads = autograd.grad(y, variables, create_graph=True, retain_graph=True)
        frame = _Frame({k: v for k, v in env.items() if k != "mx"})
        cases = []
        sym = mx.sym.symbol_from_arrays([y], frame)
        cases.append(case(pid, "forward", sym, leaf_data(sym, [y]), [y.asnumpy()]))
        gsym = mx.sym.symbol_from_arrays(grads, frame)
        cases.append(case(pid, "grad_create_graph", gsym, leaf_data(gsym, grads),
                          [g.asnumpy() for g in grads]))
        for kind, pipeline, optimized in (("backward_joint", "dce", False),
                                          ("backward_optimized", "dce", True),
                                          ("backward_default_pipeline", None, True)):
            joint, final = engine.backward_graphs([y], variables, None, pipeline)
            values = list(joint.inputs) + [v for n in joint.nodes for v in n.outputs]
            names = graph_names(joint, caller_names(values, frame=frame))
            graph = final if optimized else joint
            bsym = mx.sym.Symbol.from_graph(graph, names, np_mode=(ns == "np"))
            feed = {names[v]: v.data for v in graph.inputs}
            expected = bsym.eval(**feed)
            cases.append(case(pid, kind, bsym, feed, [e.asnumpy() for e in expected]))
        return cases
    finally:
        mx.npx.reset_np()


def leaf_data(sym, arrays):
    """Input name -> recorded data, for every input of a recorded symbol (constants too)."""
    leaves = engine.Collected([a._value for a in arrays]).leaves
    return {v.hint: leaf.data for v, leaf in zip(sym.graph.inputs, leaves)}


class _Frame:
    """Something with the f_locals/f_globals of a frame, for caller_names."""

    def __init__(self, env):
        self.f_locals = env
        self.f_globals = {}


def case(pid, kind, sym, inputs, outputs):
    text = sym.tojson()
    return {"id": "%s/%s" % (pid, kind), "json": text,
            "list_arguments": sym.list_arguments(),
            "inputs": {k: encode(v) for k, v in inputs.items()},
            "tapegraph_outputs": [encode(o) for o in outputs]}


def main():
    cases = []
    for pid, (ns, shapes, code) in PROGRAMS.items():
        cases.extend(run(pid, ns, shapes, code))
    path = os.path.join(HERE, "cases.json")
    previous = {}
    if os.path.exists(path):
        with open(path) as f:
            previous = {c["id"]: c for c in json.load(f)["cases"]}
    for c in cases:  # keep MXNet's results while the exported JSON is unchanged
        old = previous.get(c["id"])
        if old and old["json"] == c["json"] and "mxnet" in old:
            c["mxnet"] = old["mxnet"]
    with open(path, "w") as f:
        json.dump({"made_with": "tapegraph " + mx.__version__, "cases": cases}, f, indent=1)
        f.write("\n")
    print("wrote %d cases to %s" % (len(cases), path))


if __name__ == "__main__":
    main()
