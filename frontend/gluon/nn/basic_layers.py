"""The basic layers of `gluon.nn` (MXNet 1.9.1's): containers, Dense, Activation, Dropout,
Embedding, Flatten, Lambda and HybridLambda."""
from __future__ import annotations

import math
import warnings
from typing import Any, Callable, Optional, Union
from ...base import names_from


from ... import ndarray as _nd
from ... import symbol as _sym
from ..block import Block
from ..hybrid_block import HybridBlock
from ..utils import _indent

__all__ = ["Sequential", "HybridSequential", "Dense", "Activation", "Dropout", "Embedding",
           "Flatten", "Lambda", "HybridLambda"]


def _children_repr(block: Block) -> str:
    modstr = "\n".join(["  ({key}): {block}".format(key=key, block=_indent(repr(b), 2))
                        for key, b in block._children.items()])
    return "{name}(\n{modstr}\n)".format(name=block.__class__.__name__, modstr=modstr)


class Sequential(Block):
    """Stacks blocks; `forward` runs them in order."""

    def __init__(self, prefix: Optional[str] = None, params: Any = None) -> None:
        super().__init__(prefix=prefix, params=params)

    def add(self, *blocks: Block) -> None:
        """Append blocks."""
        for block in blocks:
            self.register_child(block)

    def forward(self, x: Any, *args: Any) -> Any:
        for block in self._children.values():
            x = block(x, *args)
            args = []
            if isinstance(x, (tuple, list)):
                args = x[1:]
                x = x[0]
        if args:
            x = tuple([x] + list(args))
        return x

    def __repr__(self) -> str:
        return _children_repr(self)

    def __getitem__(self, key: Union[int, slice]) -> Any:
        layers = list(self._children.values())[key]
        if isinstance(layers, list):
            net = type(self)(prefix=self._prefix)
            with net.name_scope():
                net.add(*layers)
            return net
        return layers

    def __len__(self) -> int:
        return len(self._children)

    def hybridize(self, active: bool = True, **kwargs: Any) -> None:
        if self._children and all(isinstance(c, HybridBlock) for c in self._children.values()):
            warnings.warn("All children of this Sequential layer '%s' are HybridBlocks. "
                          "Consider using HybridSequential for the best performance."
                          % self.prefix, stacklevel=2)
        super().hybridize(active, **kwargs)


class HybridSequential(HybridBlock):
    """Stacks HybridBlocks; hybridizing it traces the whole stack as one graph."""

    def __init__(self, prefix: Optional[str] = None, params: Any = None) -> None:
        super().__init__(prefix=prefix, params=params)

    def add(self, *blocks: HybridBlock) -> None:
        """Append blocks."""
        for block in blocks:
            self.register_child(block)

    def hybrid_forward(self, F: Any, x: Any, *args: Any) -> Any:
        for block in self._children.values():
            x = block(x, *args)
            args = []
            if isinstance(x, (tuple, list)):
                args = x[1:]
                x = x[0]
        if args:
            x = tuple([x] + list(args))
        return x

    def __repr__(self) -> str:
        return _children_repr(self)

    __getitem__ = Sequential.__getitem__
    __len__ = Sequential.__len__


