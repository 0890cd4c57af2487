"""Automatic mixed precision (`mx.contrib.amp`), as MXNet 1.9.1 offers it.

`init()` wraps the operator functions of `mx.nd` and `mx.sym` named in MXNet's lists
(`lists.symbol_fp16`): those in the low-precision list cast their floating inputs to
float16, those in the float32 list (and the conditional ones, for the listed attribute
values) cast them to float32, and the widest-type ones cast float16 inputs to float32
when another input is float32. Gluon layers call these functions (`F.FullyConnected`),
so an eager block and a hybridized one (traced from the same calls) both run mixed
precision, and the traced graph, printable and exportable, holds the `amp_cast` nodes.
`init_trainer`, `scale_loss` and `unscale` add MXNet's dynamic loss scaling to a Gluon
`Trainer`: a step whose gradients overflow is skipped and the scale halves.

tapegraph computes on NumPy, which runs float16 on the CPU (MXNet's CPU build refuses
float16 FullyConnected and Convolution); NumPy has no bfloat16, so `target_dtype=
'bfloat16'` is refused. The symbol conversions (`convert_symbol`, `convert_model`,
`convert_hybrid_block`, `convert_bucketing_module`) are not provided.
"""
from __future__ import annotations

import contextlib
import logging
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np

from ... import ndarray, symbol
from ...gluon.trainer import Trainer
from ...ndarray import NDArray
from ...optimizer import Optimizer
from ...symbol import Symbol
from ...symbol.api.op_functions import casting_inputs
from ...unsupported import UnsupportedError, message, not_implemented
from . import lists
from .loss_scaler import LossScaler

__all__ = ["init", "init_trainer", "scale_loss", "unscale", "convert_symbol",
           "convert_model", "convert_hybrid_block", "convert_bucketing_module",
           "list_lp16_ops", "list_fp32_ops", "list_lp16_fp32_ops",
           "list_conditional_fp32_ops", "list_widest_type_cast",
           "list_loss_output_functions", "list_lp16_use_fp32_params"]

bfloat16 = np.dtype([("bfloat16", np.uint16)])  # MXNet's stand-in dtype for bfloat16
_PREFIXES = ("_contrib_", "_linalg_", "_sparse_", "_image_", "_random_")
_NO_BF16 = ("bfloat16 needs a bfloat16 array type, which NumPy (tapegraph's runtime) does "
            "not have; use target_dtype='float16'")

_amp_initialized = False
_amp_loss_scale_initialized = False
_loss_scaler: Optional[LossScaler] = None
_wrapped: List[Tuple[Any, str, Any]] = []  # (namespace, name, original): what init() replaced


def _is_bf16(target_dtype: Any) -> bool:
    return target_dtype == "bfloat16" or _same(target_dtype, bfloat16)


def _same(a: Any, dtype: np.dtype) -> bool:
    """`a == dtype` as NumPy 1.x answered it (False for an unknown type name; NumPy 2
    raises a TypeError instead)."""
    try:
        return bool(a == dtype)
    except TypeError:
        return False


def _lists(target_dtype: Any):
    if target_dtype in ("float16", np.float16):
        return lists.symbol_fp16
    assert _same(target_dtype, bfloat16), "not supported type"
    return lists.symbol_bf16


def list_lp16_ops(target_dtype: Any) -> List[str]:
    """The operators AMP runs in low precision (float16 or bfloat16)."""
    module = _lists(target_dtype)
    return module.FP16_FUNCS if module is lists.symbol_fp16 else module.BF16_FUNCS


def list_fp32_ops(target_dtype: Any) -> List[str]:
    """The operators AMP keeps in float32."""
    return _lists(target_dtype).FP32_FUNCS


def list_lp16_fp32_ops(target_dtype: Any) -> List[str]:
    """The operators that run in either precision (left as they are)."""
    module = _lists(target_dtype)
    return module.FP16_FP32_FUNCS if module is lists.symbol_fp16 else module.BF16_FP32_FUNCS


