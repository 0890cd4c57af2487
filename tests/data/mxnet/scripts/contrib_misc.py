# Smaller corners of the API: the registries, the engine's bulk scope, the contrib
# operator namespaces, quantisation's histogram combining, runtime features' interface.
import numpy as np
import mxnet as mx
from mxnet.contrib import quantization as q

print(sorted(mx.registry.get_registry(mx.init.Initializer)))
# (the sizes returned depend on the engine: NaiveEngine, used for capturing, returns 0)
print(isinstance(mx.engine.set_bulk_size(4), int), isinstance(mx.engine.set_bulk_size(0), int))
with mx.engine.bulk(7):
    x = mx.nd.zeros((1,))
    for i in range(20):
        x += 1
    print(x)

print(mx.contrib.nd.box_nms is not None, mx.contrib.ndarray is mx.contrib.nd)
print(mx.contrib.sym is mx.contrib.symbol, mx.contrib.quant is mx.contrib.quantization)
boxes = mx.nd.array([[0, 0.9, 0, 0, 1, 1], [0, 0.8, 0.05, 0.05, 1, 1], [1, 0.5, 2, 2, 3, 3]])
print(mx.contrib.nd.box_nms(boxes, overlap_thresh=0.5, coord_start=2, score_index=1, id_index=0))
s = mx.contrib.sym.div_sqrt_dim(mx.sym.var('a'), name='dsd')
print(s.list_outputs(), s.infer_shape(a=(3, 4))[1], s.eval(a=mx.nd.ones((2, 4)))[0])
for name in ('foreach', 'while_loop', 'cond', 'rand_zipfian'):
    print(name, hasattr(mx.contrib.nd, name), hasattr(mx.contrib.sym, name))

rng = np.random.RandomState(0)
a, b = rng.randn(1000).astype(np.float32), (3 * rng.randn(1000)).astype(np.float32)
hist, edges = np.histogram(a, bins=21, range=(-4, 4))
old = (hist, edges, float(a.min()), float(a.max()), 4.0)
same = q.combine_histogram(old, a, float(a.min()), float(a.max()), 3.0)
print(same[0].tolist(), same[2:] == old[2:])
wide = q.combine_histogram(old, b, float(b.min()), float(b.max()), float(np.abs(b).max()))
print(wide[0].tolist(), len(wide[1]), round(wide[4], 4), wide[2] == float(b.min()))
for fn in (q.quantize_model, q.quantize_net, q.calib_graph):
    print(fn.__name__, callable(fn))
print(q.DataDesc is mx.io.DataDesc, q.Module is mx.mod.Module, q.nd_save is mx.nd.save)

f = mx.runtime.Features()
print(type(f).__name__, f is mx.runtime.Features(), 'CUDA' in f, f.is_enabled('cuda'))
print([type(x).__name__ for x in mx.runtime.feature_list()[:2]], len(f) == len(mx.runtime.feature_list()))
try:
    f.is_enabled('NO_SUCH_FEATURE')
except RuntimeError as e:
    print('RuntimeError', str(e)[:38])
print(repr(f['CUDA']), f['CUDA'].name, f['CUDA'].enabled)
print(mx.recordio.cv2 is None or mx.recordio.cv2.__name__ == 'cv2')
print(sorted(set(dir(mx.npx.image)) & {'imresize', 'resize', 'ImageIter', 'to_tensor', 'CreateAugmenter'}))
print(mx.optimizer.contrib.NDArray is mx.nd.NDArray, mx.optimizer.contrib.sqrt is mx.nd.sqrt)
