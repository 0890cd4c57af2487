"""The stride-1 convolution kernels (flat columns in reused scratch buffers): results are
new arrays that later calls do not overwrite, float32 stays float32, and they agree with
the strided-window path and with the direct-loop reference."""
import numpy as np
import pytest

import tapegraph as mx
from tapegraph.ir.ops import _windows

from op_refs import _conv_nd_ref, _deconv_nd_ref, _deconv_ref


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_results_are_fresh_arrays_in_the_input_dtype(dtype):
    rng = np.random.RandomState(0)
    x = mx.nd.array(rng.uniform(-1, 1, (2, 3, 7, 6)), dtype=dtype)
    w = mx.nd.array(rng.uniform(-1, 1, (4, 3, 3, 2)), dtype=dtype)
    x.attach_grad()
    w.attach_grad()
    with mx.autograd.record():
        y = mx.nd.Convolution(x, w, kernel=(3, 2), num_filter=4, no_bias=True)
    first = y.asnumpy().copy()
    y.backward(mx.nd.ones_like(y))
    dx, dw = x.grad.asnumpy().copy(), w.grad.asnumpy().copy()
    # more calls of every kernel with other shapes and values reuse the scratch buffers
    for shape in ((1, 3, 9, 9), (3, 3, 5, 5)):
        z = mx.nd.array(rng.uniform(-1, 1, shape), dtype=dtype)
        z.attach_grad()
        with mx.autograd.record():
            out = mx.nd.Convolution(z, w, kernel=(3, 2), num_filter=4, no_bias=True)
        out.backward(mx.nd.ones_like(out))
    np.testing.assert_array_equal(y.asnumpy(), first)
    np.testing.assert_array_equal(x.grad.asnumpy(), dx)
    assert y.dtype == np.dtype(dtype) and x.grad.dtype == np.dtype(dtype)
    np.testing.assert_allclose(first, _conv_nd_ref(x.asnumpy().astype(np.float64),
                                                   w.asnumpy().astype(np.float64),
                                                   stride=(1, 1), pad=(0, 0), dilate=(1, 1)),
                               rtol=1e-5, atol=1e-5)
    assert dw.dtype == np.dtype(dtype)


def test_flat_and_strided_paths_agree():
    rng = np.random.RandomState(1)
    x = rng.uniform(-1, 1, (2, 4, 6, 7))
    w = rng.uniform(-1, 1, (6, 2, 3, 3))
    b = rng.uniform(-1, 1, 6)
    k, dl, p = (3, 3), (1, 2), (1, 0)
    out = (6, 3)
    flat = _windows.conv_forward(x, w, b, k, (1, 1), dl, p, out, 2)
    cols = _windows.im2col(x, k, (1, 1), dl, p, out).reshape(2, 2, 18, -1)
    strided = np.matmul(w.reshape(2, 3, 18), cols).reshape((2, 6) + out) + b.reshape(1, 6, 1, 1)
    np.testing.assert_allclose(flat, strided, rtol=1e-12, atol=1e-12)
    g = rng.uniform(-1, 1, (2, 6) + out)
    dw = _windows.conv_weight_grad(x, g, k, (1, 1), dl, p, 2)
    cols = cols.transpose(1, 2, 0, 3).reshape(2, 18, -1)
    gg = g.reshape(2, 2, 3, -1).transpose(1, 2, 0, 3).reshape(2, 3, -1)
    np.testing.assert_allclose(dw.reshape(2, 3, 18), gg @ cols.transpose(0, 2, 1), rtol=1e-12)


