"""Capture MXNet 1.9.1's behaviour on API-surface cases: printing under
`mx.np.set_printoptions`, and NDArray / mx.np.ndarray methods on edge cases (keyword
arguments, defaults, `out=`, negative axes, 0-d arrays).

Run with the oracle's Python (real MXNet 1.9.1):

    /tmp/mxnet-oracle/bin/python tools/capture_api_surface.py > tests/data/mxnet/api_surface.json

Each case is a Python expression over `mx` and `onp` (NumPy), evaluated by the test with
`import tapegraph as mx`. Its entry is {"dtype", "shape", "value", "type"} for an array,
{"text": ...} for a string, {"python": ...} for other results, or {"error": type name,
"message": last line}.
"""
import json
import sys

import mxnet as mx
import numpy as onp

PRINT_CASES = [
    # (set_printoptions keywords, expression printed with str and repr)
    ({"precision": 3}, "mx.np.array([1.123456789, 2.5, 3.0])"),
    ({"precision": 3}, "mx.np.array([[1.0 / 3, 2.0 / 3]], dtype='float64')"),
    ({"threshold": 5}, "mx.np.arange(10)"),
    ({"threshold": 5, "precision": 2}, "mx.np.arange(12).reshape(3, 4) / 7"),
    ({"precision": 4}, "mx.nd.array([1.0 / 3, 2.0 / 3])"),
]
PRINT_ERRORS = ["mx.np.set_printoptions(linewidth=3)",
                "mx.np.set_printoptions(precision=2, suppress=True)"]

# Expressions over arrays named in SETUP; each is evaluated on fresh arrays.
SETUP = """
a = mx.nd.array([[1., -2., 3.], [4., 5., -6.]])
v = mx.nd.array([3., 1., 2.])
s = mx.nd.array([7.])
i = mx.nd.array([[1, 2, 3], [4, 5, 6]], dtype='int32')
b = mx.np.array([[1., -2., 3.], [4., 5., -6.]])
w = mx.np.array([3., 1., 2.])
z = mx.np.array(7.)
k = mx.np.array([[1, 2, 3], [4, 5, 6]], dtype='int32')
o = mx.nd.zeros((2,))
p = mx.np.zeros((2,))
"""

