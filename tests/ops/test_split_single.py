"""SliceChannel with num_outputs=1 yields one array (MXNet returns a single NDArray): the
gradient of a one-input `stack` emits it, and a tuple there once broadcast a (2, 4)
cotangent to (1, 2, 4) inside an optimised backward plan."""
import numpy as np

import tapegraph as mx


def test_split_into_one_piece_is_one_array():
    x = mx.nd.array(np.arange(8.0).reshape(1, 2, 4))
    out = mx.nd.SliceChannel(x, num_outputs=1, axis=0, squeeze_axis=True)
    assert out.shape == (2, 4)
    np.testing.assert_array_equal(out.asnumpy(), x.asnumpy()[0])


def test_backward_through_a_one_input_stack_and_a_matrix_product():
    rng = np.random.RandomState(0)
    x = mx.nd.array(rng.rand(2, 3))
    w = mx.nd.array(rng.rand(4, 3))
    x.attach_grad()
    w.attach_grad()
    with mx.autograd.record():
        h = mx.nd.tanh(mx.nd.stack(x, axis=0))
        y = mx.nd.FullyConnected(mx.nd.squeeze(h, axis=0), w, no_bias=True, num_hidden=4)
    y.backward()
    t = np.tanh(x.asnumpy())
    np.testing.assert_allclose(w.grad.asnumpy(), np.ones((4, 2)).dot(t), rtol=1e-5)
    np.testing.assert_allclose(x.grad.asnumpy(),
                               np.ones((2, 4)).dot(w.asnumpy()) * (1 - t * t), rtol=1e-5)
