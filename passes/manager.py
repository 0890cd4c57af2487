"""Pass registry and pass manager.

A pass is a function `Graph -> Graph` (keyword options allowed) registered by name with
`@register_pass`. `PassManager` runs a pipeline given as a list or a comma-separated
string, verifies between passes, times each pass, can print the IR after each pass,
keeps the history of intermediate graphs, and on failure names the pass and the passes
already run.
"""
from __future__ import annotations

import ast
import inspect
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, TextIO, Tuple, Union

from ..ir import Graph, MXNetError, verify
from .history_view import history_html

PassFn = Callable[..., Graph]
PASSES: Dict[str, PassFn] = {}


def register_pass(name: str) -> Callable[[PassFn], PassFn]:
    """Decorator: make `fn` available to pipelines as `name` (user passes too)."""
    def wrap(fn: PassFn) -> PassFn:
        if name in PASSES and PASSES[name] is not fn:
            raise MXNetError("a pass named %r is already registered" % name)
        PASSES[name] = fn
        fn.pass_name = name  # type: ignore[attr-defined]
        return fn
    return wrap


def get_pass(name: str) -> PassFn:
    try:
        return PASSES[name]
    except KeyError:
        raise MXNetError("unknown pass %r (registered: %s)"
                         % (name, ", ".join(sorted(PASSES)))) from None


class PassError(MXNetError):
    """A pass failed or broke the IR; names the pass and the passes run before it."""


@dataclass
class PassRecord:
    name: str
    seconds: float
    changed: bool
    graph: Graph


@dataclass
class PassManager:
    """Runs pipelines of named passes.

    - `pipeline`: list of names (or `(name, options)`) or a string "grad,dce,cse";
    - `verify`: run the verifier after every pass;
    - `print_after`: "all", "changed" or None; output goes to `stream`;
    - `history`: after `run`, one `PassRecord` per pass (graph, time, changed);
      `source` is the graph `run` started from. In Jupyter the manager displays the
      history as HTML: per pass its time, node counts, structural diff and picture.
    """

    pipeline: Union[str, Sequence[Any]] = ()
    verify: bool = True
    print_after: Optional[str] = None
    stream: Optional[TextIO] = None
    history: List[PassRecord] = field(default_factory=list)
    source: Optional[Graph] = None

    def steps(self) -> List[Tuple[str, Dict[str, Any]]]:
        return parse_pipeline(self.pipeline)

    def run(self, graph: Graph, options: Optional[Dict[str, Dict[str, Any]]] = None) -> Graph:
        """Run the pipeline on `graph`; `options` maps pass names to keyword options."""
        options = options or {}
        self.history = []
        self.source = graph
        done: List[str] = []
        for name, opts in self.steps():
            fn = get_pass(name)
            kwargs = dict(opts)
            kwargs.update(options.get(name, {}))
            start = time.perf_counter()
            try:
                new = fn(graph, **kwargs)
                if self.verify:
                    verify(new)
            except PassError:
                raise
            except Exception as e:
                raise PassError("pass %r failed (after: %s): %s: %s"
                                % (name, ", ".join(done) or "nothing", type(e).__name__, e)
                                ) from e
            elapsed = time.perf_counter() - start
            changed = new is not graph
            if changed:
                stamp_created(graph, new, name)
            self.history.append(PassRecord(name, elapsed, changed, new))
            if self.print_after == "all" or (self.print_after == "changed" and changed):
                out = self.stream or sys.stderr
                out.write("// ----- IR after %s%s (%.3f ms)\n%s\n"
                          % (name, "" if changed else " (unchanged)", elapsed * 1e3, new))
            graph = new
            done.append(name)
        return graph

    def _repr_html_(self) -> str:
        return history_html(self)

    def report(self) -> str:
        """One line per pass: name, time, whether it changed the graph, node count."""
        return "\n".join("%-14s %8.3f ms  %-9s %d nodes"
                         % (r.name, r.seconds * 1e3, "changed" if r.changed else "unchanged",
                            len(r.graph.nodes)) for r in self.history)


