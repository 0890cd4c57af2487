"""docs/writing-a-pass.md is a tutorial: its ```python blocks run in order here, and what
they build (the user pass, its golden test, the pipeline change) is checked."""
import os
import re

from tapegraph.autodiff import engine
from tapegraph.passes import PASSES

DOC = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "writing-a-pass.md")
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def test_writing_a_pass_tutorial_runs():
    with open(DOC, encoding="utf-8") as f:
        blocks = BLOCK.findall(f.read())
    assert len(blocks) >= 6
    namespace = {"__name__": "__tutorial__"}
    for name in ("double-to-scale", "broken-example"):  # tests/docs may have run it too
        PASSES.pop(name, None)
    previous = list(engine.DEFAULT_PIPELINE)
    try:
        for i, block in enumerate(blocks):
            exec(compile(block, "writing-a-pass.md[block %d]" % (i + 1), "exec"), namespace)
        assert "double-to-scale" in PASSES
        assert namespace["optimized"] is not namespace["joint"]
        assert [n.op for n in namespace["compiled"].graph.nodes] == ["fused"]
        assert engine.DEFAULT_PIPELINE == previous  # the tutorial restored it
    finally:
        PASSES.pop("double-to-scale", None)
        PASSES.pop("broken-example", None)
        engine.set_default_pipeline(previous)
