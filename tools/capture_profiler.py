"""Capture an example of MXNet 1.9.1's `mx.profiler.dumps()` table (its layout is what
tapegraph's profiler copies) and the keys of its JSON form.

    /tmp/mxnet-oracle/bin/python tools/capture_profiler.py
writes tests/data/mxnet/profiler_dumps.txt and tests/data/mxnet/profiler_dumps_json_keys.json.
"""
import json
import os

import mxnet as mx

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "mxnet")


def main():
    mx.profiler.set_config(profile_all=True, aggregate_stats=True,
                           filename="/tmp/mxnet_profile.json")
    mx.profiler.set_state("run")
    x = mx.nd.ones((10, 10))
    x.attach_grad()
    with mx.autograd.record():
        y = x
        for _ in range(5):
            y = y * 2 + 1
        z = y.sum()
    z.backward()
    mx.nd.waitall()
    mx.profiler.set_state("stop")
    with open(os.path.join(OUT, "profiler_dumps.txt"), "w") as fh:
        fh.write(mx.profiler.dumps())
    data = json.loads(mx.profiler.dumps(format="json"))
    keys = {k: sorted(v) for k, v in data.items()}
    keys["entry"] = sorted(next(iter(data["Time"]["operator"].values())))
    keys["Unit"] = data["Unit"]
    with open(os.path.join(OUT, "profiler_dumps_json_keys.json"), "w") as fh:
        json.dump(keys, fh, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
