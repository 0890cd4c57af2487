#!/usr/bin/env python
"""Capture forward values and first/second-order gradients of many operators from
real Apache MXNet 1.9.1 into ops_golden.json.

Run under the MXNet oracle venv (never from the test suite):

    bash /work/shared/tools/mxnet-oracle.sh
    /tmp/mxnet-oracle/bin/python tests/data/mxnet/capture_ops.py

Each case runs a code snippet that assigns ``out``.  See README.md for the exact
harness semantics.  Besides the MXNet values, every case carries a finite-difference
verdict (``fd_check``) computed here in float64, so that tests can tell where
MXNet itself is wrong.
"""
from __future__ import print_function

import json
import os
import re
import sys
import zlib

import numpy as np
import mxnet as mx

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_FILE = os.path.join(HERE, "ops_golden.json")

CASES = []


# --------------------------------------------------------------------------- inputs

def _rs(case_id, name):
    return np.random.RandomState(zlib.crc32(("%s/%s" % (case_id, name)).encode()) & 0x7FFFFFFF)


def uni(lo, hi):
    """Uniform in [lo, hi]."""
    return lambda rs, shape: rs.uniform(lo, hi, size=shape)


def away0(lo, hi):
    """Random sign times uniform in [lo, hi] (keeps away from 0)."""
    return lambda rs, shape: rs.choice([-1.0, 1.0], size=shape) * rs.uniform(lo, hi, size=shape)


def frac(lo=-3, hi=3):
    """Integer plus a fraction in [0.1, 0.4] or [0.6, 0.9] (away from integers and halves)."""
    def gen(rs, shape):
        base = rs.randint(lo, hi, size=shape).astype(np.float64)
        f = rs.uniform(0.1, 0.4, size=shape)
        f = np.where(rs.rand(*shape) < 0.5, f, f + 0.5)
        return base + f
    return gen


def distinct(lo=-2, hi=2):
    """Values with pairwise gaps (no ties for max/min/argmax, no kinks in sort-like ops)."""
    def gen(rs, shape):
        n = int(np.prod(shape)) if shape else 1
        vals = np.linspace(lo, hi, n) + rs.uniform(-0.01, 0.01, size=n)
        return rs.permutation(vals).reshape(shape)
    return gen


def add(cid, code, inputs, ns="nd", dtype="float32", repr_=False, note=None, fd=True):
    """inputs: dict name -> (shape, generator).  fd=False: the op is deliberately not
    the mathematical derivative (stop_gradient), so skip the finite-difference check."""
    CASES.append(dict(id=cid, code=code, inputs=inputs, namespace=ns, dtype=dtype,
                      repr=repr_, note=note, fd=fd))


# ----------------------------------------------------------------------- the cases

X23 = (2, 3)


UNARY_NOTES = {
    "arcsinh": "MXNet 1.9.1 bug: its second derivative has the wrong sign "
               "(+x/(1+x^2)^1.5 instead of -x/(1+x^2)^1.5); see fd_check",
    "arccosh": "MXNet 1.9.1 bug: its second derivative has the wrong sign "
               "(+x/(x^2-1)^1.5 instead of -x/(x^2-1)^1.5); see fd_check",
}


def unary_cases():
    U = [
        ("negative", "mx.nd.negative(x)", uni(-2, 2)),
        ("neg_op", "-x", uni(-2, 2)),
        ("abs", "mx.nd.abs(x)", away0(0.3, 2)),
        ("sign", "mx.nd.sign(x)", away0(0.3, 2)),
        ("exp", "mx.nd.exp(x)", uni(-1, 1)),
        ("expm1", "mx.nd.expm1(x)", uni(-1, 1)),
        ("log", "mx.nd.log(x)", uni(0.5, 3)),
        ("log2", "mx.nd.log2(x)", uni(0.5, 3)),
        ("log10", "mx.nd.log10(x)", uni(0.5, 3)),
        ("log1p", "mx.nd.log1p(x)", uni(-0.5, 2)),
        ("sqrt", "mx.nd.sqrt(x)", uni(0.5, 3)),
        ("rsqrt", "mx.nd.rsqrt(x)", uni(0.5, 3)),
        ("cbrt", "mx.nd.cbrt(x)", uni(0.5, 3)),
        ("rcbrt", "mx.nd.rcbrt(x)", uni(0.5, 3)),
        ("square", "mx.nd.square(x)", uni(-2, 2)),
        ("reciprocal", "mx.nd.reciprocal(x)", away0(0.5, 2)),
        ("sin", "mx.nd.sin(x)", uni(-2, 2)),
        ("cos", "mx.nd.cos(x)", uni(-2, 2)),
        ("tan", "mx.nd.tan(x)", uni(-1, 1)),
        ("arcsin", "mx.nd.arcsin(x)", uni(-0.8, 0.8)),
        ("arccos", "mx.nd.arccos(x)", uni(-0.8, 0.8)),
        ("arctan", "mx.nd.arctan(x)", uni(-2, 2)),
        ("sinh", "mx.nd.sinh(x)", uni(-1.5, 1.5)),
        ("cosh", "mx.nd.cosh(x)", uni(-1.5, 1.5)),
        ("tanh", "mx.nd.tanh(x)", uni(-1.5, 1.5)),
        ("arcsinh", "mx.nd.arcsinh(x)", uni(-2, 2)),
        ("arccosh", "mx.nd.arccosh(x)", uni(1.2, 3)),
        ("arctanh", "mx.nd.arctanh(x)", uni(-0.8, 0.8)),
        ("degrees", "mx.nd.degrees(x)", uni(-2, 2)),
        ("radians", "mx.nd.radians(x)", uni(-90, 90)),
        ("sigmoid", "mx.nd.sigmoid(x)", uni(-2, 2)),
        ("relu", "mx.nd.relu(x)", away0(0.2, 2)),
        ("softsign", "mx.nd.softsign(x)", uni(-2, 2)),
        ("erf", "mx.nd.erf(x)", uni(-1.5, 1.5)),
        ("erfinv", "mx.nd.erfinv(x)", uni(-0.8, 0.8)),
        ("gamma", "mx.nd.gamma(x)", uni(0.5, 3)),
        ("gammaln", "mx.nd.gammaln(x)", uni(0.5, 3)),
        ("floor", "mx.nd.floor(x)", frac()),
        ("ceil", "mx.nd.ceil(x)", frac()),
        ("round", "mx.nd.round(x)", frac()),
        ("rint", "mx.nd.rint(x)", frac()),
        ("trunc", "mx.nd.trunc(x)", frac()),
        ("fix", "mx.nd.fix(x)", frac()),
        ("clip", "mx.nd.clip(x, -0.5, 0.5)", away0(0.1, 0.4)),
        ("clip_wide", "mx.nd.clip(x, a_min=-1.0, a_max=1.0) * x", distinct(-2, 2)),
        ("log_sigmoid", "mx.nd.log_sigmoid(x)", uni(-2, 2)),
        ("hard_sigmoid", "mx.nd.hard_sigmoid(x)", uni(-1, 1)),
        ("smooth_l1", "mx.nd.smooth_l1(x, scalar=1.0)", away0(0.2, 2)),
    ]
    for name, code, gen in U:
        add("unary/" + name, "out = " + code, {"x": (X23, gen)},
            repr_=name in ("exp", "sign", "floor"), note=UNARY_NOTES.get(name))
    # method forms
    for name, code, gen in [("exp", "x.exp()", uni(-1, 1)), ("abs", "x.abs()", away0(0.3, 2)),
                            ("sqrt", "x.sqrt()", uni(0.5, 3)),
                            ("sigmoid", "x.sigmoid()", uni(-2, 2)),
                            ("clip", "x.clip(-0.5, 0.5)", away0(0.1, 0.4))]:
        add("unary_method/" + name, "out = " + code, {"x": (X23, gen)})
    # float64
    for name, code, gen in [("exp", "mx.nd.exp(x)", uni(-1, 1)), ("log", "mx.nd.log(x)", uni(0.5, 3)),
                            ("tanh", "mx.nd.tanh(x)", uni(-1.5, 1.5)),
                            ("sigmoid", "mx.nd.sigmoid(x)", uni(-2, 2)),
                            ("sin", "mx.nd.sin(x)", uni(-2, 2)),
                            ("sqrt", "mx.nd.sqrt(x)", uni(0.5, 3))]:
        add("unary_f64/" + name, "out = " + code, {"x": ((3, 2), gen)}, dtype="float64",
            repr_=name == "exp")
    # chains (second order across several ops)
    add("chain/log_exp", "out = mx.nd.log(mx.nd.exp(x) + 1)", {"x": (X23, uni(-1, 1))})
    add("chain/sin_sq", "out = mx.nd.sin(x) * mx.nd.sin(x) + mx.nd.cos(x)", {"x": (X23, uni(-2, 2))})
    add("chain/x3", "out = x * x * x", {"x": (X23, uni(-2, 2))})
    add("chain/poly", "out = x * x + 2 * x - 1", {"x": ((4,), uni(-2, 2))}, repr_=True)
    add("chain/tanh_sig", "out = mx.nd.tanh(mx.nd.sigmoid(x) * 2)", {"x": (X23, uni(-2, 2))})


