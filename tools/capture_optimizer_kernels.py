"""Capture MXNet 1.9.1's fused optimizer update operators (`mx.nd.sgd_update`, ...,
`mx.nd.contrib.adamw_update`, ...) step by step, with the facts around them.

Run with the oracle: /tmp/mxnet-oracle/bin/python tools/capture_optimizer_kernels.py
Writes tests/data/mxnet/optimizer/kernels.json:

- "cases": each calls one operator for STEPS steps on fixed seeded inputs: `args` (the
  positional arrays, name / dtype / value), `kwargs`, `out` (indices of the arrays
  passed as `out=`, or null: then the returned arrays are recorded and nothing is fed
  back), `grads` (indices of the arrays given new values each step, in `inputs`), and
  after each step every array's value (`after`) and the returned arrays (`returned`).
- "errors": bad calls (shape mismatches, wrong array counts): the exception type and
  whether any array changed.
- "record": what happens under `autograd.record()`.
"""
import json
import os
import warnings

import mxnet as mx
import numpy as np

warnings.simplefilter("ignore")
OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "mxnet", "optimizer",
                   "kernels.json")
STEPS = 3
SHAPE = (2, 3)


def _rng(seed):
    return np.random.RandomState(seed)


def _fn(ns, op):
    return getattr(mx.nd.contrib if ns == "contrib" else mx.nd, op)


def _value(rng, kind, shape):
    if kind == "grad":
        return rng.uniform(-1.5, 1.5, shape)
    if kind == "weight":
        return rng.uniform(-1, 1, shape)
    if kind == "pos":        # non-negative states (variances, n, history)
        return rng.uniform(0.0, 0.5, shape)
    if kind == "zero":
        return np.zeros(shape)
    return rng.uniform(-0.5, 0.5, shape)   # signed states (moments, z)


def case(ns, op, args, kwargs, out="first", seed=0, steps=STEPS, nout=1):
    """args: list of (name, kind, shape, dtype); kind 'grad' arrays change each step.
    out='first' passes the first `nout` weights (the args named weight*) as out=."""
    rng = _rng(seed)
    specs = [(n, k, s, d) for n, k, s, d in args]
    values = [_value(rng, k, s).astype(d) for n, k, s, d in specs]
    # master weights start as the float32 copy of their weight
    for i, (n, k, s, d) in enumerate(specs):
        if n.startswith("weight32"):
            src = [j for j, sp in enumerate(specs) if sp[0] == "weight" + n[len("weight32"):]]
            values[i] = values[src[0]].astype(np.float32)
    arrays = [mx.nd.array(v, dtype=d) for v, (n, k, s, d) in zip(values, specs)]
    grads = [i for i, sp in enumerate(specs) if sp[1] == "grad"]
    if out == "first":
        out_idx = [i for i, sp in enumerate(specs) if sp[0].startswith("weight")
                   and not sp[0].startswith("weight32")][:nout]
    else:
        out_idx = None
    rec = {"ns": ns, "op": op, "kwargs": kwargs, "out": out_idx, "grads": grads,
           "args": [{"name": n, "dtype": d, "value": v.tolist()}
                    for (n, k, s, d), v in zip(specs, values)],
           "inputs": [], "after": [], "returned": []}
    fn = _fn(ns, op)
    call_kw = {k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()}
    for step in range(steps):
        new = [_value(rng, "grad", specs[i][2]).astype(specs[i][3]) for i in grads]
        for i, v in zip(grads, new):
            arrays[i][:] = v
        rec["inputs"].append([v.tolist() for v in new])
        call = list(arrays)
        if op == "group_adagrad_update":
            # MXNet 1.9.1 implements it on CPU only for a row_sparse gradient; with every
            # row present that is the dense update
            call[1] = call[1].tostype("row_sparse")
        if out_idx is None:
            res = fn(*call, **call_kw)
        else:
            outs = [arrays[i] for i in out_idx]
            res = fn(*call, out=outs[0] if len(outs) == 1 else outs, **call_kw)
        res = res if isinstance(res, (list, tuple)) else [res]
        rec["returned"].append([r.asnumpy().tolist() for r in res])
        rec["after"].append([a.asnumpy().astype(np.float64).tolist() for a in arrays])
    return rec


F32, F16 = "float32", "float16"


def W(n="weight", d=F32, s=SHAPE):
    return (n, "weight", s, d)


