"""Helpers shared by the finite-difference gradient tests."""

import numpy as np

EPS = 1e-6


def numerical_gradient(f, x, eps=EPS):
    """Central differences of the scalar function ``f`` at ``x`` (copied)."""
    x = x.copy()
    grad = np.empty_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = f(x)
        flat[i] = old - eps
        down = f(x)
        flat[i] = old
        gflat[i] = (up - down) / (2 * eps)
    return grad


def make_batch(rng, lengths, n_features, T=None, pad=0.0):
    """Time-major inputs; entries past each length are ``pad`` (or noise)."""
    lengths = np.asarray(lengths, dtype=np.int64)
    T = int(lengths.max()) if T is None else T
    X = rng.standard_normal((T, len(lengths), n_features))
    for i, L in enumerate(lengths):
        X[L:, i] = pad if pad is not None else rng.standard_normal(X[L:, i].shape)
    return X, lengths
