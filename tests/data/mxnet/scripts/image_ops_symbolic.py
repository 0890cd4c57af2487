"""The tensor operators of mx.nd.image / mx.sym.image as an image pipeline uses them:
to_tensor, normalize, the flips and the random flips. Values on small uint8 and float
images, symbols built with mx.sym.image (infer_shape / infer_type, eval, bind), a hybridized
transforms.Compose exported and loaded back with SymbolBlock.imports, gradients where MXNet
has them, mx.npx.image in NumPy mode, and the errors for bad shapes and mean/std lengths.

Flipped images have even heights and widths: MXNet 1.9.1 leaves the middle column (row) of
an odd-sized flip unwritten. Random flips print only whether the output is the input or
its flip, not which."""
import json
import re

import numpy as np
import mxnet as mx
from mxnet import autograd, gluon, nd
from mxnet.gluon.data.vision import transforms as T

mx.random.seed(0)
np.random.seed(0)

MEAN, STD = (0.1, 0.2, 0.3), (0.5, 0.25, 2.0)
PHRASES = re.compile(r"(Input (image|tensor) must.*|The (first|second|last) dimension.*|"
                     r"Invalid (mean|std) for.*)")


def error(label, fn):
    """The MXNet class caught and the message from its deterministic part on (MXNet puts a
    C++ traceback and the failed check's condition before it)."""
    try:
        fn()
        print(label, "no error")
    except mx.base.MXNetError as e:
        found = PHRASES.search(str(e))
        print(label, "MXNetError", found.group(0).strip() if found else "")
    except Exception as e:  # noqa: BLE001  (a user script printing what it got)
        print(label, type(e).__name__)


def flip_or_same(out, x, axis):
    """Whether `out` is `x` or `x` flipped along `axis` (not which)."""
    out, x = out.asnumpy(), x.asnumpy()
    return out.shape, bool((out == x).all() or (out == np.flip(x, axis)).all())


# ---------------------------------------------------------------- mx.nd.image values
img = nd.array((np.arange(2 * 4 * 3).reshape(2, 4, 3) * 11) % 256, dtype="uint8")
print("image", img.shape, img.dtype)
tensor = nd.image.to_tensor(img)
print("to_tensor", tensor.shape, tensor.dtype)
print(tensor)
batch = nd.array(np.arange(2 * 2 * 4 * 3).reshape(2, 2, 4, 3) * 5, dtype="uint8")
print("to_tensor batch", nd.image.to_tensor(batch).shape)
print(nd.image.to_tensor(batch)[1, 2])
for dtype in ("float32", "float64", "float16", "int32"):
    out = nd.image.to_tensor(img.astype(dtype))
    print("to_tensor of", dtype, out.dtype, out[0, 1].asnumpy())

print(nd.image.normalize(tensor, mean=MEAN, std=STD))
print(nd.image.normalize(tensor, mean=0.5, std=0.25)[2])
print(nd.image.normalize(tensor, mean=[0.5], std=(0.25,))[0, 0])
print(nd.image.normalize(nd.image.to_tensor(batch), MEAN, STD)[1, 0])
print(nd.image.normalize(tensor[:1], mean=0.5, std=2.0))
chw = img.transpose((2, 0, 1))
for dtype in ("uint8", "int8", "int32", "float16", "float64"):
    out = nd.image.normalize(chw.astype(dtype), mean=(100.0, 50.0, 0.5), std=(0.5, 3.0, 0.7))
    print("normalize of", dtype, out.dtype, out[:, 0].asnumpy().tolist())

gray = nd.array(np.arange(4 * 6).reshape(4, 6, 1) * 0.5)
print(nd.image.flip_left_right(img))
print(nd.image.flip_top_bottom(img))
print(nd.image.flip_left_right(gray)[:, :, 0])
print(nd.image.flip_top_bottom(gray)[:, :, 0])
print(nd.image.flip_left_right(img.astype("float16")).dtype)
for _ in range(4):
    print("random", flip_or_same(nd.image.random_flip_left_right(img), img, 1),
          flip_or_same(nd.image.random_flip_top_bottom(gray), gray, 0))

