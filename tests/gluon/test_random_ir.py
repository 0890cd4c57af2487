"""Random draws of a hybridized block are IR nodes: the traced graph, reproducibility under
mx.random.seed, the gradient of multinomial's log-probability and the exported JSON,
checked against Apache MXNet 1.9.1 (tests/data/mxnet/random_ir/, written by
tools/capture_random_ir.py)."""
import ast
import importlib.util
import json
import os

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import autograd, gluon
from tapegraph.ir import REGISTRY, print_graph

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
DATA = os.path.join(ROOT, "tests", "data", "mxnet", "random_ir")
MXNET = json.load(open(os.path.join(DATA, "mxnet.json")))
IMPORTED = json.load(open(os.path.join(DATA, "import.json")))


def _tool():
    spec = importlib.util.spec_from_file_location(
        "capture_random_ir", os.path.join(ROOT, "tools", "capture_random_ir.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TOOL = _tool()


def _block(name):
    blk = TOOL.blocks(gluon)[name]
    blk.hybridize()
    return blk


def test_golden_ir_of_a_reinforce_block():
    blk = _block("reinforce")
    s, logp = blk(mx.nd.array(TOOL.X))
    assert s.dtype == np.int32 and logp.shape == (2,)
    assert print_graph(blk.forward_graph, provenance=False) == """\
graph %s(%%data: f32[2,3]) -> (i32[2], f32[2]) {
  %%0: f32[2,3] = softmax(%%data)
  %%1: i32[2], %%2: f32[2] = _sample_multinomial(%%0) {get_prob=True}
  return (%%1, %%2)
}""" % blk.name


def test_hybridized_draws_equal_the_eager_stream_under_seed():
    x = mx.nd.array(TOOL.X)
    runs = []
    for hybrid in (False, True):
        blk = TOOL.blocks(gluon)["many"]
        if hybrid:
            blk.hybridize()
        mx.random.seed(42)
        runs.append([blk(x).asnumpy() for _ in range(3)])
    eager, hybrid = runs
    assert not np.array_equal(hybrid[0], hybrid[1])
    np.testing.assert_allclose(hybrid, eager, rtol=1e-5)
    mx.random.seed(42)  # the trace is cached: the same stream again
    np.testing.assert_allclose(blk(x).asnumpy(), hybrid[0], rtol=1e-6)


def test_recorded_hybridized_call_draws_the_same_numbers():
    blk = _block("scalar")
    x = mx.nd.array(TOOL.X)
    blk(x)
    mx.random.seed(3)
    plain = blk(x).asnumpy()
    mx.random.seed(3)
    with autograd.record():
        recorded = blk(x)
    np.testing.assert_allclose(recorded.asnumpy(), plain, rtol=1e-6)


def _certain_grad(hybrid):
    want = MXNET["multinomial_certain"]
    x = mx.nd.array(want["x"])
    x.attach_grad()
    w = mx.nd.array(want["w"])
    with autograd.record():
        if hybrid:
            s, logp = _block("certain")(x)
        else:
            p = x / x.sum(axis=-1, keepdims=True)
            s, logp = mx.nd.random.multinomial(p, get_prob=True, shape=(2,))
        (logp * w).sum().backward()
    np.testing.assert_array_equal(s.asnumpy(), want["sample"])
    np.testing.assert_allclose(logp.asnumpy(), want["logp"], atol=1e-7)
    return x.grad.asnumpy(), want["hybrid_grad_x" if hybrid else "grad_x"]


def test_gradient_of_get_prob_log_probability_matches_mxnet():
    for hybrid in (False, True):
        got, want = _certain_grad(hybrid)
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_gradient_of_log_probability_is_that_of_log_pick():
    p = mx.nd.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    p.attach_grad()
    mx.random.seed(1)
    with autograd.record():
        s, logp = mx.nd.random.multinomial(p, shape=(4,), get_prob=True)
        logp.backward(mx.nd.array(np.arange(8.0).reshape(2, 4)))
    want = np.zeros((2, 3))
    for i in range(2):
        for j, k in enumerate(s.asnumpy()[i]):
            want[i, k] += (4 * i + j) / p.asnumpy()[i, k]
    np.testing.assert_allclose(p.grad.asnumpy(), want, rtol=1e-6)
    # and the second order: d/dp of sum(g / p[s]) is -g / p[s]^2 at the drawn indices
    with autograd.record():
        s, logp = mx.nd.random.multinomial(p, get_prob=True)
        (g,) = autograd.grad(logp.sum(), [p], create_graph=True)
        total = g.sum()
    total.backward()
    k = s.asnumpy()
    want = np.zeros((2, 3))
    want[np.arange(2), k] = -1.0 / p.asnumpy()[np.arange(2), k] ** 2
    np.testing.assert_allclose(p.grad.asnumpy(), want, rtol=1e-6)


def test_samples_have_zero_gradient_wrt_their_parameters_as_mxnet():
    mu = mx.nd.array([0.0, 1.0])
    mu.attach_grad()
    with autograd.record():
        y = mx.nd.random.normal(mu, mx.nd.ones((2,)), shape=(3,))
    y.backward()
    np.testing.assert_array_equal(mu.grad.asnumpy(), MXNET["sample_normal_grad_mu"])
    with autograd.record():  # MXNet: d/dmu sum(uniform(mu, mu + 1) * mu) is the sample
        y = mx.nd.random.uniform(mu, mu + 1)
        (y * mu).sum().backward()
    np.testing.assert_allclose(mu.grad.asnumpy(), y.asnumpy())
    got = MXNET["uniform_times_mu"]
    np.testing.assert_allclose(got["grad_mu"], got["y"])


def _value(text):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def _canonical(doc):
    """(op, inputs, attributes other than defaults and hidden keys) per node."""
    out = []
    for node in doc["nodes"]:
        op = node["op"]
        defaults = REGISTRY.get(op).attrs if op in REGISTRY else {}
        attrs = {k: _value(v) for k, v in node.get("attrs", {}).items()
                 if not k.startswith("__") and k != "ctx"}
        attrs = {k: v for k, v in attrs.items() if defaults.get(k, object()) != v}
        out.append((op, [e[:2] for e in node["inputs"]], attrs))
    return out, [h[:2] for h in doc["heads"]]


RANDOM = ("_random_", "_sample_")


def test_export_writes_the_nodes_mxnet_writes(tmp_path):
    for name, want in MXNET["exports"].items():
        if name == "np":
            continue  # test_np_samplers_are_ir_nodes_and_export_as_mxnets
        blk = _block(name)
        blk(mx.nd.array(TOOL.inputs(name)))
        blk.export(str(tmp_path / name))
        got = _canonical(json.load(open(str(tmp_path / name) + "-symbol.json")))
        want = _canonical(want)
        if name in ("scalar", "reinforce"):  # elsewhere tapegraph writes ones_like(x) as
            assert got == want, name        # _ones, broadcast_div as broadcast_to + div
        draws = [(n[0], len(n[1]), n[2]) for n in got[0] if n[0].startswith(RANDOM)]
        assert draws == [(n[0], len(n[1]), n[2]) for n in want[0] if n[0].startswith(RANDOM)]
        assert len(got[1]) == len(want[1])


def test_mxnet_loads_the_exported_files_with_the_right_shapes(tmp_path):
    TOOL.write(str(tmp_path))
    for name, checked in IMPORTED.items():
        if name == "np":
            continue  # test_np_samplers_are_ir_nodes_and_export_as_mxnets
        assert json.load(open(str(tmp_path / name) + "-symbol.json")) == checked["json"]
        blk = _block(name)
        outs = blk(mx.nd.array(TOOL.inputs(name)))
        outs = outs if isinstance(outs, (list, tuple)) else [outs]
        assert [list(o.shape) for o in outs] == checked["shapes"], name
        assert [o.dtype.__name__ for o in outs] == [
            d.split("'")[1].split(".")[-1] for d in checked["dtypes"]], name
    got = _block("certain")(mx.nd.array(TOOL.CERTAIN))
    for g, want in zip(got, IMPORTED["certain"]["values"]):
        np.testing.assert_allclose(g.asnumpy(), want, atol=1e-7)


def test_mxnet_exported_sampling_blocks_load_and_run(tmp_path):
    for name, doc in MXNET["exports"].items():
        if name == "np":
            continue
        path = str(tmp_path / (name + "-symbol.json"))
        with open(path, "w") as f:
            json.dump(doc, f)
        blk = gluon.SymbolBlock.imports(path, ["data"])
        outs = blk(mx.nd.array(TOOL.inputs(name)))
        outs = outs if isinstance(outs, list) else [outs]
        assert [list(o.shape) for o in outs] == IMPORTED[name]["shapes"], name
        if name == "certain":
            np.testing.assert_array_equal(outs[0].asnumpy(), IMPORTED[name]["values"][0])
            np.testing.assert_allclose(outs[1].asnumpy(), IMPORTED[name]["values"][1])


class NoisyDropout(gluon.HybridBlock):
    def hybrid_forward(self, F, x):
        return F.Dropout(x * F.random.uniform(shape=(2, 3)), p=0.5)


def test_export_of_a_train_mode_trace_consumes_no_random_numbers(tmp_path):
    blk = NoisyDropout()
    blk.hybridize()
    with autograd.train_mode():  # export traces again in predict mode
        blk(mx.nd.array(TOOL.X))
    mx.random.seed(9)
    blk.export(str(tmp_path / "noisy"))
    after_export = mx.nd.random.uniform(shape=(3,)).asnumpy()
    mx.random.seed(9)
    np.testing.assert_array_equal(after_export, mx.nd.random.uniform(shape=(3,)).asnumpy())
    assert len(blk._cached) == 2
    mx.random.seed(9)
    first = blk(mx.nd.array(TOOL.X)).asnumpy()  # the predict-mode trace export made
    mx.random.seed(9)
    np.testing.assert_allclose(first, NoisyDropout()(mx.nd.array(TOOL.X)).asnumpy(),
                               rtol=1e-6)


def test_sym_random_writes_what_mxnet_writes():
    for name, want in MXNET["symbols"].items():
        got = json.loads(TOOL.symbols(mx.sym)[name].tojson())
        assert _canonical(got) == _canonical(want), name


def test_exponential_like_takes_the_rate_as_mxnet():
    mx.random.seed(0)
    draws = mx.nd.random.exponential_like(mx.nd.zeros((200000,)), lam=4.0).asnumpy()
    assert abs(draws.mean() - 0.25) < 0.005


def test_block_save_of_a_sampling_block_writes_its_symbol(tmp_path):
    blk = _block("reinforce")  # Block.save builds the Symbol with F = mx.sym
    blk(mx.nd.array(TOOL.X))
    blk.save(str(tmp_path / "policy"))
    (entry,) = json.load(open(str(tmp_path / "policy-model.json"))).values()
    sym = mx.sym.load_json(entry["symbol"])
    assert len(sym.list_outputs()) == 2
    assert "_sample_multinomial" in [n["op"] for n in json.loads(entry["symbol"])["nodes"]]


class Child(gluon.HybridBlock):
    def hybrid_forward(self, F, x):
        return x * F.random.uniform(shape=(3,))


class Parent(gluon.HybridBlock):
    def __init__(self):
        super().__init__()
        with self.name_scope():
            self.child = Child()

    def hybrid_forward(self, F, x):
        return self.child(x) + F.random.normal(shape=(3,))


def test_nested_blocks_draw_the_same_stream_whichever_is_hybridized():
    runs = []
    for parent, child in ((False, False), (True, False), (False, True), (True, True)):
        net = Parent()
        if parent:
            net.hybridize()
        if child:
            net.child.hybridize()
        mx.random.seed(1)
        runs.append([net(mx.nd.ones((3,))).asnumpy() for _ in range(2)])
    for run in runs[1:]:
        np.testing.assert_allclose(run, runs[0], rtol=1e-6)


class Policy(gluon.HybridBlock):
    def __init__(self):
        super().__init__()
        with self.name_scope():
            self.dense = gluon.nn.Dense(3)

    def hybrid_forward(self, F, x):
        return F.random.multinomial(F.softmax(self.dense(x)), get_prob=True)


def test_reinforce_learns_to_prefer_the_rewarded_action():
    mx.random.seed(0)
    policy = Policy()
    policy.initialize()
    policy.hybridize()
    trainer = gluon.Trainer(policy.collect_params(), "sgd", {"learning_rate": 0.1})
    obs = mx.nd.ones((4, 2))
    before = mx.nd.softmax(policy.dense(obs)).asnumpy()[0, 2]
    for _ in range(20):
        with autograd.record():
            action, logp = policy(obs)
            loss = -(logp * (action == 2).astype("float32")).sum()
        loss.backward()
        trainer.step(4)
    after = mx.nd.softmax(policy.dense(obs)).asnumpy()[0, 2]
    assert before < 0.5 < after


def test_np_samplers_are_ir_nodes_and_export_as_mxnets(tmp_path):
    mx.npx.set_np()
    try:
        with mx.name.NameManager():  # (its prefix, hence its nodes' names, as exported once)
            blk = TOOL.np_block(gluon)
        blk.hybridize()
        mx.random.seed(4)
        got = [blk(mx.np.array(TOOL.NP_X)).asnumpy() for _ in range(2)]
        mx.random.seed(4)
        eager = [TOOL.np_block(gluon)(mx.np.array(TOOL.NP_X)).asnumpy() for _ in range(2)]
        np.testing.assert_allclose(got, eager, rtol=1e-6)
        assert print_graph(blk.forward_graph, provenance=False) == """\
graph %s(%%data: f32[3]) -> (f32[3]) {
  %%0: f32[3] = _npi_uniform() {size=(3,)}
  %%1: f32[3] = elemwise_add(%%data, %%0)
  %%2: f32[3] = _npi_normal() {loc=1.0, scale=2.0, size=(3,)}
  %%3: f32[3] = elemwise_add(%%1, %%2)
  %%4: f32[3] = _npi_normal(%%data) {loc=None}
  %%5: f32[3] = elemwise_add(%%3, %%4)
  return (%%5)
}""" % blk.name
        blk.export(str(tmp_path / "np"))
        doc = json.load(open(str(tmp_path / "np-symbol.json")))
    finally:
        mx.npx.reset_np()
    assert doc == IMPORTED["np"]["json"] and IMPORTED["np"]["shapes"] == [[3]]  # MXNet ran it
    draws = [n for n in _canonical(doc)[0] if n[0] in ("_npi_uniform", "_npi_normal")]
    want = [n for n in _canonical(MXNET["exports"]["np"])[0] if n[0] in ("_npi_uniform",
                                                                          "_npi_normal")]
    assert [(n[0], len(n[1]), n[2]) for n in draws] == [(n[0], len(n[1]), n[2]) for n in want]


def test_np_normal_is_reparameterised_as_mxnet():
    want = MXNET["np_normal"]  # MXNet: d/dloc = 1, d/dscale = (y - loc) / scale
    np.testing.assert_allclose(want["grad_loc"], [1.0, 1.0])
    np.testing.assert_allclose(
        want["grad_scale"], (np.array(want["y"]) - want["loc"]) / want["scale"], rtol=1e-5)
    mx.npx.set_np()
    try:
        loc, scale = mx.np.array(want["loc"]), mx.np.array(want["scale"])
        loc.attach_grad()
        scale.attach_grad()
        with autograd.record():
            y = mx.np.random.normal(loc, scale)
        y.backward()
        np.testing.assert_allclose(loc.grad.asnumpy(), want["grad_loc"])
        np.testing.assert_allclose(scale.grad.asnumpy(),
                                   (y.asnumpy() - want["loc"]) / want["scale"], rtol=1e-5)
        with autograd.record():
            y = mx.np.random.uniform(loc, scale + 1)
        y.backward()
        np.testing.assert_array_equal(loc.grad.asnumpy(), want["uniform_grad_loc"])
        with autograd.record():  # broadcast parameters: the gradient sums back
            y = mx.np.random.normal(loc, 1.0, size=(3, 2))
        y.backward()
        np.testing.assert_allclose(loc.grad.asnumpy(), [3.0, 3.0])
    finally:
        mx.npx.reset_np()


def test_shuffle_is_a_graph_draw_mxnet_evaluates_and_refuses_to_differentiate():
    # MXNet 1.9.1 cannot hybridize it (its CachedOp derives a backward graph at once and
    # _shuffle has none); tapegraph draws a fresh permutation at every call, and MXNet's
    # executor ran tapegraph's export: rows 2 * a permutation of the input's.
    x = np.array(TOOL.X, dtype=np.float32)
    assert IMPORTED["shuffle"]["rows"] == sorted((2 * x).tolist())
    blk = _block("shuffle")
    outs = {tuple(blk(mx.nd.array(np.arange(8.0).reshape(8, 1))).asnumpy().ravel())
            for _ in range(6)}
    assert len(outs) > 1 and all(sorted(o) == [2.0 * k for k in range(8)] for o in outs)
    assert [n.op for n in blk.forward_graph.nodes] == ["_shuffle", "_mul_scalar"]
    a = mx.nd.array([1.0, 2.0, 3.0])
    a.attach_grad()
    with mx.autograd.record():
        loss = (mx.nd.random.shuffle(a) * 2).sum()
    with pytest.raises(mx.base.MXNetError, match="_shuffle is non-differentiable"):
        loss.backward()
