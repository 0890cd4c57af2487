"""Sampling operators in hybridized blocks, against Apache MXNet 1.9.1.

    /tmp/mxnet-oracle/bin/python tools/capture_random_ir.py capture
    .venv/bin/python tools/capture_random_ir.py write DIR
    /tmp/mxnet-oracle/bin/python tools/capture_random_ir.py check DIR

`capture` writes tests/data/mxnet/random_ir/mxnet.json: the JSON of `symbols()` (mx.sym.random
expressions), the symbol JSON MXNet's
`HybridBlock.export` writes for the blocks of `blocks()` (F.random.uniform/normal with
scalar parameters, multinomial(get_prob=True) of a softmax, F.sample_normal, and every
other sampler with scalar and array parameters and the *_like ones, and the random image
operators of mx.sym.image, colour and flips), and gradients: of
sum(w * logp) with respect to x through p = x / sum(x) (rows with one non-zero
probability, so the draw is certain), of a sample with respect to its parameters, and of
a sample-times-parameter product.
`capture` also exports `np_block()` (mx.np samplers, np mode) and records
np.random.normal's reparameterised gradient. `write` exports the same blocks with
tapegraph into DIR; `check` loads those files with
MXNet's `SymbolBlock.imports`, runs them and writes tests/data/mxnet/random_ir/import.json
(output shapes and dtypes, and the certain multinomial draws and log-probabilities).
"""
import json
import os
import sys

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "mxnet", "random_ir")
X = [[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]]
# Blocks MXNet 1.9.1 cannot run hybridized: its CachedOp derives a backward graph at once,
# and _shuffle has no gradient ("Operator _shuffle is non-differentiable"). tapegraph runs
# and exports them; `check` evaluates the export with a bound executor (no gradient).
NOT_HYBRIDIZABLE_IN_MXNET = ("shuffle",)
CERTAIN = [[0.0, 2.0, 0.0], [0.0, 0.0, 5.0]]  # one non-zero probability per row
# a (height, width, RGB) image for the random image operators
IMAGE = [[[5.0, 15.0, 25.0], [35.0, 45.0, 55.0], [65.0, 75.0, 85.0]],
         [[95.0, 105.0, 115.0], [125.0, 135.0, 145.0], [155.0, 165.0, 175.0]]]


def blocks(gluon):
    """name -> (block, its input)."""
    class Scalar(gluon.HybridBlock):
        def hybrid_forward(self, F, x):
            return (x * F.random.uniform(low=-1, high=2, shape=(2, 3))
                    + F.random.normal(loc=0.5, scale=2, shape=(2, 3)))

    class Reinforce(gluon.HybridBlock):
        def hybrid_forward(self, F, x):
            s, logp = F.random.multinomial(F.softmax(x), get_prob=True)
            return s, logp

    class SampleNormal(gluon.HybridBlock):
        def hybrid_forward(self, F, x):
            return F.sample_normal(mu=x, sigma=F.ones_like(x) * 2, shape=(3,))

    class Many(gluon.HybridBlock):
        def hybrid_forward(self, F, x):
            return (F.random.normal(loc=x, scale=F.ones_like(x)) + F.random.uniform(x, x + 1)
                    + F.random.exponential(scale=2, shape=(2, 3))
                    + F.random.gamma(alpha=2, beta=3, shape=(2, 3))
                    + F.random.poisson(lam=3, shape=(2, 3))
                    + F.random.randint(0, 5, shape=(2, 3)).astype("float32")
                    + F.random.uniform_like(x) + F.random.normal_like(x, loc=1, scale=2))

    class Certain(gluon.HybridBlock):
        def hybrid_forward(self, F, x):
            p = F.broadcast_div(x, F.sum(x, axis=-1, keepdims=True))
            s, logp = F.random.multinomial(p, shape=(2,), get_prob=True)
            return s, logp

    class Rest(gluon.HybridBlock):  # every other sampler (array parameters, *_like)
        def hybrid_forward(self, F, x):
            a = F.abs(x) + 1
            return (F.random.exponential_like(x) + F.random.gamma_like(x)
                    + F.random.generalized_negative_binomial(mu=2, alpha=0.5, shape=(2, 3))
                    + F.random.generalized_negative_binomial_like(x)
                    + F.random.negative_binomial(k=3, p=0.4, shape=(2, 3))
                    + F.random.negative_binomial_like(x) + F.random.poisson_like(x)
                    + F.random.exponential(scale=a) + F.random.gamma(a, a)
                    + F.random.generalized_negative_binomial(a, a)
                    + F.random.negative_binomial(a, F.sigmoid(x)) + F.random.poisson(a))

    class Shuffle(gluon.HybridBlock):
        def hybrid_forward(self, F, x):
            return F.random.shuffle(x) * 2

    class ImageNoise(gluon.HybridBlock):  # the random image operators (mx.sym.image)
        def hybrid_forward(self, F, x):
            x = F.image.random_brightness(x, min_factor=0.5, max_factor=1.5)
            x = F.image.random_contrast(x, min_factor=0.5, max_factor=1.5)
            x = F.image.random_saturation(x, min_factor=0.5, max_factor=1.5)
            x = F.image.random_hue(x, min_factor=0.0, max_factor=0.1)
            x = F.image.random_color_jitter(x, brightness=0.2, contrast=0.2, saturation=0.2,
                                            hue=0.1)
            return F.image.random_lighting(x, alpha_std=0.05)

    class ImageFlips(gluon.HybridBlock):  # the random flips of mx.sym.image
        def hybrid_forward(self, F, x):
            return F.image.random_flip_top_bottom(F.image.random_flip_left_right(x))

    return {"scalar": Scalar(), "reinforce": Reinforce(), "sample_normal": SampleNormal(),
            "many": Many(), "certain": Certain(), "rest": Rest(), "shuffle": Shuffle(),
            "image": ImageNoise(), "flips": ImageFlips()}


