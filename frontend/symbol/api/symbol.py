"""`Symbol`: a graph seen through MXNet's Symbol API.

A Symbol is either backed by a typed IR graph (recorded with `autograd.get_symbol`, a
backward graph from `autograd.backward_graph`, a parsed IR text file) or by an untyped
`SymNode` DAG (loaded MXNet JSON, `sym.var`, arithmetic on symbols); the DAG becomes a
typed graph as soon as the input shapes are known (`infer_shape`, `eval`, or
`__shape__` attributes).
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import re

import numpy as np

from ...ir import Graph, MXNetError, Value, print_graph
from ..graph import dag as _dag
from ..graph.partial import known, partial_values
from ..graph.dag import Entry, SymNode
from ..graph.naming import NodeNames, graph_names, renamed, caller_names
from ..graph.mxjson import attr_text
from ...runtime import Plan
from ..execute.executor import Executor
from .binding import simple_bind
from ...numpy import ndarray
from ...ndarray import NDArray
from ..formats.json_export import to_json
from ..formats.dag_export import dag_to_json, debug_str
from ..formats.amp_casts import amp_casts_removed
from ...passes import grad, dce, inline
from ...ir.nx import to_networkx
from ..graph.mxnet_ops import lookup
from ..formats.json_import import parse_document
from ...trace.collect import Collected
from .fluent import FluentMethods
from .auto_names import auto_name, node_name  # noqa: F401  (imported from here too)
from .attrs import listed, lookup_key, scoped_operator_attrs, set_attrs, user_attrs, \
    variable_attrs


# MXNet operator -> the names of a node's outputs, for operators that name them (Custom:
# `<node>_<output>` from its prop); the others are `<node>_output[<i>]`
OUTPUT_NAMES: Dict[str, Callable[[SymNode], List[str]]] = {}


class Symbol(FluentMethods):
    """A symbolic graph with MXNet's Symbol methods; `print(sym)` shows the IR text."""

    def __init__(self, graph: Optional[Graph] = None, np_mode: bool = False,
                 names: Optional[Dict[Value, str]] = None,
                 heads: Optional[Sequence[Entry]] = None):
        if (graph is None) == (heads is None):
            raise MXNetError("Symbol needs exactly one of a graph or DAG heads")
        self._np_mode = np_mode
        self._heads: Optional[List[Entry]] = list(heads) if heads is not None else None
        self._graph: Optional[Graph] = None
        self._names: Dict[Value, str] = {}
        self._output_labels: Optional[List[str]] = None
        self._unused_inputs: List[SymNode] = []  # a loaded file's parameters no output uses
        if graph is not None:
            self._set_graph(graph, names)

    # ------------------------------------------------------------ construction
    @classmethod
    def from_graph(cls, graph: Graph, names: Optional[Dict[Value, str]] = None,
                   np_mode: bool = False, output_labels: Optional[Sequence[str]] = None
                   ) -> "Symbol":
        """A Symbol of `graph`; `names` (Value -> name) overrides generated names;
        `output_labels` describe the outputs in pictures (e.g. `grad x`)."""
        sym = cls(graph, np_mode, names)
        sym._output_labels = list(output_labels) if output_labels is not None else None
        return sym

    def output_labels(self) -> List[str]:
        """What each output is, for pictures: `grad x` for gradients, else its name."""
        if self._output_labels is not None:
            return list(self._output_labels)
        return [n[:-len("_output")] if n.endswith("_output") else n
                for n in self.list_outputs()]

    def _set_graph(self, graph: Graph, names: Optional[Dict[Value, str]]) -> None:
        all_names = dict(names or {})  # also names values outside `graph` (provenance)
        all_names.update(graph_names(graph, names))
        self._graph = renamed(graph, all_names)
        self._names = {}
        for v in self._graph.inputs:
            self._names[v] = v.hint
        for n in self._graph.nodes:
            for v in n.outputs:
                if v.hint:
                    self._names[v] = v.hint

    @property
    def graph(self) -> Graph:
        """The typed IR graph (for a loaded symbol: shapes from `__shape__` attributes)."""
        if self._graph is None:
            graph, names = _dag.lower(self._heads, {}, name="symbol",
                                      extra_inputs=self._unused_inputs)
            self._set_graph(graph, names)
        return self._graph

    def _typed(self, shapes: Dict[str, Any], dtypes: Optional[Dict[str, Any]] = None) -> Graph:
        if self._graph is not None:
            types = {v.hint: v.type for v in self._graph.inputs}
            if all(k in types and tuple(s) == types[k].shape for k, s in shapes.items()) and \
                    all(k in types and np.dtype(d).name == types[k].dtype
                        for k, d in (dtypes or {}).items()):
                return self._graph
        graph, _ = _dag.lower(self._dag(), shapes, dtypes or {}, name="symbol",
                              extra_inputs=self._unused_inputs)
        return graph

    def _dag(self) -> List[Entry]:
        if self._heads is None:
            self._heads, _ = _dag.from_graph(self._graph, self._names)
        return self._heads

    def _node_names(self) -> NodeNames:
        return NodeNames(self.graph, self._names)

    # ------------------------------------------------------------ MXNet Symbol API
    @property
    def handle(self) -> int:
        """An opaque identifier of this symbol (MXNet's is its C handle; as NDArray.handle
        here, it only identifies the object)."""
        return id(self)

    @property
    def name(self) -> Optional[str]:
        """The name of a single-output symbol's node (None for a group)."""
        heads = self._dag()
        return heads[0][0].name if len(heads) == 1 else None

    def _variables(self) -> Tuple[List[SymNode], List[SymNode]]:
        order = _dag.dfs_order(self._dag(), mxnet_view=True)  # MXNet's order
        aux = _dag.aux_variables(order)
        args = [n for n in order if n.is_variable and n not in aux]
        return args, aux

    def list_arguments(self) -> List[str]:
        """Names of the free inputs (not auxiliary states) in order of first use, as MXNet
        orders them (depth-first from the outputs)."""
        return [n.name for n in self._variables()[0]]

    def list_auxiliary_states(self) -> List[str]:
        """Names of the auxiliary states (e.g. BatchNorm moving statistics)."""
        return [n.name for n in self._variables()[1]]

    def list_inputs(self) -> List[str]:
        """All variables, in order of first use."""
        return [n.name for n in _dag.dfs_order(self._dag(), mxnet_view=True)
                if n.is_variable]

    def list_outputs(self) -> List[str]:
        """`<name>_output` (or `<name>_output<i>` for multi-output nodes); a variable
        output keeps its own name."""
        out = []
        for node, i in self._dag():
            named = OUTPUT_NAMES.get(node.op) if not node.is_variable else None
            if node.is_variable:
                out.append(node.name)
            elif named is not None:
                out.append(named(node)[i])
            elif node.num_outputs == 1:
                out.append(node.name + "_output")
            else:
                out.append("%s_output%d" % (node.name, i))
        return out

    def __len__(self) -> int:
        return len(self._dag())

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __getitem__(self, index) -> "Symbol":
        heads = self._dag()
        if isinstance(index, str):
            names = self.list_outputs()
            if index not in names:
                raise MXNetError("cannot find output %r (outputs: %s)" % (index, names))
            index = names.index(index)
        if not -len(heads) <= index < len(heads):
            raise IndexError("symbol has %d outputs, index %d" % (len(heads), index))
        return Symbol(heads=[heads[index]], np_mode=self._np_mode)

    def get_internals(self) -> "Symbol":
        """A group of every node output (variables included), in topological order."""
        entries: List[Entry] = []
        for node in _dag.topo_order(self._dag()):
            entries.extend((node, i) for i in range(node.visible_outputs()))
        return Symbol(heads=entries, np_mode=self._np_mode)

    def get_children(self) -> Optional["Symbol"]:
        """The inputs of a single-output symbol's node, as a group (None for variables)."""
        heads = self._dag()
        node = heads[0][0]
        if node.is_variable:
            return None
        return Symbol(heads=list(node.inputs), np_mode=self._np_mode)

    def attr(self, key: str) -> Optional[str]:
        """An attribute of this symbol's node as text (MXNet's `Symbol.attr`)."""
        node = self._dag()[0][0]
        if lookup_key(node.raw, key) is not None:
            return lookup_key(node.raw, key)
        value = node.attrs.get(key) if not node.is_variable else None
        return None if value is None else attr_text(value)

    def infer_shape(self, *args, **kwargs):
        """(argument shapes, output shapes, auxiliary shapes) given input shapes, by
        position (list_arguments order) or by name; (None, None, None) when some input
        shape is unknown, as in MXNet; an error is raised after printing the arguments."""
        shapes = self._by_name(args, kwargs)
        try:
            graph = self._typed(shapes)
        except MXNetError as e:
            if "give the shape" in str(e) or "unknown dimension (0)" in str(e):
                return None, None, None
            for line in (["infer_shape error. Arguments:"] + ["  #%d: %s" % a for a in
                         enumerate(args)] + ["  %s: %s" % kv for kv in kwargs.items()]):
                print(line)  # (as MXNet)
            raise
        return self._io_attrs(graph, lambda t: t.shape)

    def infer_shape_partial(self, *args, **kwargs):
        """`infer_shape` that leaves what it cannot infer unknown, `()`, instead of giving
        up (MXNet's): the shapes that follow from the given ones and the variables' own."""
        outs = partial_values(self._dag(), self._by_name(args, kwargs))
        args_, aux = self._variables()
        shape = lambda t: t.shape  # noqa: E731
        return (known(outs, [(n, 0) for n in args_], shape, ()),
                known(outs, self._dag(), shape, ()),
                known(outs, [(n, 0) for n in aux], shape, ()))

    def infer_type_partial(self, *args, **kwargs):
        """`infer_type` that leaves unknown dtypes `None` instead of giving up (MXNet's):
        with no dtype given or declared by a variable, every dtype is unknown."""
        given = self._by_name(args, kwargs)
        args_, aux = self._variables()
        if not given and not any("__dtype__" in n.raw for n in args_ + aux):
            return [None] * len(args_), [None] * len(self._dag()), [None] * len(aux)
        return self.infer_type(*args, **kwargs)

    def infer_type(self, *args, **kwargs):
        """(argument dtypes, output dtypes, auxiliary dtypes) as NumPy dtypes."""
        dtypes = {k: np.dtype(v).name for k, v in self._by_name(args, kwargs).items()}
        return self._io_attrs(self._typed_without_shapes(dtypes), lambda t: np.dtype(t.dtype).type)

    def _typed_without_shapes(self, dtypes: Dict[str, Any]) -> Graph:
        """The graph typed with `dtypes` when no shapes are given (MXNet infers dtypes
        without shapes): inputs whose shape cannot be inferred get a placeholder shape, as
        no operator's result dtype depends on its input shapes; when an operator refuses
        one (an image operator wants 3 axes, or 3 channels; a sampling grid 2), the next is
        tried. If none fits the operators, the error asks for the real shapes."""
        first_error = None
        for placeholder in ((1, 1, 1, 1), (1, 1, 1), (3, 3, 3, 3), (3, 3, 3), (2, 2, 2, 2)):
            shapes: Dict[str, Any] = {}
            for _ in range(len(self.list_arguments()) + 1):
                try:
                    return self._typed(shapes, dtypes)
                except MXNetError as e:
                    first_error = first_error or e
                    missing = re.findall(r"'([^']+)'", str(e)) if "give the shape" in str(e) else []
                    if not missing or any(m in shapes for m in missing):
                        break
                    shapes.update((m, placeholder) for m in missing)
            if not shapes:  # no placeholder was used: the error is not theirs
                break
        raise first_error

    def _by_name(self, args, kwargs) -> Dict[str, Any]:
        named = dict(zip(self.list_arguments(), args))
        named.update(kwargs)
        return named

    def _io_attrs(self, graph: Graph, get):
        by_name = {v.hint: v.type for v in graph.inputs}
        args = [get(by_name[n]) for n in self.list_arguments()]
        aux = [get(by_name[n]) for n in self.list_auxiliary_states()]
        return args, [get(v.type) for v in graph.outputs], aux

    def eval(self, ctx=None, **kwargs) -> List[Any]:
        """Evaluate with the inputs given by name (NDArrays or NumPy arrays); returns a list
        of NDArrays, one per output."""
        arrays = {k: np.asarray(v.asnumpy() if hasattr(v, "asnumpy") else v)
                  for k, v in kwargs.items()}
        shapes = {k: a.shape for k, a in arrays.items()}
        dtypes = {k: a.dtype.name for k, a in arrays.items()}
        graph = self._typed(shapes, dtypes)
        missing = [v.hint for v in graph.inputs if v.hint not in arrays]
        if missing:
            raise MXNetError("eval: no value given for input(s) %s" % ", ".join(missing))
        outs = Plan(graph).run([arrays[v.hint] for v in graph.inputs])
        cls = self._array_class()
        return [cls._wrap(np.asarray(o)) for o in outs]

    def bind(self, ctx=None, args=None, args_grad=None, grad_req="write", aux_states=None,
             **kwargs):
        """An Executor with the given arrays (lists in list_arguments order, or dicts)."""
        return Executor(self, args, args_grad, grad_req, aux_states)

    def simple_bind(self, ctx=None, grad_req="write", type_dict=None, stype_dict=None,
                    group2ctx=None, shared_arg_names=None, shared_exec=None,
                    shared_buffer=None, **shapes):
        """An Executor with zero arrays (and gradient buffers) of the inferred shapes and
        dtypes (`type_dict`, the variables' `dtype`, else float32, as MXNet infers them)."""
        return simple_bind(self, grad_req, type_dict, stype_dict, shapes)

    def _array_class(self):
        if self._np_mode:
            return ndarray
        return NDArray

    def list_attr(self) -> Dict[str, str]:
        """The attributes of this symbol's node as text (hidden `__x__` keys included)."""
        node = self._dag()[0][0]
        if node.raw:
            return listed(node.raw)
        return {k: attr_text(v) for k, v in node.attrs.items()} if not node.is_variable else {}

    def _set_attr(self, **kwargs: str) -> None:
        """Set attributes (string values) on this symbol's node, as MXNet's `_set_attr`."""
        set_attrs(self._dag()[0][0], kwargs)
        self._graph = None if self._heads is not None else self._graph

    def attr_dict(self) -> Dict[str, Dict[str, str]]:
        """Node name -> its attributes as text, for every node with attributes."""
        out = {}
        for node in _dag.dfs_order(self._dag(), mxnet_view=True):
            attrs = Symbol(heads=[(node, 0)]).list_attr()
            if attrs:
                out[node.name] = attrs
        return out

    def tojson(self, remove_amp_cast: bool = True) -> str:
        """MXNet symbol JSON (Apache MXNet 1.9.1 loads it and `eval` gives the same values);
        mixed precision's amp_cast / amp_multicast nodes are left out unless
        `remove_amp_cast` is False, as in MXNet."""
        try:
            self.graph
        except MXNetError:
            return amp_casts_removed(dag_to_json(self._heads, self._np_mode), remove_amp_cast)
        extra = user_attrs(self._heads) if self._heads else None
        return amp_casts_removed(to_json(self._graph, self._node_names(), np_mode=self._np_mode,
                                         extra_attrs=extra), remove_amp_cast)

    def save(self, fname: str, remove_amp_cast: bool = True) -> None:
        """Write `tojson()` to `fname` (MXNet's `prefix-symbol.json` convention)."""
        text = self.tojson(remove_amp_cast)
        with open(fname, "w") as f:
            f.write(text)

    def debug_str(self) -> str:
        """MXNet's `debug_str` text: outputs, then one block per variable and node."""
        return debug_str(self._dag())

    def gradient(self, wrt: Optional[Sequence[str]] = None) -> "Symbol":
        """The Symbol of the gradient of the (summed) outputs w.r.t. the inputs named in
        `wrt` (default: all floating-point inputs), derived by `passes.grad`."""
        graph = self.graph
        if wrt is None:
            idx = None
        else:
            names = [v.hint for v in graph.inputs]
            missing = [w for w in wrt if w not in names]
            if missing:
                raise MXNetError("gradient: unknown input(s) %s (inputs: %s)" % (missing, names))
            idx = [names.index(w) for w in wrt]
        result = grad(graph, wrt=idx)
        wrt_names = [graph.inputs[i].hint for i in (idx if idx is not None else [
            i for i, v in enumerate(graph.inputs) if v.type.dtype.startswith("float")])]
        return Symbol.from_graph(result, dict(self._names), self._np_mode,
                                 ["grad " + n for n in wrt_names])

    def to_networkx(self, multigraph: bool = False):
        """The graph as a networkx DiGraph (see `tapegraph.ir.nx.to_networkx`)."""
        return to_networkx(self.graph, multigraph)

    def to_dot(self, title: Optional[str] = None, **options: Any) -> str:
        """DOT source of the forward/backward view (see `tapegraph.viz.plot_graph`)."""
        from ...viz import plot_graph
        return plot_graph(self, title=title, **options).source

    # ------------------------------------------------------------ display
    def __str__(self) -> str:
        try:
            return print_graph(self.graph)
        except MXNetError:
            return self.debug_str()

    def __repr__(self) -> str:
        outs = self.list_outputs()
        if len(outs) == 1:
            return "<Symbol %s>" % self.name
        return "<Symbol group [%s]>" % ", ".join(outs)

    def _repr_mimebundle_(self, include=None, exclude=None):
        from ...viz import plot_network, render_svg
        dot = plot_network(self, title=self.name or "symbol")
        bundle = {"text/plain": repr(self)}
        svg = render_svg(dot)
        if svg is not None:
            bundle["image/svg+xml"] = svg
        return bundle

    def _repr_svg_(self) -> Optional[str]:
        from ...viz import plot_network, render_svg
        return render_svg(plot_network(self, title=self.name or "symbol"))

    # ------------------------------------------------------------ composition
    def _compose(self, op: str, others: Sequence["Symbol"] = (), **attrs: Any) -> "Symbol":
        inputs = [self._single()] + [o._single() for o in others]
        mapping = lookup(op)
        raw = scoped_operator_attrs({k: attr_text(v) for k, v in attrs.items()}, None)
        full = mapping.convert_attrs(raw)  # `2` stays "2", as in MXNet
        node = SymNode(op, auto_name(op), full, inputs, mapping.num_outputs(full), raw=raw)
        return Symbol(heads=[(node, i) for i in range(mapping.visible_outputs(full))],
                      np_mode=self._np_mode or any(o._np_mode for o in others))

    def _single(self) -> Entry:
        heads = self._dag()
        if len(heads) != 1:
            raise MXNetError("cannot compose a group of %d symbols; pick one output" % len(heads))
        return heads[0]


