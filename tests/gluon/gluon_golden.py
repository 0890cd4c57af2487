"""Run a Gluon block the way tools/capture_gluon_layers.py ran it in MXNet 1.9.1 and compare:
the same constructor text, the same parameter values (keyed by the name after the block's
prefix), forward under record, backward with the captured cotangents."""
import json
import os

import numpy as np

import tapegraph as mx
from tapegraph import autograd, gluon, nd
from tapegraph.gluon import nn, rnn

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "gluon_layers")
RTOL, ATOL = 1e-4, 1e-5


# Where MXNet 1.9.1's value is not what its own forward implies, tapegraph keeps the true
# derivative and these entries are checked against finite differences instead.
MXNET_DIFFERS = {
    ("selu", "input x"): "MXNet's SELU backward is lambda * (y + alpha) for x < 0, not the "
                         "derivative lambda * alpha * exp(x)",
    ("batchnorm_predict", "input x"): "MXNet's predict-mode BatchNorm backward is not the "
                                      "derivative of its forward (which uses running stats)",
    ("batchnorm_axis_last", "after gamma"): "MXNet's backward writes ones into a fixed "
                                            "gamma (scale=False); tapegraph leaves it alone",
}


def load(name):
    with open(os.path.join(DATA, name + ".json")) as f:
        return json.load(f)["cases"]


def decode(a, dtype=np.float32):
    return np.array(a["data"], dtype=dtype).reshape(a["shape"])


def close(got, want, what, rtol=RTOL, atol=ATOL):
    got = got.asnumpy() if hasattr(got, "asnumpy") else np.asarray(got)
    want = np.asarray(want)
    scale = max(1.0, float(np.abs(want).max())) if want.size else 1.0
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol * scale, err_msg=what)


def flat(outs):
    if isinstance(outs, (list, tuple)):
        return [o for x in outs for o in flat(x)]
    return [outs]


def seq_cell():
    net = rnn.SequentialRNNCell()
    with net.name_scope():
        net.add(rnn.LSTMCell(3, input_size=2))
        net.add(rnn.GRUCell(2, input_size=3))
    return net


def bi_cell():
    return rnn.BidirectionalCell(rnn.LSTMCell(3, input_size=2, prefix="l_"),
                                 rnn.GRUCell(2, input_size=2, prefix="r_"))


def residual_cell():
    return rnn.ResidualCell(rnn.GRUCell(2, input_size=2))


def hybrid_seq_cell():
    net = rnn.HybridSequentialRNNCell()
    with net.name_scope():
        net.add(rnn.RNNCell(3, input_size=2))
        net.add(rnn.LSTMCell(2, input_size=3))
    return net


ENV = {"nn": nn, "rnn": rnn, "gluon": gluon, "mx": mx, "seq_cell": seq_cell,
       "bi_cell": bi_cell, "residual_cell": residual_cell, "hybrid_seq_cell": hybrid_seq_cell}


def build(ctor):
    """Evaluate the captured constructor text in a fresh naming scope."""
    with mx.name.NameManager():
        return eval(ctor, ENV)


def suffixes(block):
    """Parameters by name after the block's prefix (a modifier cell's prefix is not its
    parameters' prefix: those keep their full names)."""
    return {name[len(block.prefix):] if name.startswith(block.prefix) else name: p
            for name, p in block.collect_params().items()}


def call_fn(name):
    """The captured ways of calling a recurrent block (see the capture script)."""
    def plain(b, *a):
        return b(*a)

    def with_states(b, x, *states):
        return b(x, list(states))

    def with_lengths(b, x, *rest):
        return b(x, list(rest[:-1]), rest[-1])

    def unroll_ntc_list(b, x):
        return b.unroll(x.shape[1], x, layout="NTC", merge_outputs=False)

    def unroll_valid(b, x, lengths):
        return b.unroll(x.shape[1], x, layout="NTC", merge_outputs=True, valid_length=lengths)

    def step_three_states(b, x, h, h2, c2):
        return b(x, [h, h2, c2])

    def unroll_ntc(b, x):
        return b.unroll(x.shape[1], x, layout="NTC", merge_outputs=True)

    def unroll_tnc_list(b, x, *states):
        return b.unroll(x.shape[0], x, begin_state=list(states), layout="TNC",
                        merge_outputs=False)

    return {None: plain, "both": with_states, "lstm_states": with_states,
            "cell_step": with_states, "unroll_ntc": unroll_ntc, "with_lengths": with_lengths,
            "unroll_ntc_list": unroll_ntc_list, "step_three_states": step_three_states,
            "unroll_valid": unroll_valid,
            "unroll_tnc_list": unroll_tnc_list}[name]


def input_order(case):
    """Inputs in call order: x first, then states h before c, then sequence lengths."""
    order = ["x", "h0", "c0", "h", "c", "h2", "c2", "lengths"]
    return [k for k in order if k in case["inputs"]]


def run_case(case, hybridize=False):
    """Build, initialise and run `case`; return (block, inputs, outputs)."""
    block = build(case["ctor"])
    if hybridize:
        block.hybridize()
    block.initialize()
    names = input_order(case)
    xs = {k: nd.array(decode(case["inputs"][k])) for k in names}
    call = call_fn(case.get("call"))
    call(block, *[xs[k] for k in names])  # completes deferred initialisation
    params = suffixes(block)
    for suffix, spec in case["params"].items():
        params[suffix].set_data(nd.array(decode(spec["value"])))
    if not case["heads"]:  # captured forward only (MXNet cannot train it on CPU)
        return block, xs, flat(call(block, *[xs[k] for k in names]))
    for k in names:
        if case["inputs"][k]["kind"] == "float":
            xs[k].attach_grad()
    with autograd.record(train_mode=case["train"]):
        outs = flat(call(block, *[xs[k] for k in names]))
    # A cell returns its output twice (as output and as state); MXNet's backward keeps the
    # cotangent of the last occurrence of a repeated head, so only that one is passed.
    last = {id(o): i for i, o in enumerate(outs)}
    heads = [decode(h) if last[id(o)] == i else np.zeros(o.shape, np.float32)
             for i, (o, h) in enumerate(zip(outs, case["heads"]))]
    autograd.backward(outs, [nd.array(h) for h in heads])
    return block, xs, outs


def check_case(case, hybridize=False):
    block, xs, outs = run_case(case, hybridize)
    assert len(outs) == len(case["outputs"])
    for i, (got, want) in enumerate(zip(outs, case["outputs"])):
        assert got.shape == tuple(want["shape"]), ("output %d" % i, got.shape, want["shape"])
        close(got, decode(want), "%s: output %d" % (case["id"], i))
    for k, want in case["input_grads"].items():
        if (case["id"], "input " + k) in MXNET_DIFFERS:
            continue
        close(xs[k].grad, decode(want), "%s: gradient of input %s" % (case["id"], k))
    params = suffixes(block)
    for suffix, want in case["param_grads"].items():
        close(params[suffix].grad(), decode(want), "%s: gradient of %s" % (case["id"], suffix))
    for suffix, want in case["params_after"].items():
        if (case["id"], "after " + suffix) in MXNET_DIFFERS:
            continue
        close(params[suffix].data(), decode(want), "%s: %s after" % (case["id"], suffix))
    return block
