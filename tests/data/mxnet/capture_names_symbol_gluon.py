import json, importlib
mods = ["mxnet.symbol", "mxnet.symbol.contrib", "mxnet.symbol.random", "mxnet.symbol.linalg", "mxnet.gluon", "mxnet.gluon.nn", "mxnet.gluon.rnn", "mxnet.gluon.loss",
        "mxnet.gluon.data", "mxnet.gluon.data.vision", "mxnet.gluon.data.vision.transforms",
        "mxnet.gluon.utils", "mxnet.gluon.model_zoo.vision", "mxnet.initializer", "mxnet.init",
        "mxnet.optimizer", "mxnet.lr_scheduler", "mxnet.gluon.contrib.nn", "mxnet.gluon.parameter", "mxnet.gluon.block", "mxnet.gluon.trainer"]
out = {}
for m in mods:
    try:
        mod = importlib.import_module(m)
    except Exception as e:
        out[m] = "ERR " + str(e); continue
    out[m] = sorted(n for n in dir(mod) if not n.startswith("_"))
print(json.dumps(out))
