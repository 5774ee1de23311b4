"""Argument checks shared by the generators of :mod:`skrnn.datasets`.

Scalar arguments are declared, not checked by hand: every public generator
is wrapped in scikit-learn's ``validate_params`` with the constraints below,
so a bad value gets scikit-learn's message naming the parameter, the
function and the range ("The 'n_timesteps' parameter of make_fir_system must
be an int in the range [1, inf). Got 0 instead."). ``random_state`` is
checked here because the generators also take a :class:`numpy.random.Generator`,
which scikit-learn's ``"random_state"`` constraint does not.
"""

import numpy as np
from sklearn.utils import check_random_state

from .._data._params import COUNT, NON_NEGATIVE, count_from
from .._data._sklearn_compat import StrOptions, validate_params

__all__ = [
    "COUNT",
    "NON_NEGATIVE",
    "StrOptions",
    "check_random_state_or_generator",
    "count_from",
    "integers",
    "validate_params",
]


def check_random_state_or_generator(seed):
    """Return a RandomState (None, int, RandomState) or the Generator given."""
    if isinstance(seed, np.random.Generator):
        return seed
    try:
        return check_random_state(seed)
    except ValueError:
        raise ValueError(
            "random_state must be None, an int, a numpy RandomState or a numpy "
            f"Generator, got {seed!r}."
        ) from None


def integers(rng, low, high, size):
    """Integers uniform on [low, high) from a RandomState or a Generator."""
    if isinstance(rng, np.random.Generator):
        return rng.integers(low, high, size=size)
    return rng.randint(low, high, size=size)