def var(name: str, attr: Optional[Dict[str, str]] = None, shape=None, lr_mult=None,
        wd_mult=None, dtype=None, init=None, stype=None, **kwargs) -> Symbol:
    """A variable (MXNet's `sym.var` / `sym.Variable`); shape and dtype are optional. The
    active `mx.AttrScope`'s attributes are added; extra `**kwargs` must be `__x__` keys."""
    if not isinstance(name, str):
        raise TypeError("Expect a string for variable `name`")
    if not name:
        raise MXNetError("var: name must be a non-empty string")
    raw = variable_attrs(attr, shape, lr_mult, wd_mult, dtype, init, stype, kwargs)
    return Symbol(heads=[(SymNode(None, name, raw, raw=raw), 0)])


Variable = var


def Group(symbols: Sequence[Symbol]) -> Symbol:
    """One symbol whose outputs are the outputs of `symbols`, in order."""
    heads: List[Entry] = []
    for s in symbols:
        heads.extend(s._dag())
    return Symbol(heads=heads, np_mode=any(s._np_mode for s in symbols))


def load_json(json_str: str) -> Symbol:
    """A Symbol from MXNet symbol JSON text (never executes anything)."""
    heads, np_mode, unused = parse_document(json_str)
    sym = Symbol(heads=heads, np_mode=np_mode)
    sym._unused_inputs = unused
    return sym


def load(fname: str) -> Symbol:
    """A Symbol from an MXNet symbol JSON file (`prefix-symbol.json`)."""
    with open(fname) as f:
        text = f.read()
    return load_json(text)


def symbol_from_arrays(arrays: Sequence[Any], frame=None) -> Symbol:
    """The Symbol of the recorded graph producing `arrays`; leaves and results are named
    after the caller's variables that hold them (else `data0`, `tanh0`, ...)."""
    values = []
    for a in arrays:
        v = getattr(a, "_value", None)
        if v is None or v.node is None:
            raise MXNetError("NDArray is not part of a computation graph. Did you forget to "
                             "turn on recording?")
        values.append(v)
    col = Collected(values)
    # Recorded gradient computations (create_graph) are shown as their operators; what
    # only they read (the head they differentiated) is not part of the result.
    recorded = col.graph("recorded")
    graph = inline(recorded)
    if graph is not recorded:
        graph = dce(graph)
    wanted = list(graph.inputs) + [v for n in graph.nodes for v in n.outputs]
    names = caller_names(wanted, frame)
    np_mode = bool(getattr(type(arrays[0]), "_bool_comparisons", False))
    return Symbol.from_graph(graph, names, np_mode)
