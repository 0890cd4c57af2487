"""`NDArray`: a NumPy array plus, while recorded, the IR value that produced it."""
from __future__ import annotations

import operator
from typing import Any, Optional, Tuple

import numpy as np

from ..context import Context, cpu
from .placement import on_context, placed  # noqa: F401  (placed: for mx.nd, mx.np)
from ..ir import TensorType, get_op, REGISTRY
from ..ir.errors import GradReqError, MXNetError, ShapeError
from ..trace import host_reads
from ..trace.invoke import invoke
from ..trace.tape import STATE
from ..trace.values import VariableValue
from ..autodiff.engine import run_backward
from . import dispatch
from ..accel.lazy import PENDING_TYPES, before_write
from .indexing import getitem, no_zero_dim, setitem
from .creation import to_numpy, _check_dtype
from ..unsupported import bind_stubs, check_stype
from ..base import names_from

GRAD_REQS = ("write", "add", "null")


def bad_grad_req(req) -> str:
    """The message for an invalid grad_req (MXNet raises KeyError: 'req')."""
    return "%r: invalid grad_req, expected 'write', 'add' or 'null'" % (req,)


def write_out(result, out):
    """`result`, or `result` written into the array `out`, which must have its shape (MXNet:
    "Shape inconsistent") and is returned."""
    if out is None:
        return result
    if not isinstance(out, NDArray):
        raise MXNetError("out must be an NDArray, got a %s" % type(out).__name__)
    if out.shape != result.shape:
        raise ShapeError("out has shape %s but the result has shape %s"
                         % (out.shape, result.shape))
    before_write()
    out._data[...] = result._data
    return out


_OPERATOR_SYMBOLS = {"add": "+", "sub": "-", "mul": "*", "div": "/", "mod": "%",
                     "matmul": "@"}


def recorded_copy(src: Any, dtype: Any, cls) -> Any:
    """`array(src, dtype)` for an NDArray `src` of a graph traced for replay (hybridize,
    trace.host_reads.tracing): a copy with no gradient, recorded (`BlockGrad`, then `Cast`
    to `dtype`), so a replayed call copies each call's values. None otherwise (a copy on
    the host, outside the graph, as in MXNet)."""
    if not isinstance(src, NDArray) or src._value is None or not STATE.recording or \
            not host_reads.tracing():
        return None
    out = invoke(get_op("BlockGrad"), (src,), {}, out_cls=cls)
    target = _check_dtype(dtype) if dtype is not None else np.dtype(src.dtype)
    if target != np.dtype(src.dtype):
        out = invoke(get_op("Cast"), (out,), {"dtype": target.name}, out_cls=cls)
    return out