def binary_cases():
    A = uni(-2, 2)
    P = uni(0.5, 2)
    NZ = away0(0.5, 2)
    two = {"x": (X23, A), "y": (X23, A)}
    add("binary/add", "out = x + y", two)
    add("binary/sub", "out = x - y", two)
    add("binary/mul", "out = x * y", two, repr_=True)
    add("binary/div", "out = x / y", {"x": (X23, A), "y": (X23, NZ)})
    add("binary/pow", "out = x ** y", {"x": (X23, P), "y": (X23, uni(-1, 2))})
    add("binary/mod", "out = x % y", {"x": (X23, uni(0.1, 0.9)), "y": (X23, uni(1.1, 2))})
    # scalars on both sides
    one = {"x": (X23, A)}
    onep = {"x": (X23, P)}
    add("scalar/add_r", "out = x + 2", one)
    add("scalar/add_l", "out = 2 + x", one)
    add("scalar/sub_r", "out = x - 2", one)
    add("scalar/sub_l", "out = 2 - x", one)
    add("scalar/mul_r", "out = x * 3", one)
    add("scalar/mul_l", "out = 3 * x", one)
    add("scalar/div_r", "out = x / 2", one)
    add("scalar/div_l", "out = 2 / x", {"x": (X23, NZ)})
    add("scalar/pow_r", "out = x ** 2", one)
    add("scalar/pow_r3", "out = x ** 3", one)
    add("scalar/pow_half", "out = x ** 0.5", onep)
    add("scalar/pow_l", "out = 2 ** x", one)
    add("scalar/mod_r", "out = x % 1.5", {"x": (X23, uni(0.1, 1.4))})
    add("scalar/float_scalar", "out = x * 0.5 + 0.25", one)
    # broadcasting via operators
    add("bcast/add_row", "out = x + y", {"x": (X23, A), "y": ((1, 3), A)})
    add("bcast/mul_col", "out = x * y", {"x": (X23, A), "y": ((2, 1), A)})
    add("bcast/sub_3d", "out = x - y", {"x": ((2, 1, 3), A), "y": ((4, 1), A)})
    add("bcast/div_row", "out = x / y", {"x": (X23, A), "y": ((1, 3), NZ)})
    add("bcast/pow_row", "out = x ** y", {"x": (X23, P), "y": ((1, 3), uni(-1, 2))})
    # named functions
    add("fn/maximum", "out = mx.nd.maximum(x, y)", {"x": (X23, distinct()), "y": (X23, distinct(-1.9, 2.1))})
    add("fn/minimum", "out = mx.nd.minimum(x, y)", {"x": (X23, distinct()), "y": (X23, distinct(-1.9, 2.1))})
    add("fn/maximum_scalar", "out = mx.nd.maximum(x, 0.25)", {"x": (X23, distinct())})
    add("fn/minimum_scalar", "out = mx.nd.minimum(0.25, x)", {"x": (X23, distinct())})
    add("fn/maximum_bcast", "out = mx.nd.maximum(x, y)", {"x": (X23, distinct()), "y": ((1, 3), distinct(-1.9, 2.1))})
    add("fn/hypot", "out = mx.nd.hypot(x, y)", {"x": (X23, NZ), "y": (X23, NZ)})
    add("fn/power", "out = mx.nd.power(x, y)", {"x": (X23, P), "y": (X23, uni(-1, 2))})
    for op in ["add", "sub", "mul", "div"]:
        add("elemwise/" + op, "out = mx.nd.elemwise_%s(x, y)" % op,
            {"x": (X23, A), "y": (X23, NZ if op == "div" else A)})
    for op in ["add", "sub", "mul", "div", "power", "maximum", "minimum", "hypot"]:
        gx = P if op == "power" else (distinct() if op in ("maximum", "minimum") else NZ)
        gy = uni(-1, 2) if op == "power" else (distinct(-1.9, 2.1) if op in ("maximum", "minimum") else NZ)
        add("broadcast/" + op, "out = mx.nd.broadcast_%s(x, y)" % op,
            {"x": (X23, gx), "y": ((1, 3), gy)})
    # comparisons
    cmp2 = {"x": (X23, distinct()), "y": (X23, distinct(-1.9, 2.1))}
    add("cmp/gt", "out = x > y", cmp2, repr_=True)
    add("cmp/lt_scalar", "out = x < 0.3", {"x": (X23, distinct())})
    add("cmp/ge", "out = x >= y", cmp2)
    add("cmp/eq", "out = x == y", cmp2)
    add("cmp/ne_scalar", "out = x != 1", {"x": (X23, distinct())})
    add("cmp/broadcast_greater", "out = mx.nd.broadcast_greater(x, y)",
        {"x": (X23, distinct()), "y": ((1, 3), distinct())})
    add("cmp/broadcast_lesser_equal", "out = mx.nd.broadcast_lesser_equal(x, y)",
        {"x": (X23, distinct()), "y": ((2, 1), distinct())})
    add("cmp/mask_mul", "out = (x > 0) * x * y", cmp2)
    add("where/basic", "out = mx.nd.where(x > y, x, y)", cmp2)
    add("where/mul", "out = mx.nd.where(x > 0, x * y, y * y)", cmp2)
    add("where/const_cond", "out = mx.nd.where(mx.nd.array([[1, 0, 1], [0, 0, 1]]), x, y)",
        {"x": (X23, A), "y": (X23, A)})
    # float64
    add("binary_f64/mul", "out = x * y", {"x": (X23, A), "y": (X23, A)}, dtype="float64")
    add("binary_f64/div", "out = x / y", {"x": (X23, A), "y": (X23, NZ)}, dtype="float64")
    add("binary_f64/bcast_add", "out = x + y", {"x": (X23, A), "y": ((1, 3), A)}, dtype="float64")


