"""Read optimizer-state files written by MXNet 1.9.1 (`Trainer.save_states`,
`Updater.get_states`): a pickle of `states` or `(states, optimizer)`.

A pickle names the functions that rebuild its objects, so loading an arbitrary one runs
arbitrary code. This reader follows the "restricting globals" recipe of Python's `pickle`
documentation: only the names below can be looked up, and any other name in the file
stops the load with `pickle.UnpicklingError` before it is called.

- `mxnet.ndarray.ndarray.NDArray` (its state is MXNet's raw bytes of one array, decoded
  with the `.params` record reader) and `builtins.bytearray`;
- `mxnet.optimizer.optimizer.<Name>`: the tapegraph optimizer registered under that name;
- `mxnet.lr_scheduler.<Name>`: the tapegraph scheduler of that name;
- NumPy's scalar and dtype constructors, and `copyreg._reconstructor` for those classes.
"""
from __future__ import annotations

import copyreg
import io
import pickle
from typing import Any, Dict

import numpy as np

from .. import lr_scheduler as _lrs
from ..ndarray.ndarray import NDArray
from ..ndarray.serialize import _decode, _Reader
from ..registry import _REGISTRY
from .optimizer import Optimizer

_NP_SCALAR = (getattr(np, "_core", None) or np.core).multiarray.scalar
_SCHEDULERS = {c.__name__: c for c in (_lrs.LRScheduler, _lrs.FactorScheduler,
                                       _lrs.MultiFactorScheduler, _lrs.PolyScheduler,
                                       _lrs.CosineScheduler)}


class _PickledNDArray:
    """Stands for an MXNet NDArray while unpickling; becomes an NDArray afterwards."""

    def __init__(self, *_: Any) -> None:
        self.data: Any = None

    def __setstate__(self, state: Dict[str, Any]) -> None:
        raw = state.get("handle") if isinstance(state, dict) else None
        if raw is not None:
            self.data = _decode(_Reader(bytes(raw), "MXNet optimizer states"))


def _optimizer_class(name: str) -> type:
    cls = _REGISTRY.get(Optimizer, {}).get(name.lower())
    if cls is None:
        raise pickle.UnpicklingError("MXNet optimizer states: optimizer %s is not available "
                                     "in tapegraph" % name)
    return cls


def _allowed_classes() -> set:
    return set(_REGISTRY.get(Optimizer, {}).values()) | set(_SCHEDULERS.values())


def _reconstructor(cls: type, base: type, state: Any) -> Any:
    if cls not in _allowed_classes():
        raise pickle.UnpicklingError("MXNet optimizer states: refusing to build %r" % (cls,))
    return copyreg._reconstructor(cls, base, state)


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("mxnet.ndarray.ndarray", "NDArray"):
            return _PickledNDArray
        if (module, name) == ("builtins", "bytearray"):
            return bytearray
        if (module, name) == ("builtins", "object"):
            return object
        if module == "mxnet.optimizer.optimizer":
            return _optimizer_class(name)
        if module == "mxnet.lr_scheduler" and name in _SCHEDULERS:
            return _SCHEDULERS[name]
        if (module, name) in (("numpy.core.multiarray", "scalar"), ("numpy", "dtype")):
            return _NP_SCALAR if name == "scalar" else np.dtype
        if (module, name) == ("copyreg", "_reconstructor"):
            return _reconstructor
        raise pickle.UnpicklingError("MXNet optimizer states: %s.%s is not allowed in a "
                                     "state file" % (module, name))


def _finish(obj: Any) -> Any:
    if isinstance(obj, _PickledNDArray):
        return NDArray._wrap(obj.data) if obj.data is not None else None
    if isinstance(obj, tuple):
        return tuple(_finish(x) for x in obj)
    if isinstance(obj, list):
        return [_finish(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _finish(v) for k, v in obj.items()}
    return obj


def loads_mxnet_states(data: bytes) -> Any:
    """The `states` or `(states, optimizer)` of an MXNet-written state file."""
    loaded = _finish(_Unpickler(io.BytesIO(data)).load())
    optimizer = loaded[1] if isinstance(loaded, tuple) and len(loaded) == 2 else None
    if isinstance(optimizer, Optimizer):
        optimizer.__dict__.setdefault("param_dict", {})
        return loaded[0], optimizer
    if not isinstance(loaded, dict):
        raise pickle.UnpicklingError("MXNet optimizer states: expected a dict of states, "
                                     "got %s" % type(loaded).__name__)
    return loaded, None
