"""Shared fixtures: every test starts with recording and training off and a fresh seed."""
import os

import numpy as np
import pytest

import tapegraph as mx


def pytest_addoption(parser):
    parser.addoption("--long", action="store_true", default=False,
                     help="run property-based tests with a large example budget")
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite golden files instead of comparing against them")


@pytest.fixture(autouse=True)
def clean_autograd_state():
    mx.autograd.set_recording(False)
    mx.autograd.set_training(False)
    mx.npx.reset_np()
    mx.random.seed(0)
    np.random.seed(0)
    yield
    mx.autograd.set_recording(False)
    mx.autograd.set_training(False)


@pytest.fixture
def update_golden(request):
    return request.config.getoption("--update-golden")


SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "shared")
