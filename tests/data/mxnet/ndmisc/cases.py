"""The expressions captured from Apache MXNet 1.9.1 for the operators of issue #12 (the
ones tapegraph once left unregistered). Shared by capture.py (runs them under the oracle)
and tests/api_ops/test_ndmisc_golden.py (runs them under tapegraph). Plain Python: no
MXNet import here.

Each case: (expression, names of inputs to differentiate). The expression sees `mx`, `nd`
(mx.nd) and the inputs of `inputs()`; its value is an NDArray or a list/tuple of them.
Gradients are of sum(out0 * cotangent(out0.shape)) (first output only)."""
import numpy as np


def inputs(np_module=np):
    """name -> (numpy array, dtype) of every input the expressions use."""
    r = np.random.RandomState(12)
    f = lambda *s: r.uniform(-1, 1, s)  # noqa: E731
    return {
        "x": f(3, 4), "p": r.uniform(0.1, 0.9, (3, 4)), "v": f(6),
        "lab": np.array([0, 3, 1]), "lab2": np.array([1, 0]),
        "img": f(2, 3, 2, 2), "qkv": f(3, 2, 12), "q": f(3, 2, 4), "kv": f(5, 2, 8),
        "att": r.uniform(0, 1, (4, 3, 3)), "att2": r.uniform(0, 1, (4, 3, 5)),
        "g3": r.uniform(0.5, 1.5, (3,)), "b3": f(3), "z3": np.zeros(3), "o3": np.ones(3),
        "mu": f(2), "sig": r.uniform(0.5, 1.5, (2,)), "smp": f(2, 3),
        "psmp": r.uniform(0.2, 3.0, (2, 3)), "alpha": r.uniform(0.5, 2.0, (2,)),
        "beta": r.uniform(0.5, 2.0, (2,)), "cnt": np.array([[0, 1, 3], [2, 5, 1]]),
        "lam": r.uniform(0.5, 3.0, (2,)), "kk": r.uniform(1.0, 4.0, (2,)),
        "pp": r.uniform(0.2, 0.8, (2,)), "dsmp": r.dirichlet([1, 2, 3], (2, 4)),
        "dalpha": r.uniform(0.5, 2.0, (2, 3)),
        "rx": f(3, 2, 4), "h0": f(1, 2, 3), "c0": f(1, 2, 3), "h02": f(2, 2, 3),
        "c02": f(2, 2, 3), "h0b": f(2, 2, 3), "c0b": f(2, 2, 3), "h04": f(4, 2, 3),
        "w_rnn1": 0.5 * f(4 * 3 + 3 * 3 + 3 + 3),
        "w_lstm1": 0.5 * f(4 * (4 * 3 + 3 * 3 + 3 + 3)),
        "w_gru1": 0.5 * f(3 * (4 * 3 + 3 * 3 + 3 + 3)),
        "w_lstm2": 0.5 * f(4 * (4 * 3 + 3 * 3 + 3 + 3) + 4 * (3 * 3 + 3 * 3 + 3 + 3)),
        "w_gru_bi": 0.5 * f(2 * 3 * (4 * 3 + 3 * 3 + 3 + 3)),
        "w_lstm_bi2": 0.5 * f(2 * 4 * (4 * 3 + 3 * 3 + 3 + 3) + 2 * 4 * (6 * 3 + 3 * 3 + 3 + 3)),
        "w_relu2": 0.5 * f(4 * 3 + 3 * 3 + 3 + 3 + 3 * 3 + 3 * 3 + 3 + 3),
        "hist": np.array([0.1, 0.5, 2.0, 3.0, 2.5, -1.0]),
        "sidx": np.array([[0, 1, 1], [1, 2, 0]]), "sval": f(3),
    }


