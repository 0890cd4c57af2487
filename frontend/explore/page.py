"""The explorer page: one self-contained HTML file (styles, script, pictures and data
inlined; nothing is fetched) that steps through an `Exploration`."""
from __future__ import annotations

import html
import json
import shutil
from typing import Any, Dict, Optional

from ..ir import Node, Value
from ..ir.dot import render_svg, to_dot
from .assets import SCRIPT, STYLE
from .model import Exploration, Step
from .sources import NodeNames
from ..ir.diff import walk

HIGHLIGHT = {"added": {"color": "#d62728", "penwidth": "3"},
             "changed": {"color": "#ff7f0e", "penwidth": "3"},
             "moved": {"color": "#9467bd", "penwidth": "2"}}


def _decorator(step: Step, statuses: Dict[str, str], value_ids: Dict[Value, str]):
    def decorate(obj: object) -> Dict[str, str]:
        if isinstance(obj, Node):
            ident = step.ids.get(obj)
            if ident is None:
                return {}
            status = statuses.get(ident, "kept")
            attrs = {"id": "tg_" + ident, "class": "tg-" + status}
            attrs.update(HIGHLIGHT.get(status, {}))
            return attrs
        ident = value_ids.get(obj)  # an input value
        return {"id": "tg_" + ident} if ident else {}
    return decorate


def _statuses(step: Step) -> Dict[str, str]:
    out = {i: "kept" for i in step.diff.kept}
    out.update({i: "added" for i in step.diff.added})
    out.update({i: "changed" for i in step.diff.changed})
    for row in step.rows:
        if row.node and row.status == "moved":
            out[row.node] = "moved"
    return out


def step_svg(step: Step, names: Optional[Dict[Any, str]] = None,
             statuses: Optional[Dict[str, str]] = None,
             value_ids: Optional[Dict[Value, str]] = None) -> Optional[str]:
    """The picture of `step` (its changed nodes highlighted), or None without graphviz."""
    statuses = _statuses(step) if statuses is None else statuses
    dot = to_dot(step.graph, title=step.title, names=names,
                 output_labels=step.output_labels,
                 decorate=_decorator(step, statuses, value_ids or {}))
    return render_svg(dot)


def _names(step: Step) -> Dict[Any, str]:
    nn = NodeNames(step.graph, {v: n for v, n in step.names.items() if isinstance(v, Value)})
    names: Dict[Any, str] = {}
    names.update(nn.inputs)
    names.update(nn.nodes)
    return names


MAX_PICTURE_NODES = 600  # graphviz lays out larger graphs slowly and illegibly


def step_data(exp: Exploration, index: int, pictures: bool = True,
              max_picture_nodes: Optional[int] = MAX_PICTURE_NODES) -> Dict[str, Any]:
    """The JSON-able view of one step (without a picture past `max_picture_nodes`)."""
    step = exp.steps[index]
    previous = exp.steps[index - 1] if index > 0 and \
        exp.steps[index - 1].program == step.program else None
    names = _names(step)
    statuses = _statuses(step)
    value_ids = {v: exp.identity.value(v) for v in step.graph.inputs}
    info: Dict[str, Dict[str, Any]] = {}
    texts = {r.node: r.text.strip() for r in step.rows if r.node and r.status != "removed"}
    for i, v in enumerate(step.graph.inputs):
        info[value_ids[v]] = {"op": "input", "name": names.get(v, v.hint or "in%d" % i),
                              "type": str(v.type), "status": "input"}
    for node, _ in _walk(step):
        ident = step.ids[node]
        meta = node.meta or {}
        entry: Dict[str, Any] = {"op": node.op, "name": names.get(node, ""),
                                 "status": statuses.get(ident, "kept"),
                                 "text": texts.get(ident, node.op)}
        if "pass" in meta:
            entry["pass"] = meta["pass"]
        forward = exp.forward_of(node)
        if forward is not None:
            src = meta["vjp_of"]
            entry["vjp_of"] = [forward[0], forward[1], src.op]
        elif "vjp_of" in meta:
            entry["vjp_of"] = [None, None, meta["vjp_of"].op]
        elif "origin" in meta:
            entry["origin"] = str(meta["origin"])
        if "head_grad_of" in meta:
            entry["head_grad_of"] = meta["head_grad_of"]
        info[ident] = entry
    before = previous.node_count if previous is not None else None
    out = {
        "title": step.title, "kind": step.kind, "program": step.program,
        "seconds": step.seconds, "nodes": step.node_count, "before": before,
        "summary": step.diff.summary() if previous is not None else "initial graph",
        "added": len(step.diff.added), "removed": len(step.diff.removed),
        "changed": len(step.diff.changed),
        "rows": [[r.status, r.node, r.text] for r in step.rows],
        "info": info, "links": [[t, i] for t, i in _program_links(exp, step)],
        "svg": None, "nosvg": None,
    }
    if pictures and max_picture_nodes is not None and step.node_count > max_picture_nodes:
        out["nosvg"] = ("%d nodes: over the picture limit of %d (--max-picture-nodes)"
                        % (step.node_count, max_picture_nodes))
    elif pictures:
        out["svg"] = step_svg(step, names, statuses, value_ids)
    return out


