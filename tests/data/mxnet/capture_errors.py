#!/usr/bin/env python
"""Capture the exact exceptions Apache MXNet 1.9.1 raises for common user errors into
errors_golden.json.

Run under the MXNet oracle venv (never from the test suite):

    /tmp/mxnet-oracle/bin/python tests/data/mxnet/capture_errors.py

Every case runs in its own interpreter (some, like mark_variables with mismatched
lists, kill MXNet with a signal); those are recorded as outcome "crash".
"""
from __future__ import print_function

import json
import os
import re
import signal
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_FILE = os.path.join(HERE, "errors_golden.json")

PRELUDE = "import mxnet as mx\n"

CASES = [
    # --- shape mismatch in +
    ("add_shape", "nd", "out = mx.nd.ones((2, 3)) + mx.nd.ones((3, 2))"),
    ("add_shape_1d", "nd", "out = mx.nd.ones((3,)) + mx.nd.ones((4,))"),
    ("add_shape_recorded", "nd",
     "x = mx.nd.ones((2, 3))\nx.attach_grad()\nwith mx.autograd.record():\n    out = x + mx.nd.ones((4,))"),
    ("elemwise_add_shape", "nd", "out = mx.nd.elemwise_add(mx.nd.ones((2, 3)), mx.nd.ones((2, 1)))"),
    ("broadcast_add_shape", "nd", "out = mx.nd.broadcast_add(mx.nd.ones((2, 3)), mx.nd.ones((2, 2)))"),
    ("np_add_shape", "np", "out = mx.np.ones((2, 3)) + mx.np.ones((3, 2))"),
    # --- dot
    ("dot_shape", "nd", "out = mx.nd.dot(mx.nd.ones((2, 3)), mx.nd.ones((2, 3)))"),
    ("dot_transpose_shape", "nd", "out = mx.nd.dot(mx.nd.ones((2, 3)), mx.nd.ones((2, 3)), transpose_b=False)"),
    ("batch_dot_shape", "nd", "out = mx.nd.batch_dot(mx.nd.ones((2, 2, 3)), mx.nd.ones((2, 4, 3)))"),
    ("np_matmul_shape", "np", "out = mx.np.matmul(mx.np.ones((2, 3)), mx.np.ones((2, 3)))"),
    ("np_dot_shape", "np", "out = mx.np.dot(mx.np.ones((2, 3)), mx.np.ones((4,)))"),
    # --- FullyConnected
    ("fc_weight_shape", "nd",
     "out = mx.nd.FullyConnected(mx.nd.ones((2, 3)), mx.nd.ones((4, 5)), mx.nd.ones((4,)), num_hidden=4)"),
    ("fc_num_hidden", "nd",
     "out = mx.nd.FullyConnected(mx.nd.ones((2, 3)), mx.nd.ones((4, 3)), mx.nd.ones((4,)), num_hidden=5)"),
    ("fc_bias_shape", "nd",
     "out = mx.nd.FullyConnected(mx.nd.ones((2, 3)), mx.nd.ones((4, 3)), mx.nd.ones((3,)), num_hidden=4)"),
    ("fc_missing_num_hidden", "nd",
     "out = mx.nd.FullyConnected(mx.nd.ones((2, 3)), mx.nd.ones((4, 3)), mx.nd.ones((4,)))"),
    # --- reshape
    ("reshape_size", "nd", "out = mx.nd.ones((2, 3)).reshape((4,))"),
    ("reshape_infer", "nd", "out = mx.nd.ones((2, 3)).reshape((4, -1))"),
    ("reshape_two_minus_one", "nd", "out = mx.nd.ones((2, 3)).reshape((-1, -1))"),
    ("reshape_fn_size", "nd", "out = mx.nd.reshape(mx.nd.ones((2, 3)), shape=(5,))"),
    ("np_reshape_size", "np", "out = mx.np.ones((2, 3)).reshape(4)"),
    # --- split into a non-divisor
    ("split_non_divisor", "nd", "out = mx.nd.split(mx.nd.ones((2, 3)), num_outputs=2, axis=1)"),
    ("split_too_many", "nd", "out = mx.nd.split(mx.nd.ones((2, 3)), num_outputs=4, axis=1)"),
    ("np_split_non_divisor", "np", "out = mx.np.split(mx.np.ones((2, 3)), 2, axis=1)"),
    # --- index out of range
    ("getitem_int_oob", "nd", "out = mx.nd.ones((3, 4))[5]"),
    ("getitem_neg_oob", "nd", "out = mx.nd.ones((3, 4))[-4]"),
    ("getitem_2d_oob", "nd", "out = mx.nd.ones((3, 4))[1, 7]"),
    ("getitem_too_many", "nd", "out = mx.nd.ones((3, 4))[1, 2, 0]"),
    ("getitem_slice_past_end", "nd", "out = mx.nd.ones((3, 4))[1:10]\nprint(out.shape)"),
    ("np_getitem_oob", "np", "out = mx.np.ones((3, 4))[5]"),
    ("np_getitem_2d_oob", "np", "out = mx.np.ones((3, 4))[0, 9]"),
    ("take_raise_oob", "nd", "out = mx.nd.take(mx.nd.ones((3, 4)), mx.nd.array([5]), mode='raise')\nout.wait_to_read()"),
    ("slice_axis_oob", "nd", "out = mx.nd.slice_axis(mx.nd.ones((3, 4)), axis=2, begin=0, end=1)"),
    ("sum_axis_oob", "nd", "out = mx.nd.sum(mx.nd.ones((3, 4)), axis=2)"),
    # --- mark_variables
    ("mark_variables_len", "nd",
     "x = mx.nd.ones((2,))\ny = mx.nd.ones((2,))\n"
     "mx.autograd.mark_variables([x, y], [mx.nd.zeros((2,))])\n"
     "with mx.autograd.record():\n    out = x * y\nout.backward()\nprint(x.grad)"),
    ("mark_variables_len_only", "nd",
     "x = mx.nd.ones((2,))\ny = mx.nd.ones((2,))\n"
     "mx.autograd.mark_variables([x, y], [mx.nd.zeros((2,))])"),
    ("mark_variables_reqs_len", "nd",
     "x = mx.nd.ones((2,))\ny = mx.nd.ones((2,))\n"
     "mx.autograd.mark_variables([x, y], [mx.nd.zeros((2,)), mx.nd.zeros((2,))], grad_reqs=['write'])"),
    ("mark_variables_grad_shape", "nd",
     "x = mx.nd.ones((2,))\ng = mx.nd.zeros((3,))\n"
     "mx.autograd.mark_variables([x], [g])\n"
     "with mx.autograd.record():\n    out = x * x\nout.backward()\nprint(g)"),
    # --- head gradient of the wrong shape
    ("backward_head_shape", "nd",
     "x = mx.nd.ones((2, 3))\nx.attach_grad()\nwith mx.autograd.record():\n    out = x * 2\n"
     "out.backward(mx.nd.ones((3,)))\nprint(x.grad)"),
    ("backward_head_shape_transposed", "nd",
     "x = mx.nd.ones((2, 3))\nx.attach_grad()\nwith mx.autograd.record():\n    out = x * 2\n"
     "out.backward(mx.nd.ones((3, 2)))\nprint(x.grad)"),
    ("backward_head_broadcastable", "nd",
     "x = mx.nd.ones((2, 3))\nx.attach_grad()\nwith mx.autograd.record():\n    out = x * 2\n"
     "out.backward(mx.nd.ones((1, 3)))\nprint(x.grad)"),
    ("autograd_backward_head_shape", "nd",
     "x = mx.nd.ones((2, 3))\nx.attach_grad()\nwith mx.autograd.record():\n    out = mx.nd.exp(x)\n"
     "mx.autograd.backward([out], [mx.nd.ones((4,))])\nprint(x.grad)"),
    ("autograd_grad_head_shape", "nd",
     "x = mx.nd.ones((2, 3))\nx.attach_grad()\nwith mx.autograd.record():\n    out = x * x\n"
     "    g = mx.autograd.grad(out, [x], head_grads=mx.nd.ones((5,)))\nprint(g)"),
    ("backward_heads_count", "nd",
     "x = mx.nd.ones((2, 3))\nx.attach_grad()\nwith mx.autograd.record():\n    out = x * x\n"
     "mx.autograd.backward([out], [mx.nd.ones((2, 3)), mx.nd.ones((2, 3))])"),
    ("np_backward_head_shape", "np",
     "x = mx.np.ones((2, 3))\nx.attach_grad()\nwith mx.autograd.record():\n    out = x * 2\n"
     "out.backward(mx.np.ones((3,)))\nprint(x.grad)"),
    # --- invalid dtype names
    ("array_bad_dtype", "nd", "out = mx.nd.array([1, 2], dtype='float33')"),
    ("zeros_bad_dtype", "nd", "out = mx.nd.zeros((2,), dtype='foo')"),
    ("astype_bad_dtype", "nd", "out = mx.nd.ones((2,)).astype('bogus')"),
    ("cast_bad_dtype", "nd", "out = mx.nd.cast(mx.nd.ones((2,)), dtype='bogus')"),
    ("np_array_bad_dtype", "np", "out = mx.np.array([1, 2], dtype='float33')"),
    ("np_zeros_bad_dtype", "np", "out = mx.np.zeros((2,), dtype='foo')"),
    # --- a few more common ones
    ("concat_shape", "nd", "out = mx.nd.concat(mx.nd.ones((2, 3)), mx.nd.ones((3, 3)), dim=1)"),
    ("broadcast_to_bad", "nd", "out = mx.nd.broadcast_to(mx.nd.ones((2, 3)), shape=(4, 3))"),
    ("transpose_axes_bad", "nd", "out = mx.nd.transpose(mx.nd.ones((2, 3)), axes=(0, 2))"),
    ("conv_channels", "nd",
     "out = mx.nd.Convolution(mx.nd.ones((1, 2, 5, 5)), mx.nd.ones((3, 4, 3, 3)), mx.nd.ones((3,)),"
     " kernel=(3, 3), num_filter=3)"),
    ("unknown_op_kwarg", "nd", "out = mx.nd.sum(mx.nd.ones((2, 3)), axes=1)"),
    ("asscalar_non_scalar", "nd", "out = mx.nd.ones((2, 3)).asscalar()"),
    ("set_np_mixed", "np", "out = mx.np.ones((2,)) + mx.nd.ones((2,))"),
]

