"""mx.nd.khatri_rao: the column-wise Kronecker product of matrices (values, shapes, errors;
MXNet 1.9.1 has no gradient for it, tapegraph's composition is differentiable)."""
PRELUDE = '''
A = nd.array([[1, -1], [2, -3]])
B = nd.array([[1, 4], [2, 5], [3, 6]])
C = nd.array([[0.5, 2.]])
'''
CASES = [
    "nd.khatri_rao(A, B)", "nd.khatri_rao(A, B, C)", "nd.khatri_rao(A)",
    "nd.khatri_rao(C, B, A)", "nd.khatri_rao(A.astype('float64'), B.astype('float64'))",
    "nd.khatri_rao(A, nd.ones((2, 3))).asnumpy()",
    "nd.khatri_rao(nd.ones((2,)), nd.ones((3,))).asnumpy()",
    "nd.khatri_rao(nd.ones((2, 2, 2)), nd.ones((3, 2))).asnumpy()",
]
