"""Stable node ids across passes and the structural diff built on them (tapegraph.ir.diff),
and the pass manager's provenance stamp (`meta["pass"]`)."""
import textwrap

from tapegraph.ir import parse
from tapegraph.ir.diff import NodeIdentity, diff, rows, walk
from tapegraph.passes import PassManager, cse, dce, fuse, grad, residualize, simplify

SRC = textwrap.dedent("""\
    graph f(%x: f32[4], %w: f32[4]) -> (f32[4]) {
      %0: f32[4] = elemwise_mul(%x, %w)
      %1: f32[4] = elemwise_mul(%x, %w)
      %2: f32[4] = tanh(%0)
      %3: f32[4] = exp(%1)
      %4: f32[4] = elemwise_add(%2, %3)
      %5: f32[4] = negative(%x)
      return (%4)
    }
    """)


def ids_and_diff(before, after, identity=None):
    identity = identity or NodeIdentity()
    before_ids = identity.assign(before)
    after_ids = identity.assign(after)
    return before_ids, after_ids, diff(before, before_ids, after, after_ids, identity)


def by_op(graph, ids):
    return {n.op: ids[n] for n, _ in walk(graph) if n.op not in ("elemwise_mul",)}


def test_dce_removes_one_node_and_keeps_every_other_id():
    g = parse(SRC)
    d_graph = dce(g)
    before, after, d = ids_and_diff(g, d_graph)
    assert d.removed == [before[g.nodes[5]]]          # negative(%x) is dead
    assert not d.added and not d.changed
    assert [after[n] for n in d_graph.nodes] == [before[n] for n in g.nodes[:5]]
    assert d.summary() == "+0 -1 ~0"


def test_cse_keeps_the_first_duplicate_and_marks_its_reader_changed():
    g = dce(parse(SRC))
    merged = cse(g)
    before, after, d = ids_and_diff(g, merged)
    second_mul, exp = g.nodes[1], g.nodes[3]
    assert d.removed == [before[second_mul]]
    assert d.changed == [before[exp]]                 # reads the first mul now
    assert after[merged.nodes[2]] == before[exp]      # same id although renumbered
    text = [(r.status, r.text.strip()) for r in rows(g, before, merged, after, d)]
    assert ("removed", "%1: f32[4] = elemwise_mul(%x, %w)") in text
    assert ("changed", "%2: f32[4] = exp(%0)") in text
    # the removed line sits after its last kept neighbour, not at the end
    statuses = [s for s, _ in text]
    assert statuses.index("removed") == 2


def test_residualized_forward_values_are_inputs_and_their_readers_are_unchanged():
    g = dce(parse(SRC))
    joint = grad(g, wrt=[1])
    known = [v for n in g.nodes for v in n.outputs]
    res = residualize(joint, known=known)
    before, after, d = ids_and_diff(joint, res)
    assert sorted(d.removed) == sorted(before[n] for n in g.nodes)
    assert len(d.inputs_added) == len(res.inputs) - len(joint.inputs)
    assert not d.changed and not d.added


def test_fused_copies_keep_the_ids_of_the_nodes_they_copy():
    g = parse(textwrap.dedent("""\
        graph f(%x: f32[4]) -> (f32[4]) {
          %0: f32[4] = tanh(%x)
          %1: f32[4] = exp(%0)
          %2: f32[4] = negative(%1)
          return (%2)
        }
        """))
    fused = fuse(g)
    assert fused.nodes[0].op == "fused"
    before, after, d = ids_and_diff(g, fused)
    assert d.added == [after[fused.nodes[0]]]
    assert not d.removed and not d.changed
    inner = fused.nodes[0].region.nodes
    assert [after[n] for n in inner] == [before[n] for n in g.nodes]
    statuses = {r.node: r.status for r in rows(g, before, fused, after, d) if r.node}
    assert all(statuses[before[n]] == "moved" for n in g.nodes)


def test_simplify_rewrites_in_place_as_changed():
    g = parse(textwrap.dedent("""\
        graph f(%x: f32[4]) -> (f32[4]) {
          %0: f32[4] = _mul_scalar(%x) {scalar=3.0}
          %1: f32[4] = _mul_scalar(%0) {scalar=2.0}
          return (%1)
        }
        """))
    s = simplify(g)
    assert s.nodes[-1].attrs["scalar"] == 6.0 and s.nodes[-1].outputs == g.nodes[-1].outputs
    before, after, d = ids_and_diff(g, s)
    assert before[g.nodes[-1]] in d.changed and not d.added


def test_pass_manager_stamps_created_nodes_only_and_keys_do_not_change():
    g = dce(parse(SRC))
    manager = PassManager(["grad", "dce", "cse", "fuse"], verify=True)
    out = manager.run(g)
    joint = manager.history[0].graph
    for n in joint.nodes[:len(g.nodes)]:
        assert "pass" not in (n.meta or {})           # forward nodes kept
    for n in joint.nodes[len(g.nodes):]:
        assert n.meta["pass"] == "grad" and "vjp_of" in n.meta or "head_grad_of" in n.meta
    fused = [n for n in out.nodes if n.op == "fused"]
    assert fused and all(n.meta == {"pass": "fuse"} for n in fused)
    # the stamp is metadata: the graph equals one built without a manager
    assert out == fuse(cse(dce(grad(g))))
    assert out.structure() == fuse(cse(dce(grad(g)))).structure()


def test_first_step_is_all_added():
    g = parse(SRC)
    identity = NodeIdentity()
    ids = identity.assign(g)
    d = diff(None, {}, g, ids, identity)
    assert sorted(d.added) == sorted(ids.values()) and len(set(ids.values())) == 6
