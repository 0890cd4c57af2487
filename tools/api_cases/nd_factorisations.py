"""mx.nd.linalg factorisations and solves (potrf, potri, trsm, inverse, det, slogdet,
gelqf, syevd): values, shapes, dtypes, first gradients and errors."""
PRELUDE = '''
import numpy as np
def f64(v):
    return nd.array(v, dtype="float64")
A = f64([[4., 1., 0.5], [1., 3., 0.2], [0.5, 0.2, 2.]])
A2 = f64(np.stack([[[4., 1., 0.5], [1., 3., 0.2], [0.5, 0.2, 2.]],
                   [[2., -0.3, 0.1], [-0.3, 1.5, 0.4], [0.1, 0.4, 3.]]]))
An = f64([[4., 9., 9.], [1., 3., 9.], [0.5, 0.2, 2.]])  # only the lower triangle is read
M = f64([[2., -1., 0.3], [0.7, 3., 0.5], [-0.4, 0.5, -1.5]])
B = f64([[1., 2.], [3., 4.], [5., 6.]])
Br = f64([[1., -2., 0.5], [3., 0.25, -1.]])
X = f64([[1., 2., -1., 0.5], [0.3, -1., 2., 1.5]])
S = f64([[2., -1., 0.3], [-1., 3., 0.5], [0.3, 0.5, 1.]])
W3 = f64([[0.3, -1.2, 0.7], [0.5, 0.1, -0.4], [-0.8, 0.9, 0.2]])
W2 = f64([[0.4, -0.6], [1.1, 0.2], [-0.3, 0.8]])
def grad_of(fn, *xs):
    xs = [x.copy() for x in xs]
    for x in xs:
        x.attach_grad()
    with mx.autograd.record():
        y = fn(*xs)
    y.backward()
    return [x.grad for x in xs]
'''
CASES = [
    "nd.linalg.potrf(A)", "nd.linalg.potrf(A2)", "nd.linalg.potrf(An)",
    "nd.linalg.potrf(nd.array([[4., 1.], [1., 3.]]))",
    "nd.linalg.potri(nd.linalg.potrf(A))", "nd.linalg.potri(An)", "nd.linalg.potri(A2)",
    "nd.linalg.trsm(M, B)", "nd.linalg.trsm(M, B, transpose=True, alpha=2.)",
    "nd.linalg.trsm(M, B, lower=False)", "nd.linalg.trsm(M, B, transpose=True, lower=False)",
    "nd.linalg.trsm(M, Br, rightside=True)",
    "nd.linalg.trsm(M, Br, rightside=True, transpose=True, lower=False, alpha=-0.5)",
    "nd.linalg.trsm(A2, nd.stack(B, B * 2))",
    "nd.linalg.inverse(M)", "nd.linalg.inverse(A2)",
    "nd.linalg.det(M)", "nd.linalg.det(A2)", "nd.linalg.det(nd.array([[1., 2.], [3., 4.]]))",
    "nd.linalg.slogdet(M)", "nd.linalg.slogdet(A2)",
    "nd.linalg.gelqf(X)", "nd.linalg.gelqf(M)", "nd.linalg.gelqf(nd.stack(X, X * -2))",
    "nd.linalg.syevd(S)", "nd.linalg.syevd(-S)", "nd.linalg.syevd(A2)",
    "nd.linalg_potrf(A)", "nd.linalg_potri(A)", "nd.linalg_trsm(M, B)", "nd.linalg_inverse(M)",
    "nd.linalg_det(M)", "nd.linalg_slogdet(M)", "nd.linalg_gelqf(X)",
    "grad_of(lambda a: (nd.linalg.potrf(a) * W3).sum(), A)",
    "grad_of(lambda a: (nd.linalg.potrf(a) * nd.stack(W3, -W3)).sum(), A2)",
    "grad_of(lambda l: (nd.linalg.potri(l) * W3).sum(), nd.linalg.potrf(A))",
    "grad_of(lambda a, b: (nd.linalg.trsm(a, b) * W2).sum(), M, B)",
    "grad_of(lambda a, b: (nd.linalg.trsm(a, b, transpose=True, lower=False, alpha=2.) * W2)"
    ".sum(), M, B)",
    "grad_of(lambda a, b: (nd.linalg.trsm(a, b, rightside=True) * W2.T).sum(), M, Br)",
    "grad_of(lambda a: (nd.linalg.inverse(a) * W3).sum(), M)",
    "grad_of(lambda a: nd.linalg.det(a).sum(), M)",
    "grad_of(lambda a: (nd.linalg.det(a) * f64([1., -2.])).sum(), A2)",
    "grad_of(lambda a: nd.linalg.slogdet(a)[1].sum(), M)",
    "grad_of(lambda a: (nd.linalg.gelqf(a)[0] * f64([[1., 2., 3., 4.], [-1., 0.5, 0., 2.]]))"
    ".sum() + (nd.linalg.gelqf(a)[1] * f64([[0.5, 0.], [1., -1.]])).sum(), X)",
    "grad_of(lambda a: (nd.linalg.gelqf(a)[1] * W3).sum(), M)",
    "grad_of(lambda a: (nd.linalg.syevd(a)[0] * W3).sum(), S)",
    "grad_of(lambda a: (nd.linalg.syevd(a)[1] * f64([1., -2., 0.5])).sum(), S)",
    "grad_of(lambda a: nd.linalg.sumlogdiag(nd.linalg.potrf(a)).sum(), A2)",
    "nd.linalg.potrf(nd.array([[1., 2.], [2., 1.]])).asnumpy()",
    "nd.linalg.potrf(nd.ones((3,)))", "nd.linalg.gelqf(nd.ones((3, 2)))",
    "nd.linalg.trsm(M, nd.ones((2, 2)))", "nd.linalg.inverse(nd.ones((2, 3)))",
    "nd.linalg.det(nd.ones((2, 3)))", "nd.linalg.syevd(nd.ones((2, 3)))",
]
