"""How parameters call initializers: `mx.init` when it is available, otherwise a minimal
stand-in with the same calling convention (`init(InitDesc(name, {'__init__': own}), arr)`
fills `arr` in place; MXNet's default is `Uniform(0.07)`; names ending in `bias`/`beta`
start at zero, `gamma` at one)."""
from __future__ import annotations

from typing import Any, Dict, Optional

import numpy as np

from .. import ndarray as _nd

try:  # gluon-train's mx.init; the stand-in below only until it lands
    from .. import initializer as _mxinit
except ImportError:  # pragma: no cover - depends on merge order
    _mxinit = None

__all__ = ["DEFAULT_INIT", "InitDesc", "create_init", "register_constant_init"]


if _mxinit is not None:
    InitDesc = _mxinit.InitDesc
    DEFAULT_INIT = _mxinit.Uniform()

    def create_init(init: Any) -> Any:
        """The initializer object for `init` (an instance, a name or JSON)."""
        return _mxinit.create(init)

    def register_constant_init(name: str, owner: Any, value: Any) -> str:
        """Register an initializer copying `value` (MXNet's Constant parameters)."""
        class Init(_mxinit.Initializer):
            def _init_weight(self, _: Any, arr: Any) -> None:
                arr._data[...] = value._data

        init_name = "Constant_{}_{}".format(name, id(owner))
        _mxinit.alias(init_name)(Init)
        return init_name
else:
    class InitDesc(str):  # type: ignore[no-redef]
        """A parameter name with its attributes."""

        def __new__(cls, name: str, attrs: Optional[Dict[str, Any]] = None,
                    global_init: Any = None) -> "InitDesc":
            ret = super().__new__(cls, name)
            ret.attrs = attrs or {}
            ret.global_init = global_init
            return ret

    _CONSTANTS: Dict[str, Any] = {}

    class _Uniform:
        def __init__(self, scale: float = 0.07) -> None:
            self.scale = scale

        def __call__(self, desc: Any, arr: Any) -> None:
            own = getattr(desc, "attrs", {}).get("__init__")
            if own is not None:
                create_init(own)._weight(arr)
            elif desc.endswith(("bias", "beta", "running_mean", "moving_mean")):
                arr._data[...] = 0
            elif desc.endswith(("gamma", "running_var", "moving_var")):
                arr._data[...] = 1
            else:
                self._weight(arr)

        def _weight(self, arr: Any) -> None:
            arr._data[...] = _nd.random.uniform(-self.scale, self.scale,
                                                shape=arr.shape)._data

    class _Fill(_Uniform):
        def __init__(self, value: Any) -> None:
            self.value = value

        def _weight(self, arr: Any) -> None:
            arr._data[...] = self.value

    DEFAULT_INIT = _Uniform()

    def create_init(init: Any) -> Any:  # type: ignore[misc]
        if init is None or init == "":
            return DEFAULT_INIT
        if isinstance(init, str):
            key = init.lower()
            if key in ("zeros", "zero"):
                return _Fill(0)
            if key in ("ones", "one"):
                return _Fill(1)
            if init in _CONSTANTS:
                return _Fill(np.asarray(_CONSTANTS[init]._data))
            raise ValueError("unknown initializer %r (mx.init is not available)" % init)
        return init

    def register_constant_init(name: str, owner: Any, value: Any) -> str:  # type: ignore
        init_name = "Constant_{}_{}".format(name, id(owner))
        _CONSTANTS[init_name] = value
        return init_name
