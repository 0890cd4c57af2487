"""Models MXNet 1.9.1 built and exported, with what MXNet computed for them (each folder of
tests/data/mxnet made by its capture.py under the oracle): the input `x`, the output `y`
and, with `weights`, the gradients of sum(y * weights) (`x_grad`, and `grad:<parameter>`)."""
import numpy as np

import tapegraph as mx
from tapegraph import autograd


def check_like_mxnet(net, inputs, values, *, train_mode=True, x=None, grad_atol=1e-6):
    """Run `net` on `inputs` twice under record (the second call of a hybridized block runs
    its compiled plan), backward sum(y * weights), and compare y, the gradient of `x` (when
    given) and every parameter's gradient with MXNet's."""
    for _ in range(2):
        with autograd.record(train_mode=train_mode):
            y = net(*inputs)
            y = y[0] if isinstance(y, (list, tuple)) else y
            weights = (mx.np.array if isinstance(y, mx.np.ndarray) else mx.nd.array)(
                values["weights"])
            loss = (y * weights).sum()
        loss.backward()
        np.testing.assert_allclose(y.asnumpy(), values["y"], rtol=1e-5, atol=1e-6)
        if x is not None:
            np.testing.assert_allclose(x.grad.asnumpy(), values["x_grad"], rtol=1e-4,
                                       atol=grad_atol)
        grads = {p.name: p.grad().asnumpy() for p in net.collect_params().values()
                 if p.grad_req != "null"}  # (running statistics have none)
        for key, want in values.items():
            if key.startswith("grad:"):
                np.testing.assert_allclose(grads[key[5:]], want, rtol=1e-4, atol=grad_atol,
                                           err_msg=key)
