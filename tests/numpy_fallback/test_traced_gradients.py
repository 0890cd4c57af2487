"""The mx.np functions MXNet 1.9.1 serves on the host, traced in tapegraph
(frontend/numpy/traced_*.py): derivatives of order 1 and 2 (3 for a sample) against
central finite differences in float64, on inputs away from kinks and ties."""
import numpy as onp
import pytest

import tapegraph as mx
from tapegraph.test_utils import gradcheck

np = mx.np
rs = onp.random.RandomState(7)
X = rs.uniform(-1, 1, (3, 4))
V = rs.uniform(-1, 1, (5,))
W = rs.uniform(-1, 1, (4,))
C = rs.uniform(0.5, 1.5, (3,))
X3 = rs.uniform(-1, 1, (2, 3, 4))
POS = rs.uniform(0.5, 2.0, (3, 4))
GRID = onp.array([-1.0, -0.2, 0.4, 1.5])
NAN = onp.where(onp.array([[0, 1, 0, 0], [1, 0, 0, 1], [0, 0, 1, 0]]) > 0, onp.nan, 0.0)
HOLE = onp.array([[0.0, onp.nan, onp.inf, 0.0], [-onp.inf, 0.0, 0.0, onp.nan],
                  [0.0, 0.0, 0.0, 0.0]])


def k(value):
    """Constant data (float64), outside the differentiated inputs."""
    return np.array(value, dtype="float64")


