"""Capture MXNet 1.9.1's `mx.image.imresize` / `copyMakeBorder` results (OpenCV 3.4.2) for
tests/api/test_image_module.py. Run with the oracle:
    /tmp/mxnet-oracle/bin/python tests/data/mxnet/legacy/capture_imresize.py
"""
import os

import mxnet as mx
import numpy as np

# (src height, src width, channels, dst width, dst height)
SIZES = [(5, 7, 3, 4, 3), (5, 7, 3, 9, 11), (8, 8, 3, 4, 4), (8, 8, 1, 16, 16),
         (6, 10, 3, 5, 3), (9, 13, 3, 20, 7), (4, 4, 3, 7, 5), (12, 9, 3, 5, 8),
         (16, 24, 3, 37, 29), (7, 5, 3, 7, 5)]


def main():
    rng = np.random.RandomState(0)
    out = {}
    for k, (h, w, c, dw, dh) in enumerate(SIZES):
        src = rng.randint(0, 256, size=(h, w, c)).astype("uint8")
        out["src%d" % k] = src
        for dtype in ("uint8", "float32"):
            arr = mx.nd.array(src, dtype=dtype)
            if dtype == "float32":
                arr = arr / 3.0
            for interp in range(5):
                res = mx.image.imresize(arr, dw, dh, interp=interp).asnumpy()
                out["dst%d_%s_%d" % (k, dtype, interp)] = res
    src = out["src0"]
    for btype in range(5):
        out["border_%d" % btype] = mx.image.copyMakeBorder(
            mx.nd.array(src, dtype="uint8"), 1, 2, 3, 4, type=btype, values=(7, 8, 9)).asnumpy()
    np.savez_compressed(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "imresize_cases.npz"), **out)


if __name__ == "__main__":
    main()
