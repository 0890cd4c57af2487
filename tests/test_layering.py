"""Imports point one way (docs/architecture.md, "The layers"):

- the core: `ir` imports nothing of tapegraph; `passes` and `runtime` import only `ir`;
- the frontend's sub-packages import only the units listed in `FRONTEND` below;
- no function-local import of a tapegraph module, except the documented ones in
  `LOCAL_IMPORTS` (each with its reason): a local import hides a dependency, and a
  dependency cycle behind it.

`import tapegraph.ir, tapegraph.passes, tapegraph.runtime` loads no frontend module.
"""
import ast
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
FOLDERS = {"ir": "ir", "passes": "passes", "runtime": "runtime", "frontend": ""}
CORE = {"ir": {"ir"}, "passes": {"ir", "passes"}, "runtime": {"ir", "runtime"}}

_API = {"ir", "base", "context", "random", "trace", "accel", "autodiff", "util", "unsupported"}
# Frontend unit -> the units it may import (its own always). A unit is a sub-package or
# a top-level module of tapegraph; "symbol.X" units are the sub-packages of tapegraph.symbol.
FRONTEND = {
    "base": {"ir"},
    "context": {"ir"},
    "random": {"context", "ir"},
    "util": {"ir"},
    "unsupported": {"ir"},
    "accel": {"ir", "passes", "runtime"},
    "trace": {"ir", "accel"},
    "autodiff": {"ir", "passes", "runtime", "trace", "accel", "base"},
    "ndarray": _API,
    "numpy": _API | {"ndarray"},
    "numpy_extension": _API | {"ndarray", "numpy", "image"},  # (npx.image offers mx.image)
    "symbol.graph": {"ir"},
    "symbol.formats": {"ir", "symbol.graph"},
    "symbol.execute": {"ir", "passes", "runtime", "symbol.graph"},
    "symbol.api": {"ir", "passes", "runtime", "trace", "ndarray", "numpy", "symbol.graph",
                   "symbol.formats", "symbol.execute", "attribute", "unsupported", "name"},
    "symbol": {"ir", "symbol.api", "symbol.formats"},
    "viz": {"ir", "symbol", "symbol.api", "symbol.graph"},
    "autograd": _API | {"passes", "ndarray", "symbol.api", "symbol.graph"},
    "engine": {"autodiff"},
    "executor": {"symbol.execute"},
    "explore": {"ir", "passes", "engine", "symbol", "symbol.graph", "trace"},
    "test_utils": _API | {"ndarray", "autograd", "symbol", "io", ""},
    "io": _API | {"ndarray"},
    "contrib": _API | {"ndarray", "autograd",
                       # contrib.io, contrib.svrg_optimization (a Module)
                       "io", "initializer", "metric", "model", "module", "optimizer",
                       # contrib.amp (wraps mx.nd / mx.sym, casting the inputs of the nodes
                       # mx.sym's operator functions build; scales a gluon.Trainer's loss),
                       # contrib.symbol, contrib.quantization's re-exports
                       "symbol", "symbol.api", "gluon"},
    "metric": _API | {"ndarray", "registry"},
    "kvstore": _API | {"ndarray", "optimizer"},
    "registry": {"ir"},
    "inplace": _API | {"ndarray"},
    "initializer": _API | {"ndarray", "inplace", "registry"},
    "lr_scheduler": set(),
    "recordio": set(),
    "optimizer": _API | {"ndarray", "numpy", "inplace", "registry", "lr_scheduler"},
    "gluon": _API | {"passes", "runtime", "ndarray", "numpy", "autograd", "symbol",
                     "symbol.api", "symbol.graph", "symbol.formats", "initializer",
                     "inplace", "optimizer", "numpy_extension", "recordio", "image", "name",
                     "metric"},  # (gluon.contrib.estimator's metrics, as MXNet's)
    "transforms": _API | {"passes", "runtime", "ndarray", "autograd"},
    "operator": _API | {"ndarray", "operator_arguments", "symbol.api"},
    "operator_arguments": _API | {"ndarray", "symbol.graph"},
    "profiler": {"base", "trace", "autodiff", "runtime"},
    "attribute": set(),
    "name": set(),
    "log": set(),
    "error": {"base"},
    "checkpoint": _API | {"ndarray", "symbol"},
    "callback": {"checkpoint"},
    "model": _API | {"callback", "checkpoint", "initializer", "io", "kvstore", "metric",
                     "ndarray", "optimizer", "symbol"},
    "monitor": {"ndarray"},
    "visualization": {"symbol", "viz"},
    "image": _API | {"io", "ndarray"},
    "module": _API | {"checkpoint", "initializer", "io", "metric", "model", "ndarray", "optimizer",
                      "symbol", "symbol.execute", "name"},
    "rnn": _API | {"checkpoint", "initializer", "io", "ndarray", "symbol"},
    "cli": None,  # the command line may use anything
    "": None,  # tapegraph/__init__.py: the lazy table of public names
}

