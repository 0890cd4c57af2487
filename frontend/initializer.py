"""`mx.init` / `mx.initializer`: weight initializers, as MXNet 1.9.1 defines them.

An initializer is called as `init(InitDesc(name, attrs), arr)` and fills `arr` in place.
A descriptor whose attrs carry `'__init__'` (a parameter's own initializer, by name, JSON or
instance) uses that initializer's `_init_weight`; otherwise the name's suffix picks the
method: `weight` -> `_init_weight`, `bias`/`beta` -> zeros, `gamma` -> ones, ...
Random initializers draw from `mx.random`'s seeded generator.
"""
from __future__ import annotations

import json
import logging
from math import sqrt  # noqa: F401  (MXNet's module exports it)
import re
import warnings
from typing import Any, Callable, Dict, List, Optional, Sequence

import numpy as np

from . import ndarray as _nd
from . import random as _random
from .inplace import as_numpy, assign, buffer
from .registry import get_alias_func, get_create_func, get_register_func
from .ndarray import NDArray  # noqa: F401  (MXNet's module exports these)
from .util import is_np_array  # noqa: F401

__all__ = ["InitDesc", "Initializer", "register", "alias", "create", "Load", "Mixed", "Zero",
           "One", "Constant", "Uniform", "Normal", "Orthogonal", "Xavier", "MSRAPrelu",
           "Bilinear", "LSTMBias", "FusedRNN"]


class InitDesc(str):
    """A parameter's name, with its attributes and the global initializer to fall back to."""

    attrs: Dict[str, Any]
    global_init: Optional["Initializer"]

    def __new__(cls, name: str, attrs: Optional[Dict[str, Any]] = None,
                global_init: Optional["Initializer"] = None) -> "InitDesc":
        ret = super().__new__(cls, name)
        ret.attrs = attrs or {}
        ret.global_init = global_init
        return ret


# name suffix -> method, in MXNet's order of tests
_SUFFIXES = (("weight", "_init_weight"), ("bias", "_init_bias"), ("gamma", "_init_gamma"),
             ("beta", "_init_beta"), ("min", "_init_zero"), ("max", "_init_one"),
             ("weight_quantize", "_init_quantized_weight"),
             ("bias_quantize", "_init_quantized_bias"))
_LEGACY = (("bias", "_init_bias"), ("gamma", "_init_gamma"), ("beta", "_init_beta"),
           ("weight", "_init_weight"), ("moving_mean", "_init_zero"),
           ("moving_var", "_init_one"), ("moving_inv_var", "_init_zero"),
           ("moving_avg", "_init_zero"), ("min", "_init_zero"), ("max", "_init_one"))


