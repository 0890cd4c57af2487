"""Workloads written against the MXNet 1.9.1 imperative API only.

The same code runs on real MXNet (``python workloads_mxnet.py``, e.g. from the
Python 3.8 oracle env) and on tapegraph (``workloads_tapegraph.py`` sets
``mx = tapegraph``). A missing op surfaces as an exception in that workload,
which the harness reports as "n/a".
"""
from __future__ import annotations

import sys

import common

mx = None   # set by run(): the mxnet module or tapegraph


def _sync(grads):
    """Block until gradients are computed (MXNet's engine is asynchronous)."""
    waitall = getattr(mx.nd, "waitall", None)
    if waitall is not None:
        waitall()
    else:
        for g in grads:
            g.asnumpy()
    return grads


def _arr(a, grad=False):
    x = mx.nd.array(a, dtype="float32")
    if grad:
        x.attach_grad()
    return x


def _apply(op, x):
    return common.w1_apply(op, x, mx.nd)


def _chain(x, n):
    return common.w5_chain(x, n)


def _mlp_loss(ps, x, lab):
    h = mx.nd.relu(mx.nd.FullyConnected(data=x, weight=ps[0], bias=ps[1], num_hidden=512))
    h = mx.nd.relu(mx.nd.FullyConnected(data=h, weight=ps[2], bias=ps[3], num_hidden=512))
    z = mx.nd.FullyConnected(data=h, weight=ps[4], bias=ps[5], num_hidden=10)
    logp = mx.nd.log_softmax(z, axis=-1)
    return -mx.nd.mean(mx.nd.pick(logp, lab, axis=-1))


def build(wid, data, n=None):
    """Return a step() doing one forward+backward and returning the gradients."""
    if wid == "W1":
        x = _arr(data["x"], True)

        def step():
            with mx.autograd.record():
                y = x
                for op in common.w1_ops():
                    y = _apply(op, y)
                s = mx.nd.sum(y)
            s.backward()
            return _sync([x.grad])
        return step
    if wid == "W2":
        ps = [_arr(data[k], True) for k in ("W1", "b1", "W2", "b2", "W3", "b3")]
        x, lab = _arr(data["x"]), _arr(data["label"])

        def step():
            with mx.autograd.record():
                loss = _mlp_loss(ps, x, lab)
            loss.backward()
            return _sync([p.grad for p in ps])
        return step
    if wid == "W3":
        x = _arr(data["x"], True)

        def step():
            with mx.autograd.record():
                y = mx.nd.sin(x) * mx.nd.exp(-x ** 2) + mx.nd.tanh(x) * 0.5 + x ** 3
                s = mx.nd.sum(y)
            s.backward()
            return _sync([x.grad])
        return step
    if wid == "W4":
        A, w, v = _arr(data["A"]), _arr(data["w"], True), _arr(data["v"])

        def step():
            with mx.autograd.record():
                f = mx.nd.sum(mx.nd.tanh(mx.nd.dot(A, w)))
                g = mx.autograd.grad(f, [w], create_graph=True, retain_graph=True)[0]
                z = mx.nd.sum(g * v)
            z.backward()
            return _sync([w.grad])
        return step
    if wid == "W5":
        x = _arr(data["x"], True)

        def step():
            with mx.autograd.record():
                s = mx.nd.sum(_chain(x, n))
            s.backward()
            return _sync([x.grad])
        return step
    raise KeyError(wid)


def forward(data, n):
    """Recorded W5 forward; the returned head keeps the tape alive."""
    x = _arr(data["x"], True)
    with mx.autograd.record():
        s = mx.nd.sum(_chain(x, n))
    _sync([s])
    return (x, s)


def to_numpy(grads):
    return [g.asnumpy() for g in grads]


def run(modname, hooks=None, info=None):
    """Import ``modname`` as ``mx`` (or report n/a) and run the worker."""
    global mx
    try:
        mx = __import__(modname)
        mx.nd, mx.autograd  # the API surface every workload needs
    except Exception as e:
        common.unavailable(modname, "%s: %s" % (type(e).__name__, e))
        return
    base = {"version": getattr(mx, "__version__", common.dist_version(modname))}
    base.update(info or {})
    common.main(modname, sys.modules[__name__], base, hooks)


if __name__ == "__main__":
    run("mxnet")
