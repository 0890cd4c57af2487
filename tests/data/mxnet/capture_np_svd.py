"""Capture MXNet 1.9.1's np.linalg.svd and the functions built on it: svd outputs (signs
included) and input gradients for random cotangents, pinv values (its gradient is zero in
MXNet), lstsq values, matrix_rank, and the matrix norms ord=2/-2/'nuc' with gradients.

    /tmp/mxnet-oracle/bin/python tests/data/mxnet/capture_np_svd.py \
        > tests/data/mxnet/np_svd.json
"""
import json
import sys
import warnings

import numpy as onp
from mxnet import autograd, np, npx

warnings.simplefilter("ignore")
npx.set_np()


def grad_of(f, a, weights):
    x = np.array(a, dtype="float64")
    x.attach_grad()
    with autograd.record():
        outs = f(x)
        outs = outs if isinstance(outs, (tuple, list)) else [outs]
        loss = sum((o * np.array(w, dtype="float64")).sum() for o, w in zip(outs, weights))
    loss.backward()
    return [o.asnumpy().tolist() for o in outs], x.grad.asnumpy().tolist()


def main():
    rng = onp.random.RandomState(0)
    out = {"svd": [], "pinv": [], "lstsq": [], "matrix_rank": [], "norm": []}
    for shape in [(3, 3), (2, 4), (3, 5), (2, 2, 3), (2, 3, 3)]:
        a = rng.uniform(-1, 1, shape)
        m, n = shape[-2:]
        ws = [rng.uniform(-1, 1, shape[:-2] + (m, m)), rng.uniform(-1, 1, shape[:-1]),
              rng.uniform(-1, 1, shape)]
        outs, g = grad_of(np.linalg.svd, a, ws)
        out["svd"].append({"a": a.tolist(), "weights": [w.tolist() for w in ws],
                           "outputs": outs, "grad": g})
    for shape, rcond in [((3, 4), 1e-15), ((4, 3), 1e-15), ((2, 3, 3), 0.3)]:
        a = rng.uniform(-1, 1, shape)
        r = np.linalg.pinv(np.array(a, dtype="float64"), rcond=rcond)
        out["pinv"].append({"a": a.tolist(), "rcond": rcond, "value": r.asnumpy().tolist()})
    for shape, bshape, rcond in [((4, 3), (4, 2), None), ((3, 4), (3,), None),
                                 ((5, 2), (5,), -1), ((4, 3), (4, 2), 0.5)]:
        a, b = rng.uniform(-1, 1, shape), rng.uniform(-1, 1, bshape)
        x, res, rank, s = np.linalg.lstsq(np.array(a, dtype="float64"),
                                          np.array(b, dtype="float64"), rcond=rcond)
        out["lstsq"].append({"a": a.tolist(), "b": b.tolist(), "rcond": rcond,
                             "x": x.asnumpy().tolist(), "residuals": res.asnumpy().tolist(),
                             "rank": int(rank), "rank_type": type(rank).__name__,
                             "s": s.asnumpy().tolist()})
    for shape, tol in [((3, 4), None), ((3, 4), 0.5), ((2, 3, 3), None)]:
        a = rng.uniform(-1, 1, shape)
        if shape == (3, 4):
            a[2] = a[0] + a[1]
        r = np.linalg.matrix_rank(np.array(a, dtype="float64"), tol=tol)
        value = r.asnumpy() if hasattr(r, "asnumpy") else onp.asarray(r)
        out["matrix_rank"].append({"a": a.tolist(), "tol": tol, "value": value.tolist(),
                                   "dtype": str(r.dtype), "type": type(r).__name__})
    for shape, ord_, axis in [((3, 4), 2, None), ((3, 4), -2, None), ((3, 4), "nuc", None),
                              ((2, 3, 4), 2, (1, 2)), ((2, 2, 3), "nuc", (1, 2))]:
        a = rng.uniform(-1, 1, shape)
        outs, g = grad_of(lambda x: np.linalg.norm(x, ord=ord_, axis=axis), a, [1.0])
        out["norm"].append({"a": a.tolist(), "ord": ord_, "axis": axis, "value": outs[0],
                            "grad": g})
    import mxnet as mx  # MXNet's own JSON of an np-mode svd symbol, and its outputs
    sym = mx.sym.Group(mx.sym.np.linalg.svd(mx.sym.var("a").as_np_ndarray()))
    a = rng.uniform(-1, 1, (2, 3))
    ex = sym.bind(mx.cpu(), {"a": mx.nd.array(a, dtype="float64")})
    out["symbol"] = {"json": sym.tojson(), "a": a.tolist(),
                     "outputs": [o.asnumpy().tolist() for o in ex.forward()]}
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
