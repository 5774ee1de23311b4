"""Every private scikit-learn name skrnn uses, imported in one place.

scikit-learn keeps the right to change its underscore names between
releases; when it does, this file is the one to adapt (imbalanced-learn's
``utils/_sklearn_compat.py`` does the same). Nothing else in skrnn imports a
private scikit-learn name.
"""

from sklearn.base import _fit_context
from sklearn.linear_model._base import LinearModel
from sklearn.preprocessing._data import _handle_zeros_in_scale, _is_constant_feature
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    Options,
    StrOptions,
    validate_params,
)
from sklearn.utils._plotting import _validate_style_kwargs
from sklearn.utils._set_output import _get_output_config
from sklearn.utils.optimize import _check_optimize_result
from sklearn.utils.validation import (
    _check_feature_names,
    _check_feature_names_in,
    _check_sample_weight,
    _num_samples,
)

__all__ = [
    "HasMethods",
    "Interval",
    "LinearModel",
    "Options",
    "StrOptions",
    "_check_feature_names",
    "_check_feature_names_in",
    "_check_optimize_result",
    "_check_sample_weight",
    "_fit_context",
    "_get_output_config",
    "_handle_zeros_in_scale",
    "_is_constant_feature",
    "_num_samples",
    "_validate_style_kwargs",
    "validate_params",
]
