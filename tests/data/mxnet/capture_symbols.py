#!/usr/bin/env python
"""Capture MXNet 1.9.1 symbol exports into symbols_golden.json.

Run under the MXNet oracle venv (never from the test suite):

    /tmp/mxnet-oracle/bin/python tests/data/mxnet/capture_symbols.py

Two kinds of entries:

* ``recorded``: an imperative program run under ``autograd.record()``; we keep
  ``autograd.get_symbol(y).tojson()`` verbatim plus list_arguments / list_outputs /
  list_auxiliary_states / debug_str.
* ``symbolic``: a graph written with ``mx.sym``; we keep ``tojson()`` (identical to the
  file ``Symbol.save`` writes), the lists, debug_str, ``infer_shape`` for the given input
  shapes, and the outputs of evaluating it on the given inputs, so a loader can be tested
  on files MXNet writes.

MXNet names recorded nodes (var0, node_0, ...) and symbol nodes (_mul0, _plusscalar0,
...) from process-global counters, so every program is captured in a fresh interpreter:
the names are those a fresh process produces.
"""
from __future__ import print_function

import json
import os
import re
import subprocess
import sys
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_FILE = os.path.join(HERE, "symbols_golden.json")
SYM_DIR = os.path.join(HERE, "symbols")  # <id>-symbol.json files written by MXNet

# Inputs of recorded programs: name -> shape (float32, fixed RandomState per program).
RECORDED = [
    ("poly", "nd", {"x": (3,)}, "y = x * x + 2 * x - 1"),
    ("exp_plus_x", "nd", {"x": (3,)}, "y = mx.nd.exp(x) + x"),
    ("mlp_layer", "nd", {"x": (2, 3), "w": (4, 3), "b": (4,)},
     "y = mx.nd.Activation(mx.nd.FullyConnected(x, w, b, num_hidden=4), act_type='relu')"),
    ("split_mul", "nd", {"x": (2, 4)},
     "p = mx.nd.split(x, num_outputs=2, axis=1)\ny = p[0] * p[1]"),
    ("split_second_output", "nd", {"x": (2, 4)},
     "p = mx.nd.split(x, num_outputs=2, axis=1)\ny = p[1]"),
    ("two_inputs", "nd", {"x": (2, 3), "z": (2, 3)},
     "y = mx.nd.maximum(x * z, z / 2) - mx.nd.sum(x, axis=1, keepdims=True)"),
    ("getitem_dot", "nd", {"x": (3, 4), "w": (4, 2)},
     "y = mx.nd.dot(x[0:2], w).T.reshape((4,)).sum()"),
    ("softmax_ce", "nd", {"x": (2, 3)},
     "y = -mx.nd.pick(mx.nd.log_softmax(x), mx.nd.array([0, 2]), axis=1).mean()",
     {"args": "[x, mx.nd.array([0, 2])]"}),
    ("batchnorm_train", "nd", {"x": (2, 3), "gamma": (3,), "beta": (3,)},
     "y = mx.nd.BatchNorm(x, gamma, beta, mx.nd.zeros(3), mx.nd.ones(3), fix_gamma=False)",
     {"args": "[x, gamma, beta]", "aux": "[mx.nd.zeros(3), mx.nd.ones(3)]", "is_train": True}),
    ("concat_stack", "nd", {"a": (2, 3), "b": (2, 3)},
     "y = mx.nd.stack(mx.nd.concat(a, b, dim=1), mx.nd.concat(b, a, dim=1)).clip(-1, 1)"),
    ("np_program", "np", {"a": (2, 3), "b": (3, 2)},
     "y = mx.np.sum(mx.npx.relu(mx.np.matmul(a, b)) * 2 - 1, axis=0) + mx.np.exp(a).mean()"),
    ("np_elementwise", "np", {"a": (3,)}, "y = a * a + 2 * a - 1"),
    ("grad_graph_poly", "nd", {"x": (3,)},
     "t = x * x + 2 * x - 1\ny = mx.autograd.grad(t, [x], create_graph=True, retain_graph=True)[0]",
     {"args": "[mx.nd.ones((3,)), x]"}),
    ("grad_graph_exp", "nd", {"x": (3,)},
     "t = mx.nd.exp(x) * x\ny = mx.autograd.grad(t, [x], create_graph=True, retain_graph=True)[0]",
     {"args": "[mx.nd.ones((3,)), x]"}),
]