CASES = [
    ("nd.SoftmaxActivation(x)", ["x"]),
    ("nd.SoftmaxActivation(img, mode='channel')", ["img"]),
    ("nd.batch_take(x, nd.array([0, 3, 2], dtype='int32'))", []),
    ("nd.batch_take(x, nd.array([0, 3, 2], dtype='int32'))", ["x"]),
    ("nd.choose_element_0index(x, lab)", ["x"]),
    ("nd.fill_element_0index(x, v[:3], lab)", []),
    ("nd.fill_element_0index(x, v[:3], lab)", ["x"]),
    ("nd.onehot_encode(lab, nd.zeros((3, 4)))", []),
    ("nd.amp_cast(x, dtype='float16')", ["x"]),
    ("nd.amp_cast(nd.array([1, 2], dtype='int32'), dtype='float16')", []),
    ("nd.amp_multicast(x, nd.array([[1, 2]], dtype='float16'), num_outputs=2)", ["x"]),
    ("nd.amp_multicast(x, nd.array([[1, 2]], dtype='float16'), num_outputs=2, cast_narrow=True)", []),
    ("nd.histogram(hist, bins=3)", []),
    ("nd.histogram(hist, bins=4, range=(0, 4))", []),
    ("nd.histogram(hist, nd.array([0, 1, 2, 5]))", []),
    ("nd.scatter_nd(sval, sidx, shape=(2, 3))", ["sval"]),
    ("nd.scatter_nd(sval[:2], nd.array([[0, 0], [1, 1]]), shape=(2, 3))", ["sval"]),
    ("nd.SVMOutput(x, lab)", ["x"]),
    ("nd.SVMOutput(x, lab, margin=0.5, regularization_coefficient=2.0)", ["x"]),
    ("nd.SVMOutput(x, lab, use_linear=True, margin=0.3)", ["x"]),
    ("nd.IdentityAttachKLSparseReg(p, nd.ones((4,)) * 0.5)", ["p"]),
    ("nd.IdentityAttachKLSparseReg(p, nd.ones((4,)) * 0.3, sparseness_target=0.2, penalty=0.01, momentum=0.5)", ["p"]),
    ("nd.random_pdf_normal(smp, mu, sig)", ["smp", "mu", "sig"]),
    ("nd.random_pdf_normal(smp, mu, sig, is_log=True)", ["smp", "mu", "sig"]),
    ("nd.random_pdf_uniform(smp, mu - 1.5, mu + 1.5)", ["smp"]),
    ("nd.random_pdf_gamma(psmp, alpha, beta)", ["psmp", "alpha", "beta"]),
    ("nd.random_pdf_gamma(psmp, alpha, beta, is_log=True)", ["psmp", "alpha", "beta"]),
    ("nd.random_pdf_exponential(psmp, lam)", ["psmp", "lam"]),
    ("nd.random_pdf_poisson(cnt, lam)", ["lam"]),
    ("nd.random_pdf_poisson(cnt, lam, is_log=True)", ["lam"]),
    ("nd.random_pdf_negative_binomial(cnt, kk, pp)", ["pp"]),
    ("nd.random_pdf_negative_binomial(cnt, kk, pp, is_log=True)", ["kk", "pp"]),
    ("nd.random_pdf_generalized_negative_binomial(cnt, lam, pp)", ["lam", "pp"]),
    ("nd.random_pdf_dirichlet(dsmp, dalpha)", ["dsmp", "dalpha"]),
    ("nd.random_pdf_dirichlet(dsmp, dalpha, is_log=True)", ["dsmp", "dalpha"]),
    ("nd.contrib.gradientmultiplier(x, scalar=-2.5)", ["x"]),
    ("nd.contrib.round_ste(x * 3)", ["x"]),
    ("nd.contrib.sign_ste(x)", ["x"]),
    ("nd.contrib.index_array(x)", []),
    ("nd.contrib.index_array(img, axes=(0, -1))", []),
    ("nd.contrib.interleaved_matmul_selfatt_qk(qkv, heads=2)", ["qkv"]),
    ("nd.contrib.interleaved_matmul_selfatt_valatt(qkv, att, heads=2)", ["qkv", "att"]),
    ("nd.contrib.interleaved_matmul_encdec_qk(q, kv, heads=2)", ["q", "kv"]),
    ("nd.contrib.interleaved_matmul_encdec_valatt(kv, att2, heads=2)", ["kv", "att2"]),
    ("nd.contrib.BatchNormWithReLU(img, g3, b3, z3, o3)", ["img", "g3", "b3"]),
    ("nd.contrib.BatchNormWithReLU(img, g3, b3, z3, o3, fix_gamma=False)", ["img", "g3", "b3"]),
    ("nd.contrib.SyncBatchNorm(img, g3, b3, z3, o3, fix_gamma=False, key='k')", ["img", "g3", "b3"]),
    ("nd.contrib.SyncBatchNorm(img, g3, b3, z3, o3, eps=0.01, key='k')", ["img", "g3", "b3"]),
    ("nd.contrib.ctc_loss(rx, nd.array([[1, 2], [3, 0]]))", ["rx"]),
    ("nd.contrib.CTCLoss(rx, nd.array([[1, 2], [3, 3]]), blank_label='last')", ["rx"]),
    ("nd.contrib.fft(x)", []),
    ("nd.contrib.count_sketch(x, nd.array([[0, 2, 1, 0]]), nd.array([[1, -1, 1, 1]]), out_dim=3)", ["x"]),
    ("nd.RNN(rx, w_rnn1, h0, state_size=3, num_layers=1, mode='rnn_tanh')", ["rx", "w_rnn1", "h0"]),
    ("nd.RNN(rx, w_rnn1, h0, state_size=3, num_layers=1, mode='rnn_relu', state_outputs=True)", ["rx", "w_rnn1", "h0"]),
    ("nd.RNN(rx, w_lstm1, h0, c0, state_size=3, num_layers=1, mode='lstm', state_outputs=True)", ["rx", "w_lstm1", "h0", "c0"]),
    ("nd.RNN(rx, w_gru1, h0, state_size=3, num_layers=1, mode='gru', state_outputs=True)", ["rx", "w_gru1", "h0"]),
    ("nd.RNN(rx, w_lstm2, h02, c02, state_size=3, num_layers=2, mode='lstm', state_outputs=True)", ["rx", "w_lstm2", "h02", "c02"]),
    ("nd.RNN(rx, w_gru_bi, h0b, state_size=3, num_layers=1, bidirectional=True, mode='gru', state_outputs=True)", ["rx", "w_gru_bi", "h0b"]),
    ("nd.RNN(rx, w_lstm_bi2, h04, nd.zeros((4, 2, 3)), state_size=3, num_layers=2, bidirectional=True, mode='lstm')", ["rx", "w_lstm_bi2", "h04"]),
    ("nd.RNN(rx, w_relu2, h02, state_size=3, num_layers=2, mode='rnn_relu', state_outputs=True)", ["rx", "w_relu2", "h02"]),
    ("mx.npx.rnn(rx.as_np_ndarray(), w_gru1.as_np_ndarray(), h0.as_np_ndarray(), state_size=3, num_layers=1, mode='gru')", []),
    ("nd.contrib.hawkesll(nd.array([[1.5, 2.0], [1.0, 0.5]]), nd.array([0.2, 0.3]), nd.array([1.0, 2.0]), nd.zeros((2, 2)), nd.array([[0.5, 0.3, 0.4], [0.2, 0.1, 0.7]]), nd.array([[0, 1, 0], [1, 1, 0]]), nd.array([3, 2]), nd.array([2.0, 1.5]))", []),
    # errors
    ("nd.SoftmaxActivation(x, mode='bad')", []),
    ("nd.choose_element_0index(x, nd.array([0, 1]))", []),
    ("nd.scatter_nd(sval, sidx, shape=(2,))", []),
    ("nd.RNN(rx, w_rnn1[:5], h0, state_size=3, num_layers=1, mode='rnn_tanh')", []),
    ("nd.RNN(rx, w_lstm1, h0, state_size=3, num_layers=1, mode='lstm')", []),
    ("nd.contrib.interleaved_matmul_selfatt_qk(qkv, heads=5)", []),
    ("nd.histogram(hist)", []),
    ("nd.batch_take(x, lab)", []),
    ("nd.IdentityAttachKLSparseReg(data=p, moving_avg=nd.ones((4,)) * 0.5)", ["p"]),
]


def key(expr, wrt):
    """The case's key in golden.json."""
    return expr + (" | d/d " + ",".join(wrt) if wrt else "")


def cotangent(shape):
    """The deterministic head gradient used for an output of `shape`."""
    n = int(np.prod(shape))
    return ((np.arange(n) % 7 - 3) / 3.0).reshape(shape)
