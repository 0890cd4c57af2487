"""Parser for the text format written by `ir.printer`. It never evaluates code: attribute
values are read with `ast.literal_eval`. Errors are `ParseError`s giving line and column."""
from __future__ import annotations

import ast
import re
from typing import Dict, List, Optional, Tuple

from .errors import MXNetError, ParseError
from .graph import Graph, Node, Value
from .registry import REGISTRY
from .types import SHORT_DTYPE, TensorType

_HEADER = re.compile(r"^\s*graph\s+([A-Za-z_][\w.]*)\s*\((.*)\)\s*->\s*\((.*)\)\s*\{\s*$")
_TYPE = re.compile(r"^\s*([a-z]+\d*)\[([\d,\s]*)\]\s*$")
_RETURN = re.compile(r"^\s*return\s*\((.*)\)\s*$")
_NODE = re.compile(r"^\s*(.*?)\s*=\s*([A-Za-z_][\w.]*)\((.*?)\)\s*(\{.*\})?\s*(region)?\s*$")
_NAME = re.compile(r"^%([A-Za-z0-9_.]+)$")


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."


def parse_type(text: str, line: int = 0) -> TensorType:
    """`f32[2,3]` -> TensorType."""
    m = _TYPE.match(text)
    if not m or m.group(1) not in SHORT_DTYPE:
        raise ParseError("line %d: bad type %r (expected like f32[2,3])" % (line, text.strip()))
    dims = [d.strip() for d in m.group(2).split(",") if d.strip()]
    if not all(d.isdigit() and len(d) <= 18 for d in dims):
        raise ParseError("line %d: bad dimensions in type %r (expected like f32[2,3])"
                         % (line, _clip(text.strip())))
    return TensorType.get(tuple(int(d) for d in dims), SHORT_DTYPE[m.group(1)])


def split_top(text: str, sep: str = ",") -> List[str]:
    """Split at `sep` outside brackets and string quotes."""
    parts, depth, quote, cur = [], 0, None, []
    i = 0
    while i < len(text):
        c = text[i]
        if quote:
            cur.append(c)
            if c == "\\" and i + 1 < len(text):
                cur.append(text[i + 1]); i += 1
            elif c == quote:
                quote = None
        elif c in "'\"":
            quote = c; cur.append(c)
        elif c in "([{":
            depth += 1; cur.append(c)
        elif c in ")]}":
            depth -= 1; cur.append(c)
        elif c == sep and depth == 0:
            parts.append("".join(cur)); cur = []
        else:
            cur.append(c)
        i += 1
    if quote or depth:
        raise ValueError("unbalanced brackets or quotes")
    tail = "".join(cur)
    if tail.strip() or parts:
        parts.append(tail)
    return [p.strip() for p in parts]


def _strip_comment(line: str) -> Tuple[str, Optional[str]]:
    quote = None
    for i, c in enumerate(line):
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "#":
            return line[:i].rstrip(), line[i + 1:].strip()
    return line.rstrip(), None


def parse_attrs(text: str, lineno: int) -> Dict[str, object]:
    """`{k=v, ...}` -> dict, values read as Python literals."""
    body = text.strip()[1:-1]
    out: Dict[str, object] = {}
    try:
        items = split_top(body)
    except ValueError as e:
        raise ParseError("line %d: bad attributes %s: %s" % (lineno, text, e)) from None
    for item in items:
        if "=" not in item:
            raise ParseError("line %d: attribute %r is not key=value" % (lineno, item))
        key, value = item.split("=", 1)
        try:
            out[key.strip()] = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            raise ParseError("line %d: attribute %s has a value that is not a literal: %r"
                             % (lineno, key.strip(), value.strip())) from None
    return out


def parse(text: str) -> Graph:
    """Parse one graph in the text format. Raises ParseError with the line on bad input."""
    if not isinstance(text, str):
        raise ParseError("expected IR text (str), got %s" % type(text).__name__)
    lines = text.splitlines()
    pos = 0
    while pos < len(lines) and not lines[pos].strip():
        pos += 1
    graph, pos = _parse_graph(lines, pos)
    for k in range(pos, len(lines)):
        if lines[k].strip() and not lines[k].strip().startswith("#"):
            raise ParseError("line %d: unexpected text after the graph: %r"
                             % (k + 1, lines[k].strip()))
    return graph


MAX_REGION_DEPTH = 64


