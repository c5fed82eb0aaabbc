"""Old names: each warns naming its new name and its removal date, none outlives that date, the tree uses none."""

from __future__ import annotations

import ast
import json
import sys
from collections.abc import Mapping
from datetime import date
from importlib import import_module
from pathlib import Path

import pytest

from estimator.deprecations import DEPRECATED, Deprecated

ROOT = Path(__file__).resolve().parent.parent
#: The tests that use old names on purpose, to check they still work.
OLD_NAME_TESTS = ("test_deprecations.py", "test_api_names.py")


def overdue(entries: Mapping[str, Deprecated], today: date) -> list[str]:
    """The old names whose removal date is ``today`` or past."""
    return [f"{old} (due {entry.removal}; use {entry.new})" for old, entry in entries.items() if entry.removal <= today]


def _is_module(name: str) -> bool:
    path = ROOT / name.replace(".", "/")
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _kind(old: str) -> str:
    """``module`` (a module kept under its old name), ``name`` (moved or renamed) or ``method`` (of a class)."""
    parent = old.rpartition(".")[0]
    if parent.rpartition(".")[2][:1].isupper():
        return "method"
    return "module" if _is_module(old) else "name"


def test_no_old_name_outlives_its_removal_date():
    """When this fails, remove the shim (and its line in estimator/deprecations.py): its time is up."""
    assert overdue(DEPRECATED, date.today()) == []


def test_a_removal_date_that_has_passed_is_reported():
    entries = {"estimator.old": Deprecated("estimator.new", date(2027, 6, 30))}
    assert overdue(entries, date(2027, 6, 29)) == []
    assert overdue(entries, date(2027, 6, 30)) == ["estimator.old (due 2027-06-30; use estimator.new)"]


@pytest.mark.parametrize("old", [old for old in DEPRECATED if _kind(old) == "module"])
def test_an_old_module_warns_when_imported_and_gives_the_new_names(old, monkeypatch):
    new = import_module(DEPRECATED[old].new)
    monkeypatch.delitem(sys.modules, old, raising=False)
    with pytest.warns(
        DeprecationWarning, match=rf"^{old} is deprecated and will be removed on 2027-06-30; use {DEPRECATED[old].new}$"
    ):
        module = import_module(old)
    assert module.__all__ and all(getattr(module, name) is getattr(new, name) for name in module.__all__)


@pytest.mark.parametrize("old", [old for old in DEPRECATED if _kind(old) == "name"])
def test_a_moved_name_warns_and_is_the_new_object(old):
    module, _, name = old.rpartition(".")
    where, _, new_name = DEPRECATED[old].new.rpartition(".")
    with pytest.warns(DeprecationWarning, match=rf"^{old} is deprecated and will be removed on 2027-06-30; use "):
        found = getattr(import_module(module), name)
    assert found is getattr(import_module(where), new_name)
    with pytest.raises(AttributeError, match="has no attribute 'no_such_name'"):
        _ = import_module(module).no_such_name  # __getattr__ keeps refusing names that never existed


@pytest.mark.parametrize("old", [old for old in DEPRECATED if _kind(old) == "method"])
def test_an_old_method_name_is_the_warning_shim(old):
    module, class_name, method = old.rsplit(".", 2)
    shim = getattr(getattr(import_module(module), class_name), method)
    assert shim.__doc__ == DEPRECATED[old].message(old)  # test_api_names calls each and checks the frame


def _python_sources() -> dict[str, str]:
    """Every Python source of the tree (benchmarks, scripts, notebooks' code cells too), except the old names' tests."""
    paths = [*sorted((ROOT / "estimator").rglob("*.py")), *sorted((ROOT / "ui").rglob("*.py")), ROOT / "app.py"]
    paths += [path for path in sorted((ROOT / "tests").rglob("*.py")) if path.name not in OLD_NAME_TESTS]
    paths += [*sorted((ROOT / "bench").rglob("*.py")), *sorted((ROOT / "scripts").rglob("*.py"))]
    sources = {str(path.relative_to(ROOT)): path.read_text(encoding="utf-8") for path in paths}
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        code = ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]
        sources[str(notebook.relative_to(ROOT))] = "\n".join(
            "\n".join(line for line in cell.splitlines() if not line.lstrip().startswith(("%", "!"))) for cell in code
        )
    return sources


def old_names_used(sources: Mapping[str, str], entries: Mapping[str, Deprecated] = DEPRECATED) -> list[str]:
    """Each use of an old name: an old module imported, a moved name imported from its old module, an old method called."""
    modules = {old for old in entries if _kind(old) == "module"}
    moved = {tuple(old.rsplit(".", 1)) for old in entries if _kind(old) == "name"}
    methods = {old.rpartition(".")[2] for old in entries if _kind(old) == "method"}
    found = []
    for where, text in sources.items():
        for node in ast.walk(ast.parse(text)):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names if alias.name in modules]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] if node.module in modules else []
                names += [f"{node.module}.{a.name}" for a in node.names if (node.module, a.name) in moved]
                names += [f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in modules]
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in methods:
                names = [f".{node.func.attr}()"]
            found += [f"{where}:{node.lineno}: {name}" for name in names]
    return found


def test_the_tree_uses_no_old_name():
    assert old_names_used(_python_sources()) == []


def test_a_use_of_each_kind_of_old_name_is_found():
    sources = {
        "a.py": "from ui.i18n import t\nimport estimator.scenarios\nfrom ui import links\n",
        "b.py": "from estimator.core.sources import currency_label\n\ndef f(r):\n    return r.to_df()\n",
        "c.py": "from estimator.text.formatting import currency_label\nfrom estimator.store import ScenarioStore\n",
        "d.py": "from estimator.core import sources\nfrom estimator.core.sources import Scaling, infer_sources\n",
        "e.py": "from estimator.core.provenance import PROVENANCE_LABELS, Scaling, infer_provenance\n",
    }
    assert old_names_used(sources) == [
        "a.py:1: ui.i18n",
        "a.py:2: estimator.scenarios",
        "a.py:3: ui.links",
        "b.py:1: estimator.core.sources",
        "b.py:1: estimator.core.sources.currency_label",
        "b.py:4: .to_df()",
        "d.py:1: estimator.core.sources",
        "d.py:2: estimator.core.sources",
        "d.py:2: estimator.core.sources.infer_sources",
    ]
