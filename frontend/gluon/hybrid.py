"""`hybridize()`: trace a HybridBlock's forward into one IR graph per input signature and
run its compiled plan.

Tracing (the first call with a given signature: input shapes, dtypes and nesting, and
train/predict mode) runs `hybrid_forward` once with `F = mx.nd`, recording on a tape of
its own: the block's inputs and the parameters' data enter as marked leaves, so every
operator that depends on them becomes a node. The graph (operator level after
`dce, cse, simplify, prune-inputs`) is the block's `forward_graph` (what export writes);
what runs is that graph after LOWER_PASSES (`pool-first`), compiled once more with
`fuse, plan-memory` into a `runtime.Plan`. Random draws of `F.random.*`,
`F.sample_*` and `mx.np.random.uniform/normal` (MXNet's sampling operators,
tapegraph.ir.ops.random and random_np) are nodes of the graph,
recorded even when their parameters are constants: effectful operators that draw fresh
numbers from the generator at every plan run, in graph order (the call that traced reuses
the trace's draws, pinned as inputs, so a hybridized call consumes the generator as the
eager call does), and that export as MXNet's `_random_*` / `_sample_*` nodes. Each input
of the graph is bound, at every call, to one source: a block input, a parameter's data, a
fresh Dropout mask (drawn as `mx.nd.Dropout` draws it), a fresh host sample (each other
`mx.np.random.*` and each `mx.npx.random.*` draw in the forward: the sampler tells the tracer
through `mx.random.observe_sample`, and the sample becomes an input redrawn at each call,
so operators on it are traced too), or a constant the forward computed without touching
inputs, parameters or samples (captured at trace time: Python control flow,
and values computed from constants such as the zero begin state of the batch size, are
fixed per signature, as with any tracer; each new input signature traces again). A forward
whose operators read traced values on the host (tapegraph.trace.host_reads:
boolean_mask, histogram without a range, NumPy fallbacks) is not a
fixed graph: after the call that traced it, the block runs that forward eagerly.
Host samplers whose distribution parameters are computed from inputs cannot be traced (a
clear error); random numbers drawn outside tapegraph (NumPy's own `np.random`) are
constants of the trace.

A later call runs the plan (one generated function: no per-operator Python). Under
`autograd.record()` it also records ONE `_CachedOp` node holding the graph as its region
(tapegraph.ir.ops.regions): backward differentiates the region, to any order.
BatchNorm in training mode updates its moving statistics when the backward goes through
the recorded call (as MXNet 1.9.1 does), from the batch statistics of its input (the plan
returns that input as a hidden output); an unrecorded call leaves them.
"""
from __future__ import annotations

import threading
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from .. import autograd
from .. import random as _random
from ..base import MXNetError
from ..ir import Graph, Node, NonDifferentiableError, TensorType, Value, get_op
from ..ndarray import NDArray
from ..ndarray.ops import dropout_mask, moving_stats_update
from ..autodiff.on_backward import defer
from ..passes import PassManager, grad as grad_pass
from ..ir.ops.regions import CACHED_OP
from ..runtime import Plan
from ..trace.builder import record
from ..trace.collect import Collected
from ..trace.tape import STATE, hide
from ..trace.source import source_lines
from ..trace import host_reads
from ..trace.values import TracedValue, VariableValue

__all__ = ["MAX_TRACES", "Traced", "TRACE", "remember", "is_tracing", "trace_param", "trace",
           "REGION_PASSES", "RUN_PASSES", "LOWER_PASSES"]

REGION_PASSES = ["dce", "cse", "simplify", "dce", "prune-inputs"]
MAX_TRACES = 64  # signatures a block keeps compiled (the oldest is dropped beyond)
RUN_PASSES = ["drop-export-copies", "fuse", "plan-memory"]
LOWER_PASSES = ["pool-first"]  # rewrites of what runs (and is differentiated), not exported


class _TraceState(threading.local):
    def __init__(self) -> None:
        self.params: Optional[Dict[Any, NDArray]] = None  # Parameter -> its traced leaf


TRACE = _TraceState()


def is_tracing() -> bool:
    """Whether a hybridized block is tracing its forward on this thread (children then
    run eagerly, so the trace holds their operators)."""
    return TRACE.params is not None


