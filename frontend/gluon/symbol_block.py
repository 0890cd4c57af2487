"""`gluon.SymbolBlock`: a block made of a Symbol, e.g. a model exported by MXNet
(`SymbolBlock.imports('model-symbol.json', ['data'], 'model-0000.params')`).

The Symbol is lowered to an IR graph once per input signature (its parameters' shapes
are inferred from the inputs' when not known yet) and runs through the same compiled
path as a hybridized block (`hybrid.Traced`): a plan per signature, one `_CachedOp` node
under `autograd.record()`, so a loaded model can be fine-tuned and differentiated.
Operators with a train mode (BatchNorm) follow `autograd.is_training()`.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple, Union


from .. import autograd
from .. import symbol as _sym
from ..base import MXNetError
from ..ir import REGISTRY, Graph, Node
from ..ndarray import NDArray
from ..symbol import Symbol
from . import hybrid
from .hybrid_block import HybridBlock, _flatten
from .parameter_dict import ParameterDict

__all__ = ["SymbolBlock"]


def _common_prefix(names: List[str]) -> str:
    if not names:
        return ""
    prefix = names[0]
    for name in names:
        i = 0
        while i < len(prefix) and i < len(name) and prefix[i] == name[i]:
            i += 1
        prefix = prefix[:i]
    return prefix


class SymbolBlock(HybridBlock):
    """A HybridBlock computing `outputs` (Symbols) from the variables `inputs`; every
    other argument of `outputs` becomes a parameter (auxiliary states with
    grad_req='null')."""

    @staticmethod
    def imports(symbol_file: str, input_names: Union[str, Sequence[str]],
                param_file: Optional[str] = None, ctx: Any = None,
                allow_missing: bool = False, ignore_extra: bool = False) -> "SymbolBlock":
        """Load `symbol_file` (MXNet symbol JSON, e.g. written by `export`) with inputs
        `input_names`, and its parameters from `param_file` when given."""
        sym = _sym.load(symbol_file)
        if isinstance(input_names, str):
            input_names = [input_names]
        inputs = [_sym.var(i) for i in input_names]
        ret = SymbolBlock(sym, inputs)
        if param_file is not None:
            ret.collect_params().load(param_file, ctx, allow_missing, ignore_extra,
                                      cast_dtype=True, dtype_source="saved")
        return ret

    def __init__(self, outputs: Any, inputs: Any, params: Optional[ParameterDict] = None):
        super().__init__(prefix=None, params=None)
        self._prefix = ""
        self._params = ParameterDict("", params)
        if isinstance(inputs, Symbol):
            inputs = [inputs]
        if isinstance(outputs, (list, tuple)) and len(outputs) == 1:
            outputs = outputs[0]
        syms, self._in_format = _flatten(inputs, "input")
        out, self._out_format = _flatten(outputs, "output")
        self._input_names = [s.name for s in syms]
        for s, name in zip(syms, self._input_names):
            if name is None or s.list_arguments() != [name]:
                raise MXNetError("SymbolBlock: input symbols must be variables, but %s is "
                                 "an output of operators" % (name,))
        out = out[0] if len(out) == 1 else _sym.Group(out)
        self._symbol = out
        known = set(self._input_names)
        for arg in out.list_arguments():
            if arg not in known:
                self.params.get(arg, allow_deferred_init=True)
        for aux in out.list_auxiliary_states():
            if aux not in known:
                self.params.get(aux, grad_req="null", allow_deferred_init=True)
        n = len(_common_prefix(list(self._params.keys())))
        self._reg_params = {key[n:]: val for key, val in self._params.items()}

    def __repr__(self) -> str:
        return "SymbolBlock(\n{block} : {ni} -> {no}\n)".format(
            block=self._symbol, ni=len(self._input_names), no=len(self._symbol.list_outputs()))

    def forward(self, x: Any, *args: Any) -> Any:
        if not isinstance(x, NDArray):
            raise MXNetError("SymbolBlock: call it with NDArrays (got %s); compose Symbols "
                             "with the Symbol API instead" % type(x).__name__)
        return self._call_cached_op(x, *args)

    def hybrid_forward(self, F: Any, x: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    def _clear_cached_op(self) -> None:
        self._cached = {}
        self._last = None

    def _saved_graph(self) -> Dict[str, Any]:
        if self._last is None:
            return {}
        return {"in_format": self._in_format, "out_format": self._out_format,
                "inputs": [_sym.var(n).tojson() for n in self._input_names],
                "symbol": self._symbol.tojson()}

    def reset_ctx(self, ctx: Any) -> None:
        """Move every parameter to `ctx` (a Context or a list of them)."""
        for p in self.collect_params().values():
            p.reset_ctx(ctx)

    def _traced_flat(self, flat: List[Any], fmt: Any) -> Tuple["hybrid.Traced", List[Any]]:
        real = [a for a in flat if a is not None]
        training = autograd.is_training()
        key = (tuple((a.shape, a._data.dtype) for a in real), repr(fmt), training)
        found = self._cached.get(key)
        if found is None:
            found = self._lower(real, training)
            found.in_fmt = fmt
            hybrid.remember(self._cached, key, found)
        self._last = found
        return found, real

    def _lower(self, real: List[NDArray], training: bool) -> "hybrid.Traced":
        if len(real) != len(self._input_names):
            raise MXNetError("SymbolBlock: expected %d inputs (%s), got %d"
                             % (len(self._input_names), ", ".join(self._input_names),
                                len(real)))
        shapes = {n: a.shape for n, a in zip(self._input_names, real)}
        dtypes = {n: a._data.dtype.name for n, a in zip(self._input_names, real)}
        params = self.params
        if any(p._data is None and p._deferred_init for p in params.values()):
            arg_shapes, _, aux_shapes = self._symbol.infer_shape(**shapes)
            if arg_shapes is None:
                raise MXNetError("SymbolBlock: cannot infer the parameters' shapes from "
                                 "inputs %s" % shapes)
            found = dict(zip(self._symbol.list_arguments(), arg_shapes))
            found.update(zip(self._symbol.list_auxiliary_states(), aux_shapes))
            for name, p in params.items():
                if p._data is None and name in found:
                    p.shape = found[name]
                    p._finish_deferred_init()
        for name, p in params.items():
            data = p.data()
            shapes[name] = data.shape
            dtypes[name] = data._data.dtype.name
        graph = self._symbol._typed(shapes, dtypes)
        graph = _with_train_mode(graph, training)
        sources = []
        for v in graph.inputs:
            if v.hint in shapes and v.hint in self._input_names:
                sources.append(("input", self._input_names.index(v.hint)))
            elif v.hint in params:
                sources.append(("param", params[v.hint]))
            else:
                raise MXNetError("SymbolBlock: the symbol reads %r, which is neither an "
                                 "input nor a parameter" % (v.hint,))
        return hybrid.compile_traced("symbolblock", graph, sources, self._out_format)


def _with_train_mode(graph: Graph, training: bool) -> Graph:
    """The graph with the train-mode attribute of every operator that has one set to
    `training` (lowered Symbols are stamped for inference)."""
    nodes, changed = [], False
    for n in graph.nodes:
        op = REGISTRY.get(n.op)
        if op is not None and getattr(op, "uses_train_mode", False) and \
                n.attrs.get("training") is not None and n.attrs["training"] != training:
            n = Node(n.op, n.inputs, n.outputs, dict(n.attrs, training=training), n.region,
                     n.meta)
            changed = True
        nodes.append(n)
    if not changed:
        return graph
    return Graph(graph.name, graph.inputs, nodes, graph.outputs)
