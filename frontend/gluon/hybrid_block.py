"""`gluon.HybridBlock`: a block written as `hybrid_forward(F, x, *args, **params)`.

Called with NDArrays it runs eagerly (`F = mx.nd`); called with Symbols it returns a
Symbol (`F = mx.sym`); after `hybridize()` the first call per input signature traces the
forward into one IR graph and later calls run its compiled plan (`hybrid.py`).
"""
from __future__ import annotations

import warnings
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .. import autograd
from .. import ndarray as _nd
from .. import symbol as _sym
from ..base import MXNetError
from ..context import cpu
from ..ndarray import NDArray
from ..symbol import Symbol
from ..trace import opnames
from . import hybrid
from .block import Block
from .export import export_block
from .parameter import DeferredInitializationError
from .parameter_dict import ParameterDict

__all__ = ["HybridBlock"]


def _flatten(args: Any, what: str) -> Tuple[List[Any], Any]:
    """Nested lists of arrays -> (flat list, format to regroup them), as MXNet's."""
    if isinstance(args, NDArray):
        return [args], 0
    if isinstance(args, Symbol):  # a Symbol of n > 1 outputs regroups as a list (MXNet)
        n = len(args.list_outputs())
        return [args], n if n > 1 else 0
    if args is None:
        return [None], -1
    if not isinstance(args, (list, tuple)):
        raise ValueError("When hybridized, the input of HybridBlock {} must be (nested) list "
                         "of Symbol or NDArray, but got {} of type {}"
                         .format(what, str(args), str(type(args))))
    flat, fmts = [], []
    for a in args:
        arg, fmt = _flatten(a, what)
        flat.extend(arg)
        fmts.append(fmt)
    return flat, fmts


def _regroup(args: List[Any], fmt: Any) -> Any:
    def merge(args, fmt):
        if isinstance(fmt, int):
            if fmt == 0:
                return args[0], args[1:]
            if fmt == -1:
                return None, args[1:]
            return args[:fmt], args[fmt:]
        ret = []
        for f in fmt:
            res, args = merge(args, f)
            ret.append(res)
        return ret, args
    return merge(args, fmt)[0]


class _FlatFormat(list):
    """The input format of a call with `n` arrays, none nested or None (`[0] * n`), with
    its text (the cache key's part) computed once."""

    def __init__(self, n: int) -> None:
        super().__init__([0] * n)
        self.text = repr([0] * n)


class _FlatFormats(dict):
    def __missing__(self, n: int) -> _FlatFormat:
        found = self[n] = _FlatFormat(n)
        return found


_FLAT_FMTS = _FlatFormats()


