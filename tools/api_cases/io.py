"""mx.io: DataDesc, DataBatch, NDArrayIter (shuffle, last_batch_handle), ResizeIter,
PrefetchingIter."""
PRELUDE = '''
import numpy as np
data = np.arange(20, dtype=np.float32).reshape(10, 2)
label = np.arange(10)
def epoch(it):
    return [(b.data[0].asnumpy().tolist(), b.label[0].asnumpy().tolist() if b.label else None,
             b.pad) for b in it]
def two_epochs(it):
    first = epoch(it)
    it.reset()
    return first, epoch(it)
def descs(it):
    return [(d.name, list(d.shape), np.dtype(d.dtype).name, d.layout)
            for d in it.provide_data + it.provide_label]
def shuffled():
    np.random.seed(3)
    it = mx.io.NDArrayIter(data, label, batch_size=4, shuffle=True)
    return epoch(it)
def batch_str():
    return str(mx.io.DataBatch([nd.ones((2, 3))], [nd.ones((2,))], pad=1))
'''
CASES = [
    "epoch(mx.io.NDArrayIter(data, label, batch_size=4))",
    "two_epochs(mx.io.NDArrayIter(data, label, batch_size=4, last_batch_handle='pad'))",
    "two_epochs(mx.io.NDArrayIter(data, label, batch_size=4, last_batch_handle='discard'))",
    "two_epochs(mx.io.NDArrayIter(data, label, batch_size=4, last_batch_handle='roll_over'))",
    "epoch(mx.io.NDArrayIter(data, label, batch_size=25))",
    "epoch(mx.io.NDArrayIter(data, None, batch_size=3))",
    "epoch(mx.io.NDArrayIter({'a': data, 'b': data * 2}, label, batch_size=5))",
    "epoch(mx.io.NDArrayIter([data, data + 1], [label], batch_size=5))",
    "descs(mx.io.NDArrayIter(data, label, batch_size=4))",
    "descs(mx.io.NDArrayIter({'a': data, 'b': data * 2}, {'l': label}, batch_size=5))",
    "descs(mx.io.NDArrayIter(nd.array(data, dtype='float64'), nd.array(label, dtype='int32'),"
    " batch_size=2))",
    "descs(mx.io.NDArrayIter([data, data], [label, label], batch_size=2))",
    "shuffled()",
    "mx.io.NDArrayIter(data, label, batch_size=4).num_data",
    "mx.io.NDArrayIter('junk', label, batch_size=4)",
    "mx.io.NDArrayIter(5, label, batch_size=4)",
    "repr(mx.io.DataDesc('x', (2, 3)))",
    "repr(mx.io.DataDesc('x', (2, 3), 'int32', 'NC'))",
    "mx.io.DataDesc.get_batch_axis('TNC')", "mx.io.DataDesc.get_batch_axis(None)",
    "[repr(d) for d in mx.io.DataDesc.get_list([('a', (1, 2)), ('b', (3,))], [('a', 'int32'),"
    " ('b', 'float16')])]",
    "mx.io.DataDesc('x', (2, 3)) == ('x', (2, 3))",
    "batch_str()", "mx.io.DataBatch(nd.ones((2,)))",
    "epoch(mx.io.ResizeIter(mx.io.NDArrayIter(data, label, batch_size=4), 5))",
    "epoch(mx.io.PrefetchingIter([mx.io.NDArrayIter(data, label, batch_size=5),"
    " mx.io.NDArrayIter(data * 2, label, batch_size=5)]))",
    "mx.io.NDArrayIter(data, label, batch_size=4).getpad()",
    "list(mx.io.DataIter(3).__iter__().__class__.__mro__[0].__name__)",
    "mx.io.DataIter(3).batch_size", "mx.io.DataIter().getindex()",
]