class Initializer:
    """Base class: subclasses implement `_init_weight(name, arr)` (and may override the
    `_init_bias`, `_init_gamma`, ... defaults)."""

    def __init__(self, **kwargs: Any) -> None:
        self._kwargs = kwargs
        self._verbose = False
        self._print_func: Optional[Callable[[Any], str]] = None

    def set_verbosity(self, verbose: bool = False,
                      print_func: Optional[Callable[[Any], str]] = None) -> "Initializer":
        """Log each initialized array with `print_func(arr)` (default: its RMS value)."""
        self._verbose = verbose
        if print_func is None:
            def print_func(x: Any) -> str:
                data = buffer(x)
                return str(np.float32(np.linalg.norm(data) / np.sqrt(data.size)))
        self._print_func = print_func
        return self

    def _verbose_print(self, desc: str, init: str, arr: Any) -> None:
        if self._verbose and self._print_func:
            logging.info("Initialized %s as %s: %s", desc, init, self._print_func(arr))

    def dumps(self) -> str:
        """The initializer as JSON, `'["name", {kwargs}]'`, which `create` reads back."""
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])

    def __call__(self, desc: Any, arr: Any) -> None:
        """Fill `arr` in place as `desc` (an `InitDesc`) says."""
        if not isinstance(desc, InitDesc):
            self._legacy_init(desc, arr)
            return
        if desc.global_init is None:
            desc.global_init = self
        init = desc.attrs.get("__init__", "")
        if init:
            create(init)._init_weight(desc, arr)
            self._verbose_print(desc, str(init), arr)
            return
        for suffix, method in _SUFFIXES:
            if desc.endswith(suffix):
                getattr(self, method)(desc, arr)
                self._verbose_print(desc, suffix, arr)
                return
        self._init_default(desc, arr)

    def _legacy_init(self, name: Any, arr: Any) -> None:
        warnings.warn("Calling initializer with init(str, NDArray) has been deprecated."
                      "please use init(mx.init.InitDesc(...), NDArray) instead.",
                      DeprecationWarning, stacklevel=3)
        if not isinstance(name, str):
            raise TypeError("name must be string")
        buffer(arr)  # raises TypeError for a non-array
        if name.startswith("upsampling"):
            self._init_bilinear(name, arr)
        elif name.startswith("stn_loc") and name.endswith("weight"):
            self._init_zero(name, arr)
        elif name.startswith("stn_loc") and name.endswith("bias"):
            self._init_loc_bias(name, arr)
        else:
            for suffix, method in _LEGACY:
                if name.endswith(suffix):
                    getattr(self, method)(name, arr)
                    return
            self._init_default(name, arr)

    def _init_bilinear(self, _: str, arr: Any) -> None:
        assign(arr, _bilinear(buffer(arr).shape))

    def _init_loc_bias(self, _: str, arr: Any) -> None:
        if buffer(arr).shape[0] != 6:
            raise ValueError("stn_loc bias needs shape (6,), got %s" % (buffer(arr).shape,))
        assign(arr, np.array([1.0, 0, 0, 0, 1.0, 0]))

    def _init_zero(self, _: str, arr: Any) -> None:
        assign(arr, 0.0)

    def _init_one(self, _: str, arr: Any) -> None:
        assign(arr, 1.0)

    def _init_bias(self, _: str, arr: Any) -> None:
        assign(arr, 0.0)

    def _init_quantized_bias(self, _: str, arr: Any) -> None:
        assign(arr, 0)

    def _init_gamma(self, _: str, arr: Any) -> None:
        assign(arr, 1.0)

    def _init_beta(self, _: str, arr: Any) -> None:
        assign(arr, 0.0)

    def _init_weight(self, name: str, arr: Any) -> None:
        """Fill a weight: subclasses implement this."""
        raise NotImplementedError("Must override it")

    def _init_quantized_weight(self, _: str, arr: Any) -> None:
        assign(arr, _random.generator().integers(-127, 127, buffer(arr).shape).astype(np.int8))

    def _init_default(self, name: str, _: Any) -> None:
        raise ValueError(
            'Unknown initialization pattern for %s. Default initialization is now limited to '
            '"weight", "bias", "gamma" (1.0), and "beta" (0.0).Please use '
            "mx.sym.Variable(init=mx.init.*) to set initialization pattern" % name)

    def __eq__(self, other: Any) -> Any:
        if not isinstance(other, Initializer):
            return NotImplemented
        return type(self) is type(other) and self._kwargs == other._kwargs

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return "%s(%s)" % (type(self).__name__,
                           ", ".join("%s=%r" % kv for kv in self._kwargs.items()))


_register = get_register_func(Initializer, "initializer")
alias = get_alias_func(Initializer, "initializer")
create = get_create_func(Initializer, "initializer")


def register(klass: type) -> type:
    """Register an `Initializer` subclass so `create` (and `init='name'`) finds it."""
    return _register(klass)


def _bilinear(shape: Sequence[int]) -> np.ndarray:
    """The bilinear upsampling kernel MXNet writes, over the last two axes."""
    if len(shape) < 4:
        raise ValueError("Bilinear initializer needs a 4-D weight, got shape %s" % (shape,))
    f = np.ceil(shape[3] / 2.0)
    c = (2 * f - 1 - f % 2) / (2.0 * f)
    x = np.arange(shape[3])
    y = np.arange(shape[2])
    kernel = np.outer(1 - np.abs(y / f - c), 1 - np.abs(x / f - c)).astype(np.float32)
    return np.broadcast_to(kernel, tuple(shape))


