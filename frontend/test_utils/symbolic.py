"""MXNet's checks of a Symbol's forward and backward results against expected arrays:
`check_symbolic_forward`, `check_symbolic_backward`, `simple_forward`, plus
`check_consistency` and `check_speed`. Users run them on their own symbols (including
ones built from `mx.sym` operators or custom ones)."""
from __future__ import annotations

import time
from typing import Any, Dict, List

import numpy as np

from ..ir.errors import MXNetError
from ..ndarray import NDArray
from .. import ndarray as nd
from ..unsupported import SPARSE
from .compare import assert_almost_equal

_FLOATS = (np.float16, np.float32, np.float64)


def _check_dtype(dtype) -> None:
    if not (isinstance(dtype, str) and dtype == "asnumpy") and dtype not in _FLOATS:
        raise ValueError("dtype must be 'asnumpy', np.float16, np.float32 or np.float64, "
                         "got %r" % (dtype,))


def _to_nd(value: Any, dtype) -> NDArray:
    if isinstance(value, NDArray):
        return value
    value = np.asarray(value)
    return nd.array(value, dtype=value.dtype if isinstance(dtype, str) else dtype)


def _parse(names: List[str], given, dtype, what: str) -> Dict[str, NDArray]:
    if given is None:
        given = {}
    if isinstance(given, dict):
        if set(given) != set(names):
            raise ValueError("Symbol %s and keys of the given location do not match. "
                             "symbol args:%s, location.keys():%s"
                             % (what, set(names), set(given)))
        pairs = given.items()
    else:
        if len(given) != len(names):
            raise ValueError("Symbol %s: %d given for %d (%s)"
                             % (what, len(given), len(names), ", ".join(names)))
        pairs = zip(names, given)
    return {k: _to_nd(v, dtype) for k, v in pairs}


def _assert(expected, actual, rtol, atol, names, equal_nan) -> None:
    assert_almost_equal(expected, actual, rtol, atol, names, equal_nan=equal_nan)


def check_symbolic_forward(sym, location, expected, rtol=None, atol=None, aux_states=None,
                           ctx=None, equal_nan=False, dtype=np.float32) -> List[NDArray]:
    """Bind `sym` to `location` (list in `list_arguments()` order or dict), run forward
    (is_train=False) and assert each output is close to `expected` (list, or dict by
    output name). Returns the outputs."""
    _check_dtype(dtype)
    args = _parse(sym.list_arguments(), location, dtype, "arguments")
    aux = _parse(sym.list_auxiliary_states(), aux_states, dtype, "auxiliary states")
    if isinstance(expected, dict):
        expected = [expected[k] for k in sym.list_outputs()]
    executor = sym.bind(ctx=ctx, args=args, aux_states=aux)
    outputs = executor.forward(is_train=False)
    if len(expected) != len(outputs):
        raise MXNetError("check_symbolic_forward: %d expected arrays for %d outputs"
                         % (len(expected), len(outputs)))
    for name, expect, output in zip(sym.list_outputs(), expected, outputs):
        _assert(expect, output, rtol, atol, ("EXPECTED_%s" % name, "FORWARD_%s" % name),
                equal_nan)
    return outputs


def check_symbolic_backward(sym, location, out_grads, expected, rtol=None, atol=None,
                            aux_states=None, grad_req="write", ctx=None, grad_stypes=None,
                            equal_nan=False, dtype=np.float32) -> Dict[str, NDArray]:
    """Bind `sym`, run forward (is_train=True) and backward with head gradients
    `out_grads`, and assert each argument's gradient is close to `expected` (list in
    `list_arguments()` order, or dict). grad_req 'add' adds to random initial buffers
    (the check subtracts them); 'null' leaves them untouched. Returns the gradients."""
    _check_dtype(dtype)
    if grad_stypes and any(s not in (None, "default") for s in grad_stypes.values()):
        raise NotImplementedError("check_symbolic_backward with sparse grad_stypes: " + SPARSE)
    names = sym.list_arguments()
    args = _parse(names, location, dtype, "arguments")
    aux = _parse(sym.list_auxiliary_states(), aux_states, dtype, "auxiliary states")
    if isinstance(expected, (list, tuple)):
        expected = dict(zip(names, expected))
    initial = {k: np.random.normal(size=np.shape(v)) for k, v in sorted(expected.items())}
    grads = {k: nd.array(v, dtype=np.asarray(expected[k]).dtype if isinstance(dtype, str)
                         else dtype) for k, v in initial.items()}
    reqs = {k: grad_req for k in names} if isinstance(grad_req, str) else (
        dict(zip(names, grad_req)) if isinstance(grad_req, (list, tuple)) else dict(grad_req))
    executor = sym.bind(ctx=ctx, args=args, args_grad=grads, aux_states=aux, grad_req=reqs)
    executor.forward(is_train=True)
    if isinstance(out_grads, (list, tuple)):
        out_grads = [_to_nd(g, dtype) for g in out_grads]
    elif isinstance(out_grads, dict):
        out_grads = [_to_nd(out_grads[k], dtype) for k in sym.list_outputs()]
    elif out_grads is not None:
        out_grads = [_to_nd(out_grads, dtype)]
    executor.backward(out_grads)
    for name in expected:
        label = ("EXPECTED_%s" % name, "BACKWARD_%s" % name)
        req = reqs.get(name, "null")
        if req == "write":
            _assert(expected[name], grads[name], rtol, atol, label, equal_nan)
        elif req == "add":
            _assert(expected[name], grads[name].asnumpy() - initial[name], rtol, atol, label,
                    equal_nan)
        elif req == "null":
            _assert(initial[name], grads[name], rtol, atol, label, equal_nan)
        else:
            raise ValueError("Invalid grad_req %s for argument %s" % (req, name))
    return grads


