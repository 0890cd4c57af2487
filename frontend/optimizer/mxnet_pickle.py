"""Read optimizer-state files written by MXNet 1.9.1 (`Trainer.save_states`,
`Updater.get_states`): a pickle of `states` or `(states, optimizer)`.

A pickle names the functions that rebuild its objects, so `pickle.load` on a file from
elsewhere runs whatever the file says. This reader does not unpickle: `pickletools.genops`
splits the bytes into opcodes (it only decodes them) and a small stack machine here builds
plain data from them. The only names a file may refer to are:

- `mxnet.ndarray.ndarray.NDArray` (its state is MXNet's raw bytes of one array, decoded
  with the `.params` record reader) and `builtins.bytearray`;
- `mxnet.optimizer.optimizer.<Name>`: the tapegraph optimizer registered under that name;
- `mxnet.lr_scheduler.<Name>`: the tapegraph scheduler of that name;
- `copyreg._reconstructor` and `builtins.object`, for those classes.

Any other name, or an opcode outside the protocol-0..4 data subset, is an error
(`StateFileError`) raised before anything is built from it.
"""
from __future__ import annotations

import pickletools
from typing import Any, Callable, Dict, List

from .. import lr_scheduler as _lrs
from ..ir.errors import MXNetError
from ..ndarray.ndarray import NDArray
from ..ndarray.serialize import _decode, _Reader
from ..registry import _REGISTRY
from .optimizer import Optimizer

_SCHEDULERS = {c.__name__: c for c in (_lrs.LRScheduler, _lrs.FactorScheduler,
                                       _lrs.MultiFactorScheduler, _lrs.PolyScheduler,
                                       _lrs.CosineScheduler)}


class StateFileError(MXNetError, ValueError):
    """An MXNet state file that is malformed or names something not allowed."""


class _PickledNDArray:
    """Stands for an MXNet NDArray while reading; becomes an NDArray afterwards."""

    def __init__(self, *_: Any) -> None:
        self.data: Any = None

    def __setstate__(self, state: Any) -> None:
        raw = state.get("handle") if isinstance(state, dict) else None
        if raw is not None:
            self.data = _decode(_Reader(bytes(raw), "MXNet optimizer states"))


class _Mark:
    pass


_MARK = _Mark()
_CONSTANTS = {"NONE": None, "NEWTRUE": True, "NEWFALSE": False}
_EMPTY: Dict[str, Callable[[], Any]] = {"EMPTY_DICT": dict, "EMPTY_LIST": list,
                                        "EMPTY_TUPLE": tuple}
_SCALARS = {"BININT", "BININT1", "BININT2", "INT", "LONG", "LONG1", "LONG4", "BINFLOAT",
            "FLOAT", "SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE",
            "SHORT_BINBYTES", "BINBYTES", "BINBYTES8", "SHORT_BINSTRING", "BINSTRING",
            "STRING"}
_PUT = {"BINPUT", "LONG_BINPUT", "PUT"}
_GET = {"BINGET", "LONG_BINGET", "GET"}


def _classes() -> set:
    return set(_REGISTRY.get(Optimizer, {}).values()) | set(_SCHEDULERS.values())


def _global(module: str, name: str) -> Any:
    if (module, name) == ("mxnet.ndarray.ndarray", "NDArray"):
        return _PickledNDArray
    if (module, name) in (("builtins", "bytearray"), ("__builtin__", "bytearray")):
        return bytearray
    if (module, name) in (("builtins", "object"), ("__builtin__", "object")):
        return object
    if (module, name) == ("copyreg", "_reconstructor"):
        return _reconstructor
    if module == "mxnet.optimizer.optimizer":
        cls = _REGISTRY.get(Optimizer, {}).get(name.lower())
        if cls is not None:
            return cls
        raise StateFileError("MXNet optimizer states: optimizer %s is not available in "
                             "tapegraph" % name)
    if module == "mxnet.lr_scheduler" and name in _SCHEDULERS:
        return _SCHEDULERS[name]
    raise StateFileError("MXNet optimizer states: %s.%s is not allowed in a state file"
                         % (module, name))


def _reconstructor(cls: Any, base: Any, state: Any) -> Any:
    if cls not in _classes() or base is not object or state is not None:
        raise StateFileError("MXNet optimizer states: cannot rebuild %r" % (cls,))
    return cls.__new__(cls)


_CALLABLE = (_PickledNDArray, bytearray, _reconstructor)