# Deconvolution at stride 1 folds the last kernel axis into its per-sample products (a
# Toeplitz copy of the input) and adds them as (F, N * P) lines (one shifted addition per
# offset of the other kernel axes, chunks of offsets at a time), in a buffer whose
# per-sample tails are kept zero from call to call: cases of every shape kind, run thrice
# in interleaved order (a layout seen before reuses the buffer unzeroed, a new one zeroes
# it).
DECONV_CASES = [  # (data shape, weight shape, pad, dilate, groups, bias)
    ((1, 3, 5, 7), (3, 2, 3, 2), (1, 0), (1, 1), 1, True),       # batch of 1, odd sizes
    ((3, 4, 6, 5), (4, 3, 3, 3), (1, 1), (2, 1), 2, True),       # groups, dilation
    ((2, 4, 5, 6), (4, 2, 3, 3), (0, 1), (1, 2), 2, True),       # dilated last axis
    ((2, 6, 4, 4), (6, 3, 1, 1), (0, 0), (1, 1), 3, False),      # 1x1 kernel
    ((4, 16, 8, 8), (16, 6, 5, 5), (0, 0), (1, 1), 1, False),    # LeNet's conv2 data grad
    ((2, 2, 7), (2, 3, 3), (1,), (1,), 1, True),                 # 1-D
    ((2, 2, 3, 4, 3), (2, 1, 2, 2, 2), (1, 0, 1), (1, 1, 1), 2, False),  # 3-D
]


def _deconv_reference(u, w, b, pad, dilate, groups):
    if u.ndim == 4:
        return _deconv_ref(u, w, *([b] if b is not None else []), pad=pad, dilate=dilate,
                           groups=groups)
    assert all(d == 1 for d in dilate)
    return _deconv_nd_ref(u, w, *([b] if b is not None else []), stride=(1,) * len(pad),
                          pad=pad, adj=(0,) * len(pad), groups=groups)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
# offsets per chunk: all, one, and (first case) 2 then 1 in float32, 1 in float64
@pytest.mark.parametrize("chunk_bytes", [1 << 20, 1, 1000])
def test_stride1_deconvolution_lines_match_direct_loops(dtype, chunk_bytes, monkeypatch):
    monkeypatch.setattr(_windows, "CHUNK_BYTES", chunk_bytes)
    rng = np.random.RandomState(2)
    runs = []
    for ushape, wshape, pad, dilate, groups, has_bias in DECONV_CASES:
        u = rng.uniform(-1, 1, ushape).astype(dtype)
        w = rng.uniform(-1, 1, wshape).astype(dtype)
        b = rng.uniform(-1, 1, wshape[1] * groups).astype(dtype) if has_bias else None
        k = wshape[2:]
        out = tuple(x + d * (kk - 1) - 2 * p for x, kk, d, p in zip(ushape[2:], k, dilate, pad))
        runs.append((u, w, b, k, dilate, pad, out, groups,
                     _deconv_reference(u, w, b, pad, dilate, groups)))
    tol = 1e-5 if dtype == "float32" else 1e-12
    for u, w, b, k, dilate, pad, out, groups, want in runs + runs[::-1] + runs:
        got = _windows.conv_transpose(u, w, b, k, (1,) * len(k), dilate, pad, out, groups)
        assert got.dtype == np.dtype(dtype) and got.flags.c_contiguous
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


