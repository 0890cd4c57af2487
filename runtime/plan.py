"""Execution plans: a graph lowered to a flat schedule of kernel calls over slots.

Each value gets a slot; each step calls one kernel on slots and writes its outputs to
slots; after a value's last use its slot is cleared so NumPy can free (or reuse) the
buffer, as NNVM's PlanMemory does.

A plan run more than once runs generated straight-line Python (one function per plan,
`Plan.source`) instead of interpreting `steps`; see `Plan`.
"""
from __future__ import annotations

import functools
import re
import sys
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..ir import REGISTRY, ExecutionError, Graph, Value, format_node
from ..ir.printer import Namer

Step = Tuple[Callable, Tuple[int, ...], Tuple[int, ...], Tuple[int, ...], int, Optional[tuple]]

# A donated buffer is written in place only if nothing but the plan holds it. The count
# `getrefcount` then gives is measured, not assumed (`_interpreter_refs`, `_local_refs`):
# CPython versions differ in which references they count.
# In generated code a slot is a local variable; the count it gives when nothing else
# holds the array is measured once (`_local_refs`; CPython versions differ).
_CANDIDATE = "%s if getrefcount(%s) <= OWN_REFS else None"
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

# Kernel builders for nodes that the registry cannot run directly (e.g. fused groups):
# op name -> function(node) -> callable(*arrays) returning an array or a tuple.
LOWERINGS: Dict[str, Callable] = {}


class MatrixProduct:
    """The kernel of a `dot` node that may write its result into a given buffer (as
    fused kernels do): a weight gradient then goes straight into its gradient buffer
    (Plan.run(into=)), saving a copy and an allocation of the whole matrix per step."""

    takes_out = True  # Plan.run(into=...) may bind output buffers

    def __init__(self, node):
        self.kernel = REGISTRY.get(node.op).kernel
        self.attrs = dict(node.attrs)
        ta, tb = self.attrs["transpose_a"], self.attrs["transpose_b"]
        a, b = (v.type for v in node.inputs)
        self.matrices = a.ndim == 2 and b.ndim == 2  # np.dot(out=) computes exactly that
        self.transposes = (ta, tb)
        # Called without `out=`, a matrix (or matrix-vector) product is one np.dot: the
        # generated plan code calls `direct` instead (see `direct_kernel`).
        self.direct = None
        if 0 < a.ndim <= 2 and 0 < b.ndim <= 2 and a.ndim + b.ndim > 2:
            self.direct = _transposed_dot(ta and a.ndim == 2, tb and b.ndim == 2)

    def __call__(self, a: np.ndarray, b: np.ndarray, out=None, add=None) -> np.ndarray:
        buf = out[0] if out is not None else None
        if buf is None or not self.matrices:
            return self.kernel(a, b, **self.attrs)
        ta, tb = self.transposes
        a, b = (a.T if ta else a), (b.T if tb else b)
        if add and add[0]:
            buf += np.dot(a, b)
        else:
            np.dot(a, b, out=buf)
        return buf


LOWERINGS["dot"] = MatrixProduct


def _transposed_dot(ta: bool, tb: bool) -> Callable:
    """np.dot of the operands transposed as flagged (np.dot itself when neither is)."""
    if ta and tb:
        return lambda a, b: np.dot(a.T, b.T)
    if ta:
        return lambda a, b: np.dot(a.T, b)
    if tb:
        return lambda a, b: np.dot(a, b.T)
    return np.dot


def direct_kernel(fn: Callable) -> Callable:
    """What a plan step calls when it binds no output buffer: the kernel's `direct`
    form when it has one (a fused kernel's straight-line code, a product's np.dot),
    saving the dispatch of `__call__`; else the kernel itself."""
    return getattr(fn, "direct", None) or fn


def bind_kernel(node) -> Callable:
    """A callable running `node` on arrays: its lowering, or its kernel with attrs bound."""
    lower = LOWERINGS.get(node.op)
    if lower is not None:
        return lower(node)
    opdef = REGISTRY.get(node.op)
    if node.attrs:
        return functools.partial(opdef.kernel, **node.attrs)
    return opdef.kernel


