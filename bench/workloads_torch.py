"""PyTorch (CPU, eager autograd) implementations of the workloads."""
from __future__ import annotations

import sys

import common

try:
    import torch
    import torch.nn.functional as F
except Exception as e:  # pragma: no cover - reported as n/a
    common.unavailable("torch", "%s: %s" % (type(e).__name__, e))
    sys.exit(0)


def _t(a, grad=False):
    return torch.tensor(a, requires_grad=grad)


def _apply(op, x):
    return common.w1_apply(op, x, torch)


def _chain(x, n):
    return common.w5_chain(x, n)


def build(wid, data, n=None):
    """Return a step() doing one forward+backward and returning the gradients."""
    if wid == "W1":
        x = _t(data["x"], True)

        def step():
            x.grad = None
            y = x
            for op in common.w1_ops():
                y = _apply(op, y)
            y.sum().backward()
            return [x.grad]
        return step
    if wid == "W2":
        ps = [_t(data[k], True) for k in ("W1", "b1", "W2", "b2", "W3", "b3")]
        x, lab = _t(data["x"]), torch.tensor(data["label"]).long()
        rows = torch.arange(x.shape[0])

        def step():
            for p in ps:
                p.grad = None
            h = F.relu(F.linear(x, ps[0], ps[1]))
            h = F.relu(F.linear(h, ps[2], ps[3]))
            logp = F.log_softmax(F.linear(h, ps[4], ps[5]), dim=-1)
            (-logp[rows, lab].mean()).backward()
            return [p.grad for p in ps]
        return step
    if wid == "W3":
        x = _t(data["x"], True)

        def step():
            x.grad = None
            y = torch.sin(x) * torch.exp(-x ** 2) + torch.tanh(x) * 0.5 + x ** 3
            y.sum().backward()
            return [x.grad]
        return step
    if wid == "W4":
        A, w, v = _t(data["A"]), _t(data["w"], True), _t(data["v"])

        def step():
            w.grad = None
            f = torch.tanh(A @ w).sum()
            (g,) = torch.autograd.grad(f, [w], create_graph=True)
            (g * v).sum().backward()
            return [w.grad]
        return step
    if wid == "W5":
        x = _t(data["x"], True)

        def step():
            x.grad = None
            _chain(x, n).sum().backward()
            return [x.grad]
        return step
    raise KeyError(wid)


def forward(data, n):
    """Recorded W5 forward; the returned loss keeps the autograd graph alive."""
    return _chain(_t(data["x"], True), n).sum()


def to_numpy(grads):
    return [g.detach().numpy() for g in grads]


if __name__ == "__main__":
    common.main("torch", sys.modules[__name__],
                {"version": torch.__version__, "threads": torch.get_num_threads()})
