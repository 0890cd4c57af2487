"""mx.mod.BucketingModule, SequentialModule, PythonModule and PythonLossModule: buckets
share the default bucket's parameter arrays and optimizer, training over buckets equals a
single Module trained on the same batches, checkpoints round-trip, chains equal the
composed symbol, and misuse fails with MXNet's assert messages (AssertionError).

The printed behaviour is checked against real MXNet by the scripts module_bucketing.py and
module_sequential.py in tests/data/mxnet/scripts."""
import numpy as np
import pytest

import tapegraph as mx


def pooled_gen(seq_len):
    """A symbol for sequences of length `seq_len` with unnamed operators, whose parameters
    do not depend on the length."""
    data = mx.sym.Variable("data")
    hidden = mx.sym.FullyConnected(mx.sym.sum(data, axis=1), num_hidden=5)
    out = mx.sym.FullyConnected(mx.sym.Activation(hidden, act_type="tanh"), num_hidden=3)
    return mx.sym.SoftmaxOutput(out, name="softmax"), ["data"], ["softmax_label"]


def batch(key, seed, batch_size=4):
    r = np.random.RandomState(seed)
    x = r.uniform(-1, 1, (batch_size, key, 2)).astype("float32")
    y = (x.sum(axis=(1, 2)) > 0).astype("float32") + (x[:, 0, 0] > 0.5)
    return mx.io.DataBatch([mx.nd.array(x)], [mx.nd.array(y)], bucket_key=key,
                           provide_data=[mx.io.DataDesc("data", x.shape)],
                           provide_label=[mx.io.DataDesc("softmax_label", y.shape)])


def start_params(shapes, seed=1):
    r = np.random.RandomState(seed)
    return {n: mx.nd.array(r.uniform(-1, 1, s)) for n, s in sorted(shapes.items())}


def bucketing(default_key=5, optimizer="sgd", **optimizer_params):
    mod = mx.mod.BucketingModule(pooled_gen, default_bucket_key=default_key)
    mod.bind([("data", (4, default_key, 2))], [("softmax_label", (4,))])
    mod.init_params(initializer=mx.init.Zero())
    shapes = {n: a.shape for n, a in mod.get_params()[0].items()}
    mod.set_params(start_params(shapes), {})
    mod.init_optimizer(optimizer=optimizer, optimizer_params=optimizer_params or
                       {"learning_rate": 0.1})
    return mod


def train(mod, keys):
    for step, key in enumerate(keys):
        mod.forward(batch(key, step), is_train=True)
        mod.backward()
        mod.update()


def numpy_params(mod):
    return {k: v.asnumpy().copy() for k, v in mod.get_params()[0].items()}


# ---------------------------------------------------------------- BucketingModule
def test_unnamed_operators_are_named_alike_in_every_bucket():
    mx.sym.FullyConnected(mx.sym.var("x"), num_hidden=2)   # advance the global counters
    mod = mx.mod.BucketingModule(pooled_gen, default_bucket_key=5)
    mod.bind([("data", (4, 5, 2))], [("softmax_label", (4,))])
    assert mod.symbol.list_arguments()[1:3] == ["fullyconnected0_weight",
                                                "fullyconnected0_bias"]
    after = mx.sym.FullyConnected(mx.sym.var("x"), num_hidden=2)
    assert after.name != "fullyconnected0"     # the outer counters were restored


def test_buckets_share_the_default_buckets_arrays():
    mod = bucketing()
    train(mod, [5, 2, 3])
    assert sorted(mod._buckets) == [2, 3, 5]
    default = mod._buckets[5]
    for key in (2, 3):
        bucket = mod._buckets[key]
        assert bucket._arg_params is default._arg_params
        for name in default._param_names:
            assert bucket._exec_group.execs[0].arg_dict[name] is \
                default._exec_group.execs[0].arg_dict[name]
    assert mod.data_shapes[0].shape == (4, 3, 2) and mod.output_shapes == [
        ("softmax_output", (4, 3))]