NOTES = {
    "mark_variables_len": "MXNet dies with 'Segmentation fault: 11' (its handler exits with status 255)",
    "mark_variables_len_only": "MXNet dies with 'Segmentation fault: 11' (its handler exits with status 255)",
    "mark_variables_reqs_len": "MXNet silently accepts a grad_reqs list shorter than the variables",
    "reshape_fn_size": "MXNet accepts a target shape with FEWER elements and keeps the first ones "
                       "(the method form x.reshape raises ValueError)",
    "getitem_2d_oob": "the message says 'axis 0' although the bad index is on axis 1",
    "array_bad_dtype": "misleading message: the dtype, not the data, is wrong",
    "backward_head_shape": "no check: MXNet reads the head gradient buffer as if it had out's shape; "
                           "the printed x.grad contains out-of-bounds memory (nondeterministic)",
    "backward_head_shape_transposed": "no check: same number of elements, used in memory order",
    "backward_head_broadcastable": "no check: out-of-bounds read as in backward_head_shape (nondeterministic)",
    "autograd_grad_head_shape": "no check: out-of-bounds read (nondeterministic values)",
    "np_backward_head_shape": "no check: out-of-bounds read (nondeterministic values)",
    "mark_variables_grad_shape": "deferred: raised at print(g), from the engine, not at mark_variables",
}
NONDETERMINISTIC = {"backward_head_shape", "backward_head_broadcastable", "autograd_grad_head_shape",
                    "np_backward_head_shape"}

