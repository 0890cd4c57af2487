"""mx.nd.linalg operators composed of registered ops, and their gradients."""
PRELUDE = '''
import numpy as np
A = nd.array(np.arange(12).reshape(2, 2, 3) / 10.)
B = nd.array(np.arange(12).reshape(2, 3, 2) / 7.)
C = nd.ones((2, 2, 2))
T = nd.array([[1., 2], [3, 4]])
S = nd.array(np.arange(9).reshape(3, 3) + 1.)
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
    "nd.linalg.gemm(A, B, C, alpha=2., beta=.5)", "nd.linalg.gemm2(A, A, transpose_b=True)",
    "nd.linalg.gemm2(T, T, transpose_a=True, alpha=3.)", "nd.linalg_gemm(T, T, T)",
    "nd.linalg.syrk(A)", "nd.linalg.syrk(A, transpose=True, alpha=.5)",
    "nd.linalg.trmm(T, nd.array([[1., 1], [1, 1]]), lower=False)",
    "nd.linalg.trmm(T, nd.array([[1., 1], [1, 1]]), rightside=True, transpose=True)",
    "nd.linalg.trmm(S, S, alpha=2.)",
    "nd.linalg.sumlogdiag(nd.array([[2., 9], [9, 3]]))", "nd.linalg.sumlogdiag(A[:, :, :2])",
    "nd.linalg.extractdiag(S)", "nd.linalg.extractdiag(S, offset=1)",
    "nd.linalg.extractdiag(S, offset=-2)", "nd.linalg.makediag(nd.array([1., 2]))",
    "nd.linalg.makediag(nd.array([1., 2]), offset=-1)",
    "nd.linalg.makediag(nd.array([[1., 2], [3, 4]]), offset=1)",
    "nd.linalg.extracttrian(S)", "nd.linalg.extracttrian(S, lower=False)",
    "nd.linalg.extracttrian(S, offset=1)", "nd.linalg.extracttrian(S, offset=-1, lower=False)",
    "nd.linalg.maketrian(nd.array([1., 2, 3]))",
    "nd.linalg.maketrian(nd.array([1., 2, 3]), lower=False)",
    "nd.linalg.maketrian(nd.array([1., 2, 3]), offset=1)",
    "nd.linalg.maketrian(nd.array([1., 2, 3, 4, 5, 6]), offset=-1, lower=False)",
    "grad_of(lambda a, b: nd.linalg.gemm2(a, b).sum(), T, S[:2, :2])",
    "grad_of(lambda a: nd.linalg.syrk(a).sum(), A)",
    "grad_of(lambda a: nd.linalg.sumlogdiag(a).sum(), nd.array([[2., 9], [9, 3]]))",
    "grad_of(lambda a: (nd.linalg.extracttrian(a) * nd.array([1., 2, 3, 4, 5, 6])).sum(), S)",
    "grad_of(lambda a: (nd.linalg.makediag(a, offset=1) * S).sum(), nd.array([1., 2]))",
    "grad_of(lambda a, b: nd.linalg.trmm(a, b, lower=False).sum(), T, T)",
]
