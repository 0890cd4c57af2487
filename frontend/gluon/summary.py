"""`Block.summary(*inputs)`: the table MXNet 1.9.1 prints (each layer's output shape and
parameter count, then the totals), gathered with forward hooks during one forward."""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, Dict

from ..base import MXNetError

__all__ = ["summary"]


def _shape_str(args: Any) -> str:
    def shapes(a: Any) -> Any:
        if isinstance(a, (list, tuple)):
            return [shapes(x) for x in a]
        return a.shape if hasattr(a, "shape") else a

    got = shapes(args)
    return (str(got)[1:-1] if isinstance(got, list) else str(got)).replace("L", "")


def summary(block: Any, *inputs: Any) -> None:
    """Print the summary of `block` run on `inputs` (a hybridized block is refused, as in
    MXNet: its children do not run one by one)."""
    # a local import, see LOCAL_IMPORTS in tests/test_layering.py
    from .nn.basic_layers import HybridSequential, Sequential
    rows: "OrderedDict[str, Dict[str, Any]]" = OrderedDict()
    rows["Input"] = {"output_shape": _shape_str(list(inputs) if len(inputs) > 1 else
                                                inputs[0]),
                     "n_params": 0, "trainable": 0, "shared": 0}
    seen: set = set()
    hooks = []

    def hook(blk: Any, _: Any, outputs: Any) -> None:
        row = {"output_shape": _shape_str(outputs), "n_params": 0, "trainable": 0,
               "shared": 0}
        for p in blk.params.values():
            size = p.data().size
            row["n_params"] += size
            row["trainable"] += 0 if p.grad_req == "null" else size
            if p in seen:
                row["shared"] += size
            else:
                seen.add(p)
        rows["%s-%i" % (blk.__class__.__name__, len(rows))] = row

    def register(blk: Any) -> None:
        if getattr(blk, "_active", False):
            raise MXNetError('"{}" must not be hybridized to print summary.'.format(blk.name))
        if not isinstance(blk, (Sequential, HybridSequential)):
            hooks.append(blk.register_forward_hook(hook))

    try:
        block.apply(register)
        block(*inputs)
        fmt = "{:>20}  {:>42} {:>15}"
        print("-" * 80)
        print(fmt.format("Layer (type)", "Output Shape", "Param #"))
        print("=" * 80)
        total = trainable = shared = 0
        for name, row in rows.items():
            print(fmt.format(name, str(row["output_shape"]), row["n_params"]))
            total += row["n_params"]
            trainable += row["trainable"]
            shared += row["shared"]
        print("=" * 80)
        print("Parameters in forward computation graph, duplicate included")
        print("   Total params: " + str(total))
        print("   Trainable params: " + str(trainable))
        print("   Non-trainable params: " + str(total - trainable))
        print("Shared params in forward computation graph: " + str(shared))
        print("Unique parameters in model: " + str(total - shared))
        print("-" * 80)
    finally:
        for h in hooks:
            h.detach()
