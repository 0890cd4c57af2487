"""`mx.monitor` (`mx.mon`): `Monitor` collects statistics of the arrays of executors
(operator outputs during forward, then the arguments and auxiliary states) every
`interval` batches; `Module.install_monitor` installs one on the module's executor."""
from __future__ import annotations

import logging
import re
from math import sqrt
from typing import Any, Callable, List, Optional, Tuple

from . import ndarray
from .ndarray import NDArray


def _text(name: Any) -> str:
    return name.decode() if isinstance(name, bytes) else str(name)


class Monitor:
    """Statistics `stat_func(array)` (default: norm / sqrt(size)) of the arrays whose
    names match `pattern`, taken during the batches between `tic()` and `toc()` every
    `interval` batches; `toc_print()` logs them. `sort` orders them by name;
    `monitor_all` also reports the inputs of operators."""

    def __init__(self, interval: int, stat_func: Optional[Callable[[Any], Any]] = None,
                 pattern: str = ".*", sort: bool = False, monitor_all: bool = False):
        if stat_func is None:
            def asum_stat(x):
                """norm(x) / sqrt(x.size)"""
                return ndarray.norm(x) / sqrt(x.size)
            stat_func = asum_stat
        self.stat_func = stat_func
        self.interval = interval
        self.activated = False
        self.queue: List[Tuple[int, str, Any]] = []
        self.step = 0
        self.exes: List[Any] = []
        self.re_prog = re.compile(pattern)
        self.sort = sort
        self.monitor_all = monitor_all

        def stat_helper(name, array):
            name = _text(name)
            if not self.activated or not self.re_prog.match(name):
                return
            self.queue.append((self.step, name, self.stat_func(array)))
        self.stat_helper = stat_helper

    def install(self, exe: Any) -> None:
        """Collect statistics from executor `exe` (its `set_monitor_callback`)."""
        exe.set_monitor_callback(self.stat_helper, self.monitor_all)
        self.exes.append(exe)

    def tic(self) -> None:
        """Start a batch: collection is on for every `interval`-th batch."""
        if self.step % self.interval == 0:
            self.queue = []
            self.activated = True
        self.step += 1

    def toc(self) -> List[Tuple[int, str, str]]:
        """End the batch: add the arguments' and auxiliary states' statistics and return
        [(step, name, statistics as text)] (empty when collection was off)."""
        if not self.activated:
            return []
        for exe in self.exes:
            symbol = exe._symbol
            for name, array in zip(symbol.list_arguments(), exe.arg_arrays):
                if self.re_prog.match(name):
                    self.queue.append((self.step, name, self.stat_func(array)))
            for name, array in zip(symbol.list_auxiliary_states(), exe.aux_arrays):
                if self.re_prog.match(name):
                    self.queue.append((self.step, name, self.stat_func(array)))
        self.activated = False
        res = []
        if self.sort:
            self.queue.sort(key=lambda x: x[1])
        for n, k, v_list in self.queue:
            if isinstance(v_list, NDArray):
                v_list = [v_list]
            if not isinstance(v_list, list):
                raise TypeError("Monitor: stat_func must return an NDArray or a list of "
                                "NDArrays, got %s" % type(v_list).__name__)
            s = ""
            for v in v_list:
                if not isinstance(v, NDArray):
                    raise TypeError("Monitor: stat_func returned a %s in its list, not an "
                                    "NDArray" % type(v).__name__)
                s += (str(v.asscalar()) if v.shape == (1,) else str(v.asnumpy())) + "\t"
            res.append((n, k, s))
        self.queue = []
        return res

    def toc_print(self) -> None:
        """`toc()` and log each statistic as `Batch: STEP NAME VALUE`."""
        for n, k, v in self.toc():
            logging.info("Batch: {:7d} {:30s} {:s}".format(n, k, v))
