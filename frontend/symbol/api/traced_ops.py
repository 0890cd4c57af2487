"""MXNet operators whose `mx.nd` form is a composition of registered IR operators written
against NDArrays (`mx.nd.random_pdf_normal`, `unravel_index`, `CTCLoss`, ...): as symbol
nodes they become the IR graph that tracing that `mx.nd` function records, so the math
stays in one place and the node differentiates as the `mx.nd` call does.

The trace runs once per (operator, input types, attributes) on placeholder inputs. A
function that reads its inputs' values on the host (tapegraph.trace.host_reads: the
positions or counts it computes depend on them) records no fixed graph and is refused
with that reason. Constants the function creates (strides, index grids) enter the graph
as `_full` nodes."""
from __future__ import annotations

import importlib
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from ...ir import Builder, MXNetError, Value
from ...ir.graph import attrs_key
from ...ndarray import NDArray
from ..graph.mxnet_ops import ARG_NAMES, EXTRA, OpMapping

# MXNet operator -> (public module under tapegraph, function, MXNet's input names, (min, max)
# inputs when some are optional)
_PDF = {"normal": ("mu", "sigma"), "uniform": ("low", "high"), "gamma": ("alpha", "beta"),
        "exponential": ("lam",), "poisson": ("lam",), "negative_binomial": ("k", "p"),
        "generalized_negative_binomial": ("mu", "alpha"), "dirichlet": ("alpha",)}
TRACED: Dict[str, Tuple[str, str, Tuple[str, ...], Optional[Tuple[int, Optional[int]]]]] = {
    "_random_pdf_" + dist: ("ndarray", "random_pdf_" + dist, ("sample",) + params, None)
    for dist, params in _PDF.items()}
TRACED.update({
    "_ravel_multi_index": ("ndarray", "ravel_multi_index", ("data",), None),
    "_unravel_index": ("ndarray", "unravel_index", ("data",), None),
    "amp_cast": ("ndarray", "amp_cast", ("data",), None),
    "amp_multicast": ("ndarray", "amp_multicast", ("data",), (1, None)),
    "CTCLoss": ("ndarray", "CTCLoss", ("data", "label", "data_lengths",
                                           "label_lengths"), (2, 4)),
    "Correlation": ("ndarray", "Correlation", ("data1", "data2"), None),
    "_contrib_count_sketch": ("ndarray.contrib", "count_sketch", ("data", "h", "s"), None),
    "_contrib_index_array": ("ndarray.contrib", "index_array", ("data",), None),
    "_contrib_index_copy": ("ndarray.contrib", "index_copy",
                            ("old_tensor", "index_vector", "new_tensor"), None),
    "_contrib_allclose": ("ndarray.contrib", "allclose", ("a", "b"), None),
    "_contrib_hawkesll": ("ndarray.contrib", "hawkesll",
                          ("lda", "alpha", "beta", "state", "lags", "marks", "valid_length",
                           "max_time"), None),
})

# Attributes MXNet writes that the `mx.nd` function does not take (its device, ...).
_DROPPED = ("ctx", "__layout__")
# Constants larger than this are refused (each element becomes a `_full` node).
MAX_CONSTANT = 4096

_CACHE: Dict[tuple, Any] = {}


def _function(op: str) -> Callable:
    module, name = TRACED[op][:2]
    return getattr(importlib.import_module("tapegraph." + module), name)


def _placeholder(shape: Tuple[int, ...], dtype: str) -> Any:
    """An input for the trace: ones (no value is read, and ones keep logs finite)."""
    return NDArray._wrap(np.ones(shape, dtype=dtype))


def _traced(op: str, ins: Sequence[Value], attrs: Dict[str, Any]):
    """The traced graph of `op`'s `mx.nd` function on inputs of these types."""
    key = (op, tuple(v.type for v in ins), attrs_key(attrs))
    found = _CACHE.get(key)
    if found is None:
        from ...transforms.tracing import trace
        fn = _function(op)
        kwargs = {k: v for k, v in attrs.items() if k not in _DROPPED}

        def call(*arrays: Any) -> Any:
            return fn(*arrays, **kwargs)
        call.__name__ = op
        try:
            found = trace(call, [_placeholder(v.type.shape, v.type.dtype) for v in ins])
        except MXNetError as e:
            if "reads traced values on the host" in str(e):
                raise MXNetError(
                    "%s cannot be a node of a symbol graph in tapegraph: the positions it "
                    "computes depend on its inputs' values (tapegraph.trace.host_reads), "
                    "so it has no fixed graph; call mx.%s.%s instead"
                    % (op, TRACED[op][0].replace("ndarray", "nd"), TRACED[op][1])) from None
            raise
        _CACHE[key] = found
    return found


def _constant(b: Builder, data: np.ndarray) -> Value:
    """A constant array as IR: one `_full` node if uniform, else one per element."""
    dtype, shape = data.dtype.name, tuple(data.shape)
    flat = data.ravel()
    if flat.size and (flat == flat[0]).all():
        return b.op("_full", shape=shape, dtype=dtype, value=flat[0].item())
    if flat.size > MAX_CONSTANT:
        raise MXNetError("a constant of %d elements is too large to embed in a symbol graph"
                         % flat.size)
    parts = [b.op("_full", shape=(1,), dtype=dtype, value=x.item()) for x in flat]
    whole = parts[0] if len(parts) == 1 else b.op("Concat", *parts, dim=0,
                                                    num_args=len(parts))
    return b.op("Reshape", whole, shape=shape)


def inline_traced(b: Builder, op: str, ins: List[Value], attrs: Dict[str, Any]) -> Any:
    """Append the traced graph of `op` on `ins` to `b`; its output Value(s)."""
    tr = _traced(op, ins, attrs)
    env: Dict[Value, Value] = dict(zip(tr.graph.inputs, ins))
    for value, array in zip(tr.graph.inputs[tr.num_args:], tr.constants):
        env[value] = _constant(b, np.asarray(array._data))
    for node in tr.graph.nodes:
        if node.region is not None:
            raise MXNetError("%s: its traced graph holds a region, which a symbol node "
                             "cannot rebuild" % op)
        outs = b.op(node.op, *[env[v] for v in node.inputs], **node.attrs)
        outs = outs if isinstance(outs, tuple) else (outs,)
        env.update(zip(node.outputs, outs))
    results = []
    for v in tr.graph.outputs:
        if v not in env:  # the function returned one of its constants or inputs
            raise MXNetError("%s: internal error, output not built" % op)
        results.append(env[v])
    return results[0] if len(results) == 1 else tuple(results)


def _outputs(op: str) -> Optional[Callable[[Dict[str, Any]], int]]:
    if op == "amp_multicast":
        return lambda attrs: int(attrs.get("num_outputs", 1))
    if op == "_contrib_hawkesll":  # the log-likelihood and the new state
        return lambda attrs: 2
    return None


def traced_mappings() -> Dict[str, OpMapping]:
    """The loader's entries for the operators of TRACED."""
    table = {}
    for op, (_, _, names, arity) in TRACED.items():
        def build(b: Builder, ins: List[Value], attrs: Dict[str, Any], op: str = op) -> Any:
            return inline_traced(b, op, ins, attrs)
        table[op] = OpMapping(op, build, arity=arity or (len(names), len(names)),
                              outputs=_outputs(op) or (lambda attrs: 1))
    return table


EXTRA.update(traced_mappings())  # the loader (mx.sym.load_json) and mx.sym use them
ARG_NAMES.update((op, entry[2]) for op, entry in TRACED.items())  # keyword inputs
