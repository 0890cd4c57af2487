"""mx.rnn: the legacy symbolic cells build MXNet's names and compute the recurrences."""
import numpy as np
import pytest

import tapegraph as mx


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def test_lstm_cell_unroll_names_and_values():
    cell = mx.rnn.LSTMCell(3, prefix="lstm_")
    out, states = cell.unroll(2, mx.sym.Variable("data"), merge_outputs=True)
    assert out.list_arguments() == ["data", "lstm_i2h_weight", "lstm_i2h_bias",
                                    "lstm_h2h_weight", "lstm_h2h_bias"]
    assert [s.name for s in states] == ["lstm_t1_out", "lstm_t1_state"]
    rng = np.random.RandomState(0)
    args = {"data": rng.randn(2, 2, 4), "lstm_i2h_weight": rng.randn(12, 4),
            "lstm_i2h_bias": rng.randn(12), "lstm_h2h_weight": rng.randn(12, 3),
            "lstm_h2h_bias": rng.randn(12)}
    args = {k: v.astype("float32") for k, v in args.items()}
    got = out.eval(**{k: mx.nd.array(v) for k, v in args.items()})[0].asnumpy()
    h = c = np.zeros((2, 3))
    for t in range(2):
        gates = (args["data"][:, t] @ args["lstm_i2h_weight"].T + args["lstm_i2h_bias"]
                 + h @ args["lstm_h2h_weight"].T + args["lstm_h2h_bias"])
        i, f, g, o = np.split(gates, 4, axis=1)
        c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
        h = _sigmoid(o) * np.tanh(c)
        np.testing.assert_allclose(got[:, t], h, rtol=1e-4, atol=1e-5)


def test_stacked_and_bidirectional_cells():
    stack = mx.rnn.SequentialRNNCell()
    stack.add(mx.rnn.GRUCell(2, prefix="g0_"))
    stack.add(mx.rnn.DropoutCell(0.0))
    stack.add(mx.rnn.ResidualCell(mx.rnn.RNNCell(2, prefix="r1_")))
    out, states = stack.unroll(3, mx.sym.Variable("data"), merge_outputs=True)
    assert out.infer_shape(data=(4, 3, 5))[1] == [(4, 3, 2)]
    assert len(states) == 2
    bi = mx.rnn.BidirectionalCell(mx.rnn.LSTMCell(2, prefix="l_"),
                                  mx.rnn.LSTMCell(2, prefix="r_"))
    out, _ = bi.unroll(3, mx.sym.Variable("data"), merge_outputs=True)
    assert out.infer_shape(data=(4, 3, 5))[1] == [(4, 3, 4)]


def test_encode_sentences_and_bucket_iterator():
    coded, vocab = mx.rnn.encode_sentences([["a", "b"], ["b", "c", "a"]], invalid_label=0,
                                           start_label=1)
    assert coded == [[1, 2], [2, 3, 1]]
    it = mx.rnn.BucketSentenceIter(coded * 2, batch_size=2, buckets=[2, 3], invalid_label=0)
    keys = sorted(batch.bucket_key for batch in it)
    assert keys == [2, 3]
    with pytest.raises(AssertionError, match="Unknown token"):
        mx.rnn.encode_sentences([["z"]], vocab={"a": 1})


def test_unroll_checks_its_inputs():
    cell = mx.rnn.RNNCell(2)
    with pytest.raises(AssertionError):
        cell.unroll(3, [mx.sym.Variable("a")])