def _build(obj: Any, state: Any) -> None:
    if isinstance(obj, _PickledNDArray) or type(obj) in _classes():
        if isinstance(state, tuple) and len(state) == 2:  # (dict state, slot state)
            state = state[0]
        if not isinstance(state, dict):
            raise StateFileError("MXNet optimizer states: bad state for %s"
                                 % type(obj).__name__)
        if hasattr(obj, "__setstate__") and type(obj) is not object:
            obj.__setstate__(state)
        else:
            obj.__dict__.update(state)
        return
    raise StateFileError("MXNet optimizer states: cannot set the state of a %s"
                         % type(obj).__name__)


def _pop_mark(stack: List[Any]) -> List[Any]:
    for i in range(len(stack) - 1, -1, -1):
        if stack[i] is _MARK:
            items = stack[i + 1:]
            del stack[i:]
            return items
    raise StateFileError("MXNet optimizer states: malformed file (no MARK)")


def _run(data: bytes) -> Any:
    stack: List[Any] = []
    memo: Dict[int, Any] = {}
    try:
        ops = list(pickletools.genops(data))
    except Exception as e:  # noqa: BLE001  (genops raises ValueError and others)
        raise StateFileError("MXNet optimizer states: malformed file (%s)" % e) from None
    for op, arg, _pos in ops:
        name = op.name
        if name in ("PROTO", "FRAME"):
            continue
        if name == "STOP":
            return stack.pop()
        if name == "MARK":
            stack.append(_MARK)
        elif name in _CONSTANTS:
            stack.append(_CONSTANTS[name])
        elif name in _EMPTY:
            stack.append(_EMPTY[name]())
        elif name in _SCALARS:
            stack.append(arg)
        elif name == "MEMOIZE":
            memo[len(memo)] = stack[-1]
        elif name in _PUT:
            memo[arg] = stack[-1]
        elif name in _GET:
            stack.append(memo[arg])
        elif name in ("TUPLE1", "TUPLE2", "TUPLE3"):
            n = int(name[-1])
            items = tuple(stack[-n:])
            del stack[-n:]
            stack.append(items)
        elif name == "TUPLE":
            stack.append(tuple(_pop_mark(stack)))
        elif name == "LIST":
            stack.append(list(_pop_mark(stack)))
        elif name == "DICT":
            items = _pop_mark(stack)
            stack.append(dict(zip(items[::2], items[1::2])))
        elif name == "SETITEM":
            value, key = stack.pop(), stack.pop()
            stack[-1][key] = value
        elif name == "SETITEMS":
            items = _pop_mark(stack)
            stack[-1].update(zip(items[::2], items[1::2]))
        elif name == "APPEND":
            value = stack.pop()
            stack[-1].append(value)
        elif name == "APPENDS":
            items = _pop_mark(stack)
            stack[-1].extend(items)
        elif name == "GLOBAL":
            module, _, attr = arg.partition(" ")
            stack.append(_global(module, attr))
        elif name == "STACK_GLOBAL":
            attr, module = stack.pop(), stack.pop()
            stack.append(_global(module, attr))
        elif name == "REDUCE":
            args, func = stack.pop(), stack.pop()
            if func not in _CALLABLE:
                raise StateFileError("MXNet optimizer states: cannot call %r" % (func,))
            stack.append(func(*args))
        elif name == "NEWOBJ":
            args, cls = stack.pop(), stack.pop()
            if cls not in _classes() or args:
                raise StateFileError("MXNet optimizer states: cannot build %r" % (cls,))
            stack.append(cls.__new__(cls))
        elif name == "BUILD":
            state = stack.pop()
            _build(stack[-1], state)
        else:
            raise StateFileError("MXNet optimizer states: unsupported pickle opcode %s"
                                 % name)
    raise StateFileError("MXNet optimizer states: malformed file (no STOP)")


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
    """The `(states, optimizer or None)` of an MXNet-written state file."""
    try:
        loaded = _finish(_run(data))
    except (IndexError, KeyError, TypeError, AttributeError) as e:
        raise StateFileError("MXNet optimizer states: malformed file (%s: %s)"
                             % (type(e).__name__, e)) from None
    if isinstance(loaded, tuple) and len(loaded) == 2 and isinstance(loaded[1], Optimizer):
        loaded[1].__dict__.setdefault("param_dict", {})
        return loaded[0], loaded[1]
    if not isinstance(loaded, dict):
        raise StateFileError("MXNet optimizer states: expected a dict of states, got %s"
                             % type(loaded).__name__)
    return loaded, None