def stamp_created(before: Graph, after: Graph, name: str) -> None:
    """Mark the nodes `name` created with `meta["pass"] = name` (provenance for viewers).

    A node is created when it defines no value `before` defined, or holds a region
    `before` did not hold there (a `fused` group). Nodes a pass kept or rewrote in place
    (same output values) are not stamped, nor are the copies inside a new region. The
    node gets a fresh meta dict (metas are shared between copies); meta takes no part in
    structural keys, so plan caching is unaffected.
    """
    producer = {v: n for n in before.nodes for v in n.outputs}
    for node in after.nodes:
        old = producer.get(node.outputs[0]) if node.outputs else None
        if old is node or (old is not None and (node.region is None
                                                or node.region is old.region)):
            continue
        node.meta = dict(node.meta or {}, **{"pass": name})


def parse_pipeline(pipeline: Union[str, Sequence[Any]]) -> List[Tuple[str, Dict[str, Any]]]:
    """`"grad{wrt=[1]},dce"` or `["grad", ("fuse", {...})]` -> list of (name, options).

    In a string, a pass may carry keyword options in braces, written as Python literals
    (`grad{wrt=[0, 2], head_grads=['input']}`); they are read with `ast.literal_eval`,
    never evaluated, and checked against the pass's parameters.
    """
    if isinstance(pipeline, str):
        items: List[Any] = [_parse_entry(p) for p in _split_entries(pipeline)]
    else:
        items = list(pipeline)
    out: List[Any] = []
    for item in items:
        if isinstance(item, str):
            get_pass(item)
            out.append((item, {}))
        elif isinstance(item, tuple) and len(item) == 2:
            _check_options(item[0], item[1])
            out.append((item[0], dict(item[1])))
        elif callable(item):
            out.append((getattr(item, "pass_name", item.__name__), {}))
            PASSES.setdefault(out[-1][0], item)
        else:
            raise MXNetError("bad pipeline entry %r" % (item,))
    return out


def _split_entries(text: str) -> List[str]:
    """Split at the commas that are outside braces, brackets, parentheses and quotes."""
    entries, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "{[(":
            depth += 1
        elif ch in "}])":
            depth -= 1
        elif ch == "," and depth == 0:
            entries.append(text[start:i])
            start = i + 1
    entries.append(text[start:])
    return [e.strip() for e in entries if e.strip()]


def _parse_entry(entry: str) -> Union[str, Tuple[str, Dict[str, Any]]]:
    if "{" not in entry:
        return entry
    name, _, rest = entry.partition("{")
    name = name.strip()
    if not rest.rstrip().endswith("}"):
        raise MXNetError("bad pipeline entry %r: options go in braces, e.g. grad{wrt=[1]}"
                         % entry)
    body = rest.rstrip()[:-1]
    try:
        call = ast.parse("f(%s)" % body, mode="eval").body
        if not isinstance(call, ast.Call) or call.args:
            raise ValueError("options are NAME=VALUE pairs")
        options = {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords
                   if kw.arg is not None}
        if len(options) != len(call.keywords):
            raise ValueError("options are NAME=VALUE pairs")
    except (SyntaxError, ValueError) as e:
        raise MXNetError("bad options for pass %r in %r: %s (write Python literals, e.g. "
                         "grad{wrt=[1]})" % (name, entry, e)) from None
    return (name, options)


def _check_options(name: str, options: Dict[str, Any]) -> None:
    fn = get_pass(name)
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return
    accepted = [p for p in list(params)[1:]]
    unknown = [k for k in options if k not in accepted]
    if unknown:
        raise MXNetError("pass %r has no option %s (it takes: %s)"
                         % (name, ", ".join(map(repr, unknown)), ", ".join(accepted) or "none"))


def run_passes(graph: Graph, pipeline: Union[str, Sequence[Any]], verify: bool = False,
               **options: Dict[str, Any]) -> Graph:
    """Run `pipeline` on `graph` (convenience wrapper around PassManager)."""
    return PassManager(pipeline, verify=verify).run(graph, options)
