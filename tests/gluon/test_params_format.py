"""MXNet's binary NDArray format: files MXNet 1.9.1 wrote load here (and are rewritten
byte for byte), `save_parameters`/`load_parameters` with MXNet's names and errors.
Files written here were loaded by MXNet 1.9.1 (tools/check_params_in_mxnet.py; its
report is tests/data/mxnet/gluon_core/written_here_check.json)."""
import json
import pathlib

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import gluon, nd
from tapegraph.ndarray.serialize import load_arrays

DATA = pathlib.Path(__file__).resolve().parent.parent / "data/mxnet/gluon_core"
GOLD = json.loads((DATA / "core.json").read_text())


def _mlp(prefix=None):
    with mx.name.NameManager():
        net = gluon.nn.HybridSequential(prefix=prefix)
        with net.name_scope():
            net.add(gluon.nn.Dense(3, activation="relu", in_units=4),
                    gluon.nn.Dense(2, in_units=3))
    return net


@pytest.mark.parametrize("name", ["mlp.params", "mlp_prefixed.params", "nd_list.params",
                                  "nd_dict.params"])
def test_mxnet_files_load_and_are_rewritten_byte_for_byte(name, tmp_path):
    loaded = nd.load(str(DATA / name))
    out = tmp_path / name
    nd.save(str(out), loaded)
    assert out.read_bytes() == (DATA / name).read_bytes()


def test_nd_load_values_and_dtypes():
    arrs = nd.load(str(DATA / "nd_list.params"))
    assert [a.dtype for a in arrs] == [np.float32, np.int32, np.float64, np.uint8,
                                       np.float16, np.int64]
    np.testing.assert_array_equal(arrs[0].asnumpy(), [[1, 2], [3, 4]])
    d = nd.load(str(DATA / "nd_dict.params"))
    assert list(d) == ["a", "bb"] and d["bb"].dtype == np.int8
    np.testing.assert_array_equal(d["bb"].asnumpy(), np.arange(6).reshape(2, 3))


def test_nd_save_single_array_and_zero_dim(tmp_path):
    f = str(tmp_path / "x.params")
    nd.save(f, nd.array([1.0, 2.0]))
    (back,) = nd.load(f)
    np.testing.assert_array_equal(back.asnumpy(), [1, 2])
    nd.save(f, {"s": np.full((), 3.0, np.float32), "e": np.zeros((0, 2), np.float32)})
    d = load_arrays(f)
    assert d["s"].shape == () and float(d["s"]) == 3.0 and d["e"].shape == (0, 2)


def test_bad_files_and_inputs_raise_clearly(tmp_path):
    f = tmp_path / "bad.params"
    f.write_bytes(b"not a params file at all")
    with pytest.raises(mx.MXNetError, match="Invalid NDArray file format: .*bad.params"):
        nd.load(str(f))
    f.write_bytes((DATA / "mlp.params").read_bytes()[:100])
    with pytest.raises(mx.MXNetError, match="truncated"):
        nd.load(str(f))
    with pytest.raises(TypeError, match="keys of a dict must be str"):
        nd.save(str(tmp_path / "k.params"), {1: nd.ones((1,))})
    with pytest.raises(TypeError, match="x is a str, not an NDArray"):
        nd.save(str(tmp_path / "k.params"), {"x": "nope"})
    assert not (tmp_path / "k.params").exists()


def test_load_parameters_from_mxnet_gives_mxnet_outputs():
    net = _mlp()
    net.load_parameters(str(DATA / "mlp.params"))
    files = GOLD["files"]
    for k, v in net.collect_params().items():
        np.testing.assert_array_equal(v.data().asnumpy(), files["mlp_values"][k])
    np.testing.assert_allclose(net(nd.array(files["mlp_x"])).asnumpy(), files["mlp_y"],
                               rtol=1e-5, atol=1e-6)
    deferred = gluon.nn.HybridSequential()
    with deferred.name_scope():
        deferred.add(gluon.nn.Dense(3, activation="relu"), gluon.nn.Dense(2))
    deferred.load_parameters(str(DATA / "mlp.params"))  # shapes come from the file
    np.testing.assert_allclose(deferred(nd.array(files["mlp_x"])).asnumpy(), files["mlp_y"],
                               rtol=1e-5, atol=1e-6)


def test_legacy_prefixed_file_loads_through_collect_params():
    net = _mlp()
    net.collect_params().load(str(DATA / "mlp_prefixed.params"), restore_prefix=net.prefix)
    np.testing.assert_array_equal(net[0].weight.data().asnumpy(),
                                  GOLD["files"]["mlp_values"]["hybridsequential0_dense0_weight"])