@pytest.mark.parametrize("optimizer,params", [
    ("sgd", {"learning_rate": 0.1, "momentum": 0.9}),
    ("adam", {"learning_rate": 0.05})])
def test_switching_buckets_keeps_the_optimizer_state(optimizer, params):
    keys = [5, 2, 3, 2, 5, 3, 3]
    mod = bucketing(optimizer=optimizer, **params)
    train(mod, keys)
    updaters = {id(m._updater) for m in mod._buckets.values()}
    assert len(updaters) == 1 and all(m.optimizer_initialized
                                      for m in mod._buckets.values())
    # one Module (reshaping per batch) with one optimizer reaches the same parameters
    single = mx.mod.Module(mod._buckets[5].symbol)
    single.bind([("data", (4, 5, 2))], [("softmax_label", (4,))])
    single.init_params(arg_params=start_params({n: a.shape for n, a in
                                                mod.get_params()[0].items()}))
    single.init_optimizer(optimizer=optimizer, optimizer_params=params)
    train(single, keys)
    got, want = numpy_params(mod), numpy_params(single)
    for name in want:
        np.testing.assert_allclose(got[name], want[name], rtol=1e-5, atol=1e-6)


def test_new_buckets_borrow_the_optimizer_and_monitor():
    mod = bucketing()
    mon = mx.monitor.Monitor(1)
    mod.install_monitor(mon)
    mod.forward(batch(2, 0))
    assert mod._buckets[2]._updater is mod._buckets[5]._updater
    assert mod._buckets[2]._exec_group.execs[0]._monitor is not None


def test_prepare_binds_the_next_bucket_without_switching():
    mod = bucketing()
    mod.prepare(batch(3, 0))
    assert sorted(mod._buckets) == [3, 5] and mod._curr_bucket_key == 5


def test_fit_over_bucket_sentence_iter_and_checkpoint(tmp_path):
    rs = np.random.RandomState(3)
    sentences = [list(rs.randint(1, 8, size=n)) for n in rs.choice([3, 5, 7], 16)]
    it = mx.rnn.BucketSentenceIter(sentences, 2, buckets=[4, 7], invalid_label=0)
    cell = mx.rnn.LSTMCell(num_hidden=4, prefix="lstm_")

    def lm_gen(seq_len):
        embed = mx.sym.Embedding(mx.sym.Variable("data"), input_dim=8, output_dim=3,
                                 name="embed")
        cell.reset()
        outputs, _ = cell.unroll(seq_len, inputs=embed, merge_outputs=True)
        pred = mx.sym.FullyConnected(mx.sym.Reshape(outputs, shape=(-1, 4)),
                                     num_hidden=8, name="pred")
        label = mx.sym.Reshape(mx.sym.Variable("softmax_label"), shape=(-1,))
        return mx.sym.SoftmaxOutput(pred, label, name="softmax"), ("data",), \
            ("softmax_label",)

    mod = mx.mod.BucketingModule(lm_gen, default_bucket_key=it.default_bucket_key)
    mod.fit(it, eval_metric=mx.metric.Perplexity(0), num_epoch=2,
            initializer=mx.init.Xavier(), optimizer_params={"learning_rate": 0.1})
    assert sorted(mod._buckets) == [4, 7]
    mod.switch_bucket(4, None)
    # MXNet reports the batch size on each output's batch axis, here (2 * 4, 8) -> (2, 8)
    assert mod.output_shapes == [("softmax_output", (2, 8))]
    assert mod.get_outputs()[0].shape in ((8, 8), (14, 8))
    score = mod.score(it, mx.metric.Perplexity(0))[0][1]
    prefix = str(tmp_path / "lm")
    mod.save_checkpoint(prefix, 3)
    assert (tmp_path / "lm-4-symbol.json").exists() and (tmp_path / "lm.buckets").exists()
    loaded = mx.mod.BucketingModule.load(prefix, 3, sym_gen=lm_gen, default_bucket_key=7)
    assert loaded.params_initialized and not loaded.binded
    loaded.bind(it.provide_data, it.provide_label, for_training=False)
    assert loaded.score(it, mx.metric.Perplexity(0))[0][1] == pytest.approx(score)
    arg, aux = mod.get_params()
    by_dict = mx.mod.BucketingModule.load_dict(
        {4: lm_gen(4)[0], 7: lm_gen(7)[0]}, sym_gen=lm_gen, default_bucket_key=7,
        arg_params=arg, aux_params=aux)
    by_dict.bind(it.provide_data, it.provide_label, for_training=False)
    assert by_dict.score(it, mx.metric.Perplexity(0))[0][1] == pytest.approx(score)


