"""Tracing a Python function over NDArrays into an `ir.Graph`, and running a graph on
NDArrays (through a cached plan, or operator by operator while recording, so that a
transformed function composes with `autograd` and with the other transformations)."""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..ir import Graph, MXNetError, TensorType, Value, get_op, is_float
from ..ir.ops.regions import CACHED_OP, CHECKPOINT, GRAD_REGION
from ..passes import PassManager, inline
from ..runtime import PLAN_CACHE, Plan
from ..trace.collect import Collected
from ..trace.builder import record
from ..trace.invoke import invoke
from ..trace.tape import STATE
from ..trace import host_reads
from ..trace.source import source_lines
from ..trace.values import TracedValue
from ..ndarray import NDArray
from .. import autograd

OPTIMIZE = "dce, cse, simplify, dce"  # what runs before a transformed graph executes


@dataclass
class Traced:
    """A traced function: `graph` has one input per argument, then one per constant
    (arrays the function read without receiving them), whose NDArrays are `constants`;
    `structure` is None for one returned array, else (tuple or list, length)."""
    graph: Graph
    num_args: int
    constants: List[Any]
    structure: Optional[Tuple[type, int]]
    cls: type

    def inputs(self, args: Sequence[Any]) -> List[Any]:
        return list(args) + list(self.constants)

    def float_args(self) -> List[int]:
        return [i for i in range(self.num_args) if is_float(self.graph.inputs[i].type.dtype)]

    def pack(self, values: Sequence[Any]) -> Any:
        return pack(self.structure, values)


def pack(structure: Optional[Tuple[type, int]], values: Sequence[Any]) -> Any:
    if structure is None:
        return values[0]
    return structure[0](values)


def as_arrays(args: Sequence[Any], what: str = "argument") -> List[Any]:
    """`args` as NDArrays (NumPy arrays and numbers are converted, as float32 like
    `mx.nd.array`)."""
    out = []
    for i, a in enumerate(args):
        if isinstance(a, NDArray):
            out.append(a)
        elif isinstance(a, (np.ndarray, float, int, list, tuple)):
            out.append(NDArray(a))
        else:
            raise MXNetError("transforms: %s %d is a %s, not an NDArray"
                             % (what, i, type(a).__name__))
    return out


def _wrap_value(cls: type, v: TracedValue) -> Any:
    """An NDArray standing for the recorded (or constant) value `v`."""
    arr = cls.__new__(cls)
    arr._data = v.data
    arr._value = v if v.node is not None or type(v) is not TracedValue else None
    return arr


def trace(fn: Callable, args: Sequence[Any], transform: str = "make_graph",
          per_call: bool = False) -> Traced:
    """Run `fn` on fresh variables holding copies of `args`, recording, and collect the
    graph from those variables to what `fn` returns.

    As for hybridize, `detach()` and `array(x)` of a traced array record a stop-gradient
    (trace.host_reads.tracing_graph) instead of copying the trace's values into the graph
    as constants. A function that reads traced values on the host (trace.host_reads: a
    `contrib.cond` predicate, `histogram`, boolean-mask indexing, `np.unique`, ...) puts
    what it read into the graph as constants: `transform` (named in the error) refuses
    that unless `per_call`, i.e. unless it traces at every call on that call's own
    arguments and runs the graph only on them (the differentiation transforms, whose
    results then equal eager autograd's at those arguments)."""
    arrays = as_arrays(args)
    cls = type(arrays[0]) if arrays else NDArray
    with autograd.pause():
        fresh = [type(a)._wrap(np.array(a._data)) for a in arrays]
    for f in fresh:
        f.attach_grad()
    reads = host_reads.count()
    # a trace runs once per signature, so its nodes always keep their user line
    with autograd.record(train_mode=autograd.is_training()), source_lines(), \
            host_reads.tracing_graph():
        out = fn(*fresh)
    if not per_call and host_reads.count() != reads:
        raise MXNetError(_host_read_message(transform, fn))
    structure = None
    outs = [out]
    if isinstance(out, (tuple, list)):
        structure, outs = (type(out), len(out)), list(out)
    for o in outs:
        if not isinstance(o, NDArray):
            raise MXNetError("transforms: the function must return NDArrays (or a tuple or "
                             "list of them), got a %s" % type(o).__name__)
    heads = []
    for o in outs:
        v = o._value
        if v is None:  # a result that does not depend on anything recorded: a constant
            v = TracedValue(TensorType.get(o._data.shape, o._data.dtype), None, o._data)
        heads.append(v)
    col = Collected(heads)
    graph, clones = col.detached()
    clone_of = dict(zip(col.values, clones))
    args_in, constants, const_in = [], [], []
    by_leaf = {f._value: i for i, f in enumerate(fresh)}
    names = _parameter_names(fn, len(fresh))
    for f, hint in zip(fresh, names):
        c = clone_of.get(f._value)
        args_in.append(c if c is not None else Value(f._value.type))
        args_in[-1].hint = hint
    for leaf in col.leaves:
        if leaf in by_leaf:
            continue
        c = clone_of[leaf]
        c.hint = c.hint or "c%d" % len(constants)
        const_in.append(c)
        constants.append(_wrap_value(cls, leaf))
    g = Graph(getattr(fn, "__name__", "f").strip("<>") or "f", args_in + const_in,
              graph.nodes, graph.outputs)
    # recorded gradient regions (autograd.grad inside fn) and hybridized blocks as
    # operators; a checkpointed function stays one node (see transforms.checkpoint)
    g = inline(g, ops=(GRAD_REGION, CACHED_OP))
    return Traced(g, len(fresh), constants, structure, cls)


