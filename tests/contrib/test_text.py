"""mx.contrib.text: the error paths and edge cases of counting, Vocabulary and the token
embeddings (the common behaviour is in tests/data/mxnet/scripts/contrib_text.py, compared
with MXNet 1.9.1's output); pretrained files are read from a local embedding_root, never
downloaded."""
import collections
import json
import os
import socket
import tarfile
import warnings
import zipfile

import numpy as np
import pytest

import tapegraph as mx
from tapegraph.contrib import text

NAMES = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "api_names.json")


def write(path, lines, encoding="utf8"):
    with open(path, "w", encoding=encoding) as f:
        f.write("\n".join(lines) + "\n")
    return str(path)


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("tapegraph must not open a network connection")
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.fixture
def small(tmp_path):
    return write(tmp_path / "small.txt", ["a 1 2", "B 3 4", "c 5 6"])


# -- names -------------------------------------------------------------------------------

@pytest.mark.parametrize("module", ["", ".vocab", ".embedding", ".utils"])
def test_every_mxnet_name_is_there(module):
    with open(NAMES) as f:
        names = json.load(f)["modules"]["mxnet.contrib.text" + module]
    target = text
    for part in module.split(".")[1:]:
        target = getattr(target, part)
    assert set(names) <= set(dir(target))


def test_subpackage_imports_as_in_mxnet():
    from tapegraph.contrib.text import embedding, utils, vocab
    assert vocab.Vocabulary is text.vocab.Vocabulary and utils is text.utils
    assert embedding.is_np_array is mx.util.is_np_array


# -- utils -------------------------------------------------------------------------------

def test_count_tokens_regex_delimiters_and_empty_pieces():
    counts = text.utils.count_tokens_from_str("a.b..c|a", "\\.", "\\|")
    assert counts == collections.Counter({"a": 2, "b": 1, "c": 1})
    assert text.utils.count_tokens_from_str("") == collections.Counter()
    counter = collections.Counter({"x": 5})
    assert text.utils.count_tokens_from_str("X x", to_lower=True,
                                            counter_to_update=counter) is counter
    assert counter["x"] == 7


# -- Vocabulary ------------------------------------------------------------------------

def test_vocabulary_ties_are_sorted_and_reserved_tokens_are_not_counted():
    counter = collections.Counter({"b": 2, "a": 2, "c": 2, "<pad>": 9, "<unk>": 9})
    v = text.vocab.Vocabulary(counter, most_freq_count=2, reserved_tokens=["<pad>"])
    assert v.idx_to_token == ["<unk>", "<pad>", "a", "b"]
    assert v.token_to_idx == {"<unk>": 0, "<pad>": 1, "a": 2, "b": 3}


def test_vocabulary_lookups_edge_cases():
    v = text.vocab.Vocabulary(collections.Counter("aab"))
    assert v.to_indices(("a", "b")) == 0  # only a list is a list of tokens
    assert v.to_tokens(-1) == "b"  # negative indices are not refused, as in MXNet
    assert v.to_tokens(True) == "a"
    with pytest.raises(ValueError, match="Token index 3 in the provided `indices` is invalid"):
        v.to_tokens(3)
    with pytest.raises(ValueError, match="Token index 1 in the provided"):
        v.to_tokens(np.int64(1))
    with pytest.raises(TypeError):
        v.to_tokens("a")  # MXNet's message formats the index with %d
    with pytest.raises(TypeError):
        "a" in v  # no __contains__ in MXNet either  # noqa: B015
    with pytest.raises(AssertionError, match="positive"):
        text.vocab.Vocabulary(min_freq=-1)


def test_vocabulary_properties_are_the_lists_themselves():
    v = text.vocab.Vocabulary(reserved_tokens=["<pad>"])
    assert v.token_to_idx is v.token_to_idx and v.idx_to_token is v.idx_to_token
    assert len(v) == 2 and v.unknown_token == "<unk>"


# -- CustomEmbedding -----------------------------------------------------------------

