"""mx.contrib.svrg_optimization, mx.contrib.io and mx.contrib.tensorboard: SVRG's gradient
rule and full gradients checked against NumPy, the optimizers' routing, DataLoaderIter's
batches and padding, LogMetricsCallback with and without mxboard, and the error paths
(MXNet 1.9.1's behaviour; tests/data/mxnet/scripts/contrib_svrg_io.py compares a user
script's output with MXNet's)."""
import json
import logging
import os
import sys
import types

import numpy as np
import pytest

import tapegraph as mx
from tapegraph.base import MXNetError
from tapegraph.contrib import io as contrib_io
from tapegraph.contrib import svrg_optimization, tensorboard
from tapegraph.contrib.io import DataLoaderIter
from tapegraph.contrib.svrg_optimization.svrg_module import SVRGModule
from tapegraph.contrib.svrg_optimization.svrg_optimizer import (_AssignmentOptimizer,
                                                                _SVRGOptimizer)

NAMES = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "api_names.json")
RS = np.random.RandomState(0)
DATA = RS.randint(1, 5, size=(14, 2)).astype("float32")
LABEL = (DATA.dot([1.0, 2.0]) + 0.5).astype("float32")
WEIGHT = np.array([[0.3, -0.2]], "float32")
BIAS = np.array([0.05], "float32")


def _symbol():
    fc = mx.sym.FullyConnected(mx.sym.Variable("data"), name="fc1", num_hidden=1)
    return mx.sym.LinearRegressionOutput(fc, mx.sym.Variable("lin_reg_label"), name="lro")


def _iter(batch_size=4):
    return mx.io.NDArrayIter(DATA, LABEL, batch_size=batch_size, label_name="lin_reg_label")


def _module(update_freq=1, **kwargs):
    return SVRGModule(_symbol(), data_names=["data"], label_names=["lin_reg_label"],
                      update_freq=update_freq, **kwargs)


def _ready(batch_size=4, **kwargs):
    """A bound module with WEIGHT / BIAS and an SGD optimizer (lr 0.1)."""
    mod = _module(**kwargs)
    di = _iter(batch_size)
    mod.bind(di.provide_data, di.provide_label)
    mod.init_params(arg_params={"fc1_weight": mx.nd.array(WEIGHT),
                                "fc1_bias": mx.nd.array(BIAS)})
    mod.init_optimizer(optimizer_params=(("learning_rate", 0.1),))
    return mod, di


def _grads(w, b, x, y):
    """LinearRegressionOutput's gradients summed over the rows of x."""
    err = x.dot(w.T).ravel() + b[0] - y
    return err[None, :].dot(x), np.array([err.sum()])