def G(n="grad", d=F32, s=SHAPE):
    return (n, "grad", s, d)


def S(n, kind="state", d=F32, s=SHAPE):
    return (n, kind, s, d)


SCAL = (1,)
CASES = []


def add(*a, **k):
    CASES.append((a, k))


CLIPS = [dict(), dict(wd=0.05), dict(clip_gradient=0.4, rescale_grad=0.5),
         dict(wd=0.1, clip_gradient=0.3, rescale_grad=2.0), dict(clip_gradient=-1.0, wd=0.02),
         dict(clip_gradient=0.0)]
for extra in CLIPS:
    add("nd", "sgd_update", [W(), G()], dict(lr=0.1, **extra))
    add("nd", "sgd_mom_update", [W(), G(), S("mom")], dict(lr=0.1, momentum=0.9, **extra))
    add("nd", "nag_mom_update", [W(), G(), S("mom")], dict(lr=0.1, momentum=0.8, **extra))
    add("nd", "signsgd_update", [W(), G()], dict(lr=0.05, **extra))
    add("nd", "signum_update", [W(), G(), S("mom")], dict(lr=0.05, momentum=0.9, **extra))
    add("nd", "adam_update", [W(), G(), S("mean"), S("var", "pos")],
        dict(lr=0.01, **extra))
    add("nd", "rmsprop_update", [W(), G(), S("n", "pos")], dict(lr=0.01, **extra))
    add("nd", "rmspropalex_update", [W(), G(), S("n", "pos"), S("g", "zero"),
                                     S("delta", "zero")], dict(lr=0.01, **extra))
    add("nd", "ftrl_update", [W(), G(), S("z"), S("n", "pos")], dict(lr=0.1, **extra))
    ftml = dict(extra)
    if "clip_gradient" in ftml:
        ftml["clip_grad"] = ftml.pop("clip_gradient")
    add("nd", "ftml_update", [W(), G(), S("d", "zero"), S("v", "zero"), S("z", "zero")],
        dict(lr=0.05, t=1, **ftml))
    add("nd", "lamb_update_phase1", [W(), G(), S("mean"), S("var", "pos")],
        dict(t=2, wd=extra.get("wd", 0.0), **{k: v for k, v in extra.items() if k != "wd"}),
        out=None)
    ga = {k: v for k, v in extra.items() if k != "wd"}
    add("contrib", "group_adagrad_update", [W(), G(), S("history", "pos", s=(2, 1))],
        dict(lr=0.1, **ga))
    add("nd", "mp_sgd_update", [W(d=F16), G(d=F16), W("weight32")], dict(lr=0.1, **extra))
    add("nd", "mp_sgd_mom_update", [W(d=F16), G(d=F16), S("mom"), W("weight32")],
        dict(lr=0.1, momentum=0.9, **extra))
    add("nd", "mp_nag_mom_update", [W(d=F16), G(d=F16), S("mom"), W("weight32")],
        dict(lr=0.1, momentum=0.9, **extra))

# the other parameters, away from their defaults
add("nd", "sgd_update", [W(), G()], dict(lr=0.1, wd=0.01, lazy_update=False))
add("nd", "sgd_mom_update", [W(), G(), S("mom")], dict(lr=0.1, wd=0.01, lazy_update=False))
add("nd", "sgd_update", [W(), G()], dict(lr=0.1, wd=0.01), out=None)
add("nd", "sgd_mom_update", [W(), G(), S("mom")], dict(lr=0.1, momentum=0.5), out=None)
add("nd", "nag_mom_update", [W(), G(), S("mom")], dict(lr=0.1, momentum=0.8, wd=0.3), out=None)
add("nd", "signum_update", [W(), G(), S("mom")], dict(lr=0.05, momentum=0.8, wd=0.1,
                                                      wd_lh=0.2))
add("nd", "adam_update", [W(), G(), S("mean"), S("var", "pos")],
    dict(lr=0.01, beta1=0.5, beta2=0.8, epsilon=1e-3, wd=0.1, lazy_update=False))
add("nd", "rmsprop_update", [W(), G(), S("n", "pos")],
    dict(lr=0.1, gamma1=0.7, epsilon=1e-3, clip_weights=0.5, wd=0.1))
add("nd", "rmspropalex_update", [W(), G(), S("n", "pos"), S("g", "zero"), S("delta", "zero")],
    dict(lr=0.01, gamma1=0.8, gamma2=0.7, epsilon=1e-3, clip_weights=0.9, wd=0.1))