class Dense(HybridBlock):
    """A fully connected layer: `activation(dot(x, weight.T) + bias)`.

    With `in_units=0` the weight's input dimension is found at the first forward."""

    def __init__(self, units: int, activation: Optional[str] = None, use_bias: bool = True,
                 flatten: bool = True, dtype: Any = "float32", weight_initializer: Any = None,
                 bias_initializer: Any = "zeros", in_units: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._flatten = flatten
        with self.name_scope():
            self._units = units
            self._in_units = in_units
            self.weight = self.params.get("weight", shape=(units, in_units),
                                          init=weight_initializer, dtype=dtype,
                                          allow_deferred_init=True)
            if use_bias:
                self.bias = self.params.get("bias", shape=(units,), init=bias_initializer,
                                            dtype=dtype, allow_deferred_init=True)
            else:
                self.bias = None
            if activation is not None:
                self.act = Activation(activation, prefix=activation + "_")
            else:
                self.act = None

    def infer_shape(self, x: Any, *args: Any) -> None:
        k = int(math.prod(x.shape[1:])) if self._flatten else x.shape[-1]
        self.weight.shape = (self._units, k)

    def hybrid_forward(self, F: Any, x: Any, weight: Any, bias: Any = None) -> Any:
        act = F.FullyConnected(x, weight, bias, no_bias=bias is None, num_hidden=self._units,
                               flatten=self._flatten, name="fwd")
        if self.act is not None:
            act = self.act(act)
        return act

    def __repr__(self) -> str:
        shape = self.weight.shape
        return "{name}({layout}, {act})".format(
            name=self.__class__.__name__, act=self.act if self.act else "linear",
            layout="{0} -> {1}".format(shape[1] if shape[1] else None, shape[0]))


class Activation(HybridBlock):
    """An activation function by name: relu, sigmoid, tanh, softrelu, softsign, ..."""

    def __init__(self, activation: str, **kwargs: Any) -> None:
        self._act_type = activation
        super().__init__(**kwargs)

    def _alias(self) -> str:
        return self._act_type

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.Activation(x, act_type=self._act_type, name="fwd")

    def __repr__(self) -> str:
        return "{name}({_act_type})".format(name=self.__class__.__name__, **self.__dict__)


class Dropout(HybridBlock):
    """Zero inputs with probability `rate` while training (scaling the rest by
    1/(1-rate)); the identity in predict mode."""

    def __init__(self, rate: float, axes: Any = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._rate = rate
        self._axes = axes

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        if self._rate > 0:
            return F.Dropout(x, p=self._rate, axes=self._axes, name="fwd", cudnn_off=False)
        return F.identity(x)

    def __repr__(self) -> str:
        return "{name}(p = {_rate}, axes={_axes})".format(name=self.__class__.__name__,
                                                           **self.__dict__)


class Embedding(HybridBlock):
    """Maps integer indices to rows of a `(input_dim, output_dim)` weight."""

    def __init__(self, input_dim: int, output_dim: int, dtype: Any = "float32",
                 weight_initializer: Any = None, sparse_grad: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        grad_stype = "row_sparse" if sparse_grad else "default"
        self._kwargs = {"input_dim": input_dim, "output_dim": output_dim, "dtype": dtype,
                        "sparse_grad": sparse_grad}
        self.weight = self.params.get("weight", shape=(input_dim, output_dim),
                                      init=weight_initializer, dtype=dtype,
                                      allow_deferred_init=True, grad_stype=grad_stype)

    def hybrid_forward(self, F: Any, x: Any, weight: Any) -> Any:
        return F.Embedding(x, weight, name="fwd", **self._kwargs)

    def __repr__(self) -> str:
        return "{block_name}({input_dim} -> {output_dim}, {dtype})".format(
            block_name=self.__class__.__name__, **self._kwargs)


class Flatten(HybridBlock):
    """Reshape `(N, d1, d2, ...)` to `(N, d1*d2*...)`."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.flatten(x)

    def __repr__(self) -> str:
        return self.__class__.__name__


class Lambda(Block):
    """Wrap a function (or the name of an `mx.nd` function) as a Block."""

    def __init__(self, function: Union[str, Callable], prefix: Optional[str] = None) -> None:
        super().__init__(prefix=prefix)
        if isinstance(function, str):
            assert hasattr(_nd, function), "Function name %s is not found in ndarray." % function
            self._func_impl = getattr(_nd, function)
        elif callable(function):
            self._func_impl = function
        else:
            raise ValueError("Unrecognized function in lambda: {} of type {}"
                             .format(function, type(function)))

    def forward(self, *args: Any) -> Any:
        return self._func_impl(*args)

    def __repr__(self) -> str:
        return "{name}({function})".format(name=self.__class__.__name__,
                                           function=self._func_impl.__name__)


class HybridLambda(HybridBlock):
    """Wrap `function(F, x, *args)` (or the name of a function in both `mx.nd` and
    `mx.sym`) as a HybridBlock."""

    def __init__(self, function: Union[str, Callable], prefix: Optional[str] = None) -> None:
        super().__init__(prefix=prefix)
        if isinstance(function, str):
            assert hasattr(_nd, function) and hasattr(_sym, function), (
                "Function name %s is not found in symbol/ndarray." % function)
            funcs = {_sym: getattr(_sym, function), _nd: getattr(_nd, function)}
            self._func = lambda F, *args: funcs[F](*args)
            self._func_name = function
        elif callable(function):
            self._func = function
            self._func_name = function.__name__
        else:
            raise ValueError("Unrecognized function in lambda: {} of type {}"
                             .format(function, type(function)))

    def hybrid_forward(self, F: Any, x: Any, *args: Any) -> Any:
        return self._func(F, x, *args)

    def __repr__(self) -> str:
        return "{name}({function})".format(name=self.__class__.__name__,
                                           function=self._func_name)

# Defined in MXNet's namesake of this module; kept in sibling modules here
__getattr__, __dir__ = names_from("tapegraph.gluon.nn", (
    "BatchNorm", "BatchNormReLU", "GroupNorm", "InstanceNorm", "LayerNorm"), __name__)
