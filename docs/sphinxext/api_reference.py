"""Generate the API reference from the package, so new public names appear.

At ``builder-inited`` (before Sphinx looks for source files) this extension

- lists every name in ``skrnn.__all__`` and in the ``__all__`` of every public
  submodule (``skrnn.datasets``, and any added later);
- writes one stub page per name into ``gen_modules/`` (``autoclass`` or
  ``autofunction``, then the sphinx-gallery mini-gallery of the examples that
  use it), and removes the stubs of names that are no longer public;
- writes ``gen_modules/api_sections.rst.inc``, the autosummary tables that
  ``api.rst`` includes, grouped into sections.

A top-level name is placed in a section by the private module that defines
it (``skrnn._series._fir`` -> "Series models"); a name from a module this table does
not know lands in a section chosen by its kind, so nothing is ever left out.
Files are rewritten only when their text changes, which keeps incremental
builds incremental.

Docstrings inherited from scikit-learn (``get_params``, ``set_output``, ...)
cite scikit-learn's own glossary and user guide with ``:term:`` and ``:ref:``;
those targets do not exist here, so the roles are turned into plain text.
"""

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

from sklearn.base import BaseEstimator

PACKAGE = "skrnn"
GEN_DIR = "gen_modules"
SECTIONS_FILE = "api_sections.rst.inc"

# (title, description, private modules whose names go there)
SECTIONS = [
    (
        "Windowing",
        "Turn a series into lag features, windows or a batch of sequences.",
        ("_transformers", "_windowing"),
    ),
    (
        "Series models",
        "Regressors on one series (or a panel): one prediction per time step.",
        ("_fir", "_narx", "_state_space"),
    ),
    (
        "Forecasting",
        "Judge a forecast by a rolling-origin backtest, and put prediction "
        "intervals around it.",
        ("_backtest", "_conformal"),
    ),
    (
        "Sequence models",
        "Recurrent networks trained by backpropagation through time on a "
        "batch of sequences, and the scaler of their inputs.",
        ("_rnn", "_elman", "_gru", "_lstm", "_bidirectional", "_seq2seq"),
    ),
    (
        "Diagnostics",
        "Judge a fitted series model: residual tests, scorers for a search "
        "by free-run or k-step-ahead prediction, and plots.",
        ("_diagnostics", "_correlation", "_plotting", "_metrics", "_scor"),
    ),
]
# Sections for names from modules the table above does not list.
FALLBACK = {
    "estimator": ("Other estimators", "Estimators."),
    "display": ("Plotting", "Display objects (matplotlib is imported inside them)."),
    "function": ("Functions", "Functions."),
    "other": ("Other objects", "Other public objects."),
}

_ROLE = re.compile(r":(ref|term|doc):`(?:([^`<]*?)\s*<([^`>]*)>|([^`]*))`")
# The field lines of these numpydoc sections are "name : type" (or a bare type
# under Returns); the type is reST, so a name with a trailing underscore in it
# (``ndarray of shape (n_features_in_,)``) would be a hyperlink reference to a
# target that does not exist.
_FIELD_SECTIONS = {
    "Parameters",
    "Other Parameters",
    "Attributes",
    "Returns",
    "Yields",
    "Receives",
    "Raises",
    "Warns",
}
_TRAILING_UNDERSCORE = re.compile(r"(?<=\w)_(?![\w`])")
_CODE = re.compile(r"(`[^`]*`)")


def _kind(obj):
    if inspect.isclass(obj):
        if obj.__name__.endswith("Display"):
            return "display"
        if issubclass(obj, BaseEstimator) or hasattr(obj, "fit"):
            return "estimator"
        return "other"
    if callable(obj):
        return "function"
    return "other"


def _private_module(obj):
    """``["_series", "_fir"]`` for an object defined in ``skrnn._series._fir``."""
    module = getattr(obj, "__module__", "") or ""
    parts = module.split(".")
    return parts[1:] if len(parts) > 1 and parts[0] == PACKAGE else []


def _top_level_sections(package):
    """[(title, description, module, names)] for the names in ``__all__``."""
    titled = {title: [] for title, _, _ in SECTIONS}
    descriptions = {title: text for title, text, _ in SECTIONS}
    for name in package.__all__:
        obj = getattr(package, name)
        module = _private_module(obj)
        title = next(
            (
                title
                for title, _, prefixes in SECTIONS
                if any(
                    part.startswith(prefix) for part in module for prefix in prefixes
                )
            ),
            None,
        )
        if title is None:
            title, text = FALLBACK[_kind(obj)]
            descriptions[title] = text
        titled.setdefault(title, []).append(name)
    return [
        (title, descriptions[title], PACKAGE, names)
        for title, names in titled.items()
        if names
    ]


def _definition_line(obj):
    try:
        return inspect.getsourcelines(obj)[1]
    except (OSError, TypeError):
        return 10**9


