"""MXNet 1.9.1's region poolings: ROIPooling (the maximum of each bin), contrib ROIAlign (the
mean of bilinear samples in each bin, optionally position-sensitive), PSROIPooling (the
mean of each bin of its position's channel group), DeformablePSROIPooling (PSROIPooling
with bins moved by `trans`) and RROIAlign (ROIAlign on rotated regions): calls of the
registered operators of tapegraph.ir.ops.roi and dpsroi, which hold their computation,
shape rules, checks and gradients (to `data`, and DeformablePSROIPooling's `trans`;
regions get none, as in MXNet). Recorded like any operator, so a hybridized block using
them traces to a fixed graph and exports."""
from __future__ import annotations

from ..ir.errors import MXNetError
from .detection import call
from .ndarray import NDArray, write_out


def _sizes(value):
    return (int(value),) if isinstance(value, (int, float)) else tuple(int(v) for v in value)


# MXNet's types of the required parameters, as its error message names them
_TYPES = {"pooled_size": "Shape(tuple)", "spatial_scale": "float", "output_dim": "int",
          "group_size": "int"}


def _required(op, **values):
    """MXNet's error for a required parameter not given (the given ones listed)."""
    for key, v in values.items():
        if v is None:
            given = "".join(', %s="%s"' % (k, w) for k, w in reversed(list(values.items()))
                            if w is not None)  # (MXNet lists them last given first)
            pooled = "int" if op.endswith("PSROIPooling") and key == "pooled_size" else None
            raise MXNetError("Required parameter %s of %s is not presented, in operator "
                             '%s(name=""%s)' % (key, pooled or _TYPES[key], op, given))


def _roi_pooling(name, hint):
    def roi_pooling(data, rois, pooled_size=None, spatial_scale=None, out=None, name=None,
                    **kw):
        """Max pooling of each region [batch_index, x1, y1, x2, y2] (scaled by
        spatial_scale, rounded) into a pooled_size (h, w) grid of bins: (R, C, ph, pw);
        empty bins are 0. The gradient goes to the first maximum of each bin."""
        _required("ROIPooling", pooled_size=pooled_size, spatial_scale=spatial_scale)
        attrs = {"pooled_size": _sizes(pooled_size), "spatial_scale": float(spatial_scale)}
        return write_out(call("ROIPooling", hint, [data, rois], attrs, name), out)
    roi_pooling.__name__ = roi_pooling.__qualname__ = name
    return roi_pooling


ROIPooling = _roi_pooling("ROIPooling", "roipooling")


def roi_pooling(data, rois, pooled_size, spatial_scale, **kw):
    """`mx.npx.roi_pooling`: ROIPooling on mx.np arrays."""
    for a in (data, rois):
        if not isinstance(a, NDArray):
            raise TypeError("roi_pooling: expected mx.np arrays, got %s" % type(a).__name__)
    return _roi_pooling("roi_pooling", "roi_pooling")(data, rois, pooled_size=pooled_size,
                                       spatial_scale=spatial_scale, **kw)


def ROIAlign(data, rois, pooled_size=None, spatial_scale=None, sample_ratio=-1,
             position_sensitive=False, aligned=False, out=None, name=None, **kw):
    """Each region's bins averaged over a grid of bilinear samples (sample_ratio per axis,
    or ceil(bin size) when -1); regions with a negative batch index give zeros. With
    position_sensitive=True bin (i, j) of output channel k reads input channel
    (k*ph + i)*pw + j."""
    _required("_contrib_ROIAlign", pooled_size=pooled_size, spatial_scale=spatial_scale)
    attrs = {"pooled_size": _sizes(pooled_size), "spatial_scale": float(spatial_scale),
             "sample_ratio": int(sample_ratio), "position_sensitive": bool(position_sensitive),
             "aligned": bool(aligned)}
    return write_out(call("_contrib_ROIAlign", "roialign", [data, rois], attrs, name), out)


def PSROIPooling(data, rois, spatial_scale=None, output_dim=None, pooled_size=None,
                 group_size=0, out=None, name=None, **kw):
    """Position-sensitive average pooling (R-FCN): bin (i, j) of output channel k averages
    input channel (k*g + gi)*g + gj (g = group_size, default pooled_size) over the bin."""
    _required("_contrib_PSROIPooling", spatial_scale=spatial_scale, output_dim=output_dim,
              pooled_size=pooled_size)
    attrs = {"spatial_scale": float(spatial_scale), "output_dim": int(output_dim),
             "pooled_size": int(pooled_size), "group_size": int(group_size)}
    return write_out(call("_contrib_PSROIPooling", "psroipooling", [data, rois], attrs, name),
                     out)


def DeformablePSROIPooling(data, rois, trans=None, spatial_scale=None, output_dim=None,
                           group_size=None, pooled_size=None, part_size=0, sample_per_part=1,
                           trans_std=0.0, no_trans=False, out=None, name=None, **kw):
    """Deformable R-FCN pooling: PSROIPooling whose bins move by `trans` (R, 2*classes,
    part, part) times trans_std times the region size, each bin the mean of
    sample_per_part**2 bilinear samples (those within half a pixel of the image).
    Differentiable in data and trans."""
    _required("_contrib_DeformablePSROIPooling", spatial_scale=spatial_scale,
              output_dim=output_dim, group_size=group_size, pooled_size=pooled_size)
    attrs = {"spatial_scale": float(spatial_scale), "output_dim": int(output_dim),
             "group_size": int(group_size), "pooled_size": int(pooled_size),
             "part_size": int(part_size), "sample_per_part": int(sample_per_part),
             "trans_std": float(trans_std), "no_trans": bool(no_trans)}
    arrays = [data, rois] + ([] if no_trans else [trans])
    return write_out(call("_contrib_DeformablePSROIPooling", "deformablepsroipooling",
                          arrays, attrs, name), out)


def RROIAlign(data, rois, pooled_size=None, spatial_scale=None, sampling_ratio=-1, out=None,
              name=None, **kw):
    """ROIAlign over rotated regions [batch_index, centre_x, centre_y, width, height,
    angle in degrees]: each bin the mean of bilinear samples on the rotated grid. (MXNet
    1.9.1 registers no gradient for it; here the gradient reaches `data`.)"""
    _required("_contrib_RROIAlign", pooled_size=pooled_size, spatial_scale=spatial_scale)
    attrs = {"pooled_size": _sizes(pooled_size), "spatial_scale": float(spatial_scale),
             "sampling_ratio": int(sampling_ratio)}
    return write_out(call("_contrib_RROIAlign", "rroialign", [data, rois], attrs, name), out)
