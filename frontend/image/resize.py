"""OpenCV 3.4.2's `cv::resize` in NumPy: the kernel lives with the `_image_resize`
operator (`tapegraph.ir.ops._cv_resize`), which `mx.image.imresize` shares."""
from ..ir.ops._cv_resize import AREA, CUBIC, LANCZOS4, LINEAR, NEAREST, resize  # noqa: F401