# Symbolic programs: code builds `sym`; args: name -> shape; aux: name -> shape (BatchNorm).
SYMBOLIC = [
    ("affine", "x = mx.sym.var('x')\nsym = x * 2 + 1", {"x": (4,)}, {}),
    ("poly", "x = mx.sym.var('x')\nsym = x * x + 2 * x - 1", {"x": (3,)}, {}),
    ("mlp_softmax",
     "data = mx.sym.var('data')\n"
     "h = mx.sym.FullyConnected(data, num_hidden=8, name='fc1')\n"
     "h = mx.sym.Activation(h, act_type='relu', name='relu1')\n"
     "h = mx.sym.FullyConnected(h, num_hidden=3, name='fc2')\n"
     "sym = mx.sym.softmax(h, name='out')",
     {"data": (2, 5), "fc1_weight": (8, 5), "fc1_bias": (8,), "fc2_weight": (3, 8), "fc2_bias": (3,)}, {}),
    ("mlp_softmax_output",
     "data = mx.sym.var('data')\n"
     "h = mx.sym.FullyConnected(data, num_hidden=4, name='fc1')\n"
     "h = mx.sym.Activation(h, act_type='tanh', name='tanh1')\n"
     "h = mx.sym.FullyConnected(h, num_hidden=3, name='fc2')\n"
     "sym = mx.sym.SoftmaxOutput(h, name='softmax')",
     {"data": (2, 5), "fc1_weight": (4, 5), "fc1_bias": (4,), "fc2_weight": (3, 4), "fc2_bias": (3,),
      "softmax_label": (2,)}, {}),
    ("batchnorm",
     "data = mx.sym.var('data')\n"
     "sym = mx.sym.BatchNorm(data, fix_gamma=False, eps=1e-3, name='bn')",
     {"data": (2, 3, 2, 2), "bn_gamma": (3,), "bn_beta": (3,)},
     {"bn_moving_mean": (3,), "bn_moving_var": (3,)}),
    ("conv_pool_fc",
     "data = mx.sym.var('data')\n"
     "c = mx.sym.Convolution(data, kernel=(3, 3), num_filter=2, pad=(1, 1), name='conv')\n"
     "a = mx.sym.Activation(c, act_type='relu')\n"
     "p = mx.sym.Pooling(a, kernel=(2, 2), stride=(2, 2), pool_type='max', name='pool')\n"
     "f = mx.sym.Flatten(p)\n"
     "sym = mx.sym.FullyConnected(f, num_hidden=3, name='fc')",
     {"data": (1, 1, 4, 4), "conv_weight": (2, 1, 3, 3), "conv_bias": (2,), "fc_weight": (3, 8), "fc_bias": (3,)},
     {}),
    ("split_group",
     "x = mx.sym.var('x')\n"
     "p = mx.sym.split(x, num_outputs=2, axis=1, name='sp')\n"
     "sym = mx.sym.Group([p[0] * p[1], mx.sym.sum(p[1], axis=0)])",
     {"x": (2, 4)}, {}),
    ("shape_ops",
     "x = mx.sym.var('x')\n"
     "r = mx.sym.reshape(x, shape=(0, -1))\n"
     "t = mx.sym.transpose(r)\n"
     "sym = mx.sym.sum(mx.sym.exp(t), axis=1, keepdims=True)",
     {"x": (2, 3, 2)}, {}),
    ("var_attrs",
     "x = mx.sym.var('x', shape=(2, 3), dtype='float32', lr_mult=2.0)\n"
     "y = mx.sym.var('y', init=mx.init.Zero())\n"
     "sym = mx.sym.broadcast_add(x, y, name='sum')",
     {"x": (2, 3), "y": (1, 3)}, {}),
    ("embedding",
     "idx = mx.sym.var('idx')\n"
     "sym = mx.sym.Embedding(idx, input_dim=4, output_dim=2, name='emb')",
     {"idx": (3,), "emb_weight": (4, 2)}, {}),
    ("lrn_crop",
     "data = mx.sym.var('data')\n"
     "n = mx.sym.LRN(data, nsize=3, alpha=0.01, beta=0.5, knorm=1.5, name='norm')\n"
     "sym = mx.sym.Crop(n, offset=(1, 0), h_w=(2, 3), name='crop')",
     {"data": (2, 5, 4, 4)}, {}),
    ("like_ops",
     "a = mx.sym.var('a')\n"
     "b = mx.sym.var('b')\n"
     "c = mx.sym.var('c')\n"
     "x = mx.sym.broadcast_like(a, b) + mx.sym.broadcast_axis(c, axis=0, size=2)\n"
     "y = mx.sym.slice_like(b, a, axes=(1,))\n"
     "z = mx.sym.reshape_like(mx.sym.broadcast_plus(x, b), mx.sym.identity(b))\n"
     "w = mx.sym.broadcast_logical_and(b, c) + mx.sym.logical_not(x) + mx.sym.broadcast_mod(b, c + 3)\n"
     "sym = mx.sym.Group([z, y, w, mx.sym.sum_axis(b, axis=1), mx.sym.maximum(b, 0.5), mx.sym.power(2.0, c), mx.sym.hypot(b, x), mx.sym.minimum(b, x)])",
     {"a": (1, 3), "b": (2, 3), "c": (1, 3)}, {}),
    ("composed_ops",
     "d = mx.sym.var('d')\n"
     "s2d = mx.sym.space_to_depth(mx.sym.depth_to_space(d, block_size=2), block_size=2)\n"
     "sym = mx.sym.Group([mx.sym.softmin(d, axis=1), mx.sym.argmax_channel(d), s2d,\n"
     "                    mx.sym.nansum(d, axis=1), mx.sym.nanprod(d, axis=(0, 2)), mx.sym.nansum(d)])",
     {"d": (2, 8, 2, 3)}, {}),
    ("softmax_ce_activation",
     "d = mx.sym.var('d')\n"
     "l = mx.sym.var('l')\n"
     "c = mx.sym.var('c')\n"
     "sym = mx.sym.Group([mx.sym.softmax_cross_entropy(d, l), mx.sym.SoftmaxActivation(d),\n"
     "                    mx.sym.SoftmaxActivation(c, mode='channel'), mx.sym.SoftmaxActivation(c)])",
     {"d": (2, 3), "l": (2,), "c": (2, 3, 2)}, {}),
    ("crop_like_centre",
     "data = mx.sym.var('data')\n"
     "like = mx.sym.var('like')\n"
     "sym = mx.sym.Crop(data, like, num_args=2, center_crop=True, name='crop')",
     {"data": (1, 2, 5, 6), "like": (1, 1, 2, 3)}, {}),
    # (both outputs of each moments used: MXNet 1.9.1's executor computes E[x^2] as the
    # variance when the mean output is not used by anything)
    ("index_moments",
     "d = mx.sym.var('d')\n"
     "i = mx.sym.var('i')\n"
     "v = mx.sym.var('v')\n"
     "g = mx.sym.gather_nd(d, mx.sym.argsort(i) - 1)\n"
     "s = mx.sym.scatter_nd(v, mx.sym.argsort(i, axis=1), shape=(3, 3, 2))\n"
     "m = mx.sym.moments(d, axes=(0, 2))\n"
     "k = mx.sym.moments(v, axes=(1,), keepdims=True)\n"
     "sym = mx.sym.Group([g, s, m[0], m[1] * 2, k[1], k[0], mx.sym.diag(d, k=1, axis1=0, axis2=1)])",
     {"d": (3, 4, 2), "i": (2, 3), "v": (3, 2)}, {}),
    ("split_diag_khatri_rao",
     "a = mx.sym.var('a')\n"
     "c = mx.sym.var('c')\n"
     "p = mx.sym.split_v2(a, (1, 3), axis=1)\n"
     "q = mx.sym.split_v2(a, 3, squeeze_axis=True)\n"
     "sym = mx.sym.Group([p[0], p[2] + 1, q[1], mx.sym.diag(a, k=1), mx.sym.diag(c, k=-1),\n"
     "                    mx.sym.khatri_rao(a, a * 2, c.reshape((1, 4))), mx.sym.shape_array(a),\n"
     "                    mx.sym.size_array(c)])",
     {"a": (3, 4), "c": (4,)}, {}),
]


