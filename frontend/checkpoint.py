"""MXNet's checkpoint files: `PREFIX-symbol.json` (the symbol, MXNet's JSON) and
`PREFIX-EPOCH.params` (MXNet's binary NDArray file, keys `arg:NAME` and `aux:NAME`), so
checkpoints written here load in MXNet and the other way round. `mx.model` and
`mx.callback` offer these functions (as MXNet's modules do)."""
from __future__ import annotations

import logging
from typing import Any, Dict, Tuple

from . import ndarray as nd
from . import symbol as sym
from .context import cpu


def save_checkpoint(prefix: str, epoch: int, symbol: Any, arg_params: Dict[str, Any],
                    aux_params: Dict[str, Any], remove_amp_cast: bool = True) -> None:
    """Write `prefix-symbol.json` (unless `symbol` is None) and `prefix-%04d.params` % epoch
    with the parameters under the keys `arg:NAME` and `aux:NAME`, as MXNet does."""
    if symbol is not None:
        symbol.save("%s-symbol.json" % prefix, remove_amp_cast=remove_amp_cast)
    param_name = "%s-%04d.params" % (prefix, epoch)
    save_params_file(param_name, arg_params, aux_params)
    logging.info('Saved checkpoint to "%s"', param_name)


def save_params_file(fname: str, arg_params: Dict[str, Any], aux_params: Dict[str, Any]
                     ) -> None:
    """Write the parameters to `fname` under the keys `arg:NAME` and `aux:NAME`."""
    save_dict = {"arg:%s" % k: v.as_in_context(cpu()) for k, v in arg_params.items()}
    save_dict.update({"aux:%s" % k: v.as_in_context(cpu()) for k, v in aux_params.items()})
    nd.save(fname, save_dict)


def split_params(save_dict: Dict[str, Any], fname: str, strict: bool = False
                 ) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """(arg_params, aux_params) from the `arg:NAME` / `aux:NAME` arrays of a loaded file;
    another key is skipped, or with `strict` a ValueError (MXNet's Module.load_params)."""
    arg_params: Dict[str, Any] = {}
    aux_params: Dict[str, Any] = {}
    for key, value in save_dict.items():
        kind, _, name = key.partition(":")
        if kind == "arg":
            arg_params[name] = value
        elif kind == "aux":
            aux_params[name] = value
        elif strict:
            raise ValueError("Invalid param file " + fname)
    return arg_params, aux_params


def load_params(prefix: str, epoch: int) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """(arg_params, aux_params) from `prefix-%04d.params` % epoch."""
    fname = "%s-%04d.params" % (prefix, epoch)
    save_dict = nd.load(fname)
    if not save_dict:
        logging.warning("Params file '%s' is empty", fname)
        return {}, {}
    if not isinstance(save_dict, dict):
        raise ValueError("load_params: %s holds a list of arrays, not the named "
                         "'arg:NAME' / 'aux:NAME' arrays of a checkpoint" % fname)
    return split_params(save_dict, fname)


def load_checkpoint(prefix: str, epoch: int) -> Tuple[Any, Dict[str, Any], Dict[str, Any]]:
    """(symbol, arg_params, aux_params) of the checkpoint `prefix` at `epoch`."""
    symbol = sym.load("%s-symbol.json" % prefix)
    arg_params, aux_params = load_params(prefix, epoch)
    return symbol, arg_params, aux_params
