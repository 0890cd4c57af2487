"""`Vocabulary`: indices for text tokens (MXNet 1.9.1's `mxnet.contrib.text.vocab`).

Index 0 is the unknown token, then come the reserved tokens in their order, then the keys
of a counter from the most to the least frequent (ties in sorted order of the keys).
"""
from __future__ import annotations

import collections
from typing import Any, Dict, Hashable, List, Optional

from ._constants import UNKNOWN_IDX

__all__ = ["Vocabulary"]


class Vocabulary:
    """Indexing for text tokens.

    Parameters
    ----------
    counter : collections.Counter or None, default None
        Token frequencies; its keys are indexed subject to `most_freq_count` and `min_freq`.
    most_freq_count : int or None, default None
        At most this many keys of `counter` are indexed (reserved tokens do not count);
        None for no limit.
    min_freq : int, default 1
        Keys of `counter` less frequent than this are not indexed.
    unknown_token : hashable, default '<unk>'
        What every token missing from the vocabulary maps to (index 0).
    reserved_tokens : list of hashables or None, default None
        Tokens always indexed (padding, sentence markers ...), right after `unknown_token`.
        No duplicates, and not `unknown_token`.
    """

    def __init__(self, counter: Optional[collections.Counter] = None,
                 most_freq_count: Optional[int] = None, min_freq: int = 1,
                 unknown_token: Hashable = "<unk>",
                 reserved_tokens: Optional[List[Hashable]] = None) -> None:
        assert min_freq > 0, "`min_freq` must be set to a positive value."
        if reserved_tokens is not None:
            assert unknown_token not in set(reserved_tokens), \
                "`reserved_token` cannot contain `unknown_token`."
            assert len(set(reserved_tokens)) == len(reserved_tokens), \
                "`reserved_tokens` cannot contain duplicate reserved tokens."
        self._unknown_token = unknown_token
        self._reserved_tokens = None if reserved_tokens is None else reserved_tokens[:]
        self._idx_to_token: List[Any] = [unknown_token] + list(reserved_tokens or [])
        self._token_to_idx: Dict[Any, int] = {t: i for i, t in enumerate(self._idx_to_token)}
        if counter is not None:
            self._index_counter_keys(counter, most_freq_count, min_freq)

    def _index_counter_keys(self, counter: collections.Counter,
                            most_freq_count: Optional[int], min_freq: int) -> None:
        assert isinstance(counter, collections.Counter), \
            "`counter` must be an instance of collections.Counter."
        special = set(self._idx_to_token)
        # most frequent first; equally frequent keys in sorted order
        token_freqs = sorted(sorted(counter.items(), key=lambda kv: kv[0]),
                             key=lambda kv: kv[1], reverse=True)
        cap = len(special) + (len(counter) if most_freq_count is None else most_freq_count)
        for token, freq in token_freqs:
            if freq < min_freq or len(self._idx_to_token) == cap:
                break
            if token not in special:
                self._idx_to_token.append(token)
                self._token_to_idx[token] = len(self._idx_to_token) - 1

    def __len__(self) -> int:
        return len(self.idx_to_token)

    @property
    def token_to_idx(self) -> Dict[Any, int]:
        """dict: each indexed token -> its index."""
        return self._token_to_idx

    @property
    def idx_to_token(self) -> List[Any]:
        """list: the indexed tokens, list position = token index."""
        return self._idx_to_token

    @property
    def unknown_token(self) -> Hashable:
        """The representation of every unknown token (index 0)."""
        return self._unknown_token

    @property
    def reserved_tokens(self) -> Optional[List[Hashable]]:
        """The reserved tokens (a copy of the list given), or None."""
        return self._reserved_tokens

    def to_indices(self, tokens: Any) -> Any:
        """The index of a token, or the list of indices of a list of tokens; unknown tokens
        give 0. Anything but a list is looked up as one token."""
        if not isinstance(tokens, list):
            return self.token_to_idx.get(tokens, UNKNOWN_IDX)
        return [self.token_to_idx.get(token, UNKNOWN_IDX) for token in tokens]

    def to_tokens(self, indices: Any) -> Any:
        """The token at an index, or the list of tokens at a list of indices.

        Raises ValueError for an index that is not an int or is past the last token.
        """
        single = not isinstance(indices, list)
        indices = [indices] if single else indices
        max_idx = len(self.idx_to_token) - 1
        tokens = []
        for idx in indices:
            if not isinstance(idx, int) or idx > max_idx:
                raise ValueError("Token index %d in the provided `indices` is invalid." % idx)
            tokens.append(self.idx_to_token[idx])
        return tokens[0] if single else tokens
