"""Recording a compiled backward graph (`create_graph=True`) without going through `invoke`:
`record_gradients` (called by the engine) picks one of the two recorders below.

`RegionRecorder` (the default) runs the backward graph's compiled plan once and records
ONE `_grad_region` node holding that graph as its region (see
tapegraph.ir.ops.regions): a later backward differentiates the region like any other
operator, and the recorded graph stays small. `Replay` is used when the backward calls
user code (an `autograd.Function`'s backward, which must itself run recorded).

For `Replay`, the backward graph's types and attributes are already known and checked,
so replaying it needs neither shape rules nor attribute completion per operator: it is
built once per compiled graph (and cached with it) as a flat list of steps, and running
it calls each kernel and appends one ordinary `Node` per operator to the recorded graph,
exactly the node `invoke` would have recorded (same op, completed attributes, inferred
types). A node is recorded only when one of its inputs is recorded, as `invoke` does; an
`autograd.Function`'s backward runs through the general path (it is user code).
"""
from __future__ import annotations

from typing import Any, Dict, List, Sequence

import numpy as np

from ..ir import Graph, TensorType, get_op
from ..accel.lazy import materialize
from ..ir.ops.regions import GRAD_REGION
from ..trace.builder import record, record1
from ..trace.values import TracedValue
from ..trace.tape import STATE
from .function import replay_node

_NO_ATTRS: Dict[str, Any] = {}


class RegionRecorder:
    """`RegionRecorder(region, plan)(in_values, datas, cls)`: run `plan` (the compiled
    form of `region`) on `datas`, record one `_grad_region` node reading `in_values`
    (the recorded values those arrays belong to) and return the output NDArrays."""

    __slots__ = ("region", "plan", "out_types", "out_dtypes")

    def __init__(self, region: Graph, plan):
        self.region = region
        self.plan = plan
        self.out_types = tuple(v.type for v in region.outputs)
        self.out_dtypes = tuple(np.dtype(t.dtype) for t in self.out_types)

    def __call__(self, in_values: Sequence[TracedValue], datas: Sequence[np.ndarray],
                 cls) -> List[Any]:
        results = self.plan.run(datas)
        if len(results) == 1:  # one gradient: the common case, without the loops below
            r, dt = results[0], self.out_dtypes[0]
            if r.dtype is not dt and r.dtype != dt:
                r = r.astype(dt)
            a = cls.__new__(cls)
            a._data = r
            a._value = record1(GRAD_REGION, tuple(in_values), self.out_types[0], r, _NO_ATTRS,
                               (), self.region)
            return [a]
        datas = []
        for r, dt in zip(results, self.out_dtypes):
            if r.dtype is not dt and r.dtype != dt:
                r = r.astype(dt)
            datas.append(r)
        out = []
        for r, v in zip(datas, record(GRAD_REGION, in_values, self.out_types, datas, _NO_ATTRS,
                                      self.region)):
            a = cls.__new__(cls)
            a._data = r
            a._value = v
            out.append(a)
        return out


