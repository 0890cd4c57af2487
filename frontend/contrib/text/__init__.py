"""`mx.contrib.text` (MXNet 1.9.1): token counting (`utils`), token indexing (`vocab`) and
token embeddings (`embedding`), with vectors as tapegraph arrays."""
from . import utils
from . import vocab
from . import embedding
