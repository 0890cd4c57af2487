"""Kernel fast paths for small arrays (pick along the last axis in mode 'clip', mean over
one element, FullyConnected below the transposed-product size) and their per-shape
plans: each must give the general path's values for every shape it is planned for."""
import numpy as np
import pytest

from tapegraph.ir import get_op
from tapegraph.ir.ops import indexing, reduce as reduce_ops

PICK = get_op("pick").kernel
MEAN = get_op("mean").kernel
FC = get_op("FullyConnected").kernel


def _pick_reference(x, index, axis, keepdims):
    """MXNet's clip-mode pick: indices truncated to integers and clipped to the axis."""
    i = np.clip(np.asarray(index).astype(np.int64), 0, x.shape[axis] - 1)
    i = i.reshape(x.shape[:axis] + (1,) + x.shape[axis + 1:])
    out = np.take_along_axis(x, i, axis=axis)
    return out if keepdims else np.squeeze(out, axis=axis)


@pytest.mark.parametrize("shape", [(5,), (4, 6), (2, 3, 4), (0, 3)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_pick_last_axis_clip_matches_the_reference_for_each_shape(shape, keepdims):
    rng = np.random.RandomState(0)
    x = rng.randn(*shape).astype(np.float32)
    n = shape[-1]
    for trial in range(3):  # the shape's plan is reused: new indices must be honoured
        idx = rng.uniform(-2, n + 2, size=shape[:-1]).astype(np.float32)  # out of range too
        if keepdims and trial == 2:
            idx = idx.reshape(shape[:-1] + (1,))
        for axis in (-1, len(shape) - 1):
            got = PICK(x, idx, axis=axis, keepdims=keepdims, mode="clip")
            want = _pick_reference(x, idx, len(shape) - 1, keepdims)
            assert got.shape == want.shape and got.dtype == x.dtype
            np.testing.assert_array_equal(got, want)


def test_pick_last_axis_takes_a_non_contiguous_input_and_integer_indices():
    x = np.arange(24, dtype=np.float64).reshape(4, 6)[:, ::2]  # a strided view
    idx = np.array([0, 2, 5, -1], dtype=np.int32)
    np.testing.assert_array_equal(PICK(x, idx, axis=1, keepdims=False, mode="clip"),
                                  _pick_reference(x, idx, 1, False))
    assert not indexing._PICK_LAST[((4, 3), False)][1].flags.writeable  # plans are frozen


def test_pick_other_modes_and_axes_keep_the_general_path():
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    np.testing.assert_array_equal(PICK(x, np.array([5., 1., 2.]), axis=1, keepdims=False,
                                       mode="wrap"), [1, 5, 10])
    np.testing.assert_array_equal(PICK(x, np.array([0., 2., 1., 9.]), axis=0,
                                       keepdims=False, mode="clip"), [0, 9, 6, 11])


@pytest.mark.parametrize("shape,axis,exclude,keepdims", [
    ((8, 1), 0, True, False), ((8, 1), 1, False, True), ((1,), None, False, False),
    ((3, 1, 2), (1,), False, False), ((8, 4), 0, True, False), ((2, 0), 1, False, False)])
def test_mean_plans_give_numpys_mean(shape, axis, exclude, keepdims):
    rng = np.random.RandomState(1)
    for _ in range(2):  # again with the shape's plan cached, on new values
        x = rng.randn(*shape).astype(np.float32)
        got = MEAN(x, axis=axis, keepdims=keepdims, exclude=exclude)
        axes = reduce_ops.reduce_axes(shape, {"axis": axis, "exclude": exclude}, "mean")
        want = (np.zeros(np.sum(x, axis=axes, keepdims=keepdims).shape, np.float32)
                if x.size == 0 else np.mean(x, axis=axes, keepdims=keepdims))
        assert got.shape == want.shape and got.dtype == np.float32
        np.testing.assert_array_equal(got, want)


def test_mean_of_one_element_is_a_copy_not_a_view():
    x = np.array([[1.5], [-0.0], [np.nan]], dtype=np.float32)
    got = MEAN(x, axis=0, keepdims=False, exclude=True)
    assert np.signbit(got[1]) and np.isnan(got[2])
    got[0] = 7.0
    assert x[0, 0] == 1.5  # writing the result leaves the input alone


@pytest.mark.parametrize("batch,units,k", [(8, 16, 20), (8, 512, 784), (64, 10, 16)])
def test_fully_connected_small_and_transposed_forms_agree(batch, units, k):
    rng = np.random.RandomState(2)
    x = rng.randn(batch, k).astype(np.float32)
    w = rng.randn(units, k).astype(np.float32)
    b = rng.randn(units).astype(np.float32)
    want = x.astype(np.float64) @ w.T.astype(np.float64) + b
    got = FC(x, w, b, num_hidden=units, no_bias=False, flatten=True)
    assert got.flags.c_contiguous and got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
    got = FC(x.reshape(batch, 1, k), w, num_hidden=units, no_bias=True, flatten=True)
    np.testing.assert_allclose(got, want - b, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int32", "uint8", "bool"])
def test_relu_against_a_zero_of_the_dtype_is_numpys_maximum_with_zero(dtype):
    x = np.array([-2.5, -0.0, 0.0, np.nan, -np.inf, 3.0]).astype(dtype) if dtype[0] == "f" \
        else np.array([0, 1, 5]).astype(dtype)
    for kernel in (get_op("relu").kernel, lambda a: get_op("Activation").kernel(
            a, act_type="relu")):
        got, want = kernel(x), np.maximum(x, 0)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
        assert (np.signbit(got) == np.signbit(want)).all()


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("shape", [(4096,), (64, 6, 24, 24), (3, 5000)])
def test_relu_of_large_arrays_against_kept_zeros_is_numpys_maximum_bit_for_bit(dtype, shape):
    """Large C-contiguous floats meet a view of a kept read-only zero buffer: the same bits
    as np.maximum(x, 0) (signed zeros, NaN payloads), for contiguous and strided inputs."""
    rng = np.random.RandomState(5)
    x = rng.randn(*shape).astype(dtype)
    flat = x.reshape(-1)
    flat[::7], flat[1::11], flat[2::13] = -0.0, np.nan, -np.nan
    bits = "u%d" % x.itemsize
    relu = get_op("relu").kernel
    for a in (x, x[..., ::2], np.asfortranarray(x)):
        got, want = relu(a), np.maximum(a, 0)
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_array_equal(got.view(bits), want.view(bits))
    kept = relu(x)  # the result is a fresh writable array, the zeros stay zeros
    assert kept.flags.writeable
    kept[...] = 1
    assert not relu(-np.abs(np.nan_to_num(x))).any()


SUM = get_op("sum").kernel


@pytest.mark.parametrize("shape,axes", [
    ((64, 6, 24, 24), (0, 2, 3)), ((64, 512), (0,)), ((64, 512), (1,)), ((8, 4, 130), (2,)),
    ((130, 40), (0, 1)), ((3, 64, 70), (0,)), ((4, 5, 6, 300), (0, 1, 3)),
    ((40, 300), (-1,)), ((2, 3, 4, 900), (1,)), ((3, 20000), (1,)), ((9000, 5), (0,))])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("keepdims", [False, True])
def test_sum_over_leading_and_trailing_axes_as_products_matches_numpy(shape, axes, dtype,
                                                                     keepdims):
    """Sums over a prefix and/or suffix of the axes run as products with ones (BLAS); other
    axes, long runs and non-contiguous inputs keep np.add.reduce: same shape, dtype and
    values (to the rounding of the summation order) either way."""
    x = np.random.RandomState(1).randn(*shape).astype(dtype)
    for arr in (x, x[..., ::-1]):  # the second is not C-contiguous
        got = SUM(arr, axis=axes, keepdims=keepdims, exclude=False)
        want = np.sum(arr.astype(np.float64), axis=axes, keepdims=keepdims)
        assert got.shape == want.shape and got.dtype == x.dtype
        np.testing.assert_allclose(got, want, rtol=2e-5 if dtype == np.float32 else 1e-12,
                                   atol=1e-3 if dtype == np.float32 else 1e-9)


def test_sum_as_a_product_keeps_nan_and_inf_and_its_ones_read_only():
    x = np.ones((64, 6, 24, 24), np.float32)
    x[3, 2, 5, 7] = np.nan
    x[4, 1, 0, 0] = np.inf
    got = SUM(x, axis=(0, 2, 3), keepdims=False, exclude=False)
    assert np.isnan(got[2]) and np.isinf(got[1]) and got[0] == 64 * 576
    assert reduce_ops._gemv_plan(x.shape, (0, 2, 3)) == (384, 576, 64)
    assert reduce_ops._gemv_plan(x.shape, (1,)) is None  # a middle axis: np.add.reduce
    assert not reduce_ops._ones(576, np.dtype(np.float32)).flags.writeable
