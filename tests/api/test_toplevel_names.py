"""The top-level `mxnet` namespace: every name `dir(mxnet)` lists in MXNet 1.9.1 (captured
in tests/data/mxnet/api_names.json) is there, or raises NotImplementedError saying why;
the re-exports are the very objects of their modules; `dir()` shows no import plumbing."""
import json
import os

import pytest

import tapegraph as mx
from tapegraph.unsupported import UnsupportedError

NAMES = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "api_names.json")
with open(NAMES) as _fh:
    TOP = json.load(_fh)["modules"]["mxnet"]


@pytest.mark.parametrize("name", TOP)
def test_every_mxnet_name_resolves_or_says_why_not(name):
    try:
        getattr(mx, name)
    except NotImplementedError as err:
        assert isinstance(err, UnsupportedError)
        assert str(err).startswith("mxnet.%s is not implemented in tapegraph: " % name)


def test_reexports_are_the_module_objects():
    assert mx.use_np is mx.util.use_np and mx.np_shape is mx.util.np_shape
    assert mx.set_np_shape is mx.util.set_np_shape and mx.is_np_array is mx.util.is_np_array
    assert mx.rnd is mx.random and mx.visualization.plot_network is mx.viz.plot_network
    assert mx.mod is mx.module and mx.img is mx.image and mx.mon is mx.monitor
    assert mx.executor.Executor is type(mx.sym.Variable("x").simple_bind(x=(1,)))
    assert mx.cpu_pinned(1).device_type == "cpu_pinned"


def test_use_np_decorates_a_block_as_in_mxnet():
    @mx.use_np
    class Twice(mx.gluon.HybridBlock):
        def hybrid_forward(self, F, x):
            return x * 2

    out = Twice()(mx.np.array([1.0, 2.0]))
    assert isinstance(out, mx.np.ndarray) and out.tolist() == [2.0, 4.0]


def test_unsupported_modules_raise_from_any_import_form():
    with pytest.raises(NotImplementedError, match="mxnet.onnx is not implemented in "
                                                  "tapegraph: ONNX import/export needs"):
        from tapegraph import onnx  # noqa: F401
    with pytest.raises(UnsupportedError, match="needs a GPU"):
        mx.rtc
    with pytest.raises(AttributeError, match="no attribute 'not_an_mxnet_name'"):
        mx.not_an_mxnet_name


def test_dir_lists_the_api_not_the_imports():
    names = dir(mx)
    for plumbing in ("Any", "Dict", "Tuple", "annotations", "importlib", "_PUBLIC"):
        assert plumbing not in names
    assert {"nd", "autograd", "gluon", "use_np", "mod", "__version__"} <= set(names)
    assert "onnx" not in names  # stand-ins raise: kept out of dir() (inspect.getmembers)


def test_error_module_registers_classes_as_mxnet_does():
    @mx.error.register_error
    class MyError(mx.MXNetError):
        pass

    assert mx.error.error_types["MyError"] is MyError
    mx.error.register("Aliased", MyError)
    assert mx.error.error_types["Aliased"] is MyError
    assert mx.error.error_types["ValueError"] is ValueError
    err = mx.error.InternalError("broken")
    assert isinstance(err, mx.MXNetError)
    assert str(err).startswith("broken\nMXNet hint: You hit an internal error.")
