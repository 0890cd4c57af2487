"""The operator names issue 3 promises exist in mx.nd / mx.np / mx.npx (MXNet's names)."""
import pytest

import tapegraph as mx

ND = """negative abs sign exp expm1 log log2 log10 log1p sqrt rsqrt cbrt rcbrt square reciprocal
sin cos tan arcsin arccos arctan sinh cosh tanh arcsinh arccosh arctanh degrees radians sigmoid
relu softsign erf gamma gammaln floor ceil round trunc fix clip add subtract multiply divide
power maximum minimum hypot elemwise_add elemwise_sub elemwise_mul elemwise_div broadcast_add
broadcast_sub broadcast_mul broadcast_div broadcast_power broadcast_maximum broadcast_minimum
broadcast_hypot broadcast_equal broadcast_greater broadcast_lesser_equal where sum mean prod max
min norm argmax argmin cumsum dot batch_dot FullyConnected Activation LeakyReLU softmax
log_softmax Dropout BatchNorm LayerNorm Embedding Convolution Pooling stop_gradient BlockGrad
reshape transpose expand_dims squeeze flatten Flatten concat Concat stack split SliceChannel slice
slice_axis take pick one_hot broadcast_to tile repeat flip reverse""".split()
NP = """multiply add subtract divide power matmul dot where concatenate stack cumsum take clip
maximum minimum hypot exp log tanh sqrt sin abs square sum mean prod max min argmax reshape
transpose expand_dims squeeze broadcast_to tile repeat flip split""".split()
NPX = "relu sigmoid softmax log_softmax stop_gradient fully_connected activation".split()


@pytest.mark.parametrize("namespace, names", [("nd", ND), ("np", NP), ("npx", NPX)])
def test_promised_names_exist(namespace, names):
    module = getattr(mx, namespace)
    assert [n for n in names if not callable(getattr(module, n, None))] == []


def test_linalg_norm_and_test_utils():
    assert callable(mx.np.linalg.norm)
    for name in ("assert_almost_equal", "almost_equal", "same", "check_numeric_gradient",
                 "rand_ndarray", "rand_shape_nd", "random_arrays", "default_context",
                 "with_seed", "environment", "discard_stderr", "gradcheck"):
        assert callable(getattr(mx.test_utils, name)), name


@pytest.mark.parametrize("namespace", ["nd", "np", "npx"])
def test_no_internal_helpers_leak_into_the_user_namespaces(namespace):
    module = getattr(mx, namespace)
    assert [n for n in ("invoke", "get_op", "invoke_by_name", "STATE") if hasattr(module, n)] == []
