"""The explorer page's style sheet and script, inlined into every page (no network)."""

STYLE = r"""
:root { --added: #d62728; --removed: #7f7f7f; --changed: #ff7f0e; --moved: #9467bd; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, Helvetica, Arial, sans-serif; color: #222; }
header { padding: 6px 14px; border-bottom: 1px solid #ddd; background: #fafafa; }
h1 { font-size: 17px; margin: 4px 0; }
.help { margin: 2px 0; color: #555; font-size: 12px; }
.warn { color: #a00; margin: 2px 0; }
kbd { border: 1px solid #bbb; border-radius: 3px; padding: 0 3px; font-size: 11px; }
#app { display: flex; height: calc(100vh - 80px); min-height: 400px; }
nav { width: 230px; overflow-y: auto; border-right: 1px solid #ddd; padding: 6px; flex: none; }
nav h2 { font-size: 12px; text-transform: uppercase; color: #666; margin: 10px 4px 4px; }
nav button { display: block; width: 100%; text-align: left; margin: 1px 0; padding: 4px 6px;
  border: 1px solid transparent; border-radius: 4px; background: none; cursor: pointer;
  font: inherit; }
nav button .meta { color: #777; font-size: 11px; display: block; }
nav button[aria-current="step"] { background: #e3effb; border-color: #8ab4e8; }
nav button:focus-visible, a:focus-visible, .row:focus-visible {
  outline: 3px solid #1f6fd1; outline-offset: 1px; }
main { flex: 1; display: flex; flex-direction: column; min-width: 0; padding: 6px 12px; }
#stepinfo { font-size: 14px; margin-bottom: 4px; }
#stepinfo b { font-size: 16px; }
.badge { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 12px;
  margin-left: 4px; color: #fff; }
.badge.added { background: var(--added); } .badge.removed { background: var(--removed); }
.badge.changed { background: var(--changed); }
#links a { margin-right: 12px; }
#panes { flex: 1; display: flex; gap: 10px; min-height: 0; }
#picture { flex: 3; overflow: auto; border: 1px solid #eee; min-width: 0; }
#picture svg { max-width: 100%; height: auto; }
#ir { flex: 2; overflow: auto; border: 1px solid #eee; min-width: 0; }
pre { margin: 0; font: 12px/1.45 ui-monospace, Menlo, Consolas, monospace; }
.row { display: block; white-space: pre; padding: 0 4px; border-left: 4px solid transparent; }
.row.added { background: #fde8e8; border-left-color: var(--added); }
.row.removed { background: #eee; color: #777; text-decoration: line-through;
  border-left-color: var(--removed); }
.row.changed { background: #fff1e0; border-left-color: var(--changed); }
.row.moved { background: #f1eafa; border-left-color: var(--moved); }
.row.hot { outline: 2px solid #1f6fd1; }
g.node.hot polygon, g.node.hot ellipse, g.node.hot path { stroke: #1f6fd1; stroke-width: 4; }
#hover button { font: inherit; font-size: 12px; }
#hover { margin-top: 6px; padding: 4px 8px; background: #f6f6f6; border: 1px solid #e2e2e2;
  min-height: 44px; font-size: 13px; }
"""

