"""Every document in docs/ that starts with the marker `<!-- tapegraph: executed by tests`
is executed: its ```python blocks run in order in one namespace, so the docs never rot."""
import os
import re

import pytest

DOCS = os.path.join(os.path.dirname(__file__), "..", "..", "docs")
MARKER = "<!-- tapegraph: executed by tests"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def executed_docs():
    if not os.path.isdir(DOCS):
        return []
    out = []
    for name in sorted(os.listdir(DOCS)):
        path = os.path.join(DOCS, name)
        if name.endswith(".md"):
            with open(path, encoding="utf-8") as f:
                if f.read(200).startswith(MARKER):
                    out.append(name)
    return out


def test_there_are_executed_tutorials():
    assert "getting-started.md" in executed_docs()


@pytest.mark.parametrize("name", executed_docs())
def test_tutorial_runs(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with open(os.path.join(DOCS, name), encoding="utf-8") as f:
        text = f.read()
    namespace = {"__name__": "__tutorial__"}
    for i, block in enumerate(BLOCK.findall(text)):
        code = compile(block, "%s[block %d]" % (name, i + 1), "exec")
        exec(code, namespace)  # noqa: S102 - our own documentation