class Plan:
    """A compiled graph: `plan.run(arrays)` returns the output arrays.

    `steps` is the schedule: (kernel, input slots, output slots, slots to free, node index,
    donations). When `graph.meta["memory_plan"]` (from the `plan-memory` pass) lets a node
    write an output into an input's buffer, `donations` gives the input position per
    output; the buffer is used only if, at run time, no one else references it.

    The first run interprets `steps`. From the second on (after `compile_after` runs), a
    plan of at most `max_compiled_steps` steps runs one generated Python function doing
    the same calls in straight-line code, slots being local variables (deleted where the
    interpreter clears them, so buffers die as early). `print(plan.source)` shows that
    code (None for a plan interpreted for its size). Larger plans stay interpreted: the
    per-step overhead matters less there, and compiling huge functions is slow (about
    50 us per step). The code is generated from `steps` as they are at that time.
    """

    compile_after = 1          # interpreted runs before the code is generated
    max_compiled_steps = 1000  # larger plans are always interpreted

    def __init__(self, graph: Graph):
        self.graph = graph
        slot: Dict[Value, int] = {}
        for v in graph.inputs:
            slot.setdefault(v, len(slot))
        for n in graph.nodes:
            for v in n.outputs:
                slot[v] = len(slot)
        self.num_slots = len(slot)
        self._out_types = {slot[v]: v.type for n in graph.nodes for v in n.outputs}
        self.input_slots = tuple(slot[v] for v in graph.inputs)
        self.output_slots = tuple(slot[v] for v in graph.outputs)
        last_use: Dict[int, int] = {}
        for k, n in enumerate(graph.nodes):
            for v in n.inputs:
                last_use[slot[v]] = k
        keep = set(self.output_slots)
        frees: Dict[int, List[int]] = {}
        for s, k in last_use.items():
            if s not in keep:
                frees.setdefault(k, []).append(s)
        memory_plan = graph.meta.get("memory_plan")
        donations = getattr(memory_plan, "donations", None) or {}
        steps: List[Step] = []
        for k, n in enumerate(graph.nodes):
            donate = donations.get(n)
            kernel = bind_kernel(n)
            if donate and not getattr(kernel, "writes_out", True):
                donate = None  # it would not write into the donated buffers
            steps.append((kernel, tuple(slot[v] for v in n.inputs),
                          tuple(slot[v] for v in n.outputs), tuple(frees.get(k, ())), k,
                          tuple(donate) if donate else None))
        self.steps = steps
        self.memory_plan = memory_plan
        self._hits = [0]  # in-place reuses (a list: the generated code counts there too)
        self._runs = 0
        self._fn: Optional[Callable] = None
        self._source: Optional[str] = None
        self._into_steps: Tuple[int, ...] = ()  # steps the generated code takes as kernels

    @property
    def inplace_hits(self) -> int:
        """How many donated buffers were written in place (over all runs)."""
        return self._hits[0]

    @inplace_hits.setter
    def inplace_hits(self, n: int) -> None:
        self._hits[0] = n

    def run(self, inputs: Sequence[np.ndarray],
            into: Optional[Sequence[Optional[np.ndarray]]] = None,
            add: Sequence[bool] = ()) -> List[np.ndarray]:
        """Execute with `inputs` in the order of `graph.inputs`.

        `into` may give, per graph output, an array the step computing that output writes
        it into (a kernel taking `out=`, such as a fused kernel, without donations), e.g.
        a gradient buffer; or adds it to, for the outputs whose `add` flag is true. Check
        the returned arrays: an output returned as its `into` array was written there."""
        fn = self._fn
        if fn is None:
            fn = self._prepare()
            if fn is None:
                return self._interpret(inputs, into, add)
        if into is None or not self._into_steps:
            return fn(inputs)
        return fn(inputs, *self._into_kernels(into, add))

    @property
    def source(self) -> Optional[str]:
        """The Python source of the generated function (None when the plan has more than
        `max_compiled_steps` steps: it is interpreted)."""
        if self._source is None and len(self.steps) <= self.max_compiled_steps:
            self._source, self._into_steps = _plan_source(self)
        return self._source

    def _prepare(self) -> Optional[Callable]:
        """The generated function, compiled on the run after `compile_after` ones; None
        while the plan is interpreted."""
        self._runs += 1
        if self._runs <= self.compile_after:
            return None
        source = self.source
        if source is None:
            return None
        namespace = {"ndarray": np.ndarray, "asarray": np.asarray, "graph": self.graph,
                     "getrefcount": sys.getrefcount, "OWN_REFS": _local_refs(),
                     "node_error": _node_error, "arity_error": _arity_error}
        for fn, ins, outs, frees, k, donate in self.steps:
            namespace["k%d" % k] = fn if donate is not None else direct_kernel(fn)
            if donate is not None:
                namespace["d%d" % k] = _donor([self._out_types[s] for s in outs], self._hits)
        self._fn = _define(source, "<plan>", namespace)["run"]
        return self._fn

    def _into_kernels(self, into: Sequence[Optional[np.ndarray]], add: Sequence[bool]
                      ) -> List[Callable]:
        """The kernels of `_into_steps` for the generated function, bound as in
        `_steps_into`."""
        dest, adding = self._destinations(into, add)
        kernels = []
        for j in self._into_steps:
            fn, ins, outs = self.steps[j][:3]
            kernels.append(_bound_into(fn, outs, dest, adding) or direct_kernel(fn))
        return kernels

    def _destinations(self, into: Sequence[Optional[np.ndarray]], add: Sequence[bool]):
        """`(slot -> array to write into, slots whose array is added to)` for `run`."""
        dest = {s: a for s, a in zip(self.output_slots, into) if a is not None}
        adding = {s for s, flag in zip(self.output_slots, add) if flag and s in dest}
        return dest, adding

    def _interpret(self, inputs: Sequence[np.ndarray],
                   into: Optional[Sequence[Optional[np.ndarray]]] = None,
                   add: Sequence[bool] = ()) -> List[np.ndarray]:
        """`run` by walking `steps` (the first run, and plans too large to compile)."""
        if len(inputs) != len(self.input_slots):
            raise _arity_error(self.graph, len(self.input_slots), inputs)
        env: List = [None] * self.num_slots
        for s, a in zip(self.input_slots, inputs):
            env[s] = a
        for fn, ins, outs, frees, k, donate in (self.steps if into is None
                                                 else self._steps_into(into, add)):
            try:
                args = [env[i] for i in ins]
                if donate is None:
                    r = fn(*args)
                else:
                    r = fn(*args, out=self._buffers(env, ins, outs, donate, args))
            except Exception as e:
                raise self._error(k, e) from e
            if len(outs) == 1:
                env[outs[0]] = r if type(r) is np.ndarray else np.asarray(r)
            else:
                for s, part in zip(outs, r):
                    env[s] = part if type(part) is np.ndarray else np.asarray(part)
                part = None
            r = None  # hold no reference the in-place check would count
            for s in frees:
                env[s] = None
        return [env[s] for s in self.output_slots]

    def _steps_into(self, into: Sequence[Optional[np.ndarray]], add: Sequence[bool]
                    ) -> List[Step]:
        """`steps`, with the kernels computing an output given in `into` bound to it."""
        dest, adding = self._destinations(into, add)
        steps = list(self.steps)
        for j, (fn, ins, outs, frees, k, donate) in enumerate(steps):
            if donate is None and getattr(fn, "takes_out", False):
                bound = _bound_into(fn, outs, dest, adding)
                if bound is not None:
                    steps[j] = (bound, ins, outs, frees, k, donate)
        return steps

    def _buffers(self, env: List, ins, outs, donate, args) -> Optional[list]:
        """Output buffers for a step with donations: the donated input arrays that only
        the plan references (so writing over them is invisible), else fresh arrays."""
        buffers = []
        reused = 0
        for j, pos in enumerate(donate):
            a = None
            if pos is not None:
                cand = env[ins[pos]]
                if (type(cand) is np.ndarray and cand.flags.owndata and cand.flags.writeable
                        and cand.flags.c_contiguous
                        and sys.getrefcount(cand) <= _interpreter_refs()):
                    a = cand
                    reused += 1
            if a is None:
                t = self._out_types[outs[j]]
                a = np.empty(t.shape, t.dtype)
            buffers.append(a)
        self._hits[0] += reused
        return buffers

    def _error(self, k: int, e: Exception) -> ExecutionError:
        return _node_error(self.graph, k, e)


