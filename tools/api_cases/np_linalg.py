"""mx.np.linalg functions sharing the factorisation operators (inv, det, slogdet, cholesky,
eigh, eigvalsh, qr): values, shapes, dtypes and first gradients (MXNet 1.9.1's eigh and
qr gradients are not captured: zero and an error there, derivatives in tapegraph, which
tests/ops/test_frontend_any_order.py checks to order 3 by finite differences)."""
PRELUDE = '''
import numpy
np = mx.np
mx.npx.set_np()
S = np.array([[2., -1., 0.3], [-1., 3., 0.5], [0.3, 0.5, 1.]], dtype="float64")
Sn = np.array([[2., -1., 9.], [-1., 3., 0.5], [0.3, 0.5, 1.]], dtype="float64")
M = np.array([[2., -1., 0.3], [0.7, 3., 0.5], [-0.4, 0.5, -1.5]], dtype="float64")
M2 = np.stack([M, M * 0.5 + np.eye(3)])
X = np.array([[1., 2., -1.], [0.5, 0.3, -1.], [2., 1.5, 0.5], [1., 1., 1.]], dtype="float64")
W = np.array([[0.3, -1.2, 0.7], [0.5, 0.1, -0.4], [-0.8, 0.9, 0.2]], dtype="float64")
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
    "np.linalg.inv(M)", "np.linalg.inv(M2)", "np.linalg.inv(M.astype('float32'))",
    "np.linalg.det(M)", "np.linalg.det(M2)", "np.linalg.slogdet(M)", "np.linalg.slogdet(M2)",
    "np.linalg.cholesky(S + 2 * np.eye(3))", "np.linalg.cholesky(Sn + 2 * np.eye(3))",
    "np.linalg.eigh(-S)", "np.linalg.eigh(S)", "np.linalg.eigh(Sn)", "np.linalg.eigh(Sn, UPLO='U')",
    "np.linalg.eigvalsh(Sn)", "np.linalg.eigh(np.stack([S, -S]))",
    "np.linalg.qr(X)", "np.linalg.qr(M)", "np.linalg.qr(X.T)",
    "grad_of(lambda a: (np.linalg.inv(a) * W).sum(), M)",
    "grad_of(lambda a: np.linalg.det(a), M)",
    "grad_of(lambda a: np.linalg.det(a).sum(), M2)",
    "grad_of(lambda a: np.linalg.slogdet(a)[1], M)",
    "grad_of(lambda a: (np.linalg.cholesky(a) * W).sum(), S + 2 * np.eye(3))",
    "np.linalg.solve(M, X[0])", "np.linalg.solve(M, X[:3])", "np.linalg.solve(M2, X[:2])",
    "np.linalg.solve(M2, np.stack([X[:3], X[1:]]))",
    "np.linalg.matrix_power(M, 0)", "np.linalg.matrix_power(M, 1)",
    "np.linalg.matrix_power(M, 3)", "np.linalg.matrix_power(M, -2)",
    "np.linalg.matrix_power(M2, 5)",
    "grad_of(lambda a, b: (np.linalg.solve(a, b) * X[1:, :2]).sum(), M, X[:3, :2])",
    "mx.npx.reset_np()",
]
