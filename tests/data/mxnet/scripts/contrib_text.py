"""mxnet.contrib.text: counting tokens, a Vocabulary with its options, embeddings read from
files the script writes (CustomEmbedding with several delimiters, a GloVe and a FastText
file placed under a local embedding_root), CompositeEmbedding, vector look-up and update,
the embedding registry, NumPy mode, and the error messages."""
import collections
import hashlib
import os
import warnings

import mxnet as mx
from mxnet.contrib import text

warnings.simplefilter("ignore")  # header and duplicate lines in the files warn


def show(title, f):
    try:
        print(title, f())
    except Exception as e:  # noqa: BLE001
        print(title, type(e).__name__, e)


def write(path, lines):
    with open(path, "w", encoding="utf8") as f:
        f.write("\n".join(lines) + "\n")


def sha1(path):
    with open(path, "rb") as f:
        return hashlib.sha1(f.read()).hexdigest()


# ---- counting tokens
corpus = " Life is great ! \n life is good . \n Life is short \n"
counter = text.utils.count_tokens_from_str(corpus)
print("counts", sorted(counter.items()))
lower = text.utils.count_tokens_from_str(corpus, to_lower=True)
print("lower", sorted(lower.items()), type(lower).__name__)
star = text.utils.count_tokens_from_str("*Life*is*great*!*\n*life*is*good*.*\n", "\\*", "\n", True)
print("star", sorted(star.items()))
same = text.utils.count_tokens_from_str("good good bad|ugly", " ", "\\|", counter_to_update=lower)
print("update", same is lower, sorted(lower.items()))
print("seqs", sorted(text.utils.count_tokens_from_str("a,b;c,a;;", ",", ";").items()))

# ---- Vocabulary
v = text.vocab.Vocabulary(counter)
print("default", len(v), v.idx_to_token, v.unknown_token, v.reserved_tokens)
print("token_to_idx", sorted(v.token_to_idx.items()))
v = text.vocab.Vocabulary(lower, most_freq_count=3, min_freq=1, unknown_token="<UNK>",
                          reserved_tokens=["<pad>", "<bos>", "<eos>"])
print("options", len(v), v.idx_to_token, v.unknown_token, v.reserved_tokens)
v = text.vocab.Vocabulary(lower, min_freq=2, reserved_tokens=["is"])
print("min_freq", v.idx_to_token)
v = text.vocab.Vocabulary(lower, most_freq_count=0)
print("zero", v.idx_to_token)
v = text.vocab.Vocabulary(lower, most_freq_count=100, min_freq=3)
print("large", v.idx_to_token)
print("empty", text.vocab.Vocabulary().idx_to_token, len(text.vocab.Vocabulary(unknown_token=0)))
ints = text.vocab.Vocabulary(collections.Counter([3, 1, 2, 2, 3, 3, 7]), unknown_token=-1,
                             reserved_tokens=[0])
print("ints", ints.idx_to_token, ints.to_indices([3, 9, 0]), ints.to_tokens([1, 2]))
v = text.vocab.Vocabulary(lower, reserved_tokens=["<pad>"])
print("to_indices", v.to_indices("life"), v.to_indices(["is", "zzz", "<pad>", "<unk>"]),
      v.to_indices([]), v.to_indices(("is", "life")))
print("to_tokens", v.to_tokens(2), v.to_tokens([0, 1, 3]), v.to_tokens(-1), v.to_tokens([]))
reserved = ["<pad>"]
v = text.vocab.Vocabulary(reserved_tokens=reserved)
reserved.append("<x>")
print("copied", v.reserved_tokens, v.idx_to_token)
show("bad index", lambda: v.to_tokens(5))
show("bad list", lambda: v.to_tokens([0, 1, 2]))
show("float index", lambda: v.to_tokens(1.0))
show("min_freq 0", lambda: text.vocab.Vocabulary(counter, min_freq=0))
show("unk reserved", lambda: text.vocab.Vocabulary(reserved_tokens=["<unk>"]))
show("duplicates", lambda: text.vocab.Vocabulary(reserved_tokens=["a", "b", "a"]))
show("dict counter", lambda: text.vocab.Vocabulary({"a": 1}))
try:
    "life" in v
except TypeError as e:
    print("in", type(e).__name__)

# ---- CustomEmbedding from files written here
write("my_embed.txt", ["hello 0.1 0.2 0.3", "world 0.4 0.5 0.6", "Life 1 2 3",
                       "hello 9 9 9", "is -1 -2.5 3e-1", "header 7"])
