"""The house rules of skrnn's layout: imports point one way.

- ``skrnn._nn``: numpy/scipy kernels; imports nothing of skrnn outside
  itself, and no scikit-learn or pandas;
- ``skrnn._data``: the input boundary; imports nothing of the families;
- the families ``_series``, ``_rnn``, ``_diagnostics`` import ``_nn`` and
  ``_data``, never one another.

The rules are written out here by hand, not read from the code they guard.
"""

import ast
from pathlib import Path

import pytest

import skrnn

ROOT = Path(skrnn.__file__).parent
FAMILIES = ("_series", "_rnn", "_diagnostics")


def _imports(path):
    """``(absolute module, top-level package)`` of every import in a file."""
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    package = parts[:-1] if path.name != "__init__.py" else parts[:-1]
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            out.append(module)
        elif isinstance(node, ast.Import):
            out.extend(alias.name for alias in node.names)
    return out


def _files(subpackage):
    return sorted((ROOT / subpackage).rglob("*.py"))


def _skrnn_part(module):
    """The subpackage of skrnn a module belongs to (``_nn``, ``_rnn``, ...)."""
    parts = module.split(".")
    return parts[1] if parts[0] == "skrnn" and len(parts) > 1 else None


@pytest.mark.parametrize("path", _files("_nn"), ids=lambda p: p.name)
def test_kernels_import_only_numpy_scipy_and_themselves(path):
    for module in _imports(path):
        top = module.split(".")[0]
        assert top not in ("sklearn", "pandas"), f"{path.name} imports {module}"
        if top == "skrnn":
            assert _skrnn_part(module) == "_nn", f"{path.name} imports {module}"


@pytest.mark.parametrize("path", _files("_data"), ids=lambda p: p.name)
def test_the_boundary_imports_no_family(path):
    for module in _imports(path):
        if module.startswith("skrnn"):
            assert _skrnn_part(module) == "_data", f"{path.name} imports {module}"


@pytest.mark.parametrize(
    "path",
    [p for family in FAMILIES for p in _files(family)],
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_families_import_the_kernels_and_the_boundary_never_each_other(path):
    own = path.relative_to(ROOT).parts[0]
    for module in _imports(path):
        part = _skrnn_part(module)
        if part is not None:
            assert part in (own, "_nn", "_data"), f"{own}/{path.name} imports {module}"


def test_the_rules_see_a_broken_import(tmp_path, monkeypatch):
    """The checks above parse what they should: a cross-family import fails."""
    fake = tmp_path / "skrnn" / "_rnn"
    fake.mkdir(parents=True)
    bad = fake / "_bad.py"
    bad.write_text("from .._series._narx import NARXRegressor\n")
    monkeypatch.setattr(__import__(__name__), "ROOT", tmp_path / "skrnn")
    with pytest.raises(AssertionError, match="imports skrnn._series._narx"):
        test_families_import_the_kernels_and_the_boundary_never_each_other(bad)