def _parse_graph(lines: List[str], pos: int, depth: int = 0) -> Tuple[Graph, int]:
    """Parse a graph starting at line index `pos`; iterative over its body, recursive only
    into regions (at most MAX_REGION_DEPTH deep)."""
    if depth > MAX_REGION_DEPTH:
        raise ParseError("line %d: regions nested more than %d deep"
                         % (pos + 1, MAX_REGION_DEPTH))
    if pos >= len(lines):
        raise ParseError("line %d: expected 'graph NAME(...) -> (...) {'" % (pos + 1))
    header, _ = _strip_comment(lines[pos])
    m = _HEADER.match(header)
    if not m:
        raise ParseError("line %d: expected 'graph NAME(...) -> (...) {', got %r"
                         % (pos + 1, header.strip()))
    name = m.group(1)
    env: Dict[str, Value] = {}
    inputs = []
    try:
        params = split_top(m.group(2))
    except ValueError:
        raise ParseError("line %d: unbalanced parameter list" % (pos + 1)) from None
    for p in params:
        if ":" not in p:
            raise ParseError("line %d: parameter %r needs a type" % (pos + 1, p))
        pname, ptype = p.split(":", 1)
        nm = _NAME.match(pname.strip())
        if not nm:
            raise ParseError("line %d: bad parameter name %r" % (pos + 1, pname))
        if nm.group(1) in env:
            raise ParseError("line %d: parameter %%%s is defined twice" % (pos + 1, nm.group(1)))
        v = Value(parse_type(ptype, pos + 1), nm.group(1))
        env[nm.group(1)] = v
        inputs.append(v)
    nodes: List[Node] = []
    pos += 1
    while pos < len(lines):
        lineno = pos + 1
        line, comment = _strip_comment(lines[pos])
        if not line.strip():
            pos += 1
            continue
        r = _RETURN.match(line)
        if r:
            outputs = [_lookup(env, t, lineno) for t in _split(r.group(1), lineno)]
            pos += 1
            while pos < len(lines) and not _strip_comment(lines[pos])[0].strip():
                pos += 1
            if pos >= len(lines) or _strip_comment(lines[pos])[0].strip() != "}":
                raise ParseError("line %d: expected '}' closing graph %s" % (pos + 1, name))
            return Graph(name, inputs, nodes, outputs), pos + 1
        node, region_follows = _parse_node(line, comment, env, lineno)
        pos += 1
        if region_follows:
            region, pos = _parse_graph(lines, pos, depth + 1)
            node.region = region
            closing = _strip_comment(lines[pos - 1])[1]  # a region node's comment follows its '}'
            if closing and node.meta is None:
                node.meta = {"origin": closing}
        nodes.append(node)
    raise ParseError("line %d: graph %s has no 'return'" % (len(lines), name))


def _split(text: str, lineno: int) -> List[str]:
    try:
        return split_top(text)
    except ValueError:
        raise ParseError("line %d: unbalanced brackets" % lineno) from None


def _lookup(env: Dict[str, Value], token: str, lineno: int) -> Value:
    m = _NAME.match(token.strip())
    if not m:
        raise ParseError("line %d: expected a value name like %%3, got %r" % (lineno, token))
    try:
        return env[m.group(1)]
    except KeyError:
        raise ParseError("line %d: %%%s is used before it is defined" % (lineno, m.group(1))) \
            from None


def _parse_node(line: str, comment: Optional[str], env: Dict[str, Value], lineno: int
                ) -> Tuple[Node, bool]:
    m = _NODE.match(line)
    if not m:
        raise ParseError("line %d: expected '%%name: type = op(args) {attrs}', got %r"
                         % (lineno, line.strip()))
    outs_text, op, args_text, attrs_text, region = m.groups()
    if op not in REGISTRY:
        raise ParseError("line %d: unknown operator %r" % (lineno, op))
    opdef = REGISTRY.get(op)
    inputs = [_lookup(env, a, lineno) for a in _split(args_text, lineno)]
    attrs = parse_attrs(attrs_text, lineno) if attrs_text else {}
    try:
        attrs = opdef.complete_attrs(attrs)
    except MXNetError as e:
        raise ParseError("line %d: %s" % (lineno, e)) from None
    outputs = []
    for item in _split(outs_text, lineno):
        if ":" not in item:
            raise ParseError("line %d: output %r needs a type" % (lineno, item))
        oname, otype = item.split(":", 1)
        nm = _NAME.match(oname.strip())
        if not nm:
            raise ParseError("line %d: bad output name %r" % (lineno, oname))
        if nm.group(1) in env:
            raise ParseError("line %d: %%%s is defined twice" % (lineno, nm.group(1)))
        v = Value(parse_type(otype, lineno))
        env[nm.group(1)] = v
        outputs.append(v)
    meta = {"origin": comment} if comment else None
    return Node(op, inputs, outputs, attrs, None, meta), bool(region)
