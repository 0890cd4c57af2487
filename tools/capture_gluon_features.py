"""Capture MXNet 1.9.1 behaviour for Block.save/load, mx.init.FusedRNN, mx.optimizer.LBSGD
and mx.recordio / gluon.data.RecordFileDataset.

Run with the oracle: /tmp/mxnet-oracle/bin/python tools/capture_gluon_features.py
Writes tests/data/mxnet/gluon_features/:
  saved-model.json, saved-model.params   Block.save of a hybridized nested network
  records.rec                             MXRecordIO written record by record
  indexed.rec, indexed.idx                MXIndexedRecordIO (keys 10, 20, ...)
  features.json                           the values the tests compare with
  api_dir.json                            public names of MXNet's Gluon classes / modules
"""
import json
import os
import struct
import warnings
import zlib

import mxnet as mx
import numpy as np
from mxnet import gluon
from mxnet.gluon import nn

warnings.simplefilter("ignore")
OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "mxnet", "gluon_features")
os.makedirs(OUT, exist_ok=True)


def arr(a):
    a = a.asnumpy() if hasattr(a, "asnumpy") else np.asarray(a)
    return {"shape": list(a.shape), "dtype": str(a.dtype),
            "data": a.astype("float64").ravel().tolist()}


def build_saved_net():
    """A plain Sequential holding a hybridized HybridSequential (Dense, BatchNorm) and a
    Dense: built identically in tests/gluon/test_model_files.py."""
    net = nn.Sequential()
    with net.name_scope():
        body = nn.HybridSequential()
        with body.name_scope():
            body.add(nn.Dense(5, activation="tanh"), nn.BatchNorm())
        net.add(body, nn.Dense(3))
    return net


def capture_save():
    mx.random.seed(1)
    net = build_saved_net()
    net.initialize(mx.init.Xavier())
    net[0].hybridize()
    x = mx.nd.array(np.random.RandomState(0).standard_normal((4, 6)), dtype="float32")
    with mx.autograd.record():  # BatchNorm moving statistics change once
        net(x)
    y = net(x)
    net.save(os.path.join(OUT, "saved"))
    model = json.load(open(os.path.join(OUT, "saved-model.json")))
    # a second network built later gets other names; load restores the saved ones
    other = build_saved_net()
    before = [other.name, other[0].name, other[0][0].name,
              list(other[0][0].params.keys())]
    other.load(os.path.join(OUT, "saved"))
    after = [other.name, other[0].name, other[0][0].name, list(other[0][0].params.keys()),
             [p.name for p in other[0][0].params.values()]]
    return {"x": arr(x), "y": arr(y), "y_loaded": arr(other(x)), "names_before": before,
            "names_after": after, "top_keys": sorted(model.keys())}


@mx.init.register
class NameInit(mx.init.Initializer):
    """Fills each array from its name (weights and biases differently), so the packed
    layout shows which piece went where."""

    def _init_weight(self, name, arr):
        base = (zlib.crc32(str(name).encode()) % 97) / 97.0
        arr[:] = base + 0.001 * mx.nd.arange(arr.size).reshape(arr.shape)

    def _init_bias(self, name, arr):
        arr[:] = -(zlib.crc32(str(name).encode()) % 89) / 89.0


FUSED = [("lstm", 2, False, 3, 4), ("lstm", 1, True, 3, 2), ("gru", 2, True, 2, 3),
         ("rnn_tanh", 1, False, 5, 2), ("rnn_relu", 2, False, 2, 2)]


def fused_size(mode, layers, bidir, n_in, h):
    m = {"lstm": 4, "gru": 3}.get(mode, 1)
    b = 2 if bidir else 1
    return (n_in + h + 2) * h * m * b + (layers - 1) * m * h * (h + b * h + 2) * b