# ---------------------------------------------------------------- mx.sym.image
data = mx.sym.var("data")
pipeline = mx.sym.image.normalize(mx.sym.image.to_tensor(data), mean=MEAN, std=STD)
print(pipeline.list_arguments(), pipeline.list_outputs())
print(pipeline.infer_shape(data=(2, 4, 3)))
print(pipeline.infer_shape(data=(5, 2, 4, 3)))
print(pipeline.infer_type(data="uint8"))
print(mx.sym.image.to_tensor(data).infer_type(data="float64"))
print(mx.sym.image.normalize(data, mean=0.5, std=2.0).infer_type(data="float16"))
print([(n["op"], n["name"], n.get("attrs")) for n in json.loads(pipeline.tojson())["nodes"]])
print(mx.sym.image.normalize(data, 0.5, 2.0).tojson().count("_image_normalize"))
print(pipeline.eval(data=img)[0])
exe = pipeline.bind(mx.cpu(), {"data": batch})
print(exe.forward()[0][0, 1])
flips = mx.sym.Group([mx.sym.image.flip_left_right(data), mx.sym.image.flip_top_bottom(data)])
print(flips.infer_shape(data=(4, 6, 1)), flips.infer_type(data="float32")[1])
lr, tb = flips.eval(data=gray)
print(lr[:, :, 0], tb[:, :, 0])
coin = mx.sym.image.random_flip_left_right(data)
print(coin.infer_shape(data=(2, 4, 3)), coin.infer_type(data="uint8")[1])
for _ in range(3):
    print("sym random", flip_or_same(coin.eval(data=img)[0], img, 1))
print(sorted(n for n in dir(mx.sym.image) if not n.startswith("_")))

# ---------------------------------------------------------------- hybridized transforms
net = T.Compose([T.ToTensor(), T.Normalize(mean=MEAN, std=STD)])
print(len(net), type(net[0]).__name__)
print(net(img)[1])
net[0].export("pipeline")
doc = json.load(open("pipeline-symbol.json"))
print([n["op"] for n in doc["nodes"]])
print([n.get("attrs") for n in doc["nodes"] if n["op"] == "_image_normalize"])
back = gluon.SymbolBlock.imports("pipeline-symbol.json", ["data"])
print(back(img)[1])
print(back(batch).shape)

augment = gluon.nn.HybridSequential()
augment.add(T.RandomFlipLeftRight(), T.RandomFlipTopBottom(), T.ToTensor(),
            T.Normalize(0.5, 0.25))
augment.hybridize()
base = nd.image.normalize(nd.image.to_tensor(img), 0.5, 0.25).asnumpy()
variants = [np.flip(np.flip(base, 2) if lr else base, 1) if tb else
            (np.flip(base, 2) if lr else base) for lr in (0, 1) for tb in (0, 1)]
for _ in range(4):
    out = augment(img).asnumpy()
    print("augment", out.shape, any(np.allclose(out, v) for v in variants))
augment.export("augment")
print([n["op"] for n in json.load(open("augment-symbol.json"))["nodes"]])
loaded = gluon.SymbolBlock.imports("augment-symbol.json", ["data"])
out = loaded(img).asnumpy()
print("imported augment", out.shape, any(np.allclose(out, v) for v in variants))

# ---------------------------------------------------------------- gradients
x = nd.array(np.arange(3 * 2 * 4).reshape(3, 2, 4) * 0.1)
head = nd.array(np.arange(24).reshape(3, 2, 4) + 1.0)
x.attach_grad()
with autograd.record():
    y = nd.image.normalize(x, mean=MEAN, std=STD)
y.backward(head)
print("normalize grad", x.grad)
with autograd.record():
    y = nd.image.normalize(x.reshape((1, 3, 2, 4)), mean=0.5, std=0.25)
y.backward()
print("normalize batch grad", x.grad[1])
hwc = nd.array(np.arange(2 * 4 * 3).reshape(2, 4, 3) * 0.5)
hwc.attach_grad()
hwc_head = nd.array(np.arange(24).reshape(2, 4, 3) + 1.0)
# (the deterministic flips' gradients differ on purpose: MXNet passes the head unchanged,
# tapegraph flips it; tests/gluon/test_image_tensor_ops.py checks them)
for name in ("random_flip_left_right", "random_flip_top_bottom"):
    with autograd.record():
        y = getattr(nd.image, name)(hwc)
    y.backward(hwc_head)
    print(name, "grad", hwc.grad[:, :, 0])  # MXNet's gradient of the random flips: `_copy`


