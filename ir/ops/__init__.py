"""The operator library. Importing this package registers every operator."""
from . import elementwise, reduce, shape, nn  # noqa: F401
from . import unary, binary, layout, indexing, activation, linalg, normalization  # noqa: F401
from . import conv, pooling, sorting, loss, creation, regions, factor, factor_blas, svd  # noqa: F401
from . import random, random_np  # noqa: F401
from . import ste, legacy, sequence  # noqa: F401
from . import image, image_color  # noqa: F401
from . import detection, multibox, roi, proposal, deformable, dpsroi, sampler  # noqa: F401