class Load:
    """Initialize from a dict of arrays (or a file of them), dropping `arg:`/`aux:` prefixes;
    names not found use `default_init`."""

    def __init__(self, param: Any, default_init: Optional[Initializer] = None,
                 verbose: bool = False) -> None:
        if isinstance(param, str):
            if not hasattr(_nd, "load"):
                raise NotImplementedError("mx.init.Load(file): mx.nd.load is not available; "
                                          "pass a dict of arrays")
            param = _nd.load(param)
        if not isinstance(param, dict):
            raise TypeError("Load needs a dict of arrays or a file name")
        self.param = {(k[4:] if k.startswith(("arg:", "aux:")) else k): v
                      for k, v in param.items()}
        self.default_init = default_init
        self.verbose = verbose

    def __call__(self, name: str, arr: Any) -> None:
        if name in self.param:
            src = as_numpy(self.param[name])
            if buffer(arr).shape != np.shape(src):
                raise ValueError("Parameter %s cannot be initialized from loading. Shape "
                                 "mismatch, target %s vs loaded %s"
                                 % (name, buffer(arr).shape, np.shape(src)))
            assign(arr, src)
            if self.verbose:
                logging.info("Initialized %s by loading", name)
        else:
            if self.default_init is None:
                raise ValueError("Cannot Initialize %s. Not found in loaded param and no "
                                 "default Initializer is provided." % name)
            self.default_init(name, arr)
            if self.verbose:
                logging.info("Initialized %s by default", name)


class Mixed:
    """Initialize each parameter with the first initializer whose regex matches its name."""

    def __init__(self, patterns: List[str], initializers: List[Any]) -> None:
        if len(patterns) != len(initializers):
            raise ValueError("Mixed needs as many patterns as initializers (%d vs %d)"
                             % (len(patterns), len(initializers)))
        self.map = [(re.compile(p), create(i)) for p, i in zip(patterns, initializers)]

    def __call__(self, name: str, arr: Any) -> None:
        for prog, init in self.map:
            if prog.match(name):
                init(name, arr)
                return
        raise ValueError('Parameter name %s did not match any pattern. Consider add a ".*" '
                         "pattern at the and with default Initializer." % name)


@register
@alias("zeros")
class Zero(Initializer):
    """Fills with 0."""

    def __init__(self) -> None:
        super().__init__()

    def _init_weight(self, _: str, arr: Any) -> None:
        assign(arr, 0)


@register
@alias("ones")
class One(Initializer):
    """Fills with 1."""

    def __init__(self) -> None:
        super().__init__()

    def _init_weight(self, _: str, arr: Any) -> None:
        assign(arr, 1)


@register
class Constant(Initializer):
    """Fills with `value`: a scalar or an array broadcastable to the parameter."""

    def __init__(self, value: Any) -> None:
        super().__init__(value=value)
        self.value = value

    def _init_weight(self, _: str, arr: Any) -> None:
        assign(arr, self.value)

    def dumps(self) -> str:
        val = self._kwargs["value"]
        if not np.isscalar(val):
            self._kwargs["value"] = np.asarray(as_numpy(val)).tolist()
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])


@register
class Uniform(Initializer):
    """Samples from U[-scale, scale]."""

    def __init__(self, scale: float = 0.07) -> None:
        super().__init__(scale=scale)
        self.scale = scale

    def _init_weight(self, _: str, arr: Any) -> None:
        shape = buffer(arr).shape
        assign(arr, _random.generator().uniform(-self.scale, self.scale, shape))


