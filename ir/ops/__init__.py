"""The operator library. Importing this package registers every operator."""
from . import elementwise, reduce, shape, nn  # noqa: F401