def rand_array(key, shape):
    rs = np.random.RandomState(zlib.crc32(key.encode()) & 0x7FFFFFFF)
    return rs.uniform(-1, 1, size=shape).astype(np.float32)


def fnum(v):
    return float(str(np.float32(v)))


def arr_dict(a):
    a = np.asarray(a)
    if a.dtype.kind == "f":
        data = [None if np.isnan(v) else ("inf" if v == np.inf else ("-inf" if v == -np.inf else fnum(v)))
                for v in a.reshape(-1)]
        if a.dtype == np.float64:
            data = [float(v) for v in a.reshape(-1)]
    else:
        data = [int(v) for v in a.reshape(-1)]
    return {"shape": list(a.shape), "dtype": str(a.dtype), "data": data}


def err_key(e):
    """The informative line of an MXNet message: the line that starts with
    'MXNetError: ' (prefix dropped), else the first line that is not part of the C++
    traceback header.  Log timestamps are replaced by [HH:MM:SS]."""
    return message_key(str(e)) or type(e).__name__


def scrub(msg):
    return re.sub(r"\[\d\d:\d\d:\d\d\]", "[HH:MM:SS]", msg)


def message_key(msg):
    lines = [l.strip() for l in scrub(msg).strip().splitlines() if l.strip()]
    for l in lines:
        if l.startswith("MXNetError: "):
            return l[len("MXNetError: "):]
    keep = [l for l in lines if not l.startswith(("Traceback", "File ", "[bt]", "Stack trace"))]
    return (keep or lines or [""])[0]


