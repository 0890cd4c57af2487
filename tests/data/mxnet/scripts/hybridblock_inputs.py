"""What a HybridBlock says of inputs that are not arrays, hybridized or not (MXNet 1.9.1
checks the types first, and only a hybridized call requires every input to be an array)."""
import mxnet as mx
import numpy as np
from mxnet.gluon.data.vision import transforms as T

for hybridized in (False, True):
    block = T.ToTensor()
    if hybridized:
        block.hybridize()
    calls = [(np.zeros((2, 2, 3), np.uint8),)]
    if hybridized:
        calls.append((mx.nd.zeros((2, 2, 3)), np.zeros(2)))
    for args in calls:
        try:
            print(hybridized, block(*args).shape)
        except ValueError as e:
            print(hybridized, "ValueError", str(e).split(", but got")[0].strip())
    print(hybridized, block(mx.nd.ones((2, 2, 3), dtype="uint8")).asnumpy().ravel()[:3])
