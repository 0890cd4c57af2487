"""mx.test_utils: tolerances, assertions, helpers, symbolic checks, star-import surface."""
PRELUDE = '''
import numpy as np
from mxnet import test_utils as tu
def star():
    scope = {}
    exec("from mxnet.test_utils import *", scope)
    return sorted(k for k in ("mx", "np", "use_np", "random_uniform_arrays", "is_op_runnable",
                              "environment", "assert_almost_equal", "same", "rand_ndarray",
                              "check_numeric_gradient", "check_symbolic_forward", "npt", "rnd",
                              "default_context", "set_default_context", "rand_shape_nd")
                  if k in scope)
def raises(fn):
    try:
        fn()
    except AssertionError:
        return "AssertionError"
    return "passed"
a = mx.sym.Variable('a')
b = mx.sym.Variable('b')
loc = [np.array([[1., 2.], [3., 4.]]), np.array([[5., 6.], [7., 8.]])]
s = a * b + a
def fwd(expected):
    return tu.check_symbolic_forward(s, loc, expected)
def bwd(expected, req='write'):
    np.random.seed(0)
    return tu.check_symbolic_backward(s, loc, [np.ones((2, 2))], expected,
                                      grad_req=req)
def numeric(sym, location):
    tu.check_numeric_gradient(sym, location)
    return "ok"
'''
CASES = [
    "star()", "tu.default_dtype()", "str(tu.default_context())",
    "{str(k): v for k, v in tu.default_rtols().items()}",
    "{str(k): v for k, v in tu.default_atols().items()}",
    "{str(k): v for k, v in tu.default_numeric_eps().items()}",
    "tu.get_atol()", "tu.get_rtol()", "tu.get_atol(0.5)", "tu.get_etol()", "tu.get_etol(0.1)",
    "tu.get_rtol(dtype=np.dtype('float16'))",
    "tu.get_tols(np.ones(2, 'float16'), np.ones(2, 'float32'), None, None)",
    "tu.get_tols(1.0, np.ones(2, 'int32'), None, None)",
    "tu.get_tolerance(np.ones(2, 'float32'), {np.dtype('float32'): 0.5}, tu.default_rtols())",
    "str(tu.effective_dtype(nd.ones((2,), dtype='float16')))",
    "tu.almost_equal(np.ones(3), np.ones(3) * (1 + 1e-6))",
    "tu.almost_equal(np.ones(3, 'float32'), np.ones(3) * (1 + 1e-4))",
    "raises(lambda: tu.assert_almost_equal(nd.ones((2,)), np.ones(2) * 1.00001))",
    "raises(lambda: tu.assert_almost_equal(nd.ones((2,)), np.ones(2) * 1.1))",
    "raises(lambda: tu.assert_almost_equal(np.ones(2, 'float16'), np.ones(2) * 1.005))",
    "raises(lambda: tu.assert_almost_equal(np.array([1, 2]), np.array([1, 3])))",
    "raises(lambda: tu.assert_almost_equal(np.ones(2), np.ones(2), rtol=0, atol=0))",
    "raises(lambda: tu.assert_almost_equal(np.ones((2, 1)), np.ones((1, 2)), "
    "use_broadcast=False))",
    "raises(lambda: tu.assert_allclose(np.ones(2), np.ones(2) * (1 + 1e-8)))",
    "raises(lambda: tu.assert_almost_equal_ignore_nan(np.array([1., np.nan]), "
    "np.array([1., 5.])))",
    "raises(lambda: tu.assert_almost_equal_with_err(np.array([1., 2, 3, 4]), "
    "np.array([1., 2, 3, 5]), etol=0.3))",
    "raises(lambda: tu.assert_almost_equal_with_err(np.array([1., 2, 3, 4]), "
    "np.array([1., 2, 3, 5]), etol=0.1))",
    "tu.assert_exception(lambda: 1 / 0, ZeroDivisionError)",
    "tu.assert_exception(lambda: 1, ZeroDivisionError)",
    "tu.same(np.ones(2), np.ones(2))", "tu.same(nd.ones((2,)).asnumpy(), np.zeros(2))",
    "tu.collapse_sum_like(np.ones((2, 3, 4)), (3, 1))",
    "tu.np_reduce(np.arange(24.).reshape(2, 3, 4), (0, 2), True, np.sum)",
    "tu.np_reduce(np.arange(24.).reshape(2, 3, 4), 1, False, np.max)",
    "tu.assign_each(np.array([1., 2.]), lambda v: v * 3)",
    "tu.assign_each2(np.array([1., 2.]), np.array([3., 4.]), lambda u, v: u * v)",
    "tu.create_2d_tensor(3, 2)", "tu.create_vector(4)", "tu.get_identity_mat(2)",
    "tu.get_identity_mat_batch(2)", "tu.compare_ndarray_tuple((nd.ones((2,)),), "
    "(np.ones(2),))",
    "tu.list_gpus()", "tu.has_tvm_ops()", "tu.is_op_runnable()", "tu.is_cd_run()",
    "tu.same_array(nd.ones((2,)), nd.ones((2,)))",
    "~tu.random_arrays((2, 3))", "~tu.random_arrays((2,), (3,))", "~tu.random_arrays(())",
    "~tu.random_uniform_arrays((2, 3), (4,), low=-1, high=1)",
    "tu.random_uniform_arrays((2,), foo=1)", "len(tu.random_sample([1, 2, 3, 4], 2))",
    "len(tu.rand_shape_2d())", "len(tu.rand_shape_3d())", "len(tu.rand_shape_nd(4))",
    "~tu.rand_ndarray((2, 3))", "~tu.rand_ndarray((2, 3), dtype='float64')",
    "~tu.new_matrix_with_real_eigvals_2d(3)", "~tu.new_matrix_with_real_eigvals_nd((2, 3, 3))",
    "~tu.new_orthonormal_matrix_2d(3)", "~tu.new_sym_matrix_with_real_eigvals_nd((2, 2, 2))",
    "tu.simple_forward(a * b, a=np.ones((2,)), b=np.ones((2,)) * 3)",
    "fwd([loc[0] * loc[1] + loc[0]])", "raises(lambda: fwd([loc[0]]))",
    "fwd({s.list_outputs()[0]: loc[0] * loc[1] + loc[0]})",
    "tu.check_symbolic_forward(a * b, {'a': loc[0]}, [loc[0]])",
    "bwd([loc[1] + 1, loc[0]])", "bwd({'a': loc[1] + 1, 'b': loc[0]})",
    "raises(lambda: bwd([loc[1], loc[0]]))", "bwd([loc[1] + 1, loc[0]], 'add')",
    "bwd([loc[1] + 1, loc[0]], 'null')",
    "numeric(mx.sym.exp(a) * b, [np.array([0.1, 0.2]), np.array([1.5, -2.])])",
    "numeric(mx.sym.sum(a * a), {'a': np.array([[0.3, 0.4]])})",
    "tu.mean_check(lambda n: np.random.normal(2, 1, n), 2, 1, 100000)",
    "tu.var_check(lambda n: np.random.normal(0, 3, n), 3, 100000)",
    "tu.gen_buckets_probs_with_ppf(lambda p: p * 4, 4)",
    "str(tu.set_default_context(mx.cpu(2)) or tu.default_context())",
    "str(tu.set_default_context(mx.cpu(0)) or mx.context.current_context())",
]