def np_block(gluon):
    """A block of mx.np samplers (run in np mode): numbers and an array parameter."""
    class NpNoise(gluon.HybridBlock):
        def hybrid_forward(self, F, x):
            return (x + F.np.random.uniform(size=(3,))
                    + F.np.random.normal(1.0, 2.0, size=(3,)) + F.np.random.normal(x, 1.0))
    return NpNoise()


NP_X = [0.0, 1.0, 2.0]


def symbols(sym):
    """name -> an mx.sym.random expression of the variable `data`."""
    x = sym.var("data")
    return {"uniform": sym.random.uniform(-1, 2, shape=(2, 3)),
            "normal_of_symbols": sym.random.normal(x, x + 1),
            "sample_normal": sym.sample_normal(mu=x, sigma=x, shape=(3,)),
            "multinomial": sym.random.multinomial(sym.softmax(x), get_prob=True),
            "exponential": sym.random.exponential(scale=2, shape=(2,)),
            "exponential_like": sym.random.exponential_like(x, lam=2),
            "randint": sym.random.randint(0, 5, shape=(2,)),
            "gamma_of_symbols": sym.random.gamma(x, x, shape=(2,))}


def inputs(name):
    return {"certain": CERTAIN, "image": IMAGE, "flips": IMAGE}.get(name, X)


