"""Batching rules for the `vmap` pass, one per operator (or family).

A rule `rule(b, node, args, batched, size)` emits the batched form of `node`: `args` are
its inputs where each batched one carries the batch at axis 0 (`batched[i]`), `size` is
the batch size. It returns the outputs, all batched at axis 0, or `None` when it cannot
batch this particular node (the pass then uses the per-example slow path).
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Sequence

from ..ir import REGISTRY, Builder, Node, Value
from ..ir.ops.reduce import reduce_axes

Rule = Callable[[Builder, Node, List[Value], Sequence[bool], int], Optional[List[Value]]]
RULES: Dict[str, Rule] = {}


def rule(*names: str) -> Callable[[Rule], Rule]:
    def wrap(fn: Rule) -> Rule:
        for name in names:
            RULES[name] = fn
        return fn
    return wrap


def batched_value(b: Builder, v: Value, size: int) -> Value:
    """An unbatched value broadcast along a new leading batch axis."""
    return b.op("broadcast_to", v, shape=(size,) + v.type.shape)


def _all_batched(b, args, batched, size) -> List[Value]:
    return [a if f else batched_value(b, a, size) for a, f in zip(args, batched)]


def _outs(result) -> List[Value]:
    return list(result) if isinstance(result, tuple) else [result]


def _axis(axis: int, ndim: int) -> int:
    """An axis of the unbatched value, as an axis of the batched one."""
    return int(axis) % max(ndim, 1) + 1


def elementwise(b, node, args, batched, size):
    """Element-wise operators: every input brought to the batched output shape (an
    unbatched one broadcast along the batch, a smaller one aligned right as NumPy
    broadcasting does), then the operator applied as is."""
    shape = (size,) + node.outputs[0].type.shape
    ins = []
    for v, a, f in zip(node.inputs, args, batched):
        if a.type.shape != shape:
            if f and v.type.ndim < len(shape) - 1:
                a = b.op("Reshape", a, shape=(size,) + (1,) * (len(shape) - 1 - v.type.ndim)
                         + v.type.shape)
            a = b.op("broadcast_to", a, shape=shape)
        ins.append(a)
    return _outs(b.op(node.op, *ins, **node.attrs))


RULES["Dropout"] = elementwise  # x * mask


def rule_for(op: str) -> Optional[Rule]:
    """The batching rule of `op`: its own, else `elementwise` for element-wise operators."""
    found = RULES.get(op)
    if found is None and op in REGISTRY and REGISTRY.get(op).elementwise:
        return elementwise
    return found


def batching(op: str) -> str:
    """How `vmap` batches `op`: "rule" (its batching rule), "constant" (it reads no
    input, so it is never batched), or "per-example" (the slow path)."""
    if rule_for(op) is not None:
        return "rule"
    if op in REGISTRY and REGISTRY.get(op).num_inputs == 0:
        return "constant"
    return "per-example"


@rule("sum", "mean", "prod", "max", "min")
def _reduce(b, node, args, batched, size):
    shape = node.inputs[0].type.shape
    axes = tuple(a + 1 for a in reduce_axes(shape, node.attrs, node.op))
    if not axes:  # reduces nothing: a copy of each example
        return [b.op("Reshape", args[0], shape=(size,) + node.outputs[0].type.shape)]
    return [b.op(node.op, args[0], axis=axes, keepdims=node.attrs["keepdims"], exclude=False)]


@rule("norm")
def _norm(b, node, args, batched, size):
    a = dict(node.attrs)
    ndim = node.inputs[0].type.ndim
    axes = range(ndim) if a["axis"] is None else (
        [a["axis"]] if isinstance(a["axis"], int) else a["axis"])
    if not ndim:  # the norm of a number, either order
        return [b.op("abs", args[0])]
    a["axis"] = tuple(_axis(x, ndim) for x in axes)  # a vector norm over any axes
    return [b.op("norm", args[0], **a)]


@rule("softmax", "log_softmax")
def _softmax(b, node, args, batched, size):
    ndim = node.inputs[0].type.ndim
    return [b.op(node.op, args[0], **dict(node.attrs, axis=_axis(node.attrs["axis"], ndim)))]


@rule("cumsum", "argmax", "argmin")
def _along_axis(b, node, args, batched, size):
    x, a = args[0], dict(node.attrs)
    ndim = node.inputs[0].type.ndim
    if a["axis"] is None:  # over the flattened example
        x = b.op("Reshape", x, shape=(size, node.inputs[0].type.size))
        a["axis"] = 1
        if a.get("keepdims"):
            a["keepdims"] = False
            return [b.op("Reshape", b.op(node.op, x, **a),
                         shape=(size,) + node.outputs[0].type.shape)]
    else:
        a["axis"] = _axis(a["axis"], ndim)
    return [b.op(node.op, x, **a)]


@rule("Reshape", "Flatten", "expand_dims", "squeeze")
def _reshape(b, node, args, batched, size):
    return [b.op("Reshape", args[0], shape=(size,) + node.outputs[0].type.shape)]


@rule("transpose")
def _transpose(b, node, args, batched, size):
    ndim = node.inputs[0].type.ndim
    axes = node.attrs["axes"] or tuple(reversed(range(ndim)))
    return [b.op("transpose", args[0], axes=(0,) + tuple(_axis(a, ndim) for a in axes))]


@rule("SwapAxis")
def _swap(b, node, args, batched, size):
    ndim = node.inputs[0].type.ndim
    return [b.op("SwapAxis", args[0], dim1=_axis(node.attrs["dim1"], ndim),
                 dim2=_axis(node.attrs["dim2"], ndim))]


@rule("broadcast_to")
def _broadcast(b, node, args, batched, size):
    src, target = node.inputs[0].type.shape, node.outputs[0].type.shape  # 0s resolved
    x = b.op("Reshape", args[0], shape=(size,) + (1,) * (len(target) - len(src)) + src)
    return [b.op("broadcast_to", x, shape=(size,) + target)]


@rule("slice")
def _slice(b, node, args, batched, size):
    a = node.attrs
    step = tuple(a["step"])
    return [b.op("slice", args[0], begin=(None,) + tuple(a["begin"]),
                 end=(None,) + tuple(a["end"]), step=((None,) + step) if step else ())]


@rule("slice_axis", "SliceChannel", "reverse", "tile", "repeat")
def _shift_axis(b, node, args, batched, size):
    a, ndim = dict(node.attrs), node.inputs[0].type.ndim
    if node.op == "reverse":
        axes = a["axis"] if isinstance(a["axis"], (tuple, list)) else (a["axis"],)
        a["axis"] = tuple(_axis(x, ndim) for x in axes)
    elif node.op == "tile":
        reps = tuple(a["reps"])
        if len(reps) > ndim:  # tile adds leading axes: add them below the batch axis
            shape = node.inputs[0].type.shape
            x = b.op("Reshape", args[0], shape=(size,) + (1,) * (len(reps) - ndim) + shape)
            return [b.op("tile", x, reps=(1,) + reps)]
        a["reps"] = (1,) * (ndim - len(reps) + 1) + reps
    elif node.op == "repeat" and a["axis"] is None:  # repeats the flattened example
        x = b.op("Reshape", args[0], shape=(size, node.inputs[0].type.size))
        return [b.op("repeat", x, repeats=a["repeats"], axis=1)]
    else:
        a["axis"] = _axis(a["axis"], ndim)
    return _outs(b.op(node.op, args[0], **a))


@rule("sort", "argsort", "topk")
def _sorting(b, node, args, batched, size):
    a = dict(node.attrs)  # (the operators reject axis=None)
    a["axis"] = _axis(a["axis"], node.inputs[0].type.ndim)
    return _outs(b.op(node.op, args[0], **a))


@rule("_take_along_axis", "_put_along_axis")
def _along(b, node, args, batched, size):
    a = dict(node.attrs)
    ndim = node.inputs[1].type.ndim  # the indices have the data's number of axes
    a["axis"] = _axis(a["axis"], ndim)
    if "shape" in a:
        a["shape"] = (size,) + tuple(a["shape"])
    return [b.op(node.op, *_all_batched(b, args, batched, size), **a)]


@rule("_slice_scatter")
def _slice_scatter(b, node, args, batched, size):
    a = node.attrs
    step = tuple(a["step"])
    return [b.op("_slice_scatter", args[0], shape=(size,) + tuple(a["shape"]),
                 begin=(None,) + tuple(a["begin"]), end=(None,) + tuple(a["end"]),
                 step=((None,) + step) if step else ())]


@rule("_image_crop", "_image_resize", "_image_to_tensor", "_image_normalize")
def _images(b, node, args, batched, size):
    """Image operators that take one image or a batch of them ((H, W, C) or (N, H, W, C);
    normalize's (C, H, W) or (N, C, H, W)): a batch of images is one call (batches of
    batches merged into one batch first)."""
    shape = node.inputs[0].type.shape
    x = args[0]
    if len(shape) == 4:
        x = b.op("Reshape", x, shape=(size * shape[0],) + shape[1:])
    out = b.op(node.op, x, **node.attrs)
    return [_reshaped(b, out, (size,) + node.outputs[0].type.shape)]


@rule("_image_adjust_lighting", "_image_flip_left_right")
def _image_pixels(b, node, args, batched, size):
    """Operators of one (H, W, C) image (MXNet refuses batches) acting on each pixel or
    each row: the batch merged into the rows, one image of size * H rows."""
    height, width, channels = node.inputs[0].type.shape
    x = b.op("Reshape", args[0], shape=(size * height, width, channels))
    out = b.op(node.op, x, **node.attrs)
    return [b.op("Reshape", out, shape=(size, height, width, channels))]


@rule("_image_flip_top_bottom")
def _image_columns(b, node, args, batched, size):
    """An operator of one (H, W, C) image acting on each column: the batch merged into
    the columns, one image of size * W columns."""
    height, width, channels = node.inputs[0].type.shape
    x = b.op("transpose", args[0], axes=(1, 0, 2, 3))
    x = b.op("Reshape", x, shape=(height, size * width, channels))
    out = b.op("Reshape", b.op(node.op, x), shape=(height, size, width, channels))
    return [b.op("transpose", out, axes=(1, 0, 2, 3))]


@rule("Concat", "stack")
def _join(b, node, args, batched, size):
    a = dict(node.attrs)
    key = "dim" if node.op == "Concat" else "axis"
    ndim = node.outputs[0].type.ndim if node.op == "stack" else node.inputs[0].type.ndim
    a[key] = _axis(a[key], ndim)
    return [b.op(node.op, *_all_batched(b, args, batched, size), **a)]


@rule("pick")
def _pick(b, node, args, batched, size):
    ndim = node.inputs[0].type.ndim
    x, idx = _all_batched(b, args, batched, size)
    return [b.op("pick", x, idx, **dict(node.attrs, axis=_axis(node.attrs["axis"], ndim)))]


def _reshaped(b, v, shape):
    return v if v.type.shape == tuple(shape) else b.op("Reshape", v, shape=tuple(shape))


def _to_shape(b, a, v, batched, size, shape):
    """Operand `a` (of the unbatched value `v`) broadcast to the batched `shape`."""
    if batched:
        a = _reshaped(b, a, (size,) + (1,) * (len(shape) - v.type.ndim) + v.type.shape)
    return _reshaped(b, b.op("broadcast_to", a, shape=(size,) + tuple(shape)),
                     (size,) + tuple(shape))


def _prod(shape) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


@rule("dot", "_np_dot")
def _dot(b, node, args, batched, size):
    """A contraction of x's last axis with y's first (after the kernel's transposes:
    transpose_a moves x's first axis last, transpose_b moves y's last axis first)."""
    sa, sb = node.inputs[0].type.shape, node.inputs[1].type.shape
    if not sa or not sb:  # numpy-style dot with a number: a product
        return [b.op("elemwise_mul", *[_to_shape(b, a, v, f, size, node.outputs[0].type.shape)
                                       for a, v, f in zip(args, node.inputs, batched)])]
    ta = bool(node.attrs.get("transpose_a")) and len(sa) > 1
    tb = bool(node.attrs.get("transpose_b")) and len(sb) > 1
    want = (size,) + node.outputs[0].type.shape
    if not ta and not tb and batched[0] != batched[1] and len(sb) <= 2:
        if batched[0]:  # (B, ..., k) . (k, n): one plain dot
            return [_reshaped(b, b.op(node.op, args[0], args[1]), want)]
        if len(sb) == 1 and len(sa) == 2:  # A . x_i for each i: (B, k) . A^T
            return [_reshaped(b, b.op("dot", args[1], args[0], transpose_b=True), want)]
    x, y = _all_batched(b, args, batched, size)
    if ta:
        sa = sa[1:] + sa[:1]
        x = b.op("transpose", x, axes=(0,) + tuple(range(2, len(sa) + 1)) + (1,))
    if tb:
        sb = sb[-1:] + sb[:-1]
        y = b.op("transpose", y, axes=(0, len(sb)) + tuple(range(1, len(sb))))
    x = b.op("Reshape", x, shape=(size, _prod(sa[:-1]), sa[-1]))
    y = b.op("Reshape", y, shape=(size, sb[0], _prod(sb[1:])))
    return [_reshaped(b, b.op("batch_dot", x, y), want)]


@rule("batch_dot")
def _batch_dot(b, node, args, batched, size):
    x, y = _all_batched(b, args, batched, size)
    sa, sb = node.inputs[0].type.shape, node.inputs[1].type.shape
    x = b.op("Reshape", x, shape=(size * sa[0],) + sa[1:])
    y = b.op("Reshape", y, shape=(size * sb[0],) + sb[1:])
    out = b.op("batch_dot", x, y, **node.attrs)
    return [b.op("Reshape", out, shape=(size,) + node.outputs[0].type.shape)]


@rule("FullyConnected")
def _fc(b, node, args, batched, size):
    shape = node.inputs[0].type.shape
    if any(batched[1:]):  # per-example weights: a batched matrix product
        return _fc_batched_weight(b, node, args, batched, size)
    if node.attrs["flatten"]:
        if not shape:
            return None
        x = b.op("Reshape", args[0], shape=(size * shape[0],) + shape[1:])
        out = b.op("FullyConnected", x, *args[1:], **node.attrs)
        return [b.op("Reshape", out, shape=(size,) + node.outputs[0].type.shape)]
    return [b.op("FullyConnected", *args, **node.attrs)]


def _fc_batched_weight(b, node, args, batched, size):
    out_shape = node.outputs[0].type.shape
    nh, k = node.inputs[1].type.shape
    x, w = _all_batched(b, args[:2], batched[:2], size)
    x = b.op("Reshape", x, shape=(size, -1, k))
    out = b.op("batch_dot", x, w, transpose_b=True)  # (B, M, H)
    if not node.attrs["no_bias"]:
        bias = args[2] if batched[2] else batched_value(b, args[2], size)
        bias = b.op("broadcast_to", b.op("Reshape", bias, shape=(size, 1, nh)),
                    shape=out.type.shape)
        out = b.op("elemwise_add", out, bias)
    return [b.op("Reshape", out, shape=(size,) + out_shape)]


def per_example(b: Builder, node: Node, args: List[Value], batched: Sequence[bool],
                size: int) -> List[Value]:
    """The slow path: run `node` on each example and stack the results (B copies)."""
    results: List[List[Any]] = [[] for _ in node.outputs]
    for i in range(size):
        ins = []
        for v, a, f in zip(node.inputs, args, batched):
            if f:
                a = b.op("slice_axis", a, axis=0, begin=i, end=i + 1)
                a = b.op("Reshape", a, shape=v.type.shape)
            ins.append(a)
        outs = _outs(b.op(node.op, *ins, **node.attrs)) if node.region is None else \
            _region_copy(b, node, ins)
        for k, o in enumerate(outs):
            results[k].append(o)
    return [b.op("stack", *r, axis=0, num_args=size) for r in results]


def _region_copy(b: Builder, node: Node, ins: List[Value]) -> List[Value]:
    outs = [Value(v.type) for v in node.outputs]
    b.add(Node(node.op, ins, outs, node.attrs, node.region, dict(b.meta or {})))
    return outs


@rule("_linalg_tril", "_linalg_potrf", "_linalg_potri", "_linalg_trsm", "_linalg_inverse",
      "_linalg_det", "_linalg_slogdet", "_linalg_gelqf", "_linalg_syevd", "_linalg_gemm2",
      "_linalg_gemm", "_linalg_syrk", "_linalg_trmm", "_linalg_sumlogdiag",
      "_linalg_extractdiag", "_linalg_makediag", "_linalg_extracttrian", "_linalg_maketrian",
      "_linalg_svd")
def _leading_batch(b, node, args, batched, size):
    """Operators batched over their leading axes: the vmap batch is one more (a single
    matrix's (1,)-shaped determinant becomes (size, 1))."""
    outs = _outs(b.op(node.op, *_all_batched(b, args, batched, size), **node.attrs))
    return [o if o.type.shape == (size,) + v.type.shape
            else b.op("Reshape", o, shape=(size,) + v.type.shape)
            for o, v in zip(outs, node.outputs)]
