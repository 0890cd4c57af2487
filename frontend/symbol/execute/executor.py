"""`Symbol.bind` / `simple_bind`: MXNet's Executor over a typed IR graph.

`forward(is_train=...)` runs the graph (operators that behave differently in training,
such as BatchNorm, follow `is_train`); `backward(out_grads)` derives the gradient graph
with `passes.grad` and writes (or, for grad_req 'add', adds) into `grad_dict`.

Auxiliary states a custom operator writes (`CustomOp.forward` / `backward`) change
`aux_dict` as in MXNet: forward runs on the aux arrays themselves; the gradient graph
replays forward from the aux values forward started with (so forward's writes are not
applied twice), and what the replay and backward leave is written back into `aux_dict`.

BatchNorm's moving mean and variance move by the batch statistics when backward runs after
a training forward (MXNet 1.9.1 updates them in the operator's backward, not in forward).

Training loops call forward and backward many times with the same shapes: the typed graph
and its compiled plan are cached per (input shapes, dtypes, train flag), the gradient
graph's plan per (typed graph, gradient requests, head gradient kind).
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple, Union

import numpy as np

from ...ir import REGISTRY, Graph, MXNetError, Node, Value
from ...runtime import Plan
from ...passes import grad, residualize, run_passes
from ..graph.dag import lower

Arrays = Union[None, Sequence[Any], Dict[str, Any]]


def _as_numpy(a: Any) -> np.ndarray:
    return np.asarray(a.asnumpy() if hasattr(a, "asnumpy") else a)


def _buffer(a: Any) -> np.ndarray:
    """An array's own storage, not a copy: what a plan reads (plans do not write their
    inputs) without copying every argument at each forward."""
    return a._data if hasattr(type(a), "_data") else np.asarray(a)


def _type_of(a: Any) -> Tuple[Tuple[int, ...], str]:
    """(shape, dtype name) of an array, without copying an NDArray."""
    if hasattr(a, "shape") and hasattr(a, "dtype"):
        return tuple(a.shape), np.dtype(a.dtype).name
    a = np.asarray(a)
    return a.shape, a.dtype.name


def _by_name(names: List[str], given: Arrays, what: str) -> Dict[str, Any]:
    if given is None:
        return {}
    if isinstance(given, dict):
        unknown = [k for k in given if k not in names]
        if unknown:
            raise MXNetError("bind: unknown %s %s (expected %s)" % (what, unknown, names))
        return dict(given)
    given = list(given)
    if len(given) != len(names):
        raise MXNetError("bind: %d %s given for %d (%s)" % (len(given), what, len(names),
                                                          ", ".join(names)))
    return dict(zip(names, given))


class _MovingStats(NamedTuple):
    """A training BatchNorm's moving statistics (aux names) and how they move."""
    mean: str
    var: str
    momentum: float
    axis: int


def _with_batchnorm_inputs(graph: Graph) -> Tuple[Graph, List[_MovingStats]]:
    """`graph` with the data input of each BatchNorm that uses batch statistics added as
    extra outputs, and what each updates (the moving statistics must be graph inputs)."""
    stats, extra = [], []
    inputs = set(graph.inputs)
    for n in graph.nodes:
        if n.op != "BatchNorm" or not n.attrs.get("training") or \
                n.attrs.get("use_global_stats"):
            continue
        mean, var = n.inputs[3], n.inputs[4]
        if mean in inputs and var in inputs:
            stats.append(_MovingStats(mean.hint, var.hint, float(n.attrs["momentum"]),
                                      int(n.attrs["axis"])))
            extra.append(n.inputs[0])
    if not extra:
        return graph, []
    return Graph(graph.name, graph.inputs, graph.nodes, list(graph.outputs) + extra,
                 graph.meta), stats


def _residual_candidates(graph: Graph) -> List[Value]:
    """The intermediate values a training forward keeps for backward, which then reads
    them instead of computing the forward again: every node output that is not a graph
    output. None for a graph with a custom operator (its backward replays its forward, as
    MXNet's does, for the aux states it writes)."""
    if any(n.op.startswith("_Custom") or n.op == "Custom" for n in graph.nodes):
        return []
    outputs = set(graph.outputs)
    return [v for n in graph.nodes for v in n.outputs if v not in outputs]


