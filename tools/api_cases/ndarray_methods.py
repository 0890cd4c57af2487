"""NDArray / mx.np.ndarray methods added for the API surface, and sparse storage errors."""
PRELUDE = '''
x = nd.arange(24).reshape((2, 3, 4))
y = mx.np.arange(24).reshape((2, 3, 4))
def assigned():
    z = nd.arange(6).reshape((2, 3))
    z.slice_assign(nd.ones((1, 2)) * 9, (0, 1), (1, 3), (None, None))
    return z
def assigned_np():
    z = mx.np.arange(6).reshape((2, 3))
    z.slice_assign_scalar(5, (1, 0), (2, 2), (None, None))
    return z
'''
CASES = [
    "x.argmax_channel()", "x.as_nd_ndarray()", "x[:, :1].broadcast_axes(axis=1, size=3)",
    "x.reshape((1, 4, 3, 2)).depth_to_space(2)", "x.reshape((1, 1, 4, 6)).space_to_depth(2)",
    "x[0].diag()", "x.nanprod(axis=1)", "x.nansum(axis=1)", "nd.nanprod(x, axis=(0, 2))",
    "x.reshape((1, 2, 3, 4)).pad(mode='constant', pad_width=(0, 0, 0, 0, 1, 1, 1, 1))",
    "x.shape_array()", "x.size_array()", "x.slice(begin=(0, 1), end=(2, 3))",
    "x.slice_like(x[:1, :2])", "x.softmin()", "x.split_v2(2, axis=2)",
    "x.split_v2((1, 3), axis=2)", "nd.split_v2(x, 3, axis=1, squeeze_axis=True)",
    "assigned()", "assigned_np()", "x.writable", "y.writable",
    "type(x.to_dlpack_for_read()).__name__", "type(y.to_dlpack_for_write()).__name__",
    "y.nonzero()", "y.reshape_view((6, 4))", "y.as_nd_ndarray()",
    "x.tostype('default')", "nd.cast_storage(x, 'default')", "nd.argmax_channel(x[0])",
    "nd.argmax_channel(nd.array([1, 3, 2]))",
]
