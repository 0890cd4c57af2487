"""Capture the vision and detection operators of Apache MXNet 1.9.1 (LRN, Crop, crop, im2col,
col2im, GridGenerator, BilinearSampler, SpatialTransformer, ROIPooling, Correlation, contrib
AdaptiveAvgPooling2D, BilinearResize2D, ROIAlign, PSROIPooling, box_*, bipartite_matching,
MultiBox*, and their npx names): values, gradients and errors.

    /tmp/mxnet-oracle/bin/python capture_vision.py > vision_golden.json

Program of a case: the inputs listed in `diff` get attach_grad(); under record(),
outs = <fn>(*inputs, **attrs); outs[0].backward(head) when `diff` is not empty. Recorded:
the outputs, the head and the gradients of the `diff` inputs (None where MXNet leaves no
gradient buffer written). An error case records the exception's type and message."""
import json
import sys

import mxnet as mx
import numpy as np

rng = np.random.RandomState(12)
HEADS = np.random.RandomState(13)  # heads drawn apart, so a float32 retry sees the same


def u(*shape, lo=-1.0, hi=1.0):
    return rng.uniform(lo, hi, shape)


def fn_of(path):
    obj = mx
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def boxes(b, n, lo=0.0, hi=1.0):
    """(b, n, 4) corner boxes with xmin < xmax, ymin < ymax."""
    a = rng.uniform(lo, hi, (b, n, 2, 2))
    a.sort(axis=2)
    return a.transpose(0, 1, 3, 2).reshape(b, n, 4)[..., [0, 2, 1, 3]]


ROIS = np.array([[0, 0.5, 1.0, 5.5, 4.2], [1, 2.0, 0.0, 6.9, 6.1], [0, 3.3, 2.2, 3.9, 2.8],
                 [1, -1.0, -2.0, 8.5, 9.0]])
NMS = np.array([[[0, 0.9, 0.1, 0.1, 0.4, 0.4], [0, 0.8, 0.12, 0.1, 0.42, 0.43],
                 [1, 0.7, 0.5, 0.5, 0.9, 0.8], [1, 0.75, 0.52, 0.5, 0.88, 0.8],
                 [0, 0.3, 0.6, 0.1, 0.9, 0.3], [-1, 0.95, 0.0, 0.0, 0.2, 0.2],
                 [1, 0.05, 0.1, 0.6, 0.3, 0.9]]])
LABEL = np.array([[[0, 0.1, 0.1, 0.45, 0.5], [1, 0.5, 0.4, 0.9, 0.95], [-1] * 5],
                  [[2, 0.3, 0.2, 0.7, 0.6], [-1] * 5, [-1] * 5]])

BORDER_OFFSETS = np.array([[[[-0.5, -0.25, 0.3, 2.6], [1.2, 2.6, -0.7, 0.1], [0.5, 0.2, 1.5, 0],
                             [-0.5, 0.4, 0.2, 0.6]],
                            [[0.2, -0.5, 2.5, 0.4], [-0.3, 0.1, 1.5, 2.2], [0, -0.6, 0.7, 0.9],
                             [2.5, 1.3, -1.2, 0.5]]]])