def _full_grads(w, b, batch_size):
    """update_full_grads' average over NDArrayIter's padded batches (padding counted out)."""
    n = len(DATA)
    nbatch = -(-n // batch_size)
    idx = np.arange(nbatch * batch_size) % n  # NDArrayIter pads from the start
    gw, gb = _grads(w, b, DATA[idx], LABEL[idx])
    pad = nbatch * batch_size - n
    true_num_batch = nbatch - pad / batch_size
    return gw / true_num_batch, gb / true_num_batch


# ---------------------------------------------------------------- names
@pytest.mark.parametrize("module, obj", [
    ("mxnet.contrib.svrg_optimization", svrg_optimization),
    ("mxnet.contrib.io", contrib_io), ("mxnet.contrib.tensorboard", tensorboard)])
def test_modules_offer_mxnets_names(module, obj):
    with open(NAMES) as f:
        names = json.load(f)["modules"][module]
    assert [n for n in names if not hasattr(obj, n)] == []


def test_io_reexports_are_mx_io_classes():
    assert contrib_io.DataDesc is mx.io.DataDesc and contrib_io.DataIter is mx.io.DataIter
    assert issubclass(DataLoaderIter, mx.io.DataIter)


# ---------------------------------------------------------------- SVRGModule construction
@pytest.mark.parametrize("freq, error, text", [
    (0, ValueError, "must be a positive integer"), (-1, ValueError, "positive integer"),
    (None, TypeError, "must be an integer"), (2.0, TypeError, "must be an integer"),
    ("2", TypeError, "must be an integer")])
def test_update_freq_must_be_a_positive_int(freq, error, text):
    with pytest.raises(error, match=text + " to represent the frequency for calculating "
                                           "full gradients"):
        _module(update_freq=freq)


def test_module_wraps_an_auxiliary_module_of_the_same_symbol():
    mod = _module(update_freq=True)  # a bool is an int, as in MXNet
    assert mod.update_freq is True and isinstance(mod, mx.mod.Module)
    assert type(mod._mod_aux) is mx.mod.Module and mod._mod_aux.symbol is mod.symbol
    assert mod._param_dict is None and mod._ctx_len == 1


def test_bind_for_prediction_leaves_the_auxiliary_module_unbound():
    mod = _module()
    mod.bind([("data", (4, 2))], for_training=False)
    assert mod.binded and not mod._mod_aux.binded
    mod.init_params(initializer=mx.init.Constant(0.5))
    mod.forward(mx.io.DataBatch([mx.nd.ones((4, 2))]))
    assert mod.get_outputs()[0].asnumpy().ravel().tolist() == [1.0] * 4


def test_reshape_and_force_rebind_reach_both_modules():
    mod, _ = _ready()
    mod.reshape([("data", (3, 2))], [("lin_reg_label", (3,))])
    assert mod._mod_aux.data_shapes[0].shape == (3, 2)
    mod._reset_bind()
    assert not mod.binded and not mod._mod_aux.binded


# ---------------------------------------------------------------- optimizer installation
def test_init_optimizer_installs_the_svrg_optimizer():
    mod, _ = _ready()
    svrg = mod._optimizer
    assert type(svrg) is _SVRGOptimizer and type(svrg.default_opt) is mx.optimizer.SGD
    assert type(svrg.aux_opt) is _AssignmentOptimizer
    assert svrg.idx2name == {0: "fc1_weight", 1: "fc1_bias", 2: "fc1_weight_full",
                             3: "fc1_bias_full"}
    assert svrg.rescale_grad == svrg.default_opt.rescale_grad == 0.25
    assert svrg.default_opt.lr == 0.1
    assert [sorted(d) for d in mod._param_dict] == [["fc1_bias", "fc1_weight"]]
    assert all(v.asnumpy().sum() == 0 for v in mod._param_dict[0].values())


def test_an_optimizer_instance_is_used_as_it_is():
    mod = _module()
    di = _iter()
    mod.bind(di.provide_data, di.provide_label)
    mod.init_params(initializer=mx.init.Constant(0.1))
    sgd = mx.optimizer.SGD(learning_rate=0.5, momentum=0.9)
    mod.init_optimizer(optimizer=sgd)
    assert mod._optimizer.default_opt is sgd and sgd.rescale_grad == 1.0
    assert mod._optimizer.rescale_grad == 0.25


def test_init_optimizer_needs_initialized_parameters():
    mod = _module()
    mod.bind([("data", (4, 2))], [("lin_reg_label", (4,))])
    with pytest.raises(AssertionError):
        mod.init_optimizer()


def test_unknown_default_optimizer_is_a_value_error():
    mod = _module()
    mod.bind([("data", (4, 2))], [("lin_reg_label", (4,))])
    mod.init_params(initializer=mx.init.Constant(0.1))
    with pytest.raises(ValueError, match="no_such_opt"):
        mod.init_optimizer(optimizer="no_such_opt")


# ---------------------------------------------------------------- SVRG's arithmetic
def test_full_grads_are_the_average_over_the_data_without_padding():
    mod, di = _ready(batch_size=4)  # 14 rows: 4 batches, the last one padded by 2
    mod.update_full_grads(di)
    want_w, want_b = _full_grads(WEIGHT, BIAS, 4)
    np.testing.assert_allclose(mod._param_dict[0]["fc1_weight"].asnumpy(), want_w, rtol=1e-5)
    np.testing.assert_allclose(mod._param_dict[0]["fc1_bias"].asnumpy(), want_b, rtol=1e-5)
    # the auxiliary module holds the snapshot of the weights
    aux_args = mod._mod_aux.get_params()[0]
    np.testing.assert_array_equal(aux_args["fc1_weight"].asnumpy(), WEIGHT)


def test_full_grads_add_up_over_calls_until_init_optimizer_as_in_mxnet():
    mod, di = _ready(batch_size=7)
    mod.update_full_grads(di)
    once = mod._param_dict[0]["fc1_weight"].asnumpy().copy()
    mod.update_full_grads(di)
    np.testing.assert_allclose(mod._param_dict[0]["fc1_weight"].asnumpy(),
                               (once + once * 2) / 2, rtol=1e-5)
    mod.init_optimizer(force_init=True)
    assert mod._param_dict[0]["fc1_weight"].asnumpy().tolist() == [[0.0, 0.0]]


def test_update_applies_svrg_gradient():
    mod, di = _ready(batch_size=7)
    mod.update_full_grads(di)
    full_w, full_b = _full_grads(WEIGHT, BIAS, 7)
    # move the weights away from the snapshot with a plain step first
    di.reset()
    first, second = next(di), next(di)
    mod.forward_backward(first)
    mod.update()
    w1 = mod.get_params()[0]["fc1_weight"].asnumpy().copy()
    b1 = mod.get_params()[0]["fc1_bias"].asnumpy().copy()
    mod.forward_backward(second)
    mod.update()
    x, y = second.data[0].asnumpy(), second.label[0].asnumpy()
    g_cur_w, g_cur_b = _grads(w1, b1, x, y)
    g_old_w, g_old_b = _grads(WEIGHT, BIAS, x, y)
    lr, rescale = 0.1, 1.0 / 7
    want_w = w1 - lr * rescale * (g_cur_w - g_old_w + full_w)
    want_b = b1 - lr * rescale * (g_cur_b - g_old_b + full_b)
    got = mod.get_params()[0]
    np.testing.assert_allclose(got["fc1_weight"].asnumpy(), want_w, rtol=1e-5)
    np.testing.assert_allclose(got["fc1_bias"].asnumpy(), want_b, rtol=1e-5)


def test_forward_runs_the_auxiliary_module_only_when_training():
    mod, di = _ready()
    mod.update_full_grads(di)
    di.reset()
    batch = next(di)
    before = mod._mod_aux.get_outputs()[0].asnumpy().copy()
    mod.forward(batch)  # is_train None: MXNet checks `if is_train`
    np.testing.assert_array_equal(mod._mod_aux.get_outputs()[0].asnumpy(), before)
    mod.forward(batch, is_train=True)
    assert not np.array_equal(mod._mod_aux.get_outputs()[0].asnumpy(), before)


def test_kvstore_and_contexts_give_the_local_result():
    results = []
    for kwargs, kvstore in (({}, "local"), ({}, mx.kv.create("local")),
                            ({"context": [mx.cpu(0), mx.cpu(1)]}, "local")):
        mod = _module(update_freq=2, **kwargs)
        mod.fit(_iter(), eval_metric="mse", kvstore=kvstore, num_epoch=3,
                optimizer_params=(("learning_rate", 0.02),),
                initializer=mx.init.Constant(0.5))
        results.append((mod._kvstore is not None,
                        mod.get_params()[0]["fc1_weight"].asnumpy()))
    # a kvstore that updates the weights starts them from its zero `_full` keys (MXNet's
    # init_optimizer pulls those into the weights): both kvstore runs agree
    assert [r[0] for r in results] == [False, True, True]
    np.testing.assert_allclose(results[1][1], results[2][1], rtol=1e-6)
    assert not np.allclose(results[0][1], results[1][1])


def test_fit_computes_full_grads_every_update_freq_epochs(monkeypatch):
    mod = _module(update_freq=2)
    epochs, seen = [], []
    real = SVRGModule.update_full_grads

    def spy(self, train_data):
        epochs.append(len(seen))
        real(self, train_data)

    monkeypatch.setattr(SVRGModule, "update_full_grads", spy)
    mod.fit(_iter(), eval_metric="mse", num_epoch=7, begin_epoch=2,
            initializer=mx.init.Constant(0.1),
            epoch_end_callback=lambda epoch, *rest: seen.append(epoch))
    assert epochs == [0, 2, 4]  # before epochs 2, 4 and 6
    assert seen == [2, 3, 4, 5, 6]


def test_fit_from_an_epoch_without_full_grads_fails_as_in_mxnet():
    # epoch 1 with update_freq 2: the auxiliary module has no parameters yet
    with pytest.raises(AssertionError):
        _module(update_freq=2).fit(_iter(), num_epoch=3, begin_epoch=1)


def test_fit_logs_train_and_validation_metrics(caplog):
    mod = _module()
    batches = []
    with caplog.at_level(logging.INFO):
        mod.fit(_iter(7), eval_data=_iter(7), eval_metric="mse", num_epoch=1,
                initializer=mx.init.Constant(0.1),
                batch_end_callback=lambda p: batches.append((p.nbatch, "data_batch" in p.locals)))
    text = caplog.text
    assert "Epoch[0] Train-mse=" in text and "Epoch[0] Time cost=" in text
    assert "Epoch[0] Validation-mse=" in text
    assert batches == [(0, True), (1, True)]


def test_fit_needs_num_epoch():
    with pytest.raises(AssertionError, match="please specify number of epochs"):
        _module().fit(_iter())


def test_update_full_grads_needs_bind_and_optimizer():
    mod = _module()
    with pytest.raises(AttributeError, match="param_names"):
        mod.update_full_grads(_iter())
    mod.bind([("data", (4, 2))], [("lin_reg_label", (4,))])
    mod.init_params(initializer=mx.init.Constant(0.1))
    with pytest.raises(TypeError, match="not subscriptable"):
        mod.update_full_grads(_iter())


def test_fixed_parameters_are_refused_as_in_mxnet():
    mod = _module(fixed_param_names=["fc1_bias"])
    with pytest.raises(MXNetError):  # MXNet fails adding a None gradient too
        mod.fit(_iter(), num_epoch=1, initializer=mx.init.Constant(0.1))


# ---------------------------------------------------------------- the optimizers
def _svrg_opt(**kwargs):
    return mx.optimizer.create("_SVRGOptimizer", default_optimizer="sgd", learning_rate=0.1,
                               param_idx2name={0: "w", 1: "w_full"}, **kwargs)


def test_check_params_keeps_the_base_optimizer_parameters():
    got = _SVRGOptimizer._check_params(learning_rate=0.1, momentum=0.9, beta1=0.5,
                                       rescale_grad=2.0, sym=None, multi_precision=True)
    assert got == {"learning_rate": 0.1, "rescale_grad": 2.0, "sym": None,
                   "multi_precision": True}


def test_names_with_full_are_assigned_the_others_optimized():
    opt = _svrg_opt(momentum=0.5)
    assert opt.default_opt.momentum == 0.5 and not hasattr(opt, "momentum")
    w, g = mx.nd.array([1.0, 2.0]), mx.nd.array([0.5, -1.0])
    state = opt.create_state(0, w)
    assert state.asnumpy().tolist() == [0.0, 0.0] and opt.create_state(1, w) is None
    opt.update(0, w, g, state)
    np.testing.assert_allclose(w.asnumpy(), [0.95, 2.1], rtol=1e-6)
    opt.update("w_full", w, g, None)  # kvstores pass names
    assert w.asnumpy().tolist() == [0.5, -1.0]
    opt.update(1, w, mx.nd.array([3.0, 4.0]), None)
    assert w.asnumpy().tolist() == [3.0, 4.0]
    with pytest.raises(KeyError):
        opt.update(7, w, g, None)


def test_assignment_optimizer_stores_what_a_kvstore_sums():
    kv = mx.kv.create("local")
    kv.set_optimizer(mx.optimizer.create("_AssignmentOptimizer"))
    kv.init("k", mx.nd.ones((2,)))
    kv.push("k", [mx.nd.array([1.0, 2.0]), mx.nd.array([3.0, 4.0])])
    out = mx.nd.zeros((2,))
    kv.pull("k", out)
    assert out.asnumpy().tolist() == [4.0, 6.0]


def test_multi_precision_updates_a_float32_master_copy():
    opt = _svrg_opt(multi_precision=True)
    w = mx.nd.array([1.0, 2.0], dtype="float16")
    state = opt.create_state_multi_precision(0, w)
    assert state[0].dtype == np.float32
    opt.update_multi_precision(0, w, mx.nd.array([0.5, -1.0], dtype="float16"), state)
    assert w.dtype == np.float16
    np.testing.assert_allclose(state[0].asnumpy(), [0.95, 2.1], rtol=1e-6)
    np.testing.assert_allclose(w.asnumpy(), [0.95, 2.1], rtol=1e-3)


# ---------------------------------------------------------------- DataLoaderIter
def _loader(n=10, batch_size=4, **kwargs):
    dataset = mx.gluon.data.ArrayDataset(DATA[:n], LABEL[:n])
    return mx.gluon.data.DataLoader(dataset, batch_size=batch_size, **kwargs)


def test_dataloaderiter_describes_and_pads_the_batches():
    it = DataLoaderIter(_loader(), data_name="x", label_name="y")
    assert it.batch_size == 4 and it.dtype == "float32"
    assert it.provide_data == [mx.io.DataDesc("x", (4, 2))]
    assert it.provide_label[0].name == "y" and it.provide_label[0].dtype == "float32"
    batches = list(it)
    assert [b.pad for b in batches] == [0, 0, 2] and all(b.index is None for b in batches)
    assert all(b.data[0].shape == (4, 2) and b.label[0].shape == (4,) for b in batches)
    np.testing.assert_array_equal(batches[2].data[0].asnumpy()[:2], DATA[8:10])
    np.testing.assert_array_equal(batches[2].label[0].asnumpy()[:2], LABEL[8:10])
    assert list(it) == []  # exhausted until reset
    it.reset()
    assert it.iter_next() and it.getpad() == 0 and it.getindex() is None
    np.testing.assert_array_equal(it.getdata()[0].asnumpy(), DATA[:4])
    np.testing.assert_array_equal(it.getlabel()[0].asnumpy(), LABEL[:4])


def test_dataloaderiter_casts_to_its_dtype_but_pads_in_float32():
    it = DataLoaderIter(_loader(), dtype="float16")
    assert it.provide_data[0].dtype == "float16"
    assert [(b.data[0].dtype, b.label[0].dtype) for b in it] == [
        (np.float16, np.float16), (np.float16, np.float16), (np.float32, np.float32)]


def test_dataloaderiter_feeds_module_fit():
    train = DataLoaderIter(_loader(n=12, batch_size=4), label_name="lin_reg_label")
    mod = mx.mod.Module(_symbol(), data_names=["data"], label_names=["lin_reg_label"])
    mod.fit(train, eval_metric="mse", num_epoch=20, optimizer_params={"learning_rate": 0.02},
            initializer=mx.init.Constant(0.3))
    assert mod.score(train, "mse")[0][1] < 1.0


def test_dataloaderiter_needs_a_first_batch_of_pairs():
    with pytest.raises(StopIteration):
        DataLoaderIter(_loader(n=0))
    only_data = mx.gluon.data.DataLoader(mx.gluon.data.ArrayDataset(DATA[:8]), batch_size=4)
    with pytest.raises(ValueError, match="too many values to unpack"):
        DataLoaderIter(only_data)
    it = DataLoaderIter(_loader(n=4))
    next(it)
    with pytest.raises(StopIteration):
        it.next()


# ---------------------------------------------------------------- LogMetricsCallback
def _param(metric, epoch=3):
    return mx.model.BatchEndParam(epoch=epoch, nbatch=0, eval_metric=metric, locals=None)


def _mse():
    metric = mx.metric.create("mse")
    metric.update([mx.nd.array([1.0, 2.0])], [mx.nd.array([1.5, 2.5])])
    return metric


def test_without_mxboard_the_callback_logs_why_and_fails_when_called(monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "mxboard", None)  # `import mxboard` -> ImportError
    with caplog.at_level(logging.ERROR):
        cb = tensorboard.LogMetricsCallback("logs", prefix="train")
    assert "You can install mxboard via `pip install mxboard`." in caplog.text
    assert caplog.records[-1].levelname == "ERROR"
    assert cb.prefix == "train" and not hasattr(cb, "summary_writer")
    cb(_param(None))  # no metric: nothing to write
    with pytest.raises(AttributeError, match="has no attribute 'summary_writer'"):
        cb(_param(_mse()))


def test_with_mxboard_the_callback_writes_scalars(monkeypatch, tmp_path):
    written = []

    class SummaryWriter:
        def __init__(self, logdir):
            written.append(logdir)

        def add_scalar(self, tag, value, global_step=None):
            written.append((tag, value, global_step))

    monkeypatch.setitem(sys.modules, "mxboard", types.SimpleNamespace(SummaryWriter=SummaryWriter))
    tensorboard.LogMetricsCallback(str(tmp_path), prefix="train")(_param(_mse()))
    tensorboard.LogMetricsCallback("eval")(_param(_mse(), epoch=4))
    assert written == [str(tmp_path), ("train-mse", 0.25, 3), "eval", ("mse", 0.25, 4)]
