"""Derivative checks against central finite differences in float64 (used by
`mx.test_utils.gradcheck` and `check_numeric_gradient`)."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from .. import autograd
from ..trace.invoke import invoke
from ..ir import get_op
from ..ir.errors import MXNetError
from ..ndarray import NDArray


def _as_list(x) -> List[Any]:
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _float64_inputs(inputs: Sequence[Any]) -> List[NDArray]:
    out = []
    for a in inputs:
        cls = type(a) if isinstance(a, NDArray) else NDArray
        data = a._data if isinstance(a, NDArray) else np.asarray(a)
        out.append(cls._wrap(np.array(data, dtype=np.float64)))
    return out


class _Projection:
    """Scalar functions F_0 .. F_N of the inputs: F_0 = sum_j <w_0j, f_j(x)>, and
    F_k = sum_i <w_ki, dF_{k-1}/dx_i> for the differentiated inputs x_i."""

    def __init__(self, f: Callable, xs: List[NDArray], wrt: List[int], seed: int):
        self.f, self.xs, self.wrt = f, xs, wrt
        self.rng = np.random.RandomState(seed)
        self.weights: List[List[np.ndarray]] = []

    def _weights(self, level: int, arrays: Sequence[NDArray]) -> List[np.ndarray]:
        while len(self.weights) <= level:
            self.weights.append([])
        if not self.weights[level]:
            self.weights[level] = [self.rng.uniform(-1, 1, a.shape) for a in arrays]
        return self.weights[level]

    def _project(self, level: int, arrays: Sequence[NDArray], targets: Sequence[NDArray]):
        # `0 * x` terms keep every target in the graph, so a derivative that does not
        # depend on some input (or on any) comes back as zeros instead of an error.
        total = None
        for x in targets:
            term = (x * 0.0).sum()
            total = term if total is None else total + term
        for a, w in zip(arrays, self._weights(level, arrays)):
            term = (a * type(a)._wrap(w.astype(a._data.dtype))).sum()
            total = term if total is None else total + term
        return total

    def gradients(self, level: int, xs: Sequence[np.ndarray]) -> Tuple[float, List[np.ndarray]]:
        """F_level at xs and its gradient with respect to the `wrt` inputs."""
        variables = [type(x)._wrap(np.array(v)) for x, v in zip(self.xs, xs)]
        for i in self.wrt:
            variables[i].attach_grad()
        targets = [variables[i] for i in self.wrt]
        with autograd.record():
            s = self._project(0, _as_list(self.f(*variables)), targets)
            for k in range(1, level + 1):
                gs = autograd.grad(s, targets, create_graph=True, retain_graph=True)
                s = self._project(k, gs, targets)
        value = float(s.asnumpy().sum())
        grads = autograd.grad(s, targets, retain_graph=False)
        return value, [g.asnumpy() for g in grads]

    def value(self, level: int, xs: Sequence[np.ndarray]) -> float:
        """F_level at xs (without recording when level is 0)."""
        if level == 0:
            variables = [type(x)._wrap(np.array(v)) for x, v in zip(self.xs, xs)]
            outs = _as_list(self.f(*variables))
            return float(sum((o.asnumpy() * w).sum() for o, w in zip(
                outs, self._weights(0, outs))))
        _, grads = self.gradients(level - 1, xs)
        return float(sum((g * w).sum() for g, w in zip(grads, self._weights(level, grads))))


def numeric_grad(fn: Callable[[List[np.ndarray]], float], xs: List[np.ndarray],
                 wrt: Sequence[int], eps: float, max_coords: int = 64,
                 rng: Optional[np.random.RandomState] = None):
    """Central differences of scalar `fn`: [(direction per wrt input, derivative)], along
    coordinates for small inputs and along 8 random directions otherwise."""
    rng = rng or np.random.RandomState(0)
    total = sum(xs[i].size for i in wrt)
    if total <= max_coords:
        dirs = []
        for pos, i in enumerate(wrt):
            for k in range(xs[i].size):
                d = [np.zeros_like(xs[j]) for j in wrt]
                d[pos].reshape(-1)[k] = 1.0
                dirs.append(d)
    else:
        dirs = [[rng.standard_normal(xs[j].shape) for j in wrt] for _ in range(8)]
    out = []
    for d in dirs:
        def at(t):
            shifted = list(xs)
            for j, dj in zip(wrt, d):
                shifted[j] = xs[j] + t * dj
            return fn(shifted)
        out.append((d, (at(eps) - at(-eps)) / (2.0 * eps)))
    return out


def gradcheck(f: Callable, inputs: Sequence[Any], order: int = 1, eps: float = 1e-5,
              rtol: float = 1e-4, atol: float = 1e-6, wrt: Optional[Sequence[int]] = None,
              seed: int = 0, raise_exception: bool = True) -> bool:
    """Check derivatives of order 1..`order` of `f` against finite differences (float64).

    `f(*arrays)` returns an array or a list of arrays, built from tapegraph operators.
    Inputs (NumPy arrays or NDArrays) are converted to float64; `wrt` picks the inputs
    to differentiate (default: all). Raises AssertionError naming the order and input
    on a mismatch (or returns False when `raise_exception` is False).
    """
    if order < 1:
        raise ValueError("gradcheck: order must be at least 1, got %r" % (order,))
    xs = _float64_inputs(inputs)
    wrt = list(range(len(xs))) if wrt is None else list(wrt)
    proj = _Projection(f, xs, wrt, seed)
    host = [x._data for x in xs]
    for k in range(1, order + 1):
        _, analytic = proj.gradients(k - 1, host)
        level = k - 1
        checks = numeric_grad(lambda v: proj.value(level, v), host, wrt, eps,
                              rng=np.random.RandomState(seed + k))
        for d, numeric in checks:
            exact = float(sum((g * di).sum() for g, di in zip(analytic, d)))
            if abs(exact - numeric) > atol + rtol * max(abs(numeric), abs(exact)):
                which = [wrt[p] for p, di in enumerate(d) if np.any(di)]
                msg = ("gradcheck: order-%d derivative does not match finite differences "
                       "(input(s) %s): analytic %.10g, numeric %.10g"
                       % (k, which, exact, numeric))
                if raise_exception:
                    raise AssertionError(msg)
                return False
    return True


def _symbol_function(sym, names: Sequence[str], arrays: Dict[str, np.ndarray]) -> Callable:
    """A function of NDArrays that runs `sym`'s graph operator by operator (recorded)."""
    graph = sym._typed({k: v.shape for k, v in arrays.items()},
                       {k: "float64" for k in arrays})
    order = [v.hint for v in graph.inputs]

    def f(*xs):
        given = dict(zip(names, xs))
        env = {v: given[v.hint] for v in graph.inputs}
        for node in graph.nodes:
            r = invoke(get_op(node.op), [env[v] for v in node.inputs], node.attrs)
            env.update(zip(node.outputs, r if isinstance(r, tuple) else (r,)))
        return [env[v] for v in graph.outputs]
    f.order = order
    return f