def _leaf(arr: NDArray) -> NDArray:
    """A new array on the same buffer, marked as a variable (a leaf of the trace)."""
    leaf = type(arr)._wrap(arr._data)
    grad = type(arr)._wrap(np.zeros_like(arr._data))
    leaf._value = VariableValue(TensorType.get(arr._data.shape, arr._data.dtype),
                                arr._data, grad, "write")
    return leaf


def trace_param(param: Any, data: NDArray) -> NDArray:
    """While tracing: the leaf standing for `param` (whose data is `data`)."""
    leaves = TRACE.params
    found = leaves.get(param)
    if found is None:
        found = leaves[param] = _leaf(data)
    return found


class Traced:
    """One signature's trace: the graph, its compiled plan and the source of each input.

    Sources: `("input", k)` the k-th (flattened, non-None) block input, `("param", P)`,
    `("mask", (p, axes))` a Dropout mask, `("random", redraw)` a sample drawn afresh by
    `redraw()` at each call, `("const", array)`."""

    def __init__(self, graph: Graph, sources: List[Tuple[str, Any]], out_fmt: Any,
                 bn_updates: List[Tuple[Any, Any, Any, float, int]], block_name: str,
                 drawn: Optional[Dict[Value, np.ndarray]] = None):
        self.graph = graph
        self.sources = sources
        self.out_fmt = out_fmt
        first = {}
        order = [first.setdefault(v, i) for i, v in enumerate(graph.outputs)]
        self.repeats = order if len(first) < len(order) else None
        self.bn_updates = bn_updates
        self.block_name = block_name
        # What runs: the graph after LOWER_PASSES (same inputs and outputs), which the
        # recorded region holds too, so that backward differentiates what ran.
        self.lowered = lowered = PassManager(LOWER_PASSES, verify=False).run(graph)
        # What a recorded call records: the lowered graph, returning also the intermediate
        # values its gradient reads (residuals), so that a backward reads them instead of
        # recomputing the forward inside the region's gradient.
        self.region = Graph(graph.name, lowered.inputs, lowered.nodes,
                            list(lowered.outputs) + residuals(lowered))
        self._plain = self._compile(lowered)
        self._recorded: Optional[Tuple[Any, List[int]]] = None
        # Every input a block input, a parameter or a constant (no mask or sample to draw):
        # `run` binds them in one lean pass (`_bind`).
        self._plain_sources = all(kind in ("input", "param", "const") for kind, _ in sources)
        self._ctx_checked: Dict[Any, Any] = {}  # parameter -> its _ctx_list found on cpu(0)
        self._dtypes = tuple([np.dtype(v.type.dtype) for v in g.outputs]
                             for g in (lowered, self.region))  # what run returns, unrecorded/not
        self._region_types = [v.type for v in self.region.outputs]
        # The call that traced already drew its random numbers (the trace ran the forward,
        # interleaved with whatever else drew, e.g. deferred parameter initialisation): its
        # plan run reuses them — masks and samples by input, the draws of random nodes
        # pinned as inputs — so a hybridized call consumes the generator as an eager one.
        self.first_call: Optional[Dict[Value, np.ndarray]] = drawn
        # The forward read traced values on the host (tapegraph.trace.host_reads:
        # boolean_mask, NumPy fallbacks, ...): the graph's constants hold what that one call
        # read, so later calls run the forward eagerly instead of replaying it.
        self.value_dependent = False

    @property
    def plan(self) -> Any:
        """The plan an unrecorded call runs."""
        return self._plain[0]

    def _compile(self, graph: Graph) -> Tuple[Any, List[int]]:
        outs = list(graph.outputs) + [u[0] for u in self.bn_updates]
        plan = Plan(PassManager(RUN_PASSES, verify=False).run(
            Graph(graph.name, graph.inputs, graph.nodes, outs)))
        position = {v: i for i, v in enumerate(graph.inputs)}
        return plan, [position[v] for v in plan.graph.inputs]

    def datas(self, args: Sequence[NDArray],
              drawn: Optional[Dict[Value, np.ndarray]] = None) -> List[np.ndarray]:
        """The array bound to each graph input for this call (parameters on the first
        input's context: a parameter not there is an error naming it)."""
        ctx = args[0].context if args else None
        out = []
        for i, (kind, what) in enumerate(self.sources):
            if kind == "input":
                out.append(args[what]._data)
            elif kind == "param":
                out.append(what.data(ctx)._data)
            elif kind == "mask":
                p, axes, t = what
                v = self.graph.inputs[i]
                out.append(drawn[v] if drawn and v in drawn else
                           dropout_mask(t.shape, np.dtype(t.dtype), p, axes))
            elif kind == "random":
                v = self.graph.inputs[i]
                out.append(drawn[v] if drawn and v in drawn else what())
            else:
                out.append(what)
        return out

    def _in_values(self, args: Sequence[NDArray], datas: List[np.ndarray]) -> Optional[list]:
        """The recorded values the node reads, or None when none of them is recorded."""
        in_values, traced = [], False
        ctx = args[0].context if args else None
        for (kind, what), d, v in zip(self.sources, datas, self.graph.inputs):
            value = None
            if kind == "input":
                value = args[what]._value
            elif kind == "param":
                value = what.data(ctx)._value
            if value is None:
                value = TracedValue(v.type, None, d)
            else:
                traced = True
            in_values.append(value)
        return in_values if traced else None

    def _bind(self, args: Sequence[NDArray], recording: bool
              ) -> Tuple[List[np.ndarray], Optional[list]]:
        """`datas(args)` and, when `recording`, `_in_values` in one pass, for a trace whose
        inputs are block inputs, parameters and constants only. A parameter's context is
        checked as `data(ctx)` checks it, once per `_ctx_list` it has (arrays are all on
        cpu(0) here)."""
        datas: List[np.ndarray] = []
        in_values: Optional[list] = [] if recording else None
        traced = False
        checked = self._ctx_checked
        for (kind, what), v in zip(self.sources, self.graph.inputs):
            if kind == "input":
                a = args[what]
            elif kind == "param":
                arrs = what._data
                if arrs is not None and len(arrs) == 1 and checked.get(what) is what._ctx_list:
                    a = arrs[0]
                else:
                    a = what.data(args[0].context if args else None)  # (raises if absent)
                    if len(what._data) == 1:
                        checked[what] = what._ctx_list
            else:
                datas.append(what)
                if recording:
                    in_values.append(TracedValue(v.type, None, what))
                continue
            d = a._data
            datas.append(d)
            if recording:
                value = a._value
                if value is None:
                    value = TracedValue(v.type, None, d)
                else:
                    traced = True
                in_values.append(value)
        return datas, in_values if traced else None

    def run(self, args: Sequence[NDArray], cls: Any) -> List[NDArray]:
        """Run the plan on `args`; record one `_CachedOp` node when recording."""
        drawn, self.first_call = self.first_call, None
        if drawn is None and self._plain_sources:
            datas, in_values = self._bind(args, STATE.recording)
        else:
            datas = self.datas(args, drawn)
            in_values = self._in_values(args, datas) if STATE.recording else None
        graph = self.lowered if in_values is None else self.region
        pinned = _pinned(graph, drawn) if drawn else None
        if pinned is not None:  # the first call: the trace's draws are inputs
            (plan, order), extra = self._compile(pinned[0]), pinned[1]
            datas = datas + extra
        elif in_values is None:
            plan, order = self._plain
        else:
            if self._recorded is None:
                self._recorded = self._compile(self.region)
            plan, order = self._recorded
        results = plan.run([datas[i] for i in order])
        n = len(graph.outputs)
        outs = []
        for r, want in zip(results[:n], self._dtypes[in_values is not None]):
            if r.dtype is not want and r.dtype != want:
                r = r.astype(want)
            outs.append(r)
        values = None
        if in_values is not None:
            values = record(CACHED_OP, in_values, self._region_types, outs, {}, self.region)
            hide(values[len(self.graph.outputs):])
            for (_, mean, var, momentum, axis), x in zip(self.bn_updates, results[n:]):
                defer(values[0].node, moving_stats_update(
                    mean.data()._data, var.data()._data, x, momentum, axis))
        arrays = []
        for i in range(len(self.graph.outputs)):
            a = cls.__new__(cls)
            a._data = outs[i]
            a._value = values[i] if values is not None else None
            arrays.append(a)
        if self.repeats:  # a value returned twice is one array, as in the eager forward
            arrays = [arrays[i] for i in self.repeats]
        return arrays


