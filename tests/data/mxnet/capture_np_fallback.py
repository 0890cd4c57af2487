"""Capture MXNet 1.9.1's values, dtypes and autograd behaviour of the mx.np names tapegraph's
frontend/numpy/fallback.py and fallback_*.py serve (run under the oracle venv:
/tmp/mxnet-oracle/bin/python capture_np_fallback.py > np_fallback_golden.json).

For each expression: its result (shape, dtype, values; a tuple or list gives one entry per
element) or the error type, and what happens when it is evaluated inside autograd.record()
with the float inputs attached to the graph: "ok" or the error type."""
import json
import warnings

import numpy as onp
import mxnet as mx

warnings.simplefilter("ignore")
rs = onp.random.RandomState(12)
INPUTS = {
    "x": rs.uniform(-1, 1, (3, 4)).astype("float32"),
    "v": rs.uniform(-1, 1, (5,)).astype("float32"),
    "w": rs.uniform(-1, 1, (4,)).astype("float32"),
    "c": rs.uniform(-1, 1, (3,)).astype("float32"),
    "xn": onp.array([[0.5, onp.nan, -1.5, 2.0], [onp.nan, onp.nan, 0.25, -0.75],
                     [1.5, -2.5, onp.nan, 3.0]], "float32"),
    "xi": onp.array([[1.0, onp.inf, -onp.inf, onp.nan]], "float32"),
    "s": onp.array([-2.0, -0.5, 0.25, 1.0, 3.0], "float32"),
    "d": rs.uniform(-1, 1, (3, 4)).astype("float64"),
    "iv": onp.array([3, 1, 2, 3, 0], "int64"),
    "ix": onp.array([[0, 1, 2, 0], [1, 1, 0, 2], [2, 0, 1, 1]], "int64"),
    "e": onp.array([2, -1, 0, 3], "int32"),
    "bi": onp.array([[True, False, True, True]]),
    "u8": onp.array([3, 17, 255, 0], "uint8"),
    "x3": rs.uniform(-1, 1, (2, 3, 4)).astype("float32"),
}

