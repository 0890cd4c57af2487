"""THE table of operator samples: one or more entries per registered operator.

Each entry names an operator, its attributes, how to draw its inputs (float inputs from a
domain away from kinks and singularities; index inputs as constants) and a NumPy
reference. tests/ops/test_registry.py walks the registry: every differentiable operator
needs an entry here, and every entry is checked for kernel vs reference, shape rule vs
actual, and gradients of order 1, 2 and 3 vs central finite differences in float64.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from tapegraph.ir import REGISTRY
from tapegraph.ir.ops import special

from op_refs import (_bisect_erfinv, _bn_ref, _col2im_ref, _conv_ref, _deconv_ref,  # noqa: F401
                     _im2col_ref, _pool_ref, _put_ref, _scatter, _conv_nd_ref, _deconv_nd_ref,
                     _pool_nd_ref, _pool_conv_ref, _pool_max_scatter_ref, _pool_max_gather_ref,
                     _pool_scatter_ref, _conv_wgrad_ref)


@dataclass
class In:
    """A float input of `shape` drawn from [lo, hi], kept `margin` away from `avoid`
    (kinks, discontinuities); `signed=True` draws |x| in [lo, hi] with a random sign."""
    shape: Tuple[int, ...]
    lo: float = -1.0
    hi: float = 1.0
    avoid: Sequence[float] = ()
    margin: float = 0.05
    signed: bool = False

    def draw(self, rng: np.random.RandomState) -> np.ndarray:
        x = rng.uniform(self.lo, self.hi, self.shape)
        if self.signed:
            x = x * rng.choice([-1.0, 1.0], self.shape)
        for p in self.avoid:
            close = np.abs(x - p) < self.margin
            x = np.where(close, p + np.where(x >= p, 1, -1) * (self.margin + rng.uniform(
                0, self.margin, self.shape)), x)
        return x.astype(np.float64)


@dataclass
class Const:
    """A constant input (indices, masks, conditions): not differentiated."""
    value: Any

    def draw(self, rng) -> np.ndarray:
        return np.asarray(self.value)


@dataclass
class Sample:
    op: str
    inputs: List[Any]
    ref: Optional[Callable[..., Any]]
    attrs: Dict[str, Any] = field(default_factory=dict)
    max_order: int = 3
    note: str = ""
    build: Optional[Callable[..., Any]] = None  # inputs -> Graph, for region operators
    stop_gradient: bool = False  # gradient is zero by definition, not the derivative
    grad_ref: Optional[Callable[..., Any]] = None  # loss layers: the defined first gradient
    grad_ref_weights: bool = False  # grad_ref also takes the scalarizing weights (the head)
    export_build: bool = False  # `build` makes plain operators: export that graph

    @property
    def id(self) -> str:
        extra = ",".join("%s=%s" % (k, v) for k, v in sorted(self.attrs.items())
                         if k in ("act_type", "pool_type", "ord", "training", "axis", "mode"))
        return self.op + ("[%s]" % extra if extra else "")


def x(*shape, **kw) -> In:
    return In(tuple(shape), **kw)


def pos(*shape, lo=0.5, hi=2.0) -> In:
    return In(tuple(shape), lo, hi)


def nz(*shape) -> In:
    """Away from zero, both signs."""
    return In(tuple(shape), 0.2, 1.0, signed=True)


def frac(*shape) -> In:
    """Away from integers and half-integers (floor, round, mod...)."""
    return In(tuple(shape), -2.9, 2.9, avoid=(-2.5, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5),
              margin=0.08)


def S(op, inputs, ref, max_order=3, note="", stop_gradient=False, grad_ref=None,
      grad_ref_weights=False, **attrs) -> Sample:
    return Sample(op, list(inputs), ref, attrs, max_order, note, stop_gradient=stop_gradient,
                  grad_ref=grad_ref, grad_ref_weights=grad_ref_weights)


def _sigmoid(v):
    return 1 / (1 + np.exp(-v))


def _erf(v):
    return np.vectorize(math.erf)(v)


def _softmax(v, axis=-1, t=1.0):
    e = np.exp(v / t - (v / t).max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


IDX = np.array([[2.0, 0.0], [1.0, 2.0]])
UNARY = [
    S("negative", [x(3, 4)], np.negative), S("_copy", [x(3, 4)], np.copy),
    S("exp", [x(3, 4)], np.exp), S("expm1", [x(3, 4)], np.expm1),
    S("log", [pos(3, 4)], np.log), S("log1p", [pos(3, 4)], np.log1p),
    S("log2", [pos(3, 4)], np.log2), S("log10", [pos(3, 4)], np.log10),
    S("sin", [x(3, 4)], np.sin), S("cos", [x(3, 4)], np.cos), S("tanh", [x(3, 4)], np.tanh),
    S("square", [x(3, 4)], np.square), S("sqrt", [pos(3, 4)], np.sqrt),
    S("rsqrt", [pos(3, 4)], lambda v: v ** -0.5), S("sigmoid", [x(3, 4)], _sigmoid),
    S("relu", [nz(3, 4)], lambda v: np.maximum(v, 0)), S("abs", [nz(3, 4)], np.abs),
    S("sign", [nz(3, 4)], np.sign, max_order=1,
      note="sign's gradient is _backward_sign, non-differentiable as in MXNet"),
    S("floor", [frac(3, 4)], np.floor), S("ceil", [frac(3, 4)], np.ceil),
    S("round", [frac(3, 4)], np.round), S("trunc", [frac(3, 4)], np.trunc),
    S("fix", [frac(3, 4)], np.fix), S("rint", [frac(3, 4)], np.rint),
    S("zeros_like", [x(3, 4)], np.zeros_like), S("ones_like", [x(3, 4)], np.ones_like),
    S("_arange", [], lambda: np.repeat(np.arange(1.0, 4.0, 0.5), 2), start=1.0, stop=4.0,
      step=0.5, repeat=2),
    S("_arange", [], lambda: np.arange(5.0), start=5.0),
    S("_eye", [], lambda: np.eye(3, 4, 1), N=3, M=4, k=1),
    S("_linspace", [], lambda: np.linspace(0.0, 1.0, 5), start=0.0, stop=1.0, num=5),
    S("_linspace", [], lambda: np.linspace(0.0, 1.0, 4, endpoint=False), start=0.0, stop=1.0,
      num=4, endpoint=False),
    S("_full", [], lambda: np.full((2, 3), -0.25), shape=(2, 3), value=-0.25,
      dtype="float64"),
    S("BlockGrad", [x(3, 4)], np.copy, stop_gradient=True),
    S("cbrt", [pos(3, 4)], np.cbrt), S("rcbrt", [pos(3, 4)], lambda v: v ** (-1 / 3)),
    S("reciprocal", [pos(3, 4)], lambda v: 1 / v), S("tan", [x(3, 4)], np.tan),
    S("arcsin", [x(3, 4, lo=-0.8, hi=0.8)], np.arcsin),
    S("arccos", [x(3, 4, lo=-0.8, hi=0.8)], np.arccos), S("arctan", [x(3, 4)], np.arctan),
    S("sinh", [x(3, 4)], np.sinh), S("cosh", [x(3, 4)], np.cosh),
    S("arcsinh", [x(3, 4)], np.arcsinh), S("arccosh", [pos(3, 4, lo=1.3, hi=3.0)], np.arccosh),
    S("arctanh", [x(3, 4, lo=-0.8, hi=0.8)], np.arctanh),
    S("degrees", [x(3, 4)], np.degrees), S("radians", [x(3, 4)], np.radians),
    S("softsign", [nz(3, 4)], lambda v: v / (1 + np.abs(v))), S("erf", [x(3, 4)], _erf),
    S("erfinv", [x(3, 4, lo=-0.8, hi=0.8)], lambda v: np.array(
        [[_bisect_erfinv(e) for e in row] for row in v])),
    S("gamma", [pos(3, 4, lo=0.8, hi=3.0)], np.vectorize(math.gamma)),
    S("gammaln", [pos(3, 4, lo=0.8, hi=3.0)], np.vectorize(math.lgamma)),
    S("_polygamma", [pos(3, 4, lo=0.8, hi=3.0)],
      lambda v: (special.gammaln(v + 1e-6) - special.gammaln(v - 1e-6)) / 2e-6, n=0),
    S("clip", [x(3, 4, avoid=(-0.5, 0.5))], lambda v: np.clip(v, -0.5, 0.5),
      a_min=-0.5, a_max=0.5),
    S("hard_sigmoid", [x(3, 4, lo=-4, hi=4, avoid=(-2.5, 2.5))],
      lambda v: np.clip(0.2 * v + 0.5, 0, 1)),
    S("smooth_l1", [x(3, 4, lo=-2, hi=2, avoid=(-0.25, 0, 0.25))],
      lambda v: np.where(np.abs(v) < 0.25, 2 * v * v, np.abs(v) - 0.125), scalar=2.0),
    S("Cast", [x(3, 4)], lambda v: v.astype(np.float64), dtype="float64"),
    S("Activation", [nz(3, 4)], lambda v: np.maximum(v, 0), act_type="relu"),
    S("Activation", [x(3, 4)], _sigmoid, act_type="sigmoid"),
    S("Activation", [x(3, 4)], np.tanh, act_type="tanh"),
    S("Activation", [x(3, 4)], lambda v: np.log1p(np.exp(v)), act_type="softrelu"),
    S("Activation", [nz(3, 4)], lambda v: v / (1 + np.abs(v)), act_type="softsign"),
    S("LeakyReLU", [nz(3, 4)], lambda v: np.where(v > 0, v, 0.1 * v), act_type="leaky",
      slope=0.1),
    S("LeakyReLU", [nz(3, 4)], lambda v: np.where(v > 0, v, 0.7 * np.expm1(v)),
      act_type="elu", slope=0.7),
    S("LeakyReLU", [nz(3, 4)], lambda v: 1.0507009873554805 * np.where(
        v > 0, v, 1.6732632423543772 * np.expm1(v)), act_type="selu"),
    S("LeakyReLU", [x(3, 4, lo=-2, hi=2)],
      lambda v: 0.5 * v * (1 + _erf(v / math.sqrt(2))), act_type="gelu"),
    S("LeakyReLU", [nz(2, 3, 2), x(3)],
      lambda v, g: np.where(v > 0, v, g.reshape(1, 3, 1) * v), act_type="prelu"),
]


BINARY = [
    S("elemwise_add", [x(3, 4), x(3, 4)], np.add),
    S("elemwise_sub", [x(3, 4), x(3, 4)], np.subtract),
    S("elemwise_mul", [x(3, 4), x(3, 4)], np.multiply),
    S("elemwise_div", [x(3, 4), nz(3, 4)], np.divide),
    S("_power", [pos(3, 4), x(3, 4)], np.power),
    S("_maximum", [x(3, 4), x(3, 4)], np.maximum), S("_minimum", [x(3, 4), x(3, 4)], np.minimum),
    S("_hypot", [nz(3, 4), nz(3, 4)], np.hypot),
    S("_arctan2", [nz(3, 4), nz(3, 4)], np.arctan2),
    S("_arctan2_scalar", [nz(3, 4)], lambda v: np.arctan2(v, -0.5), scalar=-0.5),
    S("_rarctan2_scalar", [nz(3, 4)], lambda v: np.arctan2(0.5, v), scalar=0.5),
    S("_mod", [pos(3, 4, lo=2.1, hi=2.9), pos(3, 4, lo=0.6, hi=0.9)], np.mod),
    S("where", [Const(np.array([[1.0, 0, 1, 0], [0, 0, 1, 1], [1, 1, 0, 0]])), x(3, 4),
                x(3, 4)], lambda c, a, b: np.where(c != 0, a, b)),
    S("_plus_scalar", [x(3, 4)], lambda v: v + 1.5, scalar=1.5),
    S("_minus_scalar", [x(3, 4)], lambda v: v - 1.5, scalar=1.5),
    S("_rminus_scalar", [x(3, 4)], lambda v: 1.5 - v, scalar=1.5),
    S("_mul_scalar", [x(3, 4)], lambda v: v * 1.5, scalar=1.5),
    S("_div_scalar", [x(3, 4)], lambda v: v / 1.5, scalar=1.5),
    S("_rdiv_scalar", [nz(3, 4)], lambda v: 1.5 / v, scalar=1.5),
    S("_power_scalar", [pos(3, 4)], lambda v: v ** 2.5, scalar=2.5),
    S("_rpower_scalar", [x(3, 4)], lambda v: 1.5 ** v, scalar=1.5),
    S("_maximum_scalar", [x(3, 4, avoid=(0.25,))], lambda v: np.maximum(v, 0.25), scalar=0.25),
    S("_minimum_scalar", [x(3, 4, avoid=(0.25,))], lambda v: np.minimum(v, 0.25), scalar=0.25),
    S("_hypot_scalar", [x(3, 4)], lambda v: np.hypot(v, 0.5), scalar=0.5),
    S("_mod_scalar", [frac(3, 4)], lambda v: np.mod(v, 0.5), scalar=0.5),
    S("_rmod_scalar", [pos(3, 4, lo=0.7, hi=0.9)], lambda v: np.mod(2.5, v), scalar=2.5),
]
for _name, _fn in (("equal", np.equal), ("not_equal", np.not_equal), ("greater", np.greater),
                   ("greater_equal", np.greater_equal), ("lesser", np.less),
                   ("lesser_equal", np.less_equal)):
    BINARY.append(S("_" + _name, [x(3, 4), x(3, 4)],
                    lambda a, b, f=_fn: f(a, b).astype(a.dtype)))
    BINARY.append(S("_%s_scalar" % _name, [x(3, 4, avoid=(0.25,))],
                    lambda a, f=_fn: f(a, 0.25).astype(a.dtype), scalar=0.25))

SORT = [
    S("sort", [x(3, 4)], lambda v: np.sort(v, axis=1), axis=1),
    S("sort", [x(3, 4)], lambda v: -np.sort(-v, axis=0), axis=0, is_ascend=False),
    S("argsort", [x(3, 4)], lambda v: np.argsort(v, axis=-1).astype(np.float32)),
    S("topk", [x(3, 4)], lambda v: -np.sort(-v, axis=1)[:, :2], k=2, ret_typ="value"),
    S("topk", [x(3, 4)], lambda v: np.argsort(v, axis=0)[:1].astype(np.float32), axis=0,
      is_ascend=True, ret_typ="indices"),
    S("_take_along_axis", [x(3, 4), Const(np.array([[0.0, 3], [1, 1], [2, 0]]))],
      lambda v, i: np.take_along_axis(v, i.astype(int), 1), axis=1),
    S("_put_along_axis", [x(3, 2), Const(np.array([[0.0, 3], [1, 1], [2, 0]]))],
      lambda g, i: _put_ref(g, i), shape=(3, 4), axis=1),
]


REDUCE = [
    S("sum", [x(2, 3, 4)], lambda v: v.sum(axis=(0, 2)), axis=(0, 2)),
    S("sum", [x(2, 3, 4)], lambda v: v.sum(axis=(0, 2), keepdims=True), axis=1, keepdims=True,
      exclude=True),
    S("mean", [x(2, 3, 4)], lambda v: v.mean(axis=1), axis=1),
    S("prod", [nz(2, 3, 4)], lambda v: v.prod(axis=2), axis=2),
    S("max", [x(2, 3, 4)], lambda v: v.max(axis=1), axis=1),
    S("min", [x(2, 3, 4)], lambda v: v.min(axis=(0, 2), keepdims=True), axis=(0, 2),
      keepdims=True),
    S("norm", [x(2, 3, 4)], lambda v: np.sqrt((v * v).sum(axis=1)), axis=1),
    S("norm", [nz(2, 3, 4)], lambda v: np.abs(v).sum(axis=2, keepdims=True), ord=1, axis=2,
      keepdims=True),
    S("norm", [x(3, 4)], lambda v: np.sqrt((v * v).sum())),
    S("argmax", [x(3, 4)], lambda v: v.argmax(axis=1).astype(v.dtype), axis=1),
    S("argmin", [x(3, 4)], lambda v: v.argmin().astype(v.dtype)),
    S("cumsum", [x(3, 4)], lambda v: v.cumsum(axis=1), axis=1),
    S("cumsum", [x(3, 4)], lambda v: v.cumsum()),
    S("softmax", [x(3, 4)], _softmax),
    S("softmax", [x(3, 4)], lambda v: _softmax(v, 0, 2.0), axis=0, temperature=2.0),
    S("log_softmax", [x(3, 4)], lambda v: np.log(_softmax(v))),
    S("log_softmax", [x(3, 4)], lambda v: np.log(_softmax(v, 0, 0.5)), axis=0,
      temperature=0.5),
]

SHAPE = [
    S("Reshape", [x(2, 3, 4)], lambda v: v.reshape(2, 12), shape=(0, -1)),
    S("Reshape", [x(2, 3, 4)], lambda v: v.reshape(2, 3, 2, 2), shape=(0, 0, -4, 2, -1)),
    S("transpose", [x(2, 3, 4)], lambda v: v.transpose(1, 2, 0), axes=(1, 2, 0)),
    S("broadcast_to", [x(3, 1)], lambda v: np.broadcast_to(v, (2, 3, 4)), shape=(2, 3, 4)),
    S("slice", [x(4, 5)], lambda v: v[1:3, ::-2], begin=(1, None), end=(3, None),
      step=(1, -2)),
    S("_slice_scatter", [x(2, 3)], lambda v: np.pad(v, ((1, 1), (0, 2))), shape=(4, 5),
      begin=(1, 0), end=(3, 3)),
    S("SliceChannel", [x(2, 6)], lambda v: tuple(np.split(v, 3, axis=1)), num_outputs=3),
    S("SliceChannel", [x(3, 2)], lambda v: tuple(v), num_outputs=3, axis=0, squeeze_axis=True),
    S("SliceChannel", [x(1, 2, 3)], lambda v: v[0], num_outputs=1, axis=0, squeeze_axis=True),
    S("Concat", [x(2, 3), x(2, 1)], lambda a, b: np.concatenate([a, b], 1), num_args=2),
    S("expand_dims", [x(2, 3)], lambda v: v[:, None], axis=1),
    S("squeeze", [x(2, 1, 3, 1)], lambda v: v.reshape(2, 3)),
    S("squeeze", [x(2, 1, 3, 1)], lambda v: v.reshape(2, 3, 1), axis=1),
    S("Flatten", [x(2, 3, 4)], lambda v: v.reshape(2, 12)),
    S("stack", [x(2, 3), x(2, 3)], lambda a, b: np.stack([a, b], 1), axis=1, num_args=2),
    S("stack", [x(2, 3)], lambda a: a[None], axis=0, num_args=1),
    S("slice_axis", [x(3, 5)], lambda v: v[:, 1:4], axis=1, begin=1, end=-1),
    S("tile", [x(2, 3)], lambda v: np.tile(v, (2, 1, 2)), reps=(2, 1, 2)),
    S("repeat", [x(2, 3)], lambda v: np.repeat(v, 2, axis=1), repeats=2, axis=1),
    S("repeat", [x(2, 3)], lambda v: np.repeat(v, 3), repeats=3),
    S("reverse", [x(2, 3, 4)], lambda v: v[::-1, :, ::-1], axis=(0, 2)),
    S("UpSampling", [x(1, 2, 2, 3)], lambda v: v.repeat(2, axis=2).repeat(2, axis=3), scale=2),
    S("Pad", [x(1, 2, 2, 3)], lambda v: np.pad(v, ((0, 0), (0, 0), (0, 2), (2, 1)),
                                               constant_values=0.5),
      mode="constant", pad_width=(0, 0, 0, 0, 0, 2, 2, 1), constant_value=0.5),
    S("Pad", [x(1, 2, 3, 4)], lambda v: np.pad(v, ((0, 0), (0, 0), (2, 1), (1, 3)),
                                               mode="reflect"),
      mode="reflect", pad_width=(0, 0, 0, 0, 2, 1, 1, 3)),
    S("Pad", [x(1, 2, 3, 2)], lambda v: np.pad(v, ((0, 0), (0, 0), (2, 0), (1, 2)),
                                               mode="edge"),
      mode="edge", pad_width=(0, 0, 0, 0, 2, 0, 1, 2)),
    S("SwapAxis", [x(2, 3, 4)], lambda v: v.swapaxes(0, 2), dim1=0, dim2=2),
    S("take", [x(4, 3), Const(IDX)], lambda a, i: a[i.astype(int)]),
    S("take", [x(2, 4), Const(np.array([5.0, -1.0, 1.0]))],
      lambda a, i: a[:, [1, 3, 1]], axis=1, mode="wrap"),
    S("_take_scatter", [x(2, 2, 3), Const(IDX)],
      lambda g, i: _scatter((4, 3), i, g, 0), shape=(4, 3)),
    S("pick", [x(3, 4), Const(np.array([0.0, 3.0, 1.0]))],
      lambda a, i: a[np.arange(3), i.astype(int)]),
    S("pick", [x(3, 4), Const(np.array([2.0, 0.0, 1.0, 1.0]))],
      lambda a, i: a[i.astype(int), np.arange(4)][None], axis=0, keepdims=True),
    S("_pick_scatter", [x(3), Const(np.array([0.0, 3.0, 1.0]))],
      lambda g, i: np.eye(4)[i.astype(int)] * g[:, None], shape=(3, 4)),
    S("one_hot", [Const(np.array([0.0, 2.0, 1.0]))], lambda i: np.eye(3)[i.astype(int)],
      depth=3, dtype="float64"),
    S("Embedding", [Const(IDX), x(3, 4)], lambda i, w: w[i.astype(int)], input_dim=3,
      output_dim=4, dtype="float64"),
]

MEAN3, VAR3 = np.array([0.1, -0.2, 0.3]), np.array([1.5, 0.5, 2.0])  # moving statistics
NN = [
    S("dot", [x(3, 4), x(4, 2)], np.dot),
    S("dot", [x(4, 3), x(2, 4)], lambda a, b: a.T @ b.T, transpose_a=True, transpose_b=True),
    S("dot", [x(4, 3), x(4, 2)], lambda a, b: a.T @ b, transpose_a=True),
    S("dot", [x(3, 4), x(2, 4)], lambda a, b: a @ b.T, transpose_b=True),
    S("dot", [x(3, 4), x(4)], np.dot),
    S("dot", [x(4, 3), x(4)], lambda a, b: a.T @ b, transpose_a=True),
    S("dot", [x(4), x(4, 3)], np.dot),
    S("dot", [x(4), x(3, 4)], lambda a, b: a @ b.T, transpose_b=True),
    S("dot", [x(4), x(4)], lambda a, b: np.dot(a, b).reshape(1)),
    # N-D operands: transpose_a contracts lhs's first axis, transpose_b rhs's last (MXNet)
    S("dot", [x(2, 3, 4), x(2, 3)], lambda a, b: np.tensordot(a, b, ([0], [0])),
      transpose_a=True),
    S("dot", [x(3, 2), x(4, 3, 2)], lambda a, b: np.tensordot(a, b, ([1], [2])),
      transpose_b=True),
    S("dot", [x(2, 3, 4), x(3, 2, 2)], lambda a, b: np.tensordot(a, b, ([0], [2])),
      transpose_a=True, transpose_b=True),
    S("_np_dot", [x(3, 4), x(4)], np.dot),
    S("batch_dot", [x(2, 3, 4), x(2, 4, 2)], np.matmul),
    S("batch_dot", [x(2, 4, 3), x(2, 2, 4)],
      lambda a, b: np.matmul(a.swapaxes(1, 2), b.swapaxes(1, 2)), transpose_a=True,
      transpose_b=True),
    S("FullyConnected", [x(2, 3), x(4, 3), x(4)], lambda d, w, b: d @ w.T + b, num_hidden=4),
    S("FullyConnected", [x(2, 2, 3), x(4, 3)], lambda d, w: d @ w.T, num_hidden=4,
      no_bias=True, flatten=False),
    S("Dropout", [x(3, 4), Const(np.array([[2.0, 0, 2, 2]] * 3))], np.multiply, p=0.5),
    S("BatchNorm", [x(4, 3), pos(3), x(3), Const(MEAN3), Const(VAR3)],
      lambda *a: _bn_ref(*a, training=True, fix_gamma=False), fix_gamma=False, training=True),
    S("BatchNorm", [x(2, 3, 2, 2), pos(3), x(3), Const(MEAN3), Const(VAR3)],
      lambda *a: _bn_ref(*a, training=False), training=False),
    S("LayerNorm", [x(2, 5), pos(5), x(5)],
      lambda v, g, b: (v - v.mean(-1, keepdims=True)) / np.sqrt(
          v.var(-1, keepdims=True) + 1e-5) * g + b),
    S("InstanceNorm", [x(2, 3, 2, 2), pos(3), x(3)],
      lambda v, g, b: (v - v.mean((2, 3), keepdims=True)) / np.sqrt(
          v.var((2, 3), keepdims=True) + 1e-3) * g.reshape(1, 3, 1, 1) + b.reshape(1, 3, 1, 1)),
    S("GroupNorm", [x(2, 4, 3), pos(2), x(2)],
      lambda v, g, b: (((v.reshape(2, 2, -1) - v.reshape(2, 2, -1).mean(-1, keepdims=True))
                        / np.sqrt(v.reshape(2, 2, -1).var(-1, keepdims=True) + 1e-3)
                        * g.reshape(1, 2, 1) + b.reshape(1, 2, 1)).reshape(2, 4, 3)),
      num_groups=2, eps=1e-3),
    S("L2Normalization", [x(2, 3, 2)],
      lambda v: v / np.sqrt((v * v).sum((1, 2), keepdims=True) + 1e-10)),
    S("L2Normalization", [x(2, 3, 2, 2)],
      lambda v: v / np.sqrt((v * v).sum(1, keepdims=True) + 0.1), mode="channel", eps=0.1),
    S("Convolution", [x(2, 2, 5, 5), x(3, 2, 3, 3), x(3)],
      lambda d, w, b: _conv_ref(d, w, b, stride=(2, 2), pad=(1, 1)), kernel=(3, 3),
      stride=(2, 2), pad=(1, 1), num_filter=3),
    S("Convolution", [x(1, 4, 5, 5), x(2, 2, 2, 2)],
      lambda d, w: _conv_ref(d, w, dilate=(2, 1), groups=2), kernel=(2, 2), dilate=(2, 1),
      num_filter=2, num_group=2, no_bias=True),
    S("Deconvolution", [x(2, 2, 3, 3), x(2, 2, 3, 3), x(2)],
      lambda d, w, b: _deconv_ref(d, w, b, stride=(2, 2), pad=(1, 1), adj=(1, 1)),
      kernel=(3, 3), stride=(2, 2), pad=(1, 1), adj=(1, 1), num_filter=2, no_bias=False),
    S("Deconvolution", [x(1, 4, 3, 3), x(4, 1, 2, 2)],
      lambda d, w: _deconv_ref(d, w, dilate=(2, 1), groups=2), kernel=(2, 2), dilate=(2, 1),
      num_filter=2, num_group=2),
    # 1-D (N, C, W) and 3-D (N, C, D, H, W) windows
    S("Convolution", [x(2, 2, 6), x(3, 2, 3), x(3)],
      lambda d, w, b: _conv_nd_ref(d, w, b, stride=(2,), pad=(1,), dilate=(1,)), kernel=(3,),
      stride=(2,), pad=(1,), num_filter=3),
    S("Convolution", [x(1, 4, 5), x(2, 2, 2)],
      lambda d, w: _conv_nd_ref(d, w, stride=(1,), pad=(0,), dilate=(2,), groups=2),
      kernel=(2,), dilate=(2,), num_filter=2, num_group=2, no_bias=True),
    S("Convolution", [x(1, 1, 3, 3, 2), x(2, 1, 2, 2, 2), x(2)],
      lambda d, w, b: _conv_nd_ref(d, w, b, stride=(1, 2, 1), pad=(0, 1, 0),
                                   dilate=(1, 1, 1)),
      kernel=(2, 2, 2), stride=(1, 2, 1), pad=(0, 1, 0), num_filter=2),
    S("Deconvolution", [x(1, 2, 3), x(2, 2, 3), x(2)],
      lambda d, w, b: _deconv_nd_ref(d, w, b, stride=(2,), pad=(1,), adj=(1,)),
      kernel=(3,), stride=(2,), pad=(1,), adj=(1,), num_filter=2, no_bias=False),
    S("Deconvolution", [x(1, 2, 2, 2, 2), x(2, 1, 2, 1, 2)],
      lambda d, w: _deconv_nd_ref(d, w, stride=(1, 2, 1), pad=(0, 0, 1), adj=(0, 1, 0)),
      kernel=(2, 1, 2), stride=(1, 2, 1), pad=(0, 0, 1), adj=(0, 1, 0), num_filter=1),
    S("Pooling", [x(1, 2, 6)], lambda v: _pool_nd_ref(v, (2,), (2,), (0,), "max"),
      kernel=(2,), stride=(2,), pool_type="max"),
    S("Pooling", [x(1, 1, 5)], lambda v: _pool_nd_ref(v, (3,), (1,), (1,), "avg", False),
      kernel=(3,), stride=(1,), pad=(1,), pool_type="avg", count_include_pad=False),
    S("Pooling", [x(1, 1, 3, 4, 2)],
      lambda v: _pool_nd_ref(v, (2, 2, 2), (1, 2, 1), (0, 0, 0), "max"),
      kernel=(2, 2, 2), stride=(1, 2, 1), pool_type="max"),
    S("Pooling", [x(1, 1, 2, 3, 2)],
      lambda v: _pool_nd_ref(v, (2, 2, 2), (1, 1, 1), (1, 0, 1), "avg"),
      kernel=(2, 2, 2), pad=(1, 0, 1), pool_type="avg"),
    S("Pooling", [x(2, 1, 2, 2, 3)], lambda v: v.sum(axis=(2, 3, 4), keepdims=True),
      kernel=(1, 1, 1), global_pool=True, pool_type="sum"),
    S("Pooling", [x(1, 2, 4, 4)], lambda v: _pool_ref(v, (2, 2), (2, 2), (0, 0), "max"),
      kernel=(2, 2), stride=(2, 2), pool_type="max"),
    S("Pooling", [x(1, 2, 4, 4)], lambda v: _pool_ref(v, (3, 3), (1, 1), (1, 1), "avg",
                                                      False),
      kernel=(3, 3), stride=(1, 1), pad=(1, 1), pool_type="avg", count_include_pad=False),
    S("Pooling", [x(1, 1, 4, 4)], lambda v: _pool_ref(v, (2, 2), (1, 1), (0, 0), "sum"),
      kernel=(2, 2), stride=(1, 1), pool_type="sum"),
    S("Pooling", [x(1, 2, 3, 3)], lambda v: v.mean(axis=(2, 3), keepdims=True),
      global_pool=True, pool_type="avg"),
    # MXNet's 'full' convention: ceil output sizes, the last windows clipped
    S("Pooling", [x(1, 2, 5, 5)],
      lambda v: _pool_conv_ref(v, (2, 2), (2, 2), (0, 0), "max", "full"),
      kernel=(2, 2), stride=(2, 2), pool_type="max", pooling_convention="full"),
    S("Pooling", [x(1, 1, 6)],
      lambda v: _pool_conv_ref(v, (3,), (2,), (1,), "avg", "full"),
      kernel=(3,), stride=(2,), pad=(1,), pool_type="avg", pooling_convention="full"),
    S("Pooling", [x(1, 1, 3, 4, 3)],
      lambda v: _pool_conv_ref(v, (2, 2, 2), (2, 1, 2), (0, 1, 0), "avg", "full", False),
      kernel=(2, 2, 2), stride=(2, 1, 2), pad=(0, 1, 0), pool_type="avg",
      pooling_convention="full", count_include_pad=False),
    S("_pool_max_scatter", [x(1, 2, 5, 5), x(1, 2, 3, 3)],
      lambda v, g: _pool_max_scatter_ref(v, g, (2, 2), (2, 2), (0, 0), "full"),
      kernel=(2, 2), stride=(2, 2), pooling_convention="full"),
    S("_pool_max_scatter", [x(1, 1, 4, 4), x(1, 1, 4, 4)],
      lambda v, g: _pool_max_scatter_ref(v, g, (3, 3), (1, 1), (1, 1)),
      kernel=(3, 3), stride=(1, 1), pad=(1, 1)),
    S("_pool_max_scatter", [x(2, 1, 5), x(2, 1, 1)],
      lambda v, g: _pool_max_scatter_ref(v, g, (5,), (1,), (0,)), kernel=(5,),
      global_pool=True),
    S("_pool_max_scatter", [x(2, 1, 5, 4), x(2, 1, 2, 2)],
      lambda v, g: _pool_max_scatter_ref(v, g, (2, 2), (2, 2), (0, 0)),
      kernel=(2, 2), stride=(2, 2)),
    S("_pool_max_scatter", [x(1, 2, 7), x(1, 2, 2)],
      lambda v, g: _pool_max_scatter_ref(v, g, (2,), (3,), (0,)), kernel=(2,), stride=(3,)),
    S("_pool_max_gather", [x(1, 1, 3, 4, 2), x(1, 1, 3, 4, 2)],
      lambda v, h: _pool_max_gather_ref(v, h, (2, 2, 2), (1, 2, 1), (0, 0, 0)),
      kernel=(2, 2, 2), stride=(1, 2, 1)),
    S("_pool_max_gather", [x(1, 2, 3, 3), x(1, 2, 3, 3)],
      lambda v, h: _pool_max_gather_ref(v, h, (3, 3), (1, 1), (0, 0)), global_pool=True),
    S("_pool_scatter", [x(1, 1, 3, 3)],
      lambda g: _pool_scatter_ref(g, (1, 1, 5, 5), (2, 2), (2, 2), (0, 0), "avg", "full"),
      shape=(1, 1, 5, 5), kernel=(2, 2), stride=(2, 2), pooling_convention="full"),
    S("_pool_scatter", [x(1, 2, 5)],
      lambda g: _pool_scatter_ref(g, (1, 2, 5), (3,), (1,), (1,), "avg", include_pad=False),
      shape=(1, 2, 5), kernel=(3,), stride=(1,), pad=(1,), count_include_pad=False),
    S("_pool_scatter", [x(1, 1, 1, 2, 1)],
      lambda g: _pool_scatter_ref(g, (1, 1, 2, 3, 2), (2, 2, 2), (1, 1, 1), (0, 0, 0),
                                  "sum"),
      shape=(1, 1, 2, 3, 2), kernel=(2, 2, 2), pool_type="sum"),
    S("_pool_scatter", [x(2, 1, 1, 1)], lambda g: np.broadcast_to(g / 6, (2, 1, 2, 3)),
      shape=(2, 1, 2, 3), global_pool=True),
    S("_conv_weight_grad", [x(2, 2, 5, 5), x(2, 3, 3, 3)],
      lambda d, c: _conv_wgrad_ref(d, c, (3, 3), (2, 2), (1, 1), (1, 1)),
      kernel=(3, 3), stride=(2, 2), pad=(1, 1)),
    S("_conv_weight_grad", [x(1, 4, 5, 5), x(1, 2, 3, 4)],
      lambda d, c: _conv_wgrad_ref(d, c, (2, 2), (1, 1), (0, 0), (2, 1), groups=2),
      kernel=(2, 2), dilate=(2, 1), num_group=2),
    S("_conv_weight_grad", [x(1, 2, 6), x(1, 2, 6)],
      lambda d, c: _conv_wgrad_ref(d, c, (3,), (1,), (1,), (1,)), kernel=(3,), pad=(1,)),
    S("_conv_weight_grad", [x(1, 1, 3, 3, 2), x(1, 2, 2, 2, 1)],
      lambda d, c: _conv_wgrad_ref(d, c, (2, 2, 2), (1, 2, 1), (0, 1, 0), (1, 1, 1)),
      kernel=(2, 2, 2), stride=(1, 2, 1), pad=(0, 1, 0)),
    S("Convolution", [x(2, 3, 6, 5), x(4, 3, 3, 2), x(4)],
      lambda d, w, b: _conv_ref(d, w, b, pad=(1, 0)), kernel=(3, 2), pad=(1, 0),
      num_filter=4),
    S("Deconvolution", [x(2, 3, 3, 4), x(3, 2, 2, 3), x(2)],
      lambda d, w, b: _deconv_ref(d, w, b, pad=(1, 0)), kernel=(2, 3), pad=(1, 0),
      num_filter=2, no_bias=False),
    S("_im2col", [x(1, 2, 4, 4)], lambda v: _im2col_ref(v, (3, 3), (1, 1), (1, 1)),
      kernel=(3, 3), pad=(1, 1)),
    S("_col2im", [x(1, 8, 4)], lambda c: _col2im_ref(c, (1, 2, 3, 3), (2, 2), (1, 1), (0, 0)),
      shape=(1, 2, 3, 3), kernel=(2, 2)),
]


def _fused_graph(inputs):
    """sin(x) * y + exp(x), grouped by the fuse pass into one `fused` node."""
    from tapegraph.ir import Builder, Graph
    from tapegraph.passes import get_pass
    b = Builder()
    xv, yv = inputs
    out = b.op("elemwise_add", b.op("elemwise_mul", b.op("sin", xv), yv), b.op("exp", xv))
    g = get_pass("fuse")(Graph("f", inputs, b.nodes, [out]))
    assert [n.op for n in g.nodes] == ["fused"], g
    return g


def _grad_region_graph(inputs):
    """One `_grad_region` node (as autograd.grad(create_graph=True) records) whose region
    is the gradient of sum(tanh(dot(A, w)) * w) with respect to w: dot, a reduction and
    reshapes inside, so differentiating it again crosses more than element-wise rules."""
    from tapegraph.ir import Builder, Graph, Node, Value
    from tapegraph.passes import get_pass
    b = Builder()
    av, wv = [Value(v.type) for v in inputs]
    out = b.op("sum", b.op("elemwise_mul", b.op("tanh", b.op("dot", av, wv)), wv))
    region = get_pass("dce")(get_pass("grad")(Graph("f", [av, wv], b.nodes, [out]), wrt=[1]))
    result = Value(region.outputs[0].type)
    return Graph("f", inputs, [Node("_grad_region", inputs, [result], {}, region)], [result])


def _cached_op_graph(inputs):
    """One `_CachedOp` node (as a hybridized Gluon block records) whose region is a Dense
    layer with a tanh activation: FullyConnected(x, w, b) then tanh."""
    from tapegraph.ir import Builder, Graph, Node, Value
    b = Builder()
    xv, wv, bv = [Value(v.type) for v in inputs]
    out = b.op("Activation", b.op("FullyConnected", xv, wv, bv, num_hidden=3),
               act_type="tanh")
    region = Graph("dense0", [xv, wv, bv], b.nodes, [out])
    result = Value(out.type)
    return Graph("f", inputs, [Node("_CachedOp", inputs, [result], {}, region)], [result])


def _checkpoint_graph(inputs):
    """One `_checkpoint` node (as tapegraph.transforms.checkpoint records) whose region is
    tanh(dot(x, w)) * sigmoid(dot(x, w)) and saves the product ("dots" policy): an extra
    output its gradient reuses instead of recomputing."""
    from tapegraph.ir import Builder, Graph, Node, Value
    b = Builder()
    xv, wv = [Value(v.type) for v in inputs]
    z = b.op("dot", xv, wv)
    out = b.op("elemwise_mul", b.op("tanh", z), b.op("sigmoid", z))
    region = Graph("block", [xv, wv], b.nodes, [out, z])
    results = [Value(out.type), Value(z.type)]
    return Graph("f", inputs, [Node("_checkpoint", inputs, results,
                                    {"policy": "dots", "num_results": 1}, region)],
                 results[:1])


def _grad_region_ref(a, w):
    t = np.tanh(a @ w)
    return a.T @ ((1 - t * t) * w) + t


LABELS = np.array([0.0, 3.0, 1.0])
LOSS = [  # output layers: the first gradient is the loss gradient MXNet defines
    S("SoftmaxOutput", [x(3, 4), Const(LABELS)], lambda v, lab: _softmax(v),
      grad_ref=lambda v, lab: (_softmax(v) - np.eye(4)[lab.astype(int)]) * 2.0 / 3,
      grad_scale=2.0, normalization="batch"),
    S("SoftmaxOutput", [x(3, 4), Const(LABELS)], lambda v, lab: _softmax(v),
      grad_ref=lambda v, lab: (_softmax(v) - np.eye(4)[lab.astype(int)]) * (
          lab != 3)[:, None] / 2, use_ignore=True, ignore_label=3.0, normalization="valid"),
    S("LinearRegressionOutput", [x(3, 4), Const(np.ones((3, 4)))], lambda v, lab: v,
      grad_ref=lambda v, lab: (v - lab) / 4),
    S("LogisticRegressionOutput", [x(3, 4), Const(np.ones((3, 4)))], lambda v, lab: _sigmoid(v),
      grad_ref=lambda v, lab: (_sigmoid(v) - lab) * 3.0 / 4, grad_scale=3.0),
    S("MAERegressionOutput", [nz(3, 4), Const(np.zeros((3, 4)))], lambda v, lab: v,
      grad_ref=lambda v, lab: np.sign(v - lab) / 4),
]

REGION = [
    Sample("fused", [x(3, 4), x(3, 4)], lambda a, b: np.sin(a) * b + np.exp(a),
           build=_fused_graph),
    Sample("_grad_region", [x(3, 3), x(3)], _grad_region_ref, build=_grad_region_graph),
    Sample("_CachedOp", [x(2, 4), x(3, 4), x(3)], lambda v, w, b: np.tanh(v @ w.T + b),
           build=_cached_op_graph),
    Sample("_checkpoint", [x(2, 3), x(3, 3)],
           lambda v, w: np.tanh(v @ w) * _sigmoid(v @ w), build=_checkpoint_graph),
]

# Losses marked on any value (their gradient ignores the head gradient), listed last so
# the indices of the samples above (in op_cases.json ids) stay put.
MARKED_LOSS = [
    S("MakeLoss", [x(3, 4)], lambda v: v, grad_ref=lambda v: np.full(v.shape, 2.0 / 3),
      grad_scale=2.0, normalization="batch"),
    S("MakeLoss", [nz(3, 4)], lambda v: v,
      grad_ref=lambda v: np.ones(v.shape) / max(1, (v > 0.1).sum()), valid_thresh=0.1,
      normalization="valid"),
    S("make_loss", [x(3, 4)], lambda v: v, grad_ref=lambda v: np.ones(v.shape)),
]

def _svm_grad(v, lab, m, reg, linear):
    hit = np.eye(v.shape[1])[lab.astype(int)]
    if linear:
        return reg * ((1 - hit) * (v > -m) - hit * (v < m))
    return 2 * reg * ((1 - hit) * (m + v) * (v > -m) - hit * (m - v) * (v < m))


# Defined gradients (straight-through estimators, gradient scaling): the first gradient is
# a function of the head gradient (the scalarizing weights w), not the derivative.
DEFINED = [
    S("_contrib_round_ste", [frac(3, 4)], lambda v: np.copysign(np.floor(np.abs(v) + 0.5), v),
      grad_ref=lambda v, w: w, grad_ref_weights=True),
    S("_contrib_sign_ste", [nz(3, 4)], np.sign, grad_ref=lambda v, w: w,
      grad_ref_weights=True),
    S("_contrib_gradientmultiplier", [x(3, 4)], np.copy, grad_ref=lambda v, w: -2.5 * w,
      grad_ref_weights=True, scalar=-2.5),
    S("SVMOutput", [In((3, 4), -0.9, 0.9), Const(LABELS)], lambda v, lab: v,
      grad_ref=lambda v, lab: _svm_grad(v, lab, 1.0, 1.0, False)),
    S("SVMOutput", [In((3, 4), -0.9, 0.9, avoid=(-0.3, 0.3)), Const(LABELS)], lambda v, lab: v,
      grad_ref=lambda v, lab: _svm_grad(v, lab, 0.3, 2.0, True), margin=0.3,
      regularization_coefficient=2.0, use_linear=True),
    # non-differentiable in MXNet (no FGradient): kernel and export checks only (MXNet
    # cannot run an exported fill_element_0index: tests/export/test_op_cases.py)
    S("batch_take", [Const(np.arange(12.0).reshape(3, 4)), Const(np.array([0, 3, 2], np.int32))],
      lambda a, i: a[np.arange(3), i.astype(int)]),
]



def _seq_keep(shape, lengths, axis):
    n = np.clip(lengths.astype(int), 0, shape[axis])
    steps = np.arange(shape[axis])
    keep = steps[:, None] < n[None, :] if axis == 0 else (n[:, None] > steps[None, :])
    return keep.reshape(keep.shape + (1,) * (len(shape) - 2))


def _seq_last(v, lengths, axis):
    last = np.maximum(np.clip(lengths.astype(int), 0, v.shape[axis]) - 1, 0)
    b = np.arange(v.shape[1 - axis])
    return v[last, b] if axis == 0 else v[b, last]


def _seq_reverse(v, lengths):
    out = v.copy()
    for b, n in enumerate(np.clip(lengths.astype(int), 0, v.shape[0])):
        out[:n, b] = v[:n, b][::-1]
    return out


_LIGHT_ALPHA = (1e-5, -2e-5, 3e-5)
_LIGHT_SHIFT = np.array([[55.46 * -0.5675, 4.794 * 0.7192, 1.148 * 0.4009],
                         [55.46 * -0.5808, 4.794 * -0.0045, 1.148 * -0.8140],
                         [55.46 * -0.5836, 4.794 * -0.6948, 1.148 * 0.4203]]
                        ).astype(np.float32) @ np.array(_LIGHT_ALPHA, np.float32)
_RESIZE_IN = np.random.RandomState(7).uniform(0, 255, (4, 6, 3)).round()
_U8_IMAGE = np.random.RandomState(3).randint(0, 256, (3, 4, 3)).astype(np.uint8)
_MEAN3, _STD3 = np.array([0.5, -0.25, 1.0]), np.array([2.0, 0.5, 4.0])
# Listed last, so the indices of the samples above (in op_cases.json ids) stay put.
IMAGE = [
    S("_image_crop", [x(5, 6, 3)], lambda v: v[1:4, 2:6], x=2, y=1, width=4, height=3),
    S("_image_crop", [x(2, 4, 5, 1)], lambda v: v[:, 0:2, 1:4], x=1, y=0, width=3, height=2),
    # MXNet's gradient of its colour operators is the cotangent unchanged (`_copy`): here
    # also the derivative of x + shift. MXNet adds in float32, float64 images too, so the
    # values stay below 2**-11, where float32 rounding (< 3e-11) is invisible to the
    # finite differences (step 1e-5) that check the tangents
    S("_image_adjust_lighting", [In((3, 4, 3), 0.0, 1e-4)],
      lambda v: v + _LIGHT_SHIFT, grad_ref=lambda v, w: w, grad_ref_weights=True,
      alpha=_LIGHT_ALPHA),
    # not differentiable (MXNet 1.9.1's backward fails): kernel, batching and export
    # checks; nearest neighbour halving the size reads every other row and column
    S("_image_resize", [Const(_RESIZE_IN)], lambda v: v[::2, ::2], size=(3, 2), interp=0),
    # not differentiable (MXNet 1.9.1's backward fails): kernel and export checks, of a
    # uint8 image and a float batch
    S("_image_to_tensor", [Const(_U8_IMAGE)], lambda v: v.transpose(2, 0, 1) / 255.0),
    S("_image_to_tensor", [Const(_RESIZE_IN[:2, :2, :1][None].repeat(2, 0))],
      lambda v: v.transpose(0, 3, 1, 2) / 255.0),
    # mean and std are float32 in MXNet: values float32 holds exactly
    S("_image_normalize", [x(3, 2, 4)],
      lambda v: (v - _MEAN3.reshape(3, 1, 1)) / _STD3.reshape(3, 1, 1),
      mean=tuple(_MEAN3.tolist()), std=tuple(_STD3.tolist())),
    S("_image_normalize", [x(2, 1, 3, 2)], lambda v: (v - 0.25) / 0.5, mean=0.25, std=0.5),
    # Even sizes: MXNet 1.9.1 leaves the middle column (row) of an odd size unwritten.
    # The gradient is the true one (the cotangent flipped); MXNet's passes it unchanged
    S("_image_flip_left_right", [x(4, 6, 3)], lambda v: v[:, ::-1]),
    S("_image_flip_top_bottom", [x(4, 2, 1)], lambda v: v[::-1]),
]


LENGTHS3 = np.array([1.0, 4.0, 0.0])
LAST3 = np.array([1.0, 4.0, 2.0])  # (MXNet reads out of bounds for a length of 0)
SEQUENCE = [
    S("SequenceMask", [x(4, 3, 2), Const(LENGTHS3)],
      lambda v, n: np.where(_seq_keep(v.shape, n, 0), v, -1.0), use_sequence_length=True,
      value=-1.0),
    S("SequenceMask", [x(3, 4), Const(np.array([2.0, 9.0, 0.0]))],
      lambda v, n: np.where(_seq_keep(v.shape, n, 1), v, 0.0), use_sequence_length=True,
      axis=1),
    S("SequenceMask", [x(3, 2)], lambda v: v),
    S("SequenceLast", [x(4, 3, 2), Const(LAST3)], lambda v, n: _seq_last(v, n, 0),
      use_sequence_length=True),
    S("SequenceLast", [x(3, 4, 2), Const(np.array([2.0, 4.0, 1.0]))],
      lambda v, n: _seq_last(v, n, 1), use_sequence_length=True, axis=1),
    S("SequenceLast", [x(4, 3)], lambda v: v[-1]),
    S("_sequence_last_scatter", [x(3, 2), Const(LAST3)],
      lambda g, n: _last_scatter_ref(g, n, (4, 3, 2), 0), shape=(4, 3, 2),
      use_sequence_length=True),
    S("_sequence_last_scatter", [x(3, 2), Const(np.array([2.0, 4.0, 1.0]))],
      lambda g, n: _last_scatter_ref(g, n, (3, 4, 2), 1), shape=(3, 4, 2),
      use_sequence_length=True, axis=1),
    S("SequenceReverse", [x(4, 3, 2), Const(np.array([2.0, 4.0, 0.0]))],
      _seq_reverse, use_sequence_length=True),
    S("SequenceReverse", [x(4, 3)], lambda v: v[::-1]),
]


def _last_scatter_ref(g, lengths, shape, axis):
    out = np.zeros(shape)
    last = np.maximum(np.clip(lengths.astype(int), 0, shape[axis]) - 1, 0)
    for b, t in enumerate(last):
        if axis == 0:
            out[t, b] = g[b]
        else:
            out[b, t] = g[b]
    return out


from op_samples_linalg import LINALG  # noqa: E402  (the factorisations; needs Sample above)
from op_samples_detection import DETECTION  # noqa: E402  (box and SSD operators)
from op_samples_regions import REGIONS  # noqa: E402  (region poolings, deformable, RPN)
from op_samples_samplers import SAMPLERS  # noqa: E402  (BilinearSampler, ..., _histogram)

SAMPLES: List[Sample] = (UNARY + BINARY + SORT + REDUCE + SHAPE + NN + LOSS + REGION + MARKED_LOSS
                         + LINALG + DEFINED + SEQUENCE + IMAGE + DETECTION + REGIONS + SAMPLERS)

# Differentiable operators that the table does not cover, each with the reason.
EXEMPT = {
    "_CustomFunction": "runs a user's Python Function; covered by tests of autograd.Function",
    "_CustomFunctionBackward": "runs a user's Python backward",
}
# Sampling operators draw random numbers (no reference value; zero gradients except
# multinomial's log-probability): tests/passes/test_random_passes.py, tests/gluon/
# test_random_ir.py (gradients vs MXNet 1.9.1, to order 2).
EXEMPT.update((op.name, "draws random numbers") for op in REGISTRY if op.random)