def _bound_into(fn: Callable, outs, dest: Dict[int, np.ndarray], adding) -> Optional[Callable]:
    """Kernel `fn` (taking `out=`, `add=`) bound to write, or add, the outputs `dest` gives
    an array for; None when it computes none of them."""
    if not any(s in dest for s in outs):
        return None
    fn = functools.partial(fn, out=[dest.get(s) for s in outs])
    if any(s in adding for s in outs):
        fn = functools.partial(fn, add=[s in adding for s in outs])
    return fn


def _node_error(graph: Graph, k: int, e: Exception) -> ExecutionError:
    """The error of a failure in node `k` of `graph`, naming the node."""
    namer = Namer()
    for i, v in enumerate(graph.inputs):
        namer.input(v, i)
    line = ""
    for j, n in enumerate(graph.nodes):
        text = format_node(n, namer)
        if j == k:
            line = text
            break
    return ExecutionError("%s: %s\n  while executing: %s" % (type(e).__name__, e, line))


def _arity_error(graph: Graph, expected: int, inputs: Sequence) -> ExecutionError:
    return ExecutionError("plan of graph %s takes %d inputs, got %d"
                          % (graph.name, expected, len(inputs)))


def _plan_source(plan: Plan) -> Tuple[str, Tuple[int, ...]]:
    """The source of `run(inputs, *into_kernels)` for `plan`, and the steps whose kernels
    are parameters (those `Plan.run(into=)` may bind to output buffers); the others are
    globals `k<step>`, donation helpers `d<step>` (see `_donor`). One `try` covers the
    steps (zero-cost in CPython 3.11+, and half the compile time of one per step); `step`
    tells the handler which node failed."""
    graph, steps = plan.graph, plan.steps
    outputs = set(plan.output_slots)
    into_steps = tuple(k for fn, ins, outs, frees, k, donate in steps
                       if donate is None and getattr(fn, "takes_out", False)
                       and any(s in outputs for s in outs))
    params = "".join(", k%d=k%d" % (k, k) for k in into_steps)
    n_in = len(plan.input_slots)
    lines = ["def run(inputs%s):" % params,
             "    if len(inputs) != %d: raise arity_error(graph, %d, inputs)" % (n_in, n_in)]
    if n_in:
        names = ", ".join("s%d" % s for s in plan.input_slots)
        lines.append("    %s = inputs" % (names + "," if n_in == 1 else names))
    if steps:
        lines.append("    try:")  # each step first sets `step`
    for (fn, ins, outs, frees, k, donate), node in zip(steps, graph.nodes):
        # No text of the graph reaches the source (it may come from untrusted IR text):
        # slot and step numbers, and the operator name if it is a plain word.
        lines.append("        # node %d%s" % (k, ": " + node.op if _WORD.match(node.op) else ""))
        args = ", ".join("s%d" % s for s in ins)
        targets = ", ".join("s%d" % s for s in outs)  # several outputs: unpacked
        if donate is None:
            lines.append("        step = %d; %s = k%d(%s)" % (k, targets, k, args))
        else:
            # Candidates are tested here, where only the local holds a dying buffer; a
            # slot read twice by the step is never written over (as in the interpreter).
            cands = []
            for pos in donate:
                s = None if pos is None else ins[pos]
                cands.append("None" if s is None or ins.count(s) > 1
                             else _CANDIDATE % ("s%d" % s, "s%d" % s))
            lines += ["        step = %d; o = d%d(%s)" % (k, k, ", ".join(cands)),
                      "        %s = k%d(%s, out=o)" % (targets, k, args),
                      "        o = None"]
        for s in outs:
            lines.append("        if type(s%d) is not ndarray: s%d = asarray(s%d)" % (s, s, s))
        if frees:
            lines.append("        del %s" % ", ".join("s%d" % s for s in frees))
    if steps:
        lines.append("    except Exception as e: raise node_error(graph, step, e) from e")
    lines.append("    return [%s]" % ", ".join("s%d" % s for s in plan.output_slots))
    return "\n".join(lines) + "\n", into_steps


