"""A spatial-transformer style head and a CTC loss as symbols: GridGenerator, Correlation,
the densities of mx.sym.random_pdf_*, ravel/unravel_index and contrib operators, bound,
run forward and backward, then saved to JSON and loaded back."""
import json

import numpy as np
import mxnet as mx

rng = np.random.RandomState(0)

# affine grids from a small localisation net
theta_in = mx.sym.var("theta_in")
theta = mx.sym.FullyConnected(theta_in, num_hidden=6, name="loc")
grid = mx.sym.GridGenerator(theta, transform_type="affine", target_shape=(2, 3), name="grid")
corr = mx.sym.Correlation(grid, grid * 0.5, kernel_size=1, max_displacement=1, stride1=1,
                          stride2=1, pad_size=1, name="corr")
head = mx.sym.sum(corr, axis=(2, 3), name="pooled")
print(head.list_arguments())
print(head.infer_shape(theta_in=(2, 4)))
exe = head.simple_bind(mx.cpu(), theta_in=(2, 4))
exe.arg_dict["theta_in"][:] = rng.uniform(-1, 1, (2, 4))
exe.arg_dict["loc_weight"][:] = rng.uniform(-0.5, 0.5, (6, 4))
exe.arg_dict["loc_bias"][:] = np.array([1, 0, 0, 0, 1, 0])
out = exe.forward(is_train=True)[0]
print(np.round(out.asnumpy(), 4))
exe.backward(mx.nd.ones_like(out))
print(np.round(exe.grad_dict["loc_weight"].asnumpy(), 4))

# a CTC loss over per-frame class scores
scores = mx.sym.var("scores")
labels = mx.sym.var("labels")
loss = mx.sym.MakeLoss(mx.sym.mean(mx.sym.ctc_loss(scores, labels, name="ctc")))
exe = loss.simple_bind(mx.cpu(), scores=(5, 2, 4), labels=(2, 2))
exe.arg_dict["scores"][:] = rng.uniform(-1, 1, (5, 2, 4))
exe.arg_dict["labels"][:] = np.array([[1, 2], [3, 0]])
print(np.round(exe.forward(is_train=True)[0].asnumpy(), 4))
exe.backward()
print(np.round(exe.grad_dict["scores"].asnumpy()[0], 4))

# densities, index arithmetic and contrib operators in one graph, through JSON
x, mu, sigma = mx.sym.var("x"), mx.sym.var("mu"), mx.sym.var("sigma")
dens = mx.sym.random_pdf_normal(x, mu, sigma, is_log=True, name="logpdf")
coords = mx.sym.var("coords")
flat = mx.sym.ravel_multi_index(coords, shape=(4, 5), name="flat")
back = mx.sym.unravel_index(flat, shape=(4, 5), name="back")
picked = mx.sym.choose_element_0index(x, mx.sym.var("which"), name="picked")
idx = mx.sym.contrib.index_array(x, name="idx")
group = mx.sym.Group([dens, back, picked, idx])
print([n["op"] for n in json.loads(group.tojson())["nodes"] if n["op"] != "null"])
loaded = mx.sym.load_json(group.tojson())
values = {"x": mx.nd.array(rng.uniform(0, 2, (2, 3))), "mu": mx.nd.array([0.5, 1.0]),
          "sigma": mx.nd.array([1.0, 0.5]), "coords": mx.nd.array([[1, 3, 0], [4, 0, 2]]),
          "which": mx.nd.array([2, 0])}
for o in loaded.eval(**values):
    print(o.shape, np.round(o.asnumpy(), 4).tolist())