def reduce_cases():
    A = uni(-2, 2)
    X = {"x": ((2, 3, 4), A)}
    add("reduce/sum", "out = mx.nd.sum(x)", X, repr_=True)
    add("reduce/sum_axis0", "out = mx.nd.sum(x, axis=0)", X)
    add("reduce/sum_axis1_keep", "out = mx.nd.sum(x, axis=1, keepdims=True)", X)
    add("reduce/sum_axes02", "out = mx.nd.sum(x, axis=(0, 2))", X)
    add("reduce/sum_exclude", "out = mx.nd.sum(x, axis=1, exclude=True)", X)
    add("reduce/sum_method", "out = x.sum(axis=-1)", X)
    add("reduce/mean", "out = mx.nd.mean(x)", X)
    add("reduce/mean_axis1", "out = mx.nd.mean(x, axis=1)", X)
    add("reduce/mean_keep", "out = x.mean(axis=2, keepdims=True)", X)
    add("reduce/prod", "out = mx.nd.prod(x, axis=1)", {"x": ((2, 3, 4), away0(0.5, 1.5))})
    add("reduce/prod_all", "out = mx.nd.prod(x)", {"x": (X23, away0(0.5, 1.5))})
    add("reduce/max", "out = mx.nd.max(x)", {"x": ((2, 3, 4), distinct())})
    add("reduce/max_axis", "out = mx.nd.max(x, axis=1)", {"x": ((2, 3, 4), distinct())})
    add("reduce/min_keep", "out = mx.nd.min(x, axis=2, keepdims=True)", {"x": ((2, 3, 4), distinct())})
    add("reduce/norm", "out = mx.nd.norm(x)", X)
    add("reduce/norm_axis", "out = mx.nd.norm(x, ord=2, axis=1)", X)
    add("reduce/norm_l1", "out = mx.nd.norm(x, ord=1, axis=2, keepdims=True)",
        {"x": ((2, 3, 4), away0(0.3, 2))})
    add("reduce/argmax", "out = mx.nd.argmax(x, axis=1)", {"x": ((2, 3, 4), distinct())})
    add("reduce/argmin", "out = mx.nd.argmin(x, axis=2)", {"x": ((2, 3, 4), distinct())})
    add("reduce/argmax_mul", "out = mx.nd.argmax(x, axis=1) * mx.nd.sum(x, axis=1)",
        {"x": ((2, 3), distinct())})
    add("reduce/cumsum", "out = mx.nd.cumsum(x, axis=1)", {"x": (X23, A)})
    add("reduce/cumsum_flat", "out = mx.nd.cumsum(x)", {"x": (X23, A)})
    add("reduce/sum_sq", "out = mx.nd.sum(x * x, axis=0)", X)
    add("reduce_f64/sum", "out = mx.nd.sum(x * x, axis=1)", X, dtype="float64")


