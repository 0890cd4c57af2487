"""The operator tests share the sample table (op_samples.py) and the IR harness
(op_harness.py); make them importable from the test modules."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
