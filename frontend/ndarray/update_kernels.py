"""MXNet 1.9.1's fused optimizer update kernels on NumPy arrays, in place.

One implementation serves both `mx.nd.sgd_update` & co. (`tapegraph.ndarray.update_ops`,
which checks the arguments first) and the optimizers of `mx.optimizer`, which call these
as MXNet's optimizers call its operators.

Every kernel writes the new weight into `out` (which may be `weight` itself) and updates
its state arrays in place, computing in the weight's dtype as MXNet's kernels do.
`clip` follows the operators' `clip_gradient`: the rescaled gradient is clipped to
[-clip, clip] when clip >= 0 (0 clips to 0), never when it is negative. `scratch`, if
given, is `scratch(shape, dtype)` -> a reusable buffer (the optimizers keep one, so an
update allocates nothing per step).
"""
from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from . import blas

Scratch = Optional[Callable[[tuple, Any], np.ndarray]]


def rescaled(g: np.ndarray, rescale: float, clip: float, dtype: Any,
             w: Optional[np.ndarray] = None, wd: float = 0.0) -> np.ndarray:
    """A new array clip(rescale * g (+ wd * w)) in `dtype`."""
    t = np.dtype(dtype).type
    out = np.multiply(g, t(rescale), dtype=dtype)
    if w is not None and wd:
        out += t(wd) * w
    if clip >= 0:
        np.clip(out, -clip, clip, out=out)
    return out


def _scaled(g: np.ndarray, factor: float, rescale: float, clip: float, dtype: Any,
            scratch: Scratch) -> np.ndarray:
    """factor * clip(rescale * g) in `dtype` (in a scratch buffer if given); without
    clipping one multiplication by (factor * rescale), rounded to `dtype` first."""
    t = np.dtype(dtype).type
    out = scratch(g.shape, dtype) if scratch is not None else np.empty(g.shape, dtype)
    if clip >= 0:
        np.multiply(g, t(rescale), out=out)
        np.clip(out, -clip, clip, out=out)
        out *= t(factor)
    else:
        np.multiply(g, t(factor) * t(rescale), out=out)
    return out


def add_scaled(y: np.ndarray, g: np.ndarray, factor: float, rescale: float, clip: float,
               scratch: Scratch = None) -> None:
    """y += factor * clip(rescale * g), in place: without clipping one BLAS axpy pass
    (tapegraph.ndarray.blas) when it takes the arrays."""
    if clip < 0:
        t = y.dtype.type
        a = t(factor) * t(rescale)
        if g.size < blas.AXPY_MIN:  # small: a temporary costs less than the scratch's upkeep
            y += g * a
            return
        if blas.axpy(float(a), g, y):
            return
    y += _scaled(g, factor, rescale, clip, y.dtype, scratch)


def _write(out: np.ndarray, weight: np.ndarray, value: np.ndarray) -> None:
    if out is not value:
        out[...] = value


def sgd(weight, grad, out, lr, wd=0.0, rescale=1.0, clip=-1.0, scratch: Scratch = None):
    """out = (1 - lr * wd) * weight - lr * clip(rescale * grad)."""
    t = weight.dtype.type
    if out is not weight:
        np.multiply(weight, t(1.0) - t(lr) * t(wd), out=out)
    elif wd:
        out *= t(1.0) - t(lr) * t(wd)
    add_scaled(out, grad, -lr, rescale, clip, scratch)


def sgd_mom(weight, grad, mom, out, lr, momentum=0.0, wd=0.0, rescale=1.0, clip=-1.0,
            scratch: Scratch = None):
    """mom = momentum * mom - lr * wd * weight - lr * clip(rescale * grad);
    out = weight + mom."""
    t = weight.dtype.type
    mom *= t(momentum)
    if wd and not blas.axpy(-float(t(lr) * t(wd)), weight, mom):
        mom -= np.multiply(weight, t(lr) * t(wd))
    add_scaled(mom, grad, -lr, rescale, clip, scratch)
    np.add(weight, mom, out=out)


def nag_mom(weight, grad, mom, out, lr, momentum=0.0, wd=0.0, rescale=1.0, clip=-1.0):
    """g = clip(rescale * grad); mom = momentum * mom;
    out = weight - mom + (momentum + 1) * (mom - lr * (g + wd * weight));
    mom -= lr * (g + wd * weight), reading the weight after `out` is written (the
    updated one when out is weight, as MXNet's in-place kernel does)."""
    t = weight.dtype.type
    g = rescaled(grad, rescale, clip, weight.dtype)
    mom *= t(momentum)
    new = weight - mom + t(momentum + 1) * (mom - t(lr) * (g + t(wd) * weight))
    out[...] = new
    mom -= t(lr) * (g + t(wd) * weight)