class NDArray:
    """MXNet's legacy `mx.nd.NDArray`, backed by a NumPy array (float32 by default).

    Values are computed eagerly; under `autograd.record()` each operation is also traced
    into the IR, and `backward()` differentiates that graph with the compiler passes.
    """

    __slots__ = ("_data", "_value", "__weakref__")
    _bool_comparisons = False  # legacy comparisons return 0/1 in the input dtype
    _keeps_numpy_dtype = False  # mx.nd.array(numpy array) is float32, as in MXNet
    _zero_dim = False  # no 0-d results: full reductions and x[i, j] have shape (1,)
    __array_priority__ = 1000.0

    # ------------------------------------------------------------ construction
    @classmethod
    def _wrap(cls, data: np.ndarray):
        arr = cls.__new__(cls)
        arr._data = data
        arr._value = None
        return arr

    def __init__(self, data: Any = None, ctx: Optional[Context] = None, dtype: Any = None):
        self._data = to_numpy(data if data is not None else [], dtype, type(self))
        self._value = None

    # ------------------------------------------------------------ properties
    @property
    def shape(self) -> Tuple[int, ...]:
        return self._data.shape

    @property
    def dtype(self):
        return self._data.dtype.type

    @property
    def size(self) -> int:
        return self._data.size

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def context(self) -> Context:
        return cpu()

    ctx = context

    @property
    def stype(self) -> str:
        return "default"

    @property
    def handle(self):
        return id(self._data)

    @property
    def T(self):
        return self.transpose()

    # ------------------------------------------------------------ conversion
    def asnumpy(self) -> np.ndarray:
        """A NumPy copy of the data."""
        return np.array(self._data, copy=True)

    def asscalar(self):
        """The single element as a NumPy scalar (the array must have size 1)."""
        d = self._data
        if d.size != 1:
            raise ValueError("The current array is not a scalar")
        return d[0] if d.ndim == 1 else d.reshape(-1)[0]

    def item(self):
        return self.asscalar().item()

    def astype(self, dtype, copy: bool = True):
        """This array converted to `dtype` (recorded, so gradients flow back)."""
        dtype = _check_dtype(dtype)
        if not copy and self._data.dtype == dtype:
            return self
        return invoke(get_op("Cast"), [self], {"dtype": dtype.name})

    def copy(self):
        """A copy (recorded as `_copy`)."""
        return invoke(get_op("_copy"), [self])

    def copyto(self, other):
        """Copy into the array `other` (same shape; cast to its dtype), or to a new array
        on context `other`."""
        if isinstance(other, NDArray):
            if other.shape != self.shape:
                raise ShapeError("copyto: the destination has shape %s, the array %s"
                                 % (other.shape, self.shape))
            before_write()
            other._data[...] = self._data
            return other
        return placed(self.copy(), other)

    def as_in_context(self, ctx):
        """This array on context `ctx`: itself when it is there, else a copy (recorded, so
        gradients flow back, as MXNet's copy between devices) whose operations stay on
        `ctx` (`on_context`). Every context is host memory here; what follows the array
        is its `context`, by which Gluon picks a Parameter's copy (`data(x.context)`)."""
        if ctx is None or ctx == self.context:
            return self
        out = invoke(get_op("_copy"), [self])
        object.__setattr__(out, "__class__", on_context(type(out), ctx))
        return out

    as_in_ctx = as_in_context

    def tostype(self, stype):
        """A copy in storage type `stype`: 'default' (dense) only; sparse storage types
        raise NotImplementedError (tapegraph arrays are dense)."""
        check_stype(stype, "tostype")
        return self.copy()

    def wait_to_read(self) -> None:
        """Computation is synchronous here: returns at once."""

    def wait_to_write(self) -> None:
        """Computation is synchronous here: returns at once."""

    def __array__(self, dtype=None, copy=None):
        return self._data if dtype is None else self._data.astype(dtype)

    def _python_scalar(self, kind: str):
        if self._data.size != 1:
            raise TypeError("only arrays of size 1 can be converted to Python %s scalars, "
                            "this one has shape %s" % (kind, self.shape))
        return self._data.reshape(-1)[0]

    def __float__(self) -> float:
        return float(self._python_scalar("float"))

    def __int__(self) -> int:
        return int(self._python_scalar("int"))

    def __index__(self) -> int:
        return int(self._python_scalar("integer"))

    def __bool__(self) -> bool:
        if self._data.size == 1:
            return bool(self._data.reshape(-1)[0])
        if self._data.size == 0:
            return False
        raise ValueError("The truth value of an NDArray with multiple elements is ambiguous.")

    def __len__(self) -> int:
        if not self._data.shape:
            raise TypeError("len() of unsized object")
        return self._data.shape[0]

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    __hash__ = object.__hash__

    # ------------------------------------------------------------ printing
    def __repr__(self) -> str:
        shape = "x".join(str(s) for s in self._data.shape)
        return "\n%s\n<%s %s @%s>" % (str(self._data), type(self).__name__, shape, self.context)

    __str__ = __repr__

    # ------------------------------------------------------------ autograd
    def attach_grad(self, grad_req: str = "write", stype: Optional[str] = None) -> None:
        """Allocate a zero gradient buffer and mark this array as a variable.

        Detaches the array from the graph that produced it (MXNet semantics).
        """
        if grad_req not in GRAD_REQS:
            raise GradReqError(bad_grad_req(grad_req))
        check_stype(stype, "attach_grad")
        grad = type(self)._wrap(np.zeros_like(self._data))
        self._value = VariableValue(TensorType.get(self._data.shape, self._data.dtype),
                                    self._data, grad, grad_req)

    @property
    def grad(self):
        """The gradient buffer, or None if `attach_grad` was not called or was called
        with grad_req='null' (as in MXNet)."""
        v = self._value
        return v.grad if type(v) is VariableValue and v.grad_req != "null" else None

    @property
    def grad_req(self) -> str:
        v = self._value
        return v.grad_req if type(v) is VariableValue else "null"

    @property
    def _fresh_grad(self) -> bool:
        v = self._value
        return v.fresh if type(v) is VariableValue else False

    @_fresh_grad.setter
    def _fresh_grad(self, state: bool) -> None:
        v = self._value
        if type(v) is not VariableValue:
            raise MXNetError("_fresh_grad: array has no gradient buffer (call attach_grad())")
        v.fresh = bool(state)

    def detach(self):
        """The same data, cut from the graph (a constant for later operations). While a
        hybridized block traces its forward (trace.host_reads.tracing), a recorded
        stop-gradient (`BlockGrad`) sharing the data: replays carry each call's values."""
        if self._value is None or not STATE.recording or not host_reads.tracing():
            return type(self)._wrap(self._data)
        out = invoke(get_op("BlockGrad"), (self,), {}, out_cls=type(self))
        if type(out) not in PENDING_TYPES:
            out._data = self._data
        return out

    def backward(self, out_grad=None, retain_graph: bool = False, train_mode: bool = True):
        """Differentiate this array's graph, writing gradients into the marked variables."""
        run_backward([self], None if out_grad is None else [out_grad], None, retain_graph,
                     False, train_mode, None)

    # ------------------------------------------------------------ indexing
    def __getitem__(self, key):
        return getitem(self, key)

    def __setitem__(self, key, value):
        setitem(self, key, value)

    # ------------------------------------------------------------ arithmetic
    __add__ = dispatch.operator("add")
    __radd__ = dispatch.operator("add", True)
    __sub__ = dispatch.operator("sub")
    __rsub__ = dispatch.operator("sub", True)
    __mul__ = dispatch.operator("mul")
    __rmul__ = dispatch.operator("mul", True)
    __truediv__ = dispatch.operator("div")
    __rtruediv__ = dispatch.operator("div", True)
    __pow__ = dispatch.operator("pow")
    __rpow__ = dispatch.operator("pow", True)
    __eq__ = dispatch.operator("eq")
    __ne__ = dispatch.operator("ne")
    __gt__ = dispatch.operator("gt")
    __ge__ = dispatch.operator("ge")
    __lt__ = dispatch.operator("lt")
    __le__ = dispatch.operator("le")
    __div__ = __truediv__
    __rdiv__ = __rtruediv__

    def _bitwise(self, fn, other):
        o = other._data if isinstance(other, NDArray) else other
        if self._data.dtype == np.bool_ and np.asarray(o).dtype == np.bool_:
            # bool operands: recorded operators (a traced call reads each call's values)
            kind = {np.bitwise_and: "_minimum", np.bitwise_or: "_maximum",
                    np.bitwise_xor: "_not_equal"}[fn]
            if not isinstance(other, NDArray):
                other = type(self)._wrap(np.asarray(o))
            if other.shape != self.shape:
                shape = np.broadcast_shapes(self.shape, other.shape)
                lhs, other = (invoke(get_op("broadcast_to"), (a,), {"shape": shape})
                              for a in (self, other))
            else:
                lhs = self
            res = invoke(get_op(kind), (lhs, other), {}, out_cls=type(self))
            return invoke(get_op("Cast"), (res,), {"dtype": "bool"}, out_cls=type(self))
        host_reads.note(self, other)  # integers: computed on the host (hybridize: eager)
        return type(self)._wrap(np.asarray(fn(self._data, o)))

    def __and__(self, o): return self._bitwise(np.bitwise_and, o)
    def __or__(self, o): return self._bitwise(np.bitwise_or, o)
    def __xor__(self, o): return self._bitwise(np.bitwise_xor, o)
    __rand__, __ror__, __rxor__ = __and__, __or__, __xor__

    def __neg__(self):
        if type(self) not in PENDING_TYPES and self._data.dtype.kind == "f":
            return invoke(_NEGATIVE, (self,))
        if not dispatch._float_array(self) and self._data.dtype == np.bool_:
            return dispatch.binary("mul", self, -1)  # MXNet: -x is x * -1 (int64 for bool)
        return invoke(get_op("negative"), [self])

    # no __pos__ and no __invert__: MXNet 1.9.1's arrays have neither (`+x`, `~x` raise
    # TypeError); mx.np.ndarray defines `~x` for bool and integer arrays

    def __abs__(self):
        return invoke(get_op("abs"), [self])

    def _inplace(self, kind, other):
        """`self <kind>= other`: the operator's result written into this array, which must
        keep its dtype (MXNet 1.9.1 refuses `int32 += float32` and the like, leaving the
        array unchanged). No `**=`: MXNet has none, so `a **= b` rebinds `a` to `a ** b`."""
        return self._write_inplace(kind, dispatch.binary(kind, self, other))

    def _write_inplace(self, kind, result):
        if result._data.dtype != self._data.dtype:
            raise MXNetError("in-place %s: the result has dtype %s, the array %s (MXNet "
                             "1.9.1 writes results in place only in the array's own dtype); "
                             "use `a = a %s b` for a new array"
                             % (kind, result._data.dtype.name, self._data.dtype.name,
                                _OPERATOR_SYMBOLS[kind]))
        if STATE.recording and result._value is not None:
            return result
        before_write()
        self._data[...] = result._data
        return self

    def __iadd__(self, o): return self._inplace("add", o)
    def __isub__(self, o): return self._inplace("sub", o)
    def __imul__(self, o): return self._inplace("mul", o)
    def __itruediv__(self, o): return self._inplace("div", o)
    def __imod__(self, o): return self._inplace("mod", o)

    # ------------------------------------------------------------ methods
    def reshape(self, *shape, **kwargs):
        """Reshape (MXNet codes 0, -1, -2, -3, -4 allowed)."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = shape[0]
        shape = kwargs.pop("shape", shape)
        reverse = kwargs.pop("reverse", False)
        if kwargs:
            raise TypeError("reshape: unexpected arguments %s" % ", ".join(kwargs))
        try:
            shape = tuple(operator.index(s) for s in shape)
        except TypeError:
            raise ShapeError("reshape: shape %r is not a tuple of integers" % (shape,)) from None
        return invoke(get_op("Reshape"), [self], {"shape": shape,
                                                  "reverse": bool(reverse)})

    def transpose(self, *axes, **kwargs):
        """Permute the axes (reversed by default); `axes` positionally or by keyword."""
        if "axes" in kwargs:
            if axes:
                raise TypeError("transpose() got multiple values for argument 'axes'")
            axes = (kwargs.pop("axes"),)
        if kwargs:
            raise TypeError("transpose() got an unexpected keyword argument %r"
                            % next(iter(kwargs)))
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)) or axes == (None,):
            axes = axes[0] or ()
        return invoke(get_op("transpose"), [self], {"axes": tuple(axes)})

    def sum(self, axis=None, keepdims=False, exclude=False, out=None, **kw):
        """Sum over `axis` (all axes by default; `exclude` sums over the others)."""
        if (axis is None and keepdims is False and exclude is False and out is None
                and type(self) not in PENDING_TYPES):  # the total: shared attributes
            return no_zero_dim(invoke(_SUM, (self,), _TOTAL))
        return write_out(no_zero_dim(invoke(get_op("sum"), [self], {
            "axis": _axis(axis), "keepdims": bool(keepdims), "exclude": bool(exclude)})), out)

    def mean(self, axis=None, keepdims=False, exclude=False, out=None, **kw):
        """Mean over `axis` (all axes by default; `exclude` averages over the others)."""
        if (axis is None and keepdims is False and exclude is False and out is None
                and type(self) not in PENDING_TYPES):  # the total: shared attributes
            if (self._data.ndim == 1 and not type(self)._zero_dim
                    and not (self._value is not None and STATE.recording)):
                # nothing recorded: a vector's total kept as (1,) at once (one kernel
                # call), the value the mean and the reshape to (1,) give
                return invoke(_MEAN, (self,), _TOTAL_KEEPDIMS)
            return no_zero_dim(invoke(_MEAN, (self,), _TOTAL))
        return write_out(no_zero_dim(invoke(get_op("mean"), [self], {
            "axis": _axis(axis), "keepdims": bool(keepdims), "exclude": bool(exclude)})), out)

    def flatten(self):
        return self.reshape((self.shape[0], -1) if self.ndim else (1, 1))

    def expand_dims(self, axis):
        return invoke(get_op("expand_dims"), [self], {"axis": int(axis)})

    def broadcast_to(self, shape):
        return invoke(get_op("broadcast_to"), [self], {"shape": tuple(shape)})

    def zeros_like(self):
        return invoke(get_op("zeros_like"), [self])

    def ones_like(self):
        return invoke(get_op("ones_like"), [self])

    def __getattr__(self, name):
        # Unary math as methods: x.exp(), x.sqrt(), x.relu(), ...
        if not name.startswith("_") and name in REGISTRY:
            opdef = REGISTRY.get(name)
            if opdef.num_inputs == 1 and not any(
                    d is not None and d.__class__ is object for d in opdef.attrs.values()):
                return lambda **attrs: invoke(opdef, [self], attrs)
        raise AttributeError("'%s' object has no attribute '%s'" % (type(self).__name__, name))


_TOTAL = {"axis": None, "keepdims": False, "exclude": False}  # (shared by recorded nodes)
_TOTAL_KEEPDIMS = {"axis": None, "keepdims": True, "exclude": False}
_NEGATIVE, _SUM, _MEAN = get_op("negative"), get_op("sum"), get_op("mean")


def _axis(axis):
    if axis is None:
        return None
    try:
        if isinstance(axis, (list, tuple)):
            return tuple(operator.index(a) for a in axis)
        return operator.index(axis)
    except TypeError:
        raise ShapeError("axis must be an int or a tuple of ints, got %r" % (axis,)) from None

# Defined in MXNet's namesake of this module; kept in sibling modules here
__getattr__, __dir__ = names_from("tapegraph.ndarray", (
    "add", "divide", "equal", "greater", "greater_equal", "lesser", "lesser_equal",
    "multiply", "not_equal", "power", "subtract", "true_divide", "waitall", "arange",
    "array", "empty", "from_numpy", "full", "ones", "zeros", "concatenate",
    "from_dlpack", "to_dlpack_for_read", "to_dlpack_for_write", "eye", "linspace",
    "logical_and", "logical_or", "logical_xor", "moveaxis",
    "get_indexing_dispatch_code", "get_oshape_of_gather_nd_op", "imdecode",
    "indexing_key_expand_implicit_axes", "histogram", "onehot_encode", "maximum",
    "minimum", "modulo", "split_v2"), __name__)
bind_stubs(globals(), ("DLContext", "DLDataType", "DLManagedTensor", "DLTensor"),
           "they are the DLPack structures of MXNet's C API; tapegraph arrays are NumPy "
           "arrays (asnumpy())",
           "mx.nd.ndarray.")
bind_stubs(globals(), ("check_boolean_array_dimension",),
           "it is an internal check of MXNet's boolean indexing", "mx.nd.ndarray.")