def _donor(types: List, hits: List[int]) -> Callable:
    """A step's output buffers from the candidates the generated code passes (the donated
    input arrays no one else references, else None): each array NumPy lets us write
    over, else a fresh one. `hits[0]` counts the reuses."""
    def buffers(*cands):
        out = []
        for c, t in zip(cands, types):
            if (c is not None and type(c) is np.ndarray and c.flags.owndata
                    and c.flags.writeable and c.flags.c_contiguous):
                out.append(c)
                hits[0] += 1
            else:
                out.append(np.empty(t.shape, t.dtype))
        return out
    return buffers


def _refs_seen(env: List, ins, args) -> int:
    """What `Plan._buffers` sees for `env[ins[0]]`, an array held by `env` and `args`
    (the interpreter's slot list and the step's argument list): same access, same count."""
    cand = env[ins[0]]
    return sys.getrefcount(cand)


@functools.lru_cache(maxsize=None)
def _interpreter_refs() -> int:
    """The count `Plan._buffers` sees for a buffer only the interpreter holds; 0 (never
    write in place) unless one more holder is then seen."""
    env = [np.ndarray(1)]
    args = [env[0]]
    own = _refs_seen(env, (0,), args)
    held = env[0]  # a user's reference
    seen = _refs_seen(env, (0,), args)
    del held
    return own if seen > own else 0


