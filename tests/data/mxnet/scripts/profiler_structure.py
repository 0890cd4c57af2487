"""The profiler (MXNet's profiler tutorial): set_config, set_state, dumps; structure only."""
import os
import tempfile
import numpy as np
import mxnet as mx
from mxnet import nd, profiler

mx.random.seed(23)
np.random.seed(23)
tmp = tempfile.mkdtemp()
fname = os.path.join(tmp, 'profile.json')
profiler.set_config(profile_all=True, aggregate_stats=True, continuous_dump=True, filename=fname)
profiler.set_state('run')
x = nd.ones((64, 64))
for _ in range(3):
    y = nd.dot(x, x)
    z = nd.relu(y - 10)
z.wait_to_read()
mx.nd.waitall()
profiler.set_state('stop')
text = profiler.dumps()
print(type(text).__name__)
print('dot' in text, 'relu' in text)
print('Profile Statistics' in text)
profiler.dump()
print(os.path.exists(fname))
profiler.set_state('run')
profiler.pause()
profiler.resume()
profiler.set_state('stop')
domain = profiler.Domain('my_domain')
task = profiler.Task(domain, 'my_task')
task.start()
task.stop()
print(domain.name if hasattr(domain, 'name') else str(domain))
