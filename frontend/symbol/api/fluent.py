"""MXNet 1.9.1's fluent Symbol methods: `x.astype("float16")` is `mx.sym.cast(x, ...)`.

`FluentMethods` is a base of `Symbol`. Each method `m` in `FLUENT` builds the node
`mx.sym.<FLUENT[m]>(self, *args, **kwargs)` would (same operator, node name and
attribute text as MXNet). MXNet methods whose operator tapegraph has no IR for raise
NotImplementedError naming the operator; the NDArray-only methods MXNet refuses for
Symbols raise `NotImplementedForSymbol`, as in MXNet.
"""
from __future__ import annotations

import numbers
from typing import Any

from ...ir import MXNetError

# method -> the `mx.sym` function MXNet's method calls
FLUENT = {"astype": "cast", **{m: m for m in (
    "abs", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctanh", "argmax",
    "argmin", "argsort", "broadcast_to", "cbrt", "ceil", "clip", "cos", "cosh", "degrees",
    "exp", "expand_dims", "expm1", "fix", "flatten", "flip", "floor", "log", "log10",
    "log1p", "log2", "log_softmax", "max", "mean", "min", "norm", "one_hot", "ones_like",
    "pad", "pick", "prod", "radians", "rcbrt", "reciprocal", "relu", "repeat", "reshape",
    "rint", "round", "rsqrt", "sigmoid", "sign", "sin", "sinh", "slice", "slice_axis",
    "softmax", "sort", "split", "sqrt", "square", "sum", "swapaxes", "take",
    "tan", "tanh", "tile", "topk", "transpose", "trunc", "zeros_like", "diag",
    "shape_array", "size_array", "argmax_channel", "broadcast_axes", "broadcast_like",
    "depth_to_space", "nanprod", "nansum", "reshape_like", "slice_like", "softmin",
    "space_to_depth")}}

# MXNet fluent methods whose operators have no IR operator (or loader mapping) here.
UNSUPPORTED: dict = {}  # (every fluent method of MXNet 1.9.1's Symbol builds its node now)

# NDArray methods MXNet's Symbol has only to refuse.
REFUSED = ("asnumpy", "asscalar", "copy", "as_in_context", "detach", "backward",
           "wait_to_read")


class NotImplementedForSymbol(MXNetError):
    """MXNet's error for an NDArray-only method called on a Symbol."""

    def __init__(self, function: str, alias: Any = None):
        super().__init__("Function %s%s is not implemented for Symbol and only available "
                         "in NDArray." % (function, " (namely operator \"%s\")" % alias
                                          if alias else ""))


def _fluent(method: str, function: str):
    def call(self, *args: Any, **kwargs: Any):
        from .op_functions import make_op_function
        return make_op_function(function)(self, *args, **kwargs)
    call.__name__ = method
    call.__doc__ = "Convenience fluent method for `mx.sym.%s` with this symbol as data." % (
        function)
    return call


def _unsupported(method: str, op: str):
    def call(self, *args: Any, **kwargs: Any):
        raise NotImplementedError(
            "Symbol.%s: tapegraph has no IR operator for MXNet's %r, so it cannot build, "
            "load or run it" % (method, op))
    call.__name__ = method
    call.__doc__ = "Not supported: MXNet operator %s has no IR operator here." % op
    return call


def _refused(method: str):
    def call(self, *args: Any, **kwargs: Any):
        raise NotImplementedForSymbol(method)
    call.__name__ = method
    call.__doc__ = "Refused as in MXNet: only an NDArray has `%s`." % method
    return call


