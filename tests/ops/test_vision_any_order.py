"""The vision, region and deformable-convolution operators are compositions of registered
operators: their gradients of order 1 to 3 match float64 finite differences
(mx.test_utils.gradcheck), in every differentiable input (BilinearSampler's grid,
Correlation's two images, the deformable offsets, masks and weights)."""
from __future__ import annotations

import numpy as np
import pytest

import tapegraph as mx
from tapegraph.test_utils import gradcheck

rng = np.random.RandomState(5)
IMG = rng.uniform(-1, 1, (1, 2, 4, 5))
# grid points kept away from pixel centres (where the bilinear weights have kinks)
GRID = (np.floor(rng.uniform(-1, 4, (1, 2, 2, 3))) + rng.uniform(0.2, 0.8, (1, 2, 2, 3)))
GRID = GRID / np.array([4 / 2.0, 3 / 2.0])[None, :, None, None] - 1.0
# offsets keeping the samples inside the image and off integer coordinates
OFFSETS = rng.uniform(0.1, 0.4, (1, 8, 3, 4))
WEIGHT = rng.uniform(-1, 1, (2, 2, 2, 2))
ROIS = np.array([[0, 0.4, 0.6, 3.2, 2.7], [0, 1.9, 0.2, 4.6, 3.4]])

