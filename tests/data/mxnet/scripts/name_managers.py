"""mx.name: the current NameManager numbers unnamed symbol nodes (and top-level Gluon
blocks); a fresh NameManager restarts the numbers; Prefix prefixes operator names."""
import mxnet as mx

x = mx.sym.Variable("x")
print(mx.sym.FullyConnected(x, num_hidden=2).name, (x + x).name, (x * 2).name)
print(mx.sym.FullyConnected(x, num_hidden=2).name, (x + x).name)
with mx.name.NameManager():
    fc = mx.sym.FullyConnected(x, num_hidden=2)
    print(fc.name, fc.list_arguments(), (x + x).name)
    print(isinstance(mx.name.NameManager.current, mx.name.NameManager))
    print(mx.name.NameManager.current.get(None, "thing"), mx.name.NameManager.current.get("given", "thing"))
print(mx.sym.FullyConnected(x, num_hidden=2).name)
with mx.name.Prefix("net_"):
    fc = mx.sym.FullyConnected(x, num_hidden=2, name="fc")
    print(fc.name, fc.list_arguments())
with mx.name.NameManager():
    dense = mx.gluon.nn.Dense(2)
    sym_dense = mx.sym.Variable("d", shape=(1,))
    print(dense.name, dense.prefix)
a = mx.sym.FullyConnected(x, num_hidden=2)
with mx.name.Prefix("p_"):  # a NameManager of its own: fresh counters, prefixed names
    b = mx.sym.FullyConnected(x, num_hidden=2)
    c = x + x
    with mx.name.Prefix("q_"):
        d = mx.sym.FullyConnected(x, num_hidden=2)
    e = mx.sym.FullyConnected(x, num_hidden=2, name="named")
    block = mx.gluon.nn.Dense(2)
f = mx.sym.FullyConnected(x, num_hidden=2)
print(a.name, b.name, c.name, d.name, e.name, f.name, b.list_arguments(), block.prefix)
