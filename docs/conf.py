"""Sphinx configuration of the skrnn documentation.

Build (warnings are errors; this is what CI runs)::

    python -m sphinx -W -b html docs docs/_build/html

Add ``-D plot_gallery=0`` to build without running the examples.
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Document the checkout the docs belong to, installed or not.
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE / "sphinxext"))

import skrnn  # noqa: E402

# Examples and the plot directive draw off-screen.
os.environ.setdefault("MPLBACKEND", "Agg")

# -- Project -----------------------------------------------------------------

project = "skrnn"
author = "the skrnn developers"
copyright = "the skrnn developers, BSD-3-Clause"
release = skrnn.__version__
version = ".".join(release.split(".")[:2])

# -- General -----------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    # MathJax shipped with the site (_static/mathjax), not from a CDN: the
    # equations render offline.
    "sphinx-mathjax-offline",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "matplotlib.sphinxext.plot_directive",
    "api_reference",  # docs/sphinxext: API pages generated from skrnn.__all__
]

root_doc = "index"
source_suffix = {".rst": "restructuredtext"}
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
templates_path = []
default_role = "literal"  # `x` renders as code, never as a broken reference
pygments_style = "sphinx"
nitpicky = False

# -- API reference -----------------------------------------------------------

# The stub pages are written by docs/sphinxext/api_reference.py, not by
# autosummary (which would overwrite them with its own template).
autosummary_generate = False
autodoc_typehints = "none"
autodoc_member_order = "groupwise"
autodoc_inherit_docstrings = True

# numpydoc renders the docstrings; autodoc's :members: lists the methods once.
numpydoc_show_class_members = False
numpydoc_show_inherited_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_use_plots = False

# -- Gallery -----------------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # Every examples/plot_*.py is executed; other files are shown as code.
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py",
    "within_subsection_order": "FileNameSortKey",
    "backreferences_dir": "gen_modules/backreferences",
    "doc_module": ("skrnn",),
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_memory": False,
    "min_reported_time": 1,
    # A failing example fails the build (with -W or without).
    "abort_on_example_error": False,
    "only_warn_on_example_error": False,
}

# -- Figures in the user guide (matplotlib plot directive) -------------------

plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 100)]
plot_rcparams = {"figure.figsize": (6.4, 3.2), "font.size": 10}
plot_apply_rcparams = True

# -- HTML --------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"skrnn {release}"
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc", "sourcelink"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
}
html_sidebars = {"index": []}
html_show_sourcelink = True
html_copy_source = True


# -- Local builds ------------------------------------------------------------


def _drop_stale_examples(app):
    """Delete the pages of examples renamed or removed since the last build.

    sphinx-gallery never deletes what it generated, and a page left behind
    would be a document in no toctree: a warning, so a failed ``-W`` build.
    """
    gallery, examples = HERE / "auto_examples", HERE.parent / "examples"
    for page in gallery.rglob("*.rst"):
        if page.name in ("index.rst", "sg_execution_times.rst"):
            continue
        if not (examples / page.relative_to(gallery)).with_suffix(".py").exists():
            page.unlink()


def setup(app):
    # Before sphinx-gallery generates its pages (priority 500).
    app.connect("builder-inited", _drop_stale_examples, priority=300)
