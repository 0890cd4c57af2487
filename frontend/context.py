"""Devices. tapegraph runs on the CPU only; `cpu(0)` prints as MXNet's does."""


class Context:
    """A device context (`cpu(0)`); other device types are accepted but run on the CPU."""

    __slots__ = ("device_type", "device_id")

    def __init__(self, device_type: str = "cpu", device_id: int = 0):
        if isinstance(device_type, Context):
            device_type, device_id = device_type.device_type, device_type.device_id
        self.device_type = device_type
        self.device_id = device_id

    def __repr__(self) -> str:
        return "%s(%d)" % (self.device_type, self.device_id)

    __str__ = __repr__

    def __eq__(self, other) -> bool:
        return (isinstance(other, Context) and self.device_type == other.device_type
                and self.device_id == other.device_id)

    def __hash__(self) -> int:
        return hash((self.device_type, self.device_id))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def cpu(device_id: int = 0) -> Context:
    """The CPU context."""
    return Context("cpu", device_id)


def gpu(device_id: int = 0) -> Context:
    """Accepted for compatibility; tapegraph computes on the CPU."""
    return Context("gpu", device_id)


def current_context() -> Context:
    return cpu()


def num_gpus() -> int:
    return 0