EXPRS = [
    # shapes and layout
    "np.atleast_1d(x[0, 0])", "np.atleast_1d(x, v)", "np.atleast_2d(v)", "np.atleast_2d(x)",
    "np.atleast_3d(x)", "np.atleast_3d(v)", "np.atleast_3d(x3)", "np.broadcast_arrays(x, w)",
    "np.broadcast_arrays(c.reshape(3, 1), w)", "np.fliplr(x)", "np.flipud(x)", "np.flipud(v)",
    "np.rot90(x)", "np.rot90(x, 2)", "np.rot90(x, -1)", "np.rot90(x3, 1, axes=(1, 2))",
    "np.rot90(x, 3, axes=(1, 0))", "np.rollaxis(x3, 2)", "np.rollaxis(x3, 2, 1)",
    "np.rollaxis(x3, 0, 3)", "np.row_stack([x, w])", "np.row_stack((v, v))",
    "np.append(x, x, axis=0)", "np.append(v, w)", "np.append(x, v)",
    "np.insert(v, 2, 5.0)", "np.insert(x, 1, w, axis=0)", "np.insert(x, 3, c, axis=1)",
    "np.insert(v, np.array([1, 3], dtype='int64'), np.array([7.0, 8.0]))",
    "np.insert(x, 0, 2.5, axis=1)", "np.insert(v, slice(1, 4), 9.0)",
    "np.delete(v, 1)", "np.delete(x, [0, 2], axis=1)", "np.delete(x, 1, axis=0)",
    "np.delete(v, slice(1, 4))", "np.delete(x, np.array([0, 5, 11], dtype='int64'))",
    "np.diagflat(w)", "np.diagflat(c, 1)", "np.diagflat(x[:2, :2], -1)",
    "np.resize(x, (2, 7))", "np.resize(v, (3, 4))", "np.resize(x, 5)",
    "np.meshgrid(v, w)", "np.meshgrid(v, w, indexing='ij')", "np.meshgrid(c, w, v)",
    "np.compress(np.array([True, False, True]), x, axis=0)", "np.compress([0, 1, 1, 0], x, axis=1)",
    "np.compress([True, False, True], v)",
    "np.extract(x > 0, x)", "np.choose(ix, [x, -x, x * 2])", "np.choose(np.array([0, 1, 0, 1]), [x, w])",
    "np.select([x > 0.5, x < -0.5], [x, x * x], 0.5)", "np.select([x > 0], [w])",
    "np.real(x)", "np.real(iv)", "np.ediff1d(v)", "np.ediff1d(x)", "np.ediff1d(v, to_end=c, to_begin=2.0)",
    "np.vander(v)", "np.vander(v, 3)", "np.vander(c, 4, True)",
    # arithmetic
    "np.inner(x, x)", "np.inner(v, v)", "np.inner(x, w)", "np.inner(x3, w)", "np.vdot(x, x)", "np.vdot(w, w)",
    "np.copysign(x, w)", "np.copysign(x, -1.0)", "np.copysign(v, s)", "np.copysign(d, x)",
    "np.float_power(x + 2, w)", "np.float_power(x + 2, 3)", "np.float_power(d + 2, 2.5)",
    "np.ldexp(x, e)", "np.ldexp(w, np.array([1.0, 2.0, -1.0, 0.0]))", "np.ldexp(x, 3)",
    "np.nan_to_num(xn)", "np.nan_to_num(xi)", "np.nan_to_num(xi, nan=1.0, posinf=2.0, neginf=-3.0)",
    "np.heaviside(s, 0.5)", "np.heaviside(x, w)", "np.heaviside(s - 0.25, 1.0)",
    "np.spacing(x)", "np.spacing(d)", "np.modf(x * 3)", "np.modf(d * 3)", "np.frexp(x)", "np.frexp(d)",
    "np.i0(x)", "np.i0(d)", "np.divmod(x, 0.3)",
    # nan reductions
    "np.nanmax(xn)", "np.nanmax(xn, axis=1)", "np.nanmin(xn, axis=0)", "np.nanmin(xn, axis=1, keepdims=True)",
    "np.nanprod(xn)", "np.nanprod(xn, axis=0)", "np.nancumsum(xn)", "np.nancumsum(xn, axis=1)",
    "np.nancumprod(xn, axis=0)", "np.nancumprod(xn)", "np.nanargmax(xn)", "np.nanargmax(xn, axis=1)",
    "np.nanargmin(xn, axis=0)", "np.nanmax(x, axis=0)",
    # order statistics
    "np.percentile(x, 30)", "np.percentile(x, [10, 90], axis=1)", "np.percentile(x, 50, axis=0, keepdims=True)",
    "np.percentile(x, np.array([25.0, 75.0]), axis=0)", "np.quantile(x, 0.5, axis=0)", "np.quantile(v, 0.37)",
    "np.quantile(x, [0.0, 1.0])", "np.percentile(x, 40, interpolation='lower')",
    "np.percentile(x, 40, axis=1, interpolation='higher')", "np.percentile(x, 40, interpolation='midpoint')",
    "np.percentile(x, 40, axis=0, interpolation='nearest')", "np.percentile(d, 62)",
    "np.nanpercentile(xn, 50)", "np.nanpercentile(xn, [20, 80], axis=1)", "np.nanquantile(xn, 0.25, axis=0)",
    "np.nanquantile(xn, 0.75)", "np.nanmedian(xn)", "np.nanmedian(xn, axis=0)", "np.nanmedian(x, axis=1)",
    "np.msort(x)", "np.partition(v, 2)", "np.argpartition(v, 2)",
    # integration, interpolation, polynomials, statistics
    "np.trapz(v)", "np.trapz(x, dx=0.5, axis=0)", "np.trapz(x, w)", "np.trapz(x)",
    "np.interp(s, np.array([-1.0, 0.0, 2.0]), c)", "np.interp(v, np.array([-1.0, 0.0, 2.0]), c, left=-5.0, right=5.0)",
    "np.interp(x, np.array([-1.0, 0.0, 2.0]), c)",
    "np.polyval(c, v)", "np.polyval(w, x)", "np.polyadd(c, w)", "np.polysub(w, c)", "np.polymul(c, w)",
    "np.polyint(c)", "np.polyint(w, 2)", "np.polyint(c, 1, 3.0)", "np.poly(c)", "np.polydiv(w, c)",
    "np.polyfit(v, s, 2)", "np.roots(c)",
    "np.cov(x)", "np.cov(x, rowvar=False)", "np.cov(v, s)", "np.cov(x, ddof=0)", "np.cov(x, bias=True)",
    "np.corrcoef(x)", "np.corrcoef(v, s)", "np.corrcoef(x, rowvar=False)",
    "np.correlate(v, w)", "np.correlate(v, c, 'full')", "np.correlate(v, c, 'same')", "np.correlate(c, v)",
    "np.unwrap(x * 5)", "np.piecewise(x, [x < 0, x >= 0], [-1.0, 1.0])",
    # host-only: integers, sets, indices, masks, windows
    "np.unique(iv)", "np.unique(x)", "np.unique(iv, return_index=True, return_inverse=True, return_counts=True)",
    "np.searchsorted(s, v)", "np.searchsorted(s, v, side='right')", "np.digitize(v, s)",
    "np.histogram(v, bins=3)", "np.histogram(x, bins=4, range=(-1.0, 1.0))", "np.bincount(iv)",
    "np.bincount(iv, weights=v)", "np.bincount(iv, minlength=6)", "np.lexsort((iv, s))",
    "np.packbits(bi)", "np.unpackbits(u8)", "np.isin(iv, np.array([1, 3]))", "np.in1d(iv, np.array([0, 3]))",
    "np.intersect1d(iv, np.array([0, 2, 7]))", "np.setdiff1d(iv, np.array([0, 2]))",
    "np.setxor1d(iv, np.array([0, 7]))", "np.union1d(iv, np.array([9, 1]))",
    "np.indices((2, 3))", "np.ix_(iv, np.array([0, 1]))", "np.unravel_index(iv, (2, 3))",
    "np.tril_indices_from(x)", "np.triu_indices_from(x, 1)", "np.diag_indices_from(x[:3, :3])",
    "np.bitwise_and(iv, ix[0, :1])", "np.bitwise_or(e, 6)", "np.bitwise_xor(iv, 5)", "np.bitwise_not(e)",
    "np.invert(u8)", "np.lcm(iv, 4)", "np.isneginf(xi)", "np.isposinf(xi)", "np.alltrue(bi)", "np.sometrue(bi)",
    "np.product(x)", "np.product(x, axis=1)", "np.hamming(5)", "np.hanning(4)", "np.blackman(3)",
    "np.trim_zeros(np.array([0.0, 0.0, 1.0, 2.0, 0.0]))", "np.histogram_bin_edges(v, bins=3)",
    "np.histogram2d(v, s, bins=2)", "np.histogramdd(x, bins=2)",
    "np.apply_along_axis(np.sum, 0, x)", "np.apply_over_axes(np.sum, x, [0])",
    "np.dsplit(x3.reshape(1, 4, 6), 2)",
    # integer and mixed dtypes
    "np.fliplr(ix)", "np.rot90(ix)", "np.atleast_3d(iv)", "np.append(iv, v)", "np.append(iv, iv)",
    "np.insert(iv, 1, 2.5)", "np.delete(ix, 1, axis=1)", "np.pad(ix, 1)", "np.pad(ix, 1, mode='edge')",
    "np.pad(ix, ((1, 0), (0, 2)), mode='maximum')", "np.percentile(iv, 50)", "np.quantile(ix, 0.3, axis=1)",
    "np.nanmax(ix)", "np.nanmin(iv)", "np.nanprod(ix, axis=1)", "np.nancumsum(iv)", "np.nanpercentile(iv, 40)",
    "np.nanmedian(ix)", "np.diagflat(iv)", "np.resize(iv, 7)", "np.vander(iv, 3)", "np.trapz(iv)",
    "np.polyval(iv, c)", "np.polyval(c, iv)", "np.cov(ix)", "np.corrcoef(ix)", "np.inner(iv, iv)",
    "np.vdot(ix, ix)", "np.copysign(iv, -1)", "np.nan_to_num(iv)", "np.ediff1d(iv)",
    "np.interp(iv, np.array([0.0, 2.0]), c[:2])", "np.heaviside(iv, 0.5)", "np.i0(iv)", "np.modf(iv)",
    "np.frexp(iv)", "np.ldexp(iv, 2)", "np.float_power(iv, 2)", "np.correlate(iv, e[:3])",
    "np.polyadd(iv, e)", "np.polymul(iv, e)", "np.polyint(iv)", "np.meshgrid(iv, e)",
    "np.broadcast_arrays(iv, v)", "np.choose(ix, [iv[:4], e])", "np.select([ix > 0], [ix], 7)",
    "np.compress([1, 0, 1], ix, axis=0)", "np.extract(ix > 0, ix)", "np.real(e)", "np.rollaxis(ix, 1)",
    "np.row_stack([ix, e])", "np.flipud(bi)", "np.unwrap(iv)", "np.spacing(iv)", "np.trim_zeros(iv)",
    "np.nanargmax(ix, axis=0)", "np.divmod(iv, 2)", "np.product(iv)", "np.msort(ix)",
    "np.piecewise(iv, [iv > 1], [lambda t: t * 2, 5])",
]


