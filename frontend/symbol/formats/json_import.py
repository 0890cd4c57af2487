"""Read MXNet symbol JSON (files MXNet 1.9.1 writes, older ones, and tapegraph's exports).

Loading only parses: JSON with `json.loads`, attribute values as literals; nothing is
executed. Every problem is reported with the position of the node (`node 3 ('fc1')`):
unknown operators, bad attributes, inputs out of range, cycles, duplicate names.
Legacy spellings are accepted: node attributes under `attr` or `param`, 2-element
input entries, a missing `mxnet_version`.
"""
from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Tuple

from ...ir import REGISTRY, MXNetError, ParseError
from ...ir.parser import parse_attrs
from ..graph.dag import Entry, SymNode, topo_order
from ..graph.mxnet_ops import lookup, NOT_LOADABLE
from ..graph.mxjson import CODE_DTYPES, attr_value

_TG_KEYS = {"__tg_op__": "op", "__tg_attrs__": "attrs", "__tg_args__": "args",
            "__tg_vjp_of__": "vjp_of", "__tg_head_grad_of__": "head_grad_of"}


def _fail(where: str, message: str) -> ParseError:
    return ParseError("symbol JSON: %s: %s" % (where, message))


def _version(raw: Any) -> int:
    return raw[2] if isinstance(raw, list) and len(raw) == 3 else 0


def _entry(raw: Any, where: str, count: int) -> Tuple[int, int]:
    if (not isinstance(raw, list) or len(raw) not in (2, 3)
            or not all(isinstance(x, int) and not isinstance(x, bool) for x in raw)):
        raise _fail(where, "an input must be [node, output, version], got %s" % json.dumps(raw))
    if not 0 <= raw[0] < count:
        raise _fail(where, "input refers to node %d, but there are %d nodes" % (raw[0], count))
    if raw[1] < 0:
        raise _fail(where, "negative output index %d" % raw[1])
    return raw[0], raw[1]


def _node_attrs(raw: Dict[str, Any], where: str) -> Dict[str, str]:
    attrs: Dict[str, str] = {}
    for key in ("param", "attr", "attrs"):  # legacy spellings first, `attrs` wins
        value = raw.get(key)
        if value is None:
            continue
        if not isinstance(value, dict):
            raise _fail(where, "%r must be an object of strings" % key)
        for k, v in value.items():
            if not isinstance(v, str):
                raise _fail(where, "attribute %r must be a string (MXNet writes \"%s\"), "
                                   "got %s" % (k, v, json.dumps(v)))
            attrs[k] = v
    return attrs


def parse_document(text: str) -> Tuple[List[Entry], bool, List[SymNode]]:
    """JSON text -> (heads as SymNode entries, np_mode, variables no head uses)."""
    if not isinstance(text, str):
        raise ParseError("symbol JSON must be text, got %s" % type(text).__name__)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise ParseError("symbol JSON: line %d column %d: %s" % (e.lineno, e.colno, e.msg)) \
            from None
    except RecursionError:
        raise ParseError("symbol JSON: nested too deeply to be a symbol") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("nodes"), list):
        raise ParseError("symbol JSON: expected an object with a \"nodes\" list")
    raw_nodes = doc["nodes"]
    count = len(raw_nodes)
    nodes: List[SymNode] = []
    pending: List[Tuple[SymNode, List[Tuple[int, int]], Any, str]] = []
    names: Dict[str, int] = {}
    for k, raw in enumerate(raw_nodes):
        where = "node %d" % k
        if not isinstance(raw, dict):
            raise _fail(where, "expected an object")
        op, name = raw.get("op"), raw.get("name")
        if not isinstance(op, str) or not isinstance(name, str):
            raise _fail(where, "needs string \"op\" and \"name\"")
        where = "node %d (%r)" % (k, name)
        if name in names:
            raise _fail(where, "duplicate name (also node %d)" % names[name])
        names[name] = k
        attrs = _node_attrs(raw, where)
        tg = {_TG_KEYS[key]: attrs[key] for key in _TG_KEYS if key in attrs}
        inputs = raw.get("inputs", [])
        if not isinstance(inputs, list):
            raise _fail(where, "\"inputs\" must be a list")
        entries = [_entry(e, where, count) for e in inputs]
        if op == "null":
            if entries:
                raise _fail(where, "a variable cannot have inputs")
            _check_variable_attrs(attrs, where)
            node = SymNode(None, name, attrs, raw=attrs, order=k)
        else:
            try:
                if "op" in tg:  # tapegraph's own export: the IR node is described exactly
                    converted, num_outputs = {}, _tg_outputs(tg, where)
                else:
                    mapping = lookup(op)
                    converted = mapping.convert_attrs(attrs)
                    num_outputs = mapping.num_outputs(converted)
            except MXNetError as e:
                # Fatal only if the IR needs this node (helpers of a `__tg_op__` node,
                # such as `_zeros` under `_slice_assign`, are not rebuilt).
                converted, num_outputs = {}, _declared_outputs(raw_nodes, k)
                tg["unsupported"] = _fail(where, str(e))
            node = SymNode(op, name, converted, raw=attrs, num_outputs=num_outputs, tg=tg,
                           order=k)
        nodes.append(node)
        pending.append((node, entries, tg.get("args"), where))
    for node, entries, args, where in pending:
        node.inputs = tuple(_resolve(nodes, e, where) for e in entries)
        if node.op is not None and "op" not in node.tg and "unsupported" not in node.tg:
            try:
                lookup(node.op).check_arity(len(node.inputs))
            except MXNetError as e:
                raise _fail(where, str(e)) from None
        node.versions = tuple(_version(e) for e in raw_nodes[node.order].get("inputs", []))
        if args is not None:
            try:
                arg_entries = json.loads(args)
            except json.JSONDecodeError:
                raise _fail(where, "__tg_args__ is not a JSON list") from None
            if not isinstance(arg_entries, list):
                raise _fail(where, "__tg_args__ is not a JSON list")
            node.tg["args"] = tuple(_resolve(nodes, _entry(e, where, count), where)
                                    for e in arg_entries)
    for k in doc.get("arg_nodes", []):
        if not isinstance(k, int) or not 0 <= k < count:
            raise ParseError("symbol JSON: arg_nodes entry %r is not a node index" % (k,))
        if not nodes[k].is_variable:
            raise ParseError("symbol JSON: arg_nodes entry %d (%r) is not a variable"
                             % (k, nodes[k].name))
    raw_heads = doc.get("heads")
    if not isinstance(raw_heads, list) or not raw_heads:
        raise ParseError("symbol JSON: expected a non-empty \"heads\" list")
    heads = [_resolve(nodes, _entry(h, "heads", count), "heads") for h in raw_heads]
    try:
        needed = topo_order(heads)
    except MXNetError as e:
        raise ParseError("symbol JSON: %s" % e) from None
    for node in needed:
        if "unsupported" in node.tg:
            raise node.tg["unsupported"]
    attrs = doc.get("attrs") or {}
    np_flag = attrs.get("is_np_shape") if isinstance(attrs, dict) else None
    np_mode = isinstance(np_flag, list) and len(np_flag) == 2 and bool(np_flag[1])
    reachable = set(map(id, needed))
    unused = [n for n in nodes if n.is_variable and id(n) not in reachable]
    return heads, np_mode, unused