def capture_fused():
    out = []
    for mode, layers, bidir, n_in, h in FUSED:
        size = fused_size(mode, layers, bidir, n_in, h)
        for inner in ("name", None):
            init = mx.init.FusedRNN(NameInit() if inner else None, h, layers, mode, bidir,
                                    forget_bias=0.75)
            p = gluon.Parameter("lstm_parameters", shape=(size,), init=init)
            p.initialize(default_init=NameInit())  # the global init (used when inner is None)
            out.append({"mode": mode, "layers": layers, "bidirectional": bidir,
                        "input": n_in, "hidden": h, "inner": inner, "value": arr(p.data())})
    return out


LBSGD = [
    {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01},
    {"learning_rate": 0.1, "batch_scale": 4, "warmup_epochs": 2, "updates_per_epoch": 3,
     "warmup_strategy": "linear"},
    {"learning_rate": 0.05, "momentum": 0.5, "batch_scale": 2, "warmup_epochs": 1,
     "updates_per_epoch": 8, "warmup_strategy": "power2", "wd": 0.02},
    {"learning_rate": 0.05, "batch_scale": 3, "warmup_epochs": 1, "updates_per_epoch": 4,
     "warmup_strategy": "sqrt", "clip_gradient": 0.5, "rescale_grad": 0.5},
    {"learning_rate": 0.1, "momentum": 0.9, "batch_scale": 2, "warmup_strategy": "lars",
     "wd": 0.05},
    {"learning_rate": 0.1, "batch_scale": 2, "begin_epoch": 1, "updates_per_epoch": 3,
     "warmup_epochs": 3},
]


def capture_lbsgd():
    cases = []
    rng = np.random.RandomState(7)
    for config in LBSGD:
        opt = mx.optimizer.create("lbsgd", **config)
        updater = mx.optimizer.get_updater(opt)
        shapes = [(3, 4), (5,)]
        w0 = [rng.standard_normal(s).astype("float32") for s in shapes]
        weights = [mx.nd.array(w) for w in w0]
        rec = {"config": config, "w0": [w.astype("float64").tolist() for w in w0],
               "grads": [], "weights": [], "states": []}
        for _ in range(7):
            grads = [rng.standard_normal(s).astype("float32") for s in shapes]
            rec["grads"].append([g.astype("float64").tolist() for g in grads])
            updater([0, 1], [mx.nd.array(g) for g in grads], weights)
            rec["weights"].append([w.asnumpy().astype("float64").tolist() for w in weights])
            rec["states"].append([None if updater.states[i] is None else
                                  updater.states[i].asnumpy().astype("float64").tolist()
                                  for i in (0, 1)])
        cases.append(rec)
    return cases


MAGIC = struct.pack("<I", 0xced7230a)
RECORDS = [b"record_0", b"", b"abc", b"x" * 13, MAGIC + b"head" + MAGIC + MAGIC + b"tail!",
           b"ab" + MAGIC + b"cd", b"end" + MAGIC]


def capture_recordio():
    path = os.path.join(OUT, "records.rec")
    w = mx.recordio.MXRecordIO(path, "w")
    for r in RECORDS:
        w.write(r)
    w.close()
    r = mx.recordio.MXRecordIO(path, "r")
    read = []
    while True:
        item = r.read()
        if item is None:
            break
        read.append(item.hex())
    r.close()
    packed = []
    headers = [(0, 3.5, 7, 0), (5, [1.0, 2.5, -3.0], 11, 2), (0, np.array([4, 5], "f"), 2**40, 1)]
    idx = mx.recordio.MXIndexedRecordIO(os.path.join(OUT, "indexed.idx"),
                                        os.path.join(OUT, "indexed.rec"), "w")
    tells = [idx.tell()]
    for k, h in enumerate(headers):
        s = mx.recordio.pack(mx.recordio.IRHeader(*h), b"payload%d" % k)
        packed.append(s.hex())
        idx.write_idx(10 * (k + 1), s)
        tells.append(idx.tell())
    idx.close()
    unpacked = []
    for s in packed:
        header, rest = mx.recordio.unpack(bytes.fromhex(s))
        label = header.label
        unpacked.append({"flag": int(header.flag),
                         "label": label.tolist() if isinstance(label, np.ndarray) else label,
                         "id": int(header.id), "id2": int(header.id2), "rest": rest.hex()})
    ds = gluon.data.RecordFileDataset(os.path.join(OUT, "indexed.rec"))
    return {"records": [r.hex() for r in RECORDS], "read": read, "packed": packed,
            "unpacked": unpacked, "tells": tells, "dataset": [ds[i].hex() for i in range(len(ds))],
            "dataset_len": len(ds)}