CASES = [
    # name, fn, inputs, attrs, diff
    ("LRN", "nd.LRN", [u(2, 5, 3, 3)], dict(nsize=3), [0]),
    ("LRN-n5", "nd.LRN", [u(1, 6, 2, 3)], dict(nsize=5, alpha=0.1, beta=0.5, knorm=1.5), [0]),
    ("Crop-hw", "nd.Crop", [u(1, 2, 5, 6)], dict(h_w=(3, 2), offset=(1, 2), num_args=1), [0]),
    ("Crop-center", "nd.Crop", [u(2, 2, 5, 6)], dict(h_w=(2, 3), center_crop=True, num_args=1),
     [0]),
    ("Crop-like", "nd.Crop", [u(1, 2, 5, 6), u(1, 1, 3, 4)], dict(num_args=2, offset=(2, 1)),
     [0]),
    ("Crop-like-center", "nd.Crop", [u(1, 2, 6, 7), u(3, 1, 3, 4)],
     dict(num_args=2, center_crop=True), [0]),
    ("crop", "nd.crop", [u(2, 3, 4)], dict(begin=(0, 1, None), end=(2, 3, 3)), [0]),
    ("im2col", "nd.im2col", [u(2, 2, 4, 5)], dict(kernel=(2, 3), stride=(1, 2), pad=(1, 1)),
     [0]),
    ("im2col-dilate", "nd.im2col", [u(1, 2, 5, 4)], dict(kernel=(2, 2), dilate=(2, 1)), [0]),
    ("col2im", "nd.col2im", [u(2, 8, 6)], dict(output_size=(3, 4), kernel=(2, 2)), [0]),
    ("col2im-stride", "nd.col2im", [u(1, 12, 9)],
     dict(output_size=(4, 5), kernel=(2, 3), stride=(2, 2), pad=(1, 1)), [0]),
    ("GridGenerator-affine", "nd.GridGenerator", [u(2, 6)],
     dict(transform_type="affine", target_shape=(3, 4)), [0]),
    ("GridGenerator-warp", "nd.GridGenerator", [u(2, 2, 3, 4)], dict(transform_type="warp"),
     [0]),
    ("BilinearSampler", "nd.BilinearSampler", [u(2, 2, 4, 5), u(2, 2, 3, 3, lo=-1.3, hi=1.3)],
     {}, [0, 1]),
    ("SpatialTransformer", "nd.SpatialTransformer",
     [u(2, 2, 5, 4), np.array([[0.9, 0.1, 0.05, -0.1, 0.8, 0.1], [1.1, -0.2, -0.1, 0.3, 0.7, 0]])
      + u(2, 6, lo=-0.05, hi=0.05)],
     dict(target_shape=(3, 4), transform_type="affine", sampler_type="bilinear"), [0, 1]),
    ("ROIPooling", "nd.ROIPooling", [u(2, 3, 6, 7), ROIS], dict(pooled_size=(2, 3),
                                                                  spatial_scale=1.0), [0]),
    ("ROIPooling-scale", "nd.ROIPooling", [u(2, 2, 5, 5), ROIS * [1, 2, 2, 2, 2]],
     dict(pooled_size=(3, 2), spatial_scale=0.5), [0]),
    ("npx.roi_pooling", "npx.roi_pooling", [u(2, 3, 6, 7), ROIS],
     dict(pooled_size=(2, 2), spatial_scale=1.0), [0]),
    ("Correlation", "nd.Correlation", [u(1, 3, 5, 6), u(1, 3, 5, 6)],
     dict(max_displacement=1), [0, 1]),
    ("Correlation-k3", "nd.Correlation", [u(2, 2, 7, 6), u(2, 2, 7, 6)],
     dict(kernel_size=3, max_displacement=2, stride1=2, stride2=2, pad_size=2), [0, 1]),
    ("Correlation-sub", "nd.Correlation", [u(1, 2, 5, 5), u(1, 2, 5, 5)],
     dict(kernel_size=1, max_displacement=1, pad_size=1, is_multiply=False), [0, 1]),
    ("AdaptiveAvgPooling2D", "nd.contrib.AdaptiveAvgPooling2D", [u(2, 2, 5, 7)],
     dict(output_size=(3, 4)), [0]),
    ("AdaptiveAvgPooling2D-int", "nd.contrib.AdaptiveAvgPooling2D", [u(1, 2, 4, 6)],
     dict(output_size=3), [0]),
    ("AdaptiveAvgPooling2D-global", "nd.contrib.AdaptiveAvgPooling2D", [u(1, 3, 4, 5)], {}, [0]),
    ("BilinearResize2D", "nd.contrib.BilinearResize2D", [u(1, 2, 4, 5)],
     dict(height=7, width=3), [0]),
    ("BilinearResize2D-noalign", "nd.contrib.BilinearResize2D", [u(1, 2, 4, 5)],
     dict(height=7, width=8, align_corners=False), [0]),
    ("BilinearResize2D-scale", "nd.contrib.BilinearResize2D", [u(2, 1, 3, 4)],
     dict(scale_height=2.0, scale_width=0.5), [0]),
    ("BilinearResize2D-odd_scale", "nd.contrib.BilinearResize2D", [u(1, 1, 5, 4)],
     dict(scale_height=2.0, scale_width=2.0, mode="odd_scale"), [0]),
    ("BilinearResize2D-like", "nd.contrib.BilinearResize2D", [u(1, 2, 4, 5), u(1, 1, 6, 2)],
     dict(mode="like"), [0]),
    ("BilinearResize2D-to_even_up", "nd.contrib.BilinearResize2D", [u(1, 1, 5, 4)],
     dict(mode="to_even_up"), [0]),
    ("BilinearResize2D-to_odd_down", "nd.contrib.BilinearResize2D", [u(1, 1, 5, 4)],
     dict(mode="to_odd_down"), [0]),
    ("ROIAlign", "nd.contrib.ROIAlign", [u(2, 3, 6, 7), ROIS],
     dict(pooled_size=(2, 3), spatial_scale=1.0), [0]),
    ("ROIAlign-ratio", "nd.contrib.ROIAlign", [u(2, 2, 6, 7), ROIS * [1, 2, 2, 2, 2]],
     dict(pooled_size=(3, 2), spatial_scale=0.5, sample_ratio=2), [0]),
    ("ROIAlign-aligned", "nd.contrib.ROIAlign", [u(2, 2, 6, 7), ROIS],
     dict(pooled_size=(2, 2), spatial_scale=1.0, aligned=True), [0]),
    ("ROIAlign-ps", "nd.contrib.ROIAlign", [u(2, 8, 6, 7), ROIS],
     dict(pooled_size=(2, 2), spatial_scale=1.0, position_sensitive=True), [0]),
    ("PSROIPooling", "nd.contrib.PSROIPooling", [u(2, 2 * 9, 6, 7), ROIS],
     dict(spatial_scale=1.0, output_dim=2, pooled_size=3), [0]),
    ("PSROIPooling-group", "nd.contrib.PSROIPooling", [u(2, 3 * 4, 6, 7), ROIS],
     dict(spatial_scale=0.5, output_dim=3, pooled_size=3, group_size=2), [0]),
    # detection
    ("box_iou", "nd.contrib.box_iou", [boxes(1, 4)[0], boxes(2, 3)], {}, [0, 1]),
    ("box_iou-center", "nd.contrib.box_iou", [u(3, 4, lo=0.2, hi=0.6), u(2, 4, lo=0.2, hi=0.6)],
     dict(format="center"), []),
    ("box_nms", "nd.contrib.box_nms", [NMS], dict(overlap_thresh=0.5), [0]),
    ("box_nms-id", "nd.contrib.box_nms", [NMS],
     dict(overlap_thresh=0.3, valid_thresh=0.1, id_index=0, topk=4, score_index=1,
          coord_start=2), [0]),
    ("box_nms-bg-force", "nd.contrib.box_nms", [np.concatenate([NMS, NMS[:, ::-1]])],
     dict(overlap_thresh=0.4, id_index=0, background_id=0, force_suppress=True,
          out_format="center"), [0]),
    ("box_nms-center", "nd.contrib.box_nms", [NMS[0, :, 1:]],
     dict(overlap_thresh=0.2, coord_start=1, score_index=0, in_format="center"), [0]),
    ("box_non_maximum_suppression", "nd.contrib.box_non_maximum_suppression", [NMS],
     dict(overlap_thresh=0.5), []),
    ("box_encode", "nd.contrib.box_encode",
     [np.array([[1, -1, 0, 1.0]]), np.array([[0, 1, 0, 1.0]]), boxes(1, 4), boxes(1, 2),
      np.array([0.0, 0.1, 0.0, -0.1]), np.array([0.1, 0.1, 0.2, 0.2])], {}, []),
    ("box_decode", "nd.contrib.box_decode", [u(2, 3, 4, lo=-0.5, hi=0.5), boxes(1, 3)],
     dict(std0=0.1, std1=0.1, std2=0.2, std3=0.2, format="corner"), [0]),
    ("box_decode-center-clip", "nd.contrib.box_decode",
     [u(1, 3, 4, lo=-2, hi=2), u(1, 3, 4, lo=0.2, hi=0.6)], dict(clip=1.0), [0]),
    ("bipartite_matching", "nd.contrib.bipartite_matching",
     [np.array([[0.5, 0.6], [0.1, 0.2], [0.3, 0.4]])], dict(threshold=1e-12, is_ascend=False),
     []),
    ("bipartite_matching-batch", "nd.contrib.bipartite_matching", [u(2, 4, 3, lo=0, hi=1)],
     dict(threshold=0.3, topk=2), [0]),
    ("bipartite_matching-ascend", "nd.contrib.bipartite_matching", [u(3, 4, lo=0, hi=1)],
     dict(threshold=0.7, is_ascend=True), []),
    ("MultiBoxPrior", "nd.contrib.MultiBoxPrior", [u(1, 2, 3, 4)],
     dict(sizes=(0.5, 0.25), ratios=(1, 2, 0.5)), [0]),
    ("MultiBoxPrior-clip-steps", "nd.contrib.MultiBoxPrior", [u(1, 2, 2, 3)],
     dict(sizes=(0.8,), ratios=(1, 3), clip=True, steps=(0.4, 0.3), offsets=(0.2, 0.7)), []),
    ("npx.multibox_prior", "npx.multibox_prior", [u(1, 2, 2, 2)], dict(sizes=(0.3, 0.6)), []),
    ("MultiBoxTarget", "nd.contrib.MultiBoxTarget",
     [boxes(1, 8), LABEL, u(2, 3, 8, lo=0, hi=1)], dict(overlap_threshold=0.4), [0, 1, 2]),
    ("MultiBoxTarget-mining", "nd.contrib.MultiBoxTarget",
     [boxes(1, 8), LABEL, u(2, 4, 8, lo=0, hi=1)],
     dict(overlap_threshold=0.3, negative_mining_ratio=2, negative_mining_thresh=0.3,
          minimum_negative_samples=1), []),
    ("npx.multibox_target", "npx.multibox_target",
     [boxes(1, 6), LABEL[:1], u(1, 3, 6, lo=0, hi=1)], {}, []),
    ("MultiBoxDetection", "nd.contrib.MultiBoxDetection",
     [u(2, 3, 6, lo=0, hi=1), u(2, 24, lo=-0.5, hi=0.5), boxes(1, 6)], {}, [0, 1, 2]),
    ("MultiBoxDetection-opts", "nd.contrib.MultiBoxDetection",
     [u(1, 4, 6, lo=0, hi=1), u(1, 24, lo=-0.5, hi=0.5), boxes(1, 6)],
     dict(clip=False, threshold=0.3, nms_threshold=0.3, force_suppress=True, nms_topk=4,
          variances=(0.2, 0.2, 0.1, 0.1)), []),
    ("npx.multibox_detection", "npx.multibox_detection",
     [u(1, 3, 5, lo=0, hi=1), u(1, 20, lo=-0.5, hi=0.5), boxes(1, 5)], {}, []),
    # deformable convolutions
    ("DeformableConvolution", "nd.contrib.DeformableConvolution",
     [u(2, 4, 5, 5), u(2, 2 * 9 * 2, 5, 5, lo=-1.5, hi=1.5), u(3, 4, 3, 3), u(3)],
     dict(kernel=(3, 3), pad=(1, 1), num_filter=3, num_deformable_group=2), [0, 1, 2, 3]),
    ("DeformableConvolution-groups", "nd.contrib.DeformableConvolution",
     [u(1, 4, 6, 6), u(1, 8, 2, 2, lo=-2, hi=2), u(4, 2, 2, 2)],
     dict(kernel=(2, 2), stride=(2, 2), dilate=(2, 2), num_filter=4, num_group=2,
          no_bias=True), [0, 1, 2]),
    ("ModulatedDeformableConvolution", "nd.contrib.ModulatedDeformableConvolution",
     [u(1, 2, 4, 4), u(1, 18, 4, 4, lo=-1.5, hi=1.5), u(1, 9, 4, 4, lo=0, hi=1), u(2, 2, 3, 3),
      u(2)], dict(kernel=(3, 3), pad=(1, 1), num_filter=2), []),
    ("ModulatedDeformableConvolution-dg", "nd.contrib.ModulatedDeformableConvolution",
     [u(1, 4, 5, 4), u(1, 2 * 4 * 2, 4, 3, lo=-1, hi=1), u(1, 4 * 2, 4, 3, lo=0, hi=1),
      u(2, 4, 2, 2)], dict(kernel=(2, 2), num_filter=2, num_deformable_group=2, no_bias=True),
     []),  # MXNet 1.9.1's CPU backward raises "only implemented in GPU": values only
    # the border rules of the two CPU kernels (offsets reaching rows -0.5, 3.6, columns 3.5)
    ("DeformableConvolution-border", "nd.contrib.DeformableConvolution",
     [np.arange(1.0, 17.0).reshape(1, 1, 4, 4), BORDER_OFFSETS, np.ones((1, 1, 1, 1))],
     dict(kernel=(1, 1), num_filter=1, no_bias=True), [0, 1]),
    ("ModulatedDeformableConvolution-border", "nd.contrib.ModulatedDeformableConvolution",
     [np.arange(1.0, 17.0).reshape(1, 1, 4, 4), BORDER_OFFSETS, np.ones((1, 1, 4, 4)),
      np.ones((1, 1, 1, 1))], dict(kernel=(1, 1), num_filter=1, no_bias=True), []),
    # region proposals (Faster R-CNN)
    ("Proposal", "nd.contrib.Proposal",
     [u(1, 2 * 6, 4, 5, lo=0, hi=1), u(1, 4 * 6, 4, 5, lo=-0.3, hi=0.3),
      np.array([[60.0, 75.0, 1.0]])],
     dict(scales=(2, 4), ratios=(0.5, 1, 2), feature_stride=16, rpn_pre_nms_top_n=40,
          rpn_post_nms_top_n=12, threshold=0.6, rpn_min_size=8), []),
    ("Proposal-score-repeat", "nd.contrib.Proposal",
     [u(1, 2 * 2, 3, 3, lo=0, hi=1), u(1, 4 * 2, 3, 3, lo=-0.5, hi=0.5),
      np.array([[40.0, 44.0, 1.5]])],
     dict(scales=(1, 2), ratios=(1,), feature_stride=16, rpn_pre_nms_top_n=10,
          rpn_post_nms_top_n=20, threshold=0.3, rpn_min_size=4, output_score=True), []),
    ("Proposal-iou_loss", "nd.contrib.Proposal",
     [u(1, 2 * 3, 3, 4, lo=0, hi=1), u(1, 4 * 3, 3, 4, lo=-4, hi=4),
      np.array([[48.0, 64.0, 1.0]])],
     dict(scales=(2,), ratios=(0.5, 1, 2), feature_stride=16, rpn_pre_nms_top_n=30,
          rpn_post_nms_top_n=8, iou_loss=True, output_score=True), []),
    ("MultiProposal", "nd.contrib.MultiProposal",
     [u(2, 2 * 3, 3, 4, lo=0, hi=1), u(2, 4 * 3, 3, 4, lo=-0.3, hi=0.3),
      np.array([[48.0, 64.0, 1.0], [40.0, 50.0, 0.8]])],
     dict(scales=(2,), ratios=(0.5, 1, 2), feature_stride=16, rpn_pre_nms_top_n=20,
          rpn_post_nms_top_n=6, output_score=True), []),
    # deformable position-sensitive ROI pooling (trans: (R, 2 * classes, part, part))
    ("DeformablePSROIPooling", "nd.contrib.DeformablePSROIPooling",
     [u(2, 2 * 4, 6, 7), ROIS, u(4, 2, 2, 2, lo=-1, hi=1)],
     dict(spatial_scale=1.0, output_dim=2, group_size=2, pooled_size=2, part_size=2,
          sample_per_part=2, trans_std=0.1), [0, 2]),
    ("DeformablePSROIPooling-classes", "nd.contrib.DeformablePSROIPooling",
     [u(2, 4 * 9, 6, 7), ROIS * [1, 2, 2, 2, 2], u(4, 2 * 2, 3, 3, lo=-1, hi=1)],
     dict(spatial_scale=0.5, output_dim=4, group_size=3, pooled_size=3, part_size=3,
          sample_per_part=3, trans_std=0.2), [0, 2]),
    ("DeformablePSROIPooling-no_trans", "nd.contrib.DeformablePSROIPooling",
     [u(2, 2 * 9, 6, 7), ROIS],
     dict(spatial_scale=1.0, output_dim=2, group_size=3, pooled_size=3, no_trans=True,
          sample_per_part=2), [0]),
    # rotated ROI align (MXNet 1.9.1 registers no gradient for it: values only)
    ("RROIAlign", "nd.contrib.RROIAlign",
     [u(2, 3, 6, 7), np.array([[0, 3.0, 2.5, 4.0, 2.0, 30.0], [1, 4.2, 3.1, 3.3, 5.1, -65.0],
                               [0, 1.0, 1.2, 0.5, 0.8, 120.0], [1, 3.5, 3.0, 9.0, 7.0, 10.0]])],
     dict(pooled_size=(2, 3), spatial_scale=1.0), []),
    ("RROIAlign-ratio", "nd.contrib.RROIAlign",
     [u(1, 2, 6, 6), np.array([[0, 6.0, 5.0, 6.0, 4.0, 45.0], [0, 4.0, 7.0, 8.0, 3.0, -20.0]])],
     dict(pooled_size=(2, 2), spatial_scale=0.5, sampling_ratio=2), []),
    # edge cases: IoU exactly at the threshold, topk, ratios[0] != 1
    ("box_nms-iou-equal", "nd.contrib.box_nms",
     [np.array([[[0, 0.9, 0, 0, 1, 1], [0, 0.8, 0, 0, 1, 0.5]]])], dict(overlap_thresh=0.5), []),
    ("MultiBoxDetection-iou-equal", "nd.contrib.MultiBoxDetection",
     [np.array([[[0.1, 0.2], [0.9, 0.8]]]), np.zeros((1, 8)),
      np.array([[[0, 0, 1, 1], [0, 0, 1, 0.5]]])], dict(nms_threshold=0.5), []),
    ("MultiBoxPrior-ratio0", "nd.contrib.MultiBoxPrior", [u(1, 1, 1, 2)],
     dict(sizes=(0.5, 0.3), ratios=(4, 1)), []),
    ("bipartite_matching-topk1", "nd.contrib.bipartite_matching",
     [np.array([[0.9, 0.8, 0.7], [0.6, 0.5, 0.4], [0.3, 0.35, 0.55]])],
     dict(threshold=0.1, topk=1), []),
    ("bipartite_matching-tie", "nd.contrib.bipartite_matching",
     [np.array([[0.5, 0.5], [0.5, 0.2]])], dict(threshold=0.4), []),
]