class HybridBlock(Block):
    """A block that can be traced and compiled (MXNet's `gluon.HybridBlock`).

    Subclasses implement `hybrid_forward(self, F, x, *args, **params)`, where `params`
    holds the data of the parameters registered as attributes, by attribute name.
    """

    def __init__(self, prefix: Optional[str] = None, params: Optional[ParameterDict] = None):
        super().__init__(prefix=prefix, params=params)
        self._active = False
        self._flags: List[Tuple[str, Any]] = []
        self._cached: Dict[Any, hybrid.Traced] = {}  # input signature -> its trace
        self._last: Optional[hybrid.Traced] = None

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if isinstance(value, HybridBlock):
            self._clear_cached_op()

    def register_child(self, block: Block, name: Optional[str] = None) -> None:
        if not isinstance(block, HybridBlock):
            raise ValueError(
                "Children of HybridBlock must also be HybridBlock, but %s has type %s. If you "
                "are using Sequential, please try HybridSequential instead."
                % (str(block), str(type(block))))
        super().register_child(block, name)
        self._clear_cached_op()

    def _clear_cached_op(self) -> None:
        self._cached = {}
        self._last = None
        self._fresh = False  # the last _traced_flat traced (rather than found a trace)

    def hybridize(self, active: bool = True, backend: Any = None, clear: bool = True,
                  static_alloc: bool = False, static_shape: bool = False,
                  inline_limit: int = 2, forward_bulk_size: Any = None,
                  backward_bulk_size: Any = None, **kwargs: Any) -> None:
        """Trace and compile this block at its next call (once per input signature).

        `static_alloc`/`static_shape` are accepted for compatibility: compiled plans
        always reuse their buffer layout, and each new input shape gets its own plan."""
        if backend is not None:
            raise MXNetError("hybridize: backend=%r is not supported (tapegraph compiles "
                             "with its own pass pipeline)" % (backend,))
        self._active = active
        self._flags = [("static_alloc", static_alloc), ("static_shape", static_shape),
                       ("inline_limit", inline_limit)]
        if clear:
            self._clear_cached_op()
        if active and (self._forward_hooks or self._forward_pre_hooks):
            warnings.warn('"{block}" is being hybridized while still having forward hook/'
                          'pre-hook. If "{block}" is a child of HybridBlock, the hooks will '
                          'not take effect.'.format(block=self))
        super().hybridize(active, static_alloc=static_alloc, static_shape=static_shape,
                          inline_limit=inline_limit)

    def cast(self, dtype: Any) -> None:
        self._clear_cached_op()
        super().cast(dtype)

    # ------------------------------------------------------------ shapes
    def infer_shape(self, *args: Any) -> None:
        """Fill in the unknown dimensions of the parameters from the inputs' shapes.

        The default builds this block's Symbol and runs symbolic shape inference; layers
        override it to read shapes off the inputs directly."""
        self._infer_attrs("infer_shape", "shape", *args)

    def infer_type(self, *args: Any) -> None:
        """Set the parameters' dtypes from the inputs' dtypes (symbolically)."""
        self._infer_attrs("infer_type", "dtype", *args)

    def _symbol_graph(self, *args: Any) -> Tuple[List[Symbol], Symbol]:
        flat, fmt = _flatten(args, "input")
        real = [a for a in flat if a is not None]
        names = ["data"] if len(real) == 1 else ["data%d" % i for i in range(len(real))]
        it = iter(names)
        inputs = [_sym.var(next(it)) if a is not None else None for a in flat]
        params = {k: v.var() for k, v in self._reg_params.items()}
        with self.name_scope():
            out = self.hybrid_forward(_sym, *_regroup(inputs, fmt), **params)
        outs, _ = _flatten(out, "output")
        return [i for i in inputs if i is not None], (
            outs[0] if len(outs) == 1 else _sym.Group(outs))

    def _infer_attrs(self, infer_fn: str, attr: str, *args: Any) -> None:
        inputs, out = self._symbol_graph(*args)
        flat = [a for a in _flatten(args, "input")[0] if a is not None]
        arg_attrs, _, aux_attrs = getattr(out, infer_fn)(
            **{i.name: getattr(j, attr) for i, j in zip(inputs, flat)})
        if arg_attrs is None:
            raise ValueError("%s: the shapes of %s's parameters cannot be inferred from "
                             "inputs %s" % (infer_fn, self.name,
                                            [getattr(j, attr) for j in flat]))
        found = dict(zip(out.list_arguments(), arg_attrs))
        found.update(zip(out.list_auxiliary_states(), aux_attrs))
        for p in self.collect_params().values():
            if p.name in found:
                setattr(p, attr, found[p.name])

    def _deferred_infer_shape(self, *args: Any) -> None:
        try:
            self.infer_shape(*args)
        except Exception as e:
            raise ValueError("Deferred initialization failed because shape cannot be "
                             "inferred. {}".format(e)) from e

    # ------------------------------------------------------------ forward
    def forward(self, x: Any, *args: Any) -> Any:
        """Dispatch on the inputs: Symbols build a Symbol; NDArrays run the compiled plan
        when hybridized, else `hybrid_forward` eagerly."""
        if isinstance(x, NDArray) and (not args or _all_arrays(args)):
            # only arrays, none nested or None (the usual call): no flattening
            if self._active and hybrid.TRACE.params is None:  # (not is_tracing())
                flat = [x, *args]
                return self._run_traced(*self._traced_flat(flat, _FLAT_FMTS[len(flat)]),
                                        flat)
            return self._eager_forward(x, *args) if args else self._eager_forward(x)
        flat = _array_leaves([x] + list(args))  # (others are hybrid_forward's business)
        has_sym = any(isinstance(a, Symbol) for a in flat)
        has_nd = any(isinstance(a, NDArray) for a in flat)
        if has_sym and has_nd:
            raise ValueError("In HybridBlock, we do not support mixed NDArrays and Symbols "
                             "types for the input. Please check the type of the args.\n")
        if not has_sym and not has_nd:
            raise ValueError("In HybridBlock, there must be one NDArray or one Symbol in the "
                             "input. Please check the type of the args.\n")
        if has_sym:
            params = {k: v.var() for k, v in self._reg_params.items()}
            with self.name_scope():
                return self.hybrid_forward(_sym, x, *args, **params)
        if self._active and not hybrid.is_tracing():
            return self._call_cached_op(x, *args)
        return self._eager_forward(x, *args)

    def _traced(self, args: Tuple[Any, ...]) -> Tuple["hybrid.Traced", List[Any]]:
        flat, fmt = _flatten(list(args), "input")
        return self._traced_flat(flat, fmt)

    def _traced_flat(self, flat: List[Any], fmt: Any) -> Tuple["hybrid.Traced", List[Any]]:
        real = [a for a in flat if a is not None]
        key = (tuple([(a._data.shape, a._data.dtype) for a in real]),
               fmt.text if type(fmt) is _FlatFormat else repr(fmt), autograd.is_training())
        found = self._cached.get(key)
        attrs = self.__dict__  # (plain attributes: Block.__setattr__ registers children)
        attrs["_fresh"] = found is None
        if found is None:
            found = hybrid.trace(self, flat, list(fmt), _regroup, _flatten)
            found.in_fmt = list(fmt)
            hybrid.remember(self._cached, key, found)
        attrs["_last"] = found
        return found, real

    def _call_cached_op(self, *args: Any) -> Any:
        return self._run_traced(*self._traced(args), args)

    def _run_traced(self, traced: "hybrid.Traced", real: List[Any], args: Sequence[Any]
                    ) -> Any:
        """Run the compiled trace on the arrays `real`; a trace whose graph depends on its
        inputs' values runs `args` eagerly instead (but for the call that traced it)."""
        if traced.value_dependent and not self._fresh:
            return self._eager_forward(*args)
        return _regroup(traced.run(real, type(real[0])), traced.out_fmt)

    @property
    def forward_graph(self) -> Any:
        """The IR graph of the most recent hybridized call (None before the first)."""
        return self._last.graph if self._last is not None else None

    @property
    def lowered_graph(self) -> Any:
        """What the most recent hybridized call ran and backward differentiates:
        `forward_graph` after the lowering passes (`hybrid.LOWER_PASSES`, rewrites for speed
        that export does not write), before fusion (None before the first call)."""
        return self._last.lowered if self._last is not None else None

    def graph(self, *args: Any) -> Any:
        """The IR graph this hybridized block runs for inputs like `args` (traced now if
        that signature was not seen yet, which runs the forward once: in train mode that
        draws Dropout masks, as a call would)."""
        traced = self._traced(args)[0]
        traced.first_call = None  # the next call is an ordinary one
        return traced.graph

    def _eager_forward(self, x: Any, *args: Any) -> Any:
        reg = self._reg_params
        if reg:
            # (an NDArray's context is always cpu(0): one shared object, not a new one)
            ctx = (_CPU0 if type(x).context is _ND_CONTEXT else x.context) \
                if isinstance(x, NDArray) else None
            try:
                params = {k: v.data(ctx) for k, v in reg.items()}
            except DeferredInitializationError:
                self._deferred_infer_shape(x, *args)
                for _, v in self.params.items():
                    v._finish_deferred_init()
                params = {k: v.data(ctx) for k, v in reg.items()}
        else:
            params = _NO_PARAMS
        try:
            if _TRACE.params is not None:  # (hybrid.is_tracing())
                params = {k: hybrid.trace_param(self._reg_params[k], v)
                          for k, v in params.items()}
                with opnames.scope(self.prefix):  # `name=` of F calls: `<prefix><name>`
                    return self.hybrid_forward(_nd, x, *args, **params)
            if args:
                return self.hybrid_forward(_nd, x, *args, **params)
            # (a plain call when it can be: no tuple or dict to build)
            return self.hybrid_forward(_nd, x, **params) if reg else self.hybrid_forward(_nd, x)
        except MXNetError as e:
            raise _name_block(e, self, [x] + list(args)) from None

    def hybrid_forward(self, F: Any, x: Any, *args: Any, **kwargs: Any) -> Any:
        """The computation, written with `F` (`mx.nd` or `mx.sym`); override."""
        raise NotImplementedError

    def optimize_for(self, x: Any, *args: Any, backend: Any = None, **kwargs: Any) -> None:
        """MXNet's partitioning backends (TensorRT, oneDNN subgraphs) do not exist here:
        tapegraph optimises the traced graph with its own passes."""
        raise MXNetError("optimize_for(backend=%r): partitioning backends are not "
                         "supported; hybridize() compiles the traced graph with tapegraph's "
                         "passes, and block.forward_graph is the graph to transform"
                         % (backend,))

    def register_op_hook(self, callback: Any, monitor_all: bool = False) -> None:
        """Not available: MXNet's hook sees every operator's output inside a CachedOp;
        a hybridized block here runs one generated plan with no per-operator calls."""
        raise NotImplementedError(
            "register_op_hook is not implemented in tapegraph: a hybridized block runs one "
            "compiled plan with no per-operator callbacks. Read intermediate values from "
            "the traced graph instead (block.forward_graph, tapegraph.transforms), or call "
            "the block without hybridize()")

    def _saved_graph(self) -> Dict[str, Any]:
        """What `Block.save` records of a traced block: the input/output formats and the
        block's Symbol (inputs named as the trace names them), or {} before any trace."""
        last = self._last
        if last is None:
            return {}
        inputs, out = self._symbol_graph(*_placeholders(last.in_fmt))
        return {"in_format": last.in_fmt, "out_format": last.out_fmt,
                "inputs": [s.tojson() for s in inputs], "symbol": out.tojson()}

    def export(self, path: str, epoch: int = 0, remove_amp_cast: bool = True) -> None:
        """Write `path-symbol.json` and `path-%04d.params` (see `hybrid.export`), without
        mixed precision's amp_cast nodes unless `remove_amp_cast` is False."""
        export_block(self, path, epoch, remove_amp_cast)


