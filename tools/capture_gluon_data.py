"""Capture MXNet 1.9.1 gluon.data behaviour for tests/gluon/test_data.py.

Run with the oracle: /tmp/mxnet-oracle/bin/python tools/capture_gluon_data.py
Writes tests/data/mxnet/gluon_data/data.json: batches (values, shapes, dtypes) for each
last_batch mode, shuffled orders after np.random.seed, dataset helpers and transforms.
"""
import json
import os
import warnings

import mxnet as mx
import numpy as np
from mxnet.gluon.data.vision import transforms as T

warnings.simplefilter("ignore")
OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "mxnet", "gluon_data")
gdata = mx.gluon.data


def desc(batch):
    if isinstance(batch, list):
        return {"list": [desc(b) for b in batch]}
    return {"values": batch.asnumpy().tolist(), "dtype": np.dtype(batch.dtype).name,
            "shape": list(batch.shape)}


def main():
    out = {}
    x = np.arange(14, dtype="float64").reshape(7, 2)
    y = np.arange(7)
    ds = gdata.ArrayDataset(x, y)
    for mode in ("keep", "discard", "rollover"):
        loader = gdata.DataLoader(ds, batch_size=3, last_batch=mode)
        epochs = [[desc(b) for b in loader] for _ in range(2)]
        out["loader_" + mode] = {"len": len(loader), "epochs": epochs}
    nds = gdata.ArrayDataset(mx.nd.arange(12).reshape((6, 2)), mx.nd.arange(6))
    out["nd_dataset_item"] = [np.asarray(nds[1][0].asnumpy()).tolist(), float(nds[1][1])]
    out["nd_batches"] = [desc(b) for b in gdata.DataLoader(nds, batch_size=4)]
    out["scalar_batches"] = [desc(b) for b in gdata.DataLoader(
        gdata.SimpleDataset([1, 2, 3, 4, 5]), batch_size=2)]
    np.random.seed(5)
    out["shuffle_seed5"] = [[int(i) for i in b] for b in
                            gdata.BatchSampler(gdata.RandomSampler(10), 3, "keep")]
    np.random.seed(11)
    out["loader_shuffle_seed11"] = [desc(b) for b in gdata.DataLoader(
        gdata.SimpleDataset(list(range(8))), batch_size=3, shuffle=True)]
    simple = gdata.SimpleDataset(list(range(10)))
    out["shard"] = [[simple.shard(3, i)[j] for j in range(len(simple.shard(3, i)))]
                    for i in range(3)]
    out["take"] = [simple.take(4)[j] for j in range(4)]
    out["filter"] = [v for v in simple.filter(lambda v: v % 3 == 0)]
    out["transform"] = [v for v in simple.transform(lambda v: v * 2)]
    pairs = gdata.SimpleDataset([(i, -i) for i in range(4)])
    out["transform_first"] = [list(v) for v in pairs.transform_first(lambda v: v + 100)]
    out["transform_pairs"] = [v for v in pairs.transform(lambda a, b: a - b, lazy=False)]
    out["batch_sampler_len"] = {
        mode: len(gdata.BatchSampler(gdata.SequentialSampler(10), 4, mode))
        for mode in ("keep", "discard", "rollover")}

    img = mx.nd.array(np.arange(24).reshape(2, 4, 3), dtype="uint8")
    tensor = T.ToTensor()(img)
    out["to_tensor"] = desc(tensor)
    out["to_tensor_batch"] = desc(T.ToTensor()(mx.nd.array(
        np.arange(48).reshape(2, 2, 4, 3), dtype="uint8")))
    out["normalize_scalar"] = desc(T.Normalize(0.5, 2.0)(tensor))
    out["normalize_channels"] = desc(T.Normalize((0.1, 0.2, 0.3), (1, 2, 4))(tensor))
    out["compose"] = desc(T.Compose([T.ToTensor(), T.Normalize(0.1, 0.5)])(img))
    out["cast"] = desc(T.Cast("float16")(img))
    pipeline = gdata.ArrayDataset(mx.nd.array(np.arange(48).reshape(2, 2, 4, 3), dtype="uint8"),
                                  np.array([3, 4])).transform_first(T.ToTensor())
    out["transform_first_loader"] = [desc(b) for b in gdata.DataLoader(pipeline, batch_size=2)]
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "data.json"), "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
