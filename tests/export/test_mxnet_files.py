"""Loading the symbol JSON Apache MXNet 1.9.1 writes (tests/data/mxnet): names, debug_str,
byte-identical re-export of untyped symbols, and evaluation against MXNet's values."""
import glob
import os

import numpy as np
import pytest

import tapegraph as mx
from tapegraph.ir import MXNetError

from .conftest import DATA, decode, load_data

ENTRIES = load_data("mxnet", "symbols_golden.json")["entries"]
LOADABLE = [e for e in ENTRIES if not e["id"].startswith("grad_graph")]


def ids(entries):
    return ["%s-%s" % (e["kind"], e["id"]) for e in entries]


@pytest.mark.parametrize("entry", LOADABLE, ids=ids(LOADABLE))
def test_names_and_debug_str_match_mxnet(entry):
    sym = mx.sym.load_json(entry["json"])
    assert sym.list_arguments() == entry["list_arguments"]
    assert sym.list_outputs() == entry["list_outputs"]
    assert sym.list_auxiliary_states() == entry["list_auxiliary_states"]
    assert sym.debug_str() == entry["debug_str"]


SYMBOLIC = [e for e in ENTRIES if e["kind"] == "symbolic"]


@pytest.mark.parametrize("entry", SYMBOLIC, ids=ids(SYMBOLIC))
def test_untyped_symbol_reexports_byte_identical(entry):
    assert mx.sym.load_json(entry["json"]).tojson() == entry["json"]


@pytest.mark.parametrize("path", sorted(glob.glob(os.path.join(DATA, "mxnet", "symbols",
                                                               "*.json"))),
                         ids=os.path.basename)
def test_load_file(path, tmp_path):
    sym = mx.sym.load(path)
    out = tmp_path / "again-symbol.json"
    sym.save(str(out))
    with open(path) as f:
        assert out.read_text() == f.read()


def _bind_args(entry, sym):
    """Inputs by name: MXNet's reload_bind expressions are names or mx.nd constructors."""
    env = {k: mx.nd.array(decode(v)) for k, v in entry["inputs"].items()}
    env["mx"] = mx
    values = eval(entry["reload_bind"]["args"], env)  # test data written by our capture
    values += eval(entry["reload_bind"].get("aux", "[]"), env)
    names = sym.list_arguments() + sym.list_auxiliary_states()
    return dict(zip(names, values))


def _skip_unless_supported(sym):
    try:
        sym.infer_shape()
    except MXNetError as e:
        if "not registered" in str(e) or "not supported" in str(e):
            pytest.skip("operator not in tapegraph yet: %s" % e)


RECORDED = [e for e in LOADABLE if e["kind"] == "recorded"
            and not e["reload_bind"].get("is_train")]