def _public_submodules(package):
    """[(title, description, module, names)] for public submodules."""
    sections = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        fullname = f"{PACKAGE}.{info.name}"
        module = importlib.import_module(fullname)
        names = getattr(module, "__all__", None)
        if names is None:
            names = [
                name
                for name, obj in vars(module).items()
                if not name.startswith("_")
                and (inspect.isclass(obj) or inspect.isfunction(obj))
                and getattr(obj, "__module__", None) == fullname
            ]
        # A module's names in the order of its source file, which groups
        # related names; a package's (defined in several files) in the order
        # of its ``__all__``.
        if not hasattr(module, "__path__"):
            names = sorted(names, key=lambda n: _definition_line(getattr(module, n)))
        if names:
            sections.append((f":mod:`{fullname}`", None, fullname, names))
    return sections


def _stub(module, name, obj):
    fullname = f"{module}.{name}"
    lines = [fullname, "=" * len(fullname), "", f".. currentmodule:: {module}", ""]
    if inspect.isclass(obj):
        lines += [
            f".. autoclass:: {name}",
            "   :members:",
            "   :inherited-members:",
        ]
    else:
        lines += [f".. autofunction:: {name}"]
    lines += [
        "",
        f".. minigallery:: {fullname}",
        f"   :add-heading: Examples using ``{name}``",
        "   :heading-level: -",
        "",
    ]
    return "\n".join(lines)


def _sections_rst(sections):
    lines = []
    for title, description, module, names in sections:
        lines += [title, "-" * len(title), ""]
        if module != PACKAGE:
            lines += [f".. automodule:: {module}", "   :no-members:", ""]
        elif description:
            lines += [description, ""]
        lines += [f".. currentmodule:: {module}", "", ".. autosummary::"]
        lines += ["   :nosignatures:", f"   :toctree: {GEN_DIR}/", ""]
        lines += [f"   {name}" for name in names]
        lines += [""]
    return "\n".join(lines)


def _write_if_changed(path, text):
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def generate(srcdir):
    """Write the stubs and the section tables under ``srcdir/gen_modules``."""
    package = importlib.import_module(PACKAGE)
    sections = _top_level_sections(package) + _public_submodules(package)
    out = Path(srcdir) / GEN_DIR
    out.mkdir(exist_ok=True)
    stubs = set()
    for _, _, module_name, names in sections:
        module = importlib.import_module(module_name)
        for name in names:
            path = out / f"{module_name}.{name}.rst"
            _write_if_changed(path, _stub(module_name, name, getattr(module, name)))
            stubs.add(path.name)
    # A stub left from a name that is gone would be a page in no toctree.
    for path in out.glob(f"{PACKAGE}.*.rst"):
        if path.name not in stubs:
            path.unlink()
    _write_if_changed(out / SECTIONS_FILE, _sections_rst(sections))


def _builder_inited(app):
    generate(app.srcdir)


def _foreign_role_text(match):
    role, title = match.group(1), match.group(2)
    target = match.group(3) or match.group(4)
    if role == "term":
        return f"*{title or target}*"
    if target.startswith("sphx_glr_"):  # one of scikit-learn's examples
        return f"scikit-learn's example ``plot_{target.rsplit('_plot_', 1)[-1]}``"
    if title:
        return f"scikit-learn's *{title}*"
    return f"scikit-learn's documentation (``{target}``)"


def _plain_foreign_roles(app, what, name, obj, options, lines):
    """Turn ``:term:``/``:ref:`` into text in docstrings not written here."""
    module = getattr(obj, "__module__", None) or ""
    if module == PACKAGE or module.startswith(PACKAGE + "."):
        return
    for i, line in enumerate(lines):
        lines[i] = _ROLE.sub(_foreign_role_text, line)


def _escape_type(text):
    parts = _CODE.split(text)  # leave ``code`` and `roles` alone
    parts[::2] = [_TRAILING_UNDERSCORE.sub(r"\\_", part) for part in parts[::2]]
    return "".join(parts)


def _escape_field_types(app, what, name, obj, options, lines):
    """Escape trailing underscores in the types of numpydoc fields."""
    section, indent = None, None
    for i, line in enumerate(lines):
        stripped = line.strip()
        below = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if stripped and below and set(below) == {"-"} and len(below) >= 3:
            section, indent = stripped, len(line) - len(line.lstrip())
            continue
        if section not in _FIELD_SECTIONS or not stripped or set(stripped) == {"-"}:
            continue
        if len(line) - len(line.lstrip()) != indent or "_" not in line:
            continue
        head, sep, type_ = line.partition(" : ")
        lines[i] = head + sep + _escape_type(type_) if sep else _escape_type(line)


def setup(app):
    # Before sphinx-gallery (priority 500) so its output is unaffected.
    app.connect("builder-inited", _builder_inited, priority=400)
    # Before numpydoc (priority 500), which parses the fields.
    app.connect("autodoc-process-docstring", _plain_foreign_roles, priority=400)
    app.connect("autodoc-process-docstring", _escape_field_types, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
