"""The captured MXNet dtype table (tests/data/mxnet/dtype_promotion.json) and the names of
its operators in tapegraph's promotion rule (`tapegraph.ir.promotion`)."""
import json
import os

TABLE_PATH = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet",
                          "dtype_promotion.json")
with open(TABLE_PATH) as f:
    TABLE = json.load(f)

SYMBOLS = {"+": "add", "-": "sub", "*": "mul", "/": "div", "%": "mod", "**": "pow",
           "==": "eq", "!=": "ne", ">": "gt", ">=": "ge", "<": "lt", "<=": "le"}
NAMES = {"add": "add", "subtract": "sub", "multiply": "mul", "divide": "div",
         "true_divide": "div", "modulo": "mod", "mod": "mod", "remainder": "mod",
         "power": "pow", "maximum": "maximum", "minimum": "minimum", "hypot": "hypot",
         "arctan2": "arctan2", "equal": "eq", "not_equal": "ne", "greater": "gt",
         "greater_equal": "ge", "lesser": "lt", "less": "lt", "lesser_equal": "le",
         "less_equal": "le", "sub": "sub", "mul": "mul", "div": "div"}


def rule_op(name: str) -> str:
    """The promotion rule's operator for a captured operator name."""
    if name in SYMBOLS:
        return SYMBOLS[name]
    for prefix in ("broadcast_", "elemwise_"):
        if name.startswith(prefix):
            name = name[len(prefix):]
    return NAMES[name]


def cases():
    """(mode, captured section, operator, lhs kind, rhs kind, MXNet's entry) for all."""
    for section, mode in (("nd", "nd"), ("nd_arrays_only", "nd"), ("np", "np")):
        for op, entries in sorted(TABLE[section].items()):
            for key, want in sorted(entries.items()):
                lhs, rhs = key.split("|")
                yield mode, section, op, lhs, rhs, want
