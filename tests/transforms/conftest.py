"""The transformation tests reuse the operator sample table and harness of tests/ops."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "ops"))
