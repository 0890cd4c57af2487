"""The attributes users attach to symbols, stored as MXNet stores them.

MXNet keeps a few keys hidden: `lr_mult`, `wd_mult`, `ctx_group`, `force_mirroring` and
`mirror_stage` are stored (and written to JSON) as `__lr_mult__` ...; `Symbol.attr` finds
them by either spelling and `list_attr` shows both. Attributes of the active
`mx.AttrScope` are added to every variable and operator node created inside it.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from ...attribute import AttrScope
from ...ir import MXNetError
from ...unsupported import check_stype
from ..graph.dag import Entry, SymNode, dfs_order
from ..graph.mxjson import DTYPE_CODES, attr_text

HIDDEN_KEYS = ("ctx_group", "lr_mult", "wd_mult", "force_mirroring", "mirror_stage")
_STORAGE_TYPE_IDS = {"default": 0, "row_sparse": 1, "csr": 2}
# Keys tapegraph's JSON writer derives itself (types, its own `__tg_*__` keys).
_WRITER_KEYS = ("__shape__", "__dtype__")


def _deprecated(key: str, hidden: str, value: str) -> MXNetError:
    return MXNetError("MXNetError: setting variable attributes with %s is deprecated. "
                      "please instead use\n"
                      "w = Variable(%s=%s)\nsym = YourSymbolName(%s=w)"
                      % (key, hidden, value, key[:-len(hidden) - 1]))


def stored_key(key: str, value: str, operator: bool = False) -> str:
    """The key MXNet stores: `lr_mult` -> `__lr_mult__`. A key ending in a hidden key
    (`weight_lr_mult`) is MXNet's deprecated spelling: MXNetError. For operators MXNet
    hides every key that starts with a hidden key (`lr_mult_x` -> `__lr_mult_x__`)."""
    for hidden in HIDDEN_KEYS:
        pos = key.rfind(hidden)
        if pos == 0 and (operator or key == hidden):
            return "__%s__" % key
        if pos > 0 and pos + len(hidden) == len(key):
            raise _deprecated(key, hidden, value)
    return key


def stored_attrs(attrs: Dict[str, Any], operator: bool = False) -> Dict[str, str]:
    """`attrs` with MXNet's stored keys; ValueError if a value is not a string."""
    out: Dict[str, str] = {}
    for key, value in attrs.items():
        if not isinstance(value, str):
            raise ValueError("Set Attr only accepts string values")
        out[stored_key(key, value, operator)] = value
    return out


def scoped(attr: Optional[Dict[str, str]]) -> Dict[str, str]:
    """The active AttrScope's attributes updated with `attr`."""
    return AttrScope.active().get(attr)


def scoped_operator_attrs(params: Dict[str, str], attr: Optional[Dict[str, str]]
                          ) -> Dict[str, str]:
    """An operator node's attribute text: its parameters, then the scope's and the
    caller's attributes (`attr=`), hidden keys stored as MXNet stores them."""
    extra = scoped(attr)
    if not extra:
        return params
    out = dict(params)
    for key, value in extra.items():
        out[stored_key(key, str(value), operator=True)] = str(value)
    return out


def variable_attrs(attr: Optional[Dict[str, str]], shape, lr_mult, wd_mult, dtype, init,
                   stype, kwargs: Dict[str, Any]) -> Dict[str, str]:
    """The attributes `mx.sym.var` stores, in MXNet's order and spelling."""
    raw = dict(scoped(attr))
    if shape is not None:
        raw["__shape__"] = attr_text(tuple(shape) if not isinstance(shape, int) else (shape,))
    if lr_mult is not None:
        raw["__lr_mult__"] = str(lr_mult)
    if wd_mult is not None:
        raw["__wd_mult__"] = str(wd_mult)
    if dtype is not None:
        raw["__dtype__"] = str(DTYPE_CODES[np.dtype(dtype).name])
    if init is not None:
        raw["__init__"] = init if isinstance(init, str) else init.dumps()
    if stype is not None:
        check_stype(stype, "var")
        raw["__storage_type__"] = str(_STORAGE_TYPE_IDS[stype])
    for key, value in kwargs.items():
        if not (key.startswith("__") and key.endswith("__")):
            raise ValueError("Attribute name=%s is not supported. Additional attributes must "
                             "start and end with double underscores, e.g, __yourattr__" % key)
        raw[key] = str(value)
    return stored_attrs(raw)


def listed(raw: Dict[str, str]) -> Dict[str, str]:
    """`Symbol.list_attr`: each hidden key shown both ways (`__lr_mult__` and
    `lr_mult`)."""
    out: Dict[str, str] = {}
    for key, value in raw.items():
        out[key] = value
        inner = key[2:-2]
        if key.startswith("__") and key.endswith("__") and inner in HIDDEN_KEYS:
            out[inner] = value
    return out


def lookup_key(raw: Dict[str, str], key: str) -> Optional[str]:
    """`Symbol.attr(key)`: `lr_mult` finds `__lr_mult__`."""
    if key in HIDDEN_KEYS:
        key = "__%s__" % key
    return raw.get(key)


def set_attrs(node: SymNode, attrs: Dict[str, Any]) -> None:
    """`Symbol._set_attr`: store `attrs` on `node` (all checked before any is set)."""
    stored = stored_attrs(attrs, operator=False)
    if not node.is_variable:
        params = {k: v for k, v in stored.items() if not (k.startswith("__") and
                                                           k.endswith("__"))}
        if params:
            raise MXNetError("cannot set operator parameter(s) %s of node %r after it is "
                             "created; give them when creating the operator"
                             % (", ".join(sorted(params)), node.name))
    node.raw.update(stored)


def user_attrs(heads: Sequence[Entry]) -> Dict[str, Dict[str, str]]:
    """Node name -> the attributes a typed-graph export does not derive itself: a
    variable's attributes but its type, an operator's hidden `__x__` keys."""
    out: Dict[str, Dict[str, str]] = {}
    for node in dfs_order(heads, mxnet_view=True):
        keys: List[str] = [k for k in node.raw if not k.startswith("__tg_")]
        if node.is_variable:
            keys = [k for k in keys if k not in _WRITER_KEYS]
        else:
            keys = [k for k in keys if k.startswith("__") and k.endswith("__")]
        if keys:
            out[node.name] = {k: node.raw[k] for k in keys}
    return out
