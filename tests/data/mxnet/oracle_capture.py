"""What the capture scripts in this folder's subfolders (rnn, attention, vision_exports,
np_exports) share; they run under MXNet 1.9.1 (the oracle), not under the tests."""
import numpy as np

import mxnet as mx
from mxnet import autograd


def record_and_export(net, inputs, path, rng, *, train_mode=True, x=None, saved=None):
    """Run the hybridized, initialized `net` on `inputs` under record, backward
    sum(y * weights) with weights drawn from `rng`, export the net to `path`, and save in
    `path-values.npz` the arrays of `saved`, y, weights, x_grad (the gradient of input `x`,
    when given) and each parameter's gradient as `grad:<name>`. Returns (y, gradients)."""
    with autograd.record(train_mode=train_mode):
        y = net(*inputs)
        array = mx.np.array if mx.util.is_np_array() else mx.nd.array
        weights = array(rng.randn(*y.shape).astype(np.float32))
        loss = (y * weights).sum()
    loss.backward()
    net.export(path)
    grads = {p.name: p.grad().asnumpy() for p in net.collect_params().values()
             if p.grad_req != "null"}
    values = dict(saved or {}, y=y.asnumpy(), weights=weights.asnumpy())
    if x is not None:
        values["x_grad"] = x.grad.asnumpy()
    np.savez(path + "-values.npz", **values, **{"grad:" + k: v for k, v in grads.items()})
    return y, grads
