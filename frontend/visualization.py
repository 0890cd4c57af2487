"""MXNet's `mxnet.visualization` (also `mx.viz`): `plot_network` and `print_summary` of
symbols (see tapegraph.viz)."""
from .symbol import Symbol
from .viz import plot_network, print_summary

__all__ = ["Symbol", "plot_network", "print_summary"]