METHOD_CASES = [
    # legacy NDArray reductions: keywords, negative axes, exclude, keepdims
    "a.sum()", "a.sum(axis=-1)", "a.sum(axis=(0, 1))", "a.sum(-1, keepdims=True)",
    "a.sum(axis=0, exclude=True)", "a.mean(axis=-2)", "a.max(axis=1)", "a.min(1, True)",
    "a.prod(axis=-1)", "a.nansum(axis=0)", "a.norm()", "a.norm(ord=1, axis=1)",
    "a.argmax(axis=-1)", "a.argmin()", "a.argmax_channel()", "s.sum()", "s.asscalar()",
    "a.sum(axis=2)", "a.mean(axis=())",
    # legacy shape methods
    "a.reshape((3, 2))", "a.reshape(3, 2)", "a.reshape(-1)", "a.reshape((0, -1))",
    "a.reshape(shape=(-3,))", "a.reshape((-4, 1, 2, -2))", "a.reshape((4, 2))",
    "a.transpose()", "a.transpose((1, 0))", "a.transpose(axes=(1, 0))", "a.T",
    "a.flatten()", "a.expand_dims(axis=-1)", "a.expand_dims(0)", "a.squeeze()",
    "s.squeeze()", "a.swapaxes(0, 1)", "a.swapaxes(dim1=0, dim2=-1)", "a.flip(axis=-1)",
    "a.tile((2,))", "a.tile(reps=(1, 2))", "a.repeat(2)", "a.repeat(2, axis=-1)",
    "a.split(num_outputs=2, axis=0)", "a.split(3, axis=1, squeeze_axis=True)",
    "a.slice_axis(axis=-1, begin=0, end=2)", "a.slice(begin=(0, 1), end=(2, 3))",
    "a.take(mx.nd.array([0, 1]), axis=-1)", "a.pick(mx.nd.array([0, 2]), axis=-1)",
    "a.pick(mx.nd.array([0, 2]), axis=1, keepdims=True)", "a.one_hot(3)",
    "v.sort()", "v.sort(is_ascend=False)", "v.argsort()", "a.topk(k=2)",
    "a.topk(axis=-1, k=1, ret_typ='value')", "a.topk(k=2, ret_typ='both')",
    "a.clip(-1, 4)", "a.clip(a_min=0, a_max=1)", "a.abs()", "a.sign()", "a.round()",
    "a.sqrt()", "a.square()", "a.exp()", "a.log()", "a.relu()", "a.sigmoid()",
    "a.softmax()", "a.softmax(axis=0)", "a.log_softmax(axis=-1)",
    "a.astype('int32')", "a.astype('float64', copy=False)", "i.astype(onp.float16)",
    "a.copy()", "a.as_in_context(mx.cpu())", "a.zeros_like()", "a.ones_like()",
    "a.broadcast_to((2, 2, 3))", "v.broadcast_like(a)", "a.reshape_like(mx.nd.zeros((3, 2)))",
    "a.shape_array()", "a.size_array()", "a.diag()", "a.diag(k=1)",
    "a.sum(out=o)", "a.sum(axis=1, out=o)", "i.sum()", "i.mean()",
    "a.tostype('default')", "a.asnumpy().dtype.name", "a.size", "a.ndim", "a.dtype",
    "a.context", "a.stype", "a.handle is not None", "len(a)", "i.dtype",
    "a[0]", "a[-1, -1]", "a[:, -1]", "a[1:]", "a[1:, :1]",
    # more keywords, defaults and out= (methods and mx.nd functions)
    "a.max(axis=-1, keepdims=True)", "a.clip(0, 2, out=mx.nd.zeros((2, 3)))",
    "a.clip(0, 2, out=o)", "a.astype('int32', copy=True)", "a.reshape(2, -1, reverse=True)",
    "a.reshape((-1, 2), reverse=True)", "v.argsort(is_ascend=False)", "v.sort(axis=0)",
    "a.sum(axis=-1, exclude=True)", "a.norm(axis=-1, keepdims=True)", "a.cumsum(axis=1)",
    "mx.nd.ones((1, 3)).squeeze(axis=0)", "mx.nd.ones((1, 3)).squeeze(axis=1)",
    "a.expand_dims(axis=2).shape", "a.softmax(axis=0, temperature=2.0)",
    "a.topk(axis=0, k=1)", "a.argmax(axis=0, keepdims=True)", "a.prod()",
    "mx.nd.sum(a, axis=-1, keepdims=True)", "mx.nd.sum(a, axis=(0, 1), exclude=True)",
    "mx.nd.mean(a, 1)", "mx.nd.max(a, axis=0, out=mx.nd.zeros((3,)))",
    "mx.nd.dot(a, a, transpose_b=True)", "mx.nd.dot(a, a, transpose_a=True)",
    "mx.nd.concat(a, a, dim=0)", "mx.nd.concat(a, a)", "mx.nd.stack(a, a, axis=-1)",
    "mx.nd.stack(a, a)", "mx.nd.softmax(a, axis=0)", "mx.nd.log_softmax(a, temperature=2.0)",
    "mx.nd.one_hot(mx.nd.array([0, 2]), depth=3)",
    "mx.nd.one_hot(mx.nd.array([0, 2]), 3, on_value=5, off_value=-1, dtype='int32')",
    "mx.nd.where(a > 0, a, mx.nd.zeros_like(a))", "mx.nd.clip(a, a_min=-1, a_max=1)",
    "mx.nd.exp(a, out=mx.nd.zeros((2, 3)))", "mx.nd.add(a, a, out=mx.nd.zeros((2, 3)))",
    "mx.nd.reshape(a, shape=(3, 2))", "mx.nd.transpose(a, axes=(1, 0))",
    "mx.nd.slice_axis(a, axis=1, begin=-2, end=None)", "mx.nd.flip(a, axis=0)",
    "mx.nd.repeat(v, repeats=2)", "mx.nd.tile(v, reps=(2,))", "mx.nd.argmax(a, axis=1)",
    "mx.nd.norm(a)", "mx.nd.norm(a, ord=1)", "mx.nd.square(a).sum(axis=-1)",
    "mx.nd.broadcast_add(a, v.reshape((1, 3)))", "mx.nd.broadcast_axis(s.reshape((1, 1)), "
    "axis=1, size=3)", "mx.nd.zeros((2, 3), dtype='int64')", "mx.nd.ones(3, dtype='bool')",
    "mx.nd.full((2,), 7)", "mx.nd.arange(5)", "mx.nd.arange(1, 7, 2, repeat=2)",
    "mx.nd.array([1, 2, 3])", "mx.nd.array(onp.array([1, 2], dtype='int64'))",
    "mx.nd.array([[1, 2]], dtype='float16')", "mx.nd.empty((2,)).shape",
    "mx.nd.linspace(0, 1, 5)", "mx.nd.eye(2, k=1)",
    # conversions, comparisons, copies and attributes
    "float(s)", "int(s)", "bool(s)", "float(a)", "bool(a)", "s.asscalar()", "a.asscalar()",
    "a == 1", "a != a", "a > v", "a <= 0.5", "1 - a", "2 ** v", "v ** 2", "-a", "abs(a)",
    "a % 2", "a // 2", "a.copyto(mx.nd.zeros((2, 3)))", "a.copyto(mx.cpu())",
    "a.copyto(mx.nd.zeros((3, 2)))", "a.detach()", "a.as_np_ndarray()", "v.T", "len(v)",
    "a.wait_to_read()", "a.grad", "a.attach_grad() or a.grad", "a.T.T", "a.size_array()",
    "mx.nd.zeros((0, 3)).sum(axis=0)", "mx.nd.zeros((0, 3)).shape", "a[[0, 1]]",
    "a[mx.nd.array([1, 0])]", "a[:, [0, 2]]", "a[0][1]", "a[1, 1:]", "a[-1]", "a[::-1]",
    "a.reshape((6,))[::2]", "v[v > 1]", "a.astype('bool')", "a.astype(onp.uint8)",
    "mx.nd.array([256, -1]).astype('uint8')", "mx.nd.array([2.7, -2.7]).astype('int32')",
]
# mx.np.ndarray, evaluated under mx.npx.set_np() as NumPy-mode code runs
NP_METHOD_CASES = [
    "b.sum()", "b.sum(axis=-1)", "b.sum(axis=(0, 1))", "b.sum(-1, keepdims=True)",
    "b.sum(axis=0, dtype='float64')", "b.sum(initial=10)", "b.mean(axis=-2)",
    "b.max(axis=1)", "b.min(1, keepdims=True)", "b.prod(axis=-1)", "b.std()",
    "b.std(axis=0, ddof=1)", "b.var(axis=-1)", "b.argmax(axis=-1)", "b.argmin()",
    "b.cumsum()", "b.cumsum(axis=-1)", "b.all()", "b.any(axis=0)", "z.sum()",
    "z.item()", "z.tolist()", "b.tolist()", "b.item(1)", "k.sum()", "k.mean()",
    "k.sum(dtype='int64')", "b.sum(axis=2)",
    "b.reshape((3, 2))", "b.reshape(3, 2)", "b.reshape(-1)", "b.reshape((0, -1))",
    "b.reshape(6, order='C')", "b.transpose()", "b.transpose(1, 0)", "b.transpose((1, 0))",
    "b.T", "b.flatten()", "b.ravel()", "b.squeeze()", "z.squeeze()",
    "b.swapaxes(0, -1)", "b.repeat(2)", "b.repeat(2, axis=-1)",
    "b.take(mx.np.array([0, 1]), axis=-1)",
    "b.take(mx.np.array([0, 4]))", "b.clip(-1, 4)", "b.clip(min=0)", "b.clip(max=1)",
    "b.round()", "b.round(decimals=1)", "b.copy()", "b.astype('int32')",
    "b.astype('float64', copy=False)", "k.astype(onp.float16)", "b.dot(mx.np.ones((3,)))",
    "b.nonzero()", "w.sort()", "w.argsort()", "w.argsort(axis=-1)", "b.flip(0)",
    "b.expand_dims(-1)", "b.broadcast_to((2, 2, 3))", "b.diagonal()", "b.trace()",
    "b.sum(out=p)", "b.max(axis=0, out=mx.np.zeros((3,)))", "b.mean(axis=1, out=p)",
    "b.size", "b.ndim", "b.dtype", "b.shape", "z.shape", "z.ndim", "len(b)", "b.ctx",
    "b.itemsize", "b.nbytes", "k.dtype", "b.T.shape", "z.T.shape", "z.reshape(1)",
    "z.reshape(())", "float(z)", "int(z)", "bool(z)", "z + 1", "z * w",
    "b[0]", "b[-1, -1]", "b[:, -1]", "b[..., 0]", "b[None].shape", "z[()]", "z[...]",
    # more keywords, defaults, out= and 0-d arrays (methods and mx.np functions)
    "b.max(-1, keepdims=True)", "b.all(axis=-1)", "b.any(keepdims=True)",
    "b.prod(dtype='float64')", "b.mean(dtype='float64')", "b.std(ddof=1, keepdims=True)",
    "b.argmax(axis=0)", "b.clip(-1, 4, out=mx.np.zeros((2, 3)))", "b.min(axis=(0, 1))",
    "b.sum(axis=(-1, -2))", "k.max()", "k.prod()", "k.std()", "k.var()", "k.argmax()",
    "z.astype('int32')", "z.reshape(-1)", "z.transpose()", "z.max()", "z.argmax()",
    "z * z", "z.mean()", "z.std()", "z.copy()", "z.sum(axis=0)", "z.flatten()",
    "mx.np.add(b, 1, out=mx.np.zeros((2, 3)))", "mx.np.exp(b, out=mx.np.zeros((2, 3)))",
    "mx.np.sum(b, axis=-1, out=mx.np.zeros((2,)))", "mx.np.mean(k)", "mx.np.mean(k, axis=0)",
    "mx.np.sum(k, dtype='float32')", "mx.np.max(b, axis=-1)", "mx.np.amax(b, 0)",
    "mx.np.argmax(b, axis=-1)", "mx.np.argmin(b)", "mx.np.prod(b, axis=0)",
    "mx.np.cumsum(b)", "mx.np.cumsum(b, axis=0)", "mx.np.std(b, axis=0)",
    "mx.np.var(b, ddof=1)", "mx.np.reshape(b, (3, -1))", "mx.np.reshape(b, -1)",
    "mx.np.transpose(b)", "mx.np.transpose(b, (1, 0))", "mx.np.swapaxes(b, 0, 1)",
    "mx.np.expand_dims(b, -1)", "mx.np.squeeze(mx.np.ones((1, 3, 1)))",
    "mx.np.squeeze(mx.np.ones((1, 3, 1)), axis=-1)", "mx.np.concatenate([b, b])",
    "mx.np.concatenate([b, b], axis=-1)", "mx.np.concatenate([b, b], axis=None)",
    "mx.np.stack([w, w])", "mx.np.stack([w, w], axis=-1)", "mx.np.split(w, 3)",
    "mx.np.split(b, [1, 2], axis=1)", "mx.np.where(b > 0)", "mx.np.where(b > 0, b, 0)",
    "mx.np.clip(b, 0, None)", "mx.np.clip(b, None, 1)", "mx.np.maximum(b, 0)",
    "mx.np.dot(b, w)", "mx.np.dot(w, w)", "mx.np.matmul(b, mx.np.ones((3, 2)))",
    "mx.np.tensordot(b, b, axes=([1], [1]))", "mx.np.outer(w, w)", "mx.np.flip(b)",
    "mx.np.flip(b, axis=-1)", "mx.np.tile(w, 2)", "mx.np.repeat(w, 2)", "mx.np.sort(w)",
    "mx.np.argsort(w)", "mx.np.unique(mx.np.array([3., 1., 3.]))", "mx.np.zeros(3)",
    "mx.np.zeros((2,), dtype='int32')", "mx.np.ones(())", "mx.np.full(2, 3)",
    "mx.np.full((2,), 3.5, dtype='int32')", "mx.np.arange(5)", "mx.np.arange(1, 7, 2)",
    "mx.np.arange(0.5, 2.0, 0.5)", "mx.np.linspace(0, 1, 5)", "mx.np.eye(2)",
    "mx.np.eye(2, 3, k=1)", "mx.np.array([1, 2, 3])", "mx.np.array([1, 2, 3], dtype='int32')",
    "mx.np.array(onp.array([1, 2], dtype='int64'))", "mx.np.array(3)", "mx.np.array(True)",
    "mx.np.zeros_like(k)", "mx.np.ones_like(b, dtype='int32')", "mx.np.empty((2,)).shape",
    "mx.np.abs(-z)", "mx.np.sqrt(w)", "mx.np.power(w, 2)", "mx.np.square(z)",
    "mx.np.log(w)", "mx.np.sum(z)", "mx.np.linalg.norm(b)", "mx.np.linalg.norm(b, axis=1)",
    # conversions, comparisons, copies and attributes
    "float(z)", "bool(b)", "len(z)", "z.item()", "b == 1", "b != b", "b > w", "b <= 0.5",
    "1 - b", "2 ** w", "w ** 2", "-b", "abs(b)", "b % 2", "b // 2", "k // 2", "k / 2",
    "k % 4", "-k", "b.copy()", "b.as_nd_ndarray()", "w.T", "b.detach()", "b.grad",
    "b.attach_grad() or b.grad", "b[[0, 1]]", "b[mx.np.array([1, 0])]", "b[:, [0, 2]]",
    "b[0][1]", "b[1, 1:]", "b[::-1]", "w[w > 1]", "b[b > 0]", "b.astype('bool')",
    "mx.np.array([256., -1.]).astype('uint8')", "mx.np.array([2.7, -2.7]).astype('int32')",
    "mx.np.zeros((0, 3)).sum(axis=0)", "mx.np.zeros((0, 3)).max(axis=1)",
    "mx.np.ones((2, 0)).mean()", "b.copyto(mx.np.zeros((2, 3)))",
]