def _program_links(exp: Exploration, step: Step):
    """A higher-order program's links (found on its forward step) apply to all its steps."""
    return [link for s in exp.steps if s.program == step.program for link in s.links]


def _walk(step: Step):
    return walk(step.graph)


def page_data(exp: Exploration, pictures: bool = True,
              max_picture_nodes: Optional[int] = MAX_PICTURE_NODES) -> Dict[str, Any]:
    """Everything the page shows, as JSON-able data."""
    steps = [step_data(exp, i, pictures, max_picture_nodes) for i in range(len(exp.steps))]
    return {"title": exp.title, "steps": steps,
            "graphviz": not pictures or shutil.which("dot") is not None}


def _script_json(data: Any) -> str:
    """JSON safe inside a <script> element."""
    text = json.dumps(data, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_page(exp: Exploration, pictures: bool = True,
                max_picture_nodes: Optional[int] = MAX_PICTURE_NODES) -> str:
    """The self-contained HTML page of `exp` (steps of more than `max_picture_nodes`
    nodes are shown without a picture)."""
    data = page_data(exp, pictures, max_picture_nodes)
    title = html.escape("tapegraph explore: %s" % exp.title)
    return TEMPLATE.format(title=title, style=STYLE, script=SCRIPT,
                           heading=html.escape(exp.title), data=_script_json(data),
                           missing="" if data["graphviz"] else MISSING)


MISSING = ('<p class="warn" role="status">graphviz\'s <code>dot</code> program is not '
           'installed: pictures are missing (apt-get install graphviz).</p>')

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline';
               img-src data:">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<header>
  <h1>tapegraph explore: <span id="source">{heading}</span></h1>
  <p class="help">Steps: <kbd>&larr;</kbd>/<kbd>&rarr;</kbd>
  (or <kbd>&uarr;</kbd>/<kbd>&darr;</kbd>,
  <kbd>j</kbd>/<kbd>k</kbd>, <kbd>Home</kbd>/<kbd>End</kbd>); <kbd>Tab</kbd> moves through the
  steps and links. Hover or focus a node for its provenance.</p>
  {missing}
</header>
<div id="app">
  <nav id="steps" aria-label="steps"></nav>
  <main id="main" tabindex="-1">
    <div id="stepinfo" aria-live="polite"></div>
    <div id="links"></div>
    <div id="panes">
      <section id="picture" aria-label="picture"></section>
      <section id="ir" aria-label="IR diff"><pre id="irtext"></pre></section>
    </div>
    <aside id="hover" aria-live="polite">Hover a node for its provenance.</aside>
  </main>
</div>
<script type="application/json" id="tg-data">{data}</script>
<script>{script}</script>
</body>
</html>
"""
