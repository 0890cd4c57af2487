"""The optimizer-state file format of `Updater.get_states` and `Trainer.save_states`.

MXNet pickles `(states, optimizer)`. Unpickling runs whatever code the file names, so a
state file from anywhere would be a program; this format is data only: a NumPy `.npz`
archive (read with `allow_pickle=False`) holding each state array as `a<N>` and, in
`__meta__`, UTF-8 JSON describing the structure:

    {"format": "tapegraph-optimizer-states", "version": 1,
     "states": <tree of the {index: state} dict>,
     "optimizer": null | {"class": registered name, "attrs": <tree of its attributes>}}

A tree is a JSON scalar, `{"list": [...]}`, `{"tuple": [...]}`, `{"dict": [[k, v], ...]}`,
`{"array": "aN", "np": bool}` (an NDArray; `np` for `mx.np.ndarray`), or
`{"scheduler": class name, "attrs": tree}` (an `mx.lr_scheduler` object). Loading builds
only registered optimizers and known schedulers. Files written by MXNet (pickles) are read
by `mxnet_pickle`, which decodes their opcodes as data (no unpickling) and allows only
MXNet's array, optimizer and scheduler classes.
"""
from __future__ import annotations

import io
import json
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from .. import lr_scheduler as _lrs
from ..inplace import buffer
from ..ndarray.ndarray import NDArray
from ..numpy.ndarray import ndarray as _NpArray
from ..registry import _REGISTRY
from .mxnet_pickle import StateFileError, loads_mxnet_states
from .optimizer import Optimizer

FORMAT = "tapegraph-optimizer-states"
_SCHEDULERS = {c.__name__: c for c in (_lrs.LRScheduler, _lrs.FactorScheduler,
                                       _lrs.MultiFactorScheduler, _lrs.PolyScheduler,
                                       _lrs.CosineScheduler)}


class _Encoder:
    def __init__(self) -> None:
        self.arrays: Dict[str, np.ndarray] = {}

    def __call__(self, v: Any) -> Any:
        if v is None or isinstance(v, (bool, int, float, str)):
            return v
        if isinstance(v, np.generic):
            return v.item()
        if isinstance(v, (NDArray, np.ndarray)):
            name = "a%d" % len(self.arrays)
            self.arrays[name] = np.array(buffer(v))
            return {"array": name, "np": isinstance(v, _NpArray)}
        if isinstance(v, list):
            return {"list": [self(x) for x in v]}
        if isinstance(v, tuple):
            return {"tuple": [self(x) for x in v]}
        if isinstance(v, dict):
            return {"dict": [[self(k), self(x)] for k, x in v.items()]}
        if isinstance(v, _lrs.LRScheduler) and type(v).__name__ in _SCHEDULERS:
            return {"scheduler": type(v).__name__, "attrs": self(dict(vars(v)))}
        raise TypeError("cannot save optimizer state: %s is not an array, number, string or "
                        "container" % type(v).__name__)


def _decode(v: Any, arrays: Any) -> Any:
    if not isinstance(v, dict):
        return v
    if "array" in v:
        data = np.array(arrays[v["array"]])
        return (_NpArray if v.get("np") else NDArray)._wrap(data)
    if "list" in v:
        return [_decode(x, arrays) for x in v["list"]]
    if "tuple" in v:
        return tuple(_decode(x, arrays) for x in v["tuple"])
    if "dict" in v:
        return {_decode(k, arrays): _decode(x, arrays) for k, x in v["dict"]}
    if "scheduler" in v:
        cls = _SCHEDULERS.get(v["scheduler"])
        if cls is None:
            raise StateFileError("optimizer states: unknown lr_scheduler %r"
                                 % (v["scheduler"],))
        sched = cls.__new__(cls)
        sched.__dict__.update(_decode(v["attrs"], arrays))
        return sched
    raise StateFileError("optimizer states: malformed entry %r" % (v,))


def dumps_states(states: Dict[Any, Any], optimizer: Optional[Optimizer]) -> bytes:
    """Serialize `{index: state}` (and `optimizer`) to bytes."""
    enc = _Encoder()
    meta = {"format": FORMAT, "version": 1, "states": enc(dict(states)), "optimizer": None}
    if optimizer is not None:
        attrs = optimizer.__getstate__()
        meta["optimizer"] = {"class": type(optimizer).__name__.lower(), "attrs": enc(attrs)}
    out = io.BytesIO()
    blob = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    np.savez(out, __meta__=blob, **enc.arrays)
    return out.getvalue()


def loads_states(data: bytes, like: Optional[Optimizer] = None
                 ) -> Tuple[Dict[Any, Any], Optional[Optimizer]]:
    """Read bytes written by `dumps_states`: the states and the optimizer (or None)."""
    if data[:1] == b"\x80":
        return loads_mxnet_states(data)
    if data[:2] != b"PK":
        raise StateFileError("optimizer states: not a tapegraph optimizer-state file")
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        arrays = {k: archive[k] for k in archive.files}
    meta = json.loads(arrays.pop("__meta__").tobytes().decode("utf-8"))
    if meta.get("format") != FORMAT or meta.get("version") != 1:
        raise StateFileError("optimizer states: unsupported format %r version %r"
                         % (meta.get("format"), meta.get("version")))
    states = _decode(meta["states"], arrays)
    opt = meta.get("optimizer")
    if opt is None:
        return states, None
    table: Dict[str, type] = _REGISTRY.get(Optimizer, {})
    cls = table.get(opt["class"])
    if cls is None:
        raise StateFileError("optimizer states: optimizer %r is not registered"
                             % (opt["class"],))
    optimizer = cls.__new__(cls)
    optimizer.__setstate__(_decode(opt["attrs"], arrays))
    # the counts of the current device are the same dict as in `_all_index_update_counts`
    optimizer._index_update_count = optimizer._all_index_update_counts.setdefault(0, {})
    if like is not None:
        optimizer.param_dict = like.param_dict
    return states, optimizer


__all__: List[str] = ["dumps_states", "loads_states", "FORMAT"]
