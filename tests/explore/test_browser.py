"""The explorer page in a real browser: headless Chromium (Debian's `chromium`) opens it,
every step is clicked, screenshots are taken and checked, the DOM holds the expected
nodes, and the page works with the keyboard alone."""
import json
import shutil

import pytest

from tapegraph.explore import exploration, render_page

from .browser import CHROMIUM, Browser, png_stats
from .test_page import HVP, MLP

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium; "
                             ".ci/run installs it when run as root)")
HAVE_DOT = shutil.which("dot") is not None


@pytest.fixture(scope="module")
def browser():
    b = Browser()
    yield b
    b.close()


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    root = tmp_path_factory.mktemp("explore")
    out = {}
    for name, source in (("mlp", MLP), ("hvp", HVP)):
        exp = exploration(source)
        path = root / (name + ".html")
        path.write_text(render_page(exp))
        out[name] = (path.as_uri(), exp)
    return out


def current(b):
    return b.eval("tapegraphExplorer.current()")


def test_click_through_every_step(browser, pages, tmp_path):
    url, exp = pages["mlp"]
    browser.open(url)
    assert browser.eval("tapegraphExplorer.count") == len(exp.steps)
    for i, step in enumerate(exp.steps):
        browser.click("#tg-step-%d" % i)
        assert current(browser) == i
        assert browser.eval("document.querySelector('#stepinfo b').textContent") == step.title
        ids = set(step.ids.values())
        rows = set(browser.eval("Array.from(document.querySelectorAll('#irtext .row')).map("
                                "function(r){return r.dataset.node}).filter(Boolean)"))
        assert ids <= rows, "IR rows lack nodes %s" % sorted(ids - rows)
        if HAVE_DOT:
            drawn = set(browser.eval("Array.from(document.querySelectorAll('#picture g[id^=tg_]'))"
                                     ".map(function(g){return g.id.slice(3)})"))
            assert ids <= drawn, "picture lacks nodes %s" % sorted(ids - drawn)
        shot = browser.screenshot(str(tmp_path / ("step%02d.png" % i)))
        width, height, distinct = png_stats(shot)
        assert (width, height) == (1280, 860) and distinct > 40
    if HAVE_DOT:
        browser.click("#tg-step-0")
        text = browser.eval("document.querySelector('#picture svg').textContent")
        for name in ("FullyConnected", "Activation", "log_softmax", "pick", "mean"):
            assert name in text


def test_hover_shows_provenance(browser, pages):
    if not HAVE_DOT:
        pytest.skip("graphviz's dot is not installed: no picture to hover")
    url, exp = pages["mlp"]
    browser.open(url)
    grad = next(i for i, s in enumerate(exp.steps) if s.kind == "grad")
    browser.click("#tg-step-%d" % grad)
    node = next(n for n in exp.steps[grad].graph.nodes
                if (n.meta or {}).get("vjp_of") is not None and n.region is None)
    browser.hover("#tg_" + exp.steps[grad].ids[node])
    text = browser.eval("document.getElementById('hover').textContent")
    assert "gradient of forward node" in text and "created by pass grad" in text
    assert node.meta["vjp_of"].op in text
    assert browser.eval("document.querySelectorAll('.hot').length") >= 2  # picture and row
    browser.click("#hover button.goto")          # jump to the forward node it came from
    forward = exp.forward_of(node)
    assert current(browser) == forward[1] and exp.steps[forward[1]].kind == "forward"
    assert browser.eval("document.querySelector('#tg_%s').classList.contains('hot')"
                        % forward[0])


def test_keyboard_only(browser, pages):
    url, exp = pages["mlp"]
    browser.open(url)
    assert current(browser) == 0
    for i in range(1, len(exp.steps)):
        browser.key("ArrowRight")
        assert current(browser) == i
    browser.key("ArrowRight")                     # stays on the last step
    assert current(browser) == len(exp.steps) - 1
    browser.key("Home")
    assert current(browser) == 0
    browser.key("End")
    assert current(browser) == len(exp.steps) - 1
    browser.key("ArrowUp")
    assert current(browser) == len(exp.steps) - 2
    browser.key("Home")
    for i in range(1, 4):                         # Tab moves focus to the next step
        browser.key("Tab")
        assert current(browser) == i
        assert browser.eval("document.activeElement.id") == "tg-step-%d" % i
    browser.key("Tab", shift=True)
    assert current(browser) == 2


def test_higher_order_link_by_keyboard(browser, pages):
    url, exp = pages["hvp"]
    browser.open(url)
    browser.key("End")                            # a step of program 2
    assert exp.steps[current(browser)].program == 2
    browser.key("Tab")                            # past the last step: the link
    focused = browser.eval("document.activeElement.className")
    assert focused == "link"
    target = json.loads(browser.eval("JSON.stringify(document.activeElement.textContent)"))
    assert "differentiates program 1" in target
    browser.key("Enter")
    assert exp.steps[current(browser)].program == 1
