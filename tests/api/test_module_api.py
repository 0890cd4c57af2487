"""mx.mod.Module, mx.model, mx.callback and mx.monitor: errors naming the problem (and
leaving the module as it was), checkpoints MXNet wrote load here and train on to the same
parameters, round trips, and `fit` equal to a hand-written forward / backward / update loop.

tests/data/mxnet/module/ holds a checkpoint real MXNet 1.9.1 wrote (make_checkpoint.py
there); a checkpoint tapegraph writes was checked by hand to load in MXNet with the same
predictions."""
import json
import logging
import os
import re

import numpy as np
import pytest

import tapegraph as mx

HERE = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "module")


def mlp():
    data = mx.sym.var("data")
    h = mx.sym.FullyConnected(data, num_hidden=4, name="fc1")
    h = mx.sym.Activation(h, act_type="relu", name="relu1")
    h = mx.sym.FullyConnected(h, num_hidden=3, name="fc2")
    return mx.sym.SoftmaxOutput(h, name="softmax")


def mlp_params(seed=0):
    r = np.random.RandomState(seed)
    return {"fc1_weight": mx.nd.array(r.normal(0, .5, (4, 5))), "fc1_bias": mx.nd.zeros(4),
            "fc2_weight": mx.nd.array(r.normal(0, .5, (3, 4))), "fc2_bias": mx.nd.zeros(3)}


def data_iter(n=12, batch_size=4, seed=0):
    r = np.random.RandomState(seed)
    X = r.normal(0, 1, (n, 5)).astype("float32")
    y = r.randint(0, 3, n).astype("float32")
    return mx.io.NDArrayIter(X, y, batch_size=batch_size)


def bound_module(**bind):
    it = data_iter()
    mod = mx.mod.Module(mlp())
    mod.bind(it.provide_data, it.provide_label, **bind)
    mod.init_params(arg_params=mlp_params())
    return mod, it


def test_submodules_and_stand_ins():
    for name in ("base_module", "module", "bucketing_module", "sequential_module",
                 "python_module", "executor_group"):
        assert hasattr(mx.module, name)
    assert mx.mod is mx.module and mx.mon is mx.monitor
    with pytest.raises(NotImplementedError, match="not implemented in tapegraph"):
        mx.model.FeedForward(mlp())
    for cls in (mx.mod.BucketingModule, mx.mod.SequentialModule, mx.mod.PythonModule,
                mx.mod.PythonLossModule):
        assert issubclass(cls, mx.mod.BaseModule)
    assert issubclass(mx.mod.Module, mx.mod.BaseModule)
    assert mx.model.get_updater is mx.optimizer.get_updater
    assert mx.model.BatchEndParam._fields == ("epoch", "nbatch", "eval_metric", "locals")


def test_calls_in_the_wrong_order_name_what_is_missing():
    mod = mx.mod.Module(mlp())
    batch = mx.io.DataBatch([mx.nd.ones((4, 5))], [mx.nd.zeros(4)])
    with pytest.raises(AssertionError, match="not bound; call bind"):
        mod.forward(batch)
    with pytest.raises(AssertionError, match="call bind before initializing"):
        mod.init_params()
    with pytest.raises(AssertionError, match="not bound"):
        mod.data_shapes  # noqa: B018
    mod.bind([("data", (4, 5))], [("softmax_label", (4,))])
    with pytest.raises(AssertionError, match="not initialized; call init_params"):
        mod.forward(batch)
    mod.init_params(arg_params=mlp_params())
    with pytest.raises(AssertionError, match="call init_optimizer"):
        mod.update()
    with pytest.raises(AssertionError, match="inputs_need_grad=True"):
        mod.get_input_grads()
    with pytest.raises(AssertionError, match="num_epoch"):
        mod.fit(data_iter())


def test_bad_arguments_raise_value_errors_and_change_nothing():
    with pytest.raises(ValueError, match="data_names=\\['dat'\\].*'dat' is not found"):
        mx.mod.Module(mlp(), data_names=["dat"])
    mod = mx.mod.Module(mlp())
    with pytest.raises(ValueError, match="don't match names specified by data_names"):
        mod.bind([("x", (4, 5))])
    assert not mod.binded
    with pytest.raises(ValueError, match="DataDesc or a \\(name, shape\\) pair"):
        mod.bind([(4, 5)])
    mod, _ = bound_module()
    before = {k: v.asnumpy() for k, v in mod.get_params()[0].items()}
    partial = {"fc1_weight": mx.nd.ones((4, 5))}
    with pytest.raises(RuntimeError, match="is not presented"):
        mod.set_params(partial, {})
    wrong = dict(mlp_params(), fc2_bias=mx.nd.ones(7))
    with pytest.raises(mx.base.MXNetError, match="fc2_bias has shape \\(7,\\)"):
        mod.set_params(wrong, {})
    after = mod.get_params()[0]
    assert all(np.array_equal(before[k], after[k].asnumpy()) for k in before)
    with pytest.raises(ValueError, match="eval_data must be of type NDArray or DataIter"):
        mod.predict([1, 2, 3])
    with pytest.raises(mx.base.MXNetError, match="2 data arrays, the module takes 1"):
        mod.forward(mx.io.DataBatch([mx.nd.ones((4, 5)), mx.nd.ones((4, 5))]))


