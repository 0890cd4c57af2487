"""mx.AttrScope and symbol attributes (MXNet 1.9.1's tests/python/unittest/test_attr.py):
scoped attributes on variables and operators, hidden keys, JSON export."""
import json
import warnings

import mxnet as mx

with mx.AttrScope(ctx_group="stage1", lr_mult="0.1"):
    data = mx.sym.Variable("data")
    with mx.AttrScope(wd_mult="2", __mood__="so so"):
        fc1 = mx.sym.FullyConnected(data, num_hidden=4, name="fc1")
    act = mx.sym.Activation(fc1, act_type="relu", name="relu1")
fc2 = mx.sym.FullyConnected(act, num_hidden=2, name="fc2", attr={"__lr_mult__": "3"})
out = fc2 * 2

print(data.attr("ctx_group"), data.attr("__ctx_group__"), data.attr("lr_mult"), data.attr("none"))
print(sorted(data.list_attr().items()))
print(sorted(fc1.list_attr().items()))
print(sorted(act.list_attr().items()))
print(sorted(out.list_attr().items()))
for name, attrs in sorted(out.attr_dict().items()):
    print(name, sorted(attrs.items()))
doc = json.loads(out.tojson())
for node in doc["nodes"]:
    print(node["op"], node["name"], node.get("attrs"))
loaded = mx.sym.load_json(out.tojson())
print(sorted(loaded.attr_dict()["fc1_weight"].items()))

v = mx.sym.Variable("v", lr_mult=2, wd_mult=0.5, shape=(3, 4), dtype="float16",
                    init=mx.init.Constant(1), attr={"k": "v"}, __extra__=7)
print(sorted(v.list_attr().items()))
print(json.loads(v.tojson())["nodes"][0]["attrs"])
v._set_attr(ctx_group="dev2", note="x")
print(sorted(v.list_attr().items()))
typed = mx.sym.FullyConnected(v, num_hidden=3, name="typed")
print(json.loads(typed.tojson())["nodes"][0]["attrs"])

with mx.AttrScope(a="1"):
    with mx.AttrScope(b="2"):
        w = mx.sym.Variable("w", attr={"a": "0"})
    x = mx.sym.Variable("x")
print(sorted(w.list_attr().items()), sorted(x.list_attr().items()))
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    print(type(mx.AttrScope.current).__name__, mx.AttrScope.current.get({"c": "3"}))

opt = mx.optimizer.SGD(learning_rate=0.1, sym=out, param_idx2name={0: "fc1_weight", 1: "fc2_weight"})
print(opt.lr_mult, opt.wd_mult)

for bad in [lambda: mx.AttrScope(x=1),
            lambda: mx.sym.Variable("bad", attr={"k": 1}),
            lambda: mx.sym.Variable("bad", foo="x"),
            lambda: mx.sym.Variable("bad", attr={"weight_lr_mult": "1"}),
            lambda: mx.sym.Variable(3)]:
    try:
        bad()
    except Exception as e:
        print(type(e).__name__, str(e).splitlines()[0])
