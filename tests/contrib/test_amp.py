"""mx.contrib.amp beyond what MXNet's CPU build can run (float16 layers), and its errors.

The behaviour real MXNet shows on the CPU (casting rules, loss scaling, overflow skipping,
the lists) is compared in the captured script contrib_amp."""
import json

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import autograd, gluon, nd
from tapegraph.contrib import amp
from tapegraph.contrib.amp import amp as amp_impl


@pytest.fixture
def amp_on():
    original = mx.nd.FullyConnected
    amp.init()
    yield
    amp.disable()
    assert mx.nd.FullyConnected is original


def _mlp():
    net = gluon.nn.HybridSequential()
    with net.name_scope():
        net.add(gluon.nn.Dense(8, in_units=4, activation="relu"), gluon.nn.Dense(3, in_units=8))
    net.initialize(mx.init.Xavier(rnd_type="gaussian"))
    return net


@pytest.mark.parametrize("hybridize", [False, True])
def test_float16_training_with_loss_scaling(amp_on, hybridize):
    mx.random.seed(3)
    net = _mlp()
    if hybridize:
        net.hybridize()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    amp.init_trainer(trainer)
    x = nd.random.normal(shape=(16, 4))
    y = nd.array(np.arange(16) % 3)
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    losses = []
    for _ in range(30):
        with autograd.record():
            out = net(x)
            loss = loss_fn(out, y)
            with amp.scale_loss(loss, trainer) as scaled:
                autograd.backward(scaled)
        assert out.dtype == np.float16  # FullyConnected runs in float16
        # as on MXNet's CPU: a float16 array is not cast up for log_softmax (only
        # float32 arrays are cast, see the captured script contrib_amp)
        assert loss.dtype == np.float16
        trainer.step(16)
        losses.append(float(loss.mean().asscalar()))
    params = net.collect_params().values()
    assert all(p.data().dtype == np.float32 and p.grad().dtype == np.float32 for p in params)
    assert losses[-1] < 0.8 * losses[0]


def test_hybridized_graph_holds_the_casts_and_export_may_keep_them(amp_on, tmp_path):
    net = _mlp()
    net.hybridize()
    net(nd.ones((2, 4)))
    net.export(str(tmp_path / "plain"))  # MXNet's default: remove_amp_cast=True
    nodes = json.loads((tmp_path / "plain-symbol.json").read_text())["nodes"]
    assert not [n for n in nodes if n["op"].startswith("amp_")]
    assert [n["op"] for n in nodes if n["op"] != "null"] == [
        "FullyConnected", "Activation", "FullyConnected"]
    net.export(str(tmp_path / "amp"), remove_amp_cast=False)
    nodes = json.loads((tmp_path / "amp-symbol.json").read_text())["nodes"]
    casts = [n for n in nodes if n["op"] == "amp_cast"]
    assert len(casts) == 5  # the data, and each Dense's weight and bias (the second
    # Dense's data is float16 already)
    assert {n["attrs"]["dtype"] for n in casts} == {"float16"}


def test_overflow_skips_the_step_and_halves_the_scale(amp_on):
    w = gluon.Parameter("w", shape=(2,), init=mx.init.One())
    w.initialize()
    trainer = gluon.Trainer([w], "sgd", {"learning_rate": 1.0})
    amp.init_trainer(trainer)
    with autograd.record():
        with amp.scale_loss((w.data() * 2).sum(), trainer) as scaled:
            scaled.backward()
    w.grad()[0] = np.nan
    trainer.step(1)
    np.testing.assert_array_equal(w.data().asnumpy(), [1, 1])
    scaler = trainer._amp_loss_scaler
    assert (scaler.loss_scale, scaler._next_loss_scale) == (2.**16, 2.**15)
    with autograd.record():
        with amp.scale_loss((w.data() * 2).sum(), trainer) as scaled:
            scaled.backward()
    trainer.step(1)  # the halved scale is in force; the update divides it back out
    np.testing.assert_allclose(w.data().asnumpy(), [-1, -1])
    assert scaler.loss_scale == 2.**15


def test_bfloat16_is_refused_and_changes_nothing():
    original = mx.nd.FullyConnected
    with pytest.raises(NotImplementedError, match="bfloat16"):
        amp.init(target_dtype="bfloat16")
    assert mx.nd.FullyConnected is original and not amp_impl._amp_initialized
    with pytest.raises(AssertionError, match="float16 or bfloat16"):
        amp.init(target_dtype="float64")


def test_symbol_conversions_are_stand_ins():
    with pytest.raises(NotImplementedError, match="ReducePrecision"):
        amp.convert_hybrid_block(_mlp())


