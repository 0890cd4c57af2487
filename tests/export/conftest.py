"""Helpers shared by the export tests: golden data paths and array decoding."""
import json
import os

import numpy as np
import pytest

DATA = os.path.join(os.path.dirname(__file__), "..", "data")


def decode(a):
    """An array from the {"shape", "dtype", "data"} encoding of the golden files."""
    return np.array(a["data"], dtype=a["dtype"]).reshape(a["shape"])


def load_data(*parts):
    with open(os.path.join(DATA, *parts)) as f:
        return json.load(f)


@pytest.fixture(scope="session")
def mxnet_symbols():
    return load_data("mxnet", "symbols_golden.json")["entries"]


@pytest.fixture(scope="session")
def export_cases():
    return load_data("export", "cases.json")["cases"]
