"""`mx.contrib.ndarray` (`mx.contrib.nd`): the namespace MXNet registers its contrib
operators into, i.e. `mx.nd.contrib` without the functions MXNet writes in Python
(control flow, `rand_zipfian`, the multi-tensor updates ...)."""
from __future__ import annotations

from ..ndarray import contrib as _contrib

# mx.nd.contrib's functions that MXNet defines in Python, not as registered operators
PYTHON_LEVEL = frozenset((
    "cond", "foreach", "while_loop", "rand_zipfian", "isfinite", "isinf", "isnan",
    "adamw_update", "mp_adamw_update", "multi_adamw_update", "multi_lamb_update",
    "multi_mp_adamw_update", "multi_mp_lamb_update", "current_context", "uniform",
    "AttrScope", "Symbol", "NDArray"))



def _is_operator(name: str) -> bool:
    value = getattr(_contrib, name)
    return (callable(value) and not isinstance(value, type)
            and getattr(value, "__module__", "").startswith("tapegraph.")
            and name not in PYTHON_LEVEL and name != "not_implemented")


__all__ = sorted(n for n in dir(_contrib) if not n.startswith("_") and _is_operator(n))
globals().update({n: getattr(_contrib, n) for n in __all__})
