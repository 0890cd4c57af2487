"""How parameters call `mx.init` initializers (MXNet's convention: the global
initializer is called as `init(InitDesc(name, {'__init__': own}), arr)` and fills `arr`
in place; the default is `Uniform(0.07)`)."""
from __future__ import annotations

from typing import Any

from .. import initializer as _mxinit
from ..inplace import assign

__all__ = ["DEFAULT_INIT", "InitDesc", "create_init", "register_constant_init"]

InitDesc = _mxinit.InitDesc
DEFAULT_INIT = _mxinit.Uniform()


def create_init(init: Any) -> Any:
    """The initializer object for `init` (an instance, a registered name or JSON)."""
    return _mxinit.create(init)


def register_constant_init(name: str, owner: Any, value: Any) -> str:
    """Register an initializer that copies `value` (a Constant parameter's own), under
    MXNet's name for it, `Constant_<name>_<id>`."""
    class Init(_mxinit.Initializer):
        def _init_weight(self, _: Any, arr: Any) -> None:
            assign(arr, value)

    init_name = "Constant_{}_{}".format(name, id(owner))
    _mxinit.alias(init_name)(Init)
    return init_name
