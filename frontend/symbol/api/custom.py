"""`mx.sym.Custom(*inputs, op_type=...)`: a custom operator of `mx.operator` in a Symbol.

The node is MXNet's `Custom` (attributes `op_type` and the prop's keyword arguments, as
strings), so `tojson` writes what MXNet writes and files with `Custom` nodes load when
their `op_type` is registered. Lowered to IR, it is one `_CustomFunction` node running the
operator's `forward` (its gradient node runs `backward`), so `bind` / `simple_bind` /
`eval` and `Executor.backward` evaluate it. Shapes come from the prop's `infer_shape`, which
also gives the shapes of arguments MXNet infers from the data (a softmax's label).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from ...ir import Builder, MXNetError, TensorType, Value
from ...ndarray import NDArray
from ...ndarray.custom import REGISTRY, CustomOpFunction, _as_like, make_operator
from ..graph.dag import SymNode
from ..graph.mxnet_ops import EXTRA, OpMapping
from ..graph.param_shapes import RULES
from .symbol import OUTPUT_NAMES, Symbol, var
from .symbol import node_name as new_node_name


def _prop(attrs: Dict[str, Any]) -> Tuple[str, Dict[str, str], Any]:
    """(op_type, the prop's keyword arguments, the prop) of a Custom node's attributes."""
    op_type = attrs.get("op_type")
    if op_type not in REGISTRY:
        raise MXNetError("Custom: op_type %r is not registered (use @mx.operator.register; "
                         "registered: %s)" % (op_type, ", ".join(sorted(REGISTRY)) or "none"))
    kwargs = {k: str(v) for k, v in attrs.items() if k != "op_type"}
    return op_type, kwargs, REGISTRY[op_type](**kwargs)


class SymbolCustomFunction(CustomOpFunction):
    """A Custom node's call: its inputs are the prop's arguments then its auxiliary states
    (which get zero gradients). Forward runs with is_train=False, as `forward()` does by
    default in MXNet."""

    def __init__(self, op_type: str, op: Any, prop: Any, num_args: int,
                 out_types: List[Tuple[Tuple[int, ...], Any]], kwargs: Dict[str, str]):
        super().__init__(op, prop, (), False, out_types, kwargs)
        self.op_type = op_type
        self.num_args = num_args

    def forward(self, *inputs):
        self.aux = list(inputs[self.num_args:])
        return super().forward(*inputs[:self.num_args])

    def _run(self, call, dsts):
        """As CustomOpFunction._run; then what the operator assigned to its auxiliary states
        is written into them in place (the executor's aux_dict storage, see
        tapegraph.symbol.execute.executor), as MXNet does."""
        sink_out = {}

        def call_and_keep():
            try:
                call()
            finally:
                sink_out.update(self.op._tg_sink or {})
        out = super()._run(call_and_keep, dsts)
        for a in self.aux:
            if id(a) in sink_out:
                a._data[...] = _as_like(sink_out[id(a)][1], a)._data
        return out

    def backward(self, *out_grads):
        grads = super().backward(*out_grads)
        grads = list(grads) if isinstance(grads, tuple) else [grads]
        grads += [type(a)._wrap(np.zeros(a.shape, a._data.dtype)) for a in self.aux]
        return grads[0] if len(grads) == 1 else tuple(grads)

    def mxnet_attrs(self) -> Optional[Dict[str, str]]:
        return dict(self.kwargs, op_type=self.op_type)


def _build(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Any:
    op_type, kwargs, prop = _prop(attrs)
    num_args = len(prop.list_arguments())
    want = num_args + len(prop.list_auxiliary_states())
    if len(ins) != want:
        raise MXNetError("Custom %s takes %d inputs (%s), got %d" % (
            op_type, want, ", ".join(prop.list_arguments() + prop.list_auxiliary_states()),
            len(ins)))
    args = ins[:num_args]
    shapes = prop.infer_shape([v.type.shape for v in args])
    types = prop.infer_type([np.dtype(v.type.dtype).type for v in args])
    n_out = len(prop.list_outputs())
    if len(shapes[1]) != n_out or len(types[1]) != n_out:
        raise MXNetError("Custom %s: infer_shape/infer_type gave %d/%d output(s) for %d "
                         "declared output(s)" % (op_type, len(shapes[1]), len(types[1]), n_out))
    out_types = [(tuple(int(d) for d in s), np.dtype(t)) for s, t in zip(shapes[1], types[1])]
    op = make_operator(prop, [v.type.shape for v in ins],
                       [np.dtype(v.type.dtype).type for v in ins])
    fn = SymbolCustomFunction(op_type, op, prop, num_args, out_types, kwargs)
    fn._tg_in_types = [v.type for v in ins]
    fn._tg_out_types = [TensorType.get(s, d) for s, d in out_types]
    fn._tg_cls = NDArray
    return b.op("_CustomFunction", *ins, function=fn, num_outputs=n_out)


@dataclass
class _CustomMapping(OpMapping):
    """`Custom`'s attributes stay the strings written (they are the prop's arguments)."""

    def convert_attrs(self, raw: Dict[str, str]) -> Dict[str, Any]:
        return {k: str(v) for k, v in raw.items()
                if not (k.startswith("__") and k.endswith("__"))}


def _num_outputs(attrs: Dict[str, Any]) -> int:
    return len(_prop(attrs)[2].list_outputs())


def _aux_positions(attrs: Dict[str, Any]) -> range:
    prop = _prop(attrs)[2]
    start = len(prop.list_arguments())
    return range(start, start + len(prop.list_auxiliary_states()))


def _inferred_shape(data, attrs, pos):
    """The shape of input `pos` the prop's infer_shape gives from the first argument's
    (the others unknown, written () as MXNet does); None if it cannot say."""
    prop = _prop(attrs)[2]
    num_args = len(prop.list_arguments())
    try:
        args, _, aux = prop.infer_shape([tuple(data)] + [()] * (num_args - 1))
        shape = tuple(args[pos] if pos < num_args else aux[pos - num_args])
    except Exception:  # noqa: BLE001  (a prop that needs every shape: unknown here)
        return None
    return shape if shape and all(int(d) > 0 for d in shape) else None


def _output_names(node: SymNode) -> List[str]:
    return ["%s_%s" % (node.name, out) for out in _prop(node.attrs)[2].list_outputs()]


EXTRA["Custom"] = _CustomMapping("_CustomFunction", _build, outputs=_num_outputs,
                                 aux=_aux_positions)
RULES["Custom"] = _inferred_shape
OUTPUT_NAMES["Custom"] = _output_names


def Custom(*args: Symbol, op_type: Optional[str] = None, name: Optional[str] = None,
           attr: Optional[Dict[str, str]] = None, **kwargs: Any) -> Symbol:
    """Registered custom operator `op_type` applied to Symbols: its arguments then
    auxiliary states, by position or by the names its prop lists, not both (missing ones become
    variables `<name>_<argument>`); other keyword arguments go to the prop as strings."""
    _prop({"op_type": op_type})
    for a in args:
        if not isinstance(a, Symbol):
            raise MXNetError("Custom: positional arguments must be Symbols, got %s"
                             % type(a).__name__)
    symbols = {k: kwargs.pop(k) for k in list(kwargs) if isinstance(kwargs[k], Symbol)}
    if args and symbols:
        raise TypeError("Operators with variable length input can only accept input"
                        "Symbols either as positional or keyword arguments, not both")
    raw = dict({"op_type": str(op_type)}, **{k: str(v) for k, v in kwargs.items()})
    prop = _prop(raw)[2]
    names = prop.list_arguments() + prop.list_auxiliary_states()
    if len(args) > len(names):
        raise MXNetError("Custom %s takes %d inputs (%s), got %d"
                         % (op_type, len(names), ", ".join(names), len(args)))
    inputs: List[Optional[Symbol]] = list(args) + [None] * (len(names) - len(args))
    for k, arg in enumerate(names):
        if arg in symbols:
            if inputs[k] is not None:
                raise MXNetError("Custom %s: input %r given twice" % (op_type, arg))
            inputs[k] = symbols.pop(arg)
    if symbols:
        raise MXNetError("Custom %s: unknown input(s) %s (inputs: %s)"
                         % (op_type, ", ".join(sorted(symbols)), ", ".join(names)))
    node_name = new_node_name(name, "Custom")
    given = [s if s is not None else var("%s_%s" % (node_name, arg), attr=dict(raw))
             for s, arg in zip(inputs, names)]
    node = SymNode("Custom", node_name, EXTRA["Custom"].convert_attrs(raw),
                   [s._single() for s in given], len(prop.list_outputs()),
                   raw=dict(raw, **(attr or {})),
                   versions=[0] * len(prop.list_arguments())
                   + [1] * len(prop.list_auxiliary_states()))  # aux: MXNet's version 1
    return Symbol(heads=[(node, i) for i in range(node.num_outputs)],
                  np_mode=any(s._np_mode for s in given))
