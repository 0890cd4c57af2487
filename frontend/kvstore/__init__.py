"""`mx.kv` / `mx.kvstore`: the local key-value store (`create('local')`, `init`, `push`,
`pull`, `pushpull`, `set_optimizer`); distributed stores raise NotImplementedError."""
from . import base, kvstore, kvstore_server  # noqa: F401
from .base import KVStoreBase  # noqa: F401
from .kvstore import KVStore, create  # noqa: F401
from .kvstore_server import KVStoreServer  # noqa: F401