# (importing module, imported module) -> why the import is inside a function.
LOCAL_IMPORTS = {
    ("ir.graph", "ir.printer"): "Graph.__str__ is the printer's text, and the printer reads Graphs",
    ("ir.graph", "ir.dot"): "Graph's notebook picture is ir.dot's, which draws Graphs",
    ("autodiff.function", "ndarray"):
        "Function kernels wrap and check user arrays as NDArrays, and NDArray.backward "
        "runs the engine that replays Functions",
    ("ndarray.creation", "ndarray.ndarray"):
        "creation helpers build NDArrays; NDArray's constructor converts through them",
    ("ndarray.dispatch", "ndarray.ndarray"):
        "NDArray's operators are built by dispatch; dispatch wraps scalars as NDArrays",
    ("ndarray.indexing", "ndarray.ndarray"):
        "NDArray.__getitem__ is indexing's; indexing returns NDArrays",
    ("numpy.ndarray", "numpy.library"):
        "mx.np.ndarray's methods are the mx.np functions, which return mx.np.ndarrays",
    ("ndarray", "numpy"):
        "mx.nd.np is MXNet's ndarray-level mx.np, here mx.np itself, which is built on mx.nd",
    ("ndarray", "numpy_extension"):
        "mx.nd.npx is MXNet's ndarray-level mx.npx, here mx.npx itself, built on mx.nd",
    ("random", "ndarray.random"):
        "mx.random.uniform/normal are MXNet's aliases of mx.nd.random's, which draw from "
        "the generator defined here",
    ("symbol.api.fluent", "symbol.api.op_functions"):
        "Symbol's fluent methods build nodes with mx.sym's operator functions, which build "
        "Symbols",
    ("symbol.api.fluent", "symbol.api.functions"):
        "Symbol.split_v2 is mx.sym.split_v2, a function building Symbols",
    ("symbol.api.symbol", "viz"):
        "Symbol's drawing methods are viz's, which draws Symbols",
    ("explore.sources", "cli.commands"):
        "the explorer reads graph files as the CLI does, whose `explore` runs the explorer",
    ("explore.sources", "cli.trace"):
        "the explorer runs scripts as `tapegraph trace` does, beside which it is a subcommand",
    ("gluon.summary", "gluon.nn.basic_layers"):
        "Block.summary skips the container layers, which are Blocks defined on top of it",
    ("symbol.api.traced_ops", "transforms.tracing"):
        "an MXNet operator tapegraph composes in mx.nd becomes a symbol node by tracing that "
        "function the first time a symbol uses it; tracing imports autograd, which imports "
        "symbol",
    ("rnn.cells", "rnn.modifiers"):
        "FusedRNNCell.unfuse builds modifier cells (SequentialRNNCell ...), which know "
        "FusedRNNCell",
    ("", "unsupported"):
        "tapegraph's lazy name table loads no frontend module (`import tapegraph.ir` stays "
        "core-only); a deliberately missing module's error is built when it is asked for",
    ("cli.commands", "*"): "each subcommand loads only what it runs",
    ("cli.demo", "*"): "the demo is written as user code (`import tapegraph as mx`)",
    ("cli.trace", "*"): "each subcommand loads only what it runs",
    ("cli.explore", "*"): "each subcommand loads only what it runs",
}


def _module_name(path: pathlib.Path, folder: str) -> str:
    rel = path.relative_to(ROOT / folder).with_suffix("").parts
    if rel[-1] == "__init__":
        rel = rel[:-1]
    prefix = FOLDERS[folder]
    return ".".join(((prefix,) if prefix else ()) + rel)


def _imports(path: pathlib.Path, folder: str):
    """(imported module under tapegraph, line, is_local) for each import of tapegraph."""
    module = _module_name(path, folder)
    is_pkg = path.name == "__init__.py"
    package = module.split(".") if module else []
    if not is_pkg:
        package = package[:-1]
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def visit(node, local):
        for child in ast.iter_child_nodes(node):
            inner = local or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                ast.Lambda))
            if isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package[:len(package) - (child.level - 1)]
                    target = ".".join(base + ([child.module] if child.module else []))
                elif (child.module or "").split(".")[0] == "tapegraph":
                    target = child.module[len("tapegraph."):] if "." in child.module else ""
                else:
                    continue
                for alias in child.names:
                    sub = (target + "." if target else "") + alias.name
                    yield (sub if _is_module(sub) else target), child.lineno, local
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name.split(".")[0] == "tapegraph":
                        yield alias.name[len("tapegraph."):], child.lineno, local
            yield from visit(child, inner)

    yield from visit(tree, False)


