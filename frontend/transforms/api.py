"""jvp, linearize, vjp, grad, vmap, jacfwd, jacrev, hessian, hvp over Python functions of
NDArrays: each traces the function to a graph (`make_graph`), applies the pass of the
same name from `tapegraph.passes`, and runs the result (see tracing.run)."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

from ..ir import Builder, Graph, MXNetError
from ..passes import get_pass
from .tracing import Traced, as_arrays, coerce, pack, run, trace

ArgNums = Union[int, Sequence[int]]
_CACHE: Dict[tuple, Any] = {}
_CACHE_SIZE = 256


def _cached(key: tuple, build: Callable[[], Any]) -> Any:
    """Transformed graphs by (transformation, traced graph, options)."""
    found = _CACHE.get(key)
    if found is None:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        found = _CACHE[key] = build()
    return found


class Result(tuple):
    """A tuple of results that also shows the graph that computed them (`.graph`)."""

    graph: Graph

    def __new__(cls, items: Sequence[Any], graph: Graph) -> "Result":
        self = tuple.__new__(cls, items)
        self.graph = graph
        return self


def _differentiated(tr: Traced) -> List[int]:
    wrt = tr.float_args()
    if not wrt:
        raise MXNetError("transforms: no floating-point argument to differentiate")
    return wrt


def _tangents(tr: Traced, wrt: List[int], tangents: Sequence[Any], what: str) -> List[Any]:
    if len(tangents) != tr.num_args:
        raise MXNetError("transforms: %d %s for %d primals" % (len(tangents), what,
                                                                tr.num_args))
    arrays = as_arrays(tangents, what[:-1])
    return [coerce(arrays[i], tr.graph.inputs[i], "%s %d" % (what[:-1], i)) for i in wrt]


def jvp(fn: Callable, primals: Sequence[Any], tangents: Sequence[Any]) -> Result:
    """`(fn(*primals), J tangents)`: forward mode, like `jax.jvp`. `.graph` is the `jvp`
    graph (inputs: primals, constants, tangents; outputs: results, then tangents)."""
    tr = trace(fn, primals, "jvp", per_call=True)
    wrt = _differentiated(tr)
    g = _cached(("jvp", tr.graph, tuple(wrt)), lambda: get_pass("jvp")(tr.graph, wrt=wrt))
    ts = _tangents(tr, wrt, tangents, "tangents")
    outs = run(g, tr.inputs(as_arrays(primals)) + ts, tr.cls)
    n = len(tr.graph.outputs)
    return Result((tr.pack(outs[:n]), tr.pack(outs[n:])), g)


class LinearFunction:
    """The linear map saved by `linearize` (or its transpose, from `vjp`): calling it
    runs only `graph` on the saved residuals. `primal_graph` computed those once."""

    def __init__(self, graph: Graph, primal_graph: Graph, residuals: List[Any], cls: type,
                 structure: Optional[Tuple[type, int]], arity: int, kind: str):
        self.graph = graph
        self.primal_graph = primal_graph
        self.residuals = residuals
        self._cls = cls
        self._structure = structure
        self._arity = arity
        self._kind = kind

    def __call__(self, *args: Any) -> Any:
        lin = self.graph.inputs[len(self.residuals):]
        if len(args) != len(lin):
            raise MXNetError("transforms: this %s takes %d arrays, got %d"
                             % (self._kind, len(lin), len(args)))
        arrays = [coerce(a, v, "argument %d" % i)
                  for i, (a, v) in enumerate(zip(as_arrays(args), lin))]
        outs = run(self.graph, list(self.residuals) + arrays, self._cls)
        return pack(self._structure, outs)

    def __repr__(self) -> str:
        return "<%s: %d residuals>\n%s" % (self._kind, len(self.residuals), self.graph)


def _linearized(tr: Traced, wrt: List[int], primals: Sequence[Any]):
    lin = _cached(("linearize", tr.graph, tuple(wrt)),
                  lambda: get_pass("linearize")(tr.graph, wrt=wrt))
    primal = lin.meta["primal"]
    res = run(primal, tr.inputs(as_arrays(primals)), tr.cls)
    n = len(tr.graph.outputs)
    return lin, primal, res[:n], res[n:]


def linearize(fn: Callable, *primals: Any) -> Result:
    """`(fn(*primals), f_jvp)`, like `jax.linearize`: the primal is computed once, and
    `f_jvp(*tangents)` (one tangent per float primal) runs only the linear tangent graph
    `f_jvp.graph` on the saved residuals."""
    tr = trace(fn, primals, "linearize", per_call=True)
    wrt = _differentiated(tr)
    lin, primal, outs, residuals = _linearized(tr, wrt, primals)
    f_jvp = LinearFunction(lin, primal, residuals, tr.cls, tr.structure, len(wrt),
                           "linearized function")
    return Result((tr.pack(outs), f_jvp), lin)


def vjp(fn: Callable, *primals: Any) -> Result:
    """`(fn(*primals), f_vjp)`, like `jax.vjp`: `f_vjp(*cotangents)` (one per result)
    returns one cotangent per float primal. The VJP is the `transpose` of the
    `linearize` graph, not the `grad` pass: reverse mode as two transformations."""
    tr = trace(fn, primals, "vjp", per_call=True)
    wrt = _differentiated(tr)
    lin, primal, outs, residuals = _linearized(tr, wrt, primals)
    t = _cached(("transpose", lin), lambda: get_pass("transpose")(lin))
    f_vjp = LinearFunction(t, primal, residuals, tr.cls, (tuple, len(wrt)), len(outs),
                           "vjp function")
    return Result((tr.pack(outs), f_vjp), t)


def _argnums(argnums: ArgNums) -> Tuple[List[int], bool]:
    if isinstance(argnums, int):
        return [argnums], True
    return list(argnums), False


def grad(fn: Callable, argnums: ArgNums = 0) -> Callable:
    """The gradient function of `fn` (which returns one array; its elements are summed,
    as MXNet's `backward` does with a ones head gradient), like `jax.grad`."""
    nums, single = _argnums(argnums)

    def gradient(*args: Any) -> Any:
        out, f_vjp = vjp(fn, *args)
        if isinstance(out, (tuple, list)):
            raise MXNetError("transforms.grad: the function must return one array")
        wrt = [i for i, a in enumerate(as_arrays(args)) if a._data.dtype.kind == "f"]
        cts = f_vjp(type(out)._wrap(np.ones(out.shape, dtype=out._data.dtype)))
        picked = []
        for k in nums:
            if k not in wrt:
                raise MXNetError("transforms.grad: argument %d is not a float array" % k)
            picked.append(cts[wrt.index(k)])
        return picked[0] if single else tuple(picked)
    gradient.__name__ = "grad_" + getattr(fn, "__name__", "f").strip("<>")
    gradient.__wrapped__ = fn  # type: ignore[attr-defined]  (parameter names for graphs)
    return gradient


def _axes(axes: Any, n: int, what: str) -> List[Optional[int]]:
    if axes is None or isinstance(axes, int):
        return [axes] * n
    axes = list(axes)
    if len(axes) != n:
        raise MXNetError("transforms.vmap: %s has %d entries for %d arrays"
                         % (what, len(axes), n))
    return axes


def vmap(fn: Callable, in_axes: Any = 0, out_axes: Any = 0) -> Callable:
    """`fn` over a batch, like `jax.vmap`: `in_axes` says per argument which axis is the
    batch (None: shared by all examples), `out_axes` where the batch goes in each
    result. `fn` is traced once on the first example (so Python control flow sees real
    values of that example); the `vmap` pass batches its graph, shown as `.graph` of the
    returned function after a call."""
    def batched(*args: Any) -> Any:
        arrays = as_arrays(args)
        axes = _axes(in_axes, len(arrays), "in_axes")
        size = None
        examples = []
        for i, (a, ax) in enumerate(zip(arrays, axes)):
            if ax is None:
                examples.append(a)
                continue
            n = a.shape[ax]
            if size is not None and n != size:
                raise MXNetError("transforms.vmap: argument %d has %d examples on axis %d, "
                                 "argument(s) before it %d" % (i, n, ax, size))
            size = n
            examples.append(type(a)._wrap(np.take(a._data, 0, axis=ax)))
        if size is None:
            raise MXNetError("transforms.vmap: no argument is batched (in_axes all None)")
        tr = trace(fn, examples, "vmap")
        n_out = len(tr.graph.outputs)
        ins = axes + [None] * len(tr.constants)
        outs = _axes(out_axes, n_out, "out_axes")
        g = _cached(("vmap", tr.graph, size, tuple(ins), tuple(outs)),
                    lambda: get_pass("vmap")(tr.graph, size=size, in_axes=ins, out_axes=outs))
        batched.graph = g
        return tr.pack(run(g, tr.inputs(arrays), tr.cls))
    batched.graph = None
    batched.__name__ = "vmap_" + getattr(fn, "__name__", "f").strip("<>")
    batched.__wrapped__ = fn  # type: ignore[attr-defined]
    return batched


def _reshaped(g: Graph, k: int, shape: Tuple[int, ...]) -> Graph:
    """`g` with output `k` reshaped to `shape` (the other outputs dropped)."""
    b = Builder()
    for n in g.nodes:
        b.add(n)
    out = b.op("Reshape", g.outputs[k], shape=shape) if g.outputs[k].type.shape != shape \
        else g.outputs[k]
    return Graph(g.name, g.inputs, b.nodes, [out])


def _basis(n: int, shape: Tuple[int, ...], dtype: str, cls: type) -> Any:
    return cls._wrap(np.eye(n, dtype=dtype).reshape((n,) + shape))


def _jacobian(fn: Callable, argnums: ArgNums, mode: str) -> Callable:
    nums, single = _argnums(argnums)

    def jac(*args: Any) -> Any:
        tr = trace(fn, args, "jac" + mode, per_call=True)
        if tr.structure is not None:
            raise MXNetError("transforms.jac%s: the function must return one array" % mode)
        arrays = as_arrays(args)
        out_t = tr.graph.outputs[0].type
        results = []
        for k in nums:
            in_t = tr.graph.inputs[k].type
            g = _cached(("jac" + mode, tr.graph, k), lambda: _jacobian_graph(tr, k, mode))
            basis_n, basis_shape = (in_t.size, in_t.shape) if mode == "fwd" else \
                (out_t.size, out_t.shape)
            basis = _basis(basis_n, basis_shape, in_t.dtype if mode == "fwd" else out_t.dtype,
                           tr.cls)
            results.append(run(g, tr.inputs(arrays) + [basis], tr.cls)[0])
            jac.graph = g
        return results[0] if single else tuple(results)
    jac.graph = None
    jac.__name__ = "jac%s_%s" % (mode, getattr(fn, "__name__", "f").strip("<>"))
    jac.__wrapped__ = fn  # type: ignore[attr-defined]
    return jac


def _jacobian_graph(tr: Traced, k: int, mode: str) -> Graph:
    """Forward: vmap of the jvp over the input basis. Reverse: vmap of the gradient
    graph over the output basis. Either way output shape = out.shape + in.shape."""
    graph = tr.graph
    in_t, out_t = graph.inputs[k].type, graph.outputs[0].type
    n_in = len(graph.inputs)
    if mode == "fwd":
        j = get_pass("jvp")(graph, wrt=[k])
        v = get_pass("vmap")(j, size=in_t.size, in_axes=[None] * n_in + [0],
                             out_axes=[None, -1])
        return _reshaped(v, 1, out_t.shape + in_t.shape)
    g = get_pass("grad")(graph, wrt=[k], head_grads="input")
    v = get_pass("vmap")(g, size=out_t.size, in_axes=[None] * n_in + [0], out_axes=0)
    return _reshaped(v, 0, out_t.shape + in_t.shape)


def jacfwd(fn: Callable, argnums: ArgNums = 0) -> Callable:
    """The Jacobian function of `fn` by forward mode (vmap of jvp over the basis of the
    input), like `jax.jacfwd`: shape `out.shape + in.shape`."""
    return _jacobian(fn, argnums, "fwd")


def jacrev(fn: Callable, argnums: ArgNums = 0) -> Callable:
    """The Jacobian function of `fn` by reverse mode (vmap of the gradient over the basis
    of the output), like `jax.jacrev`."""
    return _jacobian(fn, argnums, "rev")


def hessian(fn: Callable, argnums: int = 0) -> Callable:
    """jacfwd(jacrev(fn)), like `jax.hessian`: shape `out.shape + in.shape + in.shape`."""
    h = jacfwd(jacrev(fn, argnums), argnums)
    h.__name__ = "hessian_" + getattr(fn, "__name__", "f").strip("<>")
    h.__wrapped__ = fn  # type: ignore[attr-defined]
    return h


def hvp(fn: Callable, primals: Sequence[Any], tangents: Sequence[Any]) -> Any:
    """The Hessian-vector product of scalar `fn` at `primals` along `tangents`,
    forward-over-reverse: the jvp of `grad(fn)`. Returns one array per float primal
    (just the array when there is one)."""
    floats = [i for i, a in enumerate(as_arrays(primals)) if a._data.dtype.kind == "f"]
    g = grad(fn, argnums=floats[0] if len(floats) == 1 else floats)
    return jvp(g, primals, tangents)[1]
