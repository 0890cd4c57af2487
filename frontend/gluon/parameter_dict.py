"""`gluon.ParameterDict`: an ordered, prefixed dictionary of `Parameter`s that can be
shared between blocks, initialized, saved and loaded together."""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, Dict, Iterator, List, Optional

import numpy as np

from .. import ndarray as _nd
from ..base import MXNetError
from ._init import DEFAULT_INIT
from ..ndarray.serialize import load_arrays, save_arrays
from .parameter import Constant, Parameter
from .utils import _brief_print_list, _indent

__all__ = ["ParameterDict"]

_NAMING_URL = ("For more info on naming, please see "
               "https://mxnet.io/api/python/docs/tutorials/packages/gluon/blocks/naming.html")


class ParameterDict:
    """Parameters by full name; `get('weight')` creates or finds `prefix + 'weight'`."""

    def __init__(self, prefix: str = "", shared: Optional["ParameterDict"] = None) -> None:
        self._prefix = prefix
        self._params: "OrderedDict[str, Parameter]" = OrderedDict()
        self._shared = shared

    def __repr__(self) -> str:
        name = self._prefix + " " if self._prefix else ""
        content = "\n".join([_indent("  {0}".format(v), 2) for v in self.values()])
        return "{name}(\n{content}\n)".format(name=name, content=content)

    def __getitem__(self, key: str) -> Parameter:
        return self._params[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._params)

    def __len__(self) -> int:
        return len(self._params)

    def __contains__(self, key: str) -> bool:
        return key in self._params

    def items(self):
        return self._params.items()

    def keys(self):
        return self._params.keys()

    def values(self):
        return self._params.values()

    @property
    def prefix(self) -> str:
        """The prefix of every name created through `get`."""
        return self._prefix

    def _get_impl(self, name: str) -> Optional[Parameter]:
        if name in self._params:
            return self._params[name]
        if self._shared is not None and name in self._shared._params:
            self._params[name] = self._shared._params[name]
            return self._shared._params[name]
        return None

    def get(self, name: str, **kwargs: Any) -> Parameter:
        """The parameter `prefix + name`, created with `kwargs` if absent; if present, the
        given attributes must agree with it (unknown shape dimensions are filled in)."""
        name = self.prefix + name
        param = self._get_impl(name)
        if param is None:
            param = Parameter(name, **kwargs)
            self._params[name] = param
            return param
        for k, v in kwargs.items():
            if hasattr(param, k) and getattr(param, k) is not None:
                existing = getattr(param, k)
                if k == "shape" and len(v) == len(existing):
                    inferred, matched = [], True
                    for dim1, dim2 in zip(v, existing):
                        if dim1 != dim2 and dim1 > 0 and dim2 > 0:
                            matched = False
                            break
                        inferred.append(dim2 if dim1 in (0, -1) else dim1)
                    if matched:
                        param._shape = tuple(inferred)
                        continue
                elif k == "dtype" and np.dtype(v) == np.dtype(existing):
                    continue
                assert v is None or v == existing, (
                    "Cannot retrieve Parameter '%s' because desired attribute does not match "
                    "with stored for attribute '%s': desired '%s' vs stored '%s'."
                    % (name, k, str(v), str(getattr(param, k))))
            else:
                setattr(param, k, v)
        return param

    def get_constant(self, name: str, value: Any = None) -> Constant:
        """The constant `prefix + name`, created with `value` if absent."""
        name = self.prefix + name
        param = self._get_impl(name)
        if param is None:
            if value is None:
                raise KeyError("No constant named '{}'. Please specify value if you want to "
                               "create a new constant.".format(name))
            param = Constant(name, value)
            self._params[name] = param
        elif value is not None:
            assert isinstance(param, Constant), (
                "Parameter '{}' already exists but it is not a constant.".format(name))
            value = value.asnumpy() if isinstance(value, _nd.NDArray) else np.asarray(value)
            assert param.shape == value.shape and (param.value.asnumpy() == value).all(), (
                "Constant '{}' already exists but it's value doesn't match new value"
                .format(name))
        return param

    def update(self, other: "ParameterDict") -> None:
        """Add the parameters of `other` (a name may not name two different parameters)."""
        for k, v in other.items():
            if k in self._params:
                assert self._params[k] is v, (
                    "Cannot update self with other because they have different Parameters "
                    "with the same name '%s'" % k)
        for k, v in other.items():
            self._params[k] = v

    def initialize(self, init: Any = DEFAULT_INIT, ctx: Any = None, verbose: bool = False,
                   force_reinit: bool = False) -> None:
        """Initialize every parameter (`init` is the default for those without their own)."""
        if verbose and hasattr(init, "set_verbosity"):
            init.set_verbosity(verbose=verbose)
        for _, v in self.items():
            v.initialize(None, ctx, init, force_reinit=force_reinit)

    def zero_grad(self) -> None:
        """Set every gradient buffer to zero."""
        for p in self.values():
            p.zero_grad()

    def reset_ctx(self, ctx: Any) -> None:
        for p in self.values():
            p.reset_ctx(ctx)

    def list_ctx(self) -> List[Any]:
        s = set()
        for p in self.values():
            s.update(p.list_ctx())
        return list(s)

    def setattr(self, name: str, value: Any) -> None:
        """Set an attribute (e.g. `grad_req`, `lr_mult`) on every parameter."""
        for p in self.values():
            setattr(p, name, value)

    def save(self, filename: str, strip_prefix: str = "") -> None:
        """Save the values to an MXNet `.params` file, names without `strip_prefix`."""
        arg_dict = {}
        for param in self.values():
            if not param.name.startswith(strip_prefix):
                raise ValueError(
                    "Prefix '%s' is to be striped before saving, but Parameter's name '%s' "
                    "does not start with '%s'. this may be due to your Block shares "
                    "parameters from other Blocks or you forgot to use 'with name_scope()' "
                    "when creating child blocks. %s"
                    % (strip_prefix, param.name, strip_prefix, _NAMING_URL))
            arg_dict[param.name[len(strip_prefix):]] = param._reduce()
        save_arrays(filename, arg_dict)

    def load(self, filename: str, ctx: Any = None, allow_missing: bool = False,
             ignore_extra: bool = False, restore_prefix: str = "", cast_dtype: bool = False,
             dtype_source: str = "current") -> None:
        """Load values from an MXNet `.params` file (see `load_dict`)."""
        if restore_prefix:
            for name in self.keys():
                assert name.startswith(restore_prefix), (
                    "restore_prefix is '%s' but Parameters name '%s' does not start with "
                    "'%s'. %s" % (restore_prefix, name, restore_prefix, _NAMING_URL))
        loaded = load_arrays(filename)
        if isinstance(loaded, list) and not loaded:
            loaded = {}  # an empty file is also an empty dictionary (a block without params)
        if not isinstance(loaded, dict):
            raise MXNetError("%s holds a list of arrays, not named parameters" % filename)
        self.load_dict(loaded, ctx, allow_missing, ignore_extra, restore_prefix, filename,
                       cast_dtype, dtype_source)

    def load_dict(self, param_dict: Dict[str, Any], ctx: Any = None,
                  allow_missing: bool = False, ignore_extra: bool = False,
                  restore_prefix: str = "", filename: Optional[str] = None,
                  cast_dtype: bool = False, dtype_source: str = "current") -> None:
        """Load values from a dict name -> NDArray (`arg:`/`aux:` prefixes dropped).

        Every name is checked before any value changes: a missing or extra parameter
        raises (unless allowed) and leaves every parameter as it was."""
        lprefix = len(restore_prefix)
        loaded = [(k[4:] if k.startswith(("arg:", "aux:")) else k, v)
                  for k, v in param_dict.items()]
        arg_dict = {restore_prefix + k: v for k, v in loaded}
        where = "file: %s" % filename if filename else "param_dict"
        if not allow_missing:
            for name in self.keys():
                assert name in arg_dict, (
                    "Parameter '%s' is missing in %s, which contains parameters: %s. Please "
                    "make sure source and target networks have the same prefix.%s"
                    % (name[lprefix:], where, _brief_print_list(arg_dict.keys()), _NAMING_URL))
        for name in arg_dict:
            if name not in self._params:
                assert ignore_extra, (
                    "Parameter '%s' loaded from %s is not present in ParameterDict, choices "
                    "are: %s. Set ignore_extra to True to ignore. Please make sure source and "
                    "target networks have the same prefix.%s"
                    % (name[lprefix:], where, _brief_print_list(self._params.keys()),
                       _NAMING_URL))
        _check_compatible(((self._params[n], v) for n, v in arg_dict.items()
                           if n in self._params), cast_dtype)
        for name, value in arg_dict.items():
            if name in self._params:
                self._params[name]._load_init(value, ctx, cast_dtype=cast_dtype,
                                              dtype_source=dtype_source)


def _check_compatible(pairs, cast_dtype: bool = False) -> None:
    """Raise, naming the parameter, if a loaded value's rank, known dimensions or (without
    `cast_dtype`) dtype differ from the parameter's, before any parameter is changed."""
    for param, value in pairs:
        if param.shape and (len(param.shape) != len(value.shape) or any(
                mine not in (0, theirs) for mine, theirs in zip(param.shape, value.shape))):
            raise AssertionError(
                "Failed loading Parameter '%s' from saved params: shape incompatible "
                "expected %s vs saved %s" % (param.name, str(param.shape), str(value.shape)))
        if not cast_dtype and param.dtype is not None and \
                np.dtype(param.dtype) != np.dtype(value.dtype):
            raise AssertionError(
                "Failed loading Parameter '%s' from saved params: dtype incompatible "
                "expected %s vs saved %s. Set cast_dtype=True to cast the dtype of saved "
                "params." % (param.name, str(np.dtype(param.dtype)), str(np.dtype(value.dtype))))
