"""Imports point one way: frontend -> passes, runtime -> ir. `ir` imports nothing of
tapegraph; `passes` and `runtime` import only `ir`."""
import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
ALLOWED = {"ir": {"ir"}, "passes": {"ir", "passes"}, "runtime": {"ir", "runtime"}}


def imported_layers(path: pathlib.Path, layer: str):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0:
                parts = (node.module or "").split(".")
                if parts[0] == "tapegraph":
                    if len(parts) > 1:
                        yield parts[1] if parts[1] in ALLOWED else "frontend"
                    else:
                        for alias in node.names:
                            yield alias.name if alias.name in ALLOWED else "frontend"
            else:
                depth = len(path.relative_to(ROOT / layer).parts) - 1
                if node.level > depth + 1:
                    target = (node.module or "").split(".")[0]
                    yield target if target in ALLOWED else "frontend"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "tapegraph":
                    yield parts[1] if len(parts) > 1 and parts[1] in ALLOWED else "frontend"


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_only_what_it_may(layer):
    bad = []
    for path in sorted((ROOT / layer).rglob("*.py")):
        for target in imported_layers(path, layer):
            if target not in ALLOWED[layer]:
                bad.append("%s imports %s" % (path.relative_to(ROOT), target))
    assert not bad, "\n".join(bad)
