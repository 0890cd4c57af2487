"""Write docs/compatibility.md: MXNet 1.9.1's public names and what tapegraph does with each.

    python tools/gen_compatibility.py          # rewrite docs/compatibility.md
    python tools/gen_compatibility.py --check  # exit 1 if the file is out of date

The names come from tests/data/mxnet/api_names.json (captured from real MXNet by
tools/capture_api_names.py). Each status is measured on the installed tapegraph, not
declared: `missing` if the module or attribute does not exist; `NotImplementedError` if
the name is a stand-in from `tapegraph.unsupported` (it is called, and must raise
NotImplementedError, whose message becomes the note) or a function / class whose body only
raises NotImplementedError (found with `ast`); `implemented` otherwise.
"""
from __future__ import annotations

import ast
import importlib
import inspect
import json
import os
import sys
import textwrap
from typing import Any, Dict, List, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "docs", "compatibility.md")
NAMES = os.path.join(ROOT, "tests", "data", "mxnet", "api_names.json")

IMPLEMENTED, NIE, MISSING = "implemented", "NotImplementedError", "missing"
_ABSENT = object()


def _names() -> Dict[str, Any]:
    with open(NAMES) as fh:
        return json.load(fh)


def _tapegraph_module(mxnet_name: str):
    name = "tapegraph" + mxnet_name[len("mxnet"):]
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _raises_only_nie(fn) -> Tuple[bool, str]:
    """(True, message) if the body of `fn` (after its docstring) is one
    `raise NotImplementedError(...)`."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return False, ""
    func = tree.body[0]
    if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False, ""
    body = [s for s in func.body
            if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if len(body) != 1 or not isinstance(body[0], ast.Raise) or body[0].exc is None:
        return False, ""
    exc = body[0].exc
    target = exc.func if isinstance(exc, ast.Call) else exc
    if not (isinstance(target, ast.Name) and target.id == "NotImplementedError"):
        return False, ""
    args = exc.args if isinstance(exc, ast.Call) else []
    text = args[0].value if args and isinstance(args[0], ast.Constant) else ""
    return True, str(text)


def _stand_in_message(value) -> str:
    """Call a `tapegraph.unsupported` stand-in; it must raise NotImplementedError."""
    try:
        value()
    except NotImplementedError as err:
        return str(err)
    raise RuntimeError("%r is marked unsupported but did not raise NotImplementedError"
                       % (value,))


# Optional SciPy modules MXNet binds (None without SciPy, as in MXNet): described the same
# way whether SciPy is installed or not, so the table does not depend on the machine.
_OPTIONAL_MODULES = {"spsp": "scipy.sparse", "ss": "scipy.stats"}


def _kind(value, name: str = "") -> str:
    if name in _OPTIONAL_MODULES and (value is None or inspect.ismodule(value)):
        return "module (%s, None without SciPy)" % _OPTIONAL_MODULES[name]
    if inspect.ismodule(value):
        return "module"
    if inspect.isclass(value):
        return "class"
    return "function" if callable(value) else "value"


def status(value, name: str = "") -> Tuple[str, str]:
    """(status, note) of an object found in tapegraph (or `_ABSENT`)."""
    from tapegraph.unsupported import MARK
    if value is _ABSENT:
        return MISSING, ""
    if isinstance(value, NotImplementedError):
        return NIE, str(value)
    if getattr(value, MARK, None) is not None:
        return NIE, _stand_in_message(value)
    fn = getattr(value, "__func__", value)
    if inspect.isclass(value):
        fn = value.__dict__.get("__init__")
    if inspect.isfunction(fn):
        only, text = _raises_only_nie(fn)
        if only:
            return NIE, text
    return IMPLEMENTED, _kind(value, name)


def _lookup(owner, name: str):
    try:
        return getattr(owner, name)
    except NotImplementedError as err:  # a property that is a stand-in
        return err
    except AttributeError:
        return _ABSENT


def _instances() -> Dict[str, Any]:
    import tapegraph as mx
    return {"mxnet.ndarray.NDArray": mx.nd.ones((2, 2)),
            "mxnet.numpy.ndarray": mx.np.ones((2, 2))}


def measure() -> List[Tuple[str, str, str, str]]:
    """Rows (section, name, status, note) for every captured name."""
    data = _names()
    rows = []
    for module_name, names in data["modules"].items():
        module = _tapegraph_module(module_name)
        for n in names:
            value = _ABSENT if module is None else _lookup(module, n)
            rows.append((module_name, n) + status(value, n))
    instances = _instances()
    for cls_name, names in data["classes"].items():
        for n in names:
            rows.append((cls_name, n) + status(_lookup(instances[cls_name], n)))
    return rows


def _cell(text: str) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= 140 else text[:137] + "..."


def render() -> str:
    """The text of docs/compatibility.md."""
    data = _names()
    rows = measure()
    sections: Dict[str, List[Tuple[str, str, str, str]]] = {}
    for row in rows:
        sections.setdefault(row[0], []).append(row)
    lines = [
        "# MXNet API compatibility",
        "",
        "<!-- generated by tools/gen_compatibility.py; do not edit -->",
        "",
        "Every public name of the MXNet %s modules below (captured from real MXNet by "
        "`tools/capture_api_names.py` into `tests/data/mxnet/api_names.json`) and what "
        "`import tapegraph as mx` gives for it. The status is measured on tapegraph: "
        "**implemented** (the name exists and is not a stand-in), **NotImplementedError** "
        "(using it raises `NotImplementedError` with the note as its message) or "
        "**missing** (no such name yet)." % data["mxnet_version"],
        "",
        "| module / class | implemented | NotImplementedError | missing |",
        "|---|---|---|---|",
    ]
    for section, srows in sections.items():
        counts = [sum(1 for r in srows if r[2] == s) for s in (IMPLEMENTED, NIE, MISSING)]
        lines.append("| [`%s`](#%s) | %d | %d | %d |"
                     % (section, section.replace(".", "").lower(), *counts))
    total = [sum(1 for r in rows if r[2] == s) for s in (IMPLEMENTED, NIE, MISSING)]
    lines.append("| **total** | %d | %d | %d |" % tuple(total))
    for section, srows in sections.items():
        lines += ["", "## %s" % section, "", "| name | status | note |", "|---|---|---|"]
        for _, name, st, note in srows:
            lines.append("| `%s` | %s | %s |" % (name, st, _cell(note)))
    return "\n".join(lines) + "\n"


def main(argv: List[str]) -> int:
    text = render()
    if "--check" in argv:
        with open(OUT) as fh:
            if fh.read() != text:
                print("docs/compatibility.md is out of date: run python tools/gen_compatibility.py")
                return 1
        return 0
    with open(OUT, "w") as fh:
        fh.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
