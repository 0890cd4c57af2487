"""Token embeddings (MXNet 1.9.1's `mxnet.contrib.text.embedding`).

A token embedding is a `Vocabulary` whose every index also has a vector: row i of
`idx_to_vec` belongs to token `idx_to_token[i]`, row 0 to the unknown token. Vectors come
from a text file, one token per line followed by its elements (`CustomEmbedding`; `GloVe`
and `FastText` read their published files), optionally re-indexed by a vocabulary, or from
several embeddings concatenated (`CompositeEmbedding`).

tapegraph does not download: `GloVe` and `FastText` read their file from
`embedding_root/<glove|fasttext>/<pretrained_file_name>` (MXNet's layout; an archive placed
there instead is extracted), and a missing file is a NotImplementedError saying where to put
it. Local files are not checked against MXNet's SHA-1 table.
"""
from __future__ import annotations

import json
import logging
import os
import tarfile
import warnings
import zipfile
from typing import Any, Callable, Dict, List, Optional

import numpy as np

from ... import ndarray as nd
from ...util import is_np_array
from . import _constants as C
from . import vocab

__all__ = ["register", "create", "get_pretrained_file_names", "GloVe", "FastText",
           "CustomEmbedding", "CompositeEmbedding"]

# MXNet's default: os.path.join(base.data_dir(), 'embeddings'), fixed at import
_EMBEDDING_ROOT = os.path.join(os.getenv("MXNET_HOME", os.path.join(os.path.expanduser("~"),
                                                                   ".mxnet")), "embeddings")

_REGISTRY: Dict[str, type] = {}


class _NoVectorsError(ValueError, TypeError):
    """An embedding file without a single token vector (MXNet fails there with a TypeError
    from reshaping, so this is both)."""


def _array(values: Any) -> Any:
    """An mx.np.ndarray in NumPy mode, else an NDArray."""
    array = nd.array(values)
    return array.as_np_ndarray() if is_np_array() else array


def _numpy(value: Any) -> np.ndarray:
    return value.asnumpy() if hasattr(value, "asnumpy") else np.asarray(value)


def register(embedding_cls: type) -> type:
    """Class decorator: register a token embedding (a subclass of `_TokenEmbedding`) under
    its lower-cased class name, for `create` and `get_pretrained_file_names`."""
    assert issubclass(embedding_cls, _TokenEmbedding), \
        "Can only register subclass of %s" % _TokenEmbedding.__name__
    name = embedding_cls.__name__.lower()
    if name in _REGISTRY:
        old = _REGISTRY[name]
        warnings.warn("New token embedding %s.%s registered with name %s is overriding existing "
                      "token embedding %s.%s" % (embedding_cls.__module__,
                                                 embedding_cls.__name__, name, old.__module__,
                                                 old.__name__), UserWarning, stacklevel=2)
    _REGISTRY[name] = embedding_cls
    return embedding_cls


def create(embedding_name: Any, **kwargs: Any) -> "_TokenEmbedding":
    """An instance of the registered token embedding `embedding_name` (case-insensitive),
    constructed with `kwargs`, e.g. `create('glove', pretrained_file_name='glove.6B.50d.txt')`.
    A token embedding instance is returned as is; MXNet's JSON forms `'["name", {kwargs}]'`
    and `'{"token embedding": "name", ...}'` are accepted too."""
    if isinstance(embedding_name, _TokenEmbedding):
        assert not kwargs, \
            "token embedding is already an instance. Additional arguments are invalid"
        return embedding_name
    assert isinstance(embedding_name, str), "token embedding must be of string type"
    if embedding_name.startswith("[") or embedding_name.startswith("{"):
        assert not kwargs
        config = json.loads(embedding_name)
        if isinstance(config, dict):
            return create(config.pop("token embedding"), **config)
        return create(config[0], **config[1])
    name = embedding_name.lower()
    assert name in _REGISTRY, \
        "%s is not registered. Please register with token embedding.register first" % name
    return _REGISTRY[name](**kwargs)


def get_pretrained_file_names(embedding_name: Optional[str] = None) -> Any:
    """The valid `pretrained_file_name`s of the registered embedding `embedding_name` (a
    list; the name is case-sensitive here, as in MXNet), or, for None, a dict of every
    registered embedding name to its list."""
    if embedding_name is None:
        return {name: list(cls.pretrained_file_name_sha1.keys())
                for name, cls in _REGISTRY.items()}
    if embedding_name not in _REGISTRY:
        raise KeyError("Cannot find `embedding_name` %s. Use `get_pretrained_file_names("
                       "embedding_name=None).keys()` to get all the valid embedding names."
                       % embedding_name)
    return list(_REGISTRY[embedding_name].pretrained_file_name_sha1.keys())


