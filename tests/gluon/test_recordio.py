"""mx.recordio and gluon.data.RecordFileDataset: files written by MXNet 1.9.1
(tests/data/mxnet/gluon_features/*.rec, *.idx, tools/capture_gluon_features.py) read
here, and files written here are byte-identical to MXNet's."""
import json
import os
import pickle
import struct

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import gluon

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "gluon_features")
REC = json.load(open(os.path.join(DATA, "features.json")))["recordio"]
HEADERS = [(0, 3.5, 7, 0), (5, [1.0, 2.5, -3.0], 11, 2), (0, np.array([4, 5], "f"), 2**40, 1)]


def test_reads_records_written_by_mxnet():
    r = mx.recordio.MXRecordIO(os.path.join(DATA, "records.rec"), "r")
    got = []
    while True:
        item = r.read()
        if item is None:
            break
        got.append(item.hex())
    assert got == REC["read"] == REC["records"]  # incl. records holding the magic number
    r.reset()
    assert r.read() == bytes.fromhex(REC["records"][0])
    r.close()


def test_writes_the_same_bytes_as_mxnet(tmp_path):
    for name in ("records", "indexed"):
        path = str(tmp_path / (name + ".rec"))
        if name == "records":
            w = mx.recordio.MXRecordIO(path, "w")
            for rec in REC["records"]:
                w.write(bytes.fromhex(rec))
        else:
            w = mx.recordio.MXIndexedRecordIO(str(tmp_path / "indexed.idx"), path, "w")
            tells = [w.tell()]
            for k, h in enumerate(HEADERS):
                w.write_idx(10 * (k + 1), mx.recordio.pack(mx.recordio.IRHeader(*h),
                                                           b"payload%d" % k))
                tells.append(w.tell())
            assert tells == REC["tells"]
        w.close()
        assert open(path, "rb").read() == open(os.path.join(DATA, name + ".rec"), "rb").read()
    assert open(str(tmp_path / "indexed.idx")).read() == \
        open(os.path.join(DATA, "indexed.idx")).read()


def test_pack_and_unpack_headers_as_mxnet():
    for h, want_packed, want in zip(HEADERS, REC["packed"], REC["unpacked"]):
        s = mx.recordio.pack(mx.recordio.IRHeader(*h), b"payload")
        assert s.hex().startswith(want_packed[:-len(b"payload0".hex())])
        header, rest = mx.recordio.unpack(bytes.fromhex(want_packed))
        label = header.label.tolist() if isinstance(header.label, np.ndarray) else header.label
        assert [header.flag, label, header.id, header.id2, rest.hex()] == [
            want["flag"], want["label"], want["id"], want["id2"], want["rest"]]


def test_indexed_random_access_and_record_file_dataset():
    idx = mx.recordio.MXIndexedRecordIO(os.path.join(DATA, "indexed.idx"),
                                        os.path.join(DATA, "indexed.rec"), "r")
    assert idx.keys == [10, 20, 30]
    assert idx.read_idx(30).hex() == REC["packed"][2]
    assert idx.read_idx(10).hex() == REC["packed"][0]
    clone = pickle.loads(pickle.dumps(idx))  # closes and reopens, as MXNet's
    assert clone.read_idx(20).hex() == REC["packed"][1]
    ds = gluon.data.RecordFileDataset(os.path.join(DATA, "indexed.rec"))
    assert len(ds) == REC["dataset_len"]
    assert [ds[i].hex() for i in range(len(ds))] == REC["dataset"]


def test_corrupt_files_and_bad_input_are_clear_errors(tmp_path):
    bad = tmp_path / "bad.rec"
    bad.write_bytes(struct.pack("<II", 0x12345678, 4) + b"abcd")
    r = mx.recordio.MXRecordIO(str(bad), "r")
    with pytest.raises(ValueError, match="bad magic number at offset 0"):
        r.read()
    cut = tmp_path / "cut.rec"
    cut.write_bytes(open(os.path.join(DATA, "records.rec"), "rb").read()[:10])
    with pytest.raises(ValueError, match="truncated record"):
        mx.recordio.MXRecordIO(str(cut), "r").read()
    with pytest.raises(ValueError, match="Invalid flag x"):
        mx.recordio.MXRecordIO(str(bad), "x")
    w = mx.recordio.MXRecordIO(str(tmp_path / "w.rec"), "w")
    with pytest.raises(TypeError, match="needs bytes"):
        w.write("text")
    with pytest.raises(NotImplementedError, match="needs OpenCV"):
        mx.recordio.unpack_img(b"")