def nn_cases():
    A = uni(-1, 1)
    add("dot/basic", "out = mx.nd.dot(a, b)", {"a": ((2, 3), A), "b": ((3, 4), A)}, repr_=True)
    add("dot/transpose_a", "out = mx.nd.dot(a, b, transpose_a=True)", {"a": ((3, 2), A), "b": ((3, 4), A)})
    add("dot/transpose_b", "out = mx.nd.dot(a, b, transpose_b=True)", {"a": ((2, 3), A), "b": ((4, 3), A)})
    add("dot/transpose_ab", "out = mx.nd.dot(a, b, transpose_a=True, transpose_b=True)",
        {"a": ((3, 2), A), "b": ((4, 3), A)})
    add("dot/vec", "out = mx.nd.dot(a, b)", {"a": ((3,), A), "b": ((3,), A)})
    add("dot/mat_vec", "out = mx.nd.dot(a, b)", {"a": ((2, 3), A), "b": ((3,), A)})
    add("dot/method", "out = a.dot(b)", {"a": ((2, 3), A), "b": ((3, 2), A)})
    add("dot/quadratic", "out = mx.nd.dot(mx.nd.dot(a, b), a, transpose_b=True)",
        {"a": ((2, 3), A), "b": ((3, 3), A)})
    add("dot_f64/basic", "out = mx.nd.dot(a, b)", {"a": ((2, 3), A), "b": ((3, 2), A)}, dtype="float64")
    add("batch_dot/basic", "out = mx.nd.batch_dot(a, b)", {"a": ((2, 2, 3), A), "b": ((2, 3, 4), A)})
    add("batch_dot/transpose_b", "out = mx.nd.batch_dot(a, b, transpose_b=True)",
        {"a": ((2, 2, 3), A), "b": ((2, 4, 3), A)})
    add("batch_dot/transpose_a", "out = mx.nd.batch_dot(a, b, transpose_a=True)",
        {"a": ((2, 3, 2), A), "b": ((2, 3, 4), A)})
    fc = {"x": ((2, 3), A), "w": ((4, 3), A), "b": ((4,), A)}
    add("fc/basic", "out = mx.nd.FullyConnected(x, w, b, num_hidden=4)", fc, repr_=True)
    add("fc/kw", "out = mx.nd.FullyConnected(data=x, weight=w, bias=b, num_hidden=4)", fc)
    add("fc/no_bias", "out = mx.nd.FullyConnected(x, w, num_hidden=4, no_bias=True)",
        {"x": ((2, 3), A), "w": ((4, 3), A)})
    add("fc/flatten", "out = mx.nd.FullyConnected(x, w, b, num_hidden=4)",
        {"x": ((2, 3, 2), A), "w": ((4, 6), A), "b": ((4,), A)})
    add("fc/no_flatten", "out = mx.nd.FullyConnected(x, w, b, num_hidden=4, flatten=False)",
        {"x": ((2, 3, 2), A), "w": ((4, 2), A), "b": ((4,), A)})
    add("fc/mlp", "h = mx.nd.Activation(mx.nd.FullyConnected(x, w, b, num_hidden=4), act_type='tanh')\n"
        "out = mx.nd.sum(h * h, axis=1)", fc)
    add("fc_f64/basic", "out = mx.nd.FullyConnected(x, w, b, num_hidden=4)", fc, dtype="float64")
    for act in ["relu", "sigmoid", "tanh", "softrelu", "softsign"]:
        add("activation/" + act, "out = mx.nd.Activation(x, act_type=%r)" % act,
            {"x": ((2, 4), away0(0.2, 2))})
    add("leakyrelu/leaky", "out = mx.nd.LeakyReLU(x, act_type='leaky', slope=0.1)", {"x": ((2, 4), away0(0.2, 2))})
    add("leakyrelu/default", "out = mx.nd.LeakyReLU(x)", {"x": ((2, 4), away0(0.2, 2))})
    add("leakyrelu/elu", "out = mx.nd.LeakyReLU(x, act_type='elu', slope=1.0)", {"x": ((2, 4), away0(0.2, 2))})
    add("leakyrelu/selu", "out = mx.nd.LeakyReLU(x, act_type='selu')", {"x": ((2, 4), away0(0.2, 2))},
        note="MXNet 1.9.1 bug: for x<0 the gradient is lambda*(y+alpha) instead of "
             "y+lambda*alpha = lambda*alpha*exp(x); see fd_check")
    add("leakyrelu/gelu", "out = mx.nd.LeakyReLU(x, act_type='gelu')", {"x": ((2, 4), uni(-2, 2))})
    add("leakyrelu/prelu", "out = mx.nd.LeakyReLU(x, gamma, act_type='prelu')",
        {"x": ((2, 3), away0(0.2, 2)), "gamma": ((1,), uni(0.1, 0.3))})
    S = {"x": ((2, 4), uni(-2, 2))}
    add("softmax/last", "out = mx.nd.softmax(x)", S, repr_=True)
    add("softmax/axis0", "out = mx.nd.softmax(x, axis=0)", S)
    add("softmax/temperature", "out = mx.nd.softmax(x, temperature=2.0)", S)
    add("softmax/weighted", "out = mx.nd.softmax(x) * mx.nd.array([[1, 2, 3, 4], [4, 3, 2, 1]])", S)
    add("log_softmax/last", "out = mx.nd.log_softmax(x)", S)
    add("log_softmax/axis0", "out = mx.nd.log_softmax(x, axis=0) * mx.nd.array([[1, 2, 3, 4], [4, 3, 2, 1]])", S)
    add("softmax_f64/last", "out = mx.nd.softmax(x) * x", S, dtype="float64")
    add("softmax/cross_entropy",
        "p = mx.nd.log_softmax(x)\nout = -mx.nd.pick(p, mx.nd.array([1, 3]), axis=1)", S)
    bn = {"x": ((2, 3, 2, 2), uni(-2, 2)), "gamma": ((3,), uni(0.5, 1.5)), "beta": ((3,), uni(-1, 1))}
    stats = "mx.nd.zeros(3, dtype=x.dtype), mx.nd.ones(3, dtype=x.dtype)"
    w = "mx.nd.arange(24, dtype=x.dtype).reshape((2, 3, 2, 2)) / 10"
    add("batchnorm/train_default", "out = mx.nd.BatchNorm(x, gamma, beta, %s) * %s" % (stats, w), bn,
        note="fix_gamma defaults to True in MXNet: gamma is ignored and its gradient is 0")
    add("batchnorm/train", "out = mx.nd.BatchNorm(x, gamma, beta, %s, fix_gamma=False) * %s" % (stats, w), bn)
    add("batchnorm/train_eps", "out = mx.nd.BatchNorm(x, gamma, beta, %s, fix_gamma=False, eps=0.1) * %s"
        % (stats, w), bn)
    add("batchnorm/predict",
        "with mx.autograd.predict_mode():\n"
        "    out = mx.nd.BatchNorm(x, gamma, beta, mx.nd.array([0.1, -0.2, 0.3], dtype=x.dtype),\n"
        "                          mx.nd.array([1.5, 0.5, 2.0], dtype=x.dtype), fix_gamma=False) * %s" % w, bn,
        note="MXNet 1.9.1 bug: the forward uses the moving statistics, but the gradient "
             "w.r.t. x is the training-mode (batch statistics) one; gamma/beta grads are "
             "right; see fd_check")
    add("batchnorm/global_stats",
        "out = mx.nd.BatchNorm(x, gamma, beta, mx.nd.array([0.1, -0.2, 0.3], dtype=x.dtype),\n"
        "                      mx.nd.array([1.5, 0.5, 2.0], dtype=x.dtype), fix_gamma=False,\n"
        "                      use_global_stats=True) * %s" % w, bn)
    add("batchnorm/train_2d", "out = mx.nd.BatchNorm(x, gamma, beta, %s, fix_gamma=False) * x" % stats,
        {"x": ((4, 3), uni(-2, 2)), "gamma": ((3,), uni(0.5, 1.5)), "beta": ((3,), uni(-1, 1))})
    ln = {"x": ((2, 3, 4), uni(-2, 2)), "gamma": ((4,), uni(0.5, 1.5)), "beta": ((4,), uni(-1, 1))}
    add("layernorm/last", "out = mx.nd.LayerNorm(x, gamma, beta) * mx.nd.arange(24).reshape((2, 3, 4)) / 10", ln)
    add("layernorm/axis1", "out = mx.nd.LayerNorm(x, gamma, beta, axis=1) * x",
        {"x": ((2, 3, 4), uni(-2, 2)), "gamma": ((3,), uni(0.5, 1.5)), "beta": ((3,), uni(-1, 1))})
    add("embedding/basic", "out = mx.nd.Embedding(mx.nd.array([[0, 2], [1, 0]]), w, input_dim=3, output_dim=4)",
        {"w": ((3, 4), A)})
    add("embedding/weighted", "out = mx.nd.Embedding(mx.nd.array([0, 2, 2]), w, input_dim=3, output_dim=2) * w[0]",
        {"w": ((3, 2), A)})
    cv = {"x": ((1, 2, 5, 5), A), "w": ((3, 2, 3, 3), A), "b": ((3,), A)}
    add("conv/basic", "out = mx.nd.Convolution(x, w, b, kernel=(3, 3), num_filter=3)", cv)
    add("conv/stride_pad", "out = mx.nd.Convolution(x, w, b, kernel=(3, 3), stride=(2, 2), pad=(1, 1), num_filter=3)", cv)
    add("conv/no_bias", "out = mx.nd.Convolution(x, w, kernel=(3, 3), num_filter=3, no_bias=True)",
        {"x": ((1, 2, 5, 5), A), "w": ((3, 2, 3, 3), A)})
    add("conv/dilate", "out = mx.nd.Convolution(x, w, b, kernel=(3, 3), dilate=(2, 2), num_filter=3)",
        {"x": ((1, 2, 6, 6), A), "w": ((3, 2, 3, 3), A), "b": ((3,), A)})
    add("conv/groups", "out = mx.nd.Convolution(x, w, b, kernel=(3, 3), num_filter=2, num_group=2)",
        {"x": ((1, 2, 4, 4), A), "w": ((2, 1, 3, 3), A), "b": ((2,), A)})
    add("conv/square", "c = mx.nd.Convolution(x, w, b, kernel=(3, 3), num_filter=3)\nout = c * c", cv)
    P = {"x": ((1, 2, 4, 4), distinct())}
    add("pool/max", "out = mx.nd.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type='max')", P)
    add("pool/avg", "out = mx.nd.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type='avg')", P)
    add("pool/avg_pad", "out = mx.nd.Pooling(x, kernel=(3, 3), stride=(1, 1), pad=(1, 1), pool_type='avg')", P)
    add("pool/avg_pad_exclude", "out = mx.nd.Pooling(x, kernel=(3, 3), stride=(1, 1), pad=(1, 1), "
        "pool_type='avg', count_include_pad=False)", P)
    add("pool/max_overlap", "out = mx.nd.Pooling(x, kernel=(3, 3), stride=(1, 1), pool_type='max')", P)
    add("pool/global_avg", "out = mx.nd.Pooling(x, kernel=(1, 1), global_pool=True, pool_type='avg')", P)
    add("pool/sum", "out = mx.nd.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type='sum')", P)
    add("pool/avg_sq", "p = mx.nd.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type='avg')\nout = p * p", P)
    two = {"x": (X23, uni(-2, 2)), "y": (X23, uni(-2, 2))}
    add("stopgrad/stop_gradient", "out = mx.nd.stop_gradient(x) * y + x", two, fd=False)
    add("stopgrad/BlockGrad", "out = mx.nd.BlockGrad(x * x) + x * y", two, fd=False)
    add("stopgrad/detach", "out = x.detach() * x", {"x": (X23, uni(-2, 2))}, fd=False)


