"""The local KVStore beyond the captured cases: what tapegraph refuses and why, optimizer
states, and that a failed push loses nothing."""
import pytest

import tapegraph as mx


@pytest.mark.parametrize("name", ["dist_sync", "dist_async", "dist_device_sync", "horovod",
                                  "byteps"])
def test_distributed_stores_raise_naming_why(name):
    with pytest.raises(NotImplementedError, match="distributed"):
        mx.kv.create(name)


def test_a_bad_push_leaves_the_stored_value():
    kv = mx.kv.create("local")
    kv.init(0, mx.nd.ones((2, 3)))
    with pytest.raises(mx.MXNetError, match="shape"):
        kv.push(0, mx.nd.ones((4,)))
    with pytest.raises(mx.MXNetError, match="shapes"):
        kv.push(0, [mx.nd.ones((2, 3)), mx.nd.ones((3,))])
    out = mx.nd.zeros((2, 3))
    kv.pull(0, out=out)
    assert out.asnumpy().tolist() == [[1.0] * 3] * 2


def test_optimizer_states_round_trip(tmp_path):
    kv = mx.kv.create("device")
    kv.set_optimizer(mx.optimizer.SGD(learning_rate=0.1, momentum=0.9))
    kv.init(0, mx.nd.ones((2,)))
    kv.push(0, mx.nd.ones((2,)))
    path = str(tmp_path / "states")
    kv.save_optimizer_states(path)
    kv.push(0, mx.nd.ones((2,)))
    after_two = mx.nd.zeros((2,))
    kv.pull(0, out=after_two)
    kv.load_optimizer_states(path)
    kv._store[0][:] = 0.9  # the weight after the first push (1 - 0.1)
    kv.push(0, mx.nd.ones((2,)))
    again = mx.nd.zeros((2,))
    kv.pull(0, out=again)
    assert again.asnumpy().tolist() == pytest.approx(after_two.asnumpy().tolist())


def test_sparse_pull_and_compression_say_why():
    kv = mx.kv.create()
    with pytest.raises(NotImplementedError, match="sparse"):
        kv.row_sparse_pull(0, out=mx.nd.zeros((1,)), row_ids=mx.nd.array([0]))
    with pytest.raises(NotImplementedError, match="distributed"):
        kv.set_gradient_compression({"type": "2bit"})