add("nd", "ftrl_update", [W(), G(), S("z"), S("n", "pos")],
    dict(lr=0.1, lamda1=0.2, beta=0.5, wd=0.1))
add("nd", "ftml_update", [W(), G(), S("d", "zero"), S("v", "zero"), S("z", "zero")],
    dict(lr=0.05, beta1=0.5, beta2=0.9, epsilon=1e-4, t=3, wd=0.1, clip_grad=0.5))
add("nd", "lamb_update_phase1", [W(), G(), S("mean"), S("var", "pos")],
    dict(t=1, wd=0.1, bias_correction=False, beta1=0.5, beta2=0.8, epsilon=1e-3),
    out=None)
for lb, ub in ((-1.0, -1.0), (0.5, -1.0), (-1.0, 0.2), (2.0, 3.0), (0.0, 0.0)):
    add("nd", "lamb_update_phase2", [W(), G("g"), S("r1", "pos", s=SCAL), S("r2", "pos", s=SCAL)],
        dict(lr=0.1, lower_bound=lb, upper_bound=ub))
    add("nd", "mp_lamb_update_phase2", [W(d=F16), G("g"), S("r1", "pos", s=SCAL),
                                        S("r2", "pos", s=SCAL), W("weight32")],
        dict(lr=0.1, lower_bound=lb, upper_bound=ub))
add("nd", "lamb_update_phase2", [W(), G("g"), S("r1", "zero", s=SCAL), S("r2", "pos", s=SCAL)],
    dict(lr=0.1))
add("nd", "mp_lamb_update_phase1", [W(d=F16), G(d=F16), S("mean"), S("var", "pos"),
                                    W("weight32")],
    dict(t=2, wd=0.1, clip_gradient=0.5, rescale_grad=0.5), out=None)
add("nd", "mp_lamb_update_phase1", [W(d=F16), G(d=F16), S("mean"), S("var", "pos"),
                                    W("weight32")], dict(t=1, wd=0.0, bias_correction=False),
    out=None)
for extra in (dict(), dict(wd=0.1, clip_gradient=0.3), dict(beta1=0.5, beta2=0.8, epsilon=1e-3)):
    for rg in (0.5, 1.0):
        add("contrib", "adamw_update", [W(), G(), S("mean"), S("var", "pos"),
                                        S("rescale_grad", "zero", s=SCAL)],
            dict(lr=0.5, eta=0.1, **extra), seed=1)
        CASES[-1][1]["rescale"] = rg
        add("contrib", "mp_adamw_update", [W(d=F16), G(d=F16), S("mean"), S("var", "pos"),
                                           W("weight32"), S("rescale_grad", "zero", s=SCAL)],
            dict(lr=0.5, eta=0.1, **extra), seed=2)
        CASES[-1][1]["rescale"] = rg
for bad in (float("inf"), float("nan"), 0.0):
    add("contrib", "adamw_update", [W(), G(), S("mean"), S("var", "pos"),
                                    S("rescale_grad", "zero", s=SCAL)],
        dict(lr=0.5, eta=0.1, wd=0.1), seed=3)
    CASES[-1][1]["rescale"] = bad


def multi(ns, op, per, n, kwargs, tail=(), seed=0, out="first"):
    args = []
    shapes = [(2, 3), (4,), (1, 2, 2)][:n]
    for k, s in enumerate(shapes):
        for name, kind, d in per:
            args.append(("%s%d" % (name, k) if name != "weight32" else "weight32%d" % k,
                         kind, s, d))
    args.extend(tail)
    add(ns, op, args, kwargs, seed=seed, out=out, nout=n)


SGD = [("weight", "weight", F32), ("grad", "grad", F32)]
MOM = [("weight", "weight", F32), ("grad", "grad", F32), ("mom", "state", F32)]
MP = [("weight", "weight", F16), ("grad", "grad", F16), ("weight32", "weight", F32)]
MPMOM = [("weight", "weight", F16), ("grad", "grad", F16), ("mom", "state", F32),
         ("weight32", "weight", F32)]
