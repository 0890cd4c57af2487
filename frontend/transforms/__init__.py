"""tapegraph.transforms: JAX-style program transformations of Python functions over
NDArrays. A tapegraph extension: MXNet has no such module.

Each function traces the Python function into an `ir.Graph` (`make_graph`), applies the
compiler pass of the same name (`tapegraph.passes`: `jvp`, `linearize`, `transpose`,
`vmap`, `grad`) and runs the result with a cached `tapegraph.runtime` plan. Every result
can show its graph (`.graph`). They compose with each other and with `autograd`: called
while recording on recorded arrays, a transformed function records its operators like
any other computation (so `autograd.grad`, `backward` and enclosing transformations
differentiate through it).
"""
from .tracing import make_graph
from .api import (LinearFunction, Result, grad, hessian, hvp, jacfwd, jacrev, jvp, linearize,
                  vjp, vmap)
from .checkpoint import checkpoint

__all__ = ["LinearFunction", "Result", "checkpoint", "grad", "hessian", "hvp", "jacfwd",
           "jacrev", "jvp", "linearize", "make_graph", "vjp", "vmap"]
