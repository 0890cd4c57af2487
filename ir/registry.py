"""The operator registry: each operator is declared once, as one `OpDef`.

An OpDef holds the NumPy kernel, the shape/dtype rule, the attributes with their
defaults, the gradient rule (vjp) and flags. The gradient rule builds its result only
from registered operators, so the gradient pass applies to its own output.
"""
from __future__ import annotations

import os
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple, Union

import numpy as np

from .errors import MXNetError, ShapeError
from .types import TensorType

REQUIRED = object()  # marks an attribute without a default

InferFn = Callable[[List[TensorType], Dict[str, Any]], List[TensorType]]
VjpFn = Callable[..., List[Any]]
# (NumPy ufunc name, arguments: input positions and attribute names), see OpDef.ufunc
Ufunc = Tuple[str, Tuple[Union[int, str], ...]]


class OpDef:
    """One operator. Fields:

    - `name`: the IR name (MXNet's operator name where MXNet has the operator);
    - `kernel(*arrays, **attrs)`: NumPy implementation, returns an array (or a tuple
      when `num_outputs != 1`);
    - `infer(in_types, attrs)`: list of output `TensorType`s, raising `ShapeError`
      for inputs the operator cannot take;
    - `attrs`: attribute name -> default (`REQUIRED` when there is none);
    - `vjp(b, node, cotangents)`: list of input cotangents (a `Value` or `None` for a
      symbolic zero), built with the `Builder` `b` from registered ops. `None` means
      the operator is non-differentiable;
    - `jvp_rule(b, node, tangents)`: list of output tangents (a `Value` or `None` for a
      symbolic zero) from the input tangents (`None` for a zero), linear in them and built
      from registered ops; None means the `jvp` pass derives it exactly from `vjp`;
    - `num_inputs`: an int, or None for variadic operators;
    - flags: `elementwise`, `random`, `uses_train_mode`, `callback` (runs Python code);
      `effects` is the set of those an operator has (empty: a pure function of its
      inputs and attributes, which passes may merge, fold or fuse);
    - `mxnet` / `mxnet_np`: operator names for MXNet symbol JSON (legacy and np mode);
    - `fuse`: for elementwise ops, a NumPy expression template used by fusion codegen,
      with `{0}`, `{1}` for inputs and `{a[name]}` for attributes;
    - `ufunc`: when the operator is one NumPy ufunc call, `(ufunc name, arguments)`,
      each argument an input position or an attribute name (`("add", (0, "scalar"))`):
      fused code calls it with `out=` (a comparison's booleans cast to the output's
      dtype, 0/1, as its kernel returns them). Defaults to the kernel when it is a ufunc;
    - `fill`: the value of every output element of an operator that only reads its
      input's shape (`zeros_like` is 0);
    - `view`: the kernel may return a view of its first input (NumPy reshape, transpose,
      slicing...): the output keeps the input's buffer alive;
    - `reshape`: the output is the input's elements in another shape;
    - `reduction`: `"sum"` or `"mean"` for a reduction a fused region can end with
      (over every axis, each chunk adding its partial sum);
    - `writes_into`: the kernel takes `out=` buffers (the runtime may give it an input's
      buffer to write over, see passes.plan_memory);
    - `visible_outputs`: how many leading outputs MXNet shows when it shows fewer than all
      (its NumVisibleOutputs; None: all): the others are hidden outputs a gradient rule
      reads (box_nms's source rows). mx.nd and mx.sym give the visible ones; graphs, and
      the symbol JSON export, hold them all.
    """

    __slots__ = ("name", "kernel", "infer_fn", "vjp", "attrs", "num_inputs", "num_outputs",
                 "elementwise", "random", "uses_train_mode", "callback", "mxnet",
                 "mxnet_np", "fuse", "doc", "nondiff_note", "ufunc", "fill", "view", "reshape",
                 "reduction", "writes_into", "visible_outputs", "__dict__")

    def __init__(self, name: str, kernel: Callable, infer: InferFn, *,
                 attrs: Optional[Dict[str, Any]] = None, vjp: Optional[VjpFn] = None,
                 num_inputs: Optional[int] = 1, num_outputs: Any = 1,
                 elementwise: bool = False, random: bool = False,
                 uses_train_mode: bool = False, callback: bool = False,
                 mxnet: Optional[str] = None, mxnet_np: Optional[str] = None,
                 fuse: Optional[str] = None, doc: str = "", nondiff_note: str = "",
                 ufunc: Optional[Ufunc] = None, fill: Optional[float] = None,
                 view: bool = False, reshape: bool = False, reduction: Optional[str] = None,
                 writes_into: bool = False, visible_outputs: Optional[int] = None):
        self.name = name
        self.kernel = kernel
        self.infer_fn = infer
        self.vjp = vjp
        self.attrs = dict(attrs or {})
        self.num_inputs = num_inputs
        self.num_outputs = num_outputs
        self.elementwise = elementwise
        self.random = random
        self.uses_train_mode = uses_train_mode
        self.callback = callback
        self.mxnet = mxnet if mxnet is not None else name
        self.mxnet_np = mxnet_np
        self.fuse = fuse
        self.doc = doc or (kernel.__doc__ or "").strip()
        self.nondiff_note = nondiff_note
        self.jvp_rule: Optional[VjpFn] = None
        if ufunc is None and fuse and isinstance(kernel, np.ufunc) and kernel.nin == num_inputs:
            ufunc = (kernel.__name__, tuple(range(kernel.nin)))
        self.ufunc = ufunc
        self.fill = fill
        self.view = view
        self.reshape = reshape
        if reduction not in (None, "sum", "mean"):
            raise MXNetError("operator %s: reduction must be 'sum' or 'mean', not %r"
                             % (name, reduction))
        self.reduction = reduction
        self.writes_into = writes_into
        self.visible_outputs = visible_outputs

    @property
    def effects(self) -> frozenset:
        """What the operator does besides computing its outputs from its inputs and
        attributes: "random" (draws), "train_mode" (reads the mode), "callback" (runs
        Python code). Empty for a pure operator."""
        return frozenset(e for e, on in (("random", self.random),
                                         ("train_mode", self.uses_train_mode),
                                         ("callback", self.callback)) if on)

    @property
    def differentiable(self) -> bool:
        return self.vjp is not None

    def gradient(self, fn: VjpFn) -> VjpFn:
        """Decorator: set `fn` as this operator's gradient rule."""
        self.vjp = fn
        return fn

    def jvp(self, fn: VjpFn) -> VjpFn:
        """Decorator: set `fn` as this operator's forward-mode (JVP) rule."""
        self.jvp_rule = fn
        return fn

    def complete_attrs(self, attrs: Dict[str, Any]) -> Dict[str, Any]:
        """`attrs` with defaults filled in; unknown or missing attributes raise ShapeError."""
        for key in attrs:
            if key not in self.attrs:
                raise ShapeError("operator %s has no attribute %r (it takes: %s)"
                                 % (self.name, key, ", ".join(self.attrs) or "none"))
        if len(attrs) == len(self.attrs):
            return dict(attrs)
        full = {}
        for key, default in self.attrs.items():
            if key in attrs:
                full[key] = attrs[key]
            elif default is REQUIRED:
                raise ShapeError("operator %s needs attribute %r" % (self.name, key))
            else:
                full[key] = default
        return full

    def infer(self, in_types: Sequence[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
        """Output types for inputs of `in_types`; checks the number of inputs first."""
        if self.num_inputs is not None and len(in_types) != self.num_inputs:
            raise ShapeError("operator %s takes %d input(s), got %d"
                             % (self.name, self.num_inputs, len(in_types)))
        try:
            out = list(self.infer_fn(list(in_types), attrs))
        except MXNetError:
            raise
        except (TypeError, ValueError, IndexError, KeyError, ZeroDivisionError,
                OverflowError) as e:  # a rule tripping over malformed attributes
            raise ShapeError("operator %s: cannot infer its output from inputs %s and "
                             "attributes %s (%s: %s)"
                             % (self.name, ", ".join(map(repr, in_types)),
                                _short_attrs(attrs), type(e).__name__, e)) from e
        for t in out:
            if t.nbytes > MAX_RESULT_BYTES:
                raise ShapeError("operator %s: its output %r needs %s, more than this "
                                 "machine's %s of memory"
                                 % (self.name, t, _bytes(t.nbytes), _bytes(MAX_RESULT_BYTES)))
        return out

    def __repr__(self) -> str:
        return "<OpDef %s>" % self.name


def _physical_memory() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, OSError, ValueError):
        return 1 << 42


# No single result may be larger than the machine's memory: an absurd shape attribute
# (tile, repeat, one_hot depth...) is refused before any kernel allocates.
MAX_RESULT_BYTES = _physical_memory()


def _bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return "%.1f %s" % (n, unit) if unit != "B" else "%d B" % n
        n /= 1024.0
    return "%d B" % n


def _short_attrs(attrs: Dict[str, Any]) -> str:
    text = "{%s}" % ", ".join("%s=%r" % kv for kv in attrs.items())
    return text if len(text) <= 200 else text[:197] + "..."


class Registry:
    """Name -> OpDef. `REGISTRY` is the process-wide instance every layer uses."""

    def __init__(self):
        self._ops: Dict[str, OpDef] = {}

    def add(self, opdef: OpDef) -> OpDef:
        if opdef.name in self._ops:
            raise MXNetError("operator %s is registered twice" % opdef.name)
        self._ops[opdef.name] = opdef
        return opdef

    def get(self, name: str) -> OpDef:
        try:
            return self._ops[name]
        except KeyError:
            raise MXNetError("unknown operator %r: it is not registered" % name) from None

    def __contains__(self, name: str) -> bool:
        return name in self._ops

    def __iter__(self) -> Iterator[OpDef]:
        return iter(list(self._ops.values()))

    def names(self) -> List[str]:
        return sorted(self._ops)


REGISTRY = Registry()


def register(name: str, infer: InferFn, **options: Any) -> Callable[[Callable], OpDef]:
    """Decorator declaring an operator from its kernel; returns the OpDef.

    ```
    @register("exp", same_type, elementwise=True, fuse="np.exp({0})")
    def exp(x):
        return np.exp(x)

    @exp.gradient
    def _(b, node, g):
        return [b.op("elemwise_mul", g[0], node.outputs[0])]
    ```
    """
    def wrap(kernel: Callable) -> OpDef:
        return REGISTRY.add(OpDef(name, kernel, infer, **options))
    return wrap


def get_op(name: str) -> OpDef:
    """The registered operator called `name` (MXNetError if there is none)."""
    return REGISTRY.get(name)