class FluentMethods:
    """MXNet's fluent methods and Symbol's Python operators (`x + y`, `x * 2`, `x == y`,
    `abs(x)`, `x % y`: the nodes MXNet's operators build; see the module doc)."""

    def _binary(self, other, array_op: str, scalar_op: str):
        if isinstance(other, FluentMethods):  # (a Symbol)
            return self._compose(array_op, [other])
        if isinstance(other, numbers.Number):
            return self._compose(scalar_op, scalar=other)
        return NotImplemented

    def __add__(self, o): return self._binary(o, "elemwise_add", "_plus_scalar")
    def __radd__(self, o): return self._binary(o, "elemwise_add", "_plus_scalar")
    def __sub__(self, o): return self._binary(o, "elemwise_sub", "_minus_scalar")
    def __rsub__(self, o): return self._binary(o, "elemwise_sub", "_rminus_scalar")
    def __mul__(self, o): return self._binary(o, "elemwise_mul", "_mul_scalar")
    def __rmul__(self, o): return self._binary(o, "elemwise_mul", "_mul_scalar")
    def __truediv__(self, o): return self._binary(o, "elemwise_div", "_div_scalar")
    def __rtruediv__(self, o): return self._binary(o, "elemwise_div", "_rdiv_scalar")
    def __pow__(self, o): return self._binary(o, "_power", "_power_scalar")
    def __rpow__(self, o): return self._binary(o, "_power", "_rpower_scalar")

    def __neg__(self):
        return self._compose("_mul_scalar", scalar=-1.0)

    # == and != build comparison nodes, as MXNet's; Symbols stay hashable by identity
    # (MXNet's are unhashable), so dictionaries keyed by Symbols keep working.
    def __eq__(self, o): return self._binary(o, "_equal", "_equal_scalar")  # type: ignore
    def __ne__(self, o): return self._binary(o, "_not_equal", "_not_equal_scalar")  # type: ignore
    __hash__ = object.__hash__
    def __gt__(self, o): return self._binary(o, "_greater", "_greater_scalar")
    def __ge__(self, o): return self._binary(o, "_greater_equal", "_greater_equal_scalar")
    def __lt__(self, o): return self._binary(o, "_lesser", "_lesser_scalar")
    def __le__(self, o): return self._binary(o, "_lesser_equal", "_lesser_equal_scalar")

    def __abs__(self):
        return self.abs()

    def __mod__(self, other):
        return self._binary(other, "_mod", "_mod_scalar")

    def __rmod__(self, other):
        if isinstance(other, FluentMethods):
            return other._binary(self, "_mod", "_mod_scalar")
        return self._binary(other, "_mod", "_rmod_scalar")

    def __bool__(self):
        raise NotImplementedForSymbol("__bool__", "bool")

    def squeeze(self, axis=None, **kwargs):
        """Convenience fluent method for `mx.sym.squeeze` (writes axis=None, as MXNet)."""
        from .op_functions import make_op_function
        return make_op_function("squeeze")(self, axis=axis, **kwargs)

    def split_v2(self, *args, **kwargs):
        """Convenience fluent method for `mx.sym.split_v2` (MXNet's `_split_v2` node)."""
        from .functions import split_v2
        return split_v2(self, *args, **kwargs)

    def as_nd_ndarray(self):
        """This symbol (MXNet: for converting between legacy and np symbols)."""
        return self

    def optimize_for(self, backend, args=None, aux=None, ctx=None, **kwargs):
        """MXNet's partitioning backends (oneDNN subgraphs, TensorRT) do not exist here: the
        graph (`sym.graph`) is optimised with tapegraph's passes when it runs."""
        raise MXNetError("optimize_for(backend=%r): partitioning backends are not supported; "
                         "tapegraph compiles the symbol's graph with its own passes (see "
                         "tapegraph.passes; Symbol.graph is the IR graph)" % (backend,))

    def get_backend_symbol(self, backend):
        """See `optimize_for`: there are no subgraph backends to partition for."""
        raise MXNetError("get_backend_symbol(%r): subgraph backends are not supported in "
                         "tapegraph" % (backend,))

    def as_np_ndarray(self):
        """The same graph as an np-mode symbol (its export writes MXNet's np names)."""
        out = type(self)(heads=self._dag(), np_mode=True)
        out._unused_inputs = list(self._unused_inputs)
        return out


FLUENT["squeeze"] = "squeeze"  # defined above: MXNet passes axis=None explicitly
for _m, _f in FLUENT.items():
    if _m in FluentMethods.__dict__:
        continue
    setattr(FluentMethods, _m, _fluent(_m, _f))
for _m, _op in UNSUPPORTED.items():
    setattr(FluentMethods, _m, _unsupported(_m, _op))
for _m in REFUSED:
    setattr(FluentMethods, _m, _refused(_m))