def capture_hybrid_random():
    """Whether a hybridized block draws new random numbers per call (F.random.*, zeros of
    the batch size for a new batch)."""
    class Noisy(gluon.HybridBlock):
        def hybrid_forward(self, F, x):
            return x + F.random.uniform(shape=(2, 3)) + F.zeros_like(x)

    blk = Noisy()
    blk.hybridize()
    mx.random.seed(3)
    a = blk(mx.nd.zeros((2, 3))).asnumpy()
    b = blk(mx.nd.zeros((2, 3))).asnumpy()
    return {"fresh_per_call": bool(not np.array_equal(a, b))}


def capture_pixel_shuffle():
    from mxnet.gluon.contrib.nn import PixelShuffle1D, PixelShuffle2D, PixelShuffle3D
    out = {}
    for name, layer, shape in [("1d", PixelShuffle1D(2), (1, 4, 3)),
                               ("2d", PixelShuffle2D((2, 3)), (1, 12, 2, 3)),
                               ("3d", PixelShuffle3D(2), (1, 16, 2, 1, 3))]:
        x = mx.nd.arange(int(np.prod(shape))).reshape(shape)
        out[name] = arr(layer(x))
    return out


def capture_center_crop():
    from mxnet.gluon.data.vision import transforms
    x = mx.nd.arange(7 * 6 * 2).reshape((7, 6, 2))
    return {"(3, 4)": arr(transforms.CenterCrop((3, 4))(x)),
            "5": arr(transforms.CenterCrop(5)(x))}


API = [("Block", "gluon.Block"), ("HybridBlock", "gluon.HybridBlock"),
       ("SymbolBlock", "gluon.SymbolBlock"), ("Parameter", "gluon.Parameter"),
       ("ParameterDict", "gluon.ParameterDict"), ("Constant", "gluon.Constant"),
       ("Trainer", "gluon.Trainer"), ("gluon", "gluon"), ("nn", "gluon.nn"),
       ("rnn", "gluon.rnn"), ("loss", "gluon.loss"), ("data", "gluon.data"),
       ("data.vision", "gluon.data.vision"), ("transforms", "gluon.data.vision.transforms"),
       ("init", "init"), ("optimizer", "optimizer"), ("utils", "gluon.utils"),
       ("recordio", "recordio"), ("contrib.nn", "gluon.contrib.nn"),
       ("model_zoo.vision", "gluon.model_zoo.vision")]


def capture_api():
    """Public names (dir() without underscores) of MXNet's Gluon classes and modules, and
    of each class in nn, rnn, loss and data."""
    def public(obj):
        return sorted(n for n in dir(obj) if not n.startswith("_"))

    def get(path):
        obj = mx
        for part in path.split("."):
            obj = getattr(obj, part)
        return obj
    out = {key: public(get(path)) for key, path in API}
    for key in ("nn", "rnn", "loss", "data"):
        module = get("gluon." + key)
        for name in public(module):
            if isinstance(getattr(module, name), type):
                out[key + "." + name] = public(getattr(module, name))
    return out


def main():
    with open(os.path.join(OUT, "api_dir.json"), "w") as f:
        json.dump(capture_api(), f, indent=0, sort_keys=True)
    data = {"center_crop": capture_center_crop(), "pixel_shuffle": capture_pixel_shuffle(),
            "save": capture_save(),
            "fused_rnn": capture_fused(), "lbsgd": capture_lbsgd(),
            "recordio": capture_recordio(), "hybrid_random": capture_hybrid_random()}
    with open(os.path.join(OUT, "features.json"), "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