def sym_info(sym):
    return {
        "json": sym.tojson(),
        "list_arguments": sym.list_arguments(),
        "list_outputs": sym.list_outputs(),
        "list_auxiliary_states": sym.list_auxiliary_states(),
        "debug_str": sym.debug_str(),
    }


def one_recorded(spec):
    import mxnet as mx
    pid, ns, shapes, code = spec[:4]
    if ns == "np":
        mx.npx.set_np()
    mod = mx.np if ns == "np" else mx.nd
    inputs = {n: rand_array("rec/%s/%s" % (pid, n), s) for n, s in shapes.items()}
    env = {"mx": mx}
    for n, v in inputs.items():
        a = mod.array(v, dtype="float32")
        a.attach_grad()
        env[n] = a
    with mx.autograd.record():
        exec(code, env)
    y = env["y"]
    rec = {"id": pid, "kind": "recorded", "namespace": ns, "code": code,
           "inputs": {n: arr_dict(v) for n, v in inputs.items()},
           "input_order": list(shapes), "output": arr_dict(y.asnumpy())}
    sym = mx.autograd.get_symbol(y)
    rec.update(sym_info(sym))
    # Can MXNet evaluate its own export?  Arguments are bound in list_arguments order:
    # by default the inputs in `input_order`; `bind` overrides with expressions.
    bind = spec[4] if len(spec) > 4 else {}
    rec["reload_bind"] = dict({"args": "[%s]" % ", ".join(shapes)}, **bind)
    try:
        loaded = mx.sym.load_json(rec["json"])
        benv = {"mx": mx}
        benv.update({n: mx.nd.array(v) for n, v in inputs.items()})
        vals = eval(rec["reload_bind"]["args"], benv)
        auxv = eval(bind.get("aux", "[]"), benv)
        exe = loaded.bind(mx.cpu(), args=dict(zip(loaded.list_arguments(), vals)),
                          aux_states=dict(zip(loaded.list_auxiliary_states(), auxv)) or None)
        res = exe.forward(is_train=bind.get("is_train", False))
        rec["reload_eval"] = [arr_dict(r.asnumpy()) for r in res]
        rec["reload_eval_matches_output"] = bool(np.allclose(res[0].asnumpy(), y.asnumpy(), rtol=1e-5, atol=1e-6))
    except Exception as e:  # noqa: BLE001
        rec["reload_eval"] = {"error": err_key(e), "error_type": type(e).__name__}
    return rec