def capture():
    import mxnet as mx
    from mxnet import autograd, gluon
    os.makedirs(OUT, exist_ok=True)
    mx.random.seed(0)
    exports = {}
    for name, blk in blocks(gluon).items():
        if name in NOT_HYBRIDIZABLE_IN_MXNET:
            continue
        blk.hybridize()
        blk(mx.nd.array(inputs(name)))
        path = os.path.join("/tmp", "random_ir_" + name)
        blk.export(path)
        exports[name] = json.load(open(path + "-symbol.json"))
    x = mx.nd.array(CERTAIN)
    x.attach_grad()
    w = mx.nd.array([[1.0, 2.0], [3.0, 4.0]])
    with autograd.record():
        p = x / x.sum(axis=-1, keepdims=True)
        s, logp = mx.nd.random.multinomial(p, get_prob=True, shape=(2,))
        loss = (logp * w).sum()
    loss.backward()
    certain = {"x": CERTAIN, "w": w.asnumpy().tolist(), "sample": s.asnumpy().tolist(),
               "logp": logp.asnumpy().tolist(), "grad_x": x.grad.asnumpy().tolist()}
    blk = blocks(gluon)["certain"]
    blk.hybridize()
    with autograd.record():
        s, logp = blk(x)
        loss = (logp * w).sum()
    loss.backward()
    certain["hybrid_grad_x"] = x.grad.asnumpy().tolist()
    mu = mx.nd.array([0.0, 1.0])
    mu.attach_grad()
    with autograd.record():
        y = mx.nd.random.normal(mu, mx.nd.ones((2,)), shape=(3,))
    y.backward()
    sample_grad = mu.grad.asnumpy().tolist()
    with autograd.record():
        y = mx.nd.random.uniform(mu, mu + 1)
        z = (y * mu).sum()
    z.backward()
    product = {"y": y.asnumpy().tolist(), "grad_mu": mu.grad.asnumpy().tolist()}
    syms = {k: json.loads(v.tojson()) for k, v in symbols(mx.sym).items()}
    mx.npx.set_np()
    blk = np_block(gluon)
    blk.hybridize()
    blk(mx.np.array(NP_X))
    blk.export("/tmp/random_ir_np")
    exports["np"] = json.load(open("/tmp/random_ir_np-symbol.json"))
    loc, scale = mx.np.array([0.0, 1.0]), mx.np.array([1.0, 2.0])
    loc.attach_grad()
    scale.attach_grad()
    with autograd.record():
        y = mx.np.random.normal(loc, scale)
    y.backward()
    np_normal = {"loc": [0.0, 1.0], "scale": [1.0, 2.0], "y": y.asnumpy().tolist(),
                 "grad_loc": loc.grad.asnumpy().tolist(),
                 "grad_scale": scale.grad.asnumpy().tolist()}
    with autograd.record():
        y = mx.np.random.uniform(loc, scale + 1)
    y.backward()
    np_normal["uniform_grad_loc"] = loc.grad.asnumpy().tolist()
    mx.npx.reset_np()
    report = {"exports": exports, "multinomial_certain": certain, "symbols": syms,
              "np_normal": np_normal,
              "sample_normal_grad_mu": sample_grad, "uniform_times_mu": product}
    with open(os.path.join(OUT, "mxnet.json"), "w") as f:
        json.dump(report, f, indent=1, sort_keys=True)


def write(out):
    import tapegraph as mx
    from tapegraph import gluon
    os.makedirs(out, exist_ok=True)
    with mx.name.NameManager():  # (block prefixes as in a fresh process: their node names)
        made = blocks(gluon)
    for name, blk in made.items():
        blk.hybridize()
        blk(mx.nd.array(inputs(name)))
        blk.export(os.path.join(out, name))
    mx.npx.set_np()
    try:
        with mx.name.NameManager():
            blk = np_block(gluon)
        blk.hybridize()
        blk(mx.np.array(NP_X))
        blk.export(os.path.join(out, "np"))
    finally:
        mx.npx.reset_np()


def check(out):
    import mxnet as mx
    report = {}
    for name in blocks(mx.gluon):
        path = os.path.join(out, name + "-symbol.json")
        params = os.path.join(out, name + "-0000.params")
        if name in NOT_HYBRIDIZABLE_IN_MXNET:
            exe = mx.sym.load(path).simple_bind(mx.cpu(), grad_req="null",
                                                data=(len(X), len(X[0])))
            res = exe.forward(is_train=False, data=mx.nd.array(inputs(name)))
        else:
            blk = mx.gluon.SymbolBlock.imports(path, ["data"], params)
            res = blk(mx.nd.array(inputs(name)))
        res = res if isinstance(res, (list, tuple)) else [res]
        entry = {"shapes": [list(r.shape) for r in res], "dtypes": [str(r.dtype) for r in res],
                 "json": json.load(open(path))}
        if name == "certain":
            entry["values"] = [r.asnumpy().tolist() for r in res]
        if name == "shuffle":  # rows permuted: each output row is 2 * some input row
            entry["rows"] = sorted(r for r in res[0].asnumpy().tolist())
        report[name] = entry
    mx.npx.set_np()
    path = os.path.join(out, "np-symbol.json")
    blk = mx.gluon.SymbolBlock.imports(path, ["data"], os.path.join(out, "np-0000.params"))
    res = blk(mx.np.array(NP_X))
    report["np"] = {"shapes": [list(res.shape)], "dtypes": [str(res.dtype)],
                    "json": json.load(open(path))}
    mx.npx.reset_np()
    with open(os.path.join(OUT, "import.json"), "w") as f:
        json.dump(report, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "capture":
        capture()
    else:
        {"write": write, "check": check}[mode](sys.argv[2])
