"""Helpers for the hardening tests: a small "world" of autograd state (gradient buffers,
a retained graph, cached plans, recording flags) and a check that a failing call left
all of it exactly as it was."""
import gc
import os
import sys

import numpy as np
import pytest

import tapegraph as mx
from tapegraph.runtime import PLAN_CACHE


class World:
    """State a failing call must not touch.

    `w` is a marked variable whose gradient buffer holds the result of an earlier
    backward; `retained` is a head whose graph was kept with `retain_graph=True`; the
    plan cache holds the plans compiled for them.
    """

    def __init__(self):
        PLAN_CACHE.clear()  # so a legitimate LRU eviction can never look like a loss
        self.w = mx.nd.array([1.0, 2.0, 3.0])
        self.w.attach_grad()
        with mx.autograd.record():
            self.retained = (self.w * self.w).sum()
        self.retained.backward(retain_graph=True)  # w.grad = 2w = [2, 4, 6]
        self.grad_before = self.w.grad.asnumpy()
        self.cache_before = dict(PLAN_CACHE._entries)
        self.recording = mx.autograd.is_recording()
        self.training = mx.autograd.is_training()
        self.gc_state = (gc.isenabled(), gc.get_threshold())

    def assert_intact(self):
        """Everything is as it was, and the retained graph still differentiates."""
        np.testing.assert_array_equal(self.w.grad.asnumpy(), self.grad_before)
        assert (gc.isenabled(), gc.get_threshold()) == self.gc_state, \
            "the cyclic collector was left paused"
        assert mx.autograd.is_recording() == self.recording
        assert mx.autograd.is_training() == self.training
        after = dict(PLAN_CACHE._entries)
        for key, entry in self.cache_before.items():
            assert after.get(key) is entry, "a cached plan was dropped or replaced"
        previous = mx.autograd.set_recording(False)
        try:
            self.w.grad[:] = 0
            self.retained.backward(retain_graph=True)
        finally:
            mx.autograd.set_recording(previous)
        np.testing.assert_allclose(self.w.grad.asnumpy(), [2.0, 4.0, 6.0])
        self.w.grad[:] = self.grad_before


@pytest.fixture
def world():
    return World()


def pytest_configure(config):
    # Property tests read this at import (hardening_support.budget): `--long` multiplies
    # their example budgets.
    if config.getoption("--long", default=False):
        os.environ["TAPEGRAPH_LONG_TESTS"] = "1"


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # for hardening_support
