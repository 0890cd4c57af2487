"""The pipeline is part of the plan-cache key: the same pipeline hits, another one (or the
same passes with other options) compiles its own plan, and entries with options run."""
import numpy as np

import tapegraph as mx
from tapegraph import runtime


def _backward(pipeline):
    x = mx.nd.array([1.0, 2.0])
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.sum(mx.nd.exp(x) * x)
    mx.autograd.backward([y], pipeline=pipeline)
    np.testing.assert_allclose(x.grad.asnumpy(), np.exp([1, 2]) * [2, 3], rtol=1e-6)


def test_pipelines_with_and_without_options_key_their_own_plans():
    runtime.PLAN_CACHE.clear()
    for pipeline in (["dce", "fuse"], ["dce", ("fuse", {})], "dce,fuse", None):
        _backward(pipeline)
    stats = runtime.plan_cache_stats()
    # "dce,fuse" is the list ["dce", "fuse"]; the options entry and the default differ
    assert (stats["misses"], stats["hits"]) == (3, 1)
    _backward(["dce", ("fuse", {})])
    assert runtime.plan_cache_stats()["hits"] == 2
