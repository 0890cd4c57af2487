"""`tapegraph explore`: one self-contained page stepping through the forward graph, its
gradient and every pass; `--serve` on 127.0.0.1."""
import json
import os
import re
import shutil
import textwrap
import threading
import urllib.request

import pytest

from tapegraph.cli import main
from tapegraph.explore import exploration, explore, make_server, page_data

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MLP = os.path.join(ROOT, "docs", "examples", "mlp_step.py")
HVP = os.path.join(ROOT, "docs", "examples", "hvp.py")
HAVE_DOT = shutil.which("dot") is not None
IR = textwrap.dedent("""\
    graph f(%x: f32[3], %w: f32[3]) -> (f32[3]) {
      %0: f32[3] = elemwise_mul(%x, %w)
      %1: f32[3] = tanh(%0)
      %2: f32[3] = elemwise_add(%1, %1)
      return (%2)
    }
    """)


def data_of(page):
    text = re.search(r'<script type="application/json" id="tg-data">(.*?)</script>', page,
                     re.S).group(1)
    return json.loads(text)


def test_mlp_script_steps_through_forward_grad_and_every_pass(tmp_path, capsys):
    out = tmp_path / "mlp.html"
    assert main(["explore", MLP, "-o", str(out)]) == 0
    assert "wrote" in capsys.readouterr().err
    page = out.read_text()
    data = data_of(page)
    titles = [s["title"] for s in data["steps"]]
    from tapegraph import engine
    assert titles == ["forward", "grad", "residualize"] + list(engine.DEFAULT_PIPELINE)
    forward, grad = data["steps"][0], data["steps"][1]
    assert forward["summary"] == "initial graph" and forward["nodes"] == 8
    assert grad["added"] == grad["nodes"] - forward["nodes"] and not grad["removed"]
    assert all(s["seconds"] is None or s["seconds"] >= 0 for s in data["steps"])
    # provenance: a gradient node names its forward node (in step 1) and the grad pass
    vjp = [n for n in grad["info"].values() if n.get("vjp_of")]
    assert vjp and all(n["pass"] == "grad" for n in vjp)
    assert any(n["vjp_of"][2] == "FullyConnected" and n["vjp_of"][1] == 0 for n in vjp)
    fwd_ids = set(forward["info"]) - {k for k, n in forward["info"].items()
                                      if n["status"] == "input"}
    assert {n["vjp_of"][0] for n in vjp} <= fwd_ids
    header = grad["rows"][0][2]                   # the script's names, not %in0
    assert header.startswith("graph grad_forward(%data: f32[4,3], %w1: f32[5,3]")
    fuse = data["steps"][titles.index("fuse")]
    assert fuse["added"] >= 1 and any(r[0] == "moved" for r in fuse["rows"])
    if HAVE_DOT:
        assert "cluster tg-added" in fuse["svg"] or 'class="cluster tg&#45;added"' in \
            fuse["svg"]


def test_page_is_self_contained():
    page = explore(MLP)
    assert "<link" not in page and " src=" not in page and "url(" not in page
    assert "@import" not in page and "fetch(" not in page and "XMLHttpRequest" not in page
    assert "default-src 'none'" in page     # the browser refuses any load the page tries
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts == ['<script type="application/json" id="tg-data">', "<script>"]


def test_ir_and_json_files(tmp_path, capsys):
    ir = tmp_path / "f.ir"
    ir.write_text(IR)
    out = tmp_path / "f.html"
    assert main(["explore", str(ir), "--passes", "dce,cse,fuse", "-o", str(out)]) == 0
    data = data_of(out.read_text())
    assert [s["title"] for s in data["steps"]] == ["forward", "grad", "dce", "cse", "fuse"]
    assert main(["explore", str(ir), "--forward-only", "--passes", "cse", "-o", str(out)]) == 0
    assert [s["title"] for s in data_of(out.read_text())["steps"]] == ["forward", "cse"]
    json_path = os.path.join(ROOT, "tests", "data", "mxnet", "symbols",
                             "mlp_softmax-symbol.json")
    assert main(["explore", json_path, "--shape", "data=2,5", "-o", str(out)]) == 0
    steps = data_of(out.read_text())["steps"]
    assert "FullyConnected" in {n["op"] for n in steps[0]["info"].values()}
    assert "fc1_weight" in {n["name"] for n in steps[0]["info"].values()}


def test_bad_input_is_one_line_error(tmp_path, capsys):
    assert main(["explore", str(tmp_path / "missing.ir")]) == 1
    assert "no such file" in capsys.readouterr().err
    ir = tmp_path / "f.ir"
    ir.write_text(IR)
    assert main(["explore", str(ir), "--passes", "nope"]) == 1
    assert "unknown pass 'nope'" in capsys.readouterr().err


def test_higher_order_program_links_back_to_the_backward_it_differentiates():
    exp = exploration(HVP)
    assert exp.programs == 2
    second = [i for i, s in enumerate(exp.steps) if s.program == 2 and s.kind == "forward"][0]
    links = exp.steps[second].links
    assert links and exp.steps[links[0][1]].program == 1
    assert "differentiates program 1" in links[0][0]
    data = page_data(exp, pictures=False)
    assert data["steps"][second]["links"][0][1] == links[0][1]


def test_serve_answers_on_loopback_only():
    page = "<!DOCTYPE html><p>tg page</p>"
    server = make_server(page)
    host, port = server.server_address[:2]
    assert host == "127.0.0.1"
    thread = threading.Thread(target=lambda: [server.handle_request() for _ in range(2)])
    thread.start()
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/" % port, timeout=10) as r:
            assert r.status == 200 and b"tg page" in r.read()
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen("http://127.0.0.1:%d/etc/passwd" % port, timeout=10)
    finally:
        thread.join(10)
        server.server_close()


def test_serve_command_is_bounded(tmp_path, capsys):
    ir = tmp_path / "f.ir"
    ir.write_text(IR)
    assert main(["explore", str(ir), "--serve", "--timeout", "0.3"]) == 0
    err = capsys.readouterr().err
    assert "serving http://127.0.0.1:" in err and "served 0 request(s)" in err


def test_without_graphviz_the_page_still_steps_and_says_why(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    ir = tmp_path / "f.ir"
    ir.write_text(IR)
    page = explore(str(ir), passes=["cse"])
    data = data_of(page)
    assert [s["svg"] for s in data["steps"]] == [None, None, None]
    assert "apt-get install graphviz" in page
    assert "tanh" in "".join(r[2] for r in data["steps"][0]["rows"])


def test_large_steps_get_no_picture(tmp_path):
    ir = tmp_path / "f.ir"
    ir.write_text(IR)
    out = tmp_path / "f.html"
    assert main(["explore", str(ir), "--passes", "dce", "--max-picture-nodes", "4",
                 "-o", str(out)]) == 0
    steps = data_of(out.read_text())["steps"]
    assert [s["nodes"] for s in steps][:2] == [3, steps[1]["nodes"]] and steps[1]["nodes"] > 4
    assert steps[1]["svg"] is None and "over the picture limit of 4" in steps[1]["nosvg"]
    if HAVE_DOT:
        assert steps[0]["svg"] and steps[0]["nosvg"] is None
