"""tapegraph.passes: Graph -> Graph transforms and the pass manager.

Imports only tapegraph.ir.
"""
from .manager import (PASSES, PassError, PassManager, PassRecord, get_pass, parse_pipeline,
                      register_pass, run_passes)
from .grad import grad, non_differentiable_error
from .dce import dce
from .residualize import residualize

__all__ = ["PASSES", "PassError", "PassManager", "PassRecord", "dce", "get_pass", "grad",
           "non_differentiable_error", "parse_pipeline", "register_pass", "residualize",
           "run_passes"]