embed = text.embedding.CustomEmbedding("my_embed.txt")
print("custom", len(embed), embed.idx_to_token, embed.vec_len, embed.unknown_token)
print(embed.idx_to_vec)
print("one", embed.get_vecs_by_tokens("world"))
print("many", embed.get_vecs_by_tokens(["hello", "nope", "Life"]))
print("backup", embed.get_vecs_by_tokens(["LIFE", "Hello", "IS"], lower_case_backup=True))
print("no backup", embed.get_vecs_by_tokens(["HELLO", "Life"]).asnumpy().tolist())
print("idx", embed.to_indices(["world", "x"]), embed.to_tokens(3))

write("tabbed.txt", ["<unk>\t9\t8", "cat\t1\t2", "dog\t3\t4", "<unk>\t7\t7"])
tab = text.embedding.CustomEmbedding("tabbed.txt", elem_delim="\t")
print("tab", tab.idx_to_token, tab.idx_to_vec.asnumpy().tolist())
tab = text.embedding.CustomEmbedding("tabbed.txt", elem_delim="\t", unknown_token="<oov>",
                                     init_unknown_vec=mx.nd.ones)
print("tab oov", tab.idx_to_token, tab.idx_to_vec.asnumpy().tolist())
write("commas.txt", ["a,0.5,1.5", "b,2.5,3.5"])
comma = text.embedding.CustomEmbedding("commas.txt", elem_delim=",",
                                       init_unknown_vec=lambda shape: mx.nd.full(shape, -1))
print("comma", comma.idx_to_token, comma.idx_to_vec.asnumpy().tolist())
# reserved tokens are indexed before the file's tokens, which shifts the tokens against
# their vectors (MXNet does so): look-ups past the last vector take the last one
shifted = text.embedding.CustomEmbedding("commas.txt", elem_delim=",", reserved_tokens=["<pad>"])
print("shifted", shifted.idx_to_token, shifted.idx_to_vec.shape,
      shifted.get_vecs_by_tokens(["a", "b", "<pad>"]).asnumpy().tolist(),
      text.embedding.CompositeEmbedding(text.vocab.Vocabulary(collections.Counter("abc")),
                                        shifted).idx_to_vec.asnumpy().tolist())

vocab = text.vocab.Vocabulary(text.utils.count_tokens_from_str("hello world hello zebra"),
                              reserved_tokens=["<pad>"])
in_vocab = text.embedding.CustomEmbedding("my_embed.txt", vocabulary=vocab)
print("with vocab", in_vocab.idx_to_token, in_vocab.reserved_tokens, len(in_vocab))
print(in_vocab.idx_to_vec)

# ---- CompositeEmbedding
composite = text.embedding.CompositeEmbedding(vocab, [embed, comma])
print("composite", composite.idx_to_token, composite.vec_len, len(composite))
print(composite.idx_to_vec)
single = text.embedding.CompositeEmbedding(vocab, tab)
print("single", single.vec_len, single.idx_to_vec.asnumpy().tolist())
print("composite vecs", composite.get_vecs_by_tokens(["zebra", "world"]))

# ---- update_token_vectors
embed.update_token_vectors("hello", mx.nd.array([7, 7, 7]))
embed.update_token_vectors(["world"], mx.nd.array([[8, 8, 8]]))
embed.update_token_vectors(["Life", "is"], mx.nd.array([[1, 1, 1], [2, 2, 2]]))
embed.update_token_vectors("<unk>", mx.nd.array([[5, 5, 5]]))
print("updated", embed.idx_to_vec.asnumpy().tolist())
show("update unknown", lambda: embed.update_token_vectors("zzz", mx.nd.array([1, 2, 3])))
show("update shape", lambda: embed.update_token_vectors(["hello", "is"], mx.nd.zeros((2, 4))))
show("update 1-D", lambda: embed.update_token_vectors(["hello", "is"], mx.nd.zeros(3)))
show("update list", lambda: embed.update_token_vectors("hello", [1, 2, 3]))
show("update 3-D", lambda: embed.update_token_vectors("hello", mx.nd.zeros((1, 1, 3))))

# ---- pretrained embeddings from a local embedding_root
root = os.path.join(os.getcwd(), "embeddings")
os.makedirs(os.path.join(root, "glove"))
os.makedirs(os.path.join(root, "fasttext"))
glove_file = os.path.join(root, "glove", "glove.6B.50d.txt")
write(glove_file, ["the 0.1 0.2", "of 0.3 0.4", "and -0.5 0.6", "Of 1 1"])
fast_file = os.path.join(root, "fasttext", "wiki.simple.vec")
write(fast_file, ["3 4", "the 1 2 3 4", "cat 5 6 7 8", "dog 9 10 11 12"])
# MXNet re-downloads a file whose SHA-1 differs from its table: record the local files'
text.embedding.GloVe.pretrained_file_name_sha1["glove.6B.50d.txt"] = sha1(glove_file)
text.embedding.FastText.pretrained_file_name_sha1["wiki.simple.vec"] = sha1(fast_file)

