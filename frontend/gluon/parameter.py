"""`gluon.Parameter`, `Constant`: a named weight with deferred shape inference, one copy
per context, a gradient buffer marked for autograd, and its optimizer settings.

What an optimizer (`gluon.Trainer`) relies on:

- `param.name`, `param.grad_req` ('write' | 'add' | 'null'), `param.lr_mult`,
  `param.wd_mult`, `param.list_ctx()`;
- `param.list_data()` / `param.list_grad()`: the same NDArray objects for the life of the
  initialization (one per context). Update them **in place** (`w[:] = ...`, or write
  their NumPy buffer): the data array is the variable autograd writes gradients for, so
  replacing it would cut it from later graphs;
- `param.list_data()[i]._fresh_grad`: set by `backward()` when it writes that gradient;
  a trainer clears it after using the gradient (MXNet's stale-gradient check);
- `param._set_trainer(trainer)`, `param._reduce()` (the data averaged over contexts).
"""
from __future__ import annotations

import warnings
from typing import Any, List, Optional, Sequence

import numpy as np

from .. import autograd, context
from .. import ndarray as _nd
from ..ndarray.ndarray import placed
from .. import symbol as _sym
from ..base import MXNetError
from ..accel.lazy import before_write
from ..context import Context
from ..numpy import ndarray as _np_ndarray
from ..util import is_np_array
from .utils import shape_is_known
from ._init import DEFAULT_INIT, InitDesc, create_init, register_constant_init
from ..base import names_from

__all__ = ["DeferredInitializationError", "Parameter", "Constant", "tensor_types"]

tensor_types = (_sym.Symbol, _nd.NDArray)

# Bumped whenever any Parameter's arrays, contexts, grad_req or multipliers are set: a
# `gluon.Trainer` keeps its update program (`Trainer._update_lean`) while this is unchanged.
_WATCHED = frozenset(("_data", "_grad", "_grad_req", "_ctx_list", "lr_mult", "wd_mult"))
STRUCTURE_VERSION = [0]


class DeferredInitializationError(MXNetError):
    """A parameter was used before its deferred initialization could finish."""


def _array_class() -> type:
    """`mx.np.ndarray` under NumPy array semantics (`npx.set_np()`), else `mx.nd.NDArray`,
    as MXNet's parameters are."""
    return _np_ndarray if is_np_array() else _nd.NDArray


def _ctx_list(ctx: Any) -> List[Context]:
    if ctx is None:
        return [context.current_context()]
    if isinstance(ctx, Context):
        return [ctx]
    return list(ctx)


