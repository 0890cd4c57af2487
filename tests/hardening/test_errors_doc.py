"""docs/errors.md cannot rot: every ```python example runs and raises the error shown in
the ```text block right after it (class name in the exception's MRO, first line of the
message equal, or a prefix when the shown line ends with `...`)."""
import os
import re

import numpy as np
import pytest

import tapegraph as mx

DOC = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "errors.md")
PAIR = re.compile(r"^```python\n(.*?)^```\n```text\n(.*?)\n^```", re.S | re.M)


def examples():
    with open(DOC, encoding="utf-8") as f:
        text = f.read()
    out = []
    for k, m in enumerate(PAIR.finditer(text)):
        line = text.count("\n", 0, m.start()) + 1
        out.append(pytest.param(m.group(1), m.group(2).strip(), id="line%d" % line))
    return out


def test_doc_has_examples():
    assert len(examples()) >= 30


@pytest.mark.parametrize("code, expected", examples())
def test_error_example(code, expected):
    name, _, message = expected.partition(": ")
    namespace = {"mx": mx, "np": np}
    try:
        exec(compile(code, "docs/errors.md", "exec"), namespace)  # noqa: S102  (our docs)
    except Exception as e:  # noqa: BLE001  (what was raised is the point)
        assert name in [k.__name__ for k in type(e).__mro__], "raised %s: %s" % (
            type(e).__name__, e)
        first = str(e).splitlines()[0] if str(e) else ""
        if message.endswith("..."):
            assert first.startswith(message[:-3]), first
        else:
            assert first == message
    else:
        pytest.fail("the example raised nothing; docs/errors.md says %s" % expected)
    finally:
        mx.autograd.set_recording(False)