def test_force_rebind_keeps_the_parameters():
    mod = bucketing()
    train(mod, [5, 2])
    before = numpy_params(mod)
    mod.bind([("data", (4, 5, 2))], [("softmax_label", (4,))], for_training=False,
             force_rebind=True)
    assert list(mod._buckets) == [5] and not mod.for_training
    after = numpy_params(mod)
    assert all(np.array_equal(before[k], after[k]) for k in before)


def test_states_of_the_current_bucket():
    def gen(key):
        # the state's shape is declared: tapegraph does not infer it from `data` + state
        data, state = mx.sym.Variable("data"), mx.sym.Variable("state", shape=(2, 4))
        out = mx.sym.FullyConnected(mx.sym.sum(data, axis=1) + state, num_hidden=2,
                                    name="fc")
        return out, ["data"], None

    mod = mx.mod.BucketingModule(gen, default_bucket_key=3, state_names=["state"])
    mod.bind([("data", (2, 3, 4))], for_training=False)
    mod.init_params(initializer=mx.init.One())
    mod.set_states(value=1.5)
    assert mod.get_states(merge_multi_context=False)[0][0].asnumpy().tolist() == \
        [[1.5] * 4] * 2


def test_bucketing_errors():
    with pytest.raises(AssertionError):
        mx.mod.BucketingModule(pooled_gen)
    with pytest.raises(ValueError, match="sym_gen must return"):
        mx.mod.BucketingModule(lambda key: pooled_gen(key)[0], default_bucket_key=2)
    with pytest.raises(ValueError, match="not found in symbol.list_arguments"):
        mx.mod.BucketingModule(pooled_gen, default_bucket_key=2, state_names=["nope"])
    fresh = mx.mod.BucketingModule(pooled_gen, default_bucket_key=5)
    assert fresh.data_names == ["data"] and fresh.output_names == ["softmax_output"]
    with pytest.raises(AssertionError, match="call bind before switching bucket"):
        fresh.switch_bucket(2, [("data", (4, 2, 2))])
    with pytest.raises(AssertionError, match="Empty BucketingModule cannot be saved"):
        fresh.save_checkpoint("x", 0)
    with pytest.raises(AssertionError, match="not bound"):
        fresh.data_shapes
    fresh.bind([("data", (4, 5, 2))], [("softmax_label", (4,))])
    with pytest.raises(AssertionError, match="init_params"):
        fresh.forward(batch(5, 0))
    mod = bucketing()
    with pytest.raises(AssertionError, match="not bound"):
        mx.mod.BucketingModule(pooled_gen, default_bucket_key=5).update()
    fresh.init_params()
    with pytest.raises(AssertionError, match="init_optimizer"):
        fresh.update()
    with pytest.raises(AssertionError, match="not supported"):
        fresh.bind([("data", (4, 5, 2))], shared_module=fresh, force_rebind=True)
    no_shapes = batch(7, 0)
    no_shapes.provide_data = None
    with pytest.raises(TypeError, match="provide_data"):
        mod.forward(no_shapes)
    with pytest.raises(AssertionError, match="sym_gen is required"):
        mx.mod.BucketingModule.load("x", 0)
    with pytest.raises(AssertionError, match="sym_dict needs to be provided"):
        mx.mod.BucketingModule.load_dict(sym_gen=pooled_gen, default_bucket_key=5)