def signsgd(weight, grad, out, lr, wd=0.0, rescale=1.0, clip=-1.0):
    """out = (1 - lr * wd) * weight - lr * sign(rescale * grad) (clipping cannot change a
    sign; MXNet's kernel ignores it)."""
    t = weight.dtype.type
    step = np.sign(np.multiply(grad, t(rescale), dtype=weight.dtype)) * t(lr)
    np.subtract(weight * (t(1.0) - t(lr) * t(wd)), step, out=out)


def signum(weight, grad, mom, out, lr, momentum=0.0, wd=0.0, rescale=1.0, clip=-1.0,
           wd_lh=0.0):
    """mom = momentum * mom - (1 - momentum) * (wd * weight + clip(rescale * grad));
    out = (1 - lr * wd_lh) * weight + lr * sign(mom)."""
    t = weight.dtype.type
    g = rescaled(grad, rescale, clip, weight.dtype)
    mom *= t(momentum)
    mom -= (t(1) - t(momentum)) * (t(wd) * weight + g)
    np.add(weight * (t(1.0) - t(lr) * t(wd_lh)), t(lr) * np.sign(mom), out=out)


def moments(mean, var, g, beta1, beta2) -> None:
    """mean = beta1 * mean + (1 - beta1) * g; var = beta2 * var + (1 - beta2) * g^2
    (`g` is overwritten)."""
    t = mean.dtype.type
    mean *= t(beta1)
    mean += (t(1) - t(beta1)) * g
    var *= t(beta2)
    np.square(g, out=g)
    g *= t(1) - t(beta2)
    var += g


def adam(weight, grad, mean, var, out, lr, beta1=0.9, beta2=0.999, epsilon=1e-8, wd=0.0,
         rescale=1.0, clip=-1.0):
    """g = clip(rescale * grad + wd * weight); mean, var = moments;
    out = weight - lr * mean / (sqrt(var) + epsilon)."""
    t = weight.dtype.type
    moments(mean, var, rescaled(grad, rescale, clip, weight.dtype, weight, wd), beta1, beta2)
    denom = np.sqrt(var)
    denom += t(epsilon)
    step = np.multiply(mean, t(lr))
    step /= denom
    np.subtract(weight, step, out=out)


def adamw(weight, grad, mean, var, out, rescale, lr, eta, beta1=0.9, beta2=0.999,
          epsilon=1e-8, wd=0.0, clip=-1.0, write_grad=False):
    """g = clip(rescale * grad); mean, var = moments;
    out = weight - eta * (lr * mean / (sqrt(var) + epsilon) + wd * weight).
    `rescale` not finite (or 0): no update at all, as MXNet's kernel (a skipped AMP step).
    `write_grad`: g is also written into `grad` (MXNet's single adamw_update does so)."""
    if not np.isfinite(rescale) or rescale == 0:
        _write(out, weight, weight)
        return
    t = weight.dtype.type
    g = rescaled(grad, rescale, clip, weight.dtype)
    if write_grad:
        grad[...] = g
    moments(mean, var, g, beta1, beta2)
    np.subtract(weight, t(eta) * (t(lr) * mean / (np.sqrt(var) + t(epsilon))
                                  + t(wd) * weight), out=out)


def rmsprop(weight, grad, n, out, lr, gamma1=0.95, epsilon=1e-8, wd=0.0, rescale=1.0,
            clip=-1.0, clip_weights=-1.0):
    """g = clip(rescale * grad + wd * weight); n = (1 - gamma1) * g^2 + gamma1 * n;
    out = clip_weights(weight - lr * g / sqrt(n + epsilon))."""
    t = weight.dtype.type
    g = rescaled(grad, rescale, clip, weight.dtype, weight, wd)
    n *= t(gamma1)
    n += (t(1) - t(gamma1)) * np.square(g)
    np.subtract(weight, t(lr) * g / np.sqrt(n + t(epsilon)), out=out)
    if clip_weights >= 0:
        np.clip(out, -clip_weights, clip_weights, out=out)


def rmspropalex(weight, grad, n, g_state, delta, out, lr, gamma1=0.95, gamma2=0.9,
                epsilon=1e-8, wd=0.0, rescale=1.0, clip=-1.0, clip_weights=-1.0):
    """Graves' centred RMSProp: g = clip(rescale * grad + wd * weight);
    n = (1 - gamma1) * g^2 + gamma1 * n;  g_state = (1 - gamma1) * g + gamma1 * g_state;
    delta = gamma2 * delta - lr * g / sqrt(n - g_state^2 + epsilon);
    out = clip_weights(weight + delta)."""
    t = weight.dtype.type
    g = rescaled(grad, rescale, clip, weight.dtype, weight, wd)
    n *= t(gamma1)
    n += (t(1) - t(gamma1)) * np.square(g)
    g_state *= t(gamma1)
    g_state += (t(1) - t(gamma1)) * g
    delta *= t(gamma2)
    delta -= t(lr) * g / np.sqrt(n - np.square(g_state) + t(epsilon))
    np.add(weight, delta, out=out)
    if clip_weights >= 0:
        np.clip(out, -clip_weights, clip_weights, out=out)


