"""Checkpoint helpers of the legacy RNN API (`mx.rnn`): weights of fused cells are saved
unpacked (one array per gate) and packed again when loaded. They save and load with
`mx.model.save_checkpoint` / `load_checkpoint`."""
from __future__ import annotations

import warnings

from ..checkpoint import load_checkpoint, save_checkpoint  # (MXNet's mx.rnn offers them)
from .base import BaseRNNCell




def rnn_unroll(cell, length, inputs=None, begin_state=None, input_prefix='', layout='NTC'):
    """Deprecated. Please use cell.unroll instead"""
    warnings.warn('rnn_unroll is deprecated. Please call cell.unroll directly.')
    return cell.unroll(length=length, inputs=inputs, begin_state=begin_state,
                       input_prefix=input_prefix, layout=layout)


def save_rnn_checkpoint(cells, prefix, epoch, symbol, arg_params, aux_params):
    """Save `prefix-symbol.json` and `prefix-<epoch>.params`, unpacking the weights of
    `cells` (a cell or a list of cells) first."""
    if isinstance(cells, BaseRNNCell):
        cells = [cells]
    for cell in cells:
        arg_params = cell.unpack_weights(arg_params)
    save_checkpoint(prefix, epoch, symbol, arg_params, aux_params)


def load_rnn_checkpoint(cells, prefix, epoch):
    """(symbol, arg_params, aux_params) loaded from `prefix`, the weights of `cells`
    packed again."""
    sym, arg, aux = load_checkpoint(prefix, epoch)
    if isinstance(cells, BaseRNNCell):
        cells = [cells]
    for cell in cells:
        arg = cell.pack_weights(arg)
    return sym, arg, aux


def do_rnn_checkpoint(cells, prefix, period=1):
    """An epoch-end callback for `Module.fit` saving an RNN checkpoint every `period`
    epochs."""
    period = int(max(1, period))

    def _callback(iter_no, sym=None, arg=None, aux=None):
        if (iter_no + 1) % period == 0:
            save_rnn_checkpoint(cells, prefix, iter_no + 1, sym, arg, aux)
    return _callback