ERRORS = [
    ("im2col-3d", "nd.im2col", [u(1, 2, 3, 4, 3)], dict(kernel=(2, 2, 2))),
    ("im2col-1d", "nd.im2col", [u(1, 2, 6)], dict(kernel=(3,), dilate=(2,))),
    ("LRN-no-nsize", "nd.LRN", [u(1, 3, 2, 2)], {}),
    ("Crop-too-big", "nd.Crop", [u(1, 1, 3, 3)], dict(h_w=(4, 2), num_args=1)),
    ("GridGenerator-bad", "nd.GridGenerator", [u(2, 5)],
     dict(transform_type="affine", target_shape=(3, 4))),
    ("BilinearSampler-shape", "nd.BilinearSampler", [u(2, 2, 4, 5), u(1, 2, 3, 3)], {}),
    ("ROIPooling-rois", "nd.ROIPooling", [u(1, 1, 4, 4), np.zeros((2, 4))],
     dict(pooled_size=(2, 2), spatial_scale=1.0)),
    ("AdaptiveAvgPooling2D-3d", "nd.contrib.AdaptiveAvgPooling2D", [u(2, 3, 4)],
     dict(output_size=2)),
    ("box_iou-last", "nd.contrib.box_iou", [u(2, 3), u(2, 4)], {}),
    ("bipartite_matching-threshold", "nd.contrib.bipartite_matching", [u(3, 4)], {}),
]