class _TokenEmbedding(vocab.Vocabulary):
    """Token embedding base class: a `Vocabulary` (keyword arguments go to it) with a vector
    per index.

    Attributes (beyond the vocabulary's): `vec_len`, the length of every vector, and
    `idx_to_vec`, the (len(self), vec_len) array of vectors, row 0 the unknown token's:
    loaded from the file if the file has the unknown token, else from `init_unknown_vec`.
    When a token appears more than once in a file, its first vector is kept.
    """

    pretrained_file_name_sha1: Dict[str, str] = {}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)

    # -- pre-trained files --------------------------------------------------------------

    @classmethod
    def _get_download_file_name(cls, pretrained_file_name: str) -> str:
        """The name of what MXNet downloads to get `pretrained_file_name`."""
        return pretrained_file_name

    @classmethod
    def _get_pretrained_file_url(cls, pretrained_file_name: str) -> str:
        repo_url = os.environ.get("MXNET_GLUON_REPO", C.APACHE_REPO_URL)
        return "{}gluon/embeddings/{}/{}".format(
            repo_url, cls.__name__.lower(), cls._get_download_file_name(pretrained_file_name))

    @classmethod
    def _get_pretrained_file(cls, embedding_root: str, pretrained_file_name: str) -> str:
        """The path of `pretrained_file_name` under `embedding_root`, extracting it from
        its archive if only that is there; a NotImplementedError if neither is."""
        embedding_dir = os.path.join(os.path.expanduser(embedding_root), cls.__name__.lower())
        path = os.path.join(embedding_dir, pretrained_file_name)
        archive = cls._get_download_file_name(pretrained_file_name)
        archive_path = os.path.join(embedding_dir, archive)
        if not os.path.exists(path) and archive != pretrained_file_name \
                and os.path.exists(archive_path):
            if archive.endswith(".zip"):
                with zipfile.ZipFile(archive_path, "r") as zf:
                    zf.extractall(embedding_dir)
            elif archive.endswith(".gz"):
                with tarfile.open(archive_path, "r:gz") as tar:
                    # (the "data" filter refuses paths outside the directory, where known)
                    safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
                    tar.extractall(path=embedding_dir, **safe)
        if os.path.exists(path):
            return path
        raise NotImplementedError(
            "the pre-trained token embedding file %s is not in %s, and tapegraph does not "
            "download embeddings (MXNet would fetch %s). Download it yourself and place %s "
            "(or the archive %s) in %s" % (pretrained_file_name, embedding_dir,
                                           cls._get_pretrained_file_url(pretrained_file_name),
                                           pretrained_file_name, archive, embedding_dir))

    @classmethod
    def _check_pretrained_file_names(cls, pretrained_file_name: str) -> None:
        """A KeyError listing the valid names unless `pretrained_file_name` is one."""
        name = cls.__name__.lower()
        if pretrained_file_name not in cls.pretrained_file_name_sha1:
            raise KeyError("Cannot find pretrained file %s for token embedding %s. Valid "
                           "pretrained files for embedding %s: %s"
                           % (pretrained_file_name, name, name,
                              ", ".join(cls.pretrained_file_name_sha1.keys())))

    # -- loading --------------------------------------------------------------------------

    def _load_embedding(self, pretrained_file_path: str, elem_delim: str,
                        init_unknown_vec: Callable[..., Any], encoding: str = "utf8") -> None:
        """Index the tokens of an embedding file (after those already indexed) and set
        `idx_to_vec` from their vectors. A line with a single element (a header) and
        repeated tokens are skipped with a warning."""
        path = os.path.expanduser(pretrained_file_path)
        if not os.path.isfile(path):
            raise ValueError("`pretrained_file_path` must be a valid path to the pre-trained "
                             "token embedding file.")
        logging.info("Loading pre-trained token embedding vectors from %s", path)
        vec_len = None
        rows: List[List[float]] = []
        seen = set()
        loaded_unknown_vec = None
        with open(path, "r", encoding=encoding) as f:
            for line_num, line in enumerate(f, 1):
                elems = line.rstrip().split(elem_delim)
                assert len(elems) > 1, \
                    "At line %d of the pre-trained text embedding file: the data format of " \
                    "the pre-trained token embedding file %s is unexpected." % (line_num, path)
                token, vec = elems[0], [float(e) for e in elems[1:]]
                if token == self.unknown_token and loaded_unknown_vec is None:
                    loaded_unknown_vec = vec
                    seen.add(token)
                elif token in seen:
                    warnings.warn("At line %d of the pre-trained token embedding file: the "
                                  "embedding vector for token %s has been loaded and a "
                                  "duplicate embedding for the  same token is seen and "
                                  "skipped." % (line_num, token))
                elif len(vec) == 1:
                    warnings.warn("At line %d of the pre-trained text embedding file: token %s "
                                  "with 1-dimensional vector %s is likely a header and is "
                                  "skipped." % (line_num, token, vec))
                else:
                    if vec_len is None:
                        vec_len = len(vec)
                    assert len(vec) == vec_len, \
                        "At line %d of the pre-trained token embedding file: the dimension " \
                        "of token %s is %d but the dimension of previous tokens is %d. " \
                        "Dimensions of all the tokens must be the same." \
                        % (line_num, token, len(vec), vec_len)
                    rows.append(vec)
                    self._idx_to_token.append(token)
                    self._token_to_idx[token] = len(self._idx_to_token) - 1
                    seen.add(token)
        if vec_len is None:
            raise _NoVectorsError("the pre-trained token embedding file %s has no token vector "
                                  "(besides the unknown token's)" % path)
        self._vec_len = vec_len
        vecs = np.zeros((len(rows) + 1, vec_len), dtype=np.float32)  # row 0: unknown token
        vecs[1:] = rows
        if loaded_unknown_vec is None:
            vecs[C.UNKNOWN_IDX] = _numpy(init_unknown_vec(shape=vec_len))
        else:
            vecs[C.UNKNOWN_IDX] = loaded_unknown_vec
        self._idx_to_vec = _array(vecs)

    def _index_tokens_from_vocabulary(self, vocabulary: vocab.Vocabulary) -> None:
        self._token_to_idx = vocabulary.token_to_idx.copy()
        self._idx_to_token = vocabulary.idx_to_token[:]
        self._unknown_token = vocabulary.unknown_token
        self._reserved_tokens = None if vocabulary.reserved_tokens is None \
            else vocabulary.reserved_tokens[:]

    def _set_idx_to_vec_by_embeddings(self, token_embeddings: List["_TokenEmbedding"],
                                      vocab_len: int, vocab_idx_to_token: List[Any]) -> None:
        """Set `idx_to_vec` to the vectors of `vocab_idx_to_token` in each embedding,
        concatenated; index 0 takes each embedding's unknown vector, as do tokens an
        embedding does not have."""
        parts = []
        for embed in token_embeddings:
            rows = [C.UNKNOWN_IDX] + [embed.token_to_idx.get(token, C.UNKNOWN_IDX)
                                      for token in vocab_idx_to_token[1:vocab_len]]
            # (clipped as the Embedding operator clips them in get_vecs_by_tokens)
            parts.append(np.take(embed.idx_to_vec.asnumpy(), rows, axis=0, mode="clip"))
        self._vec_len = sum(embed.vec_len for embed in token_embeddings)
        self._idx_to_vec = _array(np.concatenate(parts, axis=1).astype(np.float32))

    def _build_embedding_for_vocabulary(self, vocabulary: vocab.Vocabulary) -> None:
        """Re-index this embedding by `vocabulary`'s tokens, keeping their vectors."""
        assert isinstance(vocabulary, vocab.Vocabulary), \
            "The argument `vocabulary` must be an instance of " \
            "mxnet.contrib.text.vocab.Vocabulary."
        self._set_idx_to_vec_by_embeddings([self], len(vocabulary), vocabulary.idx_to_token)
        self._index_tokens_from_vocabulary(vocabulary)

    # -- the public API -------------------------------------------------------------------

    @property
    def vec_len(self) -> int:
        """The length of every token's vector."""
        return self._vec_len

    @property
    def idx_to_vec(self) -> Any:
        """The vectors, shape (len(self), vec_len): row i is token `idx_to_token[i]`'s."""
        return self._idx_to_vec

    def get_vecs_by_tokens(self, tokens: Any, lower_case_backup: bool = False) -> Any:
        """The vector of a token (1-D), or the vectors of a list of tokens (2-D); unknown
        tokens get the unknown token's vector. With `lower_case_backup`, a token not found
        as is is looked up in lower case."""
        single = not isinstance(tokens, list)
        tokens = [tokens] if single else tokens
        if lower_case_backup:
            indices = [self.token_to_idx[t] if t in self.token_to_idx
                       else self.token_to_idx.get(t.lower(), C.UNKNOWN_IDX) for t in tokens]
        else:
            indices = [self.token_to_idx.get(t, C.UNKNOWN_IDX) for t in tokens]
        # the Embedding operator, as MXNet (it clips indices past the last vector)
        weight = self.idx_to_vec.as_nd_ndarray() if is_np_array() else self.idx_to_vec
        vecs = nd.Embedding(nd.array(indices), weight, weight.shape[0], weight.shape[1])
        vecs = vecs.as_np_ndarray() if is_np_array() else vecs
        return vecs[0] if single else vecs

    def update_token_vectors(self, tokens: Any, new_vectors: Any) -> None:
        """Overwrite the vectors of a token or a list of tokens, in place.

        `new_vectors` is an NDArray of shape (len(tokens), vec_len) (1-D is accepted for a
        single token). Every token must be indexed: a ValueError otherwise (name the unknown
        token itself to update its vector).
        """
        assert self.idx_to_vec is not None, \
            "The property `idx_to_vec` has not been properly set."
        if not isinstance(tokens, list) or len(tokens) == 1:
            assert isinstance(new_vectors, nd.NDArray) and len(new_vectors.shape) in [1, 2], \
                "`new_vectors` must be a 1-D or 2-D NDArray if `tokens` is a singleton."
            tokens = tokens if isinstance(tokens, list) else [tokens]
            if len(new_vectors.shape) == 1:
                new_vectors = new_vectors.reshape((1, -1))
        else:
            assert isinstance(new_vectors, nd.NDArray) and len(new_vectors.shape) == 2, \
                "`new_vectors` must be a 2-D NDArray if `tokens` is a list of multiple strings."
        assert new_vectors.shape == (len(tokens), self.vec_len), \
            "The length of new_vectors must be equal to the number of tokens and the width " \
            "ofnew_vectors must be equal to the dimension of embeddings of the glossary."
        indices = []
        for token in tokens:
            if token not in self.token_to_idx:
                raise ValueError("Token %s is unknown. To update the embedding vector for an "
                                 "unknown token, please specify it explicitly as the "
                                 "`unknown_token` %s in `tokens`. This is to avoid unintended "
                                 "updates." % (token, self.idx_to_token[C.UNKNOWN_IDX]))
            indices.append(self.token_to_idx[token])
        self._idx_to_vec[indices] = new_vectors