def shape_cases():
    A = uni(-2, 2)
    X = {"x": ((2, 3, 4), A)}
    W = "mx.nd.arange(24, dtype=x.dtype).reshape((2, 3, 4)).reshape(%s)"
    for name, shp in [("0_m1", "(0, -1)"), ("m2", "(-2,)"), ("2_m2", "(2, -2)"), ("m3_4", "(-3, 4)"),
                      ("0_m3", "(0, -3)"), ("m4", "(-4, 1, 2, -2)"), ("0_m4", "(0, -4, -1, 1, 0)"),
                      ("m1", "(-1,)"), ("4_m1", "(4, -1)"), ("0_0_m1", "(0, 0, -1)")]:
        add("reshape/" + name, "out = x.reshape(%s) * (%s)" % (shp, W % shp), X)
    add("reshape/fn", "out = mx.nd.reshape(x, shape=(4, -1))", X)
    add("reshape/reverse", "out = mx.nd.reshape(x, shape=(-1, 0), reverse=True)", X)
    add("reshape/varargs", "out = x.reshape(3, 8) * mx.nd.arange(24).reshape((3, 8))", X)
    add("reshape/sq", "r = x.reshape((6, 4))\nout = r * r", X)
    add("reshape_like", "out = mx.nd.reshape_like(x, y) * y", {"x": ((2, 3, 4), A), "y": ((6, 4), A)})
    add("transpose/default", "out = mx.nd.transpose(x) * mx.nd.arange(24).reshape((4, 3, 2))", X)
    add("transpose/axes", "out = mx.nd.transpose(x, axes=(1, 0, 2)) * mx.nd.arange(24).reshape((3, 2, 4))", X)
    add("transpose/T", "out = y.T * mx.nd.arange(6).reshape((3, 2))", {"y": ((2, 3), A)})
    add("swapaxes", "out = mx.nd.swapaxes(x, 0, 2) * mx.nd.arange(24).reshape((4, 3, 2))", X)
    add("expand_dims/axis1", "out = mx.nd.expand_dims(y, axis=1) * y.reshape((2, 1, 3))", {"y": ((2, 3), A)})
    add("expand_dims/neg", "out = y.expand_dims(-1) * 2", {"y": ((2, 3), A)})
    add("squeeze/all", "out = mx.nd.squeeze(y) * mx.nd.arange(6).reshape((2, 3))", {"y": ((2, 1, 3), A)})
    add("squeeze/axis", "out = mx.nd.squeeze(y, axis=1) * y.reshape((2, 3))", {"y": ((2, 1, 3), A)})
    add("flatten", "out = mx.nd.flatten(x) * mx.nd.arange(24).reshape((2, 12))", X)
    add("Flatten", "out = mx.nd.Flatten(x) * mx.nd.Flatten(x)", X)
    add("concat/dim1", "out = mx.nd.concat(a, b, dim=1) * mx.nd.arange(10).reshape((2, 5))",
        {"a": ((2, 3), A), "b": ((2, 2), A)})
    add("concat/default", "out = mx.nd.concat(a, b) * mx.nd.concat(a, b)", {"a": ((2, 3), A), "b": ((2, 2), A)})
    add("concat/dim0", "out = mx.nd.concat(a, b, a, dim=0) * 2", {"a": ((1, 3), A), "b": ((2, 3), A)})
    add("concat/Concat", "out = mx.nd.Concat(a, b, dim=0) ** 2", {"a": ((1, 3), A), "b": ((2, 3), A)})
    add("stack/axis0", "out = mx.nd.stack(a, b) * mx.nd.arange(12).reshape((2, 2, 3))",
        {"a": ((2, 3), A), "b": ((2, 3), A)})
    add("stack/axis2", "out = mx.nd.stack(a, b, axis=2) * mx.nd.stack(b, a, axis=2)",
        {"a": ((2, 3), A), "b": ((2, 3), A)})
    add("split/take1", "out = mx.nd.split(x, num_outputs=3, axis=1)[1] ** 2", {"x": ((2, 6), A)})
    add("split/squeeze", "out = mx.nd.split(x, num_outputs=3, axis=1, squeeze_axis=True)[2] * 3", {"x": ((2, 3, 2), A)})
    add("split/sum_parts", "p = mx.nd.split(x, num_outputs=2, axis=0)\nout = p[0] * p[1]", {"x": ((4, 3), A)})
    add("split/SliceChannel", "out = mx.nd.SliceChannel(x, num_outputs=2)[0] * 2", {"x": ((2, 4), A)})
    add("slice/basic", "out = mx.nd.slice(x, begin=(0, 1), end=(2, 3)) ** 2", {"x": ((3, 4), A)})
    add("slice/none_step", "out = mx.nd.slice(x, begin=(None, 0), end=(None, 4), step=(1, 2)) ** 2", {"x": ((3, 4), A)})
    add("slice/neg_step", "out = mx.nd.slice(x, begin=(2,), end=(None,), step=(-1,)) * mx.nd.arange(12).reshape((3, 4))",
        {"x": ((3, 4), A)})
    add("slice_axis", "out = mx.nd.slice_axis(x, axis=1, begin=1, end=3) ** 2", {"x": ((3, 4), A)})
    add("slice_axis_neg", "out = mx.nd.slice_axis(x, axis=-1, begin=-2, end=None) ** 2", {"x": ((3, 4), A)})
    add("slice_like", "out = mx.nd.slice_like(x, y) * y", {"x": ((3, 4), A), "y": ((2, 3), A)})
    add("take/axis0", "out = mx.nd.take(x, mx.nd.array([2, 0, 2])) * 2", {"x": ((3, 4), A)})
    add("take/axis1", "out = mx.nd.take(x, mx.nd.array([[1, 3], [0, 0]]), axis=1) ** 2", {"x": ((3, 4), A)})
    add("take/clip", "out = mx.nd.take(x, mx.nd.array([5, -1, 1]), mode='clip') * 2", {"x": ((3, 4), A)})
    add("take/wrap", "out = mx.nd.take(x, mx.nd.array([4, -1]), mode='wrap') * 2", {"x": ((3, 4), A)})
    add("pick/axis1", "out = mx.nd.pick(x, mx.nd.array([0, 3, 1])) ** 2", {"x": ((3, 4), A)})
    add("pick/axis0_keep", "out = mx.nd.pick(x, mx.nd.array([2, 0, 1, 1]), axis=0, keepdims=True) ** 2",
        {"x": ((3, 4), A)})
    add("one_hot/mul", "out = mx.nd.one_hot(mx.nd.array([0, 2, 1]), 3) * x", {"x": ((3, 3), A)})
    add("one_hot/values", "out = mx.nd.one_hot(mx.nd.array([1, 0]), depth=4, on_value=2.0, off_value=-1.0) * x",
        {"x": ((2, 4), A)})
    add("broadcast_to", "out = mx.nd.broadcast_to(x, shape=(2, 3)) * mx.nd.arange(6).reshape((2, 3))",
        {"x": ((1, 3), A)})
    add("broadcast_to_0", "out = mx.nd.broadcast_to(x, shape=(4, 0)) ** 2", {"x": ((1, 3), A)})
    add("broadcast_axis", "out = mx.nd.broadcast_axis(x, axis=1, size=3) ** 2", {"x": ((2, 1), A)})
    add("broadcast_like", "out = mx.nd.broadcast_like(x, y) * y", {"x": ((1, 3), A), "y": ((2, 3), A)})
    add("tile/basic", "out = mx.nd.tile(x, reps=(2, 1)) * mx.nd.arange(12).reshape((4, 3))", {"x": ((2, 3), A)})
    add("tile/more_dims", "out = mx.nd.tile(x, reps=(2, 2, 1)) ** 2", {"x": ((2, 3), A)})
    add("repeat/axis1", "out = mx.nd.repeat(x, repeats=2, axis=1) * mx.nd.arange(12).reshape((2, 6))", {"x": ((2, 3), A)})
    add("repeat/flat", "out = mx.nd.repeat(x, repeats=2) ** 2", {"x": ((2, 3), A)})
    add("flip/axis0", "out = mx.nd.flip(x, axis=0) * mx.nd.arange(6).reshape((2, 3))", {"x": ((2, 3), A)})
    add("reverse/axis1", "out = mx.nd.reverse(x, axis=1) * mx.nd.arange(6).reshape((2, 3))", {"x": ((2, 3), A)})
    G = {"x": ((3, 4), A)}
    add("getitem/int", "out = x[1] ** 2", G, repr_=True)
    add("getitem/neg_int", "out = x[-1] * 3", G)
    add("getitem/col", "out = x[:, 1] ** 2", G)
    add("getitem/slices", "out = x[0:2, 1:3] ** 2", G)
    add("getitem/step", "out = x[::2, ::-1] * mx.nd.arange(8).reshape((2, 4))", G)
    add("getitem/int_int", "out = x[1, 2] ** 2", G, repr_=True)
    add("getitem/tuple_int_slice", "out = x[(2, slice(1, None))] ** 2", G)
    add("getitem/newaxis", "out = x[None, 1:] ** 2", G)
    add("getitem/ellipsis", "out = x[..., 0] ** 2", G)
    add("getitem/ndarray_idx", "out = x[mx.nd.array([2, 0])] * 2", G)
    add("getitem/list_idx", "out = x[[0, 2, 2]] ** 2", G)
    add("getitem/3d", "out = y[1, :, 1:3] ** 2", {"y": ((2, 3, 4), A)})
    add("misc/zeros_like", "out = mx.nd.zeros_like(x) + x * mx.nd.ones_like(x)", {"x": ((2, 3), A)})
    add("misc/cast", "out = mx.nd.cast(x, dtype='float64') * 2", {"x": ((2, 3), A)})
    add("misc/astype", "out = x.astype('float64') ** 2", {"x": ((2, 3), A)})
    add("misc/add_n", "out = mx.nd.add_n(x, y, x)", {"x": ((2, 3), A), "y": ((2, 3), A)})
    add("misc/sort", "out = mx.nd.sort(x, axis=1) * mx.nd.arange(6).reshape((2, 3))", {"x": ((2, 3), distinct())})
    add("misc/topk", "out = mx.nd.topk(x, k=2, ret_typ='value') ** 2", {"x": ((2, 3), distinct())})
    add("misc/diag", "out = mx.nd.diag(x) ** 2", {"x": ((3, 3), A)})


