"""mx.kv: the local key-value store (init, push, pull, pushpull, broadcast, optimizer)."""
PRELUDE = '''
def store(name='local'):
    kv = mx.kv.create(name)
    kv.init(3, nd.ones((2, 3)))
    kv.init(4, nd.ones((2,)) * 5)
    return kv
def pulled(kv, key, shape=(2, 3)):
    out = nd.zeros(shape)
    kv.pull(key, out=out)
    return out
def push_list():
    kv = store()
    kv.push(3, [nd.ones((2, 3)) * i for i in range(1, 4)])
    return pulled(kv, 3)
def push_twice():
    kv = store()
    kv.push(3, nd.ones((2, 3)) * 2)
    kv.push(3, nd.ones((2, 3)) * 7)
    return pulled(kv, 3)
def multi_keys():
    kv = mx.kv.create('local')
    kv.init([5, 6], [nd.zeros((2,)), nd.zeros((3,))])
    kv.push([5, 6], [[nd.ones((2,)), nd.ones((2,))], nd.ones((3,)) * 4])
    a, b = nd.zeros((2,)), nd.zeros((3,))
    kv.pull([5, 6], out=[a, b])
    return a, b
def pull_to_list():
    kv = store()
    outs = [nd.zeros((2,)), nd.zeros((2,))]
    kv.pull(4, out=outs)
    return outs
def str_keys():
    kv = mx.kv.create()
    kv.init(['a', 'b'], [nd.ones((1,)), nd.ones((1,)) * 2])
    kv.push('b', [nd.ones((1,)), nd.ones((1,))])
    return pulled(kv, 'a', (1,)), pulled(kv, 'b', (1,))
def pushpull_out():
    kv = store()
    out = nd.zeros((2, 3))
    kv.pushpull(3, [nd.ones((2, 3)), nd.ones((2, 3)) * 2], out=out)
    return out, pulled(kv, 3)
def pushpull_inplace():
    kv = store()
    vals = [nd.ones((2,)), nd.ones((2,)) * 3]
    kv.pushpull(4, vals)
    return vals
def with_updater():
    kv = store()
    def update(key, grad, weight):
        weight[:] = weight - 0.5 * grad
    kv._set_updater(update)
    kv.push(3, [nd.ones((2, 3)), nd.ones((2, 3))])
    kv.push(3, nd.ones((2, 3)))
    return pulled(kv, 3)
def with_sgd():
    kv = store()
    kv.set_optimizer(mx.optimizer.SGD(learning_rate=0.1, rescale_grad=0.5))
    kv.push(3, [nd.ones((2, 3)) * 2, nd.ones((2, 3)) * 4])
    return pulled(kv, 3)
def broadcast():
    kv = mx.kv.create('local')
    out = [nd.zeros((2,)), nd.zeros((2,))]
    kv.broadcast('z', nd.array([3, 4]), out=out)
    return out, pulled(kv, 'z', (2,))
def init_twice():
    kv = store()
    kv.init(3, nd.zeros((2, 3)))
    return pulled(kv, 3)
def props(kv):
    return kv.type, kv.rank, kv.num_workers
def mixed_after_str():
    kv = mx.kv.create()
    kv.init('a', nd.ones((1,)))
    kv.init(1, nd.ones((1,)))
def str_and_list_keys():
    kv = mx.kv.create()
    kv.init('a', nd.ones((1,)))
    kv.push('a', [[nd.ones((1,))]])
'''
CASES = [
    "props(mx.kv.create())", "props(mx.kv.create('local'))", "props(mx.kv.create('device'))",
    "props(mx.kv.create('LOCAL'))", "props(mx.kvstore.create('local_allreduce_cpu'))",
    "mx.kv.create(3)", "mx.kv.create('nosuch')",
    "pulled(store(), 3)", "pulled(store(), 4, (2,))", "push_list()", "push_twice()",
    "multi_keys()", "pull_to_list()", "str_keys()", "pushpull_out()", "pushpull_inplace()",
    "with_updater()", "with_sgd()", "broadcast()", "init_twice()",
    "pulled(store(), 9)", "store().push(9, nd.ones((2,)))",
"store().pull(3, out=nd.zeros((4,)))",
    "store().push(3, 5)", "store().init(1.5, nd.ones((1,)))",
    "mx.kv.create().is_capable('optimizer')", "mx.kv.create().is_capable('foo')",
    "mx.kv.create().save_optimizer_states('/tmp/tapegraph_kv_states')",
    "store().init('s', nd.ones((1,)))", "props(mx.kv.create('nosuch'))",
    "mixed_after_str()", "str_and_list_keys()",
    "store().row_sparse_pull(3, out=nd.zeros((2, 3)), row_ids=nd.array([0]))",
    "mx.kv.create().set_gradient_compression({'type': '2bit', 'threshold': 0.5})",
    "sorted(mx.kvstore.KVStoreBase.kv_registry)",
    "props(mx.kvstore.create('teststore'))",
]