glove = text.embedding.GloVe("glove.6B.50d.txt", embedding_root=root)
print("glove", glove.idx_to_token, glove.vec_len, glove.idx_to_vec.asnumpy().tolist())
print("glove backup", glove.get_vecs_by_tokens(["THE", "Of", "AND"], True).asnumpy().tolist())
fast = text.embedding.FastText(embedding_root=root, init_unknown_vec=mx.nd.ones,
                               vocabulary=text.vocab.Vocabulary(collections.Counter(
                                   ["cat", "cat", "the", "bird"])))
print("fasttext", fast.idx_to_token, fast.vec_len)
print(fast.idx_to_vec)
created = text.embedding.create("GloVe", pretrained_file_name="glove.6B.50d.txt",
                                embedding_root=root, unknown_token="<?>")
print("create", type(created).__name__, created.idx_to_token, created.unknown_token)
created = text.embedding.create("fasttext", embedding_root=root)
print("create fasttext", type(created).__name__, created.idx_to_token)
mixed = text.embedding.CompositeEmbedding(text.vocab.Vocabulary(collections.Counter(
    ["the", "cat", "of"])), [glove, fast])
print("mixed", mixed.idx_to_token, mixed.idx_to_vec.asnumpy().tolist())

print("glove files", text.embedding.get_pretrained_file_names("glove"))
print("fasttext files", len(text.embedding.get_pretrained_file_names("fasttext")),
      text.embedding.get_pretrained_file_names("fasttext")[:4])
names = text.embedding.get_pretrained_file_names()
print("all", sorted(names), len(names["fasttext"]))
print("defaults", text.embedding.GloVe.__init__.__defaults__[0],
      text.embedding.FastText.__init__.__defaults__[0])


@text.embedding.register
class MyEmbed(text.embedding.CustomEmbedding):
    pretrained_file_name_sha1 = {"my_embed.txt": None, "commas.txt": None}


mine = text.embedding.create("myembed", pretrained_file_path="my_embed.txt")
print("registered", type(mine).__name__, mine.idx_to_token)
print("my files", text.embedding.get_pretrained_file_names("myembed"),
      sorted(text.embedding.get_pretrained_file_names()))
print("instance", text.embedding.create(mine) is mine)

# ---- NumPy mode
mx.npx.set_np()
np_embed = text.embedding.CustomEmbedding("commas.txt", elem_delim=",")
print("np", type(np_embed.idx_to_vec).__name__, np_embed.idx_to_vec)
print("np vecs", type(np_embed.get_vecs_by_tokens("b")).__name__,
      np_embed.get_vecs_by_tokens(["b", "a", "c"]))
np_embed.update_token_vectors("a", mx.np.array([4.0, 4.0]))
print("np update", np_embed.idx_to_vec.tolist())
mx.npx.reset_np()

# ---- errors
show("missing file", lambda: text.embedding.CustomEmbedding("no_such_file.txt"))
write("bad_format.txt", ["good 1 2", "lonely"])
show("bad format", lambda: text.embedding.CustomEmbedding("bad_format.txt"))
write("bad_dims.txt", ["a 1 2", "b 1 2 3"])
show("bad dims", lambda: text.embedding.CustomEmbedding("bad_dims.txt"))
write("bad_float.txt", ["a 1 x"])
show("bad float", lambda: text.embedding.CustomEmbedding("bad_float.txt"))
show("bad glove name", lambda: text.embedding.GloVe("glove.7B.50d.txt", embedding_root=root))
show("bad names", lambda: text.embedding.get_pretrained_file_names("GloVe"))
show("bad create", lambda: text.embedding.create("NoSuchEmbedding"))
show("create custom", lambda: text.embedding.create("customembedding"))
show("create int", lambda: text.embedding.create(3))
show("create instance kwargs", lambda: text.embedding.create(mine, unknown_token="x"))
show("composite vocab", lambda: text.embedding.CompositeEmbedding(["a"], embed))
show("composite embed", lambda: text.embedding.CompositeEmbedding(vocab, [embed, "glove"]))
show("vocab embed", lambda: text.embedding.CustomEmbedding("my_embed.txt", vocabulary=["a"]))
show("register", lambda: text.embedding.register(text.vocab.Vocabulary))