def test_custom_embedding_warns_for_headers_and_duplicates(tmp_path):
    path = write(tmp_path / "e.txt", ["2 3", "a 1 2 3", "a 4 5 6", "<unk> 7 8 9", "<unk> 0 0 0"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        embed = text.embedding.CustomEmbedding(path)
    messages = [str(w.message) for w in caught]
    assert any("likely a header" in m and "line 1" in m for m in messages)
    assert sum("duplicate embedding" in m for m in messages) == 2
    assert embed.idx_to_token == ["<unk>", "a"]
    assert embed.idx_to_vec.asnumpy().tolist() == [[7, 8, 9], [1, 2, 3]]


def test_init_unknown_vec_is_called_with_the_vector_length(small):
    calls = []

    def init(shape):
        calls.append(shape)
        return mx.nd.full(shape, 0.5)

    embed = text.embedding.CustomEmbedding(small, init_unknown_vec=init)
    assert calls == [2]
    assert embed.idx_to_vec.dtype == np.float32
    assert embed.get_vecs_by_tokens("zzz").asnumpy().tolist() == [0.5, 0.5]


def test_files_without_vectors_fail_clearly(tmp_path):
    for lines in (["<unk> 1 2"], ["3 2"]):
        path = write(tmp_path / "e.txt", lines)
        with pytest.raises(TypeError, match="has no token vector"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            text.embedding.CustomEmbedding(path)
    with pytest.raises(ValueError, match="`pretrained_file_path` must be a valid path"):
        text.embedding.CustomEmbedding(str(tmp_path))  # a directory


def test_encoding_and_user_path(tmp_path, monkeypatch):
    write(tmp_path / "latin.txt", ["caf\xe9 1 2"], encoding="latin-1")
    monkeypatch.setenv("HOME", str(tmp_path))
    embed = text.embedding.CustomEmbedding("~/latin.txt", encoding="latin-1")
    assert embed.idx_to_token == ["<unk>", "caf\xe9"]


def test_lookups_of_no_tokens_and_a_vocabulary_of_only_the_unknown_token(small):
    embed = text.embedding.CustomEmbedding(small)
    assert embed.get_vecs_by_tokens([]).shape == (0, 2)  # MXNet's Embedding refuses this
    only_unk = text.embedding.CompositeEmbedding(text.vocab.Vocabulary(), embed)
    assert only_unk.idx_to_vec.shape == (1, 2) and len(only_unk) == 1


def test_lower_case_backup_prefers_the_exact_token(tmp_path):
    path = write(tmp_path / "e.txt", ["Ab 1 1", "ab 2 2"])
    embed = text.embedding.CustomEmbedding(path)
    got = embed.get_vecs_by_tokens(["Ab", "AB", "aB"], lower_case_backup=True)
    assert got.asnumpy()[:, 0].tolist() == [1, 2, 2]
    assert embed.get_vecs_by_tokens("AB").asnumpy().tolist() == [0, 0]


def test_update_token_vectors_writes_in_place(small):
    embed = text.embedding.CustomEmbedding(small)
    held = embed.idx_to_vec
    embed.update_token_vectors(["c", "a"], mx.nd.array([[9, 9], [8, 8]]))
    assert held.asnumpy().tolist() == [[0, 0], [8, 8], [3, 4], [9, 9]]
    with pytest.raises(ValueError, match="Token b is unknown.*`unknown_token` <unk>"):
        embed.update_token_vectors("b", mx.nd.array([1, 2]))
    with pytest.raises(AssertionError, match="must be a 1-D or 2-D NDArray"):
        embed.update_token_vectors("a", np.array([1.0, 2.0]))
    with pytest.raises(AssertionError, match="width ofnew_vectors"):
        embed.update_token_vectors(["a"], mx.nd.array([[1, 2], [3, 4]]))


def test_numpy_mode_returns_mx_np_arrays(small):
    mx.npx.set_np()
    try:
        embed = text.embedding.CustomEmbedding(small, vocabulary=text.vocab.Vocabulary(
            collections.Counter(["a", "x"])))
        assert isinstance(embed.idx_to_vec, mx.np.ndarray)
        vecs = embed.get_vecs_by_tokens(["a", "x"])
        assert isinstance(vecs, mx.np.ndarray) and vecs.tolist() == [[1, 2], [0, 0]]
        embed.update_token_vectors("x", mx.np.array([3.0, 3.0]))
        assert embed.idx_to_vec.tolist()[2] == [3, 3]
        composite = text.embedding.CompositeEmbedding(text.vocab.Vocabulary(), [embed, embed])
        assert isinstance(composite.idx_to_vec, mx.np.ndarray)
    finally:
        mx.npx.reset_np()


def test_composite_uses_each_embeddings_unknown_vector(small, tmp_path):
    first = text.embedding.CustomEmbedding(small, init_unknown_vec=mx.nd.ones)
    second = text.embedding.CustomEmbedding(write(tmp_path / "s.txt", ["<unk> 7 7", "a 3 3"]))
    vocab = text.vocab.Vocabulary(collections.Counter(["a", "B", "q"]), reserved_tokens=["<s>"])
    composite = text.embedding.CompositeEmbedding(vocab, [first, second])
    assert composite.vec_len == 4 and composite.reserved_tokens == ["<s>"]
    assert composite.get_vecs_by_tokens(["<s>", "a", "B", "q"]).asnumpy().tolist() == [
        [1, 1, 7, 7], [1, 2, 3, 3], [3, 4, 7, 7], [1, 1, 7, 7]]


# -- pretrained embeddings, registry -------------------------------------------------

def test_missing_pretrained_file_names_where_to_put_it(tmp_path, no_network):
    with pytest.raises(NotImplementedError) as info:
        text.embedding.GloVe("glove.6B.50d.txt", embedding_root=str(tmp_path))
    message = str(info.value)
    assert "glove.6B.50d.txt" in message and os.path.join(str(tmp_path), "glove") in message
    assert "glove.6B.zip" in message and "does not download" in message
    with pytest.raises(NotImplementedError, match="wiki.simple.vec.*wiki.simple.zip"):
        text.embedding.FastText(embedding_root=str(tmp_path))
    with pytest.raises(KeyError, match="Cannot find pretrained file x.vec for token embedding "
                                       "fasttext"):
        text.embedding.FastText("x.vec", embedding_root=str(tmp_path))


def test_pretrained_archives_placed_locally_are_extracted(tmp_path, no_network):
    (tmp_path / "glove").mkdir()
    (tmp_path / "fasttext").mkdir()
    with zipfile.ZipFile(tmp_path / "glove" / "glove.twitter.27B.zip", "w") as zf:
        zf.writestr("glove.twitter.27B.25d.txt", "hi 1 2\nyo 3 4\n")
    glove = text.embedding.create("glove", pretrained_file_name="glove.twitter.27B.25d.txt",
                                  embedding_root=str(tmp_path))
    assert glove.idx_to_token == ["<unk>", "hi", "yo"]
    with zipfile.ZipFile(tmp_path / "fasttext" / "wiki.en.zip", "w") as zf:
        zf.writestr("wiki.en.vec", "1 3\nhi 1 2 3\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fast = text.embedding.FastText("wiki.en.vec", embedding_root=str(tmp_path))
    assert fast.vec_len == 3 and fast.idx_to_token == ["<unk>", "hi"]


def test_gzipped_tar_archives_are_extracted_too(tmp_path, no_network):
    class Packed(text.embedding.CustomEmbedding):
        @classmethod
        def _get_download_file_name(cls, pretrained_file_name):
            return "bundle.tar.gz"

    (tmp_path / "packed").mkdir()
    source = write(tmp_path / "inner.txt", ["w 1"])
    with tarfile.open(tmp_path / "packed" / "bundle.tar.gz", "w:gz") as tar:
        tar.add(source, arcname="inner.txt")
    path = Packed._get_pretrained_file(str(tmp_path), "inner.txt")
    assert path == os.path.join(str(tmp_path), "packed", "inner.txt") and os.path.isfile(path)


def test_default_embedding_root_is_mxnet_home():
    root = text.embedding.GloVe.__init__.__defaults__[1]
    home = os.getenv("MXNET_HOME", os.path.join(os.path.expanduser("~"), ".mxnet"))
    assert root == os.path.join(home, "embeddings")
    assert text.embedding.FastText.__init__.__defaults__[0] == "wiki.simple.vec"


def test_pretrained_file_names():
    names = text.embedding.get_pretrained_file_names()
    assert {"glove", "fasttext"} <= set(names)
    assert len(names["glove"]) == 10 and len(names["fasttext"]) == 327
    assert names["fasttext"][-1] == "wiki.zu.vec"
    assert text.embedding.FastText.pretrained_archive_name_sha1["wiki.zu.zip"].startswith("a6d0")
    with pytest.raises(KeyError, match="Cannot find `embedding_name` FastText"):
        text.embedding.get_pretrained_file_names("FastText")


def test_create_forms_and_registration(small):
    @text.embedding.register
    class Tiny(text.embedding.CustomEmbedding):
        pretrained_file_name_sha1 = {"tiny": None}

    try:
        made = text.embedding.create("TINY", pretrained_file_path=small)
        assert type(made) is Tiny
        from_json = text.embedding.create(json.dumps(["tiny", {"pretrained_file_path": small}]))
        assert from_json.idx_to_token == made.idx_to_token
        from_dict = text.embedding.create(json.dumps(
            {"token embedding": "tiny", "pretrained_file_path": small, "unknown_token": "?"}))
        assert from_dict.unknown_token == "?"
        assert text.embedding.get_pretrained_file_names("tiny") == ["tiny"]
        with pytest.warns(UserWarning, match="overriding existing token embedding"):
            text.embedding.register(Tiny)
    finally:
        text.embedding._REGISTRY.pop("tiny", None)
    with pytest.raises(AssertionError, match="tiny is not registered"):
        text.embedding.create("Tiny")
    with pytest.raises(AssertionError, match="Can only register subclass of _TokenEmbedding"):
        text.embedding.register(dict)
