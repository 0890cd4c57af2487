"""`IntervalSampler` (MXNet 1.9.1's contrib/data/sampler.py)."""
from __future__ import annotations

from numbers import Integral
from typing import Iterator

from ...data import sampler

__all__ = ["IntervalSampler"]


class IntervalSampler(sampler.Sampler):
    """The indices of [0, length) `interval` apart: 0, interval, 2 * interval, ... With
    `rollover` (the default) it then starts again from each skipped index in turn (1,
    1 + interval, ..., then 2, ...) until every index is visited; without, it stops at the
    end of the first pass. `len()` is `length` either way, as in MXNet.

    >>> list(IntervalSampler(13, interval=3))
    [0, 3, 6, 9, 12, 1, 4, 7, 10, 2, 5, 8, 11]
    >>> list(IntervalSampler(13, interval=3, rollover=False))
    [0, 3, 6, 9, 12]
    """

    def __init__(self, length: int, interval: int, rollover: bool = True) -> None:
        for name, value in (("length", length), ("interval", interval)):
            if not isinstance(value, Integral) or isinstance(value, bool):
                raise TypeError("IntervalSampler: %s must be an integer, got %r"
                                % (name, value))
        if interval < 1:
            raise ValueError("IntervalSampler: interval must be at least 1, got %d" % interval)
        if interval > length:
            raise ValueError("Interval {} must be smaller than or equal to length {}"
                             .format(interval, length))
        self._length = length
        self._interval = interval
        self._rollover = rollover

    def __iter__(self) -> Iterator[int]:
        for i in range(self._interval if self._rollover else 1):
            for j in range(i, self._length, self._interval):
                yield j

    def __len__(self) -> int:
        return self._length