def to_tensor_backward():
    with autograd.record():
        y = nd.image.to_tensor(hwc)
    y.backward()


error("to_tensor backward", to_tensor_backward)
block = T.Normalize(mean=MEAN, std=STD)
block.hybridize()
with autograd.record():
    y = block(x)
y.backward(head)
print("hybridized normalize grad", x.grad[2])
args_grad = {"data": nd.zeros((3, 2, 4))}
exe = mx.sym.image.normalize(data, mean=MEAN, std=STD).bind(
    mx.cpu(), {"data": x}, args_grad=args_grad)
exe.forward(is_train=True)
exe.backward(head)
print("bound normalize grad", args_grad["data"][1])

# ---------------------------------------------------------------- mx.npx.image
mx.npx.set_np()
a = mx.np.array(img.asnumpy(), dtype="uint8")
print(mx.npx.image.to_tensor(a)[0])
print(mx.npx.image.normalize(mx.npx.image.to_tensor(a), mean=MEAN, std=STD)[2])
print(mx.npx.image.flip_left_right(a)[:, :, 0])
print(mx.npx.image.flip_top_bottom(a)[:, :, 0])
print("npx random", flip_or_same(mx.npx.image.random_flip_left_right(a), img, 1))
np_net = gluon.nn.HybridSequential()
np_net.add(T.RandomFlipTopBottom(), T.ToTensor(), T.Normalize(mean=MEAN, std=STD))
np_net.hybridize()
print(np_net(a).shape)
np_net.export("np_pipeline")
np_doc = json.load(open("np_pipeline-symbol.json"))
print([n["op"] for n in np_doc["nodes"]], np_doc["attrs"].get("is_np_shape"))
np_back = gluon.SymbolBlock.imports("np_pipeline-symbol.json", ["data"])
print(np_back(a).shape)
mx.npx.reset_np()

# ---------------------------------------------------------------- errors
error("to_tensor 2-d", lambda: nd.image.to_tensor(nd.zeros((2, 3))))
error("to_tensor 5-d", lambda: nd.image.to_tensor(nd.zeros((1, 1, 2, 3, 3))))
error("normalize 2-d", lambda: nd.image.normalize(nd.zeros((2, 3)), mean=0.5, std=1.0))
error("normalize 2 channels", lambda: nd.image.normalize(nd.zeros((2, 3, 3)), 0.5, 1.0))
error("normalize 4 channels", lambda: nd.image.normalize(nd.zeros((1, 4, 3, 3)), 0.5, 1.0))
error("mean of 2", lambda: nd.image.normalize(nd.zeros((3, 2, 2)), mean=(1, 2)))
error("std of 2", lambda: nd.image.normalize(nd.zeros((3, 2, 2)), mean=(1, 2, 3), std=(1, 2)))
error("mean of 3, one channel", lambda: nd.image.normalize(nd.zeros((1, 2, 2)),
                                                           mean=(0.5, 0.25, 0.125)))
error("normalize defaults", lambda: nd.image.normalize(nd.zeros((3, 2, 2))))
error("transforms mean", lambda: T.Normalize((0.1, 0.2), (1, 2))(tensor))
for name in ("flip_left_right", "flip_top_bottom", "random_flip_left_right",
             "random_flip_top_bottom"):
    fn = getattr(nd.image, name)
    error(name + " 2-d", lambda: fn(nd.zeros((2, 3))))
    error(name + " batch", lambda: fn(nd.zeros((2, 2, 4, 3))))
    error(name + " 2 channels", lambda: fn(nd.zeros((2, 4, 2))))
error("sym mean", lambda: mx.sym.image.normalize(data, mean=(1, 2)).infer_shape(
    data=(3, 4, 4)))
error("sym normalize 2-d", lambda: mx.sym.image.normalize(data, 0.5, 1.0).infer_shape(
    data=(4, 4)))
error("sym to_tensor", lambda: mx.sym.image.to_tensor(data).infer_shape(data=(4, 4)))
error("sym flip", lambda: mx.sym.image.flip_top_bottom(data).infer_shape(data=(1, 4, 4, 3)))
error("sym random flip", lambda: mx.sym.image.random_flip_left_right(data).infer_shape(
    data=(4, 4, 5)))
