"""`mx.mod` / `mx.module`: MXNet's symbolic training API (`Module` and its relatives)."""
from . import base_module, executor_group, module
from . import bucketing_module, python_module, sequential_module
from .base_module import BaseModule
from .bucketing_module import BucketingModule
from .module import Module
from .python_module import PythonLossModule, PythonModule
from .sequential_module import SequentialModule

__all__ = ["BaseModule", "BucketingModule", "Module", "PythonLossModule", "PythonModule",
           "SequentialModule"]
