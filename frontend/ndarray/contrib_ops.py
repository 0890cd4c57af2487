"""`mx.nd.contrib` operators made of registered operators: the straight-through estimators
(`round_ste`, `sign_ste`) and `gradientmultiplier` (IR operators with a defined gradient),
`index_array`, the interleaved multi-head attention products, `count_sketch`,
`BatchNormWithReLU`, `SyncBatchNorm` (one device: BatchNorm), `CTCLoss` / `ctc_loss`
(mx.nd's composed CTC loss), and the sampler `rand_zipfian`."""
from __future__ import annotations

import math

import numpy as np

from ..ir import composites, get_op
from ..ir.errors import MXNetError
from ..trace.invoke import invoke
from .ctc import CTCLoss
from .ndarray import NDArray
from .ops import NAMESPACE, Eager, _as_inputs, _finish, reject_unknown_kwargs
from .random import uniform as _uniform


def _op(name, arrays, attrs=None, like=None):
    return invoke(get_op(name), list(arrays), attrs or {},
                  out_cls=type(like) if like is not None else None)


def _cast_to(a, dtype: str):
    """`a` in `dtype` (a recorded Cast when it differs)."""
    return a if np.dtype(a.dtype).name == dtype else _op("Cast", [a], {"dtype": dtype})


def _unary(name, opname, doc, attr_names=()):
    def fn(data, *args, out=None, **kw):
        attrs = {k: v for k, v in zip(attr_names, args)}
        for k in attr_names:
            if k in kw:
                attrs[k] = kw.pop(k)
        reject_unknown_kwargs(name, kw, attr_names)
        for k in attr_names:
            if k not in attrs:
                raise MXNetError("Required parameter %s of float is not presented, in "
                                 "operator %s(name=\"\", data=\"\")" % (k, opname))
            attrs[k] = float(attrs[k])
        return _finish(_op(opname, _as_inputs([data]), attrs), out)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


round_ste = _unary("round_ste", "_contrib_round_ste",
                   "round(data) (halves away from zero); the gradient passes straight through.")
sign_ste = _unary("sign_ste", "_contrib_sign_ste",
                  "sign(data); the gradient passes straight through.")
gradientmultiplier = _unary("gradientmultiplier", "_contrib_gradientmultiplier",
                            "The identity; the gradient is multiplied by `scalar` (scalar=-1: "
                            "a gradient reversal layer).", ("scalar",))


def index_array(data, axes=None, out=None, **kw):
    """The coordinates of every element of `data` (int64, shape data.shape + (k,)), for all
    axes or only the listed `axes`. Not differentiable."""
    reject_unknown_kwargs("index_array", kw, ("axes",))
    data = _as_inputs([data])[0]
    grids = np.indices(data.shape, dtype=np.int64)
    if axes is not None:
        axes = (axes,) if isinstance(axes, int) else tuple(axes)
        for a in axes:
            if not -data.ndim <= int(a) < data.ndim:
                raise MXNetError("index_array: axis %d is out of range for a %d-d array"
                                 % (a, data.ndim))
        grids = grids[[int(a) % data.ndim for a in axes]]
    return _finish(NDArray._wrap(np.ascontiguousarray(np.moveaxis(grids, 0, -1))), out)


def interleaved_matmul_selfatt_qk(queries_keys_values, heads, out=None, **kw):
    """Self-attention scores (see `tapegraph.ir.composites.selfatt_qk`)."""
    reject_unknown_kwargs("interleaved_matmul_selfatt_qk", kw, ("heads",))
    qkv = _as_inputs([queries_keys_values])[0]
    return _finish(composites.selfatt_qk(Eager, qkv, heads), out)


def interleaved_matmul_selfatt_valatt(queries_keys_values, attention, heads, out=None, **kw):
    """Attention-weighted values (see `tapegraph.ir.composites.selfatt_valatt`)."""
    reject_unknown_kwargs("interleaved_matmul_selfatt_valatt", kw, ("heads",))
    qkv, att = _as_inputs([queries_keys_values, attention])
    return _finish(composites.selfatt_valatt(Eager, qkv, att, heads), out)


def interleaved_matmul_encdec_qk(queries, keys_values, heads, out=None, **kw):
    """Encoder-decoder attention scores (see `tapegraph.ir.composites.encdec_qk`)."""
    reject_unknown_kwargs("interleaved_matmul_encdec_qk", kw, ("heads",))
    q, kv = _as_inputs([queries, keys_values])
    return _finish(composites.encdec_qk(Eager, q, kv, heads), out)


