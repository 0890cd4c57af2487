"""`gluon.Block` and `gluon.HybridBlock` (MXNet 1.9.1's).

A `Block` holds parameters and child blocks, named as MXNet names them (`naming.py`).
A `HybridBlock` writes `hybrid_forward(F, x, *args, **params)`: called with NDArrays it
runs eagerly with `F = mx.nd` (under `autograd.record()` every operator is recorded as
usual); called with Symbols it builds a Symbol with `F = mx.sym`. After `hybridize()`,
the first call per input signature traces the forward into one IR graph and later calls
run its compiled plan (`hybrid.py`).

Deferred initialization: a parameter created with unknown (0) dimensions gets its shape
at the block's first forward, from `infer_shape(*inputs)`. Layers override
`infer_shape` to read the shape off the concrete inputs (as `nn.Dense` does); the
default builds the block's Symbol and runs MXNet-style symbolic shape inference.
"""
from __future__ import annotations

import re
import warnings
from collections import OrderedDict
from typing import Any, Dict, List, Optional

from ..base import MXNetError
from ..ndarray.serialize import load_arrays, save_arrays
from ._init import DEFAULT_INIT
from .model_file import load_model, save_model
from .naming import BlockScope
from .parameter import Parameter
from .parameter_dict import ParameterDict, _check_compatible
from .summary import summary as _summary
from .utils import HookHandle, _brief_print_list, _indent
from ..base import names_from

__all__ = ["Block", "HybridBlock"]

