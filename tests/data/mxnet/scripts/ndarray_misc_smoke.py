"""Assorted NDArray operations side by side with MXNet: advanced indexing and assignment,
iteration, save/load of dicts and lists, sort/topk/argsort, gather/scatter, batch_dot,
linalg.gemm2, SequenceMask, reshape codes, shape_array, khatri_rao."""
import numpy as np
import mxnet as mx
from mxnet import nd
def run(name, f):
    try:
        out = f()
        if isinstance(out, nd.NDArray):
            out = (out.shape, str(out.dtype), out.asnumpy().ravel()[:8].tolist(), str(out.context))
        print(name, out)
    except Exception as e:
        print(name, "ERROR", type(e).__name__)
x = nd.array(np.arange(24).reshape(2, 3, 4))
run("adv idx", lambda: x[[0, 1], [1, 2]])
run("bool-ish idx", lambda: x[:, nd.array([0, 2])])
run("neg step", lambda: x[:, ::-1, 1])
run("ellipsis", lambda: x[..., 1])
run("newaxis", lambda: x[None, 0].shape)
y = x.copy(); y[0, :, 1:3] = nd.array([[-1, -2]] * 3)
run("setitem", lambda: y[0])
y[1] = 7
run("setitem scalar", lambda: y[1].sum())
run("iter", lambda: [a.shape for a in x])
run("len", lambda: len(x))
nd.save("t.nd", {"a": x, "b": nd.ones((2,), dtype="int32")})
run("load", lambda: sorted((k, v.shape, str(v.dtype)) for k, v in nd.load("t.nd").items()))
nd.save("l.nd", [x, x * 2])
run("load list", lambda: [v.shape for v in nd.load("l.nd")])
run("astype", lambda: x.astype("float16")[0, 0])
run("topk", lambda: nd.topk(nd.array([[3, 1, 2], [0, 5, 4]]), k=2, ret_typ="both"))
run("sort", lambda: nd.sort(nd.array([3, 1, 2]), is_ascend=False))
run("argsort", lambda: nd.argsort(nd.array([3, 1, 2])))
run("where", lambda: nd.where(nd.array([1, 0, 1]), nd.array([1, 2, 3]), nd.array([4, 5, 6])))
run("one_hot", lambda: nd.one_hot(nd.array([1, 0]), 3))
run("gather_nd", lambda: nd.gather_nd(x, nd.array([[0, 1], [1, 2]])))
run("scatter_nd", lambda: nd.scatter_nd(nd.array([1, 2]), nd.array([[0, 1], [1, 0]]), (2, 2)))
run("batch_dot", lambda: nd.batch_dot(nd.ones((2, 2, 3)), nd.ones((2, 3, 4))))
run("linalg gemm2", lambda: nd.linalg.gemm2(nd.ones((2, 3)), nd.ones((3, 2)), alpha=2.0))
run("SequenceMask", lambda: nd.SequenceMask(nd.ones((3, 2, 1)), nd.array([1, 3]), use_sequence_length=True, value=-1))
run("norm", lambda: nd.norm(nd.array([[3, 4], [6, 8]]), axis=1))
run("clip", lambda: nd.clip(nd.array([-2, 0.5, 3]), 0, 1))
run("cumsum np", lambda: mx.np.cumsum(mx.np.array([1, 2, 3])))
run("waitall", lambda: nd.waitall())
run("shape_array", lambda: nd.shape_array(x))
run("size_array", lambda: nd.size_array(x))
run("reshape codes", lambda: x.reshape((0, -1)).shape)
run("reshape -3", lambda: x.reshape((-3, 0)).shape)
run("reshape -4", lambda: x.reshape((-4, 1, 2, 0, 0)).shape)
run("tile/repeat", lambda: (nd.tile(nd.array([1, 2]), (2,)).asnumpy().tolist(), nd.repeat(nd.array([1, 2]), 2).asnumpy().tolist()))
run("diag", lambda: nd.diag(nd.array([[1, 2], [3, 4]])))
run("khatri", lambda: nd.khatri_rao(nd.ones((2, 2)), nd.ones((3, 2))))