def list_conditional_fp32_ops(target_dtype: Any) -> List[Tuple[str, str, List[str]]]:
    """(operator, attribute, values): kept in float32 for those attribute values."""
    return _lists(target_dtype).CONDITIONAL_FP32_FUNCS


def list_widest_type_cast(target_dtype: Any) -> List[str]:
    """The operators whose inputs are cast to the widest floating type among them."""
    return _lists(target_dtype).WIDEST_TYPE_CASTS


def list_loss_output_functions(target_dtype: Any) -> List[str]:
    """The loss-output operators whose `grad_scale` follows the loss scale."""
    return _lists(target_dtype).LOSS_OUTPUT_FUNCTIONS


def list_lp16_use_fp32_params(target_dtype: Any) -> Optional[Dict[str, Any]]:
    """Per low-precision operator, which parameters stay float32 (bfloat16 only)."""
    module = _lists(target_dtype)
    return None if module is lists.symbol_fp16 else module.BF16_USE_FP32_PARAMS


# ---------------------------------------------------------------- wrapping the operators
def _cast(x: Any, dtype: np.dtype) -> Any:
    """`x` cast to `dtype` when it is a float32 array (MXNet casts arrays on a CPU only
    from float32 or bfloat16, so float16 arrays stay float16 even for the float32
    operators); anything else unchanged. (Symbols: see `_casting_inputs`.)"""
    if isinstance(x, NDArray) and x.dtype != dtype and x.dtype == np.float32:
        return ndarray.amp_cast(x, dtype=dtype.name)
    return x


def _casting(f: Callable, dtype: np.dtype, cond: Optional[Tuple[str, list]] = None):
    """`mx.nd` operator `f` with its array arguments cast to `dtype` (when
    `kwargs[cond[0]]` is one of `cond[1]`, if `cond` is given)."""
    def amp_wrapper(*args: Any, **kwargs: Any) -> Any:
        if cond is not None and kwargs.get(cond[0]) not in cond[1]:
            return f(*args, **kwargs)
        args = tuple(_cast(a, dtype) for a in args)
        kwargs = {k: _cast(v, dtype) for k, v in kwargs.items()}
        return f(*args, **kwargs)
    return _named_like(amp_wrapper, f)


def _casting_inputs(f: Callable, dtype: np.dtype, cond: Optional[Tuple[str, list]] = None):
    """Symbol operator `f` whose node reads every non-auxiliary input cast to `dtype`,
    the parameters it creates itself included (as MXNet's amp wrapper rebuilds the node
    on its casted children); `cond` as for `_casting`."""
    def amp_wrapper(*args: Any, **kwargs: Any) -> Any:
        if cond is not None and kwargs.get(cond[0]) not in cond[1]:
            return f(*args, **kwargs)
        with casting_inputs(lambda s: symbol.amp_cast(s, dtype=dtype.name)):
            return f(*args, **kwargs)
    return _named_like(amp_wrapper, f)


def _widest(f: Callable, target: np.dtype):
    """`f` with its `target`-typed array arguments cast to float32 when any argument is
    float32; symbols all go through one `amp_multicast`."""
    def amp_wrapper(*args: Any, **kwargs: Any) -> Any:
        args = list(args)
        slots = [(args, i) for i, a in enumerate(args) if isinstance(a, (Symbol, NDArray))]
        slots += [(kwargs, k) for k, a in kwargs.items() if isinstance(a, (Symbol, NDArray))]
        values = [holder[key] for holder, key in slots]
        if any(isinstance(v, Symbol) for v in values):
            if len(values) > 1:
                cast = symbol.amp_multicast(*values, num_outputs=len(values))
                for (holder, key), v in zip(slots, cast):
                    holder[key] = v
        elif any(v.dtype == np.float32 for v in values):
            for holder, key in slots:
                if holder[key].dtype == target:
                    holder[key] = ndarray.amp_cast(holder[key], dtype="float32")
        return f(*args, **kwargs)
    return _named_like(amp_wrapper, f)