# ---------------------------------------------------------------- SequentialModule
def two_layer_chain(take_labels=True):
    data = mx.sym.Variable("data")
    net1 = mx.sym.Activation(mx.sym.FullyConnected(data, num_hidden=6, name="fc1"),
                             act_type="relu")
    net2 = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(data, num_hidden=3, name="fc2"),
                                name="softmax")
    seq = mx.mod.SequentialModule()
    seq.add(mx.mod.Module(net1, label_names=None))
    seq.add(mx.mod.Module(net2), take_labels=take_labels, auto_wiring=True)
    return seq


def chain_params(seed=0):
    return start_params({"fc1_weight": (6, 4), "fc1_bias": (6,), "fc2_weight": (3, 6),
                         "fc2_bias": (3,)}, seed)


def test_sequential_equals_the_composed_symbol():
    r = np.random.RandomState(0)
    it = mx.io.NDArrayIter(r.normal(0, 1, (16, 4)), r.randint(0, 3, 16), batch_size=4)
    seq = two_layer_chain()
    seq.bind(it.provide_data, it.provide_label, inputs_need_grad=True)
    seq.init_params(arg_params=chain_params())
    seq.init_optimizer(optimizer_params={"learning_rate": 0.5, "momentum": 0.9})
    composed = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.Activation(
        mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=6, name="fc1"),
        act_type="relu"), num_hidden=3, name="fc2"), name="softmax")
    single = mx.mod.Module(composed)
    single.bind(it.provide_data, it.provide_label, inputs_need_grad=True)
    single.init_params(arg_params=chain_params())
    single.init_optimizer(optimizer_params={"learning_rate": 0.5, "momentum": 0.9})
    for b in it:
        for m in (seq, single):
            m.forward_backward(b)
            m.update()
        np.testing.assert_allclose(seq.get_input_grads()[0].asnumpy(),
                                   single.get_input_grads()[0].asnumpy(), rtol=1e-5,
                                   atol=1e-7)
        np.testing.assert_allclose(seq.get_outputs()[0].asnumpy(),
                                   single.get_outputs()[0].asnumpy(), rtol=1e-5)
    got, want = numpy_params(seq), numpy_params(single)
    assert sorted(got) == sorted(want)
    for name in want:
        np.testing.assert_allclose(got[name], want[name], rtol=1e-5, atol=1e-6)
    assert seq.label_shapes[0].name == "softmax_label"


def test_sequential_without_label_takers_has_no_label_shapes():
    seq = two_layer_chain(take_labels=False)
    seq.bind([("data", (2, 4))], [("softmax_label", (2,))], for_training=False)
    assert seq.label_shapes is None and seq.output_shapes == [("softmax_output", (2, 3))]
    assert seq.add(mx.mod.PythonLossModule(data_names=["softmax_output"])) is seq
    assert not seq.binded and not seq.params_initialized


def test_sequential_errors():
    with pytest.raises(AssertionError, match='Unknown meta "take_label", a typo?'):
        mx.mod.SequentialModule().add(two_layer_chain(), take_label=True)
    with pytest.raises(AssertionError, match="Attempting to bind an empty SequentialModule"):
        mx.mod.SequentialModule().bind([("data", (2, 4))])
    with pytest.raises(AssertionError, match="Shared module is not supported"):
        two_layer_chain().bind([("data", (2, 4))], shared_module=object())
    seq = two_layer_chain()
    with pytest.raises(AssertionError, match="call bind before initializing"):
        seq.init_params()
    data = mx.sym.Variable("data")
    dup = mx.mod.SequentialModule()
    for _ in range(2):
        dup.add(mx.mod.Module(mx.sym.FullyConnected(data, num_hidden=4, name="fc"),
                              label_names=None), auto_wiring=True)
    dup.bind([("data", (2, 4))], for_training=False)
    with pytest.raises(AssertionError, match='name "fc_weight" in layer 1'):
        dup.init_params()
    unwired = mx.mod.SequentialModule()
    unwired.add(mx.mod.Module(mx.sym.FullyConnected(data, num_hidden=4, name="a"),
                              label_names=None))
    unwired.add(mx.mod.Module(mx.sym.FullyConnected(data, num_hidden=4, name="b"),
                              label_names=None))
    with pytest.raises(ValueError, match="don't match names"):
        unwired.bind([("data", (2, 4))])
    assert not unwired.binded