def ftrl(weight, grad, z, n, out, lr, lamda1=0.01, beta=1.0, wd=0.0, rescale=1.0, clip=-1.0):
    """g = clip(rescale * grad); z += g - (sqrt(n + g^2) - sqrt(n)) * weight / lr;
    n += g^2; out = (sign(z) * lamda1 - z) / ((beta + sqrt(n)) / lr + wd) where
    |z| > lamda1, else 0."""
    t = weight.dtype.type
    g = rescaled(grad, rescale, clip, weight.dtype)
    z += g - (np.sqrt(n + g * g) - np.sqrt(n)) * weight / t(lr)
    n += g * g
    out[...] = ((np.sign(z) * t(lamda1) - z) / ((t(beta) + np.sqrt(n)) / t(lr) + t(wd))
                * (np.abs(z) > t(lamda1)))


def ftml(weight, grad, d, v, z, out, lr, t, beta1=0.6, beta2=0.999, epsilon=1e-8, wd=0.0,
         rescale=1.0, clip=-1.0):
    """g = clip(rescale * grad + wd * weight); v = beta2 * v + (1 - beta2) * g^2;
    d_t = (1 - beta1^t) / lr * (sqrt(v / (1 - beta2^t)) + epsilon);
    z = beta1 * z + (1 - beta1) * g - (d_t - beta1 * d) * weight; d = d_t; out = -z / d_t."""
    c = weight.dtype.type
    g = rescaled(grad, rescale, clip, weight.dtype, weight, wd)
    v *= c(beta2)
    v += c(1 - beta2) * np.square(g)
    d_t = c((1 - beta1 ** t) / lr) * (np.sqrt(v / c(1 - beta2 ** t)) + c(epsilon))
    z *= c(beta1)
    z += c(1 - beta1) * g - (d_t - c(beta1) * d) * weight
    d[...] = d_t
    np.divide(-z, d_t, out=out)


def lamb_phase1(weight, grad, mean, var, out, t, beta1=0.9, beta2=0.999, epsilon=1e-6,
                bias_correction=True, wd=0.0, rescale=1.0, clip=-1.0):
    """g = clip(rescale * grad); mean, var = moments; out = the direction
    mean_hat / (sqrt(var_hat) + epsilon) + wd * weight (hats: bias-corrected by step t
    when `bias_correction`)."""
    c = weight.dtype.type
    moments(mean, var, rescaled(grad, rescale, clip, weight.dtype), beta1, beta2)
    m, v = mean, var
    if bias_correction:
        m = mean / c(1.0 - beta1 ** t)
        v = var / c(1.0 - beta2 ** t)
    np.add(m / (np.sqrt(v) + c(epsilon)), c(wd) * weight, out=out)


def trust_lr(lr: float, r1: float, r2: float, lower_bound: float = -1.0,
             upper_bound: float = -1.0) -> float:
    """LAMB's learning rate: lr * r1 / r2 with r1 bounded to [lower_bound, upper_bound]
    (a negative bound is off); lr itself if r1 or r2 is 0."""
    if lower_bound >= 0:
        r1 = max(r1, lower_bound)
    if upper_bound >= 0:
        r1 = min(r1, upper_bound)
    return lr if r1 == 0 or r2 == 0 else lr * r1 / r2


def lamb_phase2(weight, g, out, lr, r1, r2, lower_bound=-1.0, upper_bound=-1.0):
    """out = weight - trust_lr(lr, r1, r2) * g."""
    c = weight.dtype.type
    np.subtract(weight, c(trust_lr(lr, r1, r2, lower_bound, upper_bound)) * g, out=out)


def group_adagrad(weight, grad, history, out, lr, rescale=1.0, clip=-1.0, epsilon=1e-5):
    """g = clip(rescale * grad); history += mean(g^2 over each row);
    out = weight - lr * g / sqrt(history + epsilon)."""
    c = weight.dtype.type
    g = rescaled(grad, rescale, clip, weight.dtype)
    history += np.mean(np.square(g), axis=tuple(range(1, g.ndim)), keepdims=True).reshape(
        history.shape)
    shape = (g.shape[0],) + (1,) * (g.ndim - 1)
    np.subtract(weight, c(lr) * g / np.sqrt(history.reshape(shape) + c(epsilon)), out=out)


def lars_lr(lr: float, w_norm: float, g_norm: float, wd: float, eta: float,
            eps: float) -> float:
    """LARS (multi_lars for one weight): lr * eta * ||w|| / (||g|| + wd * ||w|| + eps), `g`
    the rescaled gradient; lr itself if either norm is 0."""
    if w_norm > 0 and g_norm > 0:
        return lr * eta * w_norm / (g_norm + wd * w_norm + eps)
    return lr