SCRIPT = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("tg-data").textContent);
  var steps = data.steps, current = -1, buttons = [];
  var nav = document.getElementById("steps");
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function ms(s) { return s === null || s === undefined ? "" : (s * 1e3).toFixed(3) + " ms"; }
  var program = 0;
  steps.forEach(function (s, i) {
    if (s.program !== program) {
      program = s.program;
      nav.appendChild(el("h2", "", "program " + program));
    }
    var b = el("button", "step");
    b.type = "button";
    b.id = "tg-step-" + i;
    b.dataset.index = i;
    b.appendChild(el("span", "name", (i + 1) + ". " + s.title));
    b.appendChild(el("span", "meta", s.nodes + " nodes" + (s.seconds !== null ?
      " \u00b7 " + ms(s.seconds) : "") + " \u00b7 " + s.summary));
    b.addEventListener("click", function () { show(i); });
    b.addEventListener("focus", function () { show(i); });
    nav.appendChild(b);
    buttons.push(b);
  });
  function describe(s, id) {
    var n = s.info[id];
    if (!n) return "";
    var parts = [];
    parts.push(id + ": " + n.op + (n.name ? " (" + n.name + ")" : ""));
    if (n.status === "input") parts.push("graph input " + n.type);
    else parts.push(n.status === "kept" ? "unchanged by this step" : n.status + " by this step");
    if (n.vjp_of) {
      var where = n.vjp_of[1] === null ? "" : " in step " + (n.vjp_of[1] + 1) + " (" +
        steps[n.vjp_of[1]].title + ")";
      parts.push("gradient of forward node " + (n.vjp_of[0] || "") + " " + n.vjp_of[2] + where);
    }
    if (n.head_grad_of !== undefined) parts.push("head gradient of output " + n.head_grad_of);
    if (n.origin) parts.push("from: " + n.origin);
    parts.push(n.pass ? "created by pass " + n.pass : "created before this pipeline");
    return parts.join(" \u2014 ");
  }
  var hover = document.getElementById("hover");
  function hot(id, on) {
    var q = document.querySelectorAll('[data-node="' + id + '"], #tg_' + id);
    for (var k = 0; k < q.length; k++) q[k].classList.toggle("hot", on);
    if (!on) return;
    hover.textContent = describe(steps[current], id);
    var n = steps[current].info[id];
    if (n && n.vjp_of && n.vjp_of[1] !== null) {
      var b = el("button", "goto", "show forward node " + n.vjp_of[0]);
      b.type = "button";
      b.addEventListener("click", function () { reveal(n.vjp_of[1], n.vjp_of[0]); });
      hover.appendChild(document.createTextNode(" "));
      hover.appendChild(b);
    }
  }
  function reveal(step, id) {  // go to `step` and mark node `id` there
    go(step);
    var q = document.querySelectorAll('[data-node="' + id + '"], #tg_' + id);
    for (var k = 0; k < q.length; k++) q[k].classList.add("hot");
    if (q.length) q[q.length - 1].scrollIntoView({block: "center"});
    hover.textContent = describe(steps[current], id);
  }
  function watch(target, id) {
    target.addEventListener("mouseenter", function () { hot(id, true); });
    target.addEventListener("mouseleave", function () { hot(id, false); });
    target.addEventListener("focus", function () { hot(id, true); });
    target.addEventListener("blur", function () { hot(id, false); });
  }
  function show(i) {
    if (i < 0 || i >= steps.length || i === current) return;
    current = i;
    var s = steps[i];
    buttons.forEach(function (b, k) {
      if (k === i) b.setAttribute("aria-current", "step"); else b.removeAttribute("aria-current");
    });
    var info = document.getElementById("stepinfo");
    info.textContent = "";
    info.appendChild(el("b", "", s.title));
    info.appendChild(document.createTextNode(" \u2014 program " + s.program + ", step " +
      (i + 1) + "/" + steps.length + (s.seconds !== null ? ", " + ms(s.seconds) : "") +
      ", " + (s.before !== null ? s.before + " \u2192 " : "") + s.nodes + " nodes "));
    [["added", "+"], ["removed", "\u2212"], ["changed", "~"]].forEach(function (k) {
      if (s[k[0]]) info.appendChild(el("span", "badge " + k[0], k[1] + s[k[0]] + " " + k[0]));
    });
    var links = document.getElementById("links");
    links.textContent = "";
    s.links.forEach(function (l) {
      var a = el("a", "link", l[0]);
      a.href = "#step-" + (l[1] + 1);
      a.addEventListener("click", function (ev) { ev.preventDefault(); go(l[1]); });
      links.appendChild(a);
    });
    var pic = document.getElementById("picture");
    if (s.svg) pic.innerHTML = s.svg;
    else {
      pic.textContent = "";
      pic.appendChild(el("p", "", "(no picture: " +
        (s.nosvg || "graphviz's dot program is not installed") + ")"));
    }
    var gs = pic.querySelectorAll("g.node, g.cluster");
    for (var k = 0; k < gs.length; k++) {
      var gid = gs[k].id;
      if (gid && gid.indexOf("tg_") === 0) watch(gs[k], gid.slice(3));
    }
    var pre = document.getElementById("irtext");
    pre.textContent = "";
    s.rows.forEach(function (r) {
      var line = el("span", "row " + (r[0] || ""), r[2]);
      if (r[1]) {
        line.dataset.node = r[1];
        if (r[0] && r[0] !== "kept") line.tabIndex = 0;
        watch(line, r[1]);
      }
      pre.appendChild(line);
    });
    hover.textContent = "Hover a node for its provenance.";
    if (location.hash !== "#step-" + (i + 1)) history.replaceState(null, "", "#step-" + (i + 1));
    document.title = "tapegraph explore: " + data.title + " \u2014 " + s.title;
  }
  function go(i) {
    i = Math.max(0, Math.min(steps.length - 1, i));
    show(i);
    buttons[i].focus({preventScroll: false});
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    var k = ev.key, i = current;
    if (k === "ArrowRight" || k === "ArrowDown" || k === "j" || k === "PageDown") go(i + 1);
    else if (k === "ArrowLeft" || k === "ArrowUp" || k === "k" || k === "PageUp") go(i - 1);
    else if (k === "Home") go(0);
    else if (k === "End") go(steps.length - 1);
    else return;
    ev.preventDefault();
  });
  var m = /^#step-(\d+)$/.exec(location.hash);
  show(m ? Math.min(steps.length, Math.max(1, +m[1])) - 1 : 0);
  window.tapegraphExplorer = { show: go, current: function () { return current; },
                               count: steps.length };
})();
"""