class Parameter:
    """A weight of a `Block` (MXNet 1.9.1's `gluon.Parameter`).

    `shape` may contain 0 (unknown) dimensions when `allow_deferred_init=True`: the
    block fills them in at its first forward, then the deferred `initialize` runs.
    """

    def __init__(self, name: str, grad_req: str = "write", shape: Any = None,
                 dtype: Any = np.float32, lr_mult: float = 1.0, wd_mult: float = 1.0,
                 init: Any = None, allow_deferred_init: bool = False,
                 differentiable: bool = True, stype: str = "default",
                 grad_stype: str = "default") -> None:
        self._var = None
        self._data: Optional[List[_nd.NDArray]] = None
        self._grad: Optional[List[_nd.NDArray]] = None
        self._ctx_list: Optional[List[Context]] = None
        self._trainer = None
        self._deferred_init: tuple = ()
        self._differentiable = differentiable
        self._allow_deferred_init = allow_deferred_init
        self._grad_req: Optional[str] = None
        if isinstance(shape, int):
            shape = (shape,)
        self._shape = tuple(shape) if shape is not None else None
        self.name = name
        self._dtype = dtype
        self.lr_mult = lr_mult
        self.wd_mult = wd_mult
        self.grad_req = grad_req
        self.init = init
        for what, value in (("grad_stype", grad_stype), ("stype", stype)):
            assert value in ("default", "row_sparse", "csr"), (
                "%s for Parameter '%s' must be one of 'default', 'row_sparse', or 'csr', "
                "but got '%s'" % (what, name, value))
        self._grad_stype = grad_stype
        self._stype = stype

    def __repr__(self) -> str:
        return "Parameter %s (shape=%s, dtype=%s)" % (self.name, self.shape, self.dtype)

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        if name in _WATCHED:
            STRUCTURE_VERSION[0] += 1

    # ------------------------------------------------------------ attributes
    @property
    def grad_req(self) -> Optional[str]:
        """'write', 'add' or 'null' (no gradient buffer)."""
        return self._grad_req

    @grad_req.setter
    def grad_req(self, req: str) -> None:
        assert req in ("write", "add", "null"), (
            "grad_req must be one of 'write', 'add', or 'null', but got '%s'" % req)
        if not self._differentiable:
            req = "null"
        if self._grad_req == req:
            return
        self._grad_req = req
        if req == "null" and self._grad is not None:
            self._grad = None
            self._data = [d.detach() for d in self._data]
        elif self._data is not None:
            self._init_grad()

    @property
    def dtype(self) -> Any:
        return self._dtype

    @dtype.setter
    def dtype(self, dtype: Any) -> None:
        self.cast(dtype)

    @property
    def shape(self) -> Optional[tuple]:
        """The shape; 0 marks a dimension not known yet."""
        return self._shape

    @shape.setter
    def shape(self, new_shape: Sequence[int]) -> None:
        new_shape = tuple(new_shape)
        if self._shape is None:
            self._shape = new_shape
            return
        assert len(self._shape) == len(new_shape) and all(
            j in (-1, 0, i) for i, j in zip(new_shape, self._shape)), (
            "Expected shape %s is incompatible with given shape %s for Parameter '%s'."
            % (str(new_shape), str(self._shape), self.name))
        self._shape = new_shape

    def _set_trainer(self, trainer: Any) -> None:
        self._trainer = trainer

    # ------------------------------------------------------------ access
    def _check_and_get(self, arr_list: Optional[List[Any]], ctx: Any) -> Any:
        if arr_list is not None:
            if ctx is list:
                return arr_list
            if ctx is None:
                if len(arr_list) == 1:
                    return arr_list[0]
                ctx = context.current_context()
            ctxs = self._ctx_list
            if len(ctxs) == 1 and type(ctx) is Context:  # one context (a fresh equal object)
                only = ctxs[0]
                if only is ctx or (only.device_type == ctx.device_type
                                   and only.device_id == ctx.device_id):
                    return arr_list[0]
            if ctx in ctxs:
                return arr_list[self._ctx_list.index(ctx)]
            raise RuntimeError("Parameter '%s' was not initialized on context %s. It was "
                               "only initialized on %s." % (self.name, str(ctx),
                                                            str(self._ctx_list)))
        if self._deferred_init:
            raise DeferredInitializationError(
                "Parameter '%s' has not been initialized yet because initialization was "
                "deferred. Actual initialization happens during the first forward pass. "
                "Please pass one batch of data through the network before accessing "
                "Parameters. You can also avoid deferred initialization by specifying "
                "in_units, num_features, etc., for network layers." % self.name)
        raise RuntimeError(
            "Parameter '%s' has not been initialized. Note that you should initialize "
            "parameters and create Trainer with Block.collect_params() instead of "
            "Block.params because the later does not include Parameters of nested child "
            "Blocks" % self.name)

    def data(self, ctx: Optional[Context] = None) -> _nd.NDArray:
        """The value on `ctx` (the only context when None)."""
        return self._check_and_get(self._data, ctx)

    def row_sparse_data(self, row_id: _nd.NDArray) -> _nd.NDArray:
        """A copy of a 'row_sparse' parameter keeping only the rows in `row_id` (stored
        dense here: the other rows are zero)."""
        return self._retain_rows(self.data(row_id.context), row_id, "row_sparse_data")

    def list_row_sparse_data(self, row_id: _nd.NDArray) -> List[_nd.NDArray]:
        """`row_sparse_data` on every context."""
        return [self._retain_rows(d, row_id, "list_row_sparse_data")
                for d in self.list_data()]

    def _retain_rows(self, data: _nd.NDArray, row_id: _nd.NDArray, what: str) -> _nd.NDArray:
        if self._stype != "row_sparse":
            raise RuntimeError("Cannot return a copy of Parameter %s via %s() because its "
                               "storage type is %s. Please use data() instead."
                               % (self.name, what, self._stype))
        rows = np.asarray(row_id._data).astype(np.int64).ravel()
        out = np.zeros_like(data._data)
        out[rows] = data._data[rows]
        return type(data)._wrap(out)

    def list_data(self) -> List[_nd.NDArray]:
        """The value on every context, in `list_ctx()` order."""
        return self._check_and_get(self._data, list)

    def grad(self, ctx: Optional[Context] = None) -> _nd.NDArray:
        """The gradient buffer on `ctx`."""
        if self._data is not None and self._grad is None:
            raise RuntimeError("Cannot get gradient array for Parameter '%s' because "
                               "grad_req='null'" % self.name)
        return self._check_and_get(self._grad, ctx)

    def list_grad(self) -> List[_nd.NDArray]:
        """The gradient buffer on every context."""
        if self._data is not None and self._grad is None:
            raise RuntimeError("Cannot get gradient array for Parameter '%s' because "
                               "grad_req='null'" % self.name)
        return self._check_and_get(self._grad, list)

    def list_ctx(self) -> List[Context]:
        """The contexts this parameter lives on (or will, once its initialization ends)."""
        if self._data is None:
            if self._deferred_init:
                return self._deferred_init[1]
            raise RuntimeError("Parameter '%s' has not been initialized" % self.name)
        return self._ctx_list

    def var(self) -> Any:
        """A symbol variable named after this parameter (for symbolic forward)."""
        if self._var is None:
            self._var = _sym.var(self.name, shape=self.shape, dtype=self.dtype,
                                 lr_mult=self.lr_mult, wd_mult=self.wd_mult, init=self.init)
        return self._var

    # ------------------------------------------------------------ initialization
    def initialize(self, init: Any = None, ctx: Any = None, default_init: Any = DEFAULT_INIT,
                   force_reinit: bool = False) -> None:
        """Allocate and fill the value (now, or at the first forward if the shape is not
        known yet). `init` overrides the parameter's own `init`, which overrides
        `default_init`."""
        if self._data is not None and not force_reinit:
            warnings.warn("Parameter '%s' is already initialized, ignoring. Set "
                          "force_reinit=True to re-initialize." % self.name, stacklevel=2)
            return
        ctx = _ctx_list(ctx)
        if init is None:
            init = default_init if self.init is None else self.init
        if not shape_is_known(self.shape):
            if self._allow_deferred_init:
                self._data = self._grad = None
                self._deferred_init = (init, ctx, default_init, None)
                return
            raise ValueError("Cannot initialize Parameter '%s' because it has invalid "
                             "shape: %s." % (self.name, str(self.shape)))
        new = self._fill(init, default_init)
        self._data = self._grad = None
        self._deferred_init = ()
        self._init_impl(new, ctx)

    def _fill(self, init: Any, default_init: Any) -> _nd.NDArray:
        with autograd.pause():
            data = _nd.zeros(self.shape, dtype=self.dtype)
            create_init(default_init)(InitDesc(self.name, {"__init__": init}), data)
        return data

    def _finish_deferred_init(self) -> None:
        if not self._deferred_init:
            return
        init, ctx, default_init, data = self._deferred_init
        assert shape_is_known(self.shape), (
            "Cannot initialize Parameter '%s' because it has invalid shape: %s. Please "
            "specify in_units, in_channels, etc for `Block`s." % (self.name, str(self.shape)))
        if data is None:
            data = self._fill(init, default_init)
        self._deferred_init = ()
        self._init_impl(data, ctx)

    def _init_impl(self, data: Any, ctx_list: Sequence[Context]) -> None:
        self._ctx_list = list(ctx_list)
        src = data._data if isinstance(data, _nd.NDArray) else np.asarray(data)
        cls = _array_class()
        self._data = [placed(cls._wrap(np.array(src, copy=True)), c)
                      for c in self._ctx_list]
        self._init_grad()

    def _init_grad(self) -> None:
        if self.grad_req == "null":
            self._grad = None
            return
        self._grad = [type(d)._wrap(np.zeros_like(d._data)) for d in self._data]
        self._mark()

    def _mark(self) -> None:
        autograd.mark_variables(self._data, self._grad, self.grad_req)
        for d in self._data:  # recorded graphs and exports name the leaf after us
            d._value.hint = self.name

    def _load_init(self, data: Any, ctx: Any, cast_dtype: bool = False,
                   dtype_source: str = "current") -> None:
        """Take the value `data` (from a file), checking shape and dtype against this
        parameter's. Nothing changes if the check fails."""
        if self.shape:
            for mine, theirs in zip(self.shape, data.shape):
                assert mine in (0, theirs) and len(self.shape) == len(data.shape), (
                    "Failed loading Parameter '%s' from saved params: shape incompatible "
                    "expected %s vs saved %s" % (self.name, str(self.shape), str(data.shape)))
        if self.dtype is not None:
            if cast_dtype and np.dtype(self.dtype) != np.dtype(data.dtype):
                if dtype_source == "current":
                    data = data.astype(self.dtype)
                else:
                    self.dtype = data.dtype
            else:
                assert np.dtype(self.dtype) == np.dtype(data.dtype), (
                    "Failed loading Parameter '%s' from saved params: dtype incompatible "
                    "expected %s vs saved %s. Set cast_dtype=True to cast the dtype of saved "
                    "params." % (self.name, str(np.dtype(self.dtype)), str(data.dtype)))
        self.shape = data.shape
        if isinstance(ctx, Context):
            ctx = [ctx]
        if self._data is None:
            if self._deferred_init:
                ctx = self._deferred_init[1] if ctx is None else ctx
            elif ctx is None:
                ctx = [context.cpu()]
            self._deferred_init = ()
            self._init_impl(data, ctx)
        else:
            self.set_data(data)
        self._deferred_init = ()

    def reset_ctx(self, ctx: Any) -> None:
        """Move the value to other contexts."""
        ctx = _ctx_list(ctx)
        if self._data:
            self._init_impl(self._reduce(), ctx)
        elif self._deferred_init:
            init, _, default_init, data = self._deferred_init
            self._deferred_init = (init, ctx, default_init, data)
        else:
            raise ValueError("Cannot reset context for Parameter '%s' because it has not "
                             "been initialized." % self.name)

    def set_data(self, data: Any) -> None:
        """Overwrite the value on every context (in place: the arrays stay the same)."""
        src = data._data if isinstance(data, _nd.NDArray) else np.asarray(data)
        self.shape = src.shape
        if self._data is None:
            assert self._deferred_init, "Parameter '%s' has not been initialized" % self.name
            self._deferred_init = self._deferred_init[:3] + (_nd.NDArray._wrap(src),)
            return
        before_write()
        for arr in self._data:
            arr._data[...] = src

    def _reduce(self) -> _nd.NDArray:
        block = self.list_data()
        out = np.array(block[0]._data, copy=True)
        for other in block[1:]:
            out += other._data
        if len(block) > 1:
            out /= len(block)
        return _nd.NDArray._wrap(out)

    def zero_grad(self) -> None:
        """Set the gradient buffers to zero (in place)."""
        if self._grad is None:
            return
        before_write()
        for g in self._grad:
            g._data[...] = 0

    def cast(self, dtype: Any) -> None:
        """Convert value and gradient to `dtype` (the arrays are replaced and re-marked)."""
        self._dtype = dtype
        self._var = None
        if self._data is None:
            return
        self._data = [type(d)._wrap(d._data.astype(np.dtype(dtype))) for d in self._data]
        if self._grad is None:
            return
        self._grad = [type(g)._wrap(g._data.astype(np.dtype(dtype))) for g in self._grad]
        self._mark()


class Constant(Parameter):
    """A parameter that never gets a gradient, initialized to `value`."""

    def __init__(self, name: str, value: Any) -> None:
        if not isinstance(value, _nd.NDArray):
            value = _nd.array(value)
        self.value = value
        init_name = register_constant_init(name, self, value)
        super().__init__(name, grad_req="null", shape=value.shape, dtype=value.dtype,
                         init=init_name)

    def __repr__(self) -> str:
        return "Constant %s (shape=%s, dtype=%s)" % (self.name, self.shape, self.dtype)

    @property
    def grad_req(self) -> str:
        return "null"

    @grad_req.setter
    def grad_req(self, req: str) -> None:
        if req != "null":
            warnings.warn('Constant parameter "{}" does not support grad_req other than '
                          '"null", and new value "{}" is ignored.'.format(self.name, req))
        self._grad_req = "null"

# Defined in MXNet's namesake of this module; kept in sibling modules here
__getattr__, __dir__ = names_from("tapegraph.gluon", (
    "ParameterDict",), __name__)