def np_cases():
    A = uni(-2, 2)
    P = uni(0.5, 2)
    two = {"x": ((2, 3), A), "y": ((2, 3), A)}
    npc = lambda cid, code, inp, **kw: add("np/" + cid, code, inp, ns="np", **kw)
    npc("multiply", "out = mx.np.multiply(x, y)", two, repr_=True)
    npc("mul_op", "out = x * y + x", two)
    npc("add_scalar", "out = x + 2", {"x": ((2, 3), A)})
    npc("rsub_scalar", "out = 2 - x", {"x": ((2, 3), A)})
    npc("rdiv_scalar", "out = 2 / x", {"x": ((2, 3), away0(0.5, 2))})
    npc("divide", "out = mx.np.divide(x, y)", {"x": ((2, 3), A), "y": ((2, 3), away0(0.5, 2))})
    npc("power", "out = mx.np.power(x, y)", {"x": ((2, 3), P), "y": ((2, 3), uni(-1, 2))})
    npc("pow_scalar", "out = x ** 3", {"x": ((2, 3), A)})
    npc("bcast_add", "out = x + y", {"x": ((2, 3), A), "y": ((3,), A)})
    npc("bcast_mul_3d", "out = x * y", {"x": ((2, 1, 3), A), "y": ((4, 1), A)})
    npc("matmul", "out = mx.np.matmul(a, b)", {"a": ((2, 3), A), "b": ((3, 4), A)}, repr_=True)
    npc("matmul_batched", "out = mx.np.matmul(a, b)", {"a": ((2, 2, 3), A), "b": ((3, 4), A)})
    npc("dot", "out = mx.np.dot(a, b)", {"a": ((2, 3), A), "b": ((3, 2), A)})
    npc("where", "out = mx.np.where(x > y, x, y)",
        {"x": ((2, 3), distinct()), "y": ((2, 3), distinct(-1.9, 2.1))})
    npc("where_scalar", "out = mx.np.where(x > 0, x, 0.1 * x)", {"x": ((2, 3), away0(0.2, 2))})
    npc("concatenate", "out = mx.np.concatenate([a, b], axis=1) * mx.np.arange(10).reshape(2, 5)",
        {"a": ((2, 3), A), "b": ((2, 2), A)})
    npc("concatenate_axis0", "out = mx.np.concatenate([a, b]) ** 2", {"a": ((1, 3), A), "b": ((2, 3), A)})
    npc("stack", "out = mx.np.stack([a, b], axis=1) * mx.np.arange(12).reshape(2, 2, 3)",
        {"a": ((2, 3), A), "b": ((2, 3), A)})
    npc("cumsum", "out = mx.np.cumsum(x, axis=1) ** 2", {"x": ((2, 3), A)})
    npc("cumsum_flat", "out = mx.np.cumsum(x) * mx.np.arange(6)", {"x": ((2, 3), A)})
    npc("take", "out = mx.np.take(x, mx.np.array([2, 0, 2], dtype='int32'), axis=0) * 2", {"x": ((3, 4), A)})
    npc("take_flat", "out = mx.np.take(x, mx.np.array([1, 5], dtype='int32')) ** 2", {"x": ((3, 4), A)})
    npc("clip", "out = mx.np.clip(x, -0.5, 0.5)", {"x": ((2, 3), away0(0.1, 0.4))})
    npc("clip_mixed", "out = mx.np.clip(x, -1.0, 1.0) * x", {"x": ((2, 3), distinct(-2, 2))})
    npc("maximum", "out = mx.np.maximum(x, y)", {"x": ((2, 3), distinct()), "y": ((2, 3), distinct(-1.9, 2.1))})
    npc("maximum_scalar", "out = mx.np.maximum(x, 0.0)", {"x": ((2, 3), away0(0.2, 2))})
    npc("minimum", "out = mx.np.minimum(x, y)", {"x": ((2, 3), distinct()), "y": ((2, 3), distinct(-1.9, 2.1))})
    npc("hypot", "out = mx.np.hypot(x, y)", {"x": ((2, 3), away0(0.5, 2)), "y": ((2, 3), away0(0.5, 2))})
    npc("npx_relu", "out = mx.npx.relu(x)", {"x": ((2, 3), away0(0.2, 2))})
    npc("npx_sigmoid", "out = mx.npx.sigmoid(x)", {"x": ((2, 3), A)})
    npc("npx_softmax", "out = mx.npx.softmax(x) * mx.np.arange(6).reshape(2, 3)", {"x": ((2, 3), A)})
    npc("npx_softmax_axis0", "out = mx.npx.softmax(x, axis=0)", {"x": ((2, 3), A)})
    npc("npx_log_softmax", "out = mx.npx.log_softmax(x) * mx.np.arange(6).reshape(2, 3)", {"x": ((2, 3), A)})
    npc("exp", "out = mx.np.exp(x)", {"x": ((2, 3), uni(-1, 1))}, repr_=True)
    npc("log", "out = mx.np.log(x)", {"x": ((2, 3), P)})
    npc("tanh", "out = mx.np.tanh(x)", {"x": ((2, 3), A)})
    npc("sqrt", "out = mx.np.sqrt(x)", {"x": ((2, 3), P)})
    npc("sin", "out = mx.np.sin(x)", {"x": ((2, 3), A)})
    npc("abs", "out = mx.np.abs(x)", {"x": ((2, 3), away0(0.3, 2))})
    npc("square", "out = mx.np.square(x)", {"x": ((2, 3), A)})
    npc("sum", "out = mx.np.sum(x)", {"x": ((2, 3, 4), A)})
    npc("sum_axis", "out = mx.np.sum(x * x, axis=1)", {"x": ((2, 3, 4), A)})
    npc("mean_keep", "out = mx.np.mean(x, axis=(0, 2), keepdims=True)", {"x": ((2, 3, 4), A)})
    npc("prod", "out = mx.np.prod(x, axis=0)", {"x": ((2, 3), away0(0.5, 1.5))})
    npc("max", "out = mx.np.max(x, axis=1)", {"x": ((2, 3), distinct())})
    npc("norm", "out = mx.np.linalg.norm(x)", {"x": ((2, 3), A)})
    npc("reshape", "out = x.reshape(-1) * mx.np.arange(6)", {"x": ((2, 3), A)})
    npc("reshape_fn", "out = mx.np.reshape(x, (3, 2)) ** 2", {"x": ((2, 3), A)})
    npc("transpose", "out = x.T * mx.np.arange(6).reshape(3, 2)", {"x": ((2, 3), A)})
    npc("transpose_axes", "out = mx.np.transpose(x, (2, 0, 1)) ** 2", {"x": ((2, 3, 4), A)})
    npc("expand_dims", "out = mx.np.expand_dims(x, 1) ** 2", {"x": ((2, 3), A)})
    npc("squeeze", "out = mx.np.squeeze(x) ** 2", {"x": ((2, 1, 3), A)})
    npc("broadcast_to", "out = mx.np.broadcast_to(x, (2, 3)) * mx.np.arange(6).reshape(2, 3)", {"x": ((3,), A)})
    npc("tile", "out = mx.np.tile(x, (2, 1)) ** 2", {"x": ((2, 3), A)})
    npc("repeat", "out = mx.np.repeat(x, 2, axis=0) ** 2", {"x": ((2, 3), A)})
    npc("flip", "out = mx.np.flip(x, 1) * mx.np.arange(6).reshape(2, 3)", {"x": ((2, 3), A)})
    npc("split", "out = mx.np.split(x, 2, axis=1)[1] ** 2", {"x": ((2, 4), A)})
    npc("getitem", "out = x[1:, 0] ** 2", {"x": ((3, 4), A)}, repr_=True)
    npc("getitem_int", "out = x[1] ** 2", {"x": ((3, 4), A)})
    npc("getitem_adv", "out = x[mx.np.array([2, 0], dtype='int32')] ** 2", {"x": ((3, 4), A)})
    npc("greater", "out = x > y", {"x": ((2, 3), distinct()), "y": ((2, 3), distinct(-1.9, 2.1))})
    npc("fc", "out = mx.npx.fully_connected(x, w, b, num_hidden=4)",
        {"x": ((2, 3), A), "w": ((4, 3), A), "b": ((4,), A)})
    npc("activation", "out = mx.npx.activation(x, act_type='tanh')", {"x": ((2, 3), A)})
    npc("f64_mul", "out = x * y", two, dtype="float64", repr_=True)
    npc("f64_matmul", "out = mx.np.matmul(a, b)", {"a": ((2, 3), A), "b": ((3, 2), A)}, dtype="float64")
    npc("f64_exp_sum", "out = mx.np.sum(mx.np.exp(x), axis=0)", {"x": ((2, 3), uni(-1, 1))}, dtype="float64")