def _array_leaves(args: Any) -> List[Any]:
    """The NDArrays and Symbols in nested lists / tuples `args`, other leaves skipped (as
    MXNet's type gathering: only a hybridized call requires every input to be one)."""
    if isinstance(args, (NDArray, Symbol)):
        return [args]
    if isinstance(args, (list, tuple)):
        return [leaf for a in args for leaf in _array_leaves(a)]
    return []


def _all_arrays(args: Tuple[Any, ...]) -> bool:
    for a in args:
        if not isinstance(a, NDArray):
            return False
    return True


_TRACE = hybrid.TRACE
_NO_PARAMS: Dict[str, Any] = {}  # (never changed: passed as **params)
_CPU0 = cpu()
_ND_CONTEXT = NDArray.__dict__["context"]


def _placeholders(fmt: Any) -> Any:
    """Symbols (None where the call passed None) nested as the input format `fmt`."""
    if isinstance(fmt, int):
        return None if fmt == -1 else _sym.var("data")
    return [_placeholders(f) for f in fmt]


def _name_block(e: MXNetError, block: HybridBlock, inputs: List[Any]) -> MXNetError:
    """Add the block, its parameters and the input shapes to an error raised inside its
    forward (once: the innermost block names itself)."""
    if getattr(e, "_gluon_block", None) is not None:
        return e
    params = ", ".join("%s %s" % (p.name, p.shape) for p in block._reg_params.values())
    shapes = [getattr(a, "shape", None) for a in inputs]
    msg = "%s\n  in block %s (%s)%s, called with input shapes %s" % (
        e.args[0] if e.args else "", block.name, type(block).__name__,
        " with parameters " + params if params else "", shapes)
    e.args = (msg,) + tuple(e.args[1:])
    e._gluon_block = block.name
    return e