# ---------------------------------------------------------------- PythonLossModule
def softmax_ce_grad(scores, labels):
    s = scores.asnumpy()
    p = np.exp(s - s.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(p)), labels.asnumpy().astype(int)] -= 1
    return p


def test_python_loss_module_matches_softmax_output():
    r = np.random.RandomState(1)
    it = mx.io.NDArrayIter(r.normal(0, 1, (8, 4)), r.randint(0, 3, 8), batch_size=4)
    data = mx.sym.Variable("data")
    scores = mx.sym.FullyConnected(mx.sym.Activation(mx.sym.FullyConnected(
        data, num_hidden=6, name="fc1"), act_type="relu"), num_hidden=3, name="fc2")
    loss = mx.mod.PythonLossModule(grad_func=softmax_ce_grad)
    pyseq = mx.mod.SequentialModule()
    pyseq.add(mx.mod.Module(scores, label_names=None))
    pyseq.add(loss, take_labels=True, auto_wiring=True)
    pyseq.bind(it.provide_data, it.provide_label)
    assert loss.output_shapes == [("pyloss_output", (4, 3))]
    pyseq.init_params(arg_params=chain_params(2))
    pyseq.init_optimizer(optimizer_params={"learning_rate": 0.5})
    single = mx.mod.Module(mx.sym.SoftmaxOutput(scores, name="softmax"))
    single.bind(it.provide_data, it.provide_label)
    single.init_params(arg_params=chain_params(2))
    single.init_optimizer(optimizer_params={"learning_rate": 0.5})
    metric = mx.metric.Accuracy()
    for b in it:
        pyseq.forward_backward(b)
        pyseq.update()
        pyseq.update_metric(metric, b.label)
        single.forward_backward(b)
        single.update()
    assert isinstance(loss.get_input_grads()[0], mx.nd.NDArray)
    assert metric.num_inst == 8
    got, want = numpy_params(pyseq), numpy_params(single)
    for name in want:
        np.testing.assert_allclose(got[name], want[name], rtol=1e-5, atol=1e-6)


def test_python_module_errors():
    with pytest.raises(AssertionError):
        mx.mod.PythonLossModule(data_names=("a", "b"))
    loss = mx.mod.PythonLossModule()
    with pytest.raises(AssertionError, match="the module takes \\['data'\\]"):
        loss.bind([("scores", (2, 3))])
    with pytest.raises(AssertionError, match="only support write gradient"):
        loss.bind([("data", (2, 3))], grad_req="add")
    loss.bind([("data", (2, 3))], [("softmax_label", (2,))])
    assert loss.get_params() == ({}, {}) and not loss.binded     # as in MXNet
    loss.forward(mx.io.DataBatch([mx.nd.ones((2, 3))], [mx.nd.zeros(2)]))
    with pytest.raises(AssertionError, match="out_grads should be None"):
        loss.backward(out_grads=[mx.nd.ones((2, 3))])
    with pytest.raises(NotImplementedError, match="grad_func"):
        loss.backward()
    with pytest.raises(NotImplementedError, match="monitor"):
        loss.install_monitor(mx.monitor.Monitor(1))
    with pytest.raises(RuntimeError, match="presliced"):
        loss.update_metric(mx.metric.Accuracy(), [mx.nd.zeros(2)], pre_sliced=True)

    class NoShapes(mx.mod.PythonModule):
        pass

    with pytest.raises(NotImplementedError, match="_compute_output_shapes"):
        NoShapes(["data"], None, ["out"]).bind([("data", (2, 3))])
