"""Declared constraints of skrnn's function parameters, for ``validate_params``.

scikit-learn's ``Interval(Integral, ...)`` accepts ``True`` as the int 1;
a count or a lag is never a bool, so these intervals refuse them.
"""

from numbers import Integral, Real

import numpy as np

from ._sklearn_compat import Interval

__all__ = ["count_from", "COUNT", "NON_NEGATIVE", "OPEN_UNIT"]


class _StrictInterval(Interval):
    """An :class:`Interval` that refuses bools: ``True`` is not a count."""

    def is_satisfied_by(self, val):
        return not isinstance(val, bool | np.bool_) and super().is_satisfied_by(val)


def count_from(low):
    """The constraint "an int >= low" (bools refused).

    Examples
    --------
    >>> from skrnn._data._params import count_from
    >>> count_from(1).is_satisfied_by(3), count_from(1).is_satisfied_by(True)
    (True, False)
    """
    return _StrictInterval(Integral, low, None, closed="left")


#: An int >= 1.
COUNT = count_from(1)
#: A finite, non-negative float (an Interval excludes NaN and infinity).
NON_NEGATIVE = _StrictInterval(Real, 0.0, None, closed="left")
#: A number strictly between 0 and 1.
OPEN_UNIT = _StrictInterval(Real, 0.0, 1.0, closed="neither")
