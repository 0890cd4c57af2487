"""Every public function of `mx.nd` and `mx.np`, called with wrong arguments (strings,
None, mismatched shapes, empty and 0-d arrays, negative or absurd numbers, bad
keywords), fails only with the documented kinds of error — an `MXNetError`, or the
`TypeError`/`ValueError`/`IndexError` Python and NumPy use for such calls, or the
`NotImplementedError` of a name tapegraph does not provide — never with an
AttributeError, KeyError, ZeroDivisionError, RecursionError, a MemoryError (virtual memory
is capped meanwhile, so an absurd allocation cannot take the machine down) or a hang, and
leaves the recording state and the cyclic collector as they were."""
import contextlib
import gc
import inspect
import os
import time
import warnings

import numpy
import pytest

import tapegraph as mx
from tapegraph.base import MXNetError

# NotImplementedError: what MXNet has and tapegraph does not (docs/compatibility.md)
ALLOWED = (MXNetError, TypeError, ValueError, IndexError, NotImplementedError)
SKIP = {"waitall", "save", "load", "array", "NDArray", "ndarray", "seed", "set_np",
        "reset_np", "is_np_array", "is_np_shape",
        "invoke", "get_op"}  # internals visible in mx.np (imported names), not its API


def _arguments(ns):
    ones = getattr(ns, "ones", mx.np.ones)
    yield lambda: [ones((2, 3)), "junk"]
    yield lambda: [ones((2, 3)), None]
    yield lambda: ["junk"]
    yield lambda: [ones((2, 3)), ones((4, 5)), ones((7,))]
    yield lambda: [ones((0,))]
    yield lambda: [ones(())]
    yield lambda: [ones((2, 3)), -1]
    yield lambda: [ones((2, 3)), 10 ** 12]


KEYWORDS = [{}, {"axis": 7}, {"axis": "x"}, {"shape": (-2, 3)}, {"dtype": "foo"}]


def _functions(module):
    for name in sorted(dir(module)):
        fn = getattr(module, name)
        if (name.startswith("_") or name in SKIP or not callable(fn) or inspect.isclass(fn)
                or inspect.ismodule(fn)):
            continue
        yield name, fn


@contextlib.contextmanager
def _address_space_cap(extra_bytes=4 << 30):
    """Cap virtual memory a few GiB above its current size, so an absurd allocation
    raises MemoryError (reported as a problem) instead of the OOM killer ending the run."""
    try:
        import resource
        with open("/proc/self/statm") as f:
            current = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, OSError, ValueError):
        yield
        return
    cap = current + extra_bytes
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@pytest.mark.parametrize("namespace", ["nd", "np", "npx"])
def test_wrong_arguments_raise_only_documented_errors(namespace):
    module = getattr(mx, namespace)
    problems = []
    enabled = gc.isenabled()
    # mx.np.set_printoptions sets NumPy's global print options, as MXNet's does: a call
    # with fuzzed arguments may succeed, so they are put back after every call
    print_options = numpy.get_printoptions()
    with warnings.catch_warnings(), _address_space_cap():
        warnings.simplefilter("ignore")
        for recording in (False, True):
            for name, fn in _functions(module):
                for make in _arguments(module):
                    for kw in KEYWORDS:
                        scope = mx.autograd.record() if recording else mx.autograd.pause()
                        with scope:
                            start = time.perf_counter()
                            try:
                                fn(*make(), **kw)
                            except ALLOWED:
                                pass
                            except Exception as e:  # noqa: BLE001  (that is the finding)
                                problems.append("%s.%s(%s): %s: %s" % (
                                    namespace, name, kw, type(e).__name__, str(e)[:80]))
                            finally:
                                numpy.set_printoptions(**print_options)
                            if time.perf_counter() - start > 10:
                                problems.append("%s.%s(%s) took %.0f s" % (
                                    namespace, name, kw, time.perf_counter() - start))
                            if mx.autograd.is_recording() != recording:
                                problems.append("%s.%s changed the recording state"
                                                % (namespace, name))
                        assert gc.isenabled() == enabled, "%s.%s left gc paused" % (
                            namespace, name)
    assert not problems, "\n".join(sorted(set(problems))[:40])