def with_train_mode(graph: Graph, is_train: bool) -> Graph:
    """`graph` with the `training` attribute of train-mode operators set to `is_train`."""
    nodes = []
    changed = False
    for n in graph.nodes:
        opdef = REGISTRY._ops.get(n.op)
        if opdef is not None and opdef.uses_train_mode and "training" in n.attrs \
                and n.attrs["training"] != is_train:
            n = Node(n.op, n.inputs, n.outputs, dict(n.attrs, training=is_train), n.region,
                     n.meta)
            changed = True
        nodes.append(n)
    return Graph(graph.name, graph.inputs, nodes, graph.outputs, graph.meta) if changed \
        else graph


_Key = Tuple[Any, ...]


class Executor:
    """A bound symbol: `arg_dict`, `grad_dict`, `aux_dict`, `outputs`, `forward`,
    `backward`, as in MXNet."""

    def __init__(self, symbol, args: Arrays, args_grad: Arrays = None,
                 grad_req: Union[str, Dict[str, str]] = "write", aux_states: Arrays = None):
        self._symbol = symbol
        arg_names = symbol.list_arguments()
        aux_names = symbol.list_auxiliary_states()
        self._arg_names, self._aux_names = arg_names, aux_names
        self.arg_dict = _by_name(arg_names, args, "arguments")
        self.aux_dict = _by_name(aux_names, aux_states, "auxiliary states")
        grads = _by_name(arg_names, args_grad, "gradients")
        reqs = grad_req if isinstance(grad_req, dict) else {n: grad_req for n in arg_names}
        self._grad_req = {n: reqs.get(n, "null") if grads.get(n) is not None else "null"
                          for n in arg_names}
        # as in MXNet: every argument is a key, None where no gradient is kept
        self.grad_dict = {n: grads[n] if self._grad_req[n] != "null" else None
                          for n in arg_names}
        missing = [n for n in arg_names + aux_names
                   if n not in self.arg_dict and n not in self.aux_dict]
        if missing:
            raise MXNetError("bind: no value for %s" % ", ".join(missing))
        self.outputs: List[Any] = []
        self._graph: Optional[Graph] = None
        self._graph_key: Optional[_Key] = None
        self._aux_before: Dict[str, np.ndarray] = {}
        # (shapes, dtypes, is_train) -> (typed graph, plan, BatchNorm statistics the plan
        # also outputs the data of); gradient plans likewise
        self._forward_plans: Dict[_Key, Tuple[Graph, Plan, List[_MovingStats]]] = {}
        self._batch_stats: List[Tuple[_MovingStats, np.ndarray, np.ndarray]] = []
        self._backward_plans: Dict[_Key, Plan] = {}
        self._monitor: Optional[Tuple[Callable[[bytes, Any], None], bool]] = None
        self._kept: Dict[Value, np.ndarray] = {}  # what the last training forward kept

    # ------------------------------------------------------------ MXNet's views
    @property
    def arg_arrays(self) -> List[Any]:
        """The argument arrays in `list_arguments()` order."""
        return [self.arg_dict[n] for n in self._arg_names]

    @property
    def grad_arrays(self) -> List[Any]:
        """The gradient arrays in `list_arguments()` order (None where grad_req is null)."""
        return [self.grad_dict.get(n) for n in self._arg_names]

    @property
    def aux_arrays(self) -> List[Any]:
        """The auxiliary state arrays in `list_auxiliary_states()` order."""
        return [self.aux_dict[n] for n in self._aux_names]

    @property
    def output_dict(self) -> Dict[str, Any]:
        """The outputs of the last forward by output name."""
        return dict(zip(self._symbol.list_outputs(), self.outputs))

    def copy_params_from(self, arg_params: Dict[str, Any],
                         aux_params: Optional[Dict[str, Any]] = None,
                         allow_extra_params: bool = False) -> None:
        """Copy `arg_params` / `aux_params` (name -> array) into the bound arrays, cast to
        their dtypes. A name the symbol lacks is a ValueError unless `allow_extra_params`;
        nothing is copied then."""
        if not allow_extra_params:
            for name in arg_params:
                if name not in self.arg_dict:
                    raise ValueError('Find name "%s" that is not in the arguments' % name)
            for name in aux_params or {}:
                if name not in self.aux_dict:
                    raise ValueError("Find name %s that is not in the auxiliary states" % name)
        for source, target in ((arg_params, self.arg_dict), (aux_params or {}, self.aux_dict)):
            for name, array in source.items():
                if name in target:
                    dst = target[name]
                    value = _as_numpy(array)
                    if value.shape != tuple(dst.shape):
                        raise ValueError("copy_params_from: %s has shape %s, the executor's "
                                         "array %s" % (name, value.shape, tuple(dst.shape)))
                    dst[:] = value.astype(_as_numpy(dst).dtype, copy=False)

    def set_monitor_callback(self, callback: Callable[[bytes, Any], None],
                             monitor_all: bool = False) -> None:
        """Call `callback(name, array)` after each forward for every operator output
        (`b'fc1_output'` ...); with `monitor_all`, for the variables too. (MXNet also
        reports the nodes of the backward pass; tapegraph reports forward values only.)"""
        self._monitor = (callback, bool(monitor_all))

    def reshape(self, partial_shaping: bool = False, allow_up_sizing: bool = False,
                **shapes: Any) -> "Executor":
        """A new executor for new input shapes: arrays whose shape is unchanged are shared
        with this executor, the others are new zero arrays (a changed shape of an argument
        not named in `shapes` needs `partial_shaping`)."""
        arg_shapes, _, aux_shapes = self._symbol.infer_shape(**shapes)
        if arg_shapes is None:
            raise MXNetError("reshape: cannot infer the shapes from %s" % shapes)
        cls = self._symbol._array_class()

        def resized(name: str, old: Any, shape: Tuple[int, ...]) -> Any:
            if old is None or tuple(old.shape) == tuple(shape):
                return old
            if name not in shapes and not partial_shaping:
                raise MXNetError("reshape: the shape of %s changes from %s to %s; pass "
                                 "partial_shaping=True to allow it"
                                 % (name, tuple(old.shape), tuple(shape)))
            if int(np.prod(shape)) > int(np.prod(old.shape)) and not allow_up_sizing:
                raise MXNetError("reshape: %s grows from %s to %s; pass allow_up_sizing=True"
                                 % (name, tuple(old.shape), tuple(shape)))
            return cls._wrap(np.zeros(shape, _as_numpy(old).dtype))

        args = {n: resized(n, self.arg_dict[n], s) for n, s in zip(self._arg_names, arg_shapes)}
        grads = {n: resized(n, self.grad_dict[n], s)
                 for n, s in zip(self._arg_names, arg_shapes) if self.grad_dict[n] is not None}
        aux = {n: resized(n, self.aux_dict[n], s) for n, s in zip(self._aux_names, aux_shapes)}
        return Executor(self._symbol, args, grads, dict(self._grad_req), aux)

    # ------------------------------------------------------------ running
    def _feed(self, graph: Graph, aux: Optional[Dict[str, np.ndarray]] = None
              ) -> List[np.ndarray]:
        """The graph's input arrays: the arguments' own buffers; the aux states as `aux`
        gives them (default: copies)."""
        values = {k: _buffer(v) for k, v in self.arg_dict.items()}
        values.update(aux if aux is not None else
                      {k: _as_numpy(v) for k, v in self.aux_dict.items()})
        return [values[v.hint] for v in graph.inputs]

    def _aux_buffers(self) -> Dict[str, np.ndarray]:
        """The aux states' own storage (a custom operator writes them in place)."""
        return {k: v._data if hasattr(v, "_data") else _as_numpy(v)
                for k, v in self.aux_dict.items()}

    def _typed(self, is_train: bool
               ) -> Tuple[_Key, Graph, Plan, List[_MovingStats], List[Value]]:
        """The typed graph for the bound arrays' shapes and dtypes (cached), its plan, the
        BatchNorm statistics whose data the plan outputs after the graph's outputs, and the
        intermediate values it outputs last (a training forward keeps them for backward,
        as an eager forward does: see `_residual_candidates`)."""
        values = dict(self.arg_dict)
        values.update(self.aux_dict)
        types = tuple(sorted((k,) + _type_of(v) for k, v in values.items()))
        key = (types, bool(is_train))
        entry = self._forward_plans.get(key)
        if entry is None:
            graph = self._symbol._typed({k: s for k, s, _ in types},
                                        {k: d for k, _, d in types})
            graph = with_train_mode(graph, is_train)
            extended, stats = _with_batchnorm_inputs(graph)
            kept = _residual_candidates(graph) if is_train else []
            extended = Graph(extended.name, extended.inputs, extended.nodes,
                             list(extended.outputs) + kept, extended.meta)
            entry = self._forward_plans[key] = (graph, Plan(extended), stats, kept)
        return (key,) + entry

    # ------------------------------------------------------------ what it runs
    # the exportable optimisations of `get_optimized_symbol` (no fusion, which export
    # cannot write)
    OPTIMIZING_PASSES = ("dce", "cse", "simplify", "fold", "simplify", "cse", "dce")

    def _bound_graph(self) -> Graph:
        """The graph of the last forward, else the inference graph for the bound arrays."""
        return self._graph if self._graph is not None else self._typed(False)[1]

    def debug_str(self) -> str:
        """The graphs this executor runs, in tapegraph's IR text: the forward for the bound
        arrays and the backward derived from it for the arguments with a gradient (MXNet
        prints its own graph dump instead)."""
        graph = self._bound_graph()
        names = [v.hint for v in graph.inputs]
        wrt = [i for i, n in enumerate(names) if self._grad_req.get(n, "null") != "null"]
        text = "Forward graph:\n%s\n" % graph
        if wrt:
            text += "Backward graph (gradients of %s):\n%s\n" % (
                ", ".join(names[i] for i in wrt), grad(graph, wrt=wrt, head_grads="ones"))
        return text

    def get_optimized_symbol(self):
        """The bound symbol after tapegraph's exportable optimisations (dead code, common
        subexpressions, algebraic simplification, constant folding), typed for the bound
        arrays: what MXNet returns after its graph passes."""
        values = dict(self.arg_dict)
        values.update(self.aux_dict)
        types = {k: _type_of(v) for k, v in values.items()}
        sym = self._symbol
        graph, names = lower(sym._dag(), {k: t[0] for k, t in types.items()},
                             {k: t[1] for k, t in types.items()}, name="symbol",
                             extra_inputs=sym._unused_inputs)
        graph = run_passes(with_train_mode(graph, False), list(self.OPTIMIZING_PASSES))
        return type(sym).from_graph(graph, names)

    def forward(self, is_train: bool = False, **kwargs) -> List[Any]:
        """Run the graph; keyword arrays replace bound arguments first."""
        for k in kwargs:
            if k not in self.arg_dict:
                raise MXNetError("forward: unknown argument %r" % k)
        for k, v in kwargs.items():
            self.arg_dict[k] = v
        self._graph_key, self._graph, plan, stats, kept = self._typed(is_train)
        cls = self._symbol._array_class()
        aux = self._aux_buffers()
        self._aux_before = {k: np.array(v, copy=True) for k, v in aux.items()}
        feed = self._feed(self._graph, aux)
        results = plan.run(feed)
        count = len(self._graph.outputs)
        self.outputs = [cls._wrap(np.asarray(o)) for o in results[:count]]
        self._batch_stats = []
        self._kept = dict(zip(kept, results[count + len(stats):]))
        for stat, x in zip(stats, results[count:]):
            x = np.asarray(x)
            red = tuple(i for i in range(x.ndim) if i != stat.axis % x.ndim)
            self._batch_stats.append((stat, x.mean(axis=red), x.var(axis=red)))
        if self._monitor is not None:
            self._report_internals(is_train)
        return self.outputs

    def _report_internals(self, is_train: bool) -> None:
        """Give the monitor callback every operator output (and variable) by name, as
        computed from the inputs of the last forward (aux states as forward began)."""
        callback, monitor_all = self._monitor
        internals = self._symbol.get_internals()
        names = internals.list_outputs()
        inputs = set(self._symbol.list_inputs())
        types = {k: _type_of(v) for k, v in list(self.arg_dict.items()) +
                 list(self.aux_dict.items())}
        graph = with_train_mode(internals._typed({k: t[0] for k, t in types.items()},
                                                 {k: t[1] for k, t in types.items()}), is_train)
        values = {k: _as_numpy(v) for k, v in self.arg_dict.items()}
        values.update({k: np.array(v, copy=True) for k, v in self._aux_before.items()})
        outs = Plan(graph).run([values[v.hint] for v in graph.inputs])
        cls = self._symbol._array_class()
        for name, value in zip(names, outs):
            if name in inputs and not monitor_all:
                continue
            callback(name.encode(), cls._wrap(np.array(value, copy=True)))

    def _update_moving_stats(self) -> None:
        """Move BatchNorm's moving statistics by the last training forward's batch
        statistics (once per backward, as MXNet does)."""
        buffers = self._aux_buffers()
        for stat, mean, var in self._batch_stats:
            m = stat.momentum
            buffers[stat.mean][...] = buffers[stat.mean] * m + mean * (1 - m)
            buffers[stat.var][...] = buffers[stat.var] * m + var * (1 - m)

    def _backward_plan(self, wrt: List[int], spec: str) -> Tuple[Plan, List[Value]]:
        """The gradient plan and the forward values it reads after the graph's inputs and
        head gradients (none when the forward kept no values: it is recomputed)."""
        key = (self._graph_key, tuple(wrt), spec, bool(self._kept))
        entry = self._backward_plans.get(key)
        if entry is None:
            joint = grad(self._graph, wrt=wrt, head_grads=spec)
            residuals: List[Value] = []
            if self._kept:
                joint = residualize(joint, known=list(self._kept))
                count = joint.meta.get("num_residuals", 0)
                residuals = list(joint.inputs[len(joint.inputs) - count:]) if count else []
            entry = self._backward_plans[key] = (Plan(joint), residuals)
        return entry

    def backward(self, out_grads: Any = None) -> None:
        """Gradients of the outputs (head gradients `out_grads`, default ones) into
        `grad_dict` for arguments whose grad_req is not 'null'."""
        if self._graph is None:
            raise MXNetError("backward: call forward(is_train=True) first")
        self._update_moving_stats()
        names = [v.hint for v in self._graph.inputs]
        wrt = [i for i, n in enumerate(names) if self._grad_req.get(n, "null") != "null"]
        if not wrt:
            return
        heads = None if out_grads is None else (
            list(out_grads) if isinstance(out_grads, (list, tuple)) else [out_grads])
        if heads is not None and len(heads) == 0:
            heads = None
        spec = "ones" if heads is None else "input"
        plan, residuals = self._backward_plan(wrt, spec)
        replayed = {k: np.array(v, copy=True) for k, v in self._aux_before.items()}
        feed = self._feed(self._graph, replayed) + [_as_numpy(h) for h in heads or []]
        results = plan.run(feed + [self._kept[v] for v in residuals])
        for name, value in replayed.items():   # what custom operators wrote, as in MXNet
            if not np.array_equal(value, self._aux_before[name], equal_nan=True):
                self._aux_buffers()[name][...] = value
        for i, g in zip(wrt, results):
            buf = self.grad_dict[names[i]]
            if self._grad_req[names[i]] == "add":
                buf[:] = _as_numpy(buf) + g
            else:
                buf[:] = g