for extra in (dict(), dict(rescale_grad=0.5, clip_gradient=0.3)):
    for n in (1, 3):
        lw = dict(lrs=[0.1, 0.05, 0.2][:n], wds=[0.0, 0.1, 0.01][:n], num_weights=n, **extra)
        multi("nd", "multi_sgd_update", SGD, n, lw)
        multi("nd", "multi_sgd_mom_update", MOM, n, dict(momentum=0.9, **lw))
        multi("nd", "multi_mp_sgd_update", MP, n, lw)
        multi("nd", "multi_mp_sgd_mom_update", MPMOM, n, dict(momentum=0.9, **lw))
        pre = [("lrs", "pos", (n,), F32), ("wds", "pos", (n,), F32)]
        pk = dict(num_weights=n, **extra)
        multi("nd", "preloaded_multi_sgd_update", SGD, n, pk, tail=pre)
        multi("nd", "preloaded_multi_sgd_mom_update", MOM, n, dict(momentum=0.9, **pk), tail=pre)
        multi("nd", "preloaded_multi_mp_sgd_update", MP, n, pk, tail=pre)
        multi("nd", "preloaded_multi_mp_sgd_mom_update", MPMOM, n, dict(momentum=0.9, **pk),
              tail=pre)


def capture_cases():
    out = []
    for (ns, op, args, kwargs), k in CASES:
        k = dict(k)
        rescale = k.pop("rescale", None)
        rec = case(ns, op, args, kwargs, **k) if rescale is None else None
        if rescale is not None:
            rec = _adamw(ns, op, args, kwargs, rescale, k)
        out.append(rec)
    return out


def _adamw(ns, op, args, kwargs, rescale, k):
    # the rescale_grad array holds a fixed value: run the case with that value set
    global _value
    orig = _value

    def value(rng, kind, shape):
        return np.full(shape, rescale) if shape == SCAL else orig(rng, kind, shape)
    _value = value
    try:
        rec = case(ns, op, args, kwargs, **k)
    finally:
        _value = orig
    return rec


MULTI_ADAMW = []


def capture_contrib_multi():
    """multi_adamw_update / multi_mp_adamw_update / multi_lamb_update /
    multi_mp_lamb_update take lists (the Python wrappers flatten them)."""
    recs = []
    for mp in (False, True):
        for extra in (dict(), dict(clip_gradient=0.3, beta1=0.5)):
            rng = _rng(5)
            shapes = [(2, 3), (4,)]
            wd = F16 if mp else F32
            ws = [rng.uniform(-1, 1, s).astype(wd) for s in shapes]
            w32 = [w.astype(np.float32) for w in ws]
            ms = [rng.uniform(-.5, .5, s).astype(np.float32) for s in shapes]
            vs = [rng.uniform(0, .5, s).astype(np.float32) for s in shapes]
            init = dict(weights=[w.tolist() for w in ws], mean=[m.tolist() for m in ms],
                        var=[v.tolist() for v in vs])
            W_ = [mx.nd.array(w, dtype=wd) for w in ws]
            W32 = [mx.nd.array(w) for w in w32]
            M = [mx.nd.array(m) for m in ms]
            V = [mx.nd.array(v) for v in vs]
            for kind in ("adamw", "lamb"):
                Wk = [w.copy() for w in W_]
                W32k = [w.copy() for w in W32]
                Mk = [m.copy() for m in M]
                Vk = [v.copy() for v in V]
                rec = dict(kind=kind, mp=mp, dtype=wd, kwargs=extra, init=init, steps=[])
                for step in range(STEPS):
                    gs = [rng.uniform(-1.5, 1.5, s).astype(wd) for s in shapes]
                    G_ = [mx.nd.array(g, dtype=wd) for g in gs]
                    if kind == "adamw":
                        kw = dict(rescale_grad=0.5, lrs=[0.5, 0.4], wds=[0.1, 0.0],
                                  etas=[0.1, 0.2], **extra)
                        fn = (mx.nd.contrib.multi_mp_adamw_update if mp
                              else mx.nd.contrib.multi_adamw_update)
                    else:
                        kw = dict(step_count=[step + 1, step + 2], lrs=[0.1, 0.05],
                                  wds=[0.1, 0.0], lower_bound=0.1, upper_bound=5.0, **extra)
                        fn = (mx.nd.contrib.multi_mp_lamb_update if mp
                              else mx.nd.contrib.multi_lamb_update)
                    lists = (Wk, G_, Mk, Vk) + ((W32k,) if mp else ())
                    fn(*lists, out=Wk, **kw)
                    rec["steps"].append(dict(
                        kwargs=kw, grads=[g.tolist() for g in gs],
                        weights=[w.asnumpy().astype(np.float64).tolist() for w in Wk],
                        weights32=[w.asnumpy().tolist() for w in W32k] if mp else None,
                        mean=[m.asnumpy().tolist() for m in Mk],
                        var=[v.asnumpy().tolist() for v in Vk]))
                recs.append(rec)
    return recs