def encode(r):
    if isinstance(r, (tuple, list)):
        return {"items": [encode(t) for t in r]}
    if isinstance(r, mx.np.ndarray):
        a = r.asnumpy()
        return {"kind": "mx", "shape": list(a.shape), "dtype": str(a.dtype),
                "data": [None if onp.isnan(t) else t for t in a.astype("float64").ravel().tolist()]}
    if isinstance(r, onp.ndarray):
        return {"kind": "onp", "shape": list(r.shape), "dtype": str(r.dtype),
                "data": [None if onp.isnan(t) else t for t in r.astype("float64").ravel().tolist()]}
    return {"kind": type(r).__name__, "repr": repr(r)}


def run(expr, record):
    env = {"np": mx.np, "onp": onp}
    for name, value in INPUTS.items():
        env[name] = mx.np.array(value, dtype=value.dtype)
        if record and value.dtype.kind == "f":
            env[name].attach_grad()
    if not record:
        return eval(expr, env)
    with mx.autograd.record():
        return eval(expr, env)


def main():
    mx.npx.set_np()
    out = {"captured_with": "mxnet " + mx.__version__,
           "inputs": {k: {"dtype": str(v.dtype), "shape": list(v.shape),
                          "data": [None if onp.isnan(t) else t
                                   for t in v.astype("float64").ravel().tolist()]}
                      for k, v in INPUTS.items()},
           "cases": {}}
    for e in EXPRS:
        case = {}
        try:
            case["result"] = encode(run(e, False))
        except Exception as err:  # noqa: BLE001  (record MXNet's error kind)
            case["error"] = type(err).__name__
        try:
            run(e, True)
            case["record"] = "ok"
        except Exception as err:  # noqa: BLE001
            case["record"] = type(err).__name__
        out["cases"][e] = case
    print(json.dumps(out, indent=0, sort_keys=True))


if __name__ == "__main__":
    main()