def simple_forward(sym, ctx=None, is_train=False, **inputs):
    """Run `sym` on NumPy `inputs` (by name); NumPy output(s)."""
    executor = sym.bind(ctx, args={k: nd.array(v) for k, v in inputs.items()})
    outputs = [o.asnumpy() for o in executor.forward(is_train=is_train)]
    return outputs[0] if len(outputs) == 1 else outputs


def check_speed(sym, location=None, ctx=None, N=20, grad_req=None, typ="whole", **kwargs):
    """Seconds per run of `sym` (forward + backward for typ='whole', forward only for
    typ='forward'), averaged over N runs; arguments random normal if `location` is None."""
    if location is None:
        arg_shapes, _, _ = sym.infer_shape(**kwargs)
        location = {n: np.random.normal(size=s, scale=1.0)
                    for n, s in zip(sym.list_arguments(), arg_shapes)}
    args = {k: nd.array(v) for k, v in (location.items() if isinstance(location, dict)
                                         else zip(sym.list_arguments(), location))}
    if typ not in ("whole", "forward"):
        raise ValueError('typ can only be "whole" or "forward".')
    grads = {k: nd.zeros(v.shape) for k, v in args.items()} if typ == "whole" else None
    executor = sym.bind(ctx, args=args, args_grad=grads, grad_req=grad_req or "write")
    start = time.perf_counter()
    for _ in range(N):
        executor.forward(is_train=typ == "whole")
        if typ == "whole":
            executor.backward([nd.ones(o.shape) for o in executor.outputs])
    return (time.perf_counter() - start) / N


def check_consistency(sym, ctx_list, scale=1.0, grad_req="write", arg_params=None,
                      aux_params=None, tol=None, raise_on_err=True, ground_truth=None,
                      equal_nan=False, use_uniform=False, rand_type=np.float64):
    """MXNet compares one symbol across contexts and dtypes. tapegraph has one device, so
    this checks each entry's dtype against the float64 run (forward outputs)."""
    syms = sym if isinstance(sym, (list, tuple)) else [sym] * len(ctx_list)
    base = syms[0]
    shapes = {k: v for k, v in ctx_list[0].items() if k not in ("ctx", "type_dict")}
    arg_shapes, _, _ = base.infer_shape(**shapes)
    draw = (lambda s: np.random.uniform(-scale, scale, s)) if use_uniform else \
        (lambda s: np.random.normal(size=s, scale=scale))
    values = {n: (arg_params or {}).get(n, draw(s)) for n, s in
              zip(base.list_arguments(), arg_shapes)}
    reference = [o.asnumpy() for o in base.bind(args={
        k: nd.array(v, dtype=np.float64) for k, v in values.items()}).forward()]
    results = []
    for s, spec in zip(syms, ctx_list):
        types = spec.get("type_dict", {})
        args = {k: nd.array(v, dtype=types.get(k, np.float32)) for k, v in values.items()}
        outs = s.bind(args=args).forward()
        for o, r in zip(outs, reference):
            dt = np.dtype(o.dtype)
            _assert(r, o, tol or {np.dtype(np.float16): 1e-1, np.dtype(np.float32): 1e-3,
                                  np.dtype(np.float64): 1e-5}.get(dt, 1e-3),
                    tol or 1e-3, ("reference", str(dt)), equal_nan)
        results.append(outs)
    return results