RUNNER = r'''
import json, sys, traceback
ns = sys.argv[1]
code = sys.stdin.read()
import mxnet as mx
if ns == "np":
    mx.npx.set_np()
res = {}
env = {"mx": mx}
try:
    exec(code, env)
    out = env.get("out")
    res["outcome"] = "no error"
    if out is not None:
        try:
            res["result_repr"] = repr(out)
        except Exception as e:  # deferred engine errors surface on read
            res["outcome"] = "exception on read"
            res["exception_type"] = type(e).__name__
            res["exception_mro"] = [c.__name__ for c in type(e).__mro__]
            res["message"] = str(e)
except BaseException as e:
    res["outcome"] = "exception"
    res["exception_type"] = type(e).__name__
    res["exception_module"] = type(e).__module__
    res["exception_mro"] = [c.__name__ for c in type(e).__mro__]
    res["message"] = str(e)
    res["traceback_last"] = traceback.format_exc().strip().splitlines()[-1]
sys.stdout.flush()
sys.stdout.write("\n@@JSON@@" + json.dumps(res))
sys.stdout.flush()
'''


def scrub(msg):
    return re.sub(r"\[\d\d:\d\d:\d\d\]", "[HH:MM:SS]", msg)


def message_key(msg):
    lines = [l.strip() for l in scrub(msg).strip().splitlines() if l.strip()]
    for l in lines:
        if l.startswith("MXNetError: "):
            return l[len("MXNetError: "):]
    keep = [l for l in lines if not l.startswith(("Traceback", "File ", "[bt]", "Stack trace"))]
    return (keep or lines or [""])[0]