def test_dtype_casts_do_not_hide_parameter_shapes():
    data = mx.sym.var("data")
    fc = mx.sym.FullyConnected(mx.sym.amp_cast(data, dtype="float16"),
                               mx.sym.amp_cast(mx.sym.var("w"), dtype="float16"),
                               mx.sym.Cast(mx.sym.var("b"), dtype="float16"), num_hidden=3)
    args, outs, _ = fc.infer_shape(data=(2, 5))
    assert args == [(2, 5), (3, 5), (3,)] and outs == [(2, 3)]
    assert fc.infer_type(data="float32")[1] == [np.float16]


def test_a_refused_trainer_changes_nothing(amp_on):
    with pytest.raises(TypeError, match="only compatible with Gluon Trainer"):
        amp.init_trainer(mx.optimizer.SGD())
    w = gluon.Parameter("w", shape=(1,))
    w.initialize()
    trainer = gluon.Trainer([w], "sgd")
    amp.init_trainer(trainer)
    assert trainer._amp_loss_scaler is amp_impl._loss_scaler  # still the first one given


def test_symbol_files_leave_out_the_casts_unless_asked():
    # MXNet 1.9.1's Symbol.tojson / save take remove_amp_cast=True by default
    data = mx.sym.var("data")
    cast = mx.sym.amp_cast(data, dtype="float16", name="c")
    fc = mx.sym.FullyConnected(cast, num_hidden=2, name="fc")
    both = mx.sym.amp_multicast(fc, data, num_outputs=2, name="mc")
    out = both[0] + both[1]
    plain = json.loads(out.tojson())
    assert [n["op"] for n in plain["nodes"]] == [
        "null", "null", "null", "FullyConnected", "elemwise_add"]
    assert plain["heads"] == [[4, 0, 0]] and plain["node_row_ptr"] == [0, 1, 2, 3, 4, 5]
    assert plain["arg_nodes"] == [0, 1, 2]
    assert plain["nodes"][3]["inputs"][0][0] == 0  # fc reads data itself
    kept = json.loads(out.tojson(remove_amp_cast=False))
    assert [n["op"] for n in kept["nodes"]].count("amp_cast") == 1
    back = mx.sym.load_json(out.tojson())
    assert back.list_arguments() == ["data", "fc_weight", "fc_bias"]


def test_casts_that_are_outputs_stay():
    # as MXNet 1.9.1 writes them (captured with the oracle)
    x = mx.sym.var("x")
    cast = mx.sym.amp_cast(x, dtype="float16")
    alone = json.loads(cast.tojson())
    assert [n["op"] for n in alone["nodes"]] == ["null", "amp_cast"]
    assert alone["heads"] == [[1, 0, 0]]
    assert [n["op"] for n in json.loads(mx.sym.relu(cast).tojson())["nodes"]] == [
        "null", "relu"]
    multi = json.loads(mx.sym.amp_multicast(x, mx.sym.var("y"), num_outputs=2).tojson())
    assert [n["op"] for n in multi["nodes"]] == ["null", "null", "amp_multicast"]
    assert multi["heads"] == [[2, 0, 0], [2, 1, 0]]
    group = json.loads(mx.sym.Group([mx.sym.relu(cast), cast]).tojson())
    ops = [n["op"] for n in group["nodes"]]
    assert sorted(ops) == ["amp_cast", "null", "relu"]  # (MXNet writes the cast last)
    relu = group["nodes"][ops.index("relu")]
    assert relu["inputs"][0][0] == ops.index("null")  # the relu reads x itself
    assert [group["nodes"][h[0]]["op"] for h in group["heads"]] == ["relu", "amp_cast"]


def test_batchnorm_with_float16_data_and_float32_parameters_differentiates():
    # AMP keeps BatchNorm's parameters float32 while its data is float16; its gradient is
    # computed in float32 and the data's gradient returned as float16
    rng = np.random.RandomState(0)
    data = rng.randn(4, 3, 2, 2).astype(np.float32)
    gamma, beta = rng.rand(3).astype(np.float32) + 0.5, rng.randn(3).astype(np.float32)
    head = rng.randn(4, 3, 2, 2).astype(np.float32)
    grads = {}
    for dtype in ("float32", "float16"):
        x = mx.nd.array(data, dtype=dtype)
        params = [mx.nd.array(gamma), mx.nd.array(beta)]
        for a in [x] + params:
            a.attach_grad()
        with autograd.record(train_mode=True):
            y = mx.nd.BatchNorm(x, params[0], params[1], mx.nd.zeros(3), mx.nd.ones(3),
                                fix_gamma=False)
        y.backward(mx.nd.array(head, dtype=dtype))
        assert y.dtype == np.dtype(dtype) and x.grad.dtype == np.dtype(dtype)
        assert params[0].grad.dtype == np.float32
        grads[dtype] = [a.grad.asnumpy().astype(np.float32) for a in [x] + params]
    for low, full in zip(grads["float16"], grads["float32"]):
        np.testing.assert_allclose(low, full, rtol=2e-2, atol=2e-2)