def _loss_output(f: Callable, scaler: LossScaler, eager: bool):
    def amp_wrapper(*args: Any, **kwargs: Any) -> Any:
        if eager:
            kwargs["grad_scale"] = kwargs.get("grad_scale", 1.0) * scaler.loss_scale
        else:
            logging.warning("%s does not support dynamic loss scaling in symbolic and "
                            "hybridized execution.", f.__name__)
        return f(*args, **kwargs)
    return _named_like(amp_wrapper, f)


def _named_like(wrapper: Callable, f: Callable) -> Callable:
    wrapper.__name__ = getattr(f, "__name__", wrapper.__name__)
    wrapper.__doc__ = f.__doc__
    wrapper.__wrapped__ = f  # type: ignore[attr-defined]
    return wrapper


def _target(module: Any, name: str) -> Tuple[Any, str]:
    """The namespace and attribute MXNet's `_get_fun_to_wrap` picks for operator `name`:
    `_contrib_box_nms` is `contrib.box_nms`; other underscored names are not public."""
    for prefix in _PREFIXES:
        if name.startswith(prefix) and (prefix != "_random_" or name.endswith("_like")):
            return _lookup(module, prefix[1:-1]), name[len(prefix):]
    return (None if name.startswith("_") else module), name


def _lookup(namespace: Any, name: str) -> Any:
    """`namespace.name`, or None when tapegraph does not provide it (absent, or a
    stand-in such as the sparse namespace)."""
    try:
        f = getattr(namespace, name, None)
    except NotImplementedError:
        return None
    return None if getattr(f, "__tapegraph_unsupported__", None) is not None else f


def _replace(module: Any, name: str, make: Callable[[Callable], Callable]) -> None:
    namespace, attr = _target(module, name)
    f = _lookup(namespace, attr) if namespace is not None else None
    if f is None:
        return  # an operator tapegraph does not have (sparse ones, internal ones)
    _wrapped.append((namespace, attr, f))
    setattr(namespace, attr, make(f))


def _wrap_operators(module: Any, target: np.dtype, lp16_ops: Optional[Sequence[str]],
                    conditional_fp32_ops: Optional[Sequence[Tuple[str, str, list]]],
                    fp32_ops: Optional[Sequence[str]]) -> None:
    fp32 = np.dtype(np.float32)
    cast = _casting_inputs if module is symbol else _casting
    for name in lp16_ops if lp16_ops is not None else list_lp16_ops(target.name):
        _replace(module, name, lambda f: cast(f, target))
    for name in fp32_ops if fp32_ops is not None else list_fp32_ops(target.name):
        _replace(module, name, lambda f: cast(f, fp32))
    conditional = (conditional_fp32_ops if conditional_fp32_ops is not None
                   else list_conditional_fp32_ops(target.name))
    for name, attr, values in conditional:
        _replace(module, name, lambda f, c=(attr, values): cast(f, fp32, c))
    for name in list_widest_type_cast(target.name):
        _replace(module, name, lambda f: _widest(f, target))


def init(target_dtype: Any = "float16", target_precision_ops: Optional[Sequence[str]] = None,
         conditional_fp32_ops: Optional[Sequence[Tuple[str, str, list]]] = None,
         fp32_ops: Optional[Sequence[str]] = None, layout_optimization: bool = False) -> None:
    """Turn on AMP: from now on the listed operators of `mx.nd` and `mx.sym` cast their
    inputs (see the module docstring). Call it before building the model; a second call
    does nothing. The three lists override MXNet's defaults."""
    global _amp_initialized, _loss_scaler
    if _amp_initialized:
        return
    assert target_dtype in ["float16", np.float16, "bfloat16", bfloat16], \
        "AMP currently supports only float16 or bfloat16 as a target_dtype"
    if _is_bf16(target_dtype):
        raise UnsupportedError(message("amp.init(target_dtype='bfloat16')", _NO_BF16))
    _amp_initialized = True
    logging.info("Using AMP")
    target = np.dtype(target_dtype)
    for module in (symbol, ndarray):
        _wrap_operators(module, target, target_precision_ops, conditional_fp32_ops,
                        fp32_ops)
    _loss_scaler = LossScaler()
    for module, eager in ((ndarray, True), (symbol, False)):
        for name in list_loss_output_functions(target.name):
            _replace(module, name, lambda f, e=eager: _loss_output(f, _loss_scaler, e))


