"""Write tests/data/export/op_cases.json: for every operator sample of tests/ops/op_samples.py
(the table that covers the whole registry), the one-node forward graph and its gradient
graph (`passes.grad`, head gradient ones) exported to MXNet JSON, with inputs and
tapegraph's values. `check_mxnet.py op_cases.json` then evaluates each with Apache MXNet.

    .venv/bin/python tests/data/export/make_op_cases.py
    /tmp/mxnet-oracle/bin/python tests/data/export/check_mxnet.py op_cases.json
"""
import json
import os
import sys
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "ops"))

from op_samples import SAMPLES, Const  # noqa: E402

import tapegraph as mx  # noqa: E402
from tapegraph.ir import Builder, TensorType, Value  # noqa: E402
from tapegraph.passes import grad  # noqa: E402
from tapegraph.runtime import execute  # noqa: E402


def encode(a):
    a = np.asarray(a)
    return {"shape": list(a.shape), "dtype": a.dtype.name, "data": a.ravel().tolist()}


def one_node_graph(sample, arrays):
    names = ["in%d" % i for i in range(len(arrays))]
    values = [Value(TensorType.of(a), n) for a, n in zip(arrays, names)]
    b = Builder()
    out = b.op(sample.op, *values, **sample.attrs)
    outs = list(out) if isinstance(out, tuple) else [out]
    return b.graph(sample.op.strip("_") or "op", values, outs)


def export_case(case_id, graph, feed, np_mode=False):
    from tapegraph.symbol import ExportError, Symbol
    sym = Symbol.from_graph(graph, np_mode=np_mode)
    try:
        text = sym.tojson()
    except ExportError as e:
        return {"id": case_id, "export_error": str(e)}
    outputs = execute(graph, [feed[v.hint] for v in graph.inputs])
    return {"id": case_id, "json": text, "list_arguments": sym.list_arguments(),
            "inputs": {k: encode(v) for k, v in feed.items()},
            "tapegraph_outputs": [encode(o) for o in outputs]}


def cases_for(index, sample):
    if sample.build is not None and not sample.export_build:
        return []
    rng = np.random.RandomState(zlib.crc32(("%d/%s" % (index, sample.id)).encode()))
    arrays = []
    for spec in sample.inputs:
        a = spec.draw(rng)
        a = np.asarray(a)
        arrays.append(a.astype("float32") if a.dtype.kind == "f" else a)
    if sample.build is not None:  # e.g. potrf((X + X^T) / 2): plain operators
        graph = sample.build([Value(TensorType.of(a), "in%d" % i) for i, a in enumerate(arrays)])
    else:
        graph = one_node_graph(sample, arrays)
    feed = {v.hint: a for v, a in zip(graph.inputs, arrays)}
    case_id = "%s#%d" % (sample.id, index)
    out = [export_case(case_id + "/forward", graph, feed)]
    opdef = mx.ir.get_op(sample.op)
    if opdef.mxnet_np and set(opdef.attrs) <= {"scalar"}:  # exported with its np name
        out.append(export_case(case_id + "/forward_np", graph, feed, np_mode=True))
    wrt = [i for i, spec in enumerate(sample.inputs) if not isinstance(spec, Const)]
    if wrt and sample.max_order >= 1 and mx.ir.get_op(sample.op).differentiable:
        out.append(export_case(case_id + "/grad", grad(graph, wrt=wrt), feed))
    return out


def main():
    cases = []
    for i, sample in enumerate(SAMPLES):
        cases.extend(cases_for(i, sample))
    path = os.path.join(HERE, "op_cases.json")
    previous = {}
    if os.path.exists(path):
        with open(path) as f:
            previous = {c["id"]: c for c in json.load(f)["cases"]}
    for c in cases:
        old = previous.get(c["id"])
        if old and old.get("json") == c.get("json") and "mxnet" in old:
            c["mxnet"] = old["mxnet"]
    with open(path, "w") as f:
        json.dump({"made_with": "tapegraph " + mx.__version__, "cases": cases}, f)
        f.write("\n")
    refused = sum("export_error" in c for c in cases)
    print("wrote %d cases (%d refused by the export) to %s" % (len(cases), refused, path))


if __name__ == "__main__":
    main()
