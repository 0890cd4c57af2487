"""mx.contrib.autograd: the pre-1.0 autograd API."""
PRELUDE = '''
from mxnet.contrib import autograd as cag
def f(a, b):
    return a * b + nd.sin(a)
x = nd.array([1., 2., 3.])
y = nd.array([4., 5., 6.])
def sections():
    states = [mx.autograd.is_recording(), mx.autograd.is_training()]
    with cag.train_section():
        states += [mx.autograd.is_recording(), mx.autograd.is_training()]
        with cag.test_section():
            states += [mx.autograd.is_recording(), mx.autograd.is_training()]
        states += [mx.autograd.is_recording(), mx.autograd.is_training()]
    return states + [mx.autograd.is_recording(), mx.autograd.is_training()]
def set_training():
    prev = cag.set_is_training(True)
    states = [prev, mx.autograd.is_recording(), mx.autograd.is_training()]
    states.append(cag.set_is_training(False))
    return states + [mx.autograd.is_recording(), mx.autograd.is_training()]
def marked(req):
    a = nd.array([1., 2.])
    g = nd.ones((2,))
    cag.mark_variables([a], [g], req)
    with cag.train_section():
        z = a * a
    cag.backward([z])
    return g
def with_head(req='write'):
    a = nd.array([1., 2.])
    g = nd.zeros((2,))
    cag.mark_variables([a], [g], req)
    with cag.train_section():
        z = a * 3
    cag.backward([z], [nd.array([10., 100.])])
    return g
def computed():
    a = nd.array([3.])
    g = nd.zeros((1,))
    cag.mark_variables([a], [g])
    with cag.train_section():
        z = nd.exp(a)
    cag.compute_gradient([z])
    return g
'''
CASES = [
    "cag.grad_and_loss(f)(x, y)", "cag.grad(f)(x, y)", "cag.grad(f, argnum=1)(x, y)",
    "cag.grad(f, argnum=[0])(x, y)", "cag.grad_and_loss(lambda a: [a * 2, a * a])(x)",
    "sections()", "set_training()", "marked('write')", "marked('add')", "with_head()",
    "computed()", "cag.grad(f)(x, 3)", "cag.backward(x)", "cag.backward([x], [x, x])",
    "cag.grad(f).__name__",
]