def _wgrad_reference(x, gy, k, dilate, pad, groups):
    """sum over batch and output positions of cotangent * window, from NumPy's window view."""
    d = len(k)
    xp = np.pad(x, ((0, 0), (0, 0)) + tuple((p, p) for p in pad))
    span = tuple((kk - 1) * dl + 1 for kk, dl in zip(k, dilate))
    win = np.lib.stride_tricks.sliding_window_view(xp, span, axis=tuple(range(2, 2 + d)))
    win = win[(Ellipsis,) + tuple(slice(None, None, dl) for dl in dilate)]
    n, c, f = x.shape[0], x.shape[1], gy.shape[1]
    win = win.reshape((n, groups, c // groups) + win.shape[2:])
    g = gy.reshape((n, groups, f // groups) + gy.shape[2:])
    spatial = "ijk"[:d]
    kernel = "uvw"[:d]
    dw = np.einsum("ngf%s,ngc%s%s->gfc%s" % (spatial, spatial, kernel, kernel), g, win)
    return dw.reshape((f, c // groups) + tuple(k))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("filters", [6, 32])  # per group: < 16 (N, F, L) cotangent, else (N, L, F)
def test_stride1_weight_grad_both_cotangent_layouts(dtype, filters):
    rng = np.random.RandomState(3)
    cases = [((1, 4, 9, 7), (3, 3), (1, 2), (1, 1), 2),     # batch of 1, groups, dilation
             ((3, 2, 6), (3,), (1,), (1,), 1),               # 1-D
             ((2, 2, 4, 5, 4), (2, 3, 2), (1, 1, 1), (1, 0, 1), 2)]  # 3-D
    tol = 1e-5 if dtype == "float32" else 1e-12
    for shape, k, dilate, pad, groups in cases:
        x = rng.uniform(-1, 1, shape).astype(dtype)
        out = tuple(s + 2 * p - d * (kk - 1) for s, kk, d, p in zip(shape[2:], k, dilate, pad))
        gy = rng.uniform(-1, 1, (shape[0], filters * groups) + out).astype(dtype)
        got = _windows.conv_weight_grad(x, gy, k, (1,) * len(k), dilate, pad, groups)
        assert got.dtype == np.dtype(dtype)
        np.testing.assert_allclose(got, _wgrad_reference(x, gy, k, dilate, pad, groups),
                                   rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", ["float16", "int32", "complex64", "bool"])
def test_copy_rows_equals_copyto(dtype):
    rng = np.random.RandomState(4)
    src = (rng.uniform(-3, 3, (3, 4, 9)) * 2).astype(dtype)
    for dst_index, src_index in [((slice(None), slice(None), slice(0, 5)),
                                  (slice(None), slice(None, None, -1), slice(2, 7))),
                                 ((slice(None), slice(1, 3), slice(None)),
                                  (slice(None), slice(0, 2), slice(None))),
                                 ((slice(None), 0, slice(None, None, 2)),
                                  (slice(None), 1, slice(0, 5)))]:
        dst = np.zeros((3, 4, 9), dtype)
        want = dst.copy()
        np.copyto(want[dst_index], src[src_index])
        _windows.copy_rows(dst[dst_index], src[src_index])
        np.testing.assert_array_equal(dst, want)


# Stride-1 convolutions with output rows of 16 and more (and 1-D ones) read window columns
# (each window row copied once, no flat runs); shorter rows keep the flat runs.
WINDOW_CASES = [  # (data shape, weight shape, pad, dilate, groups)
    ((1, 4, 5, 20), (6, 2, 3, 3), (1, 1), (1, 2), 2),       # batch of 1, groups, dilation
    ((3, 1, 18, 21), (4, 1, 3, 5), (0, 2), (1, 1), 1),      # odd sizes, padding
    ((2, 2, 3, 3, 18), (4, 2, 2, 2, 3), (0, 1, 0), (1, 1, 1), 1),  # 3-D
    ((2, 3, 9), (6, 1, 3), (1,), (2,), 3),                  # 1-D: short rows, still windows
    ((2, 2, 6, 7), (32, 2, 3, 3), (1, 1), (1, 1), 1),       # short rows: flat runs
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_stride1_window_columns_match_direct_loops(dtype):
    rng = np.random.RandomState(5)
    tol = 1e-5 if dtype == "float32" else 1e-12
    for xshape, wshape, pad, dilate, groups in WINDOW_CASES:
        x = rng.uniform(-1, 1, xshape).astype(dtype)
        w = rng.uniform(-1, 1, wshape).astype(dtype)
        b = rng.uniform(-1, 1, wshape[0]).astype(dtype)
        k = wshape[2:]
        out = tuple(s + 2 * p - d * (kk - 1) for s, kk, d, p in zip(xshape[2:], k, dilate, pad))
        y = _windows.conv_forward(x, w, b, k, (1,) * len(k), dilate, pad, out, groups)
        assert y.dtype == np.dtype(dtype) and y.flags.c_contiguous
        np.testing.assert_allclose(y, _conv_nd_ref(x, w, b, stride=(1,) * len(k), pad=pad,
                                                   dilate=dilate, groups=groups),
                                   rtol=tol, atol=tol)
        gy = rng.uniform(-1, 1, y.shape).astype(dtype)
        dw = _windows.conv_weight_grad(x, gy, k, (1,) * len(k), dilate, pad, groups)
        np.testing.assert_allclose(dw, _wgrad_reference(x, gy, k, dilate, pad, groups),
                                   rtol=tol, atol=tol)


def test_strided_views_match_as_strided_and_stay_inside_their_buffer():
    """`_windows.strided` builds the columns' views without as_strided for contiguous
    arrays: same elements (also from an offset into the last axis, and for a
    non-contiguous base through the as_strided fallback), and a view reaching past the
    buffer is refused instead of reading foreign memory."""
    from numpy.lib.stride_tricks import as_strided
    from tapegraph.ir.ops._windows import strided
    x = np.arange(2 * 3 * 10, dtype=np.float32).reshape(2, 3, 10)
    shape, strides = (2, 3, 4, 5), x.strides[:2] + (4, 4)
    np.testing.assert_array_equal(strided(x, shape, strides), as_strided(x, shape, strides))
    np.testing.assert_array_equal(strided(x, shape, strides, 8),
                                  as_strided(x[..., 2:], shape, strides))
    t = x.transpose(1, 0, 2)  # not C-contiguous
    np.testing.assert_array_equal(strided(t, (3, 2, 4), t.strides[:2] + (4,), 4),
                                  t[:, :, 1:5])
    with pytest.raises(ValueError):
        strided(x, (2, 3, 4, 5), x.strides[:2] + (4, 40))


def test_window_and_out_size_are_remembered_but_errors_are_not():
    from tapegraph.ir.ops import conv
    attrs = {"kernel": (3, 3), "stride": (), "dilate": (), "pad": (1, 1)}
    assert conv.out_size((6, 6), attrs, "Convolution") == (6, 6)
    assert conv.window(attrs, "Convolution") == ((3, 3), (1, 1), (1, 1), (1, 1))
    assert conv.out_size((6, 6), attrs, "Convolution") == (6, 6)  # from the memo
    bad = dict(attrs, pad=(0, 0), kernel=(7, 7))
    for _ in range(2):
        with pytest.raises(Exception, match="does not fit"):
            conv.out_size((6, 6), bad, "Convolution")
    with pytest.raises(Exception, match="must have 2 entries"):
        conv.window(dict(attrs, stride=[1, 1, 1]), "Convolution")  # a list: not memoized


@pytest.mark.parametrize("hybridize", [False, True])
def test_an_empty_batch_convolves_to_an_empty_batch(hybridize):
    """A batch of 0 images (np shape semantics): the forward gives (0, F, *out), the weight
    gradient zeros, the data gradient (0, C, *in), the bias gradient zeros. (MXNet 1.9.1
    fails an internal check on this; PyTorch returns the empty batch.)"""
    from tapegraph import autograd, gluon
    net = gluon.nn.HybridSequential()
    net.add(gluon.nn.Conv2D(3, 3, in_channels=2), gluon.nn.Conv2DTranspose(2, 3, in_channels=3))
    net.initialize()
    if hybridize:
        net.hybridize()
    x = mx.nd.array(np.zeros((0, 2, 6, 6), np.float32))
    x.attach_grad()
    with autograd.record():
        y = net(x)
    y.backward()
    assert y.shape == (0, 2, 6, 6) and x.grad.shape == (0, 2, 6, 6)
    for p in net.collect_params().values():
        assert p.grad().shape == p.shape and not p.grad().asnumpy().any()


def test_no_input_channels_give_the_bias():
    x = np.zeros((2, 0, 5, 5), np.float32)
    w = np.zeros((3, 0, 3, 3), np.float32)
    b = np.array([1., 2., 3.], np.float32)
    y = _windows.conv_forward(x, w, b, (3, 3), (1, 1), (1, 1), (0, 0), (3, 3), 1)
    assert y.shape == (2, 3, 3, 3) and (y[:, :, 1, 1] == b).all()