class Replay:
    """`Replay(graph)(inputs, cls)`: run `graph` on NDArrays `inputs` (in the order of
    `graph.inputs`), recording it; returns the NDArrays of `graph.outputs`."""

    __slots__ = ("steps", "num_slots", "input_slots", "output_slots")

    def __init__(self, graph: Graph):
        slot: Dict[Any, int] = {}
        for v in graph.inputs:
            slot.setdefault(v, len(slot))
        steps = []
        for n in graph.nodes:
            ins = tuple(slot[v] for v in n.inputs)
            for v in n.outputs:
                slot[v] = len(slot)
            outs = tuple(slot[v] for v in n.outputs)
            if n.op == "_CustomFunctionBackward":
                steps.append((None, n, ins, outs, None, None))
                continue
            opdef = get_op(n.op)
            attrs = n.attrs
            if len(attrs) != len(opdef.attrs):
                attrs = opdef.complete_attrs(attrs)
            types = tuple(v.type for v in n.outputs)
            dtypes = tuple(np.dtype(t.dtype) for t in types)
            steps.append((opdef.kernel, n.op, ins, outs, (attrs, types), dtypes))
        self.steps = steps
        self.num_slots = len(slot)
        self.input_slots = tuple(slot[v] for v in graph.inputs)
        self.output_slots = tuple(slot[v] for v in graph.outputs)

    def __call__(self, inputs: Sequence[Any], cls) -> List[Any]:
        datas: List[Any] = [None] * self.num_slots
        values: List[Any] = [None] * self.num_slots
        arrays: List[Any] = [None] * self.num_slots  # NDArrays given or made, by slot
        for s, a in zip(self.input_slots, inputs):
            datas[s] = a._data
            values[s] = a._value
            arrays[s] = a
        for kernel, op, ins, outs, meta, dtypes in self.steps:
            if kernel is None:
                self._custom(op, ins, outs, datas, values, arrays, cls)
                continue
            attrs, types = meta
            args = [datas[i] for i in ins]
            result = kernel(*args, **attrs)
            results = (result,) if len(outs) == 1 else tuple(result)
            recorded = False
            for i in ins:
                if values[i] is not None:
                    recorded = True
                    break
            in_values = None
            if recorded:
                in_values = []
                for i in ins:
                    v = values[i]
                    if v is None:
                        d = datas[i]
                        v = values[i] = TracedValue(_type_of(d), None, d)
                    in_values.append(v)
            out_datas = []
            for s, r, dt in zip(outs, results, dtypes):
                if type(r) is not np.ndarray:
                    r = np.asarray(r)
                if r.dtype is not dt and r.dtype != dt:
                    r = r.astype(dt)
                datas[s] = r
                out_datas.append(r)
            if recorded:
                for s, v in zip(outs, record(op, in_values, types, out_datas, attrs)):
                    values[s] = v
        out = []
        for s in self.output_slots:
            a = arrays[s]
            if a is None:
                a = cls.__new__(cls)
                a._data = datas[s]
                a._value = values[s]
            out.append(a)
        return out

    @staticmethod
    def _custom(node, ins, outs, datas, values, arrays, cls) -> None:
        args = []
        for i in ins:
            a = arrays[i]
            if a is None:
                a = arrays[i] = cls.__new__(cls)
                a._data = datas[i]
                a._value = values[i]
            args.append(a)
        for s, o in zip(outs, replay_node(node, args, cls)):
            arrays[s] = o
            datas[s] = o._data
            values[s] = o._value


def _type_of(data: np.ndarray):
    return TensorType.get(data.shape, data.dtype)


def record_gradients(compiled: Any, col: Any, heads, head_grads, head_data) -> List[Any]:
    """Run the backward `compiled` for `autograd.grad(create_graph=True)` and record it
    (one `_grad_region` node, or op by op when it calls user code) on the values of the
    collected graph `col`; returns the gradient NDArrays."""
    recorder = compiled.plan
    if type(recorder) is not RegionRecorder:
        return replay_gradients(compiled, col, heads, head_grads)
    values = col.values
    if not head_grads:  # every input is a recorded value (the common case)
        in_values = [values[i] for _, i in compiled.sources]
        datas = [v.data for v in in_values]
        for data in datas:
            if data is None:  # pending (tapegraph.accel.lazy): the general path computes it
                break
        else:
            return recorder(in_values, datas, type(heads[0]))
    in_values, datas = [], []
    for kind, i in compiled.sources:
        if kind == "v":
            value = values[i]
            data = value.data
            if data is None:
                data = materialize(value)
        else:
            data = head_data[i]
            value = getattr(head_grads[i], "_value", None)
            if value is None or value.data is not data:  # not recorded, or converted
                value = TracedValue(TensorType.get(data.shape, data.dtype), None, data)
        in_values.append(value)
        datas.append(data)
    return recorder(in_values, datas, type(heads[0]))  # (no user code: see Replay)


def replay_gradients(compiled: Any, col: Any, heads, head_grads) -> List[Any]:
    """Run the backward graph with recording on, so it is traced operator by operator
    (the nodes `invoke` would record, without per-op inference: see `Replay`)."""
    cls = type(heads[0])
    inputs = []
    for kind, i in compiled.sources:
        if kind == "h":
            inputs.append(head_grads[i])
        else:
            value = col.values[i]
            arr = cls._wrap(value.data if value.data is not None else materialize(value))
            arr._value = value
            inputs.append(arr)
    replay = compiled.plan
    previous = STATE.recording
    STATE.recording = True
    try:
        return replay(inputs, cls)
    finally:
        STATE.recording = previous
