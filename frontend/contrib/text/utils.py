"""Token counting for text data (MXNet 1.9.1's `mxnet.contrib.text.utils`)."""
from __future__ import annotations

import collections
import re
from typing import Optional

__all__ = ["count_tokens_from_str"]


def count_tokens_from_str(source_str: str, token_delim: str = " ", seq_delim: str = "\n",
                          to_lower: bool = False,
                          counter_to_update: Optional[collections.Counter] = None
                          ) -> collections.Counter:
    """Count the tokens of `source_str`.

    `token_delim` and `seq_delim` are regular expressions (escape special characters, e.g.
    `'\\*'`); the string is split on either and empty pieces are dropped. With `to_lower`
    tokens are lower-cased first. The counts update `counter_to_update` in place and return
    it, or a new `collections.Counter` if it is None.

    >>> count_tokens_from_str(' Life is great ! \\n life is good . \\n', to_lower=True)
    Counter({'life': 2, 'is': 2, 'great': 1, '!': 1, 'good': 1, '.': 1})
    """
    tokens = [t for t in re.split(token_delim + "|" + seq_delim, source_str) if t]
    if to_lower:
        tokens = [t.lower() for t in tokens]
    if counter_to_update is None:
        return collections.Counter(tokens)
    counter_to_update.update(tokens)
    return counter_to_update
