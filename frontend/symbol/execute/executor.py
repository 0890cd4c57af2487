"""`Symbol.bind` / `simple_bind`: MXNet's Executor over a typed IR graph.

`forward(is_train=...)` runs the graph (operators that behave differently in training,
such as BatchNorm, follow `is_train`); `backward(out_grads)` derives the gradient graph
with `passes.grad` and writes (or, for grad_req 'add', adds) into `grad_dict`.

Auxiliary states a custom operator writes (`CustomOp.forward` / `backward`) change
`aux_dict` as in MXNet: forward runs on the aux arrays themselves; the gradient graph
replays forward from the aux values forward started with (so forward's writes are not
applied twice), and what the replay and backward leave is written back into `aux_dict`.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Union

import numpy as np

from ...ir import REGISTRY, Graph, MXNetError, Node
from ...runtime import execute
from ...passes import grad

Arrays = Union[None, Sequence[Any], Dict[str, Any]]


def _as_numpy(a: Any) -> np.ndarray:
    return np.asarray(a.asnumpy() if hasattr(a, "asnumpy") else a)


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


class Executor:
    """A bound symbol: `arg_dict`, `grad_dict`, `aux_dict`, `outputs`, `forward`,
    `backward`, as in MXNet."""

    def __init__(self, symbol, args: Arrays, args_grad: Arrays = None,
                 grad_req: Union[str, Dict[str, str]] = "write", aux_states: Arrays = None):
        self._symbol = symbol
        arg_names = symbol.list_arguments()
        aux_names = symbol.list_auxiliary_states()
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
        self._aux_before: Dict[str, np.ndarray] = {}

    @property
    def arg_arrays(self) -> List[Any]:
        return [self.arg_dict[n] for n in self._symbol.list_arguments()]

    @property
    def grad_arrays(self) -> List[Any]:
        return [self.grad_dict.get(n) for n in self._symbol.list_arguments()]

    def _feed(self, graph: Graph, aux: Optional[Dict[str, np.ndarray]] = None
              ) -> List[np.ndarray]:
        """The graph's input arrays: copies of the arguments; the aux states as `aux` gives
        them (default: copies)."""
        values = {k: _as_numpy(v) for k, v in self.arg_dict.items()}
        values.update(aux if aux is not None else
                      {k: _as_numpy(v) for k, v in self.aux_dict.items()})
        return [values[v.hint] for v in graph.inputs]

    def _aux_buffers(self) -> Dict[str, np.ndarray]:
        """The aux states' own storage (a custom operator writes them in place)."""
        return {k: v._data if hasattr(v, "_data") else _as_numpy(v)
                for k, v in self.aux_dict.items()}

    def _typed(self, is_train: bool) -> Graph:
        values = dict(self.arg_dict)
        values.update(self.aux_dict)
        arrays = {k: _as_numpy(v) for k, v in values.items()}
        graph = self._symbol._typed({k: a.shape for k, a in arrays.items()},
                                    {k: a.dtype.name for k, a in arrays.items()})
        return with_train_mode(graph, is_train)

    def forward(self, is_train: bool = False, **kwargs) -> List[Any]:
        """Run the graph; keyword arrays replace bound arguments first."""
        for k, v in kwargs.items():
            if k not in self.arg_dict:
                raise MXNetError("forward: unknown argument %r" % k)
            self.arg_dict[k] = v
        self._graph = self._typed(is_train)
        cls = self._symbol._array_class()
        self._aux_before = {k: np.array(v, copy=True) for k, v in self._aux_buffers().items()}
        self.outputs = [cls._wrap(np.asarray(o)) for o in
                        execute(self._graph, self._feed(self._graph, self._aux_buffers()))]
        return self.outputs

    def backward(self, out_grads: Any = None) -> None:
        """Gradients of the outputs (head gradients `out_grads`, default ones) into
        `grad_dict` for arguments whose grad_req is not 'null'."""
        if self._graph is None:
            raise MXNetError("backward: call forward(is_train=True) first")
        names = [v.hint for v in self._graph.inputs]
        wrt = [i for i, n in enumerate(names) if self._grad_req.get(n, "null") != "null"]
        if not wrt:
            return
        heads = None if out_grads is None else (
            list(out_grads) if isinstance(out_grads, (list, tuple)) else [out_grads])
        spec = "ones" if heads is None else "input"
        graph = grad(self._graph, wrt=wrt, head_grads=spec)
        replayed = {k: np.array(v, copy=True) for k, v in self._aux_before.items()}
        feed = self._feed(self._graph, replayed) + [_as_numpy(h) for h in heads or []]
        results = execute(graph, feed)
        for name, value in replayed.items():   # what custom operators wrote, as in MXNet
            if not np.array_equal(value, self._aux_before[name], equal_nan=True):
                self._aux_buffers()[name][...] = value
        for i, g in zip(wrt, results):
            buf = self.grad_dict[names[i]]
            if self._grad_req[names[i]] == "add":
                buf[:] = _as_numpy(buf) + g
            else:
                buf[:] = g
