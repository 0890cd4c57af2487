"""The seed conformance kit (../shared/conformance) must stay green: every example of the
seed documents against values captured from Apache MXNet 1.9.1."""
import os
import subprocess
import sys

import pytest

RUNNER = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared",
                                       "conformance", "run.py"))


@pytest.mark.skipif(not os.path.exists(RUNNER), reason="shared/conformance is not beside the repo")
def test_seed_conformance_kit_passes():
    out = subprocess.run([sys.executable, RUNNER, "--impl", "tapegraph"], capture_output=True,
                         text=True, timeout=600)
    last = out.stdout.strip().splitlines()[-1]
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert last.startswith("85 passed, 0 failed"), last
