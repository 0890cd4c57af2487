"""Array creation follows MXNet 1.9.1's dtype rules (checked with the real MXNet)."""
import numpy as np

import tapegraph as mx


def test_legacy_nd_array_of_numpy_input_is_float32():
    assert mx.nd.array(np.array([1, 2], dtype=np.int64)).dtype == np.float32
    assert mx.nd.array(np.array([1.0, 2.0])).dtype == np.float32
    assert mx.nd.array(np.array([True])).dtype == np.float32
    assert mx.nd.array([1, 2], dtype="int32").dtype == np.int32


def test_np_array_keeps_numpy_dtypes_but_python_data_is_float32():
    assert mx.np.array(np.array([1, 2], dtype=np.int64)).dtype == np.int64
    assert mx.np.array(np.array([1.0, 2.0])).dtype == np.float64
    assert mx.np.array(np.array([True])).dtype == np.bool_
    assert mx.np.array([True, False]).dtype == np.float32
    assert mx.np.array([[1, 2], [3, 4]]).dtype == np.float32


def test_array_of_an_array_keeps_its_dtype():
    src = mx.nd.array([1, 2], dtype="float64")
    assert mx.nd.array(src).dtype == np.float64