def residuals(graph: Graph) -> List[Value]:
    """The intermediate values of `graph` (not outputs) that its gradient with respect to
    every input reads, in order: what a recorded call keeps for backward (JAX's
    residuals). The others die during the forward, whose buffers the plan may then reuse
    in place; a gradient that needs one anyway (of higher order) recomputes it from the
    region. A graph that cannot be differentiated keeps every intermediate value."""
    outs = set(graph.outputs)
    inter = list(dict.fromkeys(v for n in graph.nodes for v in n.outputs if v not in outs))
    try:
        joint = grad_pass(graph, head_grads="input")
    except NonDifferentiableError:
        return inter
    read = {v for n in joint.nodes[len(graph.nodes):] for v in n.inputs}
    read.update(joint.outputs)
    return [v for v in inter if v in read]


def _pinned(graph: Graph, drawn: Dict[Value, np.ndarray]) -> Optional[Tuple[Graph, list]]:
    """`graph` with each random node replaced by an input bound to the value the trace
    drew for it, and those values; None when it has no random node (or one whose draw is
    unknown)."""
    random = [n for n in graph.nodes if "random" in get_op(n.op).effects]
    outs = [v for n in random for v in n.outputs]
    if not outs or any(v not in drawn for v in outs):
        return None
    nodes = [n for n in graph.nodes if n not in set(random)]
    return (Graph(graph.name, list(graph.inputs) + outs, nodes, graph.outputs),
            [drawn[v] for v in outs])


