"""Every bad input named in issue 6 raises a clear exception that names the problem, and
leaves gradient buffers, recording/training state, cached plans and retained graphs as
they were. Each case runs twice: outside and inside `autograd.record()`."""
import gc
import re

import numpy as np
import pytest

import tapegraph as mx
from tapegraph.base import DTypeError, GradReqError, IndexingError, MXNetError, ShapeError
from tapegraph.ir.registry import MAX_RESULT_BYTES

nd = mx.nd
RAM_F32 = MAX_RESULT_BYTES // 4  # float32 elements that fill this machine's memory


def _recorded(W, fn):
    """`fn(W.w)` recorded, with a marked input of its own (so W's graph is untouched)."""
    x = nd.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    x.attach_grad()
    with mx.autograd.record():
        y = fn(x)
    return x, y


def _paused(fn):
    with mx.autograd.pause():
        return fn()


def _backward_twice(W):
    x, y = _recorded(W, lambda x: x * x)
    y.backward()
    y.backward()


def _head_grad_shape(W):
    x, y = _recorded(W, lambda x: x * 2)
    y.backward(nd.ones((3,)))


def _head_grad_count(W):
    x, y = _recorded(W, lambda x: x * 2)
    mx.autograd.backward([y], [nd.ones((2, 3)), nd.ones((2, 3))])


def _grad_not_in_graph(W):
    x, y = _recorded(W, lambda x: x * 2)
    mx.autograd.grad(y, [W.w])


def _function_case(backward):
    class Bad(mx.autograd.Function):
        def forward(self, x):
            return x * 2

    Bad.backward = lambda self, dy: backward(dy)

    def run(W):
        x = nd.array([1.0, 2.0])
        x.attach_grad()
        with mx.autograd.record():
            y = Bad()(x)
        y.backward()
    return run


class UserBug(Exception):
    pass


def _raise_user_bug(*args):
    raise UserBug("bug in user code")


def _raise_in_scope(scope):
    def run(W):
        with scope():
            W.w * 2
            raise UserBug("bug in user code")
    return run


def _raise_in_function_forward(W):
    class F(mx.autograd.Function):
        def forward(self, x):
            raise UserBug("bug in user code")

        def backward(self, dy):
            return dy
    with mx.autograd.record():
        F()(W.w)


