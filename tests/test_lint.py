"""The code is lint-clean (ruff, configured in pyproject.toml) and the compiler core's type
hints check (mypy on tapegraph.ir, tapegraph.passes and tapegraph.runtime).

Both tools come with the `test` extra (`pip install -e .[test]`, as CI does); without
them these tests skip, saying so.
"""
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _tool(module: str):
    try:
        __import__(module)
    except ImportError:
        pytest.skip("%s is not installed (pip install -e .[test])" % module)


def test_ruff_is_clean():
    _tool("ruff")
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache",
                           "--output-format", "concise", str(ROOT)],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, "ruff check:\n" + done.stdout + done.stderr


def test_mypy_checks_the_core(tmp_path):
    """The core's folders are laid out as the `tapegraph` package they are installed as
    (pyproject.toml maps tapegraph.ir to ir/ ...), so mypy sees the real module names."""
    _tool("mypy")
    package = tmp_path / "tapegraph"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for folder in ("ir", "passes", "runtime"):
        try:
            os.symlink(ROOT / folder, package / folder, target_is_directory=True)
        except OSError:
            shutil.copytree(ROOT / folder, package / folder)
    done = subprocess.run([sys.executable, "-m", "mypy", "--config-file",
                           str(ROOT / "pyproject.toml"), "--no-incremental",
                           "--cache-dir", str(tmp_path / ".mypy_cache"),
                           "-p", "tapegraph.ir", "-p", "tapegraph.passes",
                           "-p", "tapegraph.runtime"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, "mypy:\n" + done.stdout + done.stderr