def entry(value):
    if isinstance(value, (mx.nd.NDArray, mx.np.ndarray)):
        host = value.asnumpy()
        return {"type": "np" if isinstance(value, mx.np.ndarray) else "nd",
                "dtype": onp.dtype(host.dtype).name, "shape": list(host.shape),
                "value": host.astype(onp.float64).ravel().tolist()
                if host.dtype != bool else host.ravel().tolist()}
    if isinstance(value, (list, tuple)) and value and all(
            isinstance(x, (mx.nd.NDArray, mx.np.ndarray)) for x in value):
        return {"list": [entry(x) for x in value]}
    if isinstance(value, str):
        return {"text": value}
    if isinstance(value, type) or isinstance(value, onp.dtype):
        return {"python": onp.dtype(value).name}
    if isinstance(value, mx.Context):
        return {"python": str(value)}
    if isinstance(value, (onp.generic,)):
        value = value.item()
    return {"python": value}


def refusal(e):
    lines = [ln for ln in str(e).strip().splitlines() if ln.strip()]
    return {"error": type(e).__name__, "message": (lines[-1] if lines else "")[:300]}


def evaluate(expression, np_mode=False):
    scope = {"mx": mx, "onp": onp}
    if np_mode:
        mx.npx.set_np()
    try:
        exec(SETUP, scope)
        return _evaluate(expression, scope)
    finally:
        if np_mode:
            mx.npx.reset_np()


def _evaluate(expression, scope):
    try:
        value = eval(expression, scope)
        if isinstance(value, (mx.nd.NDArray, mx.np.ndarray)):
            value.wait_to_read()
        return entry(value)
    except Exception as e:  # record MXNet's refusal as it is
        return refusal(e)


def printing():
    saved = onp.get_printoptions()
    cases = []
    for options, expression in PRINT_CASES:
        mx.np.set_printoptions(**options)
        value = eval(expression, {"mx": mx, "onp": onp})
        cases.append({"options": options, "expression": expression, "str": str(value),
                      "repr": repr(value)})
        onp.set_printoptions(**saved)
    errors = {}
    for expression in PRINT_ERRORS:
        try:
            eval(expression, {"mx": mx})
            errors[expression] = {"python": None}
        except Exception as e:  # record MXNet's refusal as it is
            errors[expression] = refusal(e)
        onp.set_printoptions(**saved)
    return {"cases": cases, "errors": errors}


def main():
    result = {"mxnet": mx.__version__, "setup": SETUP, "printing": printing(),
              "methods": {expression: evaluate(expression) for expression in METHOD_CASES},
              "np_methods": {expression: evaluate(expression, True)
                             for expression in NP_METHOD_CASES}}
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