def capture_misc():
    """all_finite, multi_all_finite, multi_sum_sq, multi_lars, reset_arrays."""
    res = {}
    a = mx.nd.array([[1.0, -2.0], [3.0, 0.5]])
    b = mx.nd.array([1.0, np.inf, 2.0])
    c = mx.nd.array([np.nan, 1.0])
    h = mx.nd.array([1.0, 2.0], dtype="float16")
    r = mx.nd.all_finite(a)
    res["all_finite"] = [mx.nd.all_finite(x).asnumpy().tolist() for x in (a, b, c, h)]
    res["all_finite_dtype_shape"] = [str(r.dtype.__name__), list(r.shape)]
    o = mx.nd.array([0.0])
    mx.nd.all_finite(a, init_output=False, out=o)
    res["all_finite_noinit_keeps"] = o.asnumpy().tolist()
    o = mx.nd.array([7.0])
    mx.nd.all_finite(b, init_output=False, out=o)
    res["all_finite_noinit_bad"] = o.asnumpy().tolist()
    res["multi_all_finite"] = [
        mx.nd.multi_all_finite(a, mx.nd.array([1.0, 2.0]), num_arrays=2).asnumpy().tolist(),
        mx.nd.multi_all_finite(a, b, c, num_arrays=3).asnumpy().tolist()]
    s = mx.nd.multi_sum_sq(a, mx.nd.array([0.5]), mx.nd.array([3.0, 4.0]), num_arrays=3)
    res["multi_sum_sq"] = [s.asnumpy().tolist(), str(s.dtype.__name__)]
    lrs = mx.nd.array([0.1, 0.2, 0.3, 0.4])
    wss = mx.nd.array([4.0, 0.0, 9.0, 1.0])
    gss = mx.nd.array([1.0, 2.0, 0.0, 0.25])
    wds = mx.nd.array([0.1, 0.0, 0.2, 0.0])
    res["multi_lars"] = [
        mx.nd.multi_lars(lrs, wss, gss, wds, eta=0.5, eps=0.01).asnumpy().tolist(),
        mx.nd.multi_lars(lrs, wss, gss, wds, eta=0.1, eps=0.0,
                         rescale_grad=2.0).asnumpy().tolist()]
    x, y = mx.nd.array([1.0, 2.0]), mx.nd.array([[3.0], [4.0]])
    ret = mx.nd.reset_arrays(x, y, num_arrays=2)
    res["reset_arrays"] = [x.asnumpy().tolist(), y.asnumpy().tolist(),
                           repr(type(ret).__name__),
                           len(ret) if isinstance(ret, (list, tuple)) else None]
    w = mx.nd.array([1.0, 2.0])
    ret = mx.nd.sgd_update(w, mx.nd.array([1.0, 1.0]), lr=0.1, out=w)
    res["returns_out"] = ret is w
    ws = [mx.nd.array([1.0]), mx.nd.array([2.0])]
    ret = mx.nd.multi_sgd_update(ws[0], mx.nd.array([1.0]), ws[1], mx.nd.array([1.0]),
                                 lrs=(0.1, 0.1), wds=(0.0, 0.0), num_weights=2, out=ws)
    res["multi_returns"] = [type(ret).__name__, [r is w for r, w in zip(ret, ws)]]
    return res


def _snap(arrays):
    return [a.asnumpy().copy() for a in arrays]


