"""`Symbol.simple_bind`: an Executor over zero arrays of the inferred shapes and dtypes."""
from __future__ import annotations

from typing import Any, Dict

import numpy as np

from ...ir import Graph, MXNetError
from ...unsupported import check_stype
from ..execute.executor import Executor


def typed_filling_dtypes(symbol: Any, shapes: Dict[str, Any], dtypes: Dict[str, str]) -> Graph:
    """`symbol` typed with `shapes` and `dtypes`, the arguments given no dtype taking the
    given one where the operators need equal dtypes, as MXNet infers them (`x + y` with x
    float64 makes y float64; a float16 FullyConnected's weight is float16). Variables that
    declare a dtype keep it."""
    try:
        return symbol._typed(shapes, dtypes)
    except MXNetError as e:
        given = set(dtypes.values())
        if len(given) != 1 or "differ" not in str(e):
            raise
        declared = {n for n, a in symbol.attr_dict().items() if "__dtype__" in a}
        names = symbol.list_arguments() + symbol.list_auxiliary_states()
        filled = {n: next(iter(given)) for n in names if n not in dtypes and n not in declared}
        return symbol._typed(shapes, dict(filled, **dtypes))


def simple_bind(symbol: Any, grad_req: Any, type_dict: Any, stype_dict: Any,
                shapes: Dict[str, Any]) -> Executor:
    """An Executor with zero arrays (and gradient buffers where `grad_req` asks) of the
    shapes and dtypes inferred from `shapes` and `type_dict`."""
    check_stype(next(iter((stype_dict or {}).values()), None), "simple_bind")
    dtypes = {k: np.dtype(v).name for k, v in (type_dict or {}).items()}
    types = {v.hint: v.type for v in typed_filling_dtypes(symbol, shapes, dtypes).inputs}
    cls = symbol._array_class()

    def zeros(names):
        return {n: cls._wrap(np.zeros(types[n].shape, types[n].dtype)) for n in names}
    args = symbol.list_arguments()
    reqs = grad_req if isinstance(grad_req, dict) else {n: grad_req for n in args}
    grads = zeros(n for n in args if reqs.get(n, "null") != "null")
    return Executor(symbol, zeros(args), grads, grad_req,
                    zeros(symbol.list_auxiliary_states()))
