"""The `tapegraph` command line."""
from __future__ import annotations

import argparse
import sys
from typing import List, Optional


def demo(args) -> int:
    """Trace a small program, print its forward IR, the derived backward IR, the gradients."""
    import tapegraph as mx
    from tapegraph import autograd

    x = mx.nd.array([1.0, 2.0, 3.0, 4.0])
    w = mx.nd.array([0.5, -1.0, 2.0, 0.25])
    x.attach_grad()
    w.attach_grad()
    with autograd.record():
        y = (mx.nd.tanh(x * w) + x * x).sum()
    print("# forward IR (recorded)")
    print(autograd.get_symbol(y))
    print()
    print("# backward IR (derived by passes.grad, after the default pipeline)")
    print(autograd.backward_graph(y, [x, w]))
    y.backward()
    print()
    print("# gradients")
    print("x.grad =", x.grad.asnumpy())
    print("w.grad =", w.grad.asnumpy())
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    """Entry point of the `tapegraph` console script."""
    parser = argparse.ArgumentParser(prog="tapegraph", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("demo", help="trace a small program and show its forward and backward IR")
    args = parser.parse_args(argv)
    if args.command == "demo":
        return demo(args)
    parser.print_help(sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
