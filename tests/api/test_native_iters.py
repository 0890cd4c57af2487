"""mx.io.CSVIter / MNISTIter beyond the captured script (tests/data/mxnet/scripts/
io_native_iters.py): clear errors for bad files, and a Module trained from a CSVIter."""

import numpy as np
import pytest

import tapegraph as mx
from tapegraph.base import MXNetError
from tapegraph.io.native import _std_shuffle


def test_missing_and_malformed_files_are_named(tmp_path):
    with pytest.raises(MXNetError, match="nope.csv"):
        mx.io.CSVIter(data_csv=str(tmp_path / "nope.csv"), data_shape=(2,), batch_size=1)
    data, label = tmp_path / "d.csv", tmp_path / "l.csv"
    np.savetxt(data, np.ones((4, 2)), delimiter=",")
    np.savetxt(label, np.ones(3), delimiter=",")
    with pytest.raises(MXNetError, match="l.csv has 3 rows but .*d.csv has 4"):
        mx.io.CSVIter(data_csv=str(data), data_shape=(2,), label_csv=str(label), batch_size=2)
    with pytest.raises(MXNetError, match='Open ".*nope"'):
        mx.io.MNISTIter(image=str(tmp_path / "nope"), label=str(label), batch_size=1)
    with pytest.raises(MXNetError, match="not an MNIST image file"):
        mx.io.MNISTIter(image=str(data), label=str(label), batch_size=1)


def test_batch_larger_than_the_data_twice_is_an_error(tmp_path):
    data = tmp_path / "d.csv"
    np.savetxt(data, np.ones((2, 2)), delimiter=",")
    with pytest.raises(MXNetError, match="bigger than batch size"):
        mx.io.CSVIter(data_csv=str(data), data_shape=(2,), batch_size=5)


def test_the_shuffle_is_a_permutation_for_any_size():
    for n in (0, 1, 2, 7, 1000):
        assert sorted(_std_shuffle(n, 3)) == list(range(n))
    assert _std_shuffle(50, 0) != list(range(50))


def test_module_fit_reads_a_csv_iter(tmp_path):
    rng = np.random.RandomState(0)
    x = rng.randn(64, 4).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.float32)
    np.savetxt(tmp_path / "x.csv", x, delimiter=",")
    np.savetxt(tmp_path / "y.csv", y, delimiter=",")
    it = mx.io.CSVIter(data_csv=str(tmp_path / "x.csv"), data_shape=(4,),
                       label_csv=str(tmp_path / "y.csv"), batch_size=16)
    net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=2),
                               name="softmax")
    mod = mx.mod.Module(net)
    mod.fit(it, num_epoch=20, optimizer_params={"learning_rate": 0.5},
            initializer=mx.init.Xavier())
    it.reset()
    assert mod.score(it, "acc")[0][1] > 0.9
