"""Execution plans: a graph lowered to a flat schedule of kernel calls over slots.

Each value gets a slot; each step calls one kernel on slots and writes its outputs to
slots; after a value's last use its slot is cleared so NumPy can free (or reuse) the
buffer, as NNVM's PlanMemory does.
"""
from __future__ import annotations

import functools
import sys
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..ir import REGISTRY, ExecutionError, Graph, Value, format_node
from ..ir.printer import Namer

Step = Tuple[Callable, Tuple[int, ...], Tuple[int, ...], Tuple[int, ...], int, Optional[tuple]]

# A donated buffer is written in place only if nothing but the plan holds it: the
# environment list, the argument list, a local name and getrefcount's own argument.
_OWN_REFS = 4

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
    """

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
        self.inplace_hits = 0

    def run(self, inputs: Sequence[np.ndarray],
            into: Optional[Sequence[Optional[np.ndarray]]] = None,
            add: Sequence[bool] = ()) -> List[np.ndarray]:
        """Execute with `inputs` in the order of `graph.inputs`.

        `into` may give, per graph output, an array the step computing that output writes
        it into (a kernel taking `out=`, such as a fused kernel, without donations), e.g.
        a gradient buffer; or adds it to, for the outputs whose `add` flag is true. Check
        the returned arrays: an output returned as its `into` array was written there."""
        if len(inputs) != len(self.input_slots):
            raise ExecutionError("plan of graph %s takes %d inputs, got %d"
                                 % (self.graph.name, len(self.input_slots), len(inputs)))
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
                for s, a in zip(outs, r):
                    env[s] = a if type(a) is np.ndarray else np.asarray(a)
                a = None
            r = None  # hold no reference the in-place check would count
            for s in frees:
                env[s] = None
        return [env[s] for s in self.output_slots]

    def _steps_into(self, into: Sequence[Optional[np.ndarray]], add: Sequence[bool]
                    ) -> List[Step]:
        """`steps`, with the kernels computing an output given in `into` bound to it."""
        dest = {s: a for s, a in zip(self.output_slots, into) if a is not None}
        adding = {s for s, flag in zip(self.output_slots, add) if flag and s in dest}
        steps = list(self.steps)
        for j, (fn, ins, outs, frees, k, donate) in enumerate(steps):
            if donate is None and getattr(fn, "takes_out", False) and any(
                    s in dest for s in outs):
                bound = functools.partial(fn, out=[dest.get(s) for s in outs])
                if any(s in adding for s in outs):
                    bound = functools.partial(bound, add=[s in adding for s in outs])
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
                        and cand.flags.c_contiguous and sys.getrefcount(cand) <= _OWN_REFS):
                    a = cand
                    reused += 1
            if a is None:
                t = self._out_types[outs[j]]
                a = np.empty(t.shape, t.dtype)
            buffers.append(a)
        self.inplace_hits += reused
        return buffers

    def _error(self, k: int, e: Exception) -> ExecutionError:
        namer = Namer()
        for i, v in enumerate(self.graph.inputs):
            namer.input(v, i)
        line = ""
        for j, n in enumerate(self.graph.nodes):
            text = format_node(n, namer)
            if j == k:
                line = text
                break
        return ExecutionError("%s: %s\n  while executing: %s" % (type(e).__name__, e, line))


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
