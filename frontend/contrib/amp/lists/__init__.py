"""MXNet 1.9.1's AMP operator lists: `symbol_fp16` (float16) and `symbol_bf16`
(bfloat16), generated from real MXNet by tools/capture_amp_lists.py."""
from . import symbol_bf16, symbol_fp16  # noqa: F401
