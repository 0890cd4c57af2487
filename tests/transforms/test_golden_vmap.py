"""Golden IR text for `vmap`: a shared weight (in_axes None) turns the matrix-vector
product into one matrix product; a batch axis elsewhere than 0 is moved in and out."""
import numpy as np
import pytest

from tapegraph.ir import MXNetError, parse, print_graph, verify
from tapegraph.passes import get_pass
from tapegraph.runtime import Plan

vmap = get_pass("vmap")

F = """\
graph f(%x: f32[3], %W: f32[2,3]) -> (f32[]) {
  %0: f32[2] = dot(%W, %x)
  %1: f32[2] = tanh(%0)
  %2: f32[] = sum(%1)
  return (%2)
}"""

F_VMAP = """\
graph vmap_f(%x: f32[5,3], %W: f32[2,3]) -> (f32[5]) {
  %0: f32[5,2] = dot(%x, %W) {transpose_b=True}
  %1: f32[5,2] = tanh(%0)
  %2: f32[5] = sum(%1) {axis=(1,)}
  return (%2)
}"""

G = """\
graph g(%x: f32[3, 2]) -> (f32[2, 3]) {
  %0: f32[2,3] = transpose(%x)
  %1: f32[2,3] = exp(%0)
  return (%1)
}"""

G_VMAP = """\
graph vmap_g(%x: f32[3,2,4]) -> (f32[2,4,3]) {
  %0: f32[4,3,2] = transpose(%x) {axes=(2, 0, 1)}
  %1: f32[4,2,3] = transpose(%0) {axes=(0, 2, 1)}
  %2: f32[4,2,3] = exp(%1)
  %3: f32[2,4,3] = transpose(%2) {axes=(1, 0, 2)}
  return (%3)
}"""


def test_vmap_golden_shared_weight():
    g = vmap(parse(F), size=5, in_axes=[0, None])
    verify(g)
    assert print_graph(g) == F_VMAP


def test_vmap_golden_axes():
    g = vmap(parse(G), size=4, in_axes=-1, out_axes=1)
    verify(g)
    assert print_graph(g) == G_VMAP
    x = np.random.RandomState(0).uniform(-1, 1, (3, 2, 4)).astype("float32")
    want = np.stack([np.exp(x[..., i].T) for i in range(4)], axis=1)
    np.testing.assert_allclose(Plan(g).run([x])[0], want, rtol=1e-6)


def test_vmap_of_jvp_composes():
    f = parse(F)
    j = get_pass("jvp")(f, wrt=[0])
    g = vmap(j, size=4, in_axes=[None, None, 0])  # many tangents at one point
    rng = np.random.RandomState(1)
    x, w = rng.uniform(-1, 1, 3).astype("float32"), rng.uniform(-1, 1, (2, 3)).astype("float32")
    ts = rng.uniform(-1, 1, (4, 3)).astype("float32")
    out = Plan(g).run([x, w, ts])
    single = Plan(j)
    for i in range(4):
        np.testing.assert_allclose(out[1][i], single.run([x, w, ts[i]])[1], rtol=1e-5)


def test_bad_axes_are_named():
    with pytest.raises(MXNetError, match="in_axis 3 is out of range"):
        vmap(parse(F), size=2, in_axes=[3, None])
    with pytest.raises(MXNetError, match="out_axes=None"):
        vmap(parse(F), size=2, in_axes=0, out_axes=None)
