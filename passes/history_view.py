"""The pass manager's history as static HTML (what Jupyter shows for a `PassManager`):
one row per pass with its time, node counts and structural diff (`ir.diff`), and under
each a collapsible IR diff and picture (with graphviz's `dot`). No script, no network."""
from __future__ import annotations

import html
from typing import Any, List, Optional

from ..ir import Graph
from ..ir.diff import NodeIdentity, diff, rows, walk
from ..ir.dot import render_svg, to_dot

ROW_STYLE = {"added": "background:#fde8e8;border-left:4px solid #d62728",
             "removed": "background:#eee;color:#777;text-decoration:line-through;"
                        "border-left:4px solid #7f7f7f",
             "changed": "background:#fff1e0;border-left:4px solid #ff7f0e",
             "moved": "background:#f1eafa;border-left:4px solid #9467bd"}
HIGHLIGHT = {"added": {"color": "#d62728", "penwidth": "3"},
             "changed": {"color": "#ff7f0e", "penwidth": "3"}}


def _count(graph: Graph) -> int:
    return sum(1 for _ in walk(graph))


def _picture(graph: Graph, title: str, statuses: dict, ids: dict) -> Optional[str]:
    def decorate(obj: object):
        ident = ids.get(obj)
        status = statuses.get(ident) if ident else None
        return dict(HIGHLIGHT.get(status, {})) if status else {}
    return render_svg(to_dot(graph, title=title, decorate=decorate))


def history_html(manager: Any, pictures: bool = True) -> str:
    """HTML of `manager.history` (after `run`)."""
    if manager.source is None or not manager.history:
        return "<p>PassManager(%s): not run yet</p>" % html.escape(
            ", ".join(name for name, _ in manager.steps()))
    identity = NodeIdentity()
    previous, previous_ids = manager.source, identity.assign(manager.source)
    out: List[str] = ['<table style="border-collapse:collapse;font-size:13px">',
                      "<tr><th align=left>pass</th><th align=right>ms</th>"
                      "<th align=right>nodes</th><th align=left>diff (+added "
                      "&minus;removed ~changed)</th></tr>"]
    details: List[str] = []
    for k, record in enumerate(manager.history):
        ids = identity.assign(record.graph)
        d = diff(previous, previous_ids, record.graph, ids, identity)
        out.append("<tr><td>%d. %s</td><td align=right>%.3f</td><td align=right>%d &rarr; %d"
                   "</td><td>%s</td></tr>" % (k + 1, html.escape(record.name),
                                              record.seconds * 1e3, _count(previous),
                                              _count(record.graph), html.escape(d.summary())))
        lines = "".join('<span style="display:block;%s">%s</span>'
                        % (ROW_STYLE.get(r.status, ""), html.escape(r.text))
                        for r in rows(previous, previous_ids, record.graph, ids, d))
        statuses = {i: "added" for i in d.added}
        statuses.update({i: "changed" for i in d.changed})
        svg = _picture(record.graph, record.name, statuses, ids) \
            if pictures and not d.empty else None
        details.append("<details><summary>%d. %s: %s</summary>%s<pre style=\"font-size:12px\">"
                       "%s</pre></details>" % (k + 1, html.escape(record.name),
                                              html.escape(d.summary()), svg or "", lines))
        previous, previous_ids = record.graph, ids
    out.append("</table>")
    return "<div class=\"tapegraph-passes\">%s%s</div>" % ("".join(out), "".join(details))