def test_save_load_round_trip_here(tmp_path):
    a, b = _mlp(), _mlp()
    a.initialize()
    b.initialize()
    f = str(tmp_path / "m.params")
    a.save_parameters(f)
    assert list(nd.load(f)) == ["0.weight", "0.bias", "1.weight", "1.bias"]
    b.load_parameters(f)
    x = nd.ones((2, 4))
    np.testing.assert_array_equal(a(x).asnumpy(), b(x).asnumpy())


def _dense_file(tmp_path):
    d = gluon.nn.Dense(2, in_units=3, prefix="dd_")
    d.initialize()
    f = str(tmp_path / "dd.params")
    d.save_parameters(f)
    return f


def test_load_errors_match_mxnet_and_lose_nothing(tmp_path):
    f = _dense_file(tmp_path)
    errs = GOLD["errors"]
    e2 = gluon.nn.Dense(2, in_units=4, prefix="dd_")
    e2.initialize()
    before = e2.weight.data().asnumpy()
    with pytest.raises(AssertionError) as info:
        e2.load_parameters(f)
    assert "AssertionError: " + str(info.value) == errs["load_shape"]
    np.testing.assert_array_equal(e2.weight.data().asnumpy(), before)
    e3 = gluon.nn.Dense(2, in_units=3, use_bias=False, prefix="dd_")
    with pytest.raises(AssertionError) as info:
        e3.load_parameters(f)
    assert ("AssertionError: " + str(info.value)).replace(f, "/tmp/_cap_dd.params") == \
        errs["load_extra"]
    e3.load_parameters(f, ignore_extra=True)
    assert e3.weight.shape == (2, 3)
    net = gluon.nn.HybridSequential(prefix="m_")
    with net.name_scope():
        net.add(gluon.nn.Dense(2, in_units=3), gluon.nn.Dense(2, in_units=2))
    with pytest.raises(AssertionError) as info:
        net.load_parameters(f)
    assert ("AssertionError: " + str(info.value)).replace(f, "/tmp/_cap_dd.params") == \
        errs["load_missing"]


def test_allow_missing_ignore_extra_and_cast_dtype(tmp_path):
    small = gluon.nn.HybridSequential()
    small.add(gluon.nn.Dense(3, in_units=4))
    small.initialize()
    f = str(tmp_path / "s.params")
    small.save_parameters(f)
    big = _mlp()
    big.initialize()
    with pytest.raises(AssertionError, match="Parameter '1.weight' is missing in file"):
        big.load_parameters(f)
    big.load_parameters(f, allow_missing=True)
    np.testing.assert_array_equal(big[0].weight.data().asnumpy(),
                                  small[0].weight.data().asnumpy())
    big.save_parameters(f)
    with pytest.raises(ValueError, match="Parameter '1.weight' loaded from file .* is not "
                                         "present"):
        small.load_parameters(f)
    small.load_parameters(f, ignore_extra=True)
    half = gluon.nn.HybridSequential()
    half.add(gluon.nn.Dense(3, in_units=4, dtype="float16"))
    half.initialize()
    with pytest.raises(AssertionError, match="dtype incompatible expected float16 vs saved "
                                             "float32"):
        half.load_parameters(f, ignore_extra=True)
    half.load_parameters(f, ignore_extra=True, cast_dtype=True)
    assert half[0].weight.data().dtype == np.float16


def test_files_written_here_were_loaded_by_mxnet():
    report = json.loads((DATA / "written_here_check.json").read_text())
    assert report["mxnet"] == "1.9.1" and report["checked"] >= 4
    assert report["mismatches"] == []


def test_a_dtype_mismatch_found_late_changes_no_parameter(tmp_path):
    src = gluon.nn.HybridSequential()
    src.add(gluon.nn.Dense(3, in_units=4), gluon.nn.Dense(2, in_units=3))
    src.initialize()
    f = str(tmp_path / "two.params")
    src.save_parameters(f)
    dst = gluon.nn.HybridSequential()
    dst.add(gluon.nn.Dense(3, in_units=4), gluon.nn.Dense(2, in_units=3, dtype="float16"))
    dst.initialize()
    before = dst[0].weight.data().asnumpy()
    with pytest.raises(AssertionError, match="Parameter '.*dense.*_weight' from saved params: "
                                             "dtype incompatible"):
        dst.load_parameters(f)
    np.testing.assert_array_equal(dst[0].weight.data().asnumpy(), before)  # not half-loaded
