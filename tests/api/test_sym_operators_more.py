"""`mx.sym` / `mx.sym.contrib` operators whose `mx.nd` forms are compositions (random_pdf_*,
ravel/unravel_index, CTCLoss, GridGenerator, Correlation, box_iou, ...), checked against
MXNet 1.9.1 (tests/data/mxnet/sym_ops_more/, captured by capture.py there): the node JSON
MXNet writes, inferred shapes, forward values, input gradients, and MXNet's own JSON
loaded and evaluated. Also the module names of `mx.sym` and the refusals."""
import json
import os
import sys

import numpy as np
import pytest

import tapegraph as mx

HERE = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "sym_ops_more")
sys.path.insert(0, HERE)
import sym_cases as cases  # noqa: E402

cases.MODULE[0] = "tapegraph"
CAPTURED = json.load(open(os.path.join(HERE, "captured.json")))
BY_ID = {c[0]: c for c in cases.CASES}
# Known difference: MXNet 1.9.1 gives the samples of its discrete densities no gradient;
# mx.nd's (and so these nodes') log-mass differentiates gammaln(x + 1) in x.
NO_SAMPLE_GRADIENT = {"pdf_poisson", "pdf_negative_binomial",
                      "pdf_generalized_negative_binomial"}


def _arrays(record):
    return {k: mx.nd.array(np.array(v, dtype=record["dtypes"][k]), dtype=record["dtypes"][k])
            for k, v in record["inputs"].items()}


def _op_nodes(text):
    return [(n["op"], n["name"], n.get("attrs", {}), n["inputs"])
            for n in json.loads(text)["nodes"] if n["op"] != "null"]


def _close(got, want, what):
    want = np.array(want, dtype=np.float64)
    np.testing.assert_allclose(np.asarray(got, dtype=np.float64), want, rtol=1e-4,
                               atol=1e-5, err_msg=what)


def _run(sym, record, with_grad, skip_grads=()):
    arrays = _arrays(record)
    grads = {k: mx.nd.zeros_like(a) for k, a in arrays.items()} if with_grad else None
    exe = sym.bind(mx.cpu(), arrays, args_grad=grads,
                   grad_req="write" if with_grad else "null")
    outs = exe.forward(is_train=with_grad)
    for k, (o, want) in enumerate(zip(outs, record["outputs"])):
        _close(o.asnumpy(), want, "output %d" % k)
    if with_grad:
        exe.backward([mx.nd.ones_like(o) for o in outs])
        for k, want in record["grads"].items():
            if k in skip_grads:
                continue
            _close(exe.grad_dict[k].asnumpy(), want, "gradient of %s" % k)


@pytest.mark.parametrize("case_id", sorted(CAPTURED))
def test_symbol_matches_mxnet(case_id):
    _, build, inputs, check_grad = BY_ID[case_id]
    record = CAPTURED[case_id]
    with mx.name.NameManager():  # the names of a fresh process, as captured
        sym = build(mx)
    assert _op_nodes(sym.tojson()) == _op_nodes(record["json"])
    _, out_shapes, _ = sym.infer_shape(**{k: np.shape(v) for k, v in inputs.items()})
    assert [list(s) for s in out_shapes] == record["out_shapes"]
    _run(sym, record, check_grad, ("x",) if case_id in NO_SAMPLE_GRADIENT else ())


@pytest.mark.parametrize("case_id", sorted(CAPTURED))
def test_mxnet_json_loads_and_evaluates(case_id):
    record = CAPTURED[case_id]
    _run(mx.sym.load_json(record["json"]), record, False)


def test_value_dependent_operator_is_refused_with_reason():
    x, rois = mx.sym.var("x"), mx.sym.var("rois")
    with pytest.raises(NotImplementedError, match="values"):
        mx.sym.contrib.boolean_mask(x, rois)
    with pytest.raises(NotImplementedError, match="mutates its state"):
        mx.sym.sgd_update(x, rois, lr=0.1)


def test_module_names():
    assert mx.sym.op.FullyConnected is not None
    assert mx.sym.symbol.Symbol is mx.sym.Symbol
    assert mx.sym.contrib.Symbol is mx.sym.Symbol
    assert mx.sym.contrib.AttrScope is mx.AttrScope
    with pytest.raises(NotImplementedError, match="sparse"):
        mx.sym.sparse.zeros("csr", (2, 2))
