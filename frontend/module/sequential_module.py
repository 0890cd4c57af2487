"""`SequentialModule` (MXNet: a chain of modules, each feeding the next) is not
implemented in tapegraph: constructing one raises NotImplementedError."""
from ..unsupported import not_implemented_class
from .base_module import BaseModule

SequentialModule = not_implemented_class(
    "mxnet.module.SequentialModule",
    "chains of modules are not implemented yet; compose the symbols into one symbol for an "
    "mx.mod.Module, or chain Modules by hand (forward, then backward with the next "
    "module's get_input_grads())", BaseModule)