@functools.lru_cache(maxsize=None)
def _local_refs() -> int:
    """What generated code's `getrefcount(s)` gives for an array only the local `s` holds;
    0 (never write in place) unless the `_CANDIDATE` test then passes, and fails once
    someone else also holds the array."""
    ns = _define("def count():\n    s = ndarray(1)\n    return getrefcount(s)\n"
                 "def probe(hold):\n    s = ndarray(1)\n    h = s if hold else None\n"
                 "    return " + _CANDIDATE % ("s", "s") + "\n", "<probe>",
                 {"getrefcount": sys.getrefcount, "ndarray": np.ndarray})
    own = ns["OWN_REFS"] = ns["count"]()
    return own if ns["probe"](False) is not None and ns["probe"](True) is None else 0


def execute(graph: Graph, inputs: Sequence[np.ndarray]) -> List[np.ndarray]:
    """Compile and run `graph` once (no caching). Inputs are checked against the graph's
    input types first (the engine's hot path, `Plan.run`, trusts its callers)."""
    if len(inputs) == len(graph.inputs):
        for i, (v, a) in enumerate(zip(graph.inputs, inputs)):
            shape, dtype = np.shape(a), getattr(a, "dtype", None)
            if shape != v.type.shape or (dtype is not None and dtype.name != v.type.dtype):
                raise ExecutionError("graph %s: input %d must be %s, got an array of shape %s "
                                     "and dtype %s" % (graph.name, i, v.type, shape, dtype))
    return Plan(graph).run(inputs)


def _define(source: str, filename: str, namespace: dict) -> dict:
    """Runs generated `source` (built from fixed templates and numbers only) in
    `namespace`, which it returns."""
    exec(compile(source, filename, "exec"), namespace)
    return namespace