def _check_variable_attrs(attrs: Dict[str, str], where: str) -> None:
    """`__dtype__` must be a known type code and `__shape__` a tuple of ints."""
    code = attrs.get("__dtype__")
    if code is not None and (not re.match(r"^\s*-?[0-9]+\s*$", code)
                             or int(code) not in CODE_DTYPES):
        raise _fail(where, "__dtype__=%r is not an MXNet type code (0 float32, 1 float64, "
                           "...)" % code)
    shape = attrs.get("__shape__")
    if shape is not None:
        value = attr_value(shape)
        value = (value,) if isinstance(value, int) and not isinstance(value, bool) else value
        if not isinstance(value, tuple) or not all(
                isinstance(d, int) and not isinstance(d, bool) and d >= -1 for d in value):
            raise _fail(where, "__shape__=%r is not a shape like (2, 3)" % shape)


def _declared_outputs(raw_nodes: List[Any], k: int) -> int:
    """How many outputs of node `k` other nodes or the heads refer to (at least 1)."""
    count = 1
    for raw in raw_nodes:
        for e in raw.get("inputs", []) if isinstance(raw, dict) else []:
            if isinstance(e, list) and len(e) >= 2 and e[0] == k and isinstance(e[1], int):
                count = max(count, e[1] + 1)
    return count


def _resolve(nodes: List[SymNode], entry: Tuple[int, int], where: str) -> Entry:
    node = nodes[entry[0]]
    if entry[1] >= node.num_outputs:
        raise _fail(where, "input refers to output %d of node %d (%r), which has %d output(s)"
                    % (entry[1], entry[0], node.name, node.num_outputs))
    return node, entry[1]


def _tg_outputs(tg: Dict[str, Any], where: str) -> int:
    """Outputs of the IR operator named by `__tg_op__` (its attributes checked here)."""
    op = tg["op"]
    if op not in REGISTRY:
        raise _fail(where, "__tg_op__ names unknown operator %r" % op)
    opdef = REGISTRY.get(op)
    if op in NOT_LOADABLE or opdef.callback or opdef.num_outputs is None:
        raise _fail(where, "__tg_op__ names %s, which no file can describe (it holds a "
                           "region or runs Python code)" % op)
    attrs = opdef.complete_attrs(parse_attrs(tg.get("attrs", "{}"), 0))
    n = opdef.num_outputs
    if callable(n):
        return n(attrs)
    if not isinstance(n, str):
        return n
    try:
        return int(attrs[n])
    except (TypeError, ValueError):
        raise _fail(where, "%s=%r is not a number of outputs" % (n, attrs[n])) from None