def test_fit_equals_a_hand_written_loop():
    it = data_iter()
    fitted = mx.mod.Module(mlp())
    fitted.fit(it, num_epoch=3, arg_params=mlp_params(), optimizer="sgd",
               optimizer_params={"learning_rate": 0.3, "momentum": 0.9, "wd": 1e-3})
    # by hand with executors and the optimizer's updater, as MXNet's Module does
    exe = mlp().simple_bind(mx.cpu(), data=(4, 5), softmax_label=(4,),
                            grad_req={"fc1_weight": "write", "fc1_bias": "write",
                                      "fc2_weight": "write", "fc2_bias": "write"})
    for k, v in mlp_params().items():
        exe.arg_dict[k][:] = v
    names = ["fc1_weight", "fc1_bias", "fc2_weight", "fc2_bias"]
    opt = mx.optimizer.create("sgd", learning_rate=0.3, momentum=0.9, wd=1e-3,
                              rescale_grad=1 / 4.,
                              param_idx2name=dict(enumerate(names)))
    updater = mx.optimizer.get_updater(opt)
    for _ in range(3):
        it.reset()
        for batch in it:
            exe.forward(is_train=True, data=batch.data[0], softmax_label=batch.label[0])
            exe.backward()
            for i, n in enumerate(names):
                updater(i, exe.grad_dict[n], exe.arg_dict[n])
    params = fitted.get_params()[0]
    for n in names:
        np.testing.assert_allclose(params[n].asnumpy(), exe.arg_dict[n].asnumpy(),
                                   rtol=1e-5, atol=1e-6)


def test_mxnet_checkpoint_loads_predicts_and_trains_like_mxnet():
    with open(os.path.join(HERE, "bnnet_expected.json")) as f:
        expected = json.load(f)
    X = np.array(expected["input"], "float32")
    y = np.array(expected["label"], "float32")
    it = mx.io.NDArrayIter(X, y, batch_size=4)
    mod = mx.mod.Module.load(os.path.join(HERE, "bnnet"), 3)
    mod.bind(it.provide_data, it.provide_label, for_training=False)
    np.testing.assert_allclose(mod.predict(it).asnumpy(), expected["prediction"],
                               rtol=1e-4, atol=1e-5)
    # the same training as make_checkpoint.py (BatchNorm's moving statistics included)
    sym, args, auxs = mx.model.load_checkpoint(os.path.join(HERE, "bnnet"), 3)
    r = np.random.RandomState(1)
    start = {"fc1_weight": r.normal(0, .5, (4, 5)), "fc1_bias": np.zeros(4),
             "bn1_gamma": np.ones(4), "bn1_beta": np.zeros(4),
             "fc2_weight": r.normal(0, .5, (3, 4)), "fc2_bias": np.zeros(3)}
    train = mx.mod.Module(sym)
    it.reset()  # fit does not reset the iterator before the first epoch (nor does MXNet)
    train.fit(it, num_epoch=3, optimizer_params={"learning_rate": 0.2},
              arg_params={k: mx.nd.array(v) for k, v in start.items()},
              aux_params={"bn1_moving_mean": mx.nd.zeros(4), "bn1_moving_var": mx.nd.ones(4)})
    arg, aux = train.get_params()
    for k in args:
        np.testing.assert_allclose(arg[k].asnumpy(), args[k].asnumpy(), rtol=1e-4, atol=1e-5)
    for k in auxs:
        np.testing.assert_allclose(aux[k].asnumpy(), auxs[k].asnumpy(), rtol=1e-4, atol=1e-5)


def test_checkpoint_round_trip_with_optimizer_states(tmp_path):
    prefix = str(tmp_path / "net")
    it = data_iter()
    mod = mx.mod.Module(mlp())
    # SGD with momentum: its states are all it needs to resume (Adam's update counts are
    # not saved with the states, in MXNet neither)
    mod.fit(it, num_epoch=2, arg_params=mlp_params(), optimizer="sgd",
            optimizer_params={"learning_rate": 0.2, "momentum": 0.9})
    mod.save_checkpoint(prefix, 2, save_optimizer_states=True)
    assert sorted(os.listdir(tmp_path)) == ["net-0002.params", "net-0002.states",
                                            "net-symbol.json"]
    assert sorted(mx.nd.load(prefix + "-0002.params")) == [
        "arg:fc1_bias", "arg:fc1_weight", "arg:fc2_bias", "arg:fc2_weight"]
    sym, args, auxs = mx.model.load_checkpoint(prefix, 2)
    assert sym.tojson() == mod.symbol.tojson() and auxs == {}
    resumed = mx.mod.Module.load(prefix, 2, load_optimizer_states=True)
    resumed.fit(it, num_epoch=4, begin_epoch=2, optimizer="sgd",
                optimizer_params={"learning_rate": 0.2, "momentum": 0.9})
    mod.fit(it, num_epoch=4, begin_epoch=2)
    for k, v in mod.get_params()[0].items():
        np.testing.assert_allclose(resumed.get_params()[0][k].asnumpy(), v.asnumpy(),
                                   rtol=1e-6, atol=1e-7)


