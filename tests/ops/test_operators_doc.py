"""docs/operators.md is generated from the registry; it must match the generator."""
import importlib.util
import os

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def _generator():
    path = os.path.join(ROOT, "tools", "gen_operators_doc.py")
    spec = importlib.util.spec_from_file_location("gen_operators_doc", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_operators_doc_is_up_to_date(update_golden):
    gen = _generator()
    text = gen.render()
    if update_golden:
        with open(gen.OUT, "w") as fh:
            fh.write(text)
    with open(gen.OUT) as fh:
        assert fh.read() == text, "run: python tools/gen_operators_doc.py"


def test_every_operator_is_listed():
    import tapegraph as mx
    text = _generator().render()
    for op in mx.ir.REGISTRY:
        assert "| `%s` |" % op.name in text
