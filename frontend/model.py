"""`mx.model`: MXNet's checkpoint files and the helpers `mx.mod.Module` trains with.

Checkpoints (`save_checkpoint`, `load_checkpoint`, `load_params`) are tapegraph.checkpoint's:
MXNet's files, both ways. `FeedForward`, MXNet's deprecated training API, is
a stand-in: use `mx.mod.Module`.
"""
from __future__ import annotations

import os
import time  # noqa: F401  (MXNet's module exports it)
import warnings  # noqa: F401  (MXNet's module exports it)
from collections import namedtuple
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from . import io  # noqa: F401  (MXNet's module exports it)
from . import kvstore as kvs
from . import metric  # noqa: F401  (MXNet's module exports it)
from . import optimizer as opt  # noqa: F401  (MXNet's module exports it)
from .context import Context, cpu  # noqa: F401  (MXNet's module exports them)
from .initializer import Uniform  # noqa: F401  (MXNet's module exports it)
from .io import DataDesc  # noqa: F401  (MXNet's module exports it)
from .optimizer import get_updater  # noqa: F401  (MXNet's module exports it)
from .unsupported import SPARSE, UnsupportedError, not_implemented, not_implemented_class
from .checkpoint import load_checkpoint, load_params, save_checkpoint  # noqa: F401
from .callback import LogValidationMetricsCallback  # noqa: F401  (MXNet's module exports it)

mx_real_t = np.float32
BASE_ESTIMATOR = object
SKLEARN_INSTALLED = False

BatchEndParam = namedtuple("BatchEndParams", ["epoch", "nbatch", "eval_metric", "locals"])
BatchEndParam.__doc__ = """What `batch_end_callback`s get: the epoch, the batch number,
the evaluation metric and the `locals()` of the training loop."""

FeedForward = not_implemented_class(
    "mxnet.model.FeedForward",
    "it is MXNet's deprecated training API; use mx.mod.Module (fit, predict, score, "
    "save_checkpoint, Module.load) instead")
DataParallelExecutorManager = not_implemented_class(
    "mxnet.model.DataParallelExecutorManager",
    "it is the executor manager of the deprecated FeedForward; mx.mod.Module binds its own "
    "executor")


# ---------------------------------------------------------------- Module's helpers
def _create_kvstore(kvstore: Any, num_device: int, arg_params: Dict[str, Any]
                    ) -> Tuple[Optional[Any], bool]:
    """(kvstore or None, whether the kvstore runs the optimizer), as MXNet decides: a
    kvstore name on a single device means no kvstore."""
    update_on_kvstore = bool(int(os.getenv("MXNET_UPDATE_ON_KVSTORE", "1")))
    if kvstore is None:
        kv = None
    elif isinstance(kvstore, kvs.KVStoreBase):
        kv = kvstore
    elif isinstance(kvstore, str):
        if num_device == 1 and "dist" not in kvstore:
            kv = None
        else:
            kv = kvs.create(kvstore)
            if kvstore == "local" and arg_params:
                max_size = max(int(np.prod(p.shape)) for p in arg_params.values())
                if max_size > 1024 * 1024 * 16:
                    update_on_kvstore = False
    else:
        raise TypeError("kvstore must be KVStore, str or None")
    if kv is None:
        update_on_kvstore = False
    else:
        update_on_kvstore &= kv.is_capable(kvs.KVStoreBase.OPTIMIZER)
    return kv, update_on_kvstore


def _create_sparse_kvstore(kvstore: Any):
    """A kvstore for row_sparse parameters: those are not supported here."""
    raise UnsupportedError("_create_sparse_kvstore is not implemented in tapegraph: " + SPARSE)


def _initialize_kvstore(kvstore: Any, param_arrays: Sequence[List[Any]],
                        arg_params: Dict[str, Any], param_names: Sequence[str],
                        update_on_kvstore: bool) -> None:
    """Put the initial parameters into the kvstore (and, when it updates them, on every
    device's copy)."""
    for idx, param_on_devs in enumerate(param_arrays):
        name = param_names[idx]
        if not update_on_kvstore:
            kvstore.init(name, arg_params[name])
        else:
            kvstore.broadcast(name, arg_params[name], out=param_on_devs)


def _update_params_on_kvstore(param_arrays: Sequence[List[Any]],
                              grad_arrays: Sequence[List[Any]], kvstore: Any,
                              param_names: Sequence[str]) -> None:
    """Push every gradient and pull the weights the kvstore's optimizer updated."""
    for index, (arg_list, grad_list) in enumerate(zip(param_arrays, grad_arrays)):
        if grad_list[0] is None:
            continue
        kvstore.pushpull(param_names[index], grad_list, out=arg_list, priority=-index)


_update_params_on_kvstore_nccl = _update_params_on_kvstore


def _update_params(param_arrays: Sequence[List[Any]], grad_arrays: Sequence[List[Any]],
                   updater: Any, num_device: int, kvstore: Any = None,
                   param_names: Optional[Sequence[str]] = None) -> None:
    """Sum the gradients in the kvstore (if any), then run `updater` on each device's
    weights with MXNet's indices (`index * num_device + device`)."""
    updates: List[list] = [[] for _ in range(num_device)]
    for index, (arg_list, grad_list) in enumerate(zip(param_arrays, grad_arrays)):
        if grad_list[0] is None:
            continue
        if kvstore:
            kvstore.pushpull(param_names[index], grad_list, priority=-index)
        for k, (w, g) in enumerate(zip(arg_list, grad_list)):
            updates[k].append((index * num_device + k, g, w))
    for dev_updates in updates:
        if dev_updates:
            i, g, w = zip(*dev_updates)
            updater(list(i), list(g), list(w))


def _multiple_callbacks(callbacks: Any, *args: Any, **kwargs: Any) -> None:
    """Call a callback or each of a list of callbacks."""
    if isinstance(callbacks, list):
        for cb in callbacks:
            cb(*args, **kwargs)
        return
    if callbacks:
        callbacks(*args, **kwargs)


_check_arguments = not_implemented(
    "mxnet.model._check_arguments", "it belongs to the deprecated FeedForward API")
_load_data = not_implemented(
    "mxnet.model._load_data", "it belongs to the deprecated FeedForward API")
_train_multi_device = not_implemented(
    "mxnet.model._train_multi_device", "it belongs to the deprecated FeedForward API; "
    "use mx.mod.Module.fit")
