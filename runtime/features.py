"""`mx.runtime.Features`: which of MXNet's compile-time features this runtime has.

MXNet reports the features its native library was built with (libinfo.h). tapegraph has
no native library: its kernels are NumPy's, so a feature is enabled when NumPy provides
it on this machine (the CPU instruction sets NumPy dispatches to, its BLAS and LAPACK)
or tapegraph implements it (the profiler, 64-bit tensor sizes). Everything tied to a GPU,
MKL-DNN, OpenCV, OpenMP kernels or distributed training is off. The names and their
order are MXNet 1.9.1's.
"""
from __future__ import annotations

import collections
import importlib
from typing import Dict, List

import numpy as np

FEATURE_NAMES = (
    "CUDA", "CUDNN", "NCCL", "CUDA_RTC", "TENSORRT", "CPU_SSE", "CPU_SSE2", "CPU_SSE3",
    "CPU_SSE4_1", "CPU_SSE4_2", "CPU_SSE4A", "CPU_AVX", "CPU_AVX2", "OPENMP", "SSE", "F16C",
    "JEMALLOC", "BLAS_OPEN", "BLAS_ATLAS", "BLAS_MKL", "BLAS_APPLE", "LAPACK", "MKLDNN",
    "OPENCV", "CAFFE", "PROFILER", "DIST_KVSTORE", "CXX14", "INT64_TENSOR_SIZE",
    "SIGNAL_HANDLER", "DEBUG", "TVM_OP")

# MXNet feature -> the CPU feature NumPy reports for the same instructions
_CPU = {"CPU_SSE": "SSE", "CPU_SSE2": "SSE2", "CPU_SSE3": "SSE3", "CPU_SSE4_1": "SSE41",
        "CPU_SSE4_2": "SSE42", "CPU_AVX": "AVX", "CPU_AVX2": "AVX2", "SSE": "SSE",
        "F16C": "F16C"}
_BLAS = {"BLAS_OPEN": "openblas", "BLAS_ATLAS": "atlas", "BLAS_MKL": "mkl",
         "BLAS_APPLE": "accelerate"}
_ALWAYS = {"LAPACK", "PROFILER", "INT64_TENSOR_SIZE"}


def _numpy_cpu_features() -> Dict[str, bool]:
    """The CPU features NumPy detected and dispatches to (`numpy._core` in NumPy 2,
    `numpy.core` in 1.x)."""
    for where in ("numpy._core._multiarray_umath", "numpy.core._multiarray_umath"):
        try:
            return dict(importlib.import_module(where).__cpu_features__)
        except (ImportError, AttributeError):
            continue
    return {}


def _numpy_blas() -> str:
    try:
        config = np.show_config(mode="dicts")
        return str(config["Build Dependencies"]["blas"]["name"]).lower()
    except Exception:  # older NumPy: no dict mode; its BLAS is then unknown
        return ""


def _enabled() -> Dict[str, bool]:
    cpu, blas = _numpy_cpu_features(), _numpy_blas()
    flags = {name: False for name in FEATURE_NAMES}
    for name, numpy_name in _CPU.items():
        flags[name] = bool(cpu.get(numpy_name, False))
    for name, key in _BLAS.items():
        flags[name] = key in blas
    for name in _ALWAYS:
        flags[name] = True
    return flags


class Feature:
    """A feature and whether it is enabled (`name`, `enabled`); prints as MXNet does."""

    __slots__ = ("name", "enabled")

    def __init__(self, name: str, enabled: bool) -> None:
        self.name = name
        self.enabled = enabled

    def __repr__(self) -> str:
        return ("\u2714 {}" if self.enabled else "\u2716 {}").format(self.name)


def feature_list() -> List[Feature]:
    """Every feature, in MXNet's order, as `Feature` objects."""
    flags = _enabled()
    return [Feature(name, flags[name]) for name in FEATURE_NAMES]


class Features(collections.OrderedDict):
    """The features by name (a process-wide instance, as in MXNet)."""

    instance = None

    def __new__(cls):
        if cls.instance is None:
            cls.instance = super().__new__(cls)
            super().__init__(cls.instance, [(f.name, f) for f in feature_list()])
        return cls.instance

    def __init__(self) -> None:  # filled once, in __new__
        pass

    def __repr__(self) -> str:
        return str(list(self.values()))

    def is_enabled(self, feature_name: str) -> bool:
        """Whether `feature_name` (case-insensitive) is enabled; RuntimeError if unknown."""
        feature_name = feature_name.upper()
        if feature_name not in self:
            raise RuntimeError("Feature '{}' is unknown, known features are: {}".format(
                feature_name, list(self.keys())))
        return self[feature_name].enabled