def test_reshape_and_predict_keep_parameters():
    mod, it = bound_module(for_training=False)
    full = mod.predict(it).asnumpy()
    mod.forward(mx.io.DataBatch([it.data[0][1][:2]]))
    assert mod.data_shapes[0].shape == (2, 5)
    assert mod.output_shapes == [("softmax_output", (2, 3))]
    np.testing.assert_allclose(mod.get_outputs()[0].asnumpy(), full[:2], rtol=1e-6)
    padded = mx.io.NDArrayIter(it.data[0][1][:6], batch_size=4)
    assert mod.predict(padded).shape == (6, 3)


def test_executor_caches_plans_and_reports_to_a_monitor():
    exe = mlp().simple_bind(mx.cpu(), data=(4, 5), softmax_label=(4,))
    for _ in range(3):
        exe.forward(is_train=True)
        exe.backward()
    assert len(exe._forward_plans) == 1 and len(exe._backward_plans) == 1
    exe.forward(is_train=False)
    assert len(exe._forward_plans) == 2
    seen = []
    exe.set_monitor_callback(lambda name, arr: seen.append(name))
    exe.forward()
    assert seen == [b"fc1_output", b"relu1_output", b"fc2_output", b"softmax_output"]
    mon = mx.mon.Monitor(1, pattern="fc.*", sort=True)
    mon.install(exe)
    mon.tic()
    exe.forward()
    names = [k for _, k, _ in mon.toc()]
    assert names == sorted(names) and "fc1_output" in names and "fc1_weight" in names
    assert mon.toc() == []


def test_callbacks_log_in_mxnets_formats(caplog):
    caplog.set_level(logging.INFO)
    it = data_iter(n=24)
    mod = mx.mod.Module(mlp())
    mod.fit(it, num_epoch=1, arg_params=mlp_params(), eval_data=data_iter(),
            batch_end_callback=[mx.callback.Speedometer(4, 2, auto_reset=False),
                                mx.callback.log_train_metric(3)])
    text = caplog.text
    assert re.search(r"Epoch\[0\] Batch \[0-2\]\tSpeed: [\d.]+ samples/sec\taccuracy=0\.\d{6}",
                     text)
    assert re.search(r"Iter\[0\] Batch\[3\] Train-accuracy=0\.\d{6}", text)
    assert re.search(r"Epoch\[0\] Train-accuracy=0\.\d{6}", text)
    assert re.search(r"Epoch\[0\] Time cost=\d+\.\d{3}", text)
    assert re.search(r"Epoch\[0\] Validation-accuracy=0\.\d{6}", text)


def test_backward_reads_what_the_training_forward_kept(monkeypatch):
    """A training forward keeps its intermediate values; backward reads them instead of
    running the forward again (each product once per step, as MXNet's executor)."""
    from tapegraph.ir import REGISTRY
    opdef = REGISTRY.get("FullyConnected")
    calls = []
    kernel = opdef.kernel
    monkeypatch.setattr(opdef, "kernel", lambda *a, **k: calls.append(1) or kernel(*a, **k))
    data = mx.sym.var("data")
    h = mx.sym.Activation(mx.sym.FullyConnected(data, num_hidden=4, name="a"), act_type="tanh")
    out = mx.sym.sum(mx.sym.FullyConnected(h, num_hidden=2, name="b"))
    ex = out.simple_bind(mx.cpu(), data=(3, 5))
    rng = np.random.RandomState(0)
    for name, arr in ex.arg_dict.items():
        arr[:] = rng.randn(*arr.shape)
    for _ in range(2):
        del calls[:]
        ex.forward(is_train=True)
        ex.backward()
        assert len(calls) == 2
    x, wa, ba, wb = (ex.arg_dict[n].asnumpy() for n in ("data", "a_weight", "a_bias",
                                                         "b_weight"))
    t = np.tanh(x @ wa.T + ba)
    want = ((np.ones((3, 2)) @ wb) * (1 - t ** 2)).T @ x  # d sum / d a_weight
    np.testing.assert_allclose(ex.grad_dict["a_weight"].asnumpy(), want, rtol=1e-5, atol=1e-6)