@pytest.mark.parametrize("entry", RECORDED, ids=ids(RECORDED))
def test_recorded_exports_evaluate_like_mxnet(entry):
    if entry.get("namespace") == "np":
        mx.npx.set_np()
    sym = mx.sym.load_json(entry["json"])
    args = _bind_args(entry, sym)
    try:
        out = sym.eval(**args)
    except MXNetError as e:
        if "not registered" in str(e):
            pytest.skip("operator not in tapegraph yet: %s" % e)
        raise
    want = [decode(w) for w in entry["reload_eval"]]
    assert len(out) == len(want)
    for o, w in zip(out, want):
        np.testing.assert_allclose(o.asnumpy(), w, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("entry", SYMBOLIC, ids=ids(SYMBOLIC))
def test_symbolic_graphs_evaluate_and_infer_like_mxnet(entry):
    sym = mx.sym.load_json(entry["json"])
    args = {k: decode(v) for k, v in entry["args"].items()}
    args.update({k: decode(v) for k, v in entry.get("aux_states", {}).items()})
    out = sym.eval(**args)
    for o, w in zip(out, entry["eval"]):
        np.testing.assert_allclose(o.asnumpy(), decode(w), rtol=1e-5, atol=1e-6)
    shapes = {k: tuple(v["shape"]) for k, v in entry["args"].items()}
    arg_shapes, out_shapes, aux_shapes = sym.infer_shape(**shapes)
    want = entry["infer_shape"]
    assert [list(s) for s in arg_shapes] == want["arg_shapes"]
    assert [list(s) for s in out_shapes] == want["out_shapes"]
    assert [list(s) for s in aux_shapes] == want["aux_shapes"]


@pytest.mark.parametrize("entry", [e for e in SYMBOLIC if e["id"] in
                                   ("mlp_softmax", "mlp_softmax_output", "batchnorm",
                                    "conv_pool_fc", "embedding")], ids=lambda e: e["id"])
def test_parameter_shapes_are_inferred_from_the_data_alone(entry):
    sym = mx.sym.load_json(entry["json"])
    first = sym.list_arguments()[0]
    arg_shapes, out_shapes, aux_shapes = sym.infer_shape(
        **{first: tuple(entry["args"][first]["shape"])})
    want = entry["infer_shape"]
    assert [list(s) for s in arg_shapes] == want["arg_shapes"]
    assert [list(s) for s in aux_shapes] == want["aux_shapes"]


def test_mxnet_backward_kernels_are_refused_with_a_reason():
    entry = next(e for e in ENTRIES if e["id"] == "grad_graph_poly")
    with pytest.raises(MXNetError, match=r"node 2 \('node_5'\).*_backward_broadcast_add.*opaque"):
        mx.sym.load_json(entry["json"])


BUILDABLE = [e for e in SYMBOLIC if "mx.init" not in e["code"]]


@pytest.mark.parametrize("entry", BUILDABLE, ids=ids(BUILDABLE))
def test_symbol_api_code_writes_mxnets_bytes(entry):
    """The mx.sym programs of the golden file, run on tapegraph in a fresh name scope,
    produce exactly the JSON MXNet wrote (names, attribute text, layout)."""
    env = {"mx": mx}
    with mx.name.NameManager():  # MXNet's names come from a fresh process
        exec(entry["code"], env)  # golden data: small mx.sym programs
    assert env["sym"].tojson() == entry["json"]


def test_bind_forward_in_training_mode_matches_mxnet():
    """BatchNorm recorded in MXNet's train mode, reloaded and bound: forward(is_train=True)
    uses the batch statistics as MXNet's executor does."""
    entry = next(e for e in ENTRIES if e["id"] == "batchnorm_train")
    sym = mx.sym.load_json(entry["json"])
    args = _bind_args(entry, sym)
    names = sym.list_arguments()
    exe = sym.bind(mx.cpu(), args={n: args[n] for n in names},
                   aux_states={n: args[n] for n in sym.list_auxiliary_states()})
    out = exe.forward(is_train=True)
    np.testing.assert_allclose(out[0].asnumpy(), decode(entry["reload_eval"][0]),
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("entry", [e for e in SYMBOLIC if "eval_train" in e],
                         ids=lambda e: e["id"])
def test_symbolic_train_mode_forward_matches_mxnet(entry):
    sym = mx.sym.load_json(entry["json"])
    args = {k: decode(v) for k, v in entry["args"].items()}
    aux = {k: decode(v) for k, v in entry.get("aux_states", {}).items()}
    out = sym.bind(None, args=args, aux_states=aux).forward(is_train=True)
    for o, w in zip(out, entry["eval_train"]):
        np.testing.assert_allclose(o.asnumpy(), decode(w), rtol=1e-4, atol=1e-5)


def test_simple_bind_backward_matches_finite_differences():
    data = mx.sym.var("data")
    net = mx.sym.sum(mx.sym.Activation(mx.sym.FullyConnected(data, num_hidden=3, name="fc"),
                                       act_type="tanh"))
    exe = net.simple_bind(mx.cpu(), data=(2, 4))
    rs = np.random.RandomState(1)
    for name, arr in exe.arg_dict.items():
        arr[:] = rs.uniform(-1, 1, arr.shape).astype("float32")
    exe.forward(is_train=True)
    exe.backward()
    w = exe.arg_dict["fc_weight"].asnumpy().astype("float64")
    x = exe.arg_dict["data"].asnumpy().astype("float64")
    b = exe.arg_dict["fc_bias"].asnumpy().astype("float64")

    def f(w):
        return np.tanh(x @ w.T + b).sum()
    eps = 1e-5
    numeric = np.zeros_like(w)
    for idx in np.ndindex(*w.shape):
        d = np.zeros_like(w)
        d[idx] = eps
        numeric[idx] = (f(w + d) - f(w - d)) / (2 * eps)
    np.testing.assert_allclose(exe.grad_dict["fc_weight"].asnumpy(), numeric, rtol=1e-3,
                               atol=1e-4)