def check_numeric_gradient(sym, location, aux_states=None, numeric_eps=None, rtol=None,
                           atol=None, grad_nodes=None, use_forward_train=True, ctx=None,
                           grad_stype_dict=None, dtype=np.float64):
    """MXNet's check: the gradient of a random projection of `sym`'s output(s) matches
    finite differences. `sym` is an `mx.sym.Symbol` (with `location` a list in
    `list_arguments()` order or a dict by name) or a Python function of arrays (with
    `location` a list). Computed in float64."""
    if callable(sym) and not hasattr(sym, "list_arguments"):
        return gradcheck(sym, _as_list(location), 1, eps=numeric_eps or 1e-5,
                         rtol=rtol or 1e-4, atol=atol or 1e-6,
                         wrt=None if grad_nodes is None else list(grad_nodes))
    names = sym.list_arguments() + sym.list_auxiliary_states()
    if isinstance(location, dict):
        values = dict(location)
    else:
        values = dict(zip(sym.list_arguments(), _as_list(location)))
    if aux_states is not None:
        aux = aux_states if isinstance(aux_states, dict) else dict(
            zip(sym.list_auxiliary_states(), _as_list(aux_states)))
        values.update(aux)
    missing = [n for n in names if n not in values]
    if missing:
        raise MXNetError("check_numeric_gradient: no value for %s" % ", ".join(missing))
    arrays = {n: np.asarray(values[n].asnumpy() if hasattr(values[n], "asnumpy")
                            else values[n], dtype=np.float64) for n in names}
    f = _symbol_function(sym, names, arrays)
    nodes = grad_nodes if grad_nodes is not None else sym.list_arguments()
    if isinstance(nodes, dict):
        nodes = list(nodes)
    wrt = [names.index(n) for n in nodes]
    return gradcheck(f, [arrays[n] for n in names], 1, eps=numeric_eps or 1e-5,
                     rtol=rtol or 1e-4, atol=atol or 1e-6, wrt=wrt)