ERRORS = [
    ("sgd_update shape", lambda A: mx.nd.sgd_update(A[0], A[1], lr=0.1, out=A[0]),
     [(2, 3), (3, 2)]),
    ("sgd_mom_update mom shape", lambda A: mx.nd.sgd_mom_update(A[0], A[1], A[2], lr=0.1,
                                                                 momentum=0.9, out=A[0]),
     [(2, 3), (2, 3), (3,)]),
    ("adam_update var shape", lambda A: mx.nd.adam_update(A[0], A[1], A[2], A[3], lr=0.1,
                                                           out=A[0]),
     [(2, 3), (2, 3), (2, 3), (2, 2)]),
    ("sgd_update no lr", lambda A: mx.nd.sgd_update(A[0], A[1], out=A[0]), [(2,), (2,)]),
    ("multi_sgd_update odd count", lambda A: mx.nd.multi_sgd_update(
        A[0], A[1], A[2], lrs=(0.1, 0.1), wds=(0.0, 0.0), num_weights=2, out=[A[0], A[2]]),
     [(2,), (2,), (2,)]),
    ("multi_sgd_update lrs count", lambda A: mx.nd.multi_sgd_update(
        A[0], A[1], A[2], A[3], lrs=(0.1,), wds=(0.0, 0.0), num_weights=2,
        out=[A[0], A[2]]), [(2,), (2,), (2,), (2,)]),
    ("multi_sgd_update shape", lambda A: mx.nd.multi_sgd_update(
        A[0], A[1], A[2], A[3], lrs=(0.1, 0.1), wds=(0.0, 0.0), num_weights=2,
        out=[A[0], A[2]]), [(2,), (2,), (3,), (2,)]),
    ("multi_sgd_update without out", lambda A: mx.nd.multi_sgd_update(
        A[0], A[1], A[2], A[3], lrs=(0.1, 0.1), wds=(0.0, 0.0), num_weights=2),
     [(2,), (2,), (2,), (2,)]),
    ("multi_all_finite count", lambda A: mx.nd.multi_all_finite(A[0], A[1], num_arrays=1),
     [(2,), (2,)]),
    ("multi_sum_sq count", lambda A: mx.nd.multi_sum_sq(A[0], A[1], num_arrays=3),
     [(2,), (2,)]),
    ("lamb_update_phase2 r1 shape", lambda A: mx.nd.lamb_update_phase2(
        A[0], A[1], A[2], A[3], lr=0.1, out=A[0]), [(2,), (2,), (2,), (1,)]),
]


def capture_errors():
    out = []
    for label, call, shapes in ERRORS:
        arrays = [mx.nd.array(np.arange(np.prod(s), dtype=np.float32).reshape(s) + 1)
                  for s in shapes]
        before = _snap(arrays)
        try:
            call(arrays)
            mx.nd.waitall()
            err = None
        except Exception as e:  # noqa: BLE001
            err = [type(e).__name__, str(e).strip().splitlines()[-1][:300]]
        changed = any(not np.array_equal(b, a.asnumpy()) for b, a in zip(before, arrays))
        out.append(dict(label=label, error=err, changed=changed))
    return out


def capture_record():
    """Under autograd.record(): an update of arrays outside any graph is not recorded;
    out= onto an array with a gradient buffer, and backward through a result."""
    res = {}
    w, g = mx.nd.array([1.0, 2.0]), mx.nd.array([0.5, 0.5])
    with mx.autograd.record():
        mx.nd.sgd_update(w, g, lr=0.1, out=w)
    res["plain"] = w.asnumpy().tolist()
    w = mx.nd.array([1.0, 2.0])
    w.attach_grad()
    try:
        with mx.autograd.record():
            mx.nd.sgd_update(w, g, lr=0.1, out=w)
        res["out_marked"] = ["ok", w.asnumpy().tolist()]
    except Exception as e:  # noqa: BLE001
        res["out_marked"] = [type(e).__name__, str(e).strip().splitlines()[-1][:300]]
    w = mx.nd.array([1.0, 2.0])
    w.attach_grad()
    try:
        with mx.autograd.record():
            y = mx.nd.sgd_update(w, g, lr=0.1)
        y.backward()
        res["backward"] = ["ok", w.grad.asnumpy().tolist()]
    except Exception as e:  # noqa: BLE001
        res["backward"] = [type(e).__name__, str(e).strip().splitlines()[-1][:300]]
    w = mx.nd.array([1.0, 2.0])
    w.attach_grad()
    with mx.autograd.record():
        z = w * 2
        mx.nd.sgd_update(z, g, lr=0.1, out=mx.nd.zeros(2))
    res["graph_input_not_out"] = "ok"
    return res


def main():
    data = dict(cases=capture_cases(), contrib_multi=capture_contrib_multi(),
                misc=capture_misc(), errors=capture_errors(), record=capture_record())
    with open(OUT, "w") as fh:
        json.dump(data, fh)
    print("wrote %d cases to %s" % (len(data["cases"]), OUT))
    print(json.dumps(dict(misc=data["misc"], errors=data["errors"], record=data["record"]),
                     indent=1))


if __name__ == "__main__":
    main()
