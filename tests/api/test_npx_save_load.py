"""npx.save / npx.load round trips that MXNet only allows with a global set_np(): 0-d and
empty arrays, dicts, and files written by mx.nd.save."""
import numpy as np

import tapegraph as mx


def _roundtrip(tmp_path, value):
    path = str(tmp_path / "arrays.bin")
    mx.npx.set_np()
    try:
        mx.npx.save(path, value)
        return mx.npx.load(path)
    finally:
        mx.npx.reset_np()


def test_zero_dim_and_empty_arrays_round_trip(tmp_path):
    got = _roundtrip(tmp_path, [mx.np.ones((2,)), mx.np.zeros(())])
    assert [g.shape for g in got] == [(2,), ()]
    got = _roundtrip(tmp_path, {"a": mx.np.ones((1,), dtype="int32"),
                                "b": mx.np.zeros((0, 2))})
    assert got["a"].dtype == np.int32 and got["b"].shape == (0, 2)
    assert all(isinstance(v, mx.np.ndarray) for v in got.values())


def test_a_file_of_nd_save_loads_as_np_arrays(tmp_path):
    path = str(tmp_path / "legacy.params")
    mx.nd.save(path, {"w": mx.nd.array([[1, 2]]), "b": mx.nd.array([3], dtype="int64")})
    mx.npx.set_np()
    try:
        got = mx.npx.load(path)
    finally:
        mx.npx.reset_np()
    assert got["w"].asnumpy().tolist() == [[1.0, 2.0]] and got["b"].dtype == np.int64