# (id, callable, exception class, regexes the message must match)
CASES = [
    ("add_shapes", lambda W: nd.ones((2, 3)) + nd.ones((3, 2)), MXNetError,
     [r"\(2, 3\)", r"\(3, 2\)", "broadcast"]),
    ("add_shapes_recorded", lambda W: W.w + nd.ones((4,)), MXNetError, [r"\(3,\)", r"\(4,\)"]),
    ("elemwise_add_shapes", lambda W: nd.elemwise_add(nd.ones((2, 3)), nd.ones((2, 1))),
     ShapeError, ["elemwise_add", r"\(2, 3\)", r"\(2, 1\)"]),
    ("dot_shapes", lambda W: nd.dot(nd.ones((2, 3)), nd.ones((2, 3))), ShapeError,
     ["dot", r"\(2, 3\) and \(2, 3\)", "not aligned"]),
    ("fc_weight", lambda W: nd.FullyConnected(nd.ones((2, 3)), nd.ones((4, 5)), nd.ones((4,)),
                                              num_hidden=4),
     ShapeError, ["FullyConnected", "weight", r"\(4, 5\)", r"\(4, 3\)"]),
    ("fc_bias", lambda W: nd.FullyConnected(nd.ones((2, 3)), nd.ones((4, 3)), nd.ones((3,)),
                                            num_hidden=4),
     ShapeError, ["FullyConnected", "bias", r"\(3,\)", r"\(4,\)"]),
    ("fc_missing_attr", lambda W: nd.FullyConnected(nd.ones((2, 3)), nd.ones((4, 3)),
                                                    nd.ones((4,))),
     ShapeError, ["FullyConnected", "num_hidden"]),
    ("reshape_size", lambda W: nd.ones((2, 3)).reshape((4,)), ShapeError,
     [r"\(2, 3\)", r"\(4,\)"]),
    ("reshape_fn_size", lambda W: nd.reshape(nd.ones((2, 3)), shape=(5,)), ShapeError,
     [r"\(2, 3\)", r"\(5,\)"]),
    ("reshape_two_infer", lambda W: nd.ones((2, 3)).reshape((-1, -1)), ShapeError,
     ["more than one -1"]),
    ("reshape_non_integer", lambda W: nd.ones((6,)).reshape((2.5, -1)), ShapeError,
     ["not a tuple of integers"]),
    ("dtype_array", lambda W: nd.array([1, 2], dtype="float33"), DTypeError, ["'float33'"]),
    ("dtype_zeros", lambda W: nd.zeros((2,), dtype="foo"), DTypeError, ["'foo'"]),
    ("dtype_astype", lambda W: W.w.astype("bogus"), DTypeError, ["'bogus'"]),
    ("dtype_cast", lambda W: nd.cast(W.w, dtype="bogus"), DTypeError, ["'bogus'"]),
    ("dtype_complex", lambda W: nd.array([1, 2], dtype="complex64"), DTypeError,
     ["complex64", "floating point"]),
    ("dtype_np_array", lambda W: mx.np.array([1, 2], dtype="float33"), DTypeError,
     ["'float33'"]),
    ("input_str", lambda W: nd.exp("junk"), DTypeError, ["input 0 is a str"]),
    ("input_str_second", lambda W: nd.dot(nd.ones((2, 2)), "x"), DTypeError,
     ["input 1 is a str"]),
    ("axis_not_int", lambda W: W.w.sum(axis="x"), ShapeError, ["axis must be an int", "'x'"]),
    ("operand_str", lambda W: W.w + "a", DTypeError, ["str"]),
    ("ragged", lambda W: nd.array([[1, 2], [3]]), ShapeError,
     ["ragged", r"item \[1\] has length 1", r"item \[0\] has length 2"]),
    ("ragged_deep", lambda W: nd.array([[[1], [2]], [[1], [2, 3]]]), ShapeError,
     [r"item \[1, 1\] has length 2"]),
    ("ragged_np", lambda W: mx.np.array([[1.0], 2.0]), ShapeError, ["ragged", "scalar"]),
    ("not_numbers", lambda W: nd.array(["a", "b"]), MXNetError, ["hold numbers"]),
    ("negative_shape", lambda W: nd.zeros((-1, 3)), ShapeError, ["negative", r"\(-1, 3\)"]),
    ("absurd_shape", lambda W: nd.zeros((10 ** 6, 10 ** 6, 10 ** 6)), ShapeError,
     ["too many to allocate"]),
    ("absurd_np_ones", lambda W: mx.np.ones((10 ** 7, 10 ** 7)), ShapeError,
     ["too many to allocate"]),
    ("absurd_full", lambda W: nd.full((10 ** 12, 10 ** 6), 3.0), ShapeError,
     ["too many to allocate"]),
    ("absurd_arange", lambda W: nd.arange(0, 1e15), ShapeError, ["arange", "too many"]),
    ("absurd_broadcast", lambda W: nd.broadcast_to(W.w[0:1], shape=(10 ** 7, 10 ** 7)),
     ShapeError, ["broadcast_to", "too many"]),
    ("larger_than_memory", lambda W: nd.zeros((RAM_F32 + 1,)), ShapeError,
     ["needs", "more than this machine's"]),
    ("larger_than_memory_np", lambda W: mx.np.ones((2, RAM_F32 // 2 + 1)), ShapeError,
     ["more than this machine's"]),
    ("larger_than_memory_random", lambda W: nd.random.uniform(shape=(RAM_F32 // 2 + 1,)),
     ShapeError, ["random", "more than this machine's"]),
    ("larger_than_memory_arange", lambda W: nd.arange(0, RAM_F32 + 1), ShapeError,
     ["arange", "more than this machine's"]),
    ("absurd_tile", lambda W: nd.tile(W.w, reps=(10 ** 9, 10 ** 9)), ShapeError,
     ["operator tile", r"f32\[1000000000,3000000000\]", "more than this machine's"]),
    ("absurd_repeat", lambda W: nd.repeat(W.w, repeats=RAM_F32), ShapeError,
     ["operator repeat", "more than this machine's"]),
    ("absurd_one_hot", lambda W: nd.one_hot(nd.array([1.0]), depth=RAM_F32 + 1), ShapeError,
     ["operator one_hot", "more than this machine's"]),
    ("non_integer_shape", lambda W: nd.zeros((2.5, 3)), ShapeError,
     ["not a tuple of integers"]),
    ("index_oob", lambda W: nd.ones((3, 4))[5], IndexingError,
     ["index 5", "axis 0", "size 3"]),
    ("index_oob_axis1", lambda W: nd.ones((3, 4))[1, 7], IndexingError,
     ["index 7", "axis 1", "size 4"]),
    ("index_negative", lambda W: W.w[-4], IndexingError, ["index -4", "size 3"]),
    ("index_too_many", lambda W: nd.ones((3, 4))[1, 2, 0], IndexingError,
     ["too many indices", "2-dimensional"]),
    ("index_np", lambda W: mx.np.ones((3, 4))[5], IndexingError, ["index 5"]),
    ("index_array_oob", lambda W: W.w[nd.array([5])], IndexingError, ["index 5", "size 3"]),
    ("index_array_float", lambda W: W.w[nd.array([0.5])], IndexingError, ["non-integer"]),
    ("out_shape", lambda W: nd.exp(W.w, out=nd.zeros((4,))), ShapeError,
     [r"out has shape \(4,\)", r"result has shape \(3,\)"]),
    ("dropout_axes", lambda W: nd.Dropout(W.w, p=0.5, axes=(3,), mode="always"), ShapeError,
     ["Dropout", "axis 3"]),
    ("setitem_oob", lambda W: nd.ones((3,)).__setitem__(5, 1.0), IndexingError, ["index 5"]),
    ("split_non_divisor", lambda W: nd.split(nd.ones((2, 3)), num_outputs=2, axis=1),
     ShapeError, ["split", "not divisible", "num_outputs=2", r"\(2, 3\)"]),
    ("sum_axis", lambda W: nd.sum(nd.ones((3, 4)), axis=2), ShapeError, ["sum", "axis 2"]),
    ("unknown_attr", lambda W: nd.exp(W.w, foo=1), ShapeError, ["exp", "'foo'"]),
    ("unknown_kwarg_sum", lambda W: nd.sum(W.w, axes=0), ShapeError,
     ["Cannot find argument 'axes'", "axis"]),
    ("unknown_kwarg_dot", lambda W: nd.dot(nd.ones((2, 3)), nd.ones((3, 2)), transpose_c=True),
     ShapeError, ["Cannot find argument 'transpose_c'", "transpose_a"]),
    ("unknown_kwarg_split", lambda W: nd.split(W.w, 3, axes=0), ShapeError,
     ["Cannot find argument 'axes'"]),
    ("concat_shapes", lambda W: nd.concat(nd.ones((2, 3)), nd.ones((3, 3)), dim=1),
     ShapeError, ["Concat", r"\(2, 3\)", r"\(3, 3\)"]),
    ("concat_nothing", lambda W: nd.concat(), MXNetError, ["at least one"]),
    ("backward_unrecorded", lambda W: nd.ones((2,)).backward(), MXNetError,
     ["not in a computational graph", "autograd.record"]),
    ("backward_unrecorded_marked", lambda W: _paused(lambda: W.w * 2).backward(), MXNetError,
     ["not in a computational graph"]),
    ("backward_twice", _backward_twice, MXNetError, ["freed by an earlier backward",
                                                     "retain_graph=True"]),
    ("backward_no_heads", lambda W: mx.autograd.backward([]), MXNetError, ["no heads"]),
    ("backward_head_not_array", lambda W: mx.autograd.backward([3.0]), MXNetError,
     ["head 0 is a float"]),
    ("head_grad_shape", _head_grad_shape, MXNetError,
     ["head gradient 0", r"shape \(3,\)", r"\(2, 3\)"]),
    ("head_grad_count", _head_grad_count, MXNetError, ["2 head gradients for 1 heads"]),
    ("head_grad_not_numbers", lambda W: _recorded(W, lambda x: x * 2)[1].backward("abc"),
     MXNetError, ["head gradient 0", "str", "not an array of numbers"]),
    ("grad_not_in_graph", _grad_not_in_graph, MXNetError,
     ["1-th variable", "not used in the computation"]),
    ("grad_unmarked", lambda W: mx.autograd.grad(W.retained, [nd.ones((3,))]), MXNetError,
     ["does not require gradient"]),
    ("grad_no_variables", lambda W: mx.autograd.grad(W.retained, []), MXNetError,
     ["no variables"]),
    ("mark_variables_lengths",
     lambda W: mx.autograd.mark_variables([nd.ones((2,)), nd.ones((2,))], [nd.zeros((2,))]),
     MXNetError, ["2 variables but 1 gradient buffers"]),
    ("mark_variables_reqs",
     lambda W: mx.autograd.mark_variables([W.w, nd.ones((2,))], [nd.zeros((3,)),
                                                                 nd.zeros((2,))],
                                          grad_reqs=["write"]),
     MXNetError, ["2 variables but 1 grad_reqs"]),
    ("mark_variables_buffer_shape",
     lambda W: mx.autograd.mark_variables([W.w], [nd.zeros((4,))]), MXNetError,
     [r"shape \(3,\)", r"shape \(4,\)"]),
    ("mark_variables_grad_req",
     lambda W: mx.autograd.mark_variables([W.w], [nd.zeros((3,))], "bogus"), GradReqError,
     ["'bogus'", "invalid grad_req"]),
    ("attach_grad_req", lambda W: W.w.attach_grad("bogus"), GradReqError,
     ["'bogus'", "'write', 'add' or 'null'"]),
    ("function_grad_count", _function_case(lambda dy: (dy, dy)), MXNetError,
     ["Function.backward of Bad", "returned 2 gradient", "took 1 input"]),
    ("function_grad_shape", _function_case(lambda dy: nd.ones((5,))), MXNetError,
     ["Function.backward of Bad", r"shape \(5,\)", r"shape \(2,\)"]),
    ("function_grad_type", _function_case(lambda dy: 3.0), MXNetError,
     ["Function.backward of Bad", "returned a float", "expected an NDArray"]),
    ("function_backward_raises", _function_case(_raise_user_bug), UserBug,
     ["bug in user code"]),
    ("function_forward_raises", _raise_in_function_forward, UserBug, ["bug in user code"]),
    ("raise_in_record", _raise_in_scope(mx.autograd.record), UserBug, ["bug in user code"]),
    ("raise_in_pause", _raise_in_scope(mx.autograd.pause), UserBug, ["bug in user code"]),
    ("raise_in_train_mode", _raise_in_scope(mx.autograd.train_mode), UserBug,
     ["bug in user code"]),
    ("raise_in_predict_mode", _raise_in_scope(mx.autograd.predict_mode), UserBug,
     ["bug in user code"]),
]


@pytest.mark.parametrize("recording", [False, True], ids=["plain", "in_record"])
@pytest.mark.parametrize("case_id, fn, error, patterns", CASES, ids=[c[0] for c in CASES])
def test_bad_input_raises_clearly_and_loses_nothing(world, recording, case_id, fn, error,
                                                    patterns):
    scope = mx.autograd.record() if recording else mx.autograd.pause(train_mode=False)
    with scope:
        world.recording = mx.autograd.is_recording()
        world.training = mx.autograd.is_training()
        world.gc_state = (gc.isenabled(), gc.get_threshold())
        with pytest.raises(error) as info:
            fn(world)
        message = str(info.value)
        for pattern in patterns:
            assert re.search(pattern, message), "%r not in message %r" % (pattern, message)
        world.assert_intact()
    assert not mx.autograd.is_recording()


def test_every_tapegraph_error_is_an_mxnet_error():
    """`except mx.base.MXNetError` catches every error tapegraph itself raises."""
    for case_id, fn, error, _ in CASES:
        if error is not UserBug:
            assert issubclass(error, MXNetError), case_id


def test_failing_backward_keeps_the_graph_for_a_correct_retry():
    """A backward that fails validation frees nothing: the same head differentiates."""
    x = nd.array([1.0, 2.0, 3.0])
    x.attach_grad()
    with mx.autograd.record():
        y = x * x
    for bad in (lambda: y.backward(nd.ones((4,))),
                lambda: mx.autograd.backward([y], [nd.ones((3,)), nd.ones((3,))]),
                lambda: mx.autograd.grad(y, [])):
        with pytest.raises(MXNetError):
            bad()
        np.testing.assert_array_equal(x.grad.asnumpy(), [0.0, 0.0, 0.0])
    y.backward(nd.array([1.0, 10.0, 100.0]))
    np.testing.assert_allclose(x.grad.asnumpy(), [2.0, 40.0, 600.0])


def test_failing_function_backward_keeps_graph_and_buffers():
    """A Function whose backward raises: the graph survives and can be differentiated
    once the bug is fixed; the gradient buffer is never half-written."""
    class Flaky(mx.autograd.Function):
        fail = True

        def forward(self, x):
            return x * 3

        def backward(self, dy):
            if Flaky.fail:
                raise UserBug("not yet")
            return dy * 3

    x = nd.array([1.0, 2.0])
    x.attach_grad()
    x.grad[:] = 7.0
    with mx.autograd.record():
        y = Flaky()(x) + x
    with pytest.raises(UserBug) as info:
        y.backward()
    assert any("Flaky.backward" in note for note in getattr(info.value, "__notes__", []))
    np.testing.assert_array_equal(x.grad.asnumpy(), [7.0, 7.0])
    assert not mx.autograd.is_recording()
    Flaky.fail = False
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), [4.0, 4.0])


def test_function_checks_apply_to_create_graph_too():
    class Bad(mx.autograd.Function):
        def forward(self, x):
            return x * 2

        def backward(self, dy):
            return nd.ones((5,))

    x = nd.array([1.0, 2.0])
    x.attach_grad()
    with mx.autograd.record():
        y = Bad()(x)
        with pytest.raises(MXNetError, match=r"gradient 0 of shape \(5,\)"):
            mx.autograd.grad(y, [x], create_graph=True)
        assert mx.autograd.is_recording()
    assert not mx.autograd.is_recording()


def test_non_differentiable_error_names_the_node_and_caches_nothing():
    from tapegraph.runtime import PLAN_CACHE
    x = nd.array([1.0, -2.0])
    x.attach_grad()
    with mx.autograd.record():
        y = mx.autograd.grad(nd.sign(x) * x, [x], create_graph=True)[0]
    size = len(PLAN_CACHE)
    with pytest.raises(MXNetError) as info:
        y.backward()
    assert "non-differentiable" in str(info.value)
    assert len(PLAN_CACHE) == size
    np.testing.assert_array_equal(x.grad.asnumpy(), [0.0, 0.0])


def test_execute_checks_input_types_before_running():
    from tapegraph.base import ExecutionError
    from tapegraph.ir import parse
    from tapegraph.runtime import execute
    g = parse("graph f(%x: f32[2]) -> (f32[2]) {\n  %0: f32[2] = exp(%x)\n  return (%0)\n}")
    with pytest.raises(ExecutionError, match=r"input 0 must be f32\[2\], got an array of "
                                             r"shape \(3,\) and dtype float32"):
        execute(g, [np.ones(3, np.float32)])
    with pytest.raises(ExecutionError, match="dtype float64"):
        execute(g, [np.ones(2)])
    with pytest.raises(ExecutionError, match="takes 1 inputs, got 0"):
        execute(g, [])
    np.testing.assert_allclose(execute(g, [np.zeros(2, np.float32)])[0], [1.0, 1.0])


def test_mxnet_call_keywords_are_still_accepted():
    a, b = nd.ones((2, 3)), nd.ones((2, 3))
    assert nd.concat(a, b, dim=1, num_args=2, name="c").shape == (2, 6)
    assert nd.sum(a, axis=1, name="s").shape == (2,)
    assert nd.dot(a, b, transpose_b=True, name="d").shape == (2, 2)


def test_np_functions_honour_out_and_reject_unknown_keywords():
    """mx.np functions used to ignore `out=`, `initial=` and unknown keywords silently."""
    x = mx.np.array([1.0, 2.0])
    buf = mx.np.zeros((2,))
    assert mx.np.exp(x, out=buf) is buf
    np.testing.assert_allclose(buf.asnumpy(), np.exp([1.0, 2.0]), rtol=1e-6)
    assert float(mx.np.sum(x, initial=5.0)) == 8.0
    assert mx.np.sum(x, dtype="float64").dtype == np.float64
    with pytest.raises(ShapeError, match=r"out has shape \(3,\)"):
        mx.np.exp(x, out=mx.np.zeros((3,)))
    np.testing.assert_allclose(buf.asnumpy(), np.exp([1.0, 2.0]), rtol=1e-6)
    for call in (lambda: mx.np.exp(x, foo=1), lambda: mx.np.maximum(x, x, where=True),
                 lambda: mx.np.add(x, x, casting="unsafe")):
        with pytest.raises(TypeError, match="unexpected keyword argument"):
            call()


def test_errors_on_deferred_arrays_lose_nothing():
    """Large recorded arrays are pending (tapegraph.accel.lazy) until read: bad input on them
    raises the same clear errors and the graph still differentiates."""
    from tapegraph.accel import lazy
    n = lazy.LAZY_MIN if lazy.LAZY_MIN else 1 << 20
    x = nd.array(np.linspace(0, 1, n, dtype=np.float32))
    x.attach_grad()
    with mx.autograd.record():
        y = nd.exp(x) * 2
        for bad, error in ((lambda: y + nd.ones((5,)), MXNetError),
                           (lambda: y.reshape((3, -1)), ShapeError),
                           (lambda: y[n + 3], IndexingError),
                           (lambda: nd.dot(y, nd.ones((2,))), ShapeError)):
            with pytest.raises(error):
                bad()
        assert mx.autograd.is_recording()
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), 2 * np.exp(x.asnumpy()), rtol=1e-5)


def test_user_error_in_function_backward_during_create_graph_restores_state():
    class Broken(mx.autograd.Function):
        def forward(self, x):
            return x * 2

        def backward(self, dy):
            raise UserBug("bug in user code")

    x = nd.array([1.0, 2.0])
    x.attach_grad()
    before = (gc.isenabled(), gc.get_threshold())
    with pytest.raises(UserBug):
        with mx.autograd.record():
            y = Broken()(x)
            mx.autograd.grad(y, [x], create_graph=True)
    assert not mx.autograd.is_recording()
    assert (gc.isenabled(), gc.get_threshold()) == before
