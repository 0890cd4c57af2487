"""tapegraph.passes: Graph -> Graph transforms and the pass manager.

Imports only tapegraph.ir.
"""
from .manager import (PASSES, PassError, PassManager, PassRecord, get_pass, parse_pipeline,
                      register_pass, run_passes)
from .grad import grad, non_differentiable_error
from .dce import dce
from .residualize import residualize
from .cse import cse
from .fold import fold
from .simplify import simplify
from .prune_inputs import prune_inputs
from .drop_export_copies import drop_export_copies
from .pool_first import pool_first
from .pool_grad_first import pool_grad_first
from .patterns import Pat, RuleSet, rewrite
from ..ir.ops.regions import CACHED_OP_OP, FUSED, GRAD_REGION_OP
from .inline import inline
from .fuse import full_reduction, fuse, fusible, region_phase, scalar_reshape
from .plan_memory import MemoryPlan, plan_memory
from .jvp import jvp
from .linearize import linearize
from .transpose import transpose
from .vmap import vmap
from .checkpoint import checkpoint

__all__ = [
    "CACHED_OP_OP",
    "FUSED",
    "GRAD_REGION_OP",
    "MemoryPlan",
    "PASSES",
    "PassError",
    "PassManager",
    "PassRecord",
    "Pat",
    "RuleSet",
    "cse",
    "dce",
    "fold",
    "full_reduction",
    "fuse",
    "fusible",
    "get_pass",
    "grad",
    "inline",
    "jvp",
    "linearize",
    "non_differentiable_error",
    "parse_pipeline",
    "plan_memory",
    "pool_first",
    "pool_grad_first",
    "prune_inputs",
    "drop_export_copies",
    "region_phase",
    "register_pass",
    "residualize",
    "rewrite",
    "run_passes",
    "scalar_reshape",
    "simplify",
    "transpose",
    "vmap",
]