def run_case(cid, ns, code):
    p = subprocess.run([sys.executable, "-c", RUNNER, ns], input=code, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True, timeout=120)
    rec = {"id": cid, "namespace": ns, "code": code}
    if "@@JSON@@" in p.stdout:
        body, _, js = p.stdout.rpartition("@@JSON@@")
        rec.update(json.loads(js))
        rec["stdout"] = body[:-1] if body.endswith("\n") else body
        if "message" in rec:
            rec["message"] = scrub(rec["message"])
            rec["message_key"] = message_key(rec["message"])
    else:
        rec["outcome"] = "crash"
        rec["stdout"] = p.stdout
    rec["returncode"] = p.returncode
    if p.returncode < 0:
        rec["signal"] = signal.Signals(-p.returncode).name
        rec["outcome"] = "crash"
    if cid in NOTES:
        rec["note"] = NOTES[cid]
    if cid in NONDETERMINISTIC:
        rec["nondeterministic_output"] = True
    rec["stderr_tail"] = [scrub(l) for l in p.stderr.strip().splitlines()[-6:] if l.strip()]
    return rec


def main():
    import mxnet as mx
    cases = []
    for cid, ns, code in CASES:
        rec = run_case(cid, ns, code)
        print("%-32s %-18s %s %s" % (cid, rec["outcome"], rec.get("exception_type", rec.get("signal", "")),
                                     rec.get("message_key", "")[:90]))
        cases.append(rec)
    doc = {"captured_with": "mxnet %s" % mx.__version__, "python": sys.version.split()[0],
           "prelude": "import mxnet as mx; mx.npx.set_np() for namespace np; code is exec'd "
                      "in a fresh interpreter per case",
           "cases": cases}
    with open(OUT_FILE, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("wrote %d cases to %s (%d bytes)" % (len(cases), OUT_FILE, os.path.getsize(OUT_FILE)))


if __name__ == "__main__":
    main()