def interleaved_matmul_encdec_valatt(keys_values, attention, heads, out=None, **kw):
    """Encoder-decoder attention output (see `tapegraph.ir.composites.encdec_valatt`)."""
    reject_unknown_kwargs("interleaved_matmul_encdec_valatt", kw, ("heads",))
    kv, att = _as_inputs([keys_values, attention])
    return _finish(composites.encdec_valatt(Eager, kv, att, heads), out)


def count_sketch(data, h, s, out_dim, processing_batch_size=32, out=None, **kw):
    """Count sketch of the rows of `data` (N, in_dim): out[:, h[i]] += s[i] * data[:, i],
    shape (N, out_dim); a product with the sketch matrix, so differentiable in data."""
    reject_unknown_kwargs("count_sketch", kw, ("out_dim", "processing_batch_size"))
    data, h, s = _as_inputs([data, h, s])
    n_in = data.shape[-1]
    if h.size != n_in or s.size != n_in:
        raise MXNetError("count_sketch: h and s need %d entries (data's last dimension), "
                         "got %d and %d" % (n_in, h.size, s.size))
    # the sketch matrix one_hot(h) * s, recorded: a traced call follows each call's h, s
    dtype = np.dtype(data.dtype).name
    rows = _op("one_hot", [_op("Reshape", [h], {"shape": (n_in,)})],
               {"depth": int(out_dim), "dtype": dtype})
    signs = _op("Reshape", [_cast_to(s, dtype)], {"shape": (n_in, 1)})
    sketch = rows * signs
    return _finish(_op("dot", [data, sketch]), out)


_batch_norm = NAMESPACE["BatchNorm"]


def SyncBatchNorm(data, gamma, beta, moving_mean, moving_var, eps=1e-3, momentum=0.9,
                  fix_gamma=True, use_global_stats=False, output_mean_var=False, ndev=1,
                  key="", out=None, **kw):
    """Batch normalisation synchronised across `ndev` devices; with one device (the only
    one here) exactly BatchNorm over axis 1."""
    reject_unknown_kwargs("SyncBatchNorm", kw, ("eps", "momentum", "fix_gamma",
                                                "use_global_stats", "output_mean_var", "ndev",
                                                "key"))
    return _batch_norm(data, gamma, beta, moving_mean, moving_var, eps=eps, momentum=momentum,
                       fix_gamma=fix_gamma, use_global_stats=use_global_stats,
                       output_mean_var=output_mean_var, out=out)


def BatchNormWithReLU(data, gamma, beta, moving_mean, moving_var, eps=1e-3, momentum=0.9,
                      fix_gamma=True, use_global_stats=False, output_mean_var=False, axis=1,
                      cudnn_off=False, out=None, **kw):
    """relu(BatchNorm(...)): batch normalisation fused with a ReLU."""
    reject_unknown_kwargs("BatchNormWithReLU", kw, ("eps", "momentum", "fix_gamma",
                                                    "use_global_stats", "output_mean_var",
                                                    "axis", "cudnn_off"))
    res = _batch_norm(data, gamma, beta, moving_mean, moving_var, eps=eps, momentum=momentum,
                      fix_gamma=fix_gamma, use_global_stats=use_global_stats,
                      output_mean_var=output_mean_var, axis=axis, cudnn_off=cudnn_off)
    return _finish(_op("relu", [res], None, res), out)


ctc_loss = CTCLoss


def rand_zipfian(true_classes, num_sampled, range_max, ctx=None):
    """Draw `num_sampled` classes from the approximately Zipfian (log-uniform) distribution
    over [0, range_max): P(c) = log((c + 2) / (c + 1)) / log(range_max + 1). Returns
    (sampled classes int64, expected counts of `true_classes`, expected counts of the
    sampled classes), the counts float64 (MXNet's Python implementation, step for step)."""
    log_range = math.log(range_max + 1)
    rand = _uniform(0, log_range, shape=(num_sampled,), dtype="float64")
    # recorded operators: a traced call follows each call's draw and true classes
    sampled = _op("_mod_scalar", [_cast_to(_op("expm1", [rand]), "int64")],
                  {"scalar": float(int(range_max))})

    def expected(classes):
        c = _cast_to(classes, "float64")
        ratio = _op("log", [(c + 2.0) / (c + 1.0)])
        return ratio / log_range * num_sampled
    return sampled, expected(_as_inputs([true_classes])[0]), expected(sampled)

NAMES = {f.__name__: f for f in (
    round_ste, sign_ste, gradientmultiplier, index_array, interleaved_matmul_selfatt_qk,
    interleaved_matmul_selfatt_valatt, interleaved_matmul_encdec_qk,
    interleaved_matmul_encdec_valatt, count_sketch, SyncBatchNorm, BatchNormWithReLU)}
NAMES.update(CTCLoss=CTCLoss, ctc_loss=ctc_loss, rand_zipfian=rand_zipfian)