def _load_pretrained_into(embedding: "_TokenEmbedding", cls: type, pretrained_file_name: str,
                          embedding_root: str, init_unknown_vec: Callable[..., Any],
                          vocabulary: Optional[vocab.Vocabulary]) -> None:
    """Fill a GloVe / FastText `embedding` from its local pretrained file (space
    separated), indexed by `vocabulary` when one is given."""
    cls._check_pretrained_file_names(pretrained_file_name)
    path = cls._get_pretrained_file(embedding_root, pretrained_file_name)
    embedding._load_embedding(path, " ", init_unknown_vec)
    if vocabulary is not None:
        embedding._build_embedding_for_vocabulary(vocabulary)


@register
class GloVe(_TokenEmbedding):
    """The GloVe word embedding (https://nlp.stanford.edu/projects/glove/), read from
    `embedding_root/glove/pretrained_file_name`.

    Parameters
    ----------
    pretrained_file_name : str, default 'glove.840B.300d.txt'
        One of `get_pretrained_file_names('glove')`.
    embedding_root : str, default $MXNET_HOME/embeddings
        The root directory of embedding files.
    init_unknown_vec : callable, default nd.zeros
        Called as `init_unknown_vec(shape=vec_len)` for the unknown token's vector.
    vocabulary : Vocabulary or None, default None
        Index its tokens (with their vectors from the file); None indexes every token of
        the file.
    """

    pretrained_archive_name_sha1 = C.GLOVE_ARCHIVE_SHA1
    pretrained_file_name_sha1 = C.GLOVE_FILE_SHA1

    @classmethod
    def _get_download_file_name(cls, pretrained_file_name: str) -> str:
        # glove.6B.50d.txt comes in glove.6B.zip
        by_corpus = {archive.split(".")[1]: archive for archive in cls.pretrained_archive_name_sha1}
        return by_corpus[pretrained_file_name.split(".")[1]]

    def __init__(self, pretrained_file_name: str = "glove.840B.300d.txt",
                 embedding_root: str = _EMBEDDING_ROOT,
                 init_unknown_vec: Callable[..., Any] = nd.zeros,
                 vocabulary: Optional[vocab.Vocabulary] = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        _load_pretrained_into(self, GloVe, pretrained_file_name, embedding_root,
                              init_unknown_vec, vocabulary)


@register
class FastText(_TokenEmbedding):
    """The fastText word embedding (https://fasttext.cc/), read from
    `embedding_root/fasttext/pretrained_file_name`.

    Parameters
    ----------
    pretrained_file_name : str, default 'wiki.simple.vec'
        One of `get_pretrained_file_names('fasttext')`.
    embedding_root : str, default $MXNET_HOME/embeddings
        The root directory of embedding files.
    init_unknown_vec : callable, default nd.zeros
        Called as `init_unknown_vec(shape=vec_len)` for the unknown token's vector.
    vocabulary : Vocabulary or None, default None
        Index its tokens (with their vectors from the file); None indexes every token of
        the file.
    """

    pretrained_archive_name_sha1 = C.FAST_TEXT_ARCHIVE_SHA1
    pretrained_file_name_sha1 = C.FAST_TEXT_FILE_SHA1

    @classmethod
    def _get_download_file_name(cls, pretrained_file_name: str) -> str:
        return pretrained_file_name.rsplit(".", 1)[0] + ".zip"

    def __init__(self, pretrained_file_name: str = "wiki.simple.vec",
                 embedding_root: str = _EMBEDDING_ROOT,
                 init_unknown_vec: Callable[..., Any] = nd.zeros,
                 vocabulary: Optional[vocab.Vocabulary] = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        _load_pretrained_into(self, FastText, pretrained_file_name, embedding_root,
                              init_unknown_vec, vocabulary)


class CustomEmbedding(_TokenEmbedding):
    """A token embedding read from a user's file: one token per line, then its vector's
    elements, all separated by `elem_delim` (`token<ed>v1<ed>v2...<ed>vk`).

    Parameters
    ----------
    pretrained_file_path : str
        The embedding file.
    elem_delim : str, default ' '
        What separates the token and the elements on a line.
    encoding : str, default 'utf8'
        The file's encoding.
    init_unknown_vec : callable, default nd.zeros
        Called as `init_unknown_vec(shape=vec_len)` for the unknown token's vector, unless
        the file has the unknown token.
    vocabulary : Vocabulary or None, default None
        Index its tokens (with their vectors from the file); None indexes every token of
        the file.
    """

    def __init__(self, pretrained_file_path: str, elem_delim: str = " ",
                 encoding: str = "utf8", init_unknown_vec: Callable[..., Any] = nd.zeros,
                 vocabulary: Optional[vocab.Vocabulary] = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._load_embedding(pretrained_file_path, elem_delim, init_unknown_vec, encoding)
        if vocabulary is not None:
            self._build_embedding_for_vocabulary(vocabulary)


class CompositeEmbedding(_TokenEmbedding):
    """The tokens of `vocabulary`, each with the concatenation of its vectors in
    `token_embeddings` (one embedding or a list of them).

    Parameters
    ----------
    vocabulary : Vocabulary
        The tokens to index.
    token_embeddings : token embedding or list of token embeddings
        Where the vectors come from; a token missing from one of them gets that
        embedding's unknown vector.
    """

    def __init__(self, vocabulary: vocab.Vocabulary, token_embeddings: Any) -> None:
        assert isinstance(vocabulary, vocab.Vocabulary), \
            "The argument `vocabulary` must be an instance of " \
            "mxnet.contrib.text.indexer.Vocabulary."
        if not isinstance(token_embeddings, list):
            token_embeddings = [token_embeddings]
        for embed in token_embeddings:
            assert isinstance(embed, _TokenEmbedding), \
                "The argument `token_embeddings` must be an instance or a list of instances " \
                "of `mxnet.contrib.text.embedding.TextEmbedding` whose embedding vectors will " \
                "beloaded or concatenated-then-loaded to map to the indexed tokens."
        self._index_tokens_from_vocabulary(vocabulary)
        self._set_idx_to_vec_by_embeddings(token_embeddings, len(self), self.idx_to_token)