class Block:
    """Base class of all layers and models (MXNet's `gluon.Block`).

    Subclasses create children and parameters inside `with self.name_scope():` and
    implement `forward(*args)`.
    """

    def __init__(self, prefix: Optional[str] = None, params: Optional[ParameterDict] = None):
        self._empty_prefix = prefix == ""
        self._prefix, self._params = BlockScope.create(prefix, params, self._alias(),
                                                       ParameterDict)
        self._name = self._prefix[:-1] if self._prefix.endswith("_") else self._prefix
        self._scope = BlockScope(self)
        self._children: "OrderedDict[str, Block]" = OrderedDict()
        self._reg_params: Dict[str, Parameter] = {}
        self._forward_hooks: "OrderedDict[int, Any]" = OrderedDict()
        self._forward_pre_hooks: "OrderedDict[int, Any]" = OrderedDict()

    def __repr__(self) -> str:
        modstr = "\n".join(["  ({key}): {block}".format(key=key, block=_indent(repr(block), 2))
                            for key, block in self.__dict__.items()
                            if isinstance(block, Block)])
        return "{name}(\n{modstr}\n)".format(name=self.__class__.__name__, modstr=modstr)

    def __setattr__(self, name: str, value: Any) -> None:
        """Registers blocks and parameters assigned as attributes."""
        if hasattr(self, name):
            existing = getattr(self, name)
            if isinstance(existing, (Parameter, Block)) and not isinstance(value, type(existing)):
                raise TypeError("Changing attribute type for {name} from {type1} to {type2}"
                                "is not allowed.".format(name=name, type1=type(existing),
                                                         type2=type(value)))
        if isinstance(value, Block):
            self.register_child(value, name)
        elif isinstance(value, Parameter):
            assert name not in self._reg_params, (
                "Overriding Parameter attribute %s is not allowed. If you want to share "
                "parameters between blocks, please set 'params' at Block construction "
                "instead." % name)
            self._reg_params[name] = value
        super().__setattr__(name, value)

    def _alias(self) -> str:
        return self.__class__.__name__.lower()

    @property
    def prefix(self) -> str:
        """The prefix of this block's and its children's names (`dense0_`)."""
        return self._prefix

    @property
    def name(self) -> str:
        """The block's name (`dense0`)."""
        return self._name

    def name_scope(self) -> BlockScope:
        """Scope under which children and parameters get this block's prefix."""
        return self._scope

    @property
    def params(self) -> ParameterDict:
        """This block's own parameters (not its children's: see `collect_params`)."""
        return self._params

    def collect_params(self, select: Optional[str] = None) -> ParameterDict:
        """This block's and all its descendants' parameters; `select` is a regular
        expression (e.g. `'.*weight|.*bias'`) the names must match."""
        self._check_container_with_block()
        ret = ParameterDict(self._params.prefix)
        if not select:
            ret.update(self.params)
        else:
            pattern = re.compile(select)
            ret.update({name: value for name, value in self.params.items()
                        if pattern.match(name)})
        for child in self._children.values():
            ret.update(child.collect_params(select=select))
        return ret

    def _check_container_with_block(self) -> None:
        children = set(self._children.values())

        def unregistered(data: Any) -> bool:
            if isinstance(data, (list, tuple)):
                return any(unregistered(e) for e in data)
            if isinstance(data, dict):
                return any(unregistered(v) for v in data.values())
            return isinstance(data, Block) and data not in children

        for k, v in self.__dict__.items():
            if isinstance(v, (list, tuple, dict)) and not (k.startswith("__")
                                                            or k == "_children"):
                if unregistered(v):
                    warnings.warn(
                        '"{name}" is an unregistered container with Blocks. Note that Blocks '
                        "inside the list, tuple or dict will not be registered automatically. "
                        "Make sure to register them using register_child() or switching to "
                        "nn.Sequential/nn.HybridSequential instead. "
                        .format(name=self.__class__.__name__ + "." + k), stacklevel=3)

    def _collect_params_with_prefix(self, prefix: str = "") -> Dict[str, Parameter]:
        if prefix:
            prefix += "."
        ret = {prefix + key: val for key, val in self._reg_params.items()}
        for name, child in self._children.items():
            ret.update(child._collect_params_with_prefix(prefix + name))
        return ret

    # ------------------------------------------------------------ files
    def save_parameters(self, filename: str, deduplicate: bool = False) -> None:
        """Save the parameters to an MXNet `.params` file, keyed by attribute path
        (`0.weight`, `features.3.bias`), as MXNet 1.9.1 does."""
        params = self._collect_params_with_prefix()
        if deduplicate:
            reverse = {v: k for k, v in params.items()}
            params = {v: k for k, v in reverse.items()}
        save_arrays(filename, {key: val._reduce() for key, val in params.items()})

    def load_parameters(self, filename: str, ctx: Any = None, allow_missing: bool = False,
                        ignore_extra: bool = False, cast_dtype: bool = False,
                        dtype_source: str = "current") -> None:
        """Load parameters saved by `save_parameters` (here or by MXNet). Every name is
        checked before any parameter changes."""
        loaded = load_arrays(filename)
        if isinstance(loaded, list) and not loaded:
            loaded = {}  # an empty file is also an empty dictionary (a block without params)
        if not isinstance(loaded, dict):
            raise MXNetError("%s holds a list of arrays, not named parameters" % filename)
        params = self._collect_params_with_prefix()
        if not loaded and not params:
            return
        if not any("." in k for k in loaded.keys()):  # saved by the deprecated save_params
            self.collect_params().load(filename, ctx, allow_missing, ignore_extra,
                                       self.prefix, cast_dtype=cast_dtype,
                                       dtype_source=dtype_source)
            return
        if not allow_missing:
            by_param: Dict[Parameter, List[str]] = {}
            for k, v in params.items():
                by_param.setdefault(v, []).append(k)
            for name, param in params.items():
                assert any(p in loaded for p in by_param[param]), (
                    "Parameter '%s' is missing in file '%s', which contains parameters: %s. "
                    "Set allow_missing=True to ignore missing parameters."
                    % (name, filename, _brief_print_list(loaded.keys())))
        for name in loaded:
            if not ignore_extra and name not in params:
                raise ValueError(
                    "Parameter '%s' loaded from file '%s' is not present in ParameterDict, "
                    "which contains parameters %s. Set ignore_extra=True to ignore. "
                    % (name, filename, _brief_print_list(self._params.keys())))
        _check_compatible(((params[n], v) for n, v in loaded.items() if n in params),
                          cast_dtype)
        for name, value in loaded.items():
            if name in params:
                params[name]._load_init(value, ctx, cast_dtype=cast_dtype,
                                        dtype_source=dtype_source)

    def save_params(self, filename: str) -> None:
        """Deprecated: names keyed by full parameter name without the block's prefix."""
        warnings.warn("save_params is deprecated. Please use save_parameters.")
        self.collect_params().save(filename, strip_prefix=self.prefix)

    def load_params(self, filename: str, ctx: Any = None, allow_missing: bool = False,
                    ignore_extra: bool = False) -> None:
        """Deprecated alias of `load_parameters`."""
        warnings.warn("load_params is deprecated. Please use load_parameters.")
        self.load_parameters(filename, ctx, allow_missing, ignore_extra)

    def save(self, prefix: str) -> None:
        """Save the block tree and parameters as `<prefix>-model.json` and
        `<prefix>-model.params` (MXNet 1.9.1's format, see `model_file.py`)."""
        save_model(self, prefix)

    def load(self, prefix: str) -> None:
        """Load files written by `save` (here or by MXNet) into this block, which must be
        constructed as the saved one was: names are restored, then the parameters."""
        load_model(self, prefix)

    # ------------------------------------------------------------ structure
    def register_child(self, block: "Block", name: Optional[str] = None) -> None:
        """Register `block` as a child (its parameters are collected with ours)."""
        if name is None:
            name = str(len(self._children))
        self._children[name] = block

    def register_forward_pre_hook(self, hook: Any) -> HookHandle:
        """`hook(block, inputs)` runs before each forward."""
        handle = HookHandle()
        handle.attach(self._forward_pre_hooks, hook)
        return handle

    def register_forward_hook(self, hook: Any) -> HookHandle:
        """`hook(block, inputs, outputs)` runs after each forward."""
        handle = HookHandle()
        handle.attach(self._forward_hooks, hook)
        return handle

    def register_op_hook(self, callback: Any, monitor_all: bool = False) -> None:
        """MXNet calls `callback(name, op_name, handle)` on each operator's outputs
        inside a hybridized block's CachedOp; not available here (see HybridBlock)."""
        for child in self._children.values():
            child.register_op_hook(callback, monitor_all)

    def apply(self, fn: Any) -> "Block":
        """Call `fn(block)` on every descendant, then on this block."""
        for child in self._children.values():
            child.apply(fn)
        fn(self)
        return self

    def initialize(self, init: Any = DEFAULT_INIT, ctx: Any = None, verbose: bool = False,
                   force_reinit: bool = False) -> None:
        """Initialize all parameters (see `Parameter.initialize`)."""
        self.collect_params().initialize(init, ctx, verbose, force_reinit)

    def hybridize(self, active: bool = True, **kwargs: Any) -> None:
        """Hybridize the HybridBlocks among the descendants (a plain Block runs eagerly)."""
        for child in self._children.values():
            child.hybridize(active, **kwargs)

    def cast(self, dtype: Any) -> None:
        """Cast all parameters to `dtype`."""
        for child in self._children.values():
            child.cast(dtype)
        for _, param in self.params.items():
            param.cast(dtype)

    def zero_grad(self) -> None:
        """Set the gradient buffers of all parameters to zero."""
        self.collect_params().zero_grad()

    def __call__(self, *args: Any) -> Any:
        if self._forward_pre_hooks:
            for hook in self._forward_pre_hooks.values():
                hook(self, args)
        out = self.forward(*args)
        if self._forward_hooks:
            for hook in self._forward_hooks.values():
                hook(self, args, out)
        return out

    def forward(self, *args: Any) -> Any:
        """The computation; override in subclasses."""
        raise NotImplementedError

    def summary(self, *inputs: Any) -> None:
        """Print each layer's output shape and parameter count for `inputs` (MXNet's
        table; the block must not be hybridized)."""
        _summary(self, *inputs)


from .hybrid_block import HybridBlock  # noqa: E402,F401  (HybridBlock extends Block)

# Defined in MXNet's namesake of this module; kept in sibling modules here
__getattr__, __dir__ = names_from("tapegraph.gluon", (
    "SymbolBlock",), __name__)
