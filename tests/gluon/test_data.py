"""gluon.data against MXNet 1.9.1 (tests/data/mxnet/gluon_data/data.json,
tools/capture_gluon_data.py)."""
import gzip
import json
import os
import struct

import numpy as np
import pytest

import tapegraph as mx
from tapegraph.gluon import data as gdata
from tapegraph.gluon.data.vision import transforms as T

DATA = json.load(open(os.path.join(os.path.dirname(__file__), "..", "data", "mxnet",
                                   "gluon_data", "data.json")))


def check(batch, want):
    if "list" in want:
        assert isinstance(batch, list) and len(batch) == len(want["list"])
        for b, w in zip(batch, want["list"]):
            check(b, w)
        return
    assert isinstance(batch, mx.nd.NDArray)
    assert list(batch.shape) == want["shape"]
    assert np.dtype(batch.dtype).name == want["dtype"]
    np.testing.assert_allclose(batch.asnumpy().astype("float64"), np.array(want["values"]),
                               rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("mode", ["keep", "discard", "rollover"])
def test_loader_last_batch_modes(mode):
    ds = gdata.ArrayDataset(np.arange(14, dtype="float64").reshape(7, 2), np.arange(7))
    loader = gdata.DataLoader(ds, batch_size=3, last_batch=mode)
    want = DATA["loader_" + mode]
    for epoch in want["epochs"]:
        got = list(loader)
        assert len(got) == len(epoch)
        for b, w in zip(got, epoch):
            check(b, w)
    assert len(loader) == want["len"]  # after two epochs (rollover: with the remainder)


def test_ndarray_datasets_and_scalars_batch_like_mxnet():
    nds = gdata.ArrayDataset(mx.nd.arange(12).reshape((6, 2)), mx.nd.arange(6))
    item = nds[1]
    assert item[0].asnumpy().tolist() == DATA["nd_dataset_item"][0]
    assert isinstance(item[1], np.generic) and float(item[1]) == DATA["nd_dataset_item"][1]
    for b, w in zip(gdata.DataLoader(nds, batch_size=4), DATA["nd_batches"]):
        check(b, w)
    for b, w in zip(gdata.DataLoader(gdata.SimpleDataset([1, 2, 3, 4, 5]), batch_size=2),
                    DATA["scalar_batches"]):
        check(b, w)


def test_shuffle_follows_numpy_global_seed_like_mxnet():
    np.random.seed(5)
    got = [[int(i) for i in b] for b in gdata.BatchSampler(gdata.RandomSampler(10), 3, "keep")]
    assert got == DATA["shuffle_seed5"]
    np.random.seed(11)
    loader = gdata.DataLoader(gdata.SimpleDataset(list(range(8))), batch_size=3, shuffle=True)
    for b, w in zip(loader, DATA["loader_shuffle_seed11"]):
        check(b, w)


def test_dataset_helpers():
    simple = gdata.SimpleDataset(list(range(10)))
    assert [list(simple.shard(3, i)) for i in range(3)] == DATA["shard"]
    assert list(simple.take(4)) == DATA["take"]
    assert list(simple.take(None)) == list(range(10))
    assert list(simple.filter(lambda v: v % 3 == 0)) == DATA["filter"]
    assert list(simple.transform(lambda v: v * 2)) == DATA["transform"]
    pairs = gdata.SimpleDataset([(i, -i) for i in range(4)])
    assert [list(v) for v in pairs.transform_first(lambda v: v + 100)] == DATA["transform_first"]
    eager = pairs.transform(lambda a, b: a - b, lazy=False)
    assert isinstance(eager, gdata.SimpleDataset) and list(eager) == DATA["transform_pairs"]
    assert list(simple.sample(gdata.SequentialSampler(3, 5))) == [5, 6, 7]
    for mode, n in DATA["batch_sampler_len"].items():
        assert len(gdata.BatchSampler(gdata.SequentialSampler(10), 4, mode)) == n


def test_rollover_carries_the_remainder():
    sampler = gdata.BatchSampler(gdata.SequentialSampler(5), 2, "rollover")
    assert list(sampler) == [[0, 1], [2, 3]]
    assert len(sampler) == 3  # 1 left over + 5
    assert list(sampler) == [[4, 0], [1, 2], [3, 4]]


def test_bad_arguments():
    ds = gdata.SimpleDataset([1, 2, 3])
    with pytest.raises(ValueError, match="batch_size must be specified"):
        gdata.DataLoader(ds)
    with pytest.raises(ValueError, match="shuffle must not be specified"):
        gdata.DataLoader(ds, batch_size=2, shuffle=True, sampler=gdata.SequentialSampler(3))
    with pytest.raises(ValueError, match="must not be specified if batch_sampler"):
        gdata.DataLoader(ds, batch_size=2, batch_sampler=gdata.BatchSampler(
            gdata.SequentialSampler(3), 2))
    with pytest.raises(ValueError, match="last_batch must be one of"):
        gdata.DataLoader(ds, batch_size=2, last_batch="drop")
    with pytest.raises(ValueError, match="same length"):
        gdata.ArrayDataset(np.zeros(3), np.zeros(4))
    with pytest.raises(TypeError, match="Invalid sampler type"):
        ds.sample([0, 1])
    with pytest.raises(ValueError, match="Shard index of out bound"):
        ds.shard(2, 2)
    with pytest.raises(FileNotFoundError):
        gdata.RecordFileDataset("no-such-file.rec")


def test_custom_batchify_and_batch_sampler_and_workers():
    ds = gdata.SimpleDataset(list(range(6)))
    loader = gdata.DataLoader(ds, batch_sampler=gdata.BatchSampler(
        gdata.SequentialSampler(6), 4), batchify_fn=lambda xs: sum(xs), num_workers=2)
    assert list(loader) == [6, 9] and len(loader) == 2


def test_transforms_match_mxnet():
    img = mx.nd.array(np.arange(24).reshape(2, 4, 3), dtype="uint8")
    tensor = T.ToTensor()(img)
    check(tensor, DATA["to_tensor"])
    check(T.ToTensor()(mx.nd.array(np.arange(48).reshape(2, 2, 4, 3), dtype="uint8")),
          DATA["to_tensor_batch"])
    check(T.Normalize(0.5, 2.0)(tensor), DATA["normalize_scalar"])
    check(T.Normalize((0.1, 0.2, 0.3), (1, 2, 4))(tensor), DATA["normalize_channels"])
    check(T.Compose([T.ToTensor(), T.Normalize(0.1, 0.5)])(img), DATA["compose"])
    check(T.Cast("float16")(img), DATA["cast"])
    pipeline = gdata.ArrayDataset(
        mx.nd.array(np.arange(48).reshape(2, 2, 4, 3), dtype="uint8"),
        np.array([3, 4])).transform_first(T.ToTensor())
    for b, w in zip(gdata.DataLoader(pipeline, batch_size=2), DATA["transform_first_loader"]):
        check(b, w)


def test_transform_errors_name_the_shape():
    tensor = T.ToTensor()(mx.nd.zeros((2, 4, 3)))
    with pytest.raises(mx.MXNetError, match=r"mean must have either 1 or 3 elements"):
        T.Normalize((1, 2), (1, 2))(tensor)
    with pytest.raises(mx.MXNetError, match=r"\(height, width, channels\).*\[4, 3\]"):
        T.ToTensor()(mx.nd.zeros((4, 3)))


def _write_idx(path, magic_dims, payload):
    with gzip.open(path, "wb") as f:
        f.write(struct.pack(">" + "I" * len(magic_dims), *magic_dims))
        f.write(payload)


def test_mnist_reads_local_files_and_says_when_missing(tmp_path):
    labels = np.array([3, 1, 4], dtype=np.uint8)
    images = np.arange(3 * 28 * 28, dtype=np.uint32).astype(np.uint8)
    _write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", (2049, 3), labels.tobytes())
    _write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", (2051, 3, 28, 28), images.tobytes())
    ds = gdata.vision.MNIST(root=str(tmp_path), train=False)
    assert len(ds) == 3
    img, label = ds[2]
    assert img.shape == (28, 28, 1) and img.dtype == np.uint8 and label == 4
    np.testing.assert_array_equal(img.asnumpy().ravel(), images[2 * 784:3 * 784])
    batch = next(iter(gdata.DataLoader(ds.transform_first(T.ToTensor()), batch_size=3)))
    assert batch[0].shape == (3, 1, 28, 28) and batch[1].dtype == np.int32
    with pytest.raises(FileNotFoundError, match="cannot download"):
        gdata.vision.MNIST(root=str(tmp_path), train=True)


def test_cifar10_reads_binary_batches(tmp_path):
    folder = tmp_path / "cifar-10-batches-bin"
    folder.mkdir()
    rec = np.zeros((2, 3073), dtype=np.uint8)
    rec[:, 0] = [7, 2]
    rec[1, 1:] = np.arange(3072) % 251
    (folder / "test_batch.bin").write_bytes(rec.tobytes())
    ds = gdata.vision.CIFAR10(root=str(tmp_path), train=False)
    img, label = ds[1]
    assert img.shape == (32, 32, 3) and label == 2
    np.testing.assert_array_equal(img.asnumpy(),
                                  rec[1, 1:].reshape(3, 32, 32).transpose(1, 2, 0))
