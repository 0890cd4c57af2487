"""Activation layers with parameters or variants (MXNet 1.9.1's gluon/nn/activations.py;
`Activation` itself is in basic_layers.py): LeakyReLU, PReLU, ELU, SELU, GELU and Swish,
HybridBlocks over the registered LeakyReLU operator (Swish is x * sigmoid(beta * x))."""
from __future__ import annotations

from typing import Any

from ... import initializer
from ..hybrid_block import HybridBlock
from ...base import names_from

__all__ = ["LeakyReLU", "PReLU", "ELU", "SELU", "Swish", "GELU"]


class LeakyReLU(HybridBlock):
    """x for x > 0, alpha * x otherwise."""

    def __init__(self, alpha: float, **kwargs: Any) -> None:
        if alpha < 0:
            raise ValueError("Slope coefficient for LeakyReLU must be no less than 0, got %r"
                             % (alpha,))
        super().__init__(**kwargs)
        self._alpha = alpha

    def hybrid_forward(self, F, x):
        return F.LeakyReLU(x, act_type="leaky", slope=self._alpha, name="fwd")

    def __repr__(self) -> str:
        return "%s(%s)" % (type(self).__name__, self._alpha)


class PReLU(HybridBlock):
    """x for x > 0, alpha * x otherwise, with a learned `alpha` (one value, or one per
    channel of axis 1 with in_channels > 1)."""

    def __init__(self, alpha_initializer=None, in_channels: int = 1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if alpha_initializer is None:
            alpha_initializer = initializer.Constant(0.25)
        with self.name_scope():
            self.alpha = self.params.get("alpha", shape=(in_channels,), init=alpha_initializer)

    def hybrid_forward(self, F, x, alpha):
        return F.LeakyReLU(x, alpha, act_type="prelu", name="fwd")


class ELU(HybridBlock):
    """x for x > 0, alpha * (exp(x) - 1) otherwise."""

    def __init__(self, alpha: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._alpha = alpha

    def hybrid_forward(self, F, x):
        return F.LeakyReLU(x, act_type="elu", slope=self._alpha)


class SELU(HybridBlock):
    """Scaled ELU: lambda * (x for x > 0, alpha * (exp(x) - 1) otherwise)."""

    def hybrid_forward(self, F, x):
        return F.LeakyReLU(x, act_type="selu", name="fwd")


class GELU(HybridBlock):
    """Gaussian error linear unit: x * Phi(x) (the erf form)."""

    def hybrid_forward(self, F, x):
        return F.LeakyReLU(x, act_type="gelu", name="fwd")


class Swish(HybridBlock):
    """x * sigmoid(beta * x)."""

    def __init__(self, beta: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._beta = beta

    def hybrid_forward(self, F, x):
        return x * F.sigmoid(self._beta * x)

# Defined in MXNet's namesake of this module; kept in sibling modules here
__getattr__, __dir__ = names_from("tapegraph.gluon.nn", (
    "Activation",), __name__)
