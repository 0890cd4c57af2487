"""A hybridized block whose forward computes positions from its inputs' values on the host
(boolean_mask, np.partition, lstsq's rank) is not replayed as the first call's fixed graph:
every call gives the eager forward's values; and such a block refuses export. Operators
whose positions the kernel computes (ROIAlign's regions, BilinearSampler's grid cells) keep
a fixed, exportable trace."""
import numpy as np
import pytest

import tapegraph as mx
from tapegraph.gluon import nn


class Fn(nn.HybridBlock):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def hybrid_forward(self, F, x):
        return self.fn(x)


@pytest.mark.parametrize("make, fn, inputs", [
    (mx.nd.array, lambda x: mx.nd.contrib.boolean_mask(x, x[:, 0] > 0),
     [[[1.0, 2], [-1, 3], [2, 2]], [[-1.0, 2], [1, 3], [-2, 2]]]),
    (mx.np.array, lambda x: mx.np.partition(x, 1) * 2, [[3.0, 1, 2], [1.0, 5, 0]]),
    # lstsq's residuals exist only at full rank (the rank is read on the host)
    (mx.np.array, lambda x: mx.np.linalg.lstsq(x, x[:, 0], rcond=None)[1] + 1,
     [[[1.0, 2], [3, 4], [5, 7]], [[1.0, 2], [2, 4], [3, 6]]]),
])
def test_every_call_reads_its_own_values(make, fn, inputs):
    block = Fn(fn)
    block.hybridize()
    for values in inputs:
        np.testing.assert_array_equal(block(make(values)).asnumpy(),
                                      fn(make(values)).asnumpy())
    assert block._last.value_dependent


class Mask(nn.HybridBlock):
    def hybrid_forward(self, F, x, keep):
        return F.contrib.boolean_mask(x, keep)


def test_export_refuses_a_value_dependent_trace(tmp_path):
    block = Mask()
    block.hybridize()
    block(mx.nd.ones((3, 4)), mx.nd.array([1, 0, 1]))
    assert block._last.value_dependent
    with pytest.raises(mx.base.MXNetError, match="cannot be exported"):
        block.export(str(tmp_path / "mask"))


class Sample(nn.HybridBlock):
    def hybrid_forward(self, F, x, grid):
        return F.BilinearSampler(x, grid)


def test_grids_given_as_an_input_keep_a_fixed_exportable_trace(tmp_path):
    block = Sample()
    block.hybridize()
    x = mx.nd.array(np.arange(16.0).reshape(1, 1, 4, 4))
    for grid in (np.zeros((1, 2, 3, 3)), np.full((1, 2, 3, 3), 0.4), np.full((1, 2, 3, 3), -1.2)):
        np.testing.assert_array_equal(block(x, mx.nd.array(grid)).asnumpy(),
                                      mx.nd.BilinearSampler(x, mx.nd.array(grid)).asnumpy())
    assert not block._last.value_dependent
    block.export(str(tmp_path / "sampler"))


class Pool(nn.HybridBlock):
    def hybrid_forward(self, F, x, rois):
        return F.contrib.ROIAlign(x, rois, pooled_size=(2, 2), spatial_scale=1.0)


def test_regions_given_as_an_input_keep_a_fixed_exportable_trace(tmp_path):
    block = Pool()
    block.hybridize()
    x = mx.nd.array(np.arange(16.0).reshape(1, 1, 4, 4))
    for rois in ([[0, 0.5, 0.5, 2.5, 2.5]], [[0, 0, 1, 3, 3]]):
        np.testing.assert_array_equal(
            block(x, mx.nd.array(rois)).asnumpy(),
            mx.nd.contrib.ROIAlign(x, mx.nd.array(rois), pooled_size=(2, 2),
                                   spatial_scale=1.0).asnumpy())
    assert not block._last.value_dependent
    block.export(str(tmp_path / "roi"))


def test_constant_regions_keep_a_fixed_exportable_trace(tmp_path):
    block = Fn(lambda x: mx.nd.contrib.ROIAlign(x, mx.nd.array([[0, 0.5, 0.5, 2.5, 2.5]]),
                                                pooled_size=(2, 2), spatial_scale=1.0))
    block.hybridize()
    block(mx.nd.ones((1, 1, 4, 4)))
    assert not block._last.value_dependent
    block.export(str(tmp_path / "roi"))


def test_blocks_without_host_reads_replay_their_trace():
    block = Fn(lambda x: x * 2 + 1)
    block.hybridize()
    block(mx.nd.ones((2, 2)))
    assert not block._last.value_dependent