unary_cases()
binary_cases()
reduce_cases()
nn_cases()
shape_cases()
np_cases()


# -------------------------------------------------------------------- serialisation

def _num(v, dtype):
    if dtype.kind == "b":
        return bool(v)
    if dtype.kind in "iu":
        return int(v)
    v = float(v)
    if np.isnan(v):
        return None
    if np.isinf(v):
        return "inf" if v > 0 else "-inf"
    if dtype == np.float32:
        return float(str(np.float32(v)))  # shortest text that round-trips in float32
    if dtype == np.float16:
        return float(str(np.float16(v)))
    return v


def arr_dict(a):
    a = np.asarray(a)
    return {"shape": list(a.shape), "dtype": str(a.dtype),
            "data": [_num(v, a.dtype) for v in a.reshape(-1)]}


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


def err_dict(e):
    return {"error": err_key(e), "error_type": type(e).__name__, "error_message": scrub(str(e))}


# ------------------------------------------------------------------------- harness

def module(ns):
    return mx.np if ns == "np" else mx.nd


def make_inputs(case, values, dtype):
    mod = module(case["namespace"])
    arrs = {}
    for name, v in values.items():
        a = mod.array(np.asarray(v, dtype=dtype), dtype=dtype)
        a.attach_grad()
        arrs[name] = a
    return arrs


