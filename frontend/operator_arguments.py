"""`mx.operator.get_operator_arguments(name)`: MXNet's `OperatorArguments` (narg, names,
types) of an operator, with MXNet's type strings ('NDArray-or-Symbol', 'float, required',
'float, optional, default=0.899999976', ...).

Exact for `Custom` and for the optimizer update operators (their array arguments and
parameters are declared in tapegraph.ndarray.update_ops / update_multi, in MXNet's order;
the internal names MXNet registers, `_adamw_update`, `_multi_lamb_update`, ..., are listed
here). For the other operators of tapegraph's IR it lists the inputs (MXNet's names where
tapegraph knows them, else `data` / `lhs, rhs`) and the IR operator's own attributes,
whose names and types may differ from MXNet's. Any other name raises MXNet's error.
"""
from __future__ import annotations

import collections
from typing import Any, Dict, List, Sequence, Tuple

import numpy as np

from .base import MXNetError
from .ir import REGISTRY
from .ir.registry import REQUIRED as IR_REQUIRED
from .ndarray import update_multi, update_ops
from .ndarray.update_ops import REQUIRED
from .symbol.graph.mxnet_ops import ARG_NAMES

OperatorArguments = collections.namedtuple("OperatorArguments", ["narg", "names", "types"])
OperatorArguments.__doc__ = "An operator's arguments: their number, names and types."
OperatorArguments.__module__ = "tapegraph.operator"

_ARR, _ARRS = "NDArray-or-Symbol", "NDArray-or-Symbol[]"
_INT_DEFAULT_QUOTED = ("num_weights", "num_arrays", "num_tensors")
_INTS = ("t", "num_arrays", "num_weights", "num_tensors", "num_hidden", "num_filter",
         "num_group", "num_outputs")
_TUPLES = {"lrs": "tuple of <float>", "wds": "tuple of <float>", "etas": "tuple of <float>",
           "learning_rates": "tuple of <float>", "step_count": "Shape(tuple)"}
_DOUBLES = {("ftml_update", "epsilon")}

# MXNet's internal registrations behind mx.nd.contrib's Python wrappers: arrays, parameters
_ADAMW = {"lr": REQUIRED, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8, "wd": 0.0,
          "eta": REQUIRED, "clip_gradient": -1.0}
_MULTI_ADAMW = {"lrs": REQUIRED, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8,
                "wds": REQUIRED, "etas": REQUIRED, "clip_gradient": -1.0, "num_weights": 1}
_MULTI_LAMB = {"learning_rates": REQUIRED, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-6,
               "wds": REQUIRED, "rescale_grad": 1.0, "lower_bound": -1.0, "upper_bound": -1.0,
               "clip_gradient": -1.0, "bias_correction": True, "step_count": REQUIRED,
               "num_tensors": 1}
_TABLE: Dict[str, Tuple[Sequence[Tuple[str, str]], Dict[str, Any]]] = {
    "_adamw_update": ([(n, _ARR) for n in ("weight", "grad", "mean", "var", "rescale_grad")],
                      _ADAMW),
    "_mp_adamw_update": ([(n, _ARR) for n in ("weight", "grad", "mean", "var", "weight32",
                                               "rescale_grad")], _ADAMW),
    "_multi_adamw_update": ([("data", _ARRS)], _MULTI_ADAMW),
    "_multi_mp_adamw_update": ([("data", _ARRS)], _MULTI_ADAMW),
    "_multi_lamb_update": ([("data", _ARRS)], _MULTI_LAMB),
    "_multi_mp_lamb_update": ([("data", _ARRS)], _MULTI_LAMB),
    "all_finite": ([("data", "NDArray")], {"init_output": True}),
    "multi_all_finite": ([("data", _ARRS)], {"num_arrays": 1, "init_output": True}),
    "multi_sum_sq": ([("data", _ARRS)], {"num_arrays": REQUIRED}),
    "reset_arrays": ([("data", _ARRS)], {"num_arrays": REQUIRED}),
    "multi_lars": ([(n, _ARR) for n in ("lrs", "weights_sum_sq", "grads_sum_sq", "wds")],
                   {"eta": REQUIRED, "eps": REQUIRED, "rescale_grad": 1.0}),
    "Custom": ([("data", _ARRS), ("op_type", "string")], {}),
}
for _spec in update_ops.SPECS + update_ops.CONTRIB_SPECS:
    _name = _spec.name if _spec in update_ops.SPECS else "_contrib_" + _spec.name
    _TABLE[_name] = ([(n, _ARR) for n in _spec.arrays], _spec.spec)
for _fn in update_multi.MULTI_SGD:
    _TABLE[_fn.__name__] = ([("data", _ARRS)], _fn._tg_params)


def _type(op: str, name: str, default: Any, required: str = "float") -> str:
    """MXNet's type text of parameter `name` (default `default`); `required` is the type
    said of a required parameter whose type the default cannot tell."""
    if default is IR_REQUIRED:
        default = REQUIRED
    if name in _TUPLES:
        kind = _TUPLES[name]
    elif (op, name) in _DOUBLES:
        kind = "double"
    elif isinstance(default, bool) or name in ("lazy_update", "bias_correction"):
        kind = "boolean"
    elif name in _INTS or isinstance(default, int):
        kind = "int"
    elif default is REQUIRED:
        kind = required
    elif isinstance(default, float):
        kind = "float"
    elif isinstance(default, tuple):
        kind = "Shape(tuple)"
    else:
        kind = "string"
    if default is REQUIRED:
        return "%s, required" % kind
    if kind == "boolean":
        text = "1" if default else "0"
    elif kind == "int":
        text = ("'%d'" if name in _INT_DEFAULT_QUOTED else "%d") % int(default)
    elif kind == "double":
        text = "%.17g" % float(np.float32(default))
    elif kind == "float":
        text = "%.9g" % float(np.float32(default))
    elif kind == "Shape(tuple)":
        text = "[%s]" % ",".join(str(d) for d in default)
    else:
        text = "'%s'" % (default,)
    return "%s, optional, default=%s" % (kind, text)


def _ir_inputs(op: str) -> List[Tuple[str, str]]:
    opdef = REGISTRY.get(op)
    if op in ARG_NAMES:
        return [(n, _ARR) for n in ARG_NAMES[op]]
    if opdef.num_inputs is None:
        return [("data", _ARRS)]
    return [(n, _ARR) for n in (("data",), ("lhs", "rhs"))[opdef.num_inputs - 1]] \
        if opdef.num_inputs in (1, 2) else [("arg%d" % i, _ARR)
                                            for i in range(opdef.num_inputs)]


def get_operator_arguments(op_name: str) -> OperatorArguments:
    """MXNet's OperatorArguments(narg, names, types) of operator `op_name` (see the module
    docstring for how exact it is). MXNetError if there is no such operator (registered
    custom operators are not operators here either, as in MXNet: use `Custom`)."""
    if op_name in _TABLE:
        arrays, params = _TABLE[op_name]
        pairs = list(arrays) + [(k, _type(op_name, k, v)) for k, v in params.items()]
    elif op_name in REGISTRY.names() and not op_name.startswith("_Custom"):
        attrs = REGISTRY.get(op_name).attrs
        pairs = _ir_inputs(op_name) + [(k, _type(op_name, k, v, "string"))
                                       for k, v in attrs.items()]
    else:
        raise MXNetError("Check failed: op != nullptr: Operator %s is not registered"
                         % op_name)
    return OperatorArguments(len(pairs), [p[0] for p in pairs], [p[1] for p in pairs])
