"""mx.AttrScope and symbol attributes: scoping, MXNet's hidden keys, JSON export, errors."""
import json
import logging

import pytest

import tapegraph as mx


def test_scope_attributes_reach_variables_operators_and_created_parameters():
    with mx.AttrScope(ctx_group="g1", lr_mult="0.5"):
        x = mx.sym.Variable("x")
        fc = mx.sym.FullyConnected(x, num_hidden=3, name="fc")
    assert x.attr("lr_mult") == x.attr("__lr_mult__") == "0.5"
    assert fc.list_attr()["ctx_group"] == "g1"
    assert fc.attr_dict()["fc_weight"]["__ctx_group__"] == "g1"
    nodes = {n["name"]: n for n in json.loads(fc.tojson())["nodes"]}
    assert nodes["fc"]["attrs"] == {"__ctx_group__": "g1", "__lr_mult__": "0.5",
                                    "num_hidden": "3"}
    assert "lr_mult" not in nodes["x"]["attrs"]


def test_nested_scopes_merge_and_restore():
    with mx.AttrScope(a="1", b="1"):
        with mx.AttrScope(b="2"):
            inner = mx.sym.Variable("inner")
        outer = mx.sym.Variable("outer")
    after = mx.sym.Variable("after")
    assert inner.list_attr() == {"a": "1", "b": "2"}
    assert outer.list_attr() == {"a": "1", "b": "1"}
    assert after.list_attr() == {}


def test_attributes_survive_a_typed_export_and_a_reload():
    v = mx.sym.Variable("v", shape=(2, 3), lr_mult=0.1, attr={"note": "n"})
    out = mx.sym.FullyConnected(v, num_hidden=4, name="fc", attr={"__wd_mult__": "0"})
    nodes = {n["name"]: n for n in json.loads(out.tojson())["nodes"]}
    assert nodes["v"]["attrs"]["__lr_mult__"] == "0.1"
    assert nodes["v"]["attrs"]["note"] == "n"
    assert nodes["fc_weight"]["attrs"]["__wd_mult__"] == "0"
    again = mx.sym.load_json(out.tojson())
    assert again.attr_dict()["v"]["lr_mult"] == "0.1"


def test_set_attr_and_optimizer_multipliers():
    w = mx.sym.Variable("w")
    w._set_attr(lr_mult="4")
    net = mx.sym.FullyConnected(mx.sym.Variable("data"), weight=w, num_hidden=2, name="fc")
    opt = mx.optimizer.SGD(sym=net, param_idx2name={0: "w"})
    assert opt.lr_mult == {"w": 4.0}


def test_gluon_parameter_var_keeps_its_multipliers():
    p = mx.gluon.Parameter("weight", shape=(2, 2), lr_mult=2.0)
    assert p.var().attr("__lr_mult__") == "2.0"


@pytest.mark.parametrize("make, error, text", [
    (lambda: mx.AttrScope(a=1), ValueError, "Attributes need to be string"),
    (lambda: mx.sym.Variable("v", attr={"k": 1}), ValueError, "only accepts string"),
    (lambda: mx.sym.Variable("v", foo=1), ValueError, "Attribute name=foo is not supported"),
    (lambda: mx.sym.Variable("v", attr={"w_lr_mult": "1"}), mx.MXNetError, "deprecated"),
    (lambda: mx.sym.Variable(1), TypeError, "Expect a string"),
])
def test_bad_attributes_are_rejected(make, error, text):
    with pytest.raises(error, match=text):
        make()


def test_set_attr_checks_every_value_before_setting_any():
    v = mx.sym.Variable("v")
    with pytest.raises(ValueError):
        v._set_attr(a="1", b=2)
    assert v.list_attr() == {}


def test_log_get_logger_formats_as_mxnet(capsys):
    logger = mx.log.get_logger("tapegraph_test_logger", level=mx.log.INFO)
    assert logger.level == logging.INFO
    logger.info("hello %d", 3)
    err = capsys.readouterr().err
    assert err.startswith("\x1b[32mI") and err.rstrip().endswith("hello 3")
    assert mx.log.get_logger("tapegraph_test_logger") is logger
    assert len(logger.handlers) == 1