def _is_module(name: str) -> bool:
    parts = name.split(".") if name else []
    if parts and parts[0] in CORE:
        base = ROOT / parts[0]
        parts = parts[1:]
    else:
        base = ROOT / "frontend"
    path = base.joinpath(*parts)
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _unit(module: str) -> str:
    parts = module.split(".") if module else [""]
    if parts[0] in CORE:
        return parts[0]
    if parts[0] == "symbol" and len(parts) > 1 and (ROOT / "frontend/symbol" / parts[1]).is_dir():
        return "symbol." + parts[1]
    return parts[0]


def _files(folder: str):
    return sorted((ROOT / (folder if folder != "frontend" else "frontend")).rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(CORE))
def test_core_imports_only_what_it_may(layer):
    bad = []
    for path in _files(layer):
        for target, line, _ in _imports(path, layer):
            if _unit(target) not in CORE[layer]:
                bad.append("%s:%d imports %s" % (path.relative_to(ROOT), line, target or
                                                  "tapegraph"))
    assert not bad, "\n".join(bad)


def test_every_frontend_unit_has_rules():
    missing = {_unit(_module_name(p, "frontend")) for p in _files("frontend")} - set(FRONTEND)
    assert not missing, "add these units to FRONTEND (and docs/architecture.md)"


def test_frontend_units_import_only_what_they_may():
    bad = []
    for path in _files("frontend"):
        module = _module_name(path, "frontend")
        allowed = FRONTEND.get(_unit(module))
        for target, line, local in _imports(path, "frontend"):
            unit = _unit(target)
            if allowed is None or unit == _unit(module) or local:
                continue
            if unit not in allowed:
                bad.append("%s:%d: %s imports %s" % (path.relative_to(ROOT), line,
                                                     _unit(module), target or "tapegraph"))
    assert not bad, "\n".join(bad)


def test_no_undocumented_function_local_imports():
    bad, used = [], set()
    for folder in FOLDERS:
        for path in _files(folder):
            module = _module_name(path, folder)
            for target, line, local in _imports(path, folder):
                if not local:
                    continue
                for key in ((module, target), (module, "*"),
                            (module, target.rsplit(".", 1)[0])):
                    if key in LOCAL_IMPORTS:
                        used.add(key)
                        break
                else:
                    bad.append("%s:%d imports %s inside a function" % (
                        path.relative_to(ROOT), line, target or "tapegraph"))
    assert not bad, ("import at the top of the module (or document the reason in "
                     "LOCAL_IMPORTS):\n" + "\n".join(bad))
    assert used == set(LOCAL_IMPORTS), "stale entries: %s" % (set(LOCAL_IMPORTS) - used)


def test_the_core_imports_without_the_frontend():
    code = ("import sys, tapegraph.ir, tapegraph.passes, tapegraph.runtime\n"
            "core = ('tapegraph', 'tapegraph.ir', 'tapegraph.passes', 'tapegraph.runtime')\n"
            "print(sorted(m for m in sys.modules if m.startswith('tapegraph') and m not in core"
            " and not m.startswith(tuple(c + '.' for c in core[1:]))))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]", "frontend modules loaded by the core: " + out


def test_the_package_still_offers_every_public_name():
    code = ("import tapegraph as mx\n"
            "names = ['nd', 'np', 'npx', 'autograd', 'sym', 'symbol', 'ndarray', 'numpy',"
            " 'numpy_extension', 'engine', 'viz', 'test_utils', 'random', 'cpu', 'gpu',"
            " 'Context', 'MXNetError', 'ir', 'passes', 'runtime']\n"
            "missing = [n for n in names if not hasattr(mx, n)]\n"
            "assert not missing, missing\n"
            "assert set(names) <= set(dir(mx))\n"
            "assert mx.nd is mx.ndarray and mx.sym is mx.symbol and mx.npx is mx.numpy_extension\n"
            "from tapegraph import engine\n"
            "engine.set_default_pipeline(engine.DEFAULT_PIPELINE)\n")
    subprocess.run([sys.executable, "-c", code], check=True)