class _F64Mx(object):
    """Stand-in for ``mx`` used only by the float64 finite-difference check: array
    constructors in the snippet default to float64 so they mix with float64 inputs."""
    _CTORS = ("array", "arange", "zeros", "ones", "one_hot", "full", "zeros_like", "ones_like")

    def __init__(self, mod):
        self._mod = mod

    def __getattr__(self, name):
        attr = getattr(self._mod, name)
        if name in ("nd", "np", "ndarray", "numpy"):
            return _F64Mx(attr)
        if name in self._CTORS and callable(attr):
            def ctor(*args, **kwargs):
                if name not in ("zeros_like", "ones_like"):
                    kwargs.setdefault("dtype", "float64")
                return attr(*args, **kwargs)
            return ctor
        return attr


def run_code(code, arrs, f64=False):
    env = {"mx": _F64Mx(mx) if f64 else mx}
    env.update(arrs)
    exec(code, env)
    return env["out"]


def first_order(case, values, dtype):
    arrs = make_inputs(case, values, dtype)
    with mx.autograd.record():
        out = run_code(case["code"], arrs)
    fwd = out.asnumpy()
    rep = repr(out)
    try:
        out.backward()
        grads = {n: a.grad.asnumpy() for n, a in arrs.items()}
        gerr = None
    except Exception as e:  # noqa: BLE001
        grads, gerr = None, e
    return fwd, rep, grads, gerr


def second_order(case, values, dtype):
    arrs = make_inputs(case, values, dtype)
    names = list(arrs)
    with mx.autograd.record():
        out = run_code(case["code"], arrs)
        g = mx.autograd.grad(out, [arrs[n] for n in names], create_graph=True, retain_graph=True)
        s = g[0].sum()
        for gi in g[1:]:
            s = s + gi.sum()
    s.backward()
    return {n: arrs[n].grad.asnumpy() for n in names}


def grad_sum(case, values, dtype):
    """h(inputs) = sum_i sum(d sum(out) / d input_i), via MXNet first-order backward."""
    arrs = make_inputs(case, values, dtype)
    with mx.autograd.record():
        out = run_code(case["code"], arrs, f64=True)
    out.backward()
    return sum(float(a.grad.asnumpy().astype(np.float64).sum()) for a in arrs.values())


def out_sum(case, values, dtype):
    arrs = make_inputs(case, values, dtype)
    with mx.autograd.record():
        out = run_code(case["code"], arrs, f64=True)
    return float(out.asnumpy().astype(np.float64).sum())


def numeric_grad(f, values, eps):
    res = {}
    for name, v in values.items():
        g = np.zeros_like(v)
        flat, gflat = v.reshape(-1), g.reshape(-1)
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + eps
            fp = f(values)
            flat[i] = old - eps
            fm = f(values)
            flat[i] = old
            gflat[i] = (fp - fm) / (2 * eps)
        res[name] = g
    return res


def close(a, b, tol):
    return np.allclose(np.asarray(a, np.float64), np.asarray(b, np.float64), rtol=tol, atol=tol)


def fd_check(case, values, grads, second):
    """Compare MXNet's gradients with central differences in float64."""
    if not case["fd"]:
        return {"skipped": "not the mathematical derivative by design"}
    v64 = {n: np.asarray(v, np.float64).copy() for n, v in values.items()}
    res = {}
    try:
        ng = numeric_grad(lambda vs: out_sum(case, vs, "float64"), v64, 1e-4)
        if grads is not None:
            res["first"] = all(close(grads[n], ng[n], 2e-3) for n in grads)
    except Exception as e:  # noqa: BLE001
        res["first"] = "fd unavailable: " + err_key(e)
    try:
        ng2 = numeric_grad(lambda vs: grad_sum(case, vs, "float64"), v64, 1e-4)
        res["second_fd"] = {n: arr_dict(ng2[n].astype(np.float64)) for n in ng2}
        if second is not None:
            res["second"] = all(close(second[n], ng2[n], 5e-3) for n in second)
    except Exception as e:  # noqa: BLE001
        res["second"] = "fd unavailable: " + err_key(e)
    return res


def capture(case):
    dtype = case["dtype"]
    values = {}
    for name, (shape, gen) in case["inputs"].items():
        values[name] = np.asarray(gen(_rs(case["id"], name), shape), dtype=dtype)
    fwd, rep, grads, gerr = first_order(case, values, dtype)
    try:
        second = second_order(case, values, dtype)
        sec = {n: arr_dict(v) for n, v in second.items()}
    except Exception as e:  # noqa: BLE001
        second, sec = None, err_dict(e)
    rec = {
        "id": case["id"],
        "namespace": case["namespace"],
        "inputs": {n: arr_dict(v) for n, v in values.items()},
        "code": case["code"],
        "forward": arr_dict(fwd),
        "grads": {n: arr_dict(g) for n, g in grads.items()} if grads is not None
        else {n: None for n in values},
    }
    if gerr is not None:
        rec["grads_error"] = err_dict(gerr)
    rec["second"] = sec
    if case["repr"]:
        rec["out_repr"] = rep
    if case["note"]:
        rec["note"] = case["note"]
    rec["fd_check"] = fd_check(case, values, grads, second)
    return rec


def main():
    print("capturing with mxnet", mx.__version__, "numpy", np.__version__)
    out_cases, skipped = [], []
    for case in CASES:
        np_mode = case["namespace"] == "np"
        try:
            if np_mode:
                mx.npx.set_np()
            rec = capture(case)
        except Exception as e:  # noqa: BLE001
            skipped.append((case["id"], err_key(e)))
            print("SKIP %-28s forward failed: %s" % (case["id"], err_key(e)))
            continue
        finally:
            if np_mode:
                mx.npx.reset_np()
        fd = rec["fd_check"]
        flags = []
        if "error" in rec["second"]:
            flags.append("2nd-order error: " + rec["second"]["error"][:70])
        if fd.get("first") is False:
            flags.append("FIRST ORDER DISAGREES WITH FD")
        if fd.get("second") is False:
            flags.append("SECOND ORDER DISAGREES WITH FD")
        print("OK   %-28s %s" % (rec["id"], "; ".join(flags)))
        out_cases.append(rec)
    doc = {
        "captured_with": "mxnet %s" % mx.__version__,
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "skipped_ops": [{"id": i, "error": m} for i, m in skipped],
        "cases": out_cases,
    }
    # One case per line: compact, yet diffs show which cases changed.
    cases_json = doc.pop("cases")
    head = json.dumps(doc, separators=(",", ":"))[:-1]
    with open(OUT_FILE, "w") as f:
        f.write(head + ',"cases":[\n')
        f.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in cases_json))
        f.write("\n]}\n")
    print("wrote %d cases (%d skipped) to %s (%d bytes)" % (
        len(out_cases), len(skipped), OUT_FILE, os.path.getsize(OUT_FILE)))


if __name__ == "__main__":
    main()