def to_list(a):
    return None if a is None else a.asnumpy().tolist()


def as_nd(path, arrays, dtype="float64"):
    mod = mx.np if path.startswith("npx.") else mx.nd
    return [mod.array(a, dtype=dtype) for a in arrays]


def run(name, path, arrays, attrs, diff):
    """The case in float64, or in float32 where MXNet has no float64 kernel."""
    try:
        return run_as(name, path, arrays, attrs, diff, "float64")
    except mx.base.MXNetError:
        return run_as(name, path, arrays, attrs, diff, "float32")


def run_as(name, path, arrays, attrs, diff, dtype):
    print(name, dtype, file=sys.stderr)
    fn = fn_of(path)
    ins = as_nd(path, arrays, dtype)
    for i in diff:
        ins[i].attach_grad()
    with mx.autograd.record():
        outs = fn(*ins, **attrs)
    outs = list(outs) if isinstance(outs, (list, tuple)) else [outs]
    case = {"name": name, "fn": path, "attrs": {k: list(v) if isinstance(v, tuple) else v
                                                for k, v in attrs.items()},
            "dtype": dtype, "inputs": [a.tolist() for a in arrays], "diff": diff,
            "outs": [o.asnumpy().tolist() for o in outs],
            "out_dtypes": [str(o.dtype.__name__ if hasattr(o.dtype, "__name__") else o.dtype)
                           for o in outs]}
    if diff:
        head = HEADS.uniform(-1, 1, outs[0].shape)
        outs[0].backward(as_nd(path, [head], dtype)[0])
        case["head"] = head.tolist()
        case["grads"] = [to_list(ins[i].grad) for i in diff]
    return case


def error(name, path, arrays, attrs):
    try:
        fn_of(path)(*as_nd(path, arrays), **attrs).wait_to_read()
    except Exception as e:  # noqa: BLE001  (recording whatever MXNet raises)
        msg = str(e).split("Stack trace")[0].strip()
        return {"name": name, "fn": path, "inputs": [a.tolist() for a in arrays],
                "attrs": attrs, "type": type(e).__name__, "message": msg[-400:]}
    return {"name": name, "fn": path, "type": None}


cases = [run(*c) for c in CASES]
errors = [error(*c) for c in ERRORS]
json.dump({"captured_with": "mxnet " + mx.__version__, "program": __doc__.split("\n\n")[-1],
           "cases": cases, "errors": errors}, sys.stdout)
