"""`PythonModule` and `PythonLossModule` (MXNet: modules computed by Python code, usually
a loss at the end of a SequentialModule) are not implemented in tapegraph: constructing
one raises NotImplementedError."""
from ..unsupported import not_implemented_class
from .base_module import BaseModule

_WHY = ("modules computed in Python are not implemented yet (they serve SequentialModule, "
        "which is not either); write the loss as a symbol (mx.sym.MakeLoss) or a "
        "mx.operator.CustomOp inside the mx.mod.Module's symbol")
PythonModule = not_implemented_class("mxnet.module.PythonModule", _WHY, BaseModule)
PythonLossModule = not_implemented_class("mxnet.module.PythonLossModule", _WHY, PythonModule)