PROGRAMS = {
    "LRN": (lambda x: mx.nd.LRN(x, nsize=3, alpha=0.5, beta=0.75, knorm=1.0), [IMG]),
    "Crop_crop": (lambda x: mx.nd.Crop(x, h_w=(3, 2), offset=(1, 1)) ** 2
                  + mx.nd.crop(x, begin=(0, 0, 0, 1), end=(1, 2, 3, 3)) * x[:, :, :3, 3:], [IMG]),
    "im2col_col2im": (lambda x: mx.nd.col2im(mx.nd.im2col(x, kernel=(2, 2), pad=(1, 0)) ** 2,
                                             output_size=(4, 5), kernel=(2, 2), pad=(1, 0)),
                      [IMG]),
    "GridGenerator": (lambda t, f: mx.nd.GridGenerator(t, transform_type="affine",
                                                       target_shape=(2, 3)) ** 2
                      + mx.nd.GridGenerator(f, transform_type="warp") ** 3,
                      [rng.uniform(-1, 1, (2, 6)), rng.uniform(-1, 1, (1, 2, 2, 3))]),
    "BilinearSampler": (lambda x, g: mx.nd.BilinearSampler(x, g) * mx.nd.sum(g), [IMG, GRID]),
    "Correlation": (lambda a, b: mx.nd.Correlation(a, b, kernel_size=1, max_displacement=1,
                                                   pad_size=1) ** 2, [IMG, IMG[:, ::-1]]),
    "Correlation_k3_abs": (lambda a, b: mx.nd.Correlation(
        a, b, kernel_size=3, max_displacement=1, stride1=2, pad_size=1, is_multiply=False),
                           [IMG, IMG[:, :, ::-1] * 0.5]),
    "AdaptiveAvgPooling2D": (lambda x: mx.nd.contrib.AdaptiveAvgPooling2D(
        x, output_size=(3, 2)) ** 3, [IMG]),
    "BilinearResize2D": (lambda x: mx.nd.contrib.BilinearResize2D(
        x, height=5, width=3, align_corners=False) ** 3, [IMG]),
    "ROIPooling": (lambda x: mx.nd.ROIPooling(x, mx.nd.array(ROIS), pooled_size=(2, 2),
                                              spatial_scale=1.0) ** 3, [IMG]),
    "ROIAlign": (lambda x: mx.nd.contrib.ROIAlign(x, mx.nd.array(ROIS), pooled_size=(2, 1),
                                                  spatial_scale=1.0, sample_ratio=2) ** 3,
                 [IMG]),
    "PSROIPooling": (lambda x: mx.nd.contrib.PSROIPooling(
        x, mx.nd.array(ROIS), spatial_scale=1.0, output_dim=2, pooled_size=2, group_size=1)
                     ** 3, [IMG]),
    "DeformablePSROIPooling": (lambda x, t: mx.nd.contrib.DeformablePSROIPooling(
        x, mx.nd.array(ROIS), t, spatial_scale=1.0, output_dim=2, group_size=1, pooled_size=2,
        sample_per_part=2, trans_std=0.1) ** 3, [IMG, rng.uniform(-0.5, 0.5, (2, 2, 2, 2))]),
    "RROIAlign": (lambda x: mx.nd.contrib.RROIAlign(
        x, mx.nd.array([[0, 2.1, 1.7, 2.6, 1.9, 25.0]]), pooled_size=(2, 2), spatial_scale=1.0,
        sampling_ratio=2) ** 3, [IMG]),
    "DeformableConvolution": (lambda x, o, w: mx.nd.contrib.DeformableConvolution(
        x, o, w, kernel=(2, 2), num_filter=2, no_bias=True) ** 2, [IMG, OFFSETS, WEIGHT]),
    "ModulatedDeformableConvolution": (lambda x, o, m, w: mx.nd.contrib.
                                       ModulatedDeformableConvolution(
                                           x, o, m, w, kernel=(2, 2), num_filter=2,
                                           no_bias=True) ** 2,
                                       [IMG, OFFSETS, rng.uniform(0, 1, (1, 4, 3, 4)), WEIGHT]),
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_third_order_gradients(name):
    f, inputs = PROGRAMS[name]
    assert gradcheck(f, [mx.nd.array(a, dtype="float64") for a in inputs], order=3)


def test_npx_roi_pooling_takes_and_gives_np_arrays():
    y = mx.npx.roi_pooling(mx.np.array(IMG), mx.np.array(ROIS), pooled_size=(2, 2),
                           spatial_scale=1.0)
    assert isinstance(y, mx.np.ndarray) and y.shape == (2, 2, 2, 2)
    with pytest.raises(TypeError, match="mx.np arrays"):
        mx.npx.roi_pooling(IMG, ROIS, pooled_size=(2, 2), spatial_scale=1.0)


def test_hybridized_block_reads_new_regions_on_every_call():
    class Pool(mx.gluon.nn.HybridBlock):
        def hybrid_forward(self, F, x, rois):
            return F.contrib.ROIAlign(x, rois, pooled_size=(2, 2), spatial_scale=1.0)
    block = Pool()
    block.hybridize()
    x = mx.nd.array(IMG)
    for rois in (ROIS, ROIS[::-1] + [0, 0.5, 0.1, 0.3, 0.2]):
        want = mx.nd.contrib.ROIAlign(x, mx.nd.array(rois), pooled_size=(2, 2),
                                      spatial_scale=1.0)
        np.testing.assert_allclose(block(x, mx.nd.array(rois)).asnumpy(), want.asnumpy())


def test_hybridized_deformable_block_differentiates_with_new_offsets():
    class Deform(mx.gluon.nn.HybridBlock):
        def hybrid_forward(self, F, x, offset, weight):
            return F.contrib.DeformableConvolution(x, offset, weight, kernel=(2, 2),
                                                   num_filter=2, no_bias=True)
    block = Deform()
    block.hybridize()
    x, w = mx.nd.array(IMG), mx.nd.array(WEIGHT)
    for off in (OFFSETS, OFFSETS[:, ::-1] * 2):
        o = mx.nd.array(off)
        o.attach_grad()
        with mx.autograd.record():
            y = block(x, o, w)
        y.backward()
        o2 = mx.nd.array(off)
        o2.attach_grad()
        with mx.autograd.record():
            want = mx.nd.contrib.DeformableConvolution(x, o2, w, kernel=(2, 2), num_filter=2,
                                                       no_bias=True)
        want.backward()
        np.testing.assert_allclose(y.asnumpy(), want.asnumpy(), rtol=1e-6)
        np.testing.assert_allclose(o.grad.asnumpy(), o2.grad.asnumpy(), rtol=1e-6)
    assert not block._last.value_dependent  # a fixed graph: the offsets are inputs of a node
    dense = mx.gluon.nn.Dense(2)
    dense.initialize()
    dense.hybridize()
    dense(x)
    assert not dense._last.value_dependent  # no host read: the trace is replayed


def test_sampler_gradient_reaches_the_grid_only_through_the_weights():
    x = mx.nd.array(IMG)
    g = mx.nd.array(GRID)
    g.attach_grad()
    with mx.autograd.record():
        y = mx.nd.BilinearSampler(x, g)
    y.backward()
    # outside the image every neighbour is zero: no gradient there
    far = mx.nd.array(np.full((1, 2, 1, 1), 3.0))
    far.attach_grad()
    with mx.autograd.record():
        z = mx.nd.BilinearSampler(x, far)
    z.backward()
    assert np.abs(g.grad.asnumpy()).sum() > 0
    np.testing.assert_array_equal(z.asnumpy(), np.zeros((1, 2, 1, 1)))
    np.testing.assert_array_equal(far.grad.asnumpy(), np.zeros((1, 2, 1, 1)))
