"""The untyped graph behind a loaded or composed Symbol, and its lowering to typed IR.

MXNet symbols carry no shapes; the IR is typed. A `SymNode` DAG keeps what a symbol
file says (operator, name, attributes, inputs); `lower` turns it into an `ir.Graph`
once the input types are known (from the caller, or from `__shape__`/`__dtype__`),
running each operator's import mapping through a `Builder` so every shape is checked.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from ...ir import Builder, Graph, MXNetError, Node, TensorType, Value
from ...ir.parser import parse_attrs
from .mxjson import CODE_DTYPES, attr_value
from .mxnet_ops import lookup
from .param_shapes import parameter_type, RULES
from .naming import NodeNames
from .unknown_dims import Retry, UnknownDims

Entry = Tuple["SymNode", int]


class SymNode:
    """One node of a symbol: a variable (`op is None`) or an operator application.

    `attrs` are the converted IR-level attributes for operators and the raw strings for
    variables; `raw` keeps the attribute text as written (for export and debug_str).
    `tg` holds the hidden `__tg_*__` keys; `type` is known for variables of typed
    graphs; `ir_node` is set when the node came from an IR graph.
    """

    __slots__ = ("op", "name", "attrs", "raw", "inputs", "num_outputs", "tg", "type",
                 "ir_node", "order", "versions")

    def __init__(self, op: Optional[str], name: str, attrs: Dict[str, Any],
                 inputs: Sequence[Entry] = (), num_outputs: int = 1,
                 raw: Optional[Dict[str, str]] = None, tg: Optional[Dict[str, str]] = None,
                 type: Optional[TensorType] = None, ir_node: Optional[Node] = None,
                 order: Optional[int] = None, versions: Optional[Sequence[int]] = None):
        self.op = op
        self.name = name
        self.attrs = attrs
        self.raw = raw if raw is not None else {}
        self.inputs = tuple(inputs)
        self.num_outputs = num_outputs
        self.tg = tg or {}
        self.type = type
        self.ir_node = ir_node
        self.order = order  # position in the file or graph it came from
        self.versions = tuple(versions) if versions is not None else None  # as loaded

    @property
    def is_variable(self) -> bool:
        return self.op is None

    def visible_outputs(self) -> int:
        """How many outputs MXNet shows: all but the operator's hidden ones (box_nms's)."""
        if self.is_variable:
            return self.num_outputs
        try:
            return min(self.num_outputs, lookup(self.op).visible_outputs(self.attrs))
        except MXNetError:  # (an operator the loader has no mapping for)
            return self.num_outputs

    def __repr__(self) -> str:
        return "<SymNode %s %s>" % (self.op or "null", self.name)


def topo_order(heads: Sequence[Entry], mxnet_view: bool = False) -> List[SymNode]:
    """Nodes reachable from `heads`, inputs before users: in the order of the file or
    graph they came from when that order is topological (so a round trip keeps the
    graph exactly), else in DFS post-order as MXNet does. `mxnet_view`: see dfs_order."""
    order = dfs_order(heads, mxnet_view)
    inputs_of = (lambda n: n.inputs) if mxnet_view else _dag_inputs
    if all(n.order is not None for n in order):
        by_position = sorted(order, key=lambda n: n.order)
        if all(src.order < n.order for n in by_position for src, _ in inputs_of(n)):
            return by_position
    return order


def dfs_order(heads: Sequence[Entry], mxnet_view: bool = False) -> List[SymNode]:
    """Nodes reachable from `heads` in DFS post-order (MXNet's order); detects cycles.

    With `mxnet_view` the walk follows the inputs as written in the file (what MXNet
    sees), else the inputs the IR is built from (`__tg_args__`)."""
    inputs_of = (lambda n: n.inputs) if mxnet_view else _dag_inputs
    order: List[SymNode] = []
    done = set()
    for head, _ in heads:
        if id(head) in done:
            continue
        stack = [(head, 0)]
        on_stack = {id(head)}
        while stack:
            node, i = stack[-1]
            ins = inputs_of(node)
            if i < len(ins):
                stack[-1] = (node, i + 1)
                child = ins[i][0]
                if id(child) in done:
                    continue
                if id(child) in on_stack:
                    raise MXNetError("the symbol has a cycle through node %r" % child.name)
                on_stack.add(id(child))
                stack.append((child, 0))
            else:
                stack.pop()
                on_stack.discard(id(node))
                done.add(id(node))
                order.append(node)
    return order


def _dag_inputs(node: SymNode) -> Tuple[Entry, ...]:
    """The inputs the IR node is built from (`__tg_args__` overrides MXNet's inputs)."""
    args = node.tg.get("args")
    return args if args is not None else node.inputs


def aux_variables(order: Sequence[SymNode]) -> List[SymNode]:
    """Variables used as auxiliary states (e.g. BatchNorm's moving statistics)."""
    found: List[SymNode] = []
    for node in order:
        if node.is_variable or node.tg.get("op") or "unsupported" in node.tg:
            continue
        try:
            aux = lookup(node.op).aux_positions(node.attrs)
        except MXNetError:  # e.g. a `fused` node of a typed graph: no auxiliary states
            continue
        for pos in aux:
            if pos < len(node.inputs):
                var = node.inputs[pos][0]
                if var.is_variable and var not in found:
                    found.append(var)
    return found


def variable_type(node: SymNode, shapes: Dict[str, Any], dtypes: Dict[str, Any]
                  ) -> Optional[TensorType]:
    """A variable's type from the caller's shapes/dtypes, else its own attributes."""
    shape = shapes.get(node.name)
    dtype = dtypes.get(node.name)
    if node.type is not None:
        shape = node.type.shape if shape is None else shape
        dtype = node.type.dtype if dtype is None else dtype
    if shape is None and "__shape__" in node.raw:
        shape = attr_value(node.raw["__shape__"])
        shape = (shape,) if isinstance(shape, int) else shape
        if not isinstance(shape, tuple) or any(not isinstance(s, int) or s <= 0 for s in shape):
            shape = None  # MXNet writes unknown dims as 0: not enough to build a graph
    if dtype is None and "__dtype__" in node.raw:
        dtype = CODE_DTYPES.get(int(node.raw["__dtype__"]), "float32")
    if shape is None:
        return None
    return TensorType.get(tuple(shape), dtype or "float32")


# MXNet operators whose inputs all have the output's shape (MXNet's ElemwiseShape): a
# variable without a shape takes a sibling input's, as MXNet infers it (`sum(x) + state`).
EQUAL_SHAPES = {"elemwise_add", "elemwise_sub", "elemwise_mul", "elemwise_div", "add_n",
                "ElementWiseSum", "_grad_add", "_maximum", "_minimum", "_hypot", "_power",
                "_mod", "_equal", "_not_equal", "_greater", "_greater_equal", "_lesser",
                "_lesser_equal", "_logical_and", "_logical_or", "_logical_xor"}


def _shape_from_siblings(node: SymNode, srcs, inputs: Dict[SymNode, Value],
                         outs: Dict[SymNode, Tuple[Value, ...]], dtypes: Dict[str, Any]) -> None:
    """Give each shapeless variable input of `node` (an EQUAL_SHAPES operator) the shape
    of its first input that has one (its dtype: its own if given, else that input's)."""
    known = next((outs[n][i].type for n, i in srcs if n in outs), None)
    if known is None:
        return
    for src, _ in srcs:
        if src.is_variable and src not in outs:
            own = variable_type(src, {src.name: known.shape}, dtypes)
            dtype = dtypes.get(src.name) or ("__dtype__" in src.raw and own.dtype) \
                or known.dtype
            inputs[src] = Value(TensorType.get(known.shape, dtype), src.name)
            outs[src] = (inputs[src],)


def lower(heads: Sequence[Entry], shapes: Dict[str, Any], dtypes: Optional[Dict[str, Any]] = None,
          name: str = "symbol", extra_inputs: Sequence[SymNode] = ()
          ) -> Tuple[Graph, Dict[Value, str]]:
    """The typed IR graph of a symbol, and the names of its values (for export).

    Graph inputs are the variables (auxiliary states included) in `topo_order`, plus
    `extra_inputs` (variables a file lists that no output uses: a graph's signature
    may have unused parameters), by position in the file. A
    variable without a known shape gets one from the operator using it where MXNet
    infers parameter shapes (FullyConnected's weight from the data, ...). Raises
    MXNetError naming the variables whose shapes stay unknown, or the node whose
    operator rejects its inputs. Unknown sizes (0) of legacy creation operators are
    inferred from the operators around them (see `unknown_dims`).
    """
    order = topo_order(heads)
    unknowns = UnknownDims(order)
    for _ in range(len(unknowns) + 1):
        try:
            graph, names = _lower_once(heads, order, shapes, dtypes or {}, name,
                                       extra_inputs, unknowns)
        except Retry:
            continue
        unknowns.check(graph, names)
        return graph, names
    raise MXNetError("cannot infer the unknown dimensions (0) of this symbol")


def _lower_once(heads: Sequence[Entry], order: List[SymNode], shapes: Dict[str, Any],
                dtypes: Dict[str, Any], name: str, extra_inputs: Sequence[SymNode],
                unknowns: UnknownDims) -> Tuple[Graph, Dict[Value, str]]:
    variables = [n for n in order if n.is_variable]
    extra = [n for n in extra_inputs if n not in variables]
    if extra:
        variables += extra
        if all(n.order is not None for n in variables):
            variables.sort(key=lambda n: n.order)
    inputs: Dict[SymNode, Value] = {}
    for var in variables:
        t = variable_type(var, shapes, dtypes)
        if t is not None:
            inputs[var] = Value(t, var.name)
    b = Builder()
    outs: Dict[SymNode, Tuple[Value, ...]] = {v: (inputs[v],) for v in inputs}
    by_name: Dict[str, Node] = {}
    deferred: Dict[SymNode, SymNode] = {}  # a cast of a variable of unknown shape -> it
    for node in order:
        if node.is_variable:
            continue
        srcs = _dag_inputs(node)
        if node.op in DTYPE_CASTS and len(srcs) == 1 and srcs[0][0].is_variable \
                and srcs[0][0] not in inputs:
            deferred[node] = srcs[0][0]
            continue
        if deferred:
            _type_deferred_casts(b, node, srcs, deferred, inputs, outs, dtypes, unknowns)
        infer_variables(node, srcs, inputs, outs, dtypes)
        missing = [src for src, _ in srcs if src not in outs]
        if missing:
            behind = [(deferred.get(src, src), src) for src, _ in srcs]
            blocking = [var.name for pos, (var, src) in enumerate(behind) if src not in outs
                        and var.is_variable and (pos == 0 or node.op not in RULES)]
            raise MXNetError("cannot infer the shapes of this symbol: give the shape of %s"
                             % ", ".join(repr(m) for m in blocking or
                                         [v.name for v in missing if v.is_variable]
                                         or [v.name for v in variables if v not in inputs]))
        ins = [outs[n][i] for n, i in srcs]
        start = len(b.nodes)
        try:
            result = _build(b, node, ins, unknowns)
        except (MXNetError, ArithmeticError, LookupError, TypeError, ValueError) as e:
            if len(unknowns):
                unknowns.learn(ins)  # (raises Retry when it binds an unknown size)
            raise MXNetError("node %r (%s): %s" % (node.name, node.op, e)) from None
        result = result if isinstance(result, tuple) else (result,)
        outs[node] = result
        if len(b.nodes) > start:
            by_name[node.name] = b.nodes[-1]
        if "head_grad_of" in node.tg and len(b.nodes) > start \
                and str(node.tg["head_grad_of"]).isdecimal():
            b.nodes[-1].meta = dict(b.nodes[-1].meta or {},
                                    head_grad_of=int(node.tg["head_grad_of"]))
        vjp_of = node.tg.get("vjp_of")
        if vjp_of is not None and len(b.nodes) > start:
            # the forward node itself when it is in this graph, else its name
            stamp = ({"vjp_of": by_name[vjp_of]} if vjp_of in by_name
                     else {"origin": "vjp of %" + vjp_of})
            for built in b.nodes[start:]:
                built.meta = dict(built.meta or {}, **stamp)
    missing = [v.name for v in variables if v not in inputs]
    if missing:
        raise MXNetError("cannot infer the shapes of this symbol: give the shape of %s"
                         % ", ".join(repr(m) for m in missing))
    names: Dict[Value, str] = {v: n.name for n, v in inputs.items()}
    for node in order:
        if not node.is_variable:
            names.setdefault(outs[node][0], node.name)
    outputs = [outs[n][i] for n, i in heads]
    graph = b.graph(name, [inputs[v] for v in variables], outputs)
    return graph, names


def infer_variables(node: SymNode, srcs, inputs: Dict[SymNode, Value],
                    outs: Dict[SymNode, Tuple[Value, ...]], dtypes: Dict[str, Any]) -> None:
    """Type the variables `node` reads that have no type yet, where MXNet infers them:
    parameters from the data (FullyConnected's weight, ...) and operands of element-wise
    operators from a sibling (`EQUAL_SHAPES`)."""
    for pos, (src, _) in enumerate(srcs):
        if src.is_variable and src not in inputs and srcs[0][0] in outs:
            t = parameter_type(node, pos, outs[srcs[0][0]][srcs[0][1]].type)
            if t is not None:
                inputs[src] = Value(t, src.name)
                outs[src] = (inputs[src],)
    if node.op in EQUAL_SHAPES:
        _shape_from_siblings(node, srcs, inputs, outs, dtypes)


# Operators that change only the dtype: a parameter cast by one (AMP casts every input of
# FullyConnected, Convolution ...) still gets its shape from the operator reading the cast.
DTYPE_CASTS = {"amp_cast", "Cast", "cast"}


def _type_deferred_casts(b: Builder, node: SymNode, srcs, deferred: Dict[SymNode, SymNode],
                         inputs: Dict[SymNode, Value], outs: Dict[SymNode, Tuple[Value, ...]],
                         dtypes: Dict[str, Any], unknowns: UnknownDims) -> None:
    """Type the variables behind the deferred casts `node` reads, as `infer_variables`
    types variables it reads directly, and build those casts."""
    for pos, (src, _) in enumerate(srcs):
        if src not in deferred or src in outs or srcs[0][0] not in outs:
            continue
        t = parameter_type(node, pos, outs[srcs[0][0]][srcs[0][1]].type)
        if t is None:
            continue
        var = deferred[src]
        if var not in inputs:
            own = variable_type(var, {var.name: t.shape}, dtypes)
            inputs[var] = Value(own or TensorType.get(t.shape, "float32"), var.name)
            outs[var] = (inputs[var],)
        result = _build(b, src, [inputs[var]], unknowns)
        outs[src] = result if isinstance(result, tuple) else (result,)


def _build(b: Builder, node: SymNode, ins: List[Value], unknowns: UnknownDims) -> Any:
    if node.ir_node is not None and node.ir_node.region is not None:
        raise MXNetError("a symbol holding a fused region cannot be recomposed")
    tg_op = node.tg.get("op")
    if tg_op is not None:
        attrs = parse_attrs(node.tg.get("attrs", "{}"), 0)
        return b.op(tg_op, *ins, **attrs)
    if node.ir_node is not None:
        return b.op(node.ir_node.op, *ins, **node.ir_node.attrs)
    return lookup(node.op).build(b, ins, unknowns.attrs(node))


def from_graph(graph: Graph, names: Dict[Value, str]) -> Tuple[List[Entry], List[SymNode]]:
    """A SymNode DAG mirroring a typed graph (names from `names`, else generated)."""
    nn = NodeNames(graph, names)
    entry: Dict[Value, Entry] = {}
    for k, v in enumerate(graph.inputs):
        node = SymNode(None, nn.inputs[v], {}, type=v.type, order=k)
        entry[v] = (node, 0)
    nodes = []
    for k, n in enumerate(graph.nodes):
        sn = SymNode(n.op, nn.nodes[n], dict(n.attrs), [entry[v] for v in n.inputs],
                     len(n.outputs), ir_node=n, order=len(graph.inputs) + k)
        nodes.append(sn)
        for i, v in enumerate(n.outputs):
            entry[v] = (sn, i)
    return [entry[v] for v in graph.outputs], nodes