def one_symbolic(spec):
    import mxnet as mx
    sid, code, args, aux = spec
    env = {"mx": mx}
    exec(code, env)
    sym = env["sym"]
    rec = {"id": sid, "kind": "symbolic", "code": code}
    rec.update(sym_info(sym))
    path = "/tmp/_tg_capture_%s-symbol.json" % sid
    sym.save(path)
    with open(path) as f:
        text = f.read()
    os.remove(path)
    rec["save_equals_tojson"] = text == rec["json"]
    arg_vals = {}
    for n, s in args.items():
        v = rand_array("sym/%s/%s" % (sid, n), s)
        if n in ("idx", "softmax_label"):
            v = np.array([1, 3, 0][: s[0]] if n == "idx" else [2, 0][: s[0]], dtype=np.float32)
        arg_vals[n] = v
    aux_vals = {}
    for n, s in aux.items():
        v = rand_array("sym/%s/%s" % (sid, n), s)
        aux_vals[n] = np.abs(v) + 0.5 if "var" in n else v
    rec["args"] = {n: arr_dict(v) for n, v in arg_vals.items()}
    rec["aux_states"] = {n: arr_dict(v) for n, v in aux_vals.items()}
    arg_shapes, out_shapes, aux_shapes = sym.infer_shape(**{n: v.shape for n, v in arg_vals.items()})
    rec["infer_shape"] = {"arg_shapes": [list(s) for s in arg_shapes],
                          "out_shapes": [list(s) for s in out_shapes],
                          "aux_shapes": [list(s) for s in aux_shapes]}
    # Evaluate the symbol as loaded back from its own JSON (what a loader test needs).
    loaded = mx.sym.load_json(rec["json"])
    exe = loaded.bind(mx.cpu(), args={n: mx.nd.array(v) for n, v in arg_vals.items()},
                      aux_states={n: mx.nd.array(v) for n, v in aux_vals.items()} or None)
    outs = exe.forward(is_train=False)
    rec["eval_method"] = "mx.sym.load_json(json).bind(mx.cpu(), args, aux_states).forward(is_train=False)"
    rec["eval"] = [arr_dict(o.asnumpy()) for o in outs]
    if not aux:
        res = loaded.eval(ctx=mx.cpu(), **{n: mx.nd.array(v) for n, v in arg_vals.items()})
        rec["sym_eval_matches"] = all(np.array_equal(a.asnumpy(), b.asnumpy()) for a, b in zip(res, outs))
    if aux:
        exe2 = loaded.bind(mx.cpu(), args={n: mx.nd.array(v) for n, v in arg_vals.items()},
                           aux_states={n: mx.nd.array(v) for n, v in aux_vals.items()})
        outs2 = exe2.forward(is_train=True)
        rec["eval_train"] = [arr_dict(o.asnumpy()) for o in outs2]
        rec["aux_states_after_train"] = {n: arr_dict(a.asnumpy()) for n, a in exe2.aux_dict.items()}
    return rec


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        kind, _, pid = sys.argv[2].partition(":")
        table = RECORDED if kind == "recorded" else SYMBOLIC
        spec = [s for s in table if s[0] == pid][0]
        rec = one_recorded(spec) if kind == "recorded" else one_symbolic(spec)
        sys.stdout.write("@@JSON@@" + json.dumps(rec))
        return
    import mxnet as mx
    entries = []
    for kind, table in (("recorded", RECORDED), ("symbolic", SYMBOLIC)):
        for spec in table:
            p = subprocess.run([sys.executable, os.path.abspath(__file__), "--one", "%s:%s" % (kind, spec[0])],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
            if p.returncode != 0 or "@@JSON@@" not in p.stdout:
                print("FAIL", kind, spec[0], p.stderr[-800:])
                continue
            rec = json.loads(p.stdout.split("@@JSON@@", 1)[1])
            rec["stderr"] = [scrub(l) for l in p.stderr.splitlines() if l.strip()]
            re_ = rec.get("reload_eval")
            print("OK  ", kind, spec[0], "" if re_ is None else
                  ("reload_eval error: " + re_["error"]) if isinstance(re_, dict)
                  else "reload_eval matches: %s" % rec["reload_eval_matches_output"])
            entries.append(rec)
            if kind == "symbolic":
                os.makedirs(SYM_DIR, exist_ok=True)
                with open(os.path.join(SYM_DIR, "%s-symbol.json" % spec[0]), "w") as f:
                    f.write(rec["json"])  # byte-identical to what Symbol.save writes
    doc = {"captured_with": "mxnet %s" % mx.__version__, "python": sys.version.split()[0],
           "numpy": np.__version__, "entries": entries}
    with open(OUT_FILE, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("wrote %d entries to %s (%d bytes)" % (len(entries), OUT_FILE, os.path.getsize(OUT_FILE)))


if __name__ == "__main__":
    main()