def remember(cache: Dict[Any, Traced], key: Any, traced: Traced) -> None:
    """Keep `traced` under `key`, dropping the oldest signature past MAX_TRACES (inputs
    whose shapes keep changing would otherwise keep every plan alive)."""
    if len(cache) >= MAX_TRACES:
        del cache[next(iter(cache))]
    cache[key] = traced


def trace(block: Any, args: Sequence[Any], fmt: Any, regroup: Any, flatten: Any) -> Traced:
    """Trace `block` on the flat inputs `args` (nested as `fmt`) into a `Traced`."""
    training = autograd.is_training()
    leaves = [_leaf(a) if a is not None else None for a in args]
    saved_tape, saved_params = STATE.tape, TRACE.params
    TRACE.params = {}
    samples: Dict[Any, Any] = {}
    saved_observer = _random.set_sample_observer(_sample_observer(block, samples))
    reads = host_reads.count()
    try:
        with autograd.pause():
            # traced once per signature: its nodes always keep their user line
            with autograd.record(train_mode=training), source_lines(), \
                    host_reads.tracing_graph():
                out = block._eager_forward(*regroup(leaves, fmt))
                try:
                    flat_out, out_fmt = flatten(out, "output")
                except ValueError:
                    raise MXNetError("hybridize: %s (%s) returned %r; a hybridized block "
                                     "returns NDArrays (or nested lists of them)"
                                     % (block.name, type(block).__name__, out)) from None
        param_leaves = TRACE.params
    finally:
        STATE.tape, TRACE.params = saved_tape, saved_params
        _random.set_sample_observer(saved_observer)
    heads = []
    for o in flat_out:
        if not isinstance(o, NDArray):
            raise MXNetError("hybridize: %s returned a %s; a hybridized block must return "
                             "NDArrays" % (block.name, type(o).__name__))
        v = o._value
        heads.append(v if v is not None else TracedValue(
            TensorType.get(o._data.shape, o._data.dtype), None, o._data))
    col = Collected(heads)
    if any(n.op in ("_CustomFunction",) for n in col.nodes):
        raise MXNetError("hybridize: %s calls an autograd.Function, which cannot be traced "
                         "into a graph; call the block without hybridize()" % block.name)
    traced = _build(block, col, leaves, param_leaves, out_fmt, samples)
    traced.value_dependent = host_reads.count() != reads
    return traced


