"""The symbol cases of tests/api/test_sym_operators_more.py, shared by the capture script
(run under MXNet 1.9.1) and the test (run under tapegraph), so both build the same symbol.

Each case: (id, build(mx) -> Symbol, inputs {name: (values or shape, dtype)}, whether to
check input gradients (head gradients of ones)). Shapes are filled with fixed values."""
import numpy as np


def data(name_shapes, seed=0, low=0.1, high=1.0):
    """Fixed float32 inputs for the given {name: shape}."""
    rng = np.random.RandomState(seed)
    return {n: rng.uniform(low, high, s).astype(np.float32) for n, s in name_shapes.items()}


def _v(*names):
    import importlib
    mx = importlib.import_module(MODULE[0])
    return [mx.sym.var(n) for n in names]


MODULE = ["mxnet"]  # the test sets "tapegraph"

_PDF = {"normal": ("mu", "sigma"), "uniform": ("low", "high"), "gamma": ("alpha", "beta"),
        "exponential": ("lam",), "poisson": ("lam",), "negative_binomial": ("k", "p"),
        "generalized_negative_binomial": ("mu", "alpha")}


def _pdf_case(dist, params):
    def build(mx):
        x, *ps = _v("x", *params)
        return getattr(mx.sym, "random_pdf_" + dist)(x, *ps, is_log=dist == "gamma")
    inputs = data({"x": (2, 3)}, 1, 1.0, 3.0)
    if dist in ("poisson", "negative_binomial", "generalized_negative_binomial"):
        inputs["x"] = np.array([[0, 1, 2], [3, 1, 4]], np.float32)
    if dist == "uniform":
        inputs.update(low=np.array([0.5, 1.0], np.float32), high=np.array([2.5, 2.0],
                                                                           np.float32))
    else:
        inputs.update(data({p: (2,) for p in params}, 2, 0.2, 0.9))
    return ("pdf_" + dist, build, inputs, dist != "uniform")


def _dirichlet(mx):
    x, a = _v("x", "alpha")
    return mx.sym.random_pdf_dirichlet(x, a)


def _ravel(mx):
    return mx.sym.ravel_multi_index(_v("d")[0], shape=(3, 4))


def _unravel(mx):
    return mx.sym.unravel_index(_v("d")[0], shape=(3, 4))


def _choose(mx):
    x, i = _v("x", "i")
    return mx.sym.choose_element_0index(x, i)


def _amp_cast(mx):
    return mx.sym.amp_cast(_v("x")[0], dtype="float16")


def _amp_multicast(mx):
    a, b = _v("a", "b")
    return mx.sym.Group(list(mx.sym.amp_multicast(a, mx.sym.Cast(b, dtype="float64"),
                                                  num_outputs=2)))


def _ctc(mx):
    d, lab = _v("data", "label")
    return mx.sym.ctc_loss(d, lab)


def _ctc_lengths(mx):
    d, lab, dl, ll = _v("data", "label", "dl", "ll")
    return mx.sym.CTCLoss(d, lab, dl, ll, use_data_lengths=True, use_label_lengths=True,
                          blank_label="last")


def _grid_affine(mx):
    return mx.sym.GridGenerator(_v("theta")[0], transform_type="affine", target_shape=(3, 4))


def _grid_warp(mx):
    return mx.sym.GridGenerator(_v("flow")[0], transform_type="warp")


def _correlation(mx):
    a, b = _v("a", "b")
    return mx.sym.Correlation(a, b, kernel_size=1, max_displacement=1, stride1=1, stride2=1,
                              pad_size=1)


def _index_array(mx):
    return mx.sym.contrib.index_array(_v("x")[0], axes=(1,))


def _index_copy(mx):
    old, idx, new = _v("old", "idx", "new")
    return mx.sym.contrib.index_copy(old, idx, new)


def _allclose(mx):
    a, b = _v("a", "b")
    return mx.sym.contrib.allclose(a, b, rtol=1e-2)


def _multibox_prior(mx):
    return mx.sym.contrib.MultiBoxPrior(_v("x")[0], sizes=(0.5, 0.25), ratios=(1, 2))


_BOXES = np.array([[[0.1, 0.1, 0.5, 0.6], [0.2, 0.3, 0.7, 0.9], [0.0, 0.0, 0.3, 0.3]]],
                  np.float32)

CASES = [_pdf_case(d, p) for d, p in _PDF.items()] + [
    ("pdf_dirichlet", _dirichlet, {"x": np.array([[[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]]],
                                                 np.float32),
                                   "alpha": np.array([[1.5, 2.0, 0.7]], np.float32)}, True),
    ("ravel_multi_index", _ravel, {"d": np.array([[1, 2, 0], [3, 0, 1]], np.float32)}, False),
    ("unravel_index", _unravel, {"d": np.array([5, 7, 11], np.float32)}, False),
    ("choose_element_0index", _choose, {"x": data({"x": (3, 4)})["x"],
                                        "i": np.array([0, 3, 1], np.float32)}, True),
    ("amp_cast", _amp_cast, data({"x": (2, 3)}), True),
    ("amp_multicast", _amp_multicast, data({"a": (2, 2), "b": (2, 2)}), False),
    ("ctc_loss", _ctc, {"data": data({"d": (4, 2, 3)})["d"],
                        "label": np.array([[1, 2], [1, 0]], np.float32)}, True),
    ("CTCLoss_lengths", _ctc_lengths, {"data": data({"d": (5, 2, 4)}, 3)["d"],
                                       "label": np.array([[0, 1, 2], [2, 2, 0]], np.float32),
                                       "dl": np.array([5, 4], np.float32),
                                       "ll": np.array([3, 2], np.float32)}, True),
    ("GridGenerator_affine", _grid_affine,
     {"theta": np.array([[1.0, 0.2, 0.1, -0.1, 0.9, 0.0]], np.float32)}, True),
    ("GridGenerator_warp", _grid_warp, data({"flow": (1, 2, 3, 4)}, 4, -1.0, 1.0), True),
    ("Correlation", _correlation, data({"a": (1, 2, 3, 3), "b": (1, 2, 3, 3)}, 5), True),
    ("index_array", _index_array, data({"x": (2, 3)}), False),
    ("index_copy", _index_copy, {"old": data({"o": (4, 2)})["o"],
                                 "idx": np.array([2, 0], np.float32),
                                 "new": data({"n": (2, 2)}, 6)["n"]}, True),
    ("allclose", _allclose, {"a": np.array([1.0, 2.0], np.float32),
                             "b": np.array([1.001, 2.01], np.float32)}, False),
    ("MultiBoxPrior", _multibox_prior, data({"x": (1, 2, 2, 3)}), False),
]