@register
class Normal(Initializer):
    """Samples from N(0, sigma^2)."""

    def __init__(self, sigma: float = 0.01) -> None:
        super().__init__(sigma=sigma)
        self.sigma = sigma

    def _init_weight(self, _: str, arr: Any) -> None:
        assign(arr, _random.generator().normal(0.0, self.sigma, buffer(arr).shape))


@register
class Orthogonal(Initializer):
    """`scale` times an orthogonal matrix (Saxe et al. 2013) from the SVD of a random
    (out, prod(rest)) matrix drawn uniform in [-1, 1] or standard normal."""

    def __init__(self, scale: float = 1.414, rand_type: str = "uniform") -> None:
        super().__init__(scale=scale, rand_type=rand_type)
        self.scale = scale
        self.rand_type = rand_type

    def _init_weight(self, _: str, arr: Any) -> None:
        shape = buffer(arr).shape
        nout, nin = shape[0], int(np.prod(shape[1:]))
        if self.rand_type == "uniform":
            tmp = _random.generator().uniform(-1.0, 1.0, (nout, nin))
        elif self.rand_type == "normal":
            tmp = _random.generator().normal(0.0, 1.0, (nout, nin))
        else:
            raise ValueError("Orthogonal: unknown rand_type %r (expected 'uniform' or 'normal')"
                             % (self.rand_type,))
        u, _s, v = np.linalg.svd(tmp, full_matrices=False)
        res = u if u.shape == tmp.shape else v
        assign(arr, self.scale * res.reshape(shape))


@register
class Xavier(Initializer):
    """Glorot initialization: scale = sqrt(magnitude / factor), factor the average of fan in
    and fan out (or one of them, `factor_type`), fans counting the receptive field; samples
    U[-scale, scale] (`rnd_type='uniform'`) or N(0, scale^2) (`'gaussian'`)."""

    def __init__(self, rnd_type: str = "uniform", factor_type: str = "avg",
                 magnitude: float = 3) -> None:
        super().__init__(rnd_type=rnd_type, factor_type=factor_type, magnitude=magnitude)
        self.rnd_type = rnd_type
        self.factor_type = factor_type
        self.magnitude = float(magnitude)

    def _init_weight(self, name: str, arr: Any) -> None:
        shape = buffer(arr).shape
        if len(shape) < 2:
            raise ValueError("Xavier initializer cannot be applied to vector {0}. It requires at"
                             " least 2D.".format(name))
        hw_scale = float(np.prod(shape[2:])) if len(shape) > 2 else 1.0
        fan_in, fan_out = shape[1] * hw_scale, shape[0] * hw_scale
        factors = {"avg": (fan_in + fan_out) / 2.0, "in": fan_in, "out": fan_out}
        if self.factor_type not in factors:
            raise ValueError("Incorrect factor type")
        scale = np.sqrt(self.magnitude / factors[self.factor_type])
        if self.rnd_type == "uniform":
            assign(arr, _random.generator().uniform(-scale, scale, shape))
        elif self.rnd_type == "gaussian":
            assign(arr, _random.generator().normal(0.0, scale, shape))
        else:
            raise ValueError("Unknown random type")


@register
class MSRAPrelu(Xavier):
    """He initialization for (P)ReLU layers: Gaussian Xavier, magnitude 2 / (1 + slope^2)."""

    def __init__(self, factor_type: str = "avg", slope: float = 0.25) -> None:
        super().__init__("gaussian", factor_type, 2.0 / (1 + slope ** 2))
        self._kwargs = {"factor_type": factor_type, "slope": slope}


@register
class Bilinear(Initializer):
    """Bilinear interpolation kernel, for upsampling (deconvolution) weights."""

    def __init__(self) -> None:
        super().__init__()

    def _init_weight(self, _: str, arr: Any) -> None:
        assign(arr, _bilinear(buffer(arr).shape))