def _sample_observer(block: Any, samples: Dict[Any, Any]) -> Any:
    """While tracing: each random sample the forward draws becomes a leaf of the trace,
    bound at every call to a fresh draw (`samples`: its value -> the redraw function)."""
    def observe(array: NDArray, redraw: Any, params: Sequence[Any]) -> None:
        if any(getattr(p, "_value", None) is not None for p in params):
            raise MXNetError(
                "hybridize: %s (%s) draws random numbers whose distribution parameters are "
                "computed from its inputs or parameters; such samplers cannot be traced. "
                "Call the block without hybridize(), or draw with constant parameters and "
                "transform the sample (e.g. loc + scale * F.random.normal(...))"
                % (block.name, type(block).__name__))
        value = TracedValue(TensorType.get(array._data.shape, array._data.dtype), None,
                            array._data)
        array._value = value
        samples[value] = redraw
    return observe


def _build(block: Any, col: Collected, leaves: List[Any], param_leaves: Dict[Any, NDArray],
           out_fmt: Any, samples: Dict[Any, Any]) -> Traced:
    by_value: Dict[Any, Tuple[str, Any]] = {v: ("random", r) for v, r in samples.items()}
    real = [a for a in leaves if a is not None]
    for k, a in enumerate(real):
        by_value[a._value] = ("input", k)
    for p, a in param_leaves.items():
        by_value[a._value] = ("param", p)
    by_buffer = {}
    for p in block.collect_params().values():
        if p._data is not None:
            for d in p._data:
                by_buffer[id(d._data)] = p
    masks = {}
    for n in col.nodes:
        if n.op == "Dropout":
            masks[n.inputs[1]] = (float(n.attrs["p"]), tuple(n.attrs.get("axes") or ()),
                                  n.inputs[1].type)
    clone = {v: Value(v.type, v.hint) for v in col.values}
    sources, inputs = [], []
    counts: Dict[str, int] = {}
    for v in col.leaves:
        if v in by_value:
            src = by_value[v]
        elif v in masks:
            src = ("mask", masks[v])
        elif v.data is not None and id(v.data) in by_buffer:
            src = ("param", by_buffer[id(v.data)])
        else:
            src = ("const", v.data)
        sources.append(src)
        hint = _hint(src, len(real), counts)
        new = Value(v.type, hint)
        clone[v] = new
        inputs.append(new)
    nodes = [Node(n.op, [clone[v] for v in n.inputs], [clone[v] for v in n.outputs], n.attrs,
                  n.region, n.meta) for n in col.nodes]
    graph = Graph(block.name, inputs, nodes, [clone[h] for h in col.heads])
    drawn = {v: leaf.data for v, s, leaf in zip(inputs, sources, col.leaves)
             if s[0] in ("mask", "random")}
    for n in col.nodes:  # what the trace's random nodes drew
        if "random" in get_op(n.op).effects:
            drawn.update((clone[v], v.data) for v in n.outputs if v.data is not None)
    return compile_traced(block.name, graph, sources, out_fmt, drawn)


def compile_traced(name: str, graph: Graph, sources: List[Tuple[str, Any]], out_fmt: Any,
                   drawn: Optional[Dict[Value, np.ndarray]] = None) -> Traced:
    """A `Traced` from a graph and the source of each of its inputs (the region passes
    run first; `drawn`: what the tracing call drew, by input value or random node output,
    reused by its own run)."""
    kept = dict(zip(graph.inputs, sources))
    graph = PassManager(REGION_PASSES, verify=False).run(graph)
    sources = [kept[v] for v in graph.inputs]
    bn = []
    source_of = dict(zip(graph.inputs, sources))
    for n in graph.nodes:
        a = n.attrs
        if n.op == "BatchNorm" and a.get("training") and not a.get("use_global_stats"):
            mean, var = source_of.get(n.inputs[3]), source_of.get(n.inputs[4])
            if mean and var and mean[0] == "param" and var[0] == "param":
                bn.append((n.inputs[0], mean[1], var[1], float(a["momentum"]), int(a["axis"])))
    return Traced(graph, sources, out_fmt, bn, name, drawn)


def _hint(src: Tuple[str, Any], n_inputs: int, counts: Dict[str, int]) -> str:
    kind, what = src
    if kind == "input":
        return "data" if n_inputs == 1 else "data%d" % what
    if kind == "param":
        return what.name
    k = counts.get(kind, 0)
    counts[kind] = k + 1
    return "%s%d" % (kind, k)
