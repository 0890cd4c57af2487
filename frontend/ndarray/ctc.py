"""`mx.nd.CTCLoss` (alias `ctc_loss`): the CTC loss as a composition of registered operators.

MXNet's CTCLoss is one opaque kernel (warp-ctc); here the log-space forward recursion of
Graves et al. (2006) is written with operators, one step per time frame, so a recorded or
hybridized CTC loss is ordinary IR and gradients of every order come from the operators'
own rules. Labels enter as one-hot matrices, so nothing depends on label *values* when a
graph is traced. Impossible paths hold a large negative number rather than -inf, which
keeps every intermediate finite (no nan from inf - inf in gradients).
"""
from __future__ import annotations

import numpy as np

from ..ir.errors import MXNetError
from .. import ndarray as F
from .ndarray import NDArray
from .ops import reject_unknown_kwargs

_NEG = -1e30  # log(0) for paths that do not exist


def _logsumexp(*terms):
    m = terms[0]
    for t in terms[1:]:
        m = F.maximum(m, t)
    m = F.stop_gradient(m)  # the max only stabilises: the result does not depend on it
    total = F.exp(terms[0] - m)
    for t in terms[1:]:
        total = total + F.exp(t - m)
    return m + F.log(total)


def _shift(a, k, width):
    """a[:, s - k] along the extended-label axis, _NEG where s < k."""
    pad = F.ones_like(F.slice_axis(a, axis=1, begin=0, end=k)) * _NEG
    return F.concat(pad, F.slice_axis(a, axis=1, begin=0, end=width - k), dim=1)


def _extended_labels(label, lengths, blank, classes, dtype):
    """One-hot (N, 2L+1, C) of blank, l1, blank, l2, ..., blank (labels past a sample's
    length become blanks), and the additive penalty forbidding skips from s-2 to s where
    l'_s is blank or equals l'_{s-2}."""
    batch, width = label.shape[0], 2 * label.shape[1] + 1
    positions = F.broadcast_like(F.reshape(F.arange(label.shape[1]), shape=(1, -1)), label)
    valid = positions < F.reshape(lengths, shape=(-1, 1))
    blanks = F.ones_like(label) * blank
    lab = F.where(valid, label, blanks)
    ext = F.reshape(F.stack(blanks, lab, axis=2), shape=(batch, -1))
    ext = F.concat(ext, F.slice_axis(blanks, axis=1, begin=0, end=1), dim=1)
    ext_prev2 = F.concat(F.slice_axis(blanks, axis=1, begin=0, end=1),
                         F.slice_axis(blanks, axis=1, begin=0, end=1),
                         F.slice_axis(ext, axis=1, begin=0, end=width - 2), dim=1)
    skip = (ext != blank) * (ext != ext_prev2)
    onehot = F.one_hot(ext, classes, dtype=dtype)
    return onehot, F.cast((1 - skip) * _NEG, dtype=dtype)


def CTCLoss(data, label, data_lengths=None, label_lengths=None, use_data_lengths=False,
            use_label_lengths=False, blank_label="first", out=None, **kw):
    """Connectionist Temporal Classification loss of unnormalised activations `data`
    (T, N, C) against padded `label` sequences (N, L): one value per sample, shape (N,).

    blank_label='first': class 0 is the blank, labels are 1..C-1 padded with 0;
    blank_label='last': class C-1 is the blank, labels are 0..C-2 padded with -1.
    `data_lengths` / `label_lengths` (N,) give per-sample lengths when the matching
    use_*_lengths flag is set."""
    reject_unknown_kwargs("CTCLoss", kw, ("data", "label", "data_lengths", "label_lengths",
                                          "use_data_lengths", "use_label_lengths",
                                          "blank_label"))
    arrays = {"data": data, "label": label, "data_lengths": data_lengths,
              "label_lengths": label_lengths}
    for name, a in arrays.items():
        if not isinstance(a, NDArray) and (a is not None or name in ("data", "label")):
            raise TypeError("CTCLoss: %s must be an NDArray, got %s" % (name, type(a).__name__))
    if blank_label not in ("first", "last"):
        raise MXNetError("CTCLoss: blank_label must be 'first' or 'last', got %r"
                         % (blank_label,))
    if data.ndim != 3 or label.ndim != 2 or label.shape[0] != data.shape[1]:
        raise MXNetError("CTCLoss: expected data (T, N, C) and label (N, L), got %s and %s"
                         % (data.shape, label.shape))
    steps, batch, classes = data.shape
    dtype = np.dtype(data.dtype).name
    blank = 0 if blank_label == "first" else classes - 1
    if use_label_lengths and label_lengths is not None:
        lengths = F.cast(label_lengths, dtype=label.dtype)
    else:
        lengths = F.sum((label > 0) if blank_label == "first" else (label >= 0), axis=1)
    onehot, skip_penalty = _extended_labels(label, lengths, blank, classes, dtype)
    width = onehot.shape[1]
    logp = F.log_softmax(data, axis=-1)
    start = F.reshape(F.cast((F.arange(width) >= 2) * _NEG, dtype=dtype), shape=(1, -1))
    if use_data_lengths and data_lengths is not None:
        last_t = data_lengths - 1
    else:
        last_t = F.ones_like(lengths) * (steps - 1)
    alpha = final = None
    for t in range(steps):
        emit = F.reshape(F.batch_dot(F.expand_dims(logp[t], axis=1), onehot, transpose_b=True),
                         shape=(batch, width))
        if alpha is None:
            alpha = F.broadcast_add(emit, start)
        else:
            alpha = emit + _logsumexp(alpha, _shift(alpha, 1, width),
                                      _shift(alpha, 2, width) + skip_penalty)
        here = F.cast(F.reshape(last_t == t, shape=(-1, 1)), dtype=dtype)
        final = alpha * here if final is None else final + alpha * here
    end = 2 * lengths
    a_last = F.pick(final, end, axis=1)
    a_prev = F.where(end > 0, F.pick(final, F.maximum(end - 1, 0), axis=1),
                     F.ones_like(a_last) * _NEG)
    result = -_logsumexp(a_last, a_prev)
    if out is not None:
        out[:] = result
        return out
    return result


ctc_loss = CTCLoss