@register
class LSTMBias(Initializer):
    """Zero LSTM biases except the forget gate's (the second quarter), set to
    `forget_bias`."""

    def __init__(self, forget_bias: float = 1.0) -> None:
        super().__init__(forget_bias=forget_bias)
        self.forget_bias = forget_bias

    def _init_weight(self, name: str, arr: Any) -> None:
        data = buffer(arr)
        data[...] = 0.0
        num_hidden = int(data.shape[0] / 4)
        data[num_hidden:2 * num_hidden] = self.forget_bias


def _fused_pieces(mode: str, layers: int, bidirectional: bool, size: int,
                  h: int) -> List[tuple]:
    """(name, offset, shape) of each weight and bias inside MXNet's fused RNN parameter
    vector (mx.rnn.FusedRNNCell's layout: all weights layer by layer, then all biases)."""
    gates = {"rnn_relu": [""], "rnn_tanh": [""], "lstm": ["_i", "_f", "_c", "_o"],
             "gru": ["_r", "_z", "_o"]}.get(mode)
    if gates is None:
        raise ValueError("FusedRNN: unknown mode %r (rnn_relu, rnn_tanh, lstm, gru)" % mode)
    dirs = ["l", "r"] if bidirectional else ["l"]
    b, m = len(dirs), len(gates)
    n_in = size // b // h // m - (layers - 1) * (h + b * h + 2) - h - 2
    pieces, p = [], 0
    for layer in range(layers):
        for d in dirs:
            width = n_in if layer == 0 else b * h
            for kind, cols in (("i2h", width), ("h2h", h)):
                for g in gates:
                    pieces.append(("%s%d_%s%s_weight" % (d, layer, kind, g), p, (h, cols)))
                    p += h * cols
    for layer in range(layers):
        for d in dirs:
            for kind in ("i2h", "h2h"):
                for g in gates:
                    pieces.append(("%s%d_%s%s_bias" % (d, layer, kind, g), p, (h,)))
                    p += h
    if n_in <= 0 or p != size:
        raise ValueError("FusedRNN: a parameter of %d values does not fit %s with %d "
                         "layer(s) of %d hidden units%s" % (size, mode, layers, h,
                                                           ", bidirectional" * bidirectional))
    return pieces


@register
class FusedRNN(Initializer):
    """Initialize the single parameter vector of a fused RNN (MXNet's `FusedRNNCell`
    layout): each gate's weight and bias is cut out, initialized by `init` (the global
    initializer when None) under its own name (`l0_i2h_f_weight`, ...; LSTM forget-gate
    biases get `forget_bias`), and packed back."""

    def __init__(self, init: Any, num_hidden: int, num_layers: int, mode: str,
                 bidirectional: bool = False, forget_bias: float = 1.0) -> None:
        if isinstance(init, str):
            init = create(init)
        super().__init__(init=init.dumps() if init is not None else None,
                         num_hidden=num_hidden, num_layers=num_layers, mode=mode,
                         bidirectional=bidirectional, forget_bias=forget_bias)
        self._init = init
        self._num_hidden = num_hidden
        self._num_layers = num_layers
        self._mode = mode
        self._bidirectional = bidirectional
        self._forget_bias = forget_bias

    def _init_weight(self, desc: Any, arr: Any) -> None:
        data = buffer(arr)
        flat = data.reshape(-1)
        pieces = _fused_pieces(self._mode, self._num_layers, self._bidirectional, flat.size,
                               self._num_hidden)
        global_init = getattr(desc, "global_init", None)
        for name, offset, shape in pieces:
            size = int(np.prod(shape))
            piece = _nd.array(np.zeros(shape, data.dtype), dtype=data.dtype)
            if self._mode == "lstm" and name.endswith("_f_bias"):
                buffer(piece)[...] = self._forget_bias
            else:
                init = self._init if self._init is not None else global_init
                if init is None:
                    raise ValueError("FusedRNN: no initializer for %s (init=None needs "
                                     "the global initializer of Parameter.initialize)" % name)
                init(InitDesc(name, global_init=global_init), piece)
            flat[offset:offset + size] = buffer(piece).reshape(-1)


load = _nd.load  # mx.init exposes mx.nd.load under this name, as MXNet's module does
