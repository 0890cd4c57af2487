"""The WikiText language-model data sets (MXNet 1.9.1's contrib/data/text.py): stand-ins,
since MXNet downloads them on first use and tapegraph never downloads."""
from __future__ import annotations

from ....unsupported import NETWORK, not_implemented_class
from ...data.dataset import Dataset

__all__ = ["WikiText2", "WikiText103"]

_WHY = NETWORK + " (MXNet fetches the WikiText archives from its data repository)"

WikiText2 = not_implemented_class("gluon.contrib.data.text.WikiText2", _WHY, Dataset)
WikiText103 = not_implemented_class("gluon.contrib.data.text.WikiText103", _WHY, Dataset)
