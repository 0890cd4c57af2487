"""Shared by the tests that replay a capture script of tools/ on tapegraph: each capture
script ran once against real MXNet 1.9.1 and wrote tests/data/mxnet/*.json; the tests
load the same script with tapegraph as its `mxnet` and compare."""
import importlib.util
import json
import os
import sys

import tapegraph as mx

ROOT = os.path.join(os.path.dirname(__file__), "..")


def load_table(name):
    """The captured table tests/data/mxnet/`name`."""
    with open(os.path.join(ROOT, "tests", "data", "mxnet", name)) as f:
        return json.load(f)


def capture_module(script):
    """tools/`script`.py imported with tapegraph standing in for `mxnet` (the same cases
    the capture ran)."""
    return import_as_mxnet(os.path.join(ROOT, "tools", script + ".py"), script)


def import_as_mxnet(path, name):
    """The Python file `path` imported as module `name` with tapegraph as its `mxnet`."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    saved = sys.modules.get("mxnet")
    sys.modules["mxnet"] = mx
    try:
        spec.loader.exec_module(module)
    finally:
        if saved is None:
            del sys.modules["mxnet"]
        else:
            sys.modules["mxnet"] = saved
    return module
