"""Shared pieces of MXNet's symbol JSON: attribute text both ways, dtype codes, and a writer
that lays JSON out the way MXNet's dmlc JSONWriter does (so files diff cleanly)."""
from __future__ import annotations

import ast
import json
from typing import Any, Dict

from ...ir.printer import format_attr

MXNET_VERSION = 10901
# mshadow type flags, as in `__dtype__` attributes of variables.
DTYPE_CODES: Dict[str, int] = {
    "float32": 0, "float64": 1, "float16": 2, "uint8": 3, "int32": 4, "int8": 5, "int64": 6,
    "bool": 7, "int16": 8, "uint16": 9, "uint32": 10, "uint64": 11,
}
CODE_DTYPES: Dict[int, str] = {v: k for k, v in DTYPE_CODES.items()}


def attr_text(value: Any) -> str:
    """An attribute value as MXNet writes it: `2.0`, `True`, `None`, `(1, 0)`, `relu`."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if value is None:
        return "None"
    if isinstance(value, (tuple, list)):
        inner = ", ".join(attr_text(v) for v in value)
        return "(" + inner + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, str):
        return value
    return format_attr(value)


_WORDS = {"True": True, "False": False, "None": None, "true": True, "false": False,
          "none": None}


def attr_value(text: str) -> Any:
    """MXNet attribute text -> a Python value: numbers, booleans, None, tuples (from
    `(1, 2)` or `[1, 2]`); anything else stays a string. Never evaluates code."""
    if not isinstance(text, str):
        raise TypeError("attribute values must be strings, got %s" % type(text).__name__)
    s = text.strip()
    if s in _WORDS:
        return _WORDS[s]
    if s[:1] in "([-+.0123456789" and s:
        try:
            value = ast.literal_eval(s)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return text
        return _tuples(value)
    return text


def _tuples(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_tuples(v) for v in value)
    return value


def dumps(doc: Any) -> str:
    """JSON text in MXNet's layout: 2-space indent, `", "` + newline between items,
    objects with at most one key and arrays of at most 10 items on one line."""
    out: list = []
    _write(doc, 0, out)
    return "".join(out)


def _write(x: Any, depth: int, out: list) -> None:
    pad = "  " * (depth + 1)
    if isinstance(x, dict):
        if len(x) <= 1:
            out.append("{" + ", ".join("%s: %s" % (json.dumps(k), _inline(v))
                                       for k, v in x.items()) + "}")
            return
        out.append("{\n")
        for i, (k, v) in enumerate(x.items()):
            out.append(pad + json.dumps(k) + ": ")
            _write(v, depth + 1, out)
            out.append(", \n" if i + 1 < len(x) else "\n")
        out.append("  " * depth + "}")
    elif isinstance(x, list) and (len(x) > 10 or any(isinstance(v, dict) for v in x)):
        out.append("[\n")
        for i, v in enumerate(x):
            out.append(pad)
            _write(v, depth + 1, out)
            out.append(", \n" if i + 1 < len(x) else "\n")
        out.append("  " * depth + "]")
    else:
        out.append(_inline(x))


def _inline(x: Any) -> str:
    if isinstance(x, list):
        return "[" + ", ".join(_inline(v) for v in x) + "]"
    if isinstance(x, dict):
        return "{" + ", ".join("%s: %s" % (json.dumps(k), _inline(v)) for k, v in x.items()) + "}"
    return json.dumps(x)
