"""`BucketingModule` (MXNet: one Module per bucket key from `sym_gen`, sharing parameters)
is not implemented in tapegraph: constructing one raises NotImplementedError."""
from ..unsupported import not_implemented_class
from .base_module import BaseModule

BucketingModule = not_implemented_class(
    "mxnet.module.BucketingModule",
    "bucketing (a Module per bucket key from sym_gen) is not implemented yet; bind one "
    "mx.mod.Module per symbol with shared_module=... to share parameters (Module.forward "
    "already reshapes to batches of other shapes)", BaseModule)
