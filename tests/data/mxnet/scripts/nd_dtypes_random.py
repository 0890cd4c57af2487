"""dtype behaviour and random sampling shapes in legacy nd (MXNet's NDArray tutorial and
test_ndarray.py): comparisons, mixed dtypes, casting, float16/float64, random.* shapes."""
import numpy as np
import mxnet as mx
from mxnet import nd

mx.random.seed(31)
np.random.seed(31)

a = nd.array([1, 2, 3])
b = nd.array([3, 2, 1], dtype='int32')
print(a.dtype, b.dtype, (a == 2).dtype, (a > 1))
print((b * 2).dtype, (b / 2), (b + 1.5).dtype)
print(nd.array([1.5, 2.5], dtype='float64').dtype, nd.array([1, 2], dtype=np.int64) + 1)
print(a.astype('int32') + b)
h = nd.array([1, 2, 3], dtype='float16')
print(h.dtype, (h * 2).dtype, h.sum())
print(nd.cast(a, dtype='uint8'), nd.ones((2,), dtype='int8').dtype)
print(nd.zeros((2, 2), dtype='float64').dtype, nd.arange(3, dtype='int64').dtype)
print(nd.random.uniform(0, 1, shape=(2, 3)).shape, nd.random.normal(shape=(4,)).dtype)
print(nd.random.uniform(low=2, high=3, shape=(100,)).min().asscalar() >= 2)
print(nd.random.randint(0, 5, shape=(3,)).dtype, nd.random.poisson(2, shape=(2,)).shape)
print(nd.random.multinomial(nd.array([0.0, 1.0, 0.0]), shape=4))
print(nd.random.shuffle(nd.arange(5)).sort())
print(nd.random.exponential(1, shape=(2, 2)).shape, nd.random.gamma(1, 1, shape=(3,)).shape)
s = nd.random.normal(0, 1, shape=(2000,))
print(abs(s.mean().asscalar()) < 0.1, abs(s.asnumpy().std() - 1) < 0.1)
print(nd.random_uniform(shape=(2,)).shape, nd.random.uniform(nd.zeros(2), nd.ones(2)).shape)
x = nd.arange(6).reshape((2, 3))
print(x.asnumpy().dtype, x.asnumpy().tolist())
print(x.copy().context, x.as_in_context(mx.cpu()).context, x.copyto(mx.cpu()).shape)
y = nd.zeros((2, 3))
x.copyto(y)
print(y)
print(x.size, x.ndim, len(x), x.T.shape, x.handle is not None if hasattr(x, 'handle') else True)
print(nd.array(np.float64(2.5)).dtype, nd.array([True, False]).dtype)
print(nd.norm(nd.array([[3, 4], [6, 8]]), axis=1), nd.norm(nd.array([3., 4.]), ord=1))
print(nd.argsort(nd.array([3, 1, 2])), nd.argmax(nd.array([[1, 3], [4, 2]]), axis=1).dtype)
print(nd.abs(nd.array([-1, 2])) ** 0.5, nd.sign(nd.array([-2, 0, 3])))
