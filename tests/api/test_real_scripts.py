"""MXNet code runs unchanged: realistic MXNet 1.9.1 user scripts (tutorials, D2L's MXNet
edition, MXNet's unit tests) run with `mxnet` mapped to tapegraph, and their stdout is
compared with what real MXNet printed (tests/data/mxnet/scripts/NAME.out, captured by
capture.py there).

Comparison: the output is split into numbers and the text between them. The text must be
equal up to whitespace (NumPy pads columns by the width of the widest number); numbers must
agree within a tolerance (float32 arithmetic in a different order) and be printed as the
same kind (an integer `3` is not a float `3.`, which catches wrong dtypes).
"""
import math
import os
import re
import subprocess
import sys
import tempfile

import pytest

HERE = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "scripts")
RUNNER = os.path.join(HERE, "run_with_tapegraph.py")
SCRIPTS = sorted(f[:-4] for f in os.listdir(HERE) if f.endswith(".out"))
RTOL, ATOL = 1e-3, 2e-4

# script -> reason it cannot pass yet (strict: the test fails once it passes)
XFAIL = {}

_NUMBER = re.compile(
    r"(?<![A-Za-z_\d.])[-+]?(?:nan|inf|(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?)(?![A-Za-z_\d])")


def split_output(text):
    """(text between numbers with whitespace removed, [number tokens])."""
    numbers = _NUMBER.findall(text)
    words = "".join(_NUMBER.sub("#", text).split())
    return words, numbers


def _is_float(token):
    return any(c in token for c in ".eEna") or token.lstrip("+-") in ("inf",)


def compare(expected, actual):
    """None if `actual` prints what MXNet printed, else a description of the first difference."""
    exp_lines, act_lines = expected.splitlines(), actual.splitlines()
    words_e, nums_e = split_output(expected)
    words_a, nums_a = split_output(actual)
    if words_e != words_a or len(nums_e) != len(nums_a):
        for i, (le, la) in enumerate(zip(exp_lines, act_lines)):
            if split_output(le)[0] != split_output(la)[0] or \
                    len(split_output(le)[1]) != len(split_output(la)[1]):
                return "line %d differs:\n  mxnet:     %r\n  tapegraph: %r" % (i + 1, le, la)
        return "output length differs: %d lines from mxnet, %d from tapegraph" % (
            len(exp_lines), len(act_lines))
    for e, a in zip(nums_e, nums_a):
        fe, fa = float(e), float(a)
        same = (math.isnan(fe) and math.isnan(fa)) or fe == fa or \
            abs(fe - fa) <= ATOL + RTOL * abs(fe)
        if not same or _is_float(e) != _is_float(a):
            where = next((i for i, line in enumerate(act_lines) if a in line), 0)
            return "number %s printed where mxnet printed %s (tapegraph line %d: %r)" % (
                a, e, where + 1, act_lines[where] if act_lines else "")
    return None


def _read(path):
    with open(path) as f:
        return f.read()


@pytest.fixture(scope="module")
def outputs():
    """Every script's (returncode, stdout, stderr), all run by one runner process that
    imports tapegraph once and forks a child per script."""
    with tempfile.TemporaryDirectory() as outdir:
        subprocess.run([sys.executable, RUNNER, "--each", outdir] +
                       [os.path.join(HERE, n + ".py") for n in SCRIPTS], timeout=600,
                       check=True)
        result = {}
        for name in SCRIPTS:
            read = [os.path.join(outdir, name + ext) for ext in (".rc", ".stdout", ".stderr")]
            if not os.path.exists(read[0]):
                result[name] = (None, "", "the runner did not finish this script")
                continue
            rc, out, err = (_read(p) for p in read)
            result[name] = (int(rc), out, err)
        return result


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.xfail(reason=XFAIL[n], strict=True)) if n in XFAIL else n
    for n in SCRIPTS])
def test_script_prints_what_mxnet_printed(name, outputs):
    expected = _read(os.path.join(HERE, name + ".out"))
    returncode, stdout, stderr = outputs[name]
    assert returncode == 0, "%s raised under tapegraph:\n%s" % (name, stderr[-3000:])
    problem = compare(expected, stdout)
    assert problem is None, "%s: %s" % (name, problem)


def test_compare_catches_differences():
    mx = "[[1. 2.]\n [3. 4.]]\n<NDArray 2x2 @cpu(0)> dense0_weight 0.90000004\n"
    assert compare(mx, "[[1. 2.]\n [3. 4.]]\n<NDArray 2x2 @cpu(0)> dense0_weight 0.9\n") is None
    assert compare(mx, "[[1 2]\n [3 4]]\n<NDArray 2x2 @cpu(0)> dense0_weight 0.9\n")  # ints
    assert compare(mx, "[[1. 2.]\n [3. 4.1]]\n<NDArray 2x2 @cpu(0)> dense0_weight 0.9\n")
    assert compare(mx, "[[1. 2.]\n [3. 4.]]\n<NDArray 2x2 @cpu(0)> dense1_weight 0.9\n")
    assert compare(mx, "[[1. 2.]\n [3. 4.]]\n<NDArray 4 @cpu(0)> dense0_weight 0.9\n")
    assert compare("nan -0.", "nan 0.") is None
