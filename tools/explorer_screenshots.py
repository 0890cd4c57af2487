"""Make the screenshots of docs/explorer.md: the explorer on the MLP training step and on
a Hessian-vector product, in headless Chromium (driven as in tests/explore/browser.py).

Run from the repository root: `python tools/explorer_screenshots.py` (needs chromium and
graphviz's dot)."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "explore"))

from browser import Browser  # noqa: E402

from tapegraph.explore import exploration, render_page  # noqa: E402

OUT = os.path.join(ROOT, "docs", "img", "explorer")


def shoot(name, source, actions):
    exp = exploration(os.path.join(ROOT, "docs", "examples", source))
    page = os.path.join(OUT, name + ".html")
    with open(page, "w") as f:
        f.write(render_page(exp))
    browser = Browser(width=1400, height=900)
    try:
        browser.open("file://" + page)
        for shot, steps in actions(exp):
            for kind, arg in steps:
                if kind == "step":
                    browser.click("#tg-step-%d" % arg)
                elif kind == "hover":
                    browser.hover(arg)
                elif kind == "key":
                    browser.key(arg)
            browser.screenshot(os.path.join(OUT, shot + ".png"))
            print("wrote", shot + ".png")
    finally:
        browser.close()
        os.remove(page)


def step_of(exp, program, title):
    return next(i for i, s in enumerate(exp.steps) if s.program == program and s.title == title)


def mlp(exp):
    grad = step_of(exp, 1, "grad")
    node = next(n for n in exp.steps[grad].graph.nodes
                if (n.meta or {}).get("vjp_of") is not None
                and n.meta["vjp_of"].op == "FullyConnected")
    yield "mlp_grad", [("step", grad), ("hover", "#tg_" + exp.steps[grad].ids[node])]
    yield "mlp_simplify", [("step", step_of(exp, 1, "simplify"))]
    yield "mlp_fuse", [("step", step_of(exp, 1, "fuse"))]


def hvp(exp):
    yield "hvp_forward2", [("step", step_of(exp, 2, "forward"))]
    yield "hvp_grad2", [("step", step_of(exp, 2, "grad"))]


if __name__ == "__main__":
    shoot("mlp", "mlp_step.py", mlp)
    shoot("hvp", "hvp.py", hvp)
