"""Backward execution: collect the recorded graph, compile it once per structure, run it.

    heads ──collect──> forward Graph ──passes.grad──> joint Graph
          ──residualize (forward values are known) ──> pipeline ──> runtime Plan

Compiled results are cached by the structural key computed while collecting, so the
second iteration of a training loop runs no pass at all.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..ir import Graph, Node, Value
from ..ir.errors import ExecutionError, MXNetError
from .. import passes as _passes_pkg  # noqa: F401  (tapegraph.passes)
from ..passes import PassManager, grad as grad_pass, residualize, parse_pipeline
from ..runtime import PLAN_CACHE, Plan
from ..trace.tape import STATE
from ..trace.values import TracedValue, VariableValue
from ..accel.gc_pause import _gc_state, pause_gc, resume_gc
from ..accel.lazy import phase, shape_dtype
from ..trace.collect import Collected, collect
from ..trace.invoke import dtype_name
from .replay import RegionRecorder, Replay, record_gradients as _record
from .on_backward import run_deferred
from ..base import NOT_IN_GRAPH

FREED_GRAPH = ("The graph that computed head %d was freed by an earlier backward: pass "
               "retain_graph=True to that backward to differentiate the graph again.")

# The pipeline applied after `grad` + `residualize`. Users can change it globally with
# `set_default_pipeline` or per call (autograd.backward/grad's `pipeline=`).
DEFAULT_PIPELINE = ["pool-grad-first", "dce", "cse", "simplify", "fold", "simplify", "cse", "dce",
                    "prune-inputs", "fuse", "plan-memory"]
# Passes of the pipeline that run on the joint forward + backward graph, before forward
# values become inputs (`pool-grad-first` makes the backward read a forward value it did
# not read).
JOINT_PASSES = ("pool-grad-first",)
# When the backward itself is recorded (create_graph) it becomes the region of one
# `_grad_region` node (tapegraph.autodiff.replay.RegionRecorder): the region is what users see as
# the recorded gradient computation once inlined (get_symbol), so it keeps operator-level
# nodes (no fusion) and `fold` is not run (it would turn a constant gradient into a
# constant, dropping the operators MXNet records). Of the pipeline, only these passes
# shape the region; RUN_PASSES then compile it for execution.
REPLAY_PIPELINE = ["dce", "cse", "simplify", "dce"]
RUN_PASSES = ("fuse", "plan-memory")


# Observers of every backward that runs (`tapegraph trace` records graphs with this).
# Each is called as `fn(heads, variables, joint, final, create_graph)` with the joint
# and final backward graphs bound to the recorded values. Empty list = no cost.
BACKWARD_OBSERVERS: List[Any] = []


def add_backward_observer(fn) -> Any:
    """Call `fn(heads, variables, joint, final, create_graph)` before each backward runs;
    returns a function that removes the observer."""
    BACKWARD_OBSERVERS.append(fn)
    return lambda: BACKWARD_OBSERVERS.remove(fn) if fn in BACKWARD_OBSERVERS else None


def set_default_pipeline(pipeline) -> List[Any]:
    """Set the passes run on every derived backward graph; returns the previous list."""
    global DEFAULT_PIPELINE
    previous = DEFAULT_PIPELINE
    DEFAULT_PIPELINE = _entries(pipeline)  # validated before changing anything
    return previous


def _entries(pipeline) -> List[Any]:
    """A pipeline (string "dce, grad{wrt=[1]}" or list) as entries: a pass name, or
    (name, options) for a pass given options."""
    if not isinstance(pipeline, str):
        parse_pipeline(pipeline)
        return list(pipeline)
    return [name if not options else (name, options)
            for name, options in parse_pipeline(pipeline)]


class Compiled:
    """A derived backward graph ready to run: `plan`, and for each graph input where its
    data comes from: `("v", i)` the i-th collected value, `("h", j)` the j-th head grad."""

    __slots__ = ("joint", "graph", "plan", "sources", "history", "values", "cacheable",
                 "computed_heads", "functions", "into_outputs")

    def __init__(self, joint: Graph, graph: Graph, sources, history, build_plan: bool,
                 values: Sequence[Value] = ()):
        self.values = tuple(values)  # the collected values' data-free stand-ins, in order
        # A graph calling autograd.Functions holds FunctionSlots where the recorded graph
        # held the instances; each run binds its own (tapegraph.autodiff.function.bound), so it is
        # cached like any other and pins no instance nor the tensors they saved.
        self.cacheable = True
        self.functions = any(n.op == "_CustomFunction" for n in joint.nodes)
        self.joint = joint
        self.graph = graph
        self.sources = sources
        self.history = history
        self.plan = Plan(graph) if build_plan else None
        # Heads whose values the graph also returns, after the gradients (see below).
        self.computed_heads: Tuple[int, ...] = ()
        # Gradient outputs a fused or dot kernel computes: they may go straight into their
        # buffers (kernels taking `out=`).
        self.into_outputs: Tuple[int, ...] = ()


def _pass_name(entry: Any) -> str:
    return entry if isinstance(entry, str) else entry[0]


def compile_backward(col: Collected, wrt: Sequence[int], head_specs: Sequence[str],
                     pipeline: Sequence[Any], build_plan: bool = True) -> Compiled:
    """Run the gradient pass and the pipeline on the collected graph.

    A head that is a pending reduction (tapegraph.accel.lazy: the loss of a chain on large
    arrays, never computed yet) is also an output of the graph, after the gradients: the
    fused kernel that recomputes the chain for the gradient adds it up in passing (a
    reduction epilogue), so reading the loss after backward computes nothing again.
    `Compiled.computed_heads` lists those heads."""
    fwd, stand_ins = col.detached()
    wrt_inputs = [col.leaves.index(col.values[i]) for i in wrt]
    derived = joint = grad_pass(fwd, wrt=wrt_inputs, head_grads=list(head_specs))
    joint_manager = PassManager([p for p in pipeline if _pass_name(p) in JOINT_PASSES],
                                verify=False)
    if joint_manager.pipeline:
        joint = joint_manager.run(joint)
        pipeline = [p for p in pipeline if _pass_name(p) not in JOINT_PASSES]
    # Forward values that exist become inputs; pending ones (tapegraph.accel.lazy) are
    # recomputed inside the backward graph, where fusion merges them with its kernels.
    known = [s for s, v in zip(stand_ins, col.values) if v.data is not None]
    manager = PassManager(pipeline, verify=False)
    residual = residualize(joint, known=known)
    computed = ()
    if build_plan:
        computed = tuple(j for j, h in enumerate(col.heads)
                         if h.node is not None and phase(h) == "scalar")
        residual = Graph(residual.name, residual.inputs, residual.nodes,
                         list(residual.outputs) + [fwd.outputs[j] for j in computed],
                         dict(residual.meta))
    final = manager.run(residual)
    index = {v: i for i, v in enumerate(stand_ins)}
    n_leaves = len(col.leaves)
    n_heads = joint.meta.get("num_head_inputs", 0)
    positions = [i for i, spec in enumerate(head_specs) if spec == "input"]
    head_inputs = {v: positions[j]
                   for j, v in enumerate(joint.inputs[n_leaves:n_leaves + n_heads])}
    sources = []
    for v in final.inputs:
        if v in head_inputs:
            sources.append(("h", head_inputs[v]))
        else:
            sources.append(("v", index[v]))
    compiled = Compiled(derived, final, tuple(sources), joint_manager.history + manager.history,
                        build_plan, stand_ins)
    compiled.computed_heads = computed
    if build_plan and not any(n.op.startswith("_Custom") for n in final.nodes):
        made_by = {v: n.op for n in final.nodes for v in n.outputs}
        grads = final.outputs[:len(final.outputs) - len(computed)]
        compiled.into_outputs = tuple(k for k, v in enumerate(grads)
                                      if made_by.get(v) in ("fused", "dot")
                                      and v.type.size >= INTO_MIN)
    return compiled


def bind_recorded(graph: Graph, compiled: Compiled, col: Collected) -> Graph:
    """`graph` (one of `compiled`'s) with its stand-in values replaced by the values
    recorded in `col`, so names and data of the current arrays apply to it."""
    mapping: Dict[Value, Value] = dict(zip(compiled.values, col.values))
    rebound: Dict[Node, Node] = {}

    def rebind(n: Node) -> Node:
        if n in rebound:
            return rebound[n]
        meta = n.meta
        src = meta.get("vjp_of") if meta else None
        if src is not None:
            meta = dict(meta, vjp_of=rebind(src))
        new = Node(n.op, [mapping.get(v, v) for v in n.inputs],
                   [mapping.get(v, v) for v in n.outputs], n.attrs,
                   rebind_graph(n.region) if n.region is not None else None, meta)
        rebound[n] = new
        return new

    def rebind_graph(g: Graph) -> Graph:  # regions too: their provenance names forward nodes
        return Graph(g.name, [mapping.get(v, v) for v in g.inputs],
                     [rebind(n) for n in g.nodes], [mapping.get(v, v) for v in g.outputs],
                     dict(g.meta))

    return rebind_graph(graph)


def _head_arrays(heads, head_grads) -> Tuple[Tuple[str, ...], List[Optional[np.ndarray]]]:
    if head_grads is None:  # the common case: ones for every head
        return ("ones",) * len(heads), [None] * len(heads)
    specs, arrays = [], []
    if len(head_grads) != len(heads):
        raise MXNetError("backward: got %d head gradients for %d heads"
                         % (len(head_grads), len(heads)))
    for i, (h, g) in enumerate(zip(heads, head_grads)):
        if g is None:
            specs.append("ones")
            arrays.append(None)
            continue
        if hasattr(g, "_data"):
            data = g._data
        else:
            try:
                data = np.asarray(g, dtype=shape_dtype(h)[1])
            except (TypeError, ValueError) as e:
                raise MXNetError("backward: head gradient %d (a %s) is not an array of numbers: "
                                 "%s" % (i, type(g).__name__, e)) from None
        if data.shape != h.shape:
            raise MXNetError("backward: head gradient %d has shape %s but head %d has shape %s"
                             % (i, data.shape, i, h.shape))
        specs.append("input")
        dtype = shape_dtype(h)[1]  # a pending head stays pending (tapegraph.accel.lazy)
        arrays.append(data if data.dtype == dtype else data.astype(dtype))
    return tuple(specs), arrays


def _prepare(heads, head_grads, variables, create_graph: bool, pipeline):
    """Validate the request and find (or build) its compiled backward graph."""
    if not heads:
        raise MXNetError("backward: no heads given (pass the arrays to differentiate)")
    head_values = []
    for i, h in enumerate(heads):
        if not hasattr(type(h), "_data"):  # (an instance's would compute a pending head)
            raise MXNetError("backward: head %d is a %s, not an NDArray"
                             % (i, type(h).__name__))
        v = h._value
        if v is not None and v.node is None and type(v) is TracedValue:
            raise MXNetError(FREED_GRAPH % i + " " + NOT_IN_GRAPH)
        if v is None or (v.node is None and type(v) is not VariableValue):
            raise MXNetError(NOT_IN_GRAPH)
        head_values.append(v)
    specs, head_data = _head_arrays(heads, head_grads)
    col = collect(head_values)
    if variables is None:
        wrt = [p for v, p in zip(col.leaves, col.leaf_positions())
               if type(v) is VariableValue and v.grad_req != "null"]
        if not wrt:
            if any(type(v) is VariableValue for v in col.leaves):
                raise MXNetError("Check failed: xs.size() > 0 (0 vs. 0) : There are no inputs "
                                 "in computation graph that require gradients.")
            raise MXNetError(NOT_IN_GRAPH)
    else:
        index = col.index_of()
        wrt = []
        for i, var in enumerate(variables):
            v = getattr(var, "_value", None)
            if type(v) is not VariableValue:
                raise MXNetError("Cannot differentiate with respect to the %d-th variable "
                                 "because it does not require gradient." % (i + 1))
            position = index.get(v)
            if position is None:
                raise MXNetError("Cannot differentiate with respect to the %d-th variable: it is "
                                 "not used in the computation of the heads." % (i + 1))
            wrt.append(position)
    if pipeline is None:
        pipeline = DEFAULT_PIPELINE
    elif isinstance(pipeline, str):
        pipeline = _entries(pipeline)
    steps = passes = tuple(pipeline)
    try:
        hash(passes)
    except TypeError:  # an entry with options: (name, {...})
        passes = tuple(map(str, passes))
    key = (col.key, tuple(wrt), specs, create_graph, passes)
    if create_graph:
        compiled = PLAN_CACHE.get_or_build(
            key, lambda: compile_recorded_backward(col, wrt, specs, list(steps)))
    else:
        compiled = PLAN_CACHE.get_or_build(
            key, lambda: compile_backward(col, wrt, specs, list(steps)))
    return col, wrt, head_data, compiled


def compile_recorded_backward(col: Collected, wrt: Sequence[int], head_specs: Sequence[str],
                              pipeline: Sequence[Any]) -> Compiled:
    """The backward for `create_graph=True`: its graph (the passes of REPLAY_PIPELINE
    found in `pipeline`) becomes a recorded `_grad_region`, run by a plan compiled with
    the RUN_PASSES found in `pipeline`. A backward that calls user code (an
    `autograd.Function`) is replayed operator by operator instead."""
    region_passes = [p for p in pipeline if p in REPLAY_PIPELINE]
    compiled = compile_backward(col, wrt, head_specs, region_passes, build_plan=False)
    _drop_unused_inputs(compiled, col, wrt)
    region = compiled.graph
    if any(n.op == "_CustomFunctionBackward" for n in region.nodes):
        compiled.plan = Replay(region)
    else:
        run_passes = [p for p in pipeline if p in RUN_PASSES]
        compiled.plan = RegionRecorder(_canonical_region(region),
                                       Plan(PassManager(run_passes, verify=False).run(region)))
    return compiled


# One Graph object per region structure: recorded regions are part of cache keys, and
# keys compare a region by identity first. Without this, a region compiled again (after
# a plan-cache eviction) would be compared structurally, from scratch, on every lookup.
_REGIONS: Dict[tuple, Graph] = {}
_REGIONS_MAX = 4096


def _canonical_region(region: Graph) -> Graph:
    key = region.structure()
    found = _REGIONS.get(key)
    if found is None:
        if len(_REGIONS) >= _REGIONS_MAX:
            _REGIONS.clear()
        found = _REGIONS[key] = region
    return found


def _drop_unused_inputs(compiled: Compiled, col: Collected, wrt: Sequence[int]) -> None:
    """Keep as inputs of the recorded region only what it reads, the variables it
    differentiates with respect to and the heads it differentiates: a gradient is a
    function of those (a constant one too, so a later backward through it gives zeros, as
    in MXNet), and the recorded graph does not reach back into other forward values. (A
    head as input also keeps the recorded graph one piece: every node recorded so far is
    an ancestor of what follows, so the tape describes it, see tapegraph.trace.collect.)"""
    graph = compiled.graph
    used = set(graph.outputs)
    for n in graph.nodes:
        used.update(n.inputs)
    keep_values = set(wrt)
    index = col.index_of()
    keep_values.update(index[h] for h in col.heads)
    keep = [i for i, (v, src) in enumerate(zip(graph.inputs, compiled.sources))
            if v in used or (src[0] == "v" and src[1] in keep_values)]
    if len(keep) == len(graph.inputs):
        return
    compiled.graph = Graph(graph.name, [graph.inputs[i] for i in keep], graph.nodes,
                           graph.outputs, dict(graph.meta))
    compiled.sources = tuple(compiled.sources[i] for i in keep)


def compile_for(heads, variables, head_grads=None, pipeline=None) -> Compiled:
    """The compiled backward of `heads` w.r.t. `variables` (nothing runs, nothing is freed)."""
    return _prepare(heads, head_grads, variables, False, pipeline)[3]


def backward_graphs(heads, variables, head_grads=None, pipeline=None) -> Tuple[Graph, Graph]:
    """(joint, optimized) backward graphs of `heads` w.r.t. `variables`, over the values
    recorded for these arrays (nothing runs, nothing is freed)."""
    col, _, _, compiled = _prepare(heads, head_grads, variables, False, pipeline)
    return (bind_recorded(compiled.joint, compiled, col),
            bind_recorded(compiled.graph, compiled, col))


def run_backward(heads, head_grads, variables, retain_graph: bool, create_graph: bool,
                 train_mode: bool, pipeline=None):
    """See `_run_backward`; the cyclic collector is paused meanwhile (the recorded graph
    is walked and freed here, see `_tape.PAUSE_GC_WHILE_RECORDING`), unless an open
    `record()` scope already paused it, or the heads' graph is a small tape (read off,
    not walked: there is nothing for a collection to slow down)."""
    if _gc_state["paused"] or _small_tape(heads):
        return _run_backward(heads, head_grads, variables, retain_graph, create_graph,
                             train_mode, pipeline)
    pause_gc()
    try:
        return _run_backward(heads, head_grads, variables, retain_graph, create_graph,
                             train_mode, pipeline)
    finally:
        resume_gc()


SMALL_TAPE = 1 << 12  # values


def _small_tape(heads) -> bool:
    value = getattr(heads[0], "_value", None) if heads else None
    tape = getattr(value, "tape", None)
    return tape is not None and tape.clean and len(tape.values) < SMALL_TAPE


def _run_backward(heads, head_grads, variables, retain_graph: bool, create_graph: bool,
                  train_mode: bool, pipeline=None):
    """Differentiate `heads`. With `variables` None, gradients go into the marked
    variables' buffers (autograd.backward); otherwise they are returned (autograd.grad).

    Validates everything before changing any state: on error, gradient buffers, the
    recorded graph and the recording flags are as they were.
    """
    col, wrt, head_data, compiled = _prepare(heads, head_grads, variables, create_graph,
                                             pipeline)
    if BACKWARD_OBSERVERS:
        joint = bind_recorded(compiled.joint, compiled, col)
        final = bind_recorded(compiled.graph, compiled, col)
        for fn in list(BACKWARD_OBSERVERS):
            fn(heads, variables, joint, final, create_graph)
    previous_training, previous_functions = STATE.training, STATE.functions
    STATE.training = bool(train_mode)
    if compiled.functions:
        STATE.functions = col.functions()
    try:
        if create_graph:
            grads = _record(compiled, col, heads, head_grads, head_data)
        else:
            inputs = [col.values[i].data if kind == "v" else head_data[i]
                      for kind, i in compiled.sources]
            into = (_grad_buffers(compiled, col, wrt, inputs)
                    if variables is None and compiled.into_outputs else None)
            grads = _run_plan(compiled.plan, inputs, into)
    finally:
        STATE.training = previous_training
        STATE.functions = previous_functions
    if compiled.computed_heads:  # pending heads the kernel computed in passing
        n = len(grads) - len(compiled.computed_heads)
        for j, data in zip(compiled.computed_heads, grads[n:]):
            col.heads[j].data = data
        grads = grads[:n]
    run_deferred(col.nodes, keep=retain_graph or create_graph)
    if not retain_graph and not create_graph:
        # With create_graph the new gradient graph reads the forward values: cutting
        # them from their graph would silently zero every higher-order term through them.
        col.free()
    if variables is not None:
        return grads
    for i, g in zip(wrt, grads):
        var = col.values[i]
        buf = var.grad._data
        if g is buf:  # the plan's kernel wrote or added it there (see _grad_buffers)
            pass
        elif var.grad_req == "add":
            buf += g
        else:
            np.copyto(buf, g, casting="unsafe")
        var.fresh = True
    return None


# Gradients of at least this many elements are written straight into their buffers.
INTO_MIN = 1 << 16


def _grad_buffers(compiled: Compiled, col: Collected, wrt, inputs) -> Optional[tuple]:
    """`(into, add)` for Plan.run: per gradient output of the plan, the gradient buffer its
    fused or dot kernel may write into ('write') or add to ('add'), saving a pass over
    memory and an allocation: for large gradients whose buffer has exactly the gradient's type and
    shares no memory with an input of the plan. None if there is none. Never for a plan
    running user code (`Compiled.into_outputs` is empty): a failure after the write would
    leave the buffer changed."""
    if not compiled.into_outputs:
        return None
    into: List[Optional[np.ndarray]] = [None] * len(wrt)
    add = [False] * len(wrt)
    outputs = compiled.graph.outputs
    for k in compiled.into_outputs:
        var = col.values[wrt[k]]
        b, t = var.grad._data, outputs[k].type
        if (b.shape == t.shape and dtype_name(b.dtype) == t.dtype and b.flags.c_contiguous
                and b.flags.writeable and not _shares_memory(b, inputs)):
            into[k] = b
            add[k] = var.grad_req == "add"
    return (into, add) if any(b is not None for b in into) else None


def _shares_memory(b: np.ndarray, inputs: Sequence[Any]) -> bool:
    """Whether `b` may share memory with one of `inputs` (arrays owning their memory, base
    None, are distinct allocations unless they are the same array: no bounds check)."""
    own = b.base is None
    for a in inputs:
        if a is b:
            return True
        if own and type(a) is np.ndarray and a.base is None:
            continue
        if np.may_share_memory(b, a):
            return True
    return False


# Set by mx.profiler while it runs: `PLAN_OBSERVER(plan, inputs, into)` runs the plan as
# Plan.run(inputs, *into) would (`into`: None or Plan.run's `into` and `add`).
PLAN_OBSERVER = None


def _run_plan(plan, inputs, into=None):
    """Run `plan` (`into`: None or Plan.run's `into` and `add`); an exception raised by
    user code (a Function's backward) reaches the caller as itself, not wrapped, with a
    note saying where it was raised."""
    try:
        if PLAN_OBSERVER is not None:  # mx.profiler is running
            return PLAN_OBSERVER(plan, inputs, into)
        return plan.run(inputs) if into is None else plan.run(inputs, *into)
    except ExecutionError as e:
        cause = e.__cause__
        if cause is not None and getattr(cause, "_tg_user_code", False):
            raise cause from None
        raise
