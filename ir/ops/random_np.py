"""NumPy-interface sampling operators (`mx.np.random.uniform` / `normal`): MXNet's
`_npi_uniform` and `_npi_normal`. A parameter is either a number attribute or, when the
attribute is None, an array input (inputs in parameter order, each of the output's shape:
the frontend broadcasts them, see tapegraph.ir.ops.random for how draws live in the IR).

Gradients follow MXNet 1.9.1: `_npi_uniform` has none (zero); `_npi_normal` is
reparameterised (y = loc + scale * eps): d/dloc = 1 and d/dscale = (y - loc) / scale.
"""
from __future__ import annotations

from typing import Any, Dict, List

from tapegraph.ir.errors import ShapeError
from tapegraph.ir.registry import register
from tapegraph.ir.types import TensorType

from ._emit import div, mul, sub
from .random import _cast, generator
from .rules import check_shape_attr, fmt_shape


def _params(op: str, names, ins: List[Any], attrs: Dict[str, Any]) -> List[Any]:
    """The value of each parameter: its attribute, or the next input where it is None."""
    wanted = sum(attrs[n] is None for n in names)
    if len(ins) != wanted:
        raise ShapeError("%s takes one input per parameter given as an array (%d), got %d"
                         % (op, wanted, len(ins)))
    it = iter(ins)
    return [next(it) if attrs[n] is None else attrs[n] for n in names]


def _infer(op: str, names):
    def infer(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
        _params(op, names, ins, attrs)
        if attrs["size"] is not None:
            shape = check_shape_attr(attrs["size"], op)
        else:
            shape = ins[0].shape if ins else ()
        for t in ins:
            if t.shape != shape:
                raise ShapeError("%s: array parameters must have the output's shape %s, "
                                 "got %s" % (op, fmt_shape(shape), fmt_shape(t.shape)))
        return [TensorType.get(shape, attrs["dtype"])]
    return infer


def _shape(arrays, size):
    return tuple(size) if size is not None else (arrays[0].shape if arrays else ())


_UNIFORM = ("low", "high")


@register("_npi_uniform", _infer("_npi_uniform", _UNIFORM), num_inputs=None, random=True,
          attrs={"low": 0.0, "high": 1.0, "size": None, "dtype": "float32"})
def npi_uniform(*arrays, low, high, size, dtype):
    """Samples from U[low, high) (each an attribute, or an input where it is None)."""
    lo, hi = _params("_npi_uniform", _UNIFORM, list(arrays), dict(low=low, high=high))
    return _cast(generator().uniform(lo, hi, _shape(arrays, size)), dtype)


@npi_uniform.gradient
def _(b, node, g):
    return [None] * len(node.inputs)


@npi_uniform.jvp
def _(b, node, t):
    return [None]


_NORMAL = ("loc", "scale")


@register("_npi_normal", _infer("_npi_normal", _NORMAL), num_inputs=None, random=True,
          attrs={"loc": 0.0, "scale": 1.0, "size": None, "dtype": "float32"})
def npi_normal(*arrays, loc, scale, size, dtype):
    """Samples from N(loc, scale^2) (each an attribute, or an input where it is None)."""
    m, s = _params("_npi_normal", _NORMAL, list(arrays), dict(loc=loc, scale=scale))
    return _cast(generator().normal(m, s, _shape(arrays, size)), dtype)


@npi_normal.gradient
def _(b, node, g):
    loc, scale = _params("_npi_normal", _NORMAL, list(node.inputs), node.attrs)
    y = node.outputs[0]
    grads = []
    if node.attrs["loc"] is None:
        grads.append(_as(b, g[0], loc))
    if node.attrs["scale"] is None:
        yv = _as(b, y, scale)
        centred = (sub(b, yv, _as(b, loc, scale)) if node.attrs["loc"] is None
                   else b.op("_minus_scalar", yv, scalar=float(loc)))
        grads.append(mul(b, _as(b, g[0], scale), div(b, centred, scale)))
    return grads


def _as(b, v, like):
    """`v` in the dtype of `like` (a cotangent has its input's dtype)."""
    if v.type.dtype == like.type.dtype:
        return v
    return b.op("Cast", v, dtype=like.type.dtype)
