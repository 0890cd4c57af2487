"""`KVStoreServer`: the server side of distributed training (not provided)."""
from ..unsupported import DISTRIBUTED, not_implemented_class

KVStoreServer = not_implemented_class("mx.kvstore.KVStoreServer", DISTRIBUTED)