_WHY = {
    "vmap": "vmap traces the function once, on the first example, and runs that graph on "
            "every example: the values read from the first one would be used for all",
    "make_graph": "the graph would hold the values read from these arguments as "
                  "constants, so it would not compute the function for other arguments",
}


def _host_read_message(transform: str, fn: Callable) -> str:
    reader = host_reads.last_reader()
    return ("transforms.%s: %s reads traced values on the host (%s), which a traced graph "
            "cannot do: %s. Like JAX's ConcretizationTypeError, this is refused rather than "
            "giving results computed from the trace's values. Compute with operators on "
            "arrays instead (e.g. `where` rather than a boolean mask or a cond on values), "
            "or call the function outside the transformation."
            % (transform, getattr(fn, "__name__", "the function").strip("<>") + "()",
               "in %s" % reader if reader else "tapegraph.trace.host_reads",
               _WHY.get(transform, "its graph would hold the values read from this trace")))


def _parameter_names(fn: Callable, n: int) -> List[str]:
    """Names for the graph inputs: `fn`'s positional parameters where it has them."""
    try:
        params = [p.name for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    if len(params) < n or len(set(params[:n])) < n:
        return ["x%d" % i for i in range(n)] if n > 1 else ["x"]
    return params[:n]


def make_graph(fn: Callable, *args: Any) -> Graph:
    """The graph of `fn` traced at `args` (like `jax.make_jaxpr`): one input per argument,
    then one per constant array `fn` reads, and the results as outputs.

    A tapegraph extension (MXNet has no such function)."""
    return trace(fn, args).graph


# ---------------------------------------------------------------- running

def _plan(graph: Graph) -> Plan:
    def build():
        return Plan(PassManager(OPTIMIZE, verify=False).run(graph))
    return PLAN_CACHE.get_or_build(("transforms", graph), build)


def coerce(a: Any, v: Value, what: str) -> Any:
    """NDArray `a` as an input of type `v.type` (cast to its dtype; shape must match)."""
    if tuple(a.shape) != v.type.shape:
        raise MXNetError("transforms: %s has shape %s, expected %s"
                         % (what, tuple(a.shape), v.type.shape))
    if a._data.dtype.name != v.type.dtype:
        return a.astype(v.type.dtype)
    return a


def run(graph: Graph, inputs: Sequence[Any], cls: type) -> List[Any]:
    """Run `graph` on NDArrays `inputs`; returns NDArrays of class `cls`. When recording
    and an input is recorded, each operator runs through `invoke`, so the results are
    recorded like any other computation (autograd and enclosing transformations see
    them); otherwise one cached plan runs the optimized graph."""
    if len(inputs) != len(graph.inputs):
        raise MXNetError("transforms: %d inputs for a graph of %d"
                         % (len(inputs), len(graph.inputs)))
    if STATE.recording and any(a._value is not None for a in inputs):
        return _replay(graph, inputs, cls)
    results = _plan(graph).run([a._data for a in inputs])
    return [cls._wrap(np.asarray(r)) for r in results]


def _replay(graph: Graph, inputs: Sequence[Any], cls: type) -> List[Any]:
    graph = inline(graph, ops=(GRAD_REGION, CACHED_OP))
    env: Dict[Value, Any] = dict(zip(graph.inputs, inputs))
    for node in graph.nodes:
        args = [env[v] for v in node.inputs]
        if node.op == CHECKPOINT and node.region is not None:
            outs = tuple(record_region(node.region, args, node.attrs, cls))
        else:
            out = invoke(get_op(node.op), args, node.attrs, out_cls=cls)
            outs = out if isinstance(out, tuple) else (out,)
        for v, o in zip(node.outputs, outs):
            env[v] = o
    return [env[v] for v in graph.outputs]


def record_region(region: Graph, arrays: Sequence[Any], attrs: Dict[str, Any], cls: type
                  ) -> List[Any]:
    """Run `region` on NDArrays `arrays` and record one `_checkpoint` node for it (see
    transforms.checkpoint); returns its outputs as NDArrays of class `cls`."""
    datas = [a._data for a in arrays]
    results = []
    for r, v in zip(_plan(region).run(datas), region.outputs):
        r = np.asarray(r)
        results.append(r.astype(v.type.dtype) if r.dtype.name != v.type.dtype else r)
    in_values = [a._value if a._value is not None else TracedValue(v.type, None, d)
                 for a, d, v in zip(arrays, datas, region.inputs)]
    values = record(CHECKPOINT, in_values, [v.type for v in region.outputs], results,
                    dict(attrs), region)
    outs = []
    for r, value in zip(results, values):
        a = cls.__new__(cls)
        a._data = r
        a._value = value
        outs.append(a)
    return outs