CASES = {
    "atleast_1d": (lambda a: np.atleast_1d(a.sum()), [X]),
    "atleast_2d": (lambda a: np.atleast_2d(a), [V]),
    "atleast_3d": (lambda a, b: np.atleast_3d(a, b), [X, V]),
    "broadcast_arrays": (lambda a, b: np.broadcast_arrays(a.reshape(3, 1, 4), b), [X, W]),
    "fliplr": (lambda a: np.fliplr(a) * a, [X]),
    "flipud": (lambda a: np.flipud(a) * a, [X]),
    "rot90": (lambda a: np.dot(np.rot90(a), a), [X]),
    "rot90_k3_axes": (lambda a: np.rot90(a, 3, axes=(2, 1)) ** 2, [X3]),
    "rot90_k2": (lambda a: np.rot90(a, 2) * a, [X]),
    "rollaxis": (lambda a: np.rollaxis(a, 2, 1) ** 2, [X3]),
    "row_stack": (lambda a, b: np.row_stack([a, b]) ** 2, [X, W]),
    "append": (lambda a, b: np.append(a, b * a[0]), [X, W]),
    "insert": (lambda a, b: np.insert(a, 1, b, axis=0) ** 2, [X, W]),
    "insert_flat": (lambda a, b: np.insert(a, [1, 4], b[:2]) ** 3, [V, W]),
    "delete": (lambda a: np.delete(a, [0, 2], axis=1) ** 2, [X]),
    "delete_slice": (lambda a: np.delete(a, slice(1, 3)) * a[:3], [V]),
    "diagflat": (lambda a: np.dot(np.diagflat(a, 1), np.diagflat(a, 1)), [W]),
    "resize": (lambda a: np.resize(a, (4, 7)) ** 2, [V]),
    "meshgrid": (lambda a, b: [g * g for g in np.meshgrid(a, b)], [V, W]),
    "meshgrid_ij": (lambda a, b, c: np.meshgrid(a, b, c, indexing="ij")[2] ** 2, [V, W, C]),
    "compress": (lambda a: np.compress([True, False, True], a, axis=0) ** 2, [X]),
    "extract": (lambda a: np.extract(X > 0, a) ** 3, [X]),
    "choose": (lambda a, b: np.choose(onp.array([[0, 1, 1, 0]] * 3), [a * b, a]), [X, W]),
    "select": (lambda a: np.select([X > 0.5, X < -0.5], [a * a, a], 0.25), [X]),
    "real": (lambda a: np.real(a) ** 2, [X]),
    "msort": (lambda a: np.msort(a) * k(X), [X]),
    "dsplit": (lambda a: [p ** 2 for p in np.dsplit(a, 2)], [X3]),
    "trim_zeros": (lambda a: np.trim_zeros(a * k([0, 1, 1, 0])) ** 2, [W]),
    "pad_constant": (lambda a: np.pad(a, ((1, 2), (0, 1)), constant_values=0.5) ** 2, [X]),
    "pad_edge": (lambda a: np.pad(a, ((2, 1), (1, 3)), mode="edge") ** 2, [X]),
    "pad_reflect": (lambda a: np.pad(a, ((2, 1), (3, 3)), mode="reflect") ** 2, [X]),
    "pad_symmetric": (lambda a: np.pad(a, ((2, 3), (1, 4)), mode="symmetric") ** 2, [X]),
    "pad_wrap": (lambda a: np.pad(a, ((1, 4), (2, 1)), mode="wrap") ** 2, [X]),
    "pad_maximum": (lambda a: np.pad(a, ((1, 1), (2, 0)), mode="maximum") ** 2, [X]),
    "pad_minimum": (lambda a: np.pad(a, ((0, 2), (1, 1)), mode="minimum") ** 2, [X]),
    "pad_mean": (lambda a: np.pad(a, ((1, 1), (1, 2)), mode="mean") ** 2, [X]),
    "inner": (lambda a, b: np.inner(a, b), [X, X3]),
    "vdot": (lambda a, b: np.vdot(a, b) ** 2, [X, POS]),
    "copysign": (lambda a: np.copysign(a, k(-W)) ** 3, [X]),
    "float_power": (lambda a, b: np.float_power(a, b), [POS, W]),
    "ldexp": (lambda a, b: np.ldexp(a, b) * a, [X, W]),
    "ldexp_int": (lambda a: np.ldexp(a, np.array([1, -2, 0, 3], dtype="int32")) ** 2, [X]),
    "frexp": (lambda a: np.frexp(a * 3)[0] ** 2, [X]),
    "modf": (lambda a: np.modf(a * 3)[0] ** 2, [X]),
    "divmod": (lambda a: np.divmod(a, 0.3)[1] ** 2, [X]),
    "nan_to_num": (lambda a: np.nan_to_num(a + k(HOLE), nan=0.5, posinf=2.0,
                                           neginf=-3.0) ** 2, [X]),
    "heaviside": (lambda a, h: np.heaviside(k([-1.0, 0.0, 2.0, 0.0]), h) * h, [X[0], W]),
    "i0": (lambda a: np.i0(a * 6), [X3]),
    "trapz": (lambda a: np.trapz(a * a), [X]),
    "trapz_x": (lambda a, b: np.trapz(a, b * b, axis=1), [X, W]),
    "interp": (lambda a, xp, fp: np.interp(a * 1.2, xp, fp), [X, GRID, W]),
    "interp_period": (lambda a, fp: np.interp(a * 5, k(GRID), fp, period=3.0), [X, W]),
    "unwrap": (lambda a: np.unwrap(a * 5) ** 2, [X]),
    "vander": (lambda a: np.vander(a, 4), [V]),
    "ediff1d": (lambda a, b: np.ediff1d(a * a, to_begin=b[:2], to_end=b[3]), [V, W]),
    "product": (lambda a: np.product(a, axis=1), [X]),
    "nanmax": (lambda a: np.nanmax(a + k(NAN), axis=1), [X]),
    "nanmin": (lambda a: np.nanmin(a + k(NAN), axis=0, keepdims=True), [X]),
    "nanprod": (lambda a: np.nanprod(a + k(NAN), axis=0), [X]),
    "nancumsum": (lambda a: np.nancumsum(a + k(NAN), axis=1) ** 2, [X]),
    "nancumprod": (lambda a: np.nancumprod(a + k(NAN)), [X]),
    "nancumprod_zero": (lambda a: np.nancumprod(a * k([1.0, 0.0, 1.0, 1.0]) + k(NAN), axis=1),
                        [X]),
    "percentile": (lambda a: np.percentile(a, [15, 50, 90], axis=1), [X]),
    "quantile_midpoint": (lambda a: np.quantile(a, 0.4, axis=0, method="midpoint"), [X]),
    "quantile_nearest": (lambda a: np.quantile(a ** 3, [0.3], keepdims=True,
                                               method="nearest"), [X]),
    "nanpercentile": (lambda a: np.nanpercentile(a + k(NAN), [20, 70], axis=1), [X]),
    "nanquantile": (lambda a: np.nanquantile(a + k(NAN), 0.6), [X]),
    "nanmedian": (lambda a: np.nanmedian(a + k(NAN), axis=0), [X]),
    "cov": (lambda a: np.cov(a), [X]),
    "cov_weights": (lambda a, b: np.cov(a, b[:3], rowvar=False, aweights=[1.0, 2.0, 0.5]),
                    [X, V]),
    "corrcoef": (lambda a: np.corrcoef(a), [X]),
    "correlate": (lambda a, b: np.correlate(a, b, "same"), [V, C]),
    "correlate_swapped": (lambda a, b: np.correlate(a, b, "valid"), [C, V]),
    "polyval": (lambda p, a: np.polyval(p, a), [C, X]),
    "polyadd": (lambda p, q: np.polyadd(p, q) ** 2, [C, W]),
    "polysub": (lambda p, q: np.polysub(p, q) ** 2, [W, C]),
    "polymul": (lambda p, q: np.polymul(p, q), [C, W]),
    "polyint": (lambda p: np.polyint(p, 2, [1.0, 2.0]) ** 2, [C]),
    "poly": (lambda r: np.poly(r), [C]),
    "polydiv": (lambda u, v: list(np.polydiv(u, v)), [V, C]),
    "piecewise": (lambda a: np.piecewise(a, [X < -0.3, X > 0.4], [lambda t: t * t, 0.5,
                                                               lambda t: np.sin(t)]), [X]),
    "apply_along_axis": (lambda a: np.apply_along_axis(lambda t: np.stack([t.sum() ** 2,
                                                                           t.prod()]), 1, a),
                         [X]),
    "apply_over_axes": (lambda a: np.apply_over_axes(np.prod, a, [0, 1]), [X]),
}
THIRD_ORDER = ("rot90", "pad_reflect", "insert", "i0", "interp", "nancumprod", "percentile",
               "cov", "corrcoef", "polydiv", "float_power", "correlate", "piecewise")


@pytest.mark.parametrize("name", sorted(CASES))
def test_second_order_gradients_match_finite_differences(name):
    f, inputs = CASES[name]
    assert gradcheck(f, [np.array(i, dtype="float64") for i in inputs], order=2,
                     rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("name", THIRD_ORDER)
def test_third_order_gradients_match_finite_differences(name):
    f, inputs = CASES[name]
    assert gradcheck(f, [np.array(i, dtype="float64") for i in inputs], order=3,
                     rtol=1e-3, atol=1e-5)


def test_every_traced_name_has_a_gradient_case():
    from tapegraph.numpy.traced_common import TRACED
    covered = {name.split("_")[0] if name.split("_")[0] in TRACED else name
               for name in CASES}
    covered |= {n for n in TRACED if any(c.startswith(n) for c in CASES)}
    untested = set(TRACED) - covered - {"nanargmax", "nanargmin", "spacing"}
    assert not untested, sorted(untested)