def disable() -> None:
    """Undo `init()`: the operator functions are MXNet's again and `init()` may be called
    anew (tapegraph only; MXNet has no way back). Trainers keep their loss scalers."""
    global _amp_initialized, _amp_loss_scale_initialized, _loss_scaler
    while _wrapped:
        namespace, attr, original = _wrapped.pop()
        setattr(namespace, attr, original)
    _amp_initialized = _amp_loss_scale_initialized = False
    _loss_scaler = None


# ---------------------------------------------------------------- loss scaling
def _require_trainer(optimizer_or_trainer: Any) -> None:
    if isinstance(optimizer_or_trainer, Optimizer):
        raise TypeError("AMP is currently only compatible with Gluon Trainer")
    if not isinstance(optimizer_or_trainer, Trainer):
        raise TypeError("optimizer_or_trainer should be a Gluon Trainer or an optimizer, "
                        "instead is %s" % type(optimizer_or_trainer))


def init_trainer(optimizer_or_trainer: Any) -> None:
    """Give a Gluon `Trainer` a dynamic loss scaler: its steps then skip (and halve the
    scale) when a gradient overflows. Needs `init()` first."""
    global _amp_loss_scale_initialized
    assert _amp_initialized, "AMP not initialized, did you forget to call amp.init()?"
    _require_trainer(optimizer_or_trainer)  # (before any change: a refused call keeps all)
    if not _amp_loss_scale_initialized:
        _amp_loss_scale_initialized = True
        scaler = _loss_scaler
    else:
        scaler = LossScaler()
    optimizer_or_trainer._amp_loss_scaler = scaler
    optimizer_or_trainer._amp_original_scale = optimizer_or_trainer._scale


@contextlib.contextmanager
def scale_loss(loss: Any, optimizer_or_trainer: Any) -> Iterator[Any]:
    """`with scale_loss(loss, trainer) as scaled: scaled.backward()`: the loss (or list
    of losses) times the current loss scale; the trainer divides the gradients back."""
    scaler = optimizer_or_trainer._amp_loss_scaler  # (AttributeError before init_trainer)
    assert scaler is not None, \
        "Loss scaler is not initialized, did you forget to call amp.init_trainer()?"
    if isinstance(loss, (list, tuple)):
        scaled = [l * scaler.loss_scale for l in loss]
    else:
        scaled = scaler.loss_scale * loss
    # (after the products: a loss that cannot be scaled leaves the trainer as it was)
    optimizer_or_trainer._scale = optimizer_or_trainer._amp_original_scale / scaler.loss_scale
    yield scaled


def unscale(optimizer_or_trainer: Any) -> None:
    """Divide the gradients by the loss scale now (e.g. before clipping them yourself);
    the next step then does not."""
    _require_trainer(optimizer_or_trainer)
    for param in optimizer_or_trainer._params:
        if param.grad_req == "null":
            continue
        for g in param.list_grad():
            g[:] *= optimizer_or_trainer._scale
    optimizer_or_trainer._scale = 1.


_CONVERT = ("converting a symbol or model to mixed precision (MXNet's ReducePrecision graph "
            "pass) is not provided (MXNet 1.9.1's CPU build returns the symbol unchanged and "
            "needs a GPU for the parameters); call amp.init() before building the model")
convert_symbol = not_implemented("amp.convert_symbol", _CONVERT)
convert_model = not_implemented("amp.convert_model", _CONVERT)
convert_hybrid_block = not_implemented("amp.convert_hybrid_block", _CONVERT)
convert_bucketing_module = not_implemented("amp.convert_bucketing_module", _CONVERT)
