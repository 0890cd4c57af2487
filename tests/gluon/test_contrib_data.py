"""gluon.contrib.data: IntervalSampler against a direct statement of MXNet's order (the
captured script tests/data/mxnet/scripts/gluon_contrib_data.py compares with MXNet itself),
its errors, and the WikiText stand-ins."""
import pytest

import tapegraph as mx
from tapegraph.gluon.contrib.data import IntervalSampler


@pytest.mark.parametrize("length", range(1, 12))
def test_interval_sampler_order(length):
    for interval in range(1, length + 1):
        rolled = list(IntervalSampler(length, interval))
        assert sorted(rolled) == list(range(length))  # every index, once
        assert rolled == [j for i in range(interval) for j in range(i, length, interval)]
        once = list(IntervalSampler(length, interval, rollover=False))
        assert once == list(range(0, length, interval))
        assert len(IntervalSampler(length, interval, rollover=False)) == length


def test_interval_sampler_iterates_again_from_the_start():
    s = IntervalSampler(7, 2)
    assert list(s) == list(s) == [0, 2, 4, 6, 1, 3, 5]
    it = iter(s)
    assert [next(it), next(it)] == [0, 2]
    assert list(s)[:2] == [0, 2]


@pytest.mark.parametrize("args, error, match", [
    ((3, 4), ValueError, "Interval 4 must be smaller than or equal to length 3"),
    ((3, 0), ValueError, "interval must be at least 1"),
    ((3.0, 1), TypeError, "length must be an integer"),
    ((5, "2"), TypeError, "interval must be an integer"),
])
def test_interval_sampler_errors_name_the_problem(args, error, match):
    with pytest.raises(error, match=match):
        IntervalSampler(*args)


def test_wikitext_stand_ins_say_tapegraph_does_not_download():
    text = mx.gluon.contrib.data.text
    for cls in (text.WikiText2, text.WikiText103):
        assert issubclass(cls, mx.gluon.data.Dataset)
        with pytest.raises(NotImplementedError, match="%s is not implemented in tapegraph: "
                           "tapegraph does not download data" % cls.__name__):
            cls(segment="validation")
        assert getattr(cls, mx.unsupported.MARK)
