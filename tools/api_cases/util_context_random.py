"""mx.util, mx.context, mx.random, nd.random and the legacy nd sampling aliases."""
PRELUDE = '''
from mxnet import util
def scoped_shape():
    with util.np_shape(True):
        return util.is_np_shape(), util.is_np_array()
def scoped_array():
    with util.np_array(True):
        return util.is_np_shape(), util.is_np_array()
@util.use_np
def decorated():
    return util.is_np_shape(), util.is_np_array()
@util.use_np
class Decorated:
    def method(self):
        return util.is_np_array()
    @property
    def prop(self):
        return util.is_np_shape()
def set_and_reset():
    util.set_np()
    on = (util.is_np_array(), util.is_np_shape())
    util.reset_np()
    return on + (util.is_np_array(), util.is_np_shape())
def env_roundtrip():
    util.setenv("TAPEGRAPH_CAPTURE_X", "5")
    got = util.getenv("TAPEGRAPH_CAPTURE_X")
    util.setenv("TAPEGRAPH_CAPTURE_X", None)
    return got, util.getenv("TAPEGRAPH_CAPTURE_X")
unary = util.wrap_np_unary_func(lambda x, out=None: x)
binary = util.wrap_np_binary_func(lambda x, y, out=None: x)
def in_context():
    with mx.cpu(3):
        return str(mx.context.current_context())
def seeded(draw):
    mx.random.seed(11)
    first = draw().asnumpy()
    mx.random.seed(11)
    return bool((first == draw().asnumpy()).all())
a = nd.array([[1, 2], [3, 4]])
'''
CASES = [
    "util.is_np_array()", "util.is_np_shape()", "scoped_shape()", "scoped_array()",
    "decorated()", "Decorated().method()", "Decorated().prop", "set_and_reset()",
    "util.set_np(shape=False, array=True)", "util.set_np_shape(True)",
    "util.set_np_shape(False)", "env_roundtrip()", "util.getenv('TAPEGRAPH_UNSET_VAR')",
    "util.get_gpu_count()", "util.get_gpu_memory(0)",
    "util.get_cuda_compute_capability(mx.cpu())",
    "[util.np_ufunc_legal_option(k, v) for k, v in [('where', False), ('casting', 'unsafe'),"
    " ('casting', 'x'), ('order', 'C'), ('order', 1), ('dtype', 'float32'), ('dtype', 'int16'),"
    " ('subok', 1), ('subok', False), ('foo', 1)]]",
    "unary(1)", "unary(1, where=False)", "unary(1, foo=2)", "unary(1, casting='bogus')",
    "binary(1, 2)", "binary(1, 2, casting='unsafe')", "binary(1, 2, dtype='float32')",
    "binary(1, 2, subok=3)", "binary(1, 2, bar=3)",
    "util.set_module('foo.bar')(decorated).__module__",
    "str(mx.context.cpu_pinned(1))", "str(mx.context.current_context())", "in_context()",
    "str(mx.context.current_context())", "mx.context.num_gpus()",
    "mx.context.gpu_memory_info(0)", "mx.cpu().device_typeid", "mx.gpu(2).device_typeid",
    "str(mx.Context('gpu', 1))", "mx.Context('cpu', 1) == mx.cpu(1)", "mx.Context('tpu')",
    "str(mx.Context.default_ctx)", "mx.cpu().empty_cache()", "mx.Context.devtype2str",
    "mx.random.seed('a')", "mx.random.seed(1, ctx=mx.cpu())",
    "seeded(lambda: nd.random.uniform(shape=(4,)))",
    "seeded(lambda: mx.np.random.normal(size=(4,)))",
    "seeded(lambda: mx.random.normal(shape=(3,)))",
    "~nd.random.uniform()", "~nd.random.uniform(shape=(2, 3))",
    "~nd.random.uniform(shape=(2,), dtype='float64')",
    "~nd.random.uniform(shape=(2,), dtype='float16')",
    "~nd.random.uniform(shape=(2,), dtype='int32')",
    "~nd.random.uniform(a, a + 1)", "~nd.random.uniform(a, a + 1, shape=3)",
    "~nd.random.uniform(0, a)", "~nd.random.normal()", "~nd.random.normal(a, a, shape=(2,))",
    "~nd.random.exponential(shape=(2, 3))", "~nd.random.exponential(a)",
    "~nd.random.gamma(shape=(2,), dtype='float64')", "~nd.random.gamma(a, a, shape=2)",
    "~nd.random.poisson(shape=(3,))", "~nd.random.negative_binomial(shape=(3,))",
    "~nd.random.generalized_negative_binomial(shape=(3,))", "~nd.random.randn(2, 3)",
    "~nd.random.randint(0, 5)", "~nd.random.randint(0, 5, shape=(2, 3))",
    "~nd.random.randint(0, 5, shape=(2,), dtype='int64')",
    "~nd.random.randint(0, 5, shape=(2,), dtype='float32')",
    "~nd.random.uniform_like(a)", "~nd.random.normal_like(nd.array([1, 2], dtype='int32'))",
    "~nd.random.exponential_like(a)", "~nd.random.gamma_like(a)", "~nd.random.poisson_like(a)",
    "~nd.random.negative_binomial_like(a)", "~nd.random.generalized_negative_binomial_like(a)",
    "~nd.random.multinomial(nd.array([[0.1, 0.9], [0.5, 0.5]]))",
    "~nd.random.multinomial(nd.array([[0.1, 0.9], [0.5, 0.5]]), shape=3)",
    "~nd.random.multinomial(nd.array([0.1, 0.9]), shape=(2,), get_prob=True)",
    "~nd.random.shuffle(a)", "~nd.random.uniform(shape=(2, 2), out=a)",
    "~nd.random_uniform(shape=(2,))", "~nd.random_uniform(0, 1, (2,))",
    "~nd.random_normal(0, 1, (2, 3))", "~nd.uniform(0, 1, (2, 3))",
    "~nd.normal(loc=0, scale=1, shape=(2, 3))",
    "~nd.uniform(low=0, high=1, shape=(2, 3), dtype='float64')",
    "~nd.random_randint(0, 5, shape=(2,))", "~nd.random_exponential(lam=2, shape=(2,))",
    "~nd.random_gamma(alpha=2, beta=1, shape=(2,))", "~nd.random_poisson(lam=2, shape=(2,))",
    "~nd.random_negative_binomial(k=2, p=0.5, shape=(2,))",
    "~nd.random_generalized_negative_binomial(mu=2, alpha=0.5, shape=(2,))",
    "~nd.sample_uniform(nd.array([0, 1]), nd.array([1, 2]), shape=(3,))",
    "~nd.sample_normal(nd.array([0, 1]), nd.array([1, 2]))",
    "~nd.sample_exponential(nd.array([1, 2]))", "~nd.sample_gamma(a, a)",
    "~nd.sample_poisson(a, shape=2)", "~nd.sample_negative_binomial(a, a / 5)",
    "~nd.sample_generalized_negative_binomial(a, a)",
    "~nd.sample_multinomial(nd.array([[0.1, 0.9]]))", "~nd.shuffle(a)",
    "~mx.random.uniform(0, 1, shape=(2,))", "~mx.random.randint(0, 3, shape=(2,))",
    "~mx.random.exponential(shape=(2,))", "~mx.random.gamma(shape=(2,))",
    "~mx.random.poisson(shape=(2,))", "~mx.random.negative_binomial(shape=(2,))",
    "~mx.random.generalized_negative_binomial(shape=(2,))", "~mx.random.randn(2)",
    "~mx.random.shuffle(a)", "~mx.random.multinomial(nd.array([0.3, 0.7]), shape=(4,))",
    "~mx.npx.random.bernoulli(0.5, size=(3,))", "~mx.npx.random.bernoulli(logit=0.1)",
    "mx.npx.random.bernoulli(0.5, 0.2)",
    "~mx.npx.random.uniform_n(mx.np.zeros((2,)), 1, batch_shape=(3,))",
    "~mx.npx.random.normal_n(0, mx.np.ones((2,)), batch_shape=3)",
    "~mx.npx.random.uniform_n(0, 1)",
    "mx.npx.is_np_array()", "mx.npx.num_gpus()", "str(mx.npx.cpu(1))",
    "str(mx.npx.current_context())",
]
