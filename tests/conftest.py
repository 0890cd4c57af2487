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


@pytest.fixture(autouse=True, scope="session")
def tape_agrees_with_the_walk():
    """Throughout the suite, every graph read off a tape is checked against a walk from
    the same heads: same key, values, leaves (and their positions) and nodes (the tape is
    only a shortcut)."""
    from tapegraph.trace.collect import Collected, TapeCollected
    original = TapeCollected.from_tape.__func__

    def checked(cls, tape, heads):
        col = original(cls, tape, heads)
        if col is not None:
            walk = Collected(heads)
            assert col.key == walk.key, "tape key differs from the walk's"
            assert (col.values, col.leaves, col.nodes) == (walk.values, walk.leaves,
                                                           walk.nodes)
            assert col.leaf_positions() == walk.leaf_positions()
        return col

    TapeCollected.from_tape = classmethod(checked)
    yield
    TapeCollected.from_tape = classmethod(original)


@pytest.fixture
def update_golden(request):
    return request.config.getoption("--update-golden")


SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "shared")
