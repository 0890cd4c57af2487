"""Executor.debug_str and Executor.get_optimized_symbol: what a bound symbol runs."""
import numpy as np

import tapegraph as mx


def _bound(grad_req="write"):
    x = mx.sym.var("data")
    fc = mx.sym.FullyConnected(x, num_hidden=2, name="fc") * 1 + 0
    out = mx.sym.relu(fc, name="r1") + mx.sym.relu(fc, name="r2")
    return out, out.simple_bind(mx.cpu(), data=(2, 3), grad_req=grad_req)


def test_debug_str_shows_the_forward_and_its_backward():
    _, exe = _bound()
    text = exe.debug_str()
    forward, backward = text.split("Backward graph (gradients of data, fc_weight, fc_bias):")
    assert "FullyConnected(%data, %fc_weight, %fc_bias)" in forward
    assert "vjp of" in backward and "return (" in backward
    _, frozen = _bound(grad_req="null")
    assert "Backward graph" not in frozen.debug_str()


def test_optimized_symbol_keeps_names_and_values():
    sym, exe = _bound()
    rng = np.random.RandomState(0)
    for name, arr in exe.arg_dict.items():
        arr[:] = rng.randn(*arr.shape)
    exe.forward()
    optimized = exe.get_optimized_symbol()
    internals = optimized.get_internals().list_outputs()
    assert "fc_output" in internals and "r1_output" in internals
    assert "r2_output" not in internals  # the same relu, computed once
    assert not any("scalar" in n for n in internals)  # `* 1 + 0` simplified away
    assert optimized.list_arguments() == sym.list_arguments()
    again = optimized.eval(**exe.arg_dict)[0]
    np.testing.assert_allclose(again.asnumpy(), exe.outputs[0].asnumpy(), rtol=1e-6)


def test_symbol_handle_identifies_the_symbol():
    a, b = mx.sym.var("a"), mx.sym.var("a")
    assert isinstance(a.handle, int) and a.handle == a.handle and a.handle != b.handle
