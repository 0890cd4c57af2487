"""pyproject.toml lists every package folder, so `pip install .` (not editable) works."""
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PREFIX = {"frontend": "tapegraph", "ir": "tapegraph.ir", "passes": "tapegraph.passes",
          "runtime": "tapegraph.runtime"}


@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomllib needs Python 3.11")
def test_every_package_folder_is_listed_in_pyproject():
    import tomllib
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    found = set()
    for folder, prefix in PREFIX.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder).parts
            found.add(".".join((prefix,) + rel))
    assert found - listed == set(), "add these to [tool.setuptools] packages"
