"""MXNet 1.9.1's contrib DeformableConvolution and ModulatedDeformableConvolution: calls of
the registered operators of tapegraph.ir.ops.deformable, which hold their computation (the
border treated as MXNet 1.9.1's CPU kernels do), shape rules, checks and gradients (in
every input, to any order). Recorded like any operator, so gluon.contrib.cnn's layers
hybridize to a fixed graph and export. (MXNet 1.9.1's CPU backward of
ModulatedDeformableConvolution raises "only implemented in GPU"; here it is
differentiable.)"""
from __future__ import annotations

from ..ir.errors import MXNetError
from .detection import call
from .ndarray import write_out


def _tuple(v):
    return tuple(int(i) for i in ((v,) if isinstance(v, int) else (v or ())))


def _attrs(name, kernel, stride, dilate, pad, num_filter, num_group, num_deformable_group,
           workspace, no_bias, layout):
    if num_filter is None or not kernel:
        raise MXNetError("%s: kernel and num_filter are required" % name)
    return {"kernel": _tuple(kernel), "stride": _tuple(stride), "dilate": _tuple(dilate),
            "pad": _tuple(pad), "num_filter": int(num_filter), "num_group": int(num_group),
            "num_deformable_group": int(num_deformable_group), "workspace": int(workspace),
            "no_bias": bool(no_bias), "layout": layout}


def DeformableConvolution(data, offset, weight, bias=None, kernel=(), stride=(), dilate=(),
                          pad=(), num_filter=None, num_group=1, num_deformable_group=1,
                          workspace=1024, no_bias=False, layout=None, out=None, name=None,
                          **kw):
    """Deformable convolution v1 (Dai et al.): each kernel tap reads `data` at its position
    moved by `offset` (N, 2*num_deformable_group*kh*kw, Ho, Wo; (dy, dx) per tap),
    bilinearly; then a grouped convolution with `weight` (F, C/num_group, kh, kw)."""
    attrs = _attrs("DeformableConvolution", kernel, stride, dilate, pad, num_filter,
                   num_group, num_deformable_group, workspace, no_bias, layout)
    arrays = [data, offset, weight] + ([] if no_bias or bias is None else [bias])
    return write_out(call("_contrib_DeformableConvolution", "deformableconvolution", arrays,
                          attrs, name), out)


def ModulatedDeformableConvolution(data, offset, mask, weight, bias=None, kernel=(), stride=(),
                                   dilate=(), pad=(), num_filter=None, num_group=1,
                                   num_deformable_group=1, workspace=1024, no_bias=False,
                                   im2col_step=64, layout=None, out=None, name=None, **kw):
    """Deformable convolution v2: DeformableConvolution whose samples are also multiplied by
    `mask` (N, num_deformable_group*kh*kw, Ho, Wo)."""
    attrs = _attrs("ModulatedDeformableConvolution", kernel, stride, dilate, pad, num_filter,
                   num_group, num_deformable_group, workspace, no_bias, layout)
    attrs["im2col_step"] = int(im2col_step)
    arrays = [data, offset, mask, weight] + ([] if no_bias or bias is None else [bias])
    return write_out(call("_contrib_ModulatedDeformableConvolution",
                          "modulateddeformableconvolution", arrays, attrs, name), out)
