"""`mx.np.einsum` lowered to registered operators (transpose, Reshape, sum, batch_dot), so
it records ordinary IR and differentiates to any order.

Operands are contracted pairwise from the left: indices only one operand uses are summed
first, then each pair becomes one batched matrix product over (shared-and-kept,
own-kept, contracted) index groups. Repeated indices within one operand (diagonals) and
ellipses are not supported.
"""
from __future__ import annotations

from typing import List, Sequence, Tuple

import numpy as _onp

from ..ir import get_op
from ..ir.errors import MXNetError
from ..trace.invoke import invoke
from .library import _export, arr
from .ndarray import ndarray


def _op(name, arrays, attrs):
    return invoke(get_op(name), list(arrays), attrs, out_cls=ndarray)


def _parse(subscripts: str, n: int) -> Tuple[List[str], str]:
    spec = subscripts.replace(" ", "")
    if "." in spec:
        raise MXNetError("einsum: ellipsis ('...') is not supported")
    if "->" in spec:
        ins, out = spec.split("->")
    else:
        ins = spec
        letters = ins.replace(",", "")
        out = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    terms = ins.split(",")
    if len(terms) != n:
        raise MXNetError("einsum: %d operand subscripts for %d operands" % (len(terms), n))
    for t in terms:
        if len(set(t)) != len(t):
            raise MXNetError("einsum: repeated index in %r (diagonals) is not supported" % t)
    return terms, out


def _permute(x, have: str, want: str):
    if have == want:
        return x
    return _op("transpose", [x], {"axes": tuple(have.index(c) for c in want)})


def _sum_out(x, term: str, keep: set) -> Tuple[object, str]:
    drop = tuple(i for i, c in enumerate(term) if c not in keep)
    if not drop:
        return x, term
    x = _op("sum", [x], {"axis": drop, "keepdims": False, "exclude": False})
    return x, "".join(c for c in term if c in keep)


def _contract(a, ta: str, b, tb: str, keep: set) -> Tuple[object, str]:
    """One batched product of a and b; `keep` = indices needed after this step."""
    batch = [c for c in ta if c in tb and c in keep]
    contracted = [c for c in ta if c in tb and c not in keep]
    free_a = [c for c in ta if c not in tb]
    free_b = [c for c in tb if c not in ta]
    size = {c: a.shape[i] for i, c in enumerate(ta)}
    size.update({c: b.shape[i] for i, c in enumerate(tb)})

    def prod(cs):
        return int(_onp.prod([size[c] for c in cs])) if cs else 1
    a3 = _permute(a, ta, "".join(batch + free_a + contracted)).reshape(
        prod(batch), prod(free_a), prod(contracted))
    b3 = _permute(b, tb, "".join(batch + contracted + free_b)).reshape(
        prod(batch), prod(contracted), prod(free_b))
    out = _op("batch_dot", [a3, b3], {"transpose_a": False, "transpose_b": False})
    term = "".join(batch + free_a + free_b)
    return out.reshape(tuple(size[c] for c in term)), term


@_export
def einsum(subscripts: str, *operands, out=None, optimize=False):
    """Einstein summation, e.g. `einsum('bij,bjk->bik', a, b)` (no diagonals or '...')."""
    if not isinstance(subscripts, str):
        raise TypeError("einsum: subscripts must be a string like 'ij,jk->ik', got a %s"
                        % type(subscripts).__name__)
    xs = [arr(o) for o in operands]
    terms, target = _parse(subscripts, len(xs))
    for x, t in zip(xs, terms):
        if x.ndim != len(t):
            raise MXNetError("einsum: operand of shape %s does not match subscripts %r"
                             % (x.shape, t))
    needed_later = [set(target).union(*terms[i + 1:]) for i in range(len(terms))]
    x, term = _sum_out(xs[0], terms[0], needed_later[0])
    for i in range(1, len(xs)):
        keep = needed_later[i]
        y, ty = _sum_out(xs[i], terms[i], keep | set(term))
        x, term = _contract(x, term, y, ty, keep)
    x, term = _sum_out(x, term, set(target))
    return _permute(x, term, target)


def names() -> Sequence[str]:
    return ["einsum"]
