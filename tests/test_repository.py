"""Promises the repository makes to newcomers and to the architecture."""

import ast
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import estimator

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    block = re.search(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(), re.S).group(1)
    return [line.split("#")[0].strip() for line in block.strip().splitlines()]


def test_readme_opens_with_the_run_and_test_commands_and_ci_calls_the_latter():
    run_command, test_command = readme_commands()
    assert "streamlit run app.py" in run_command and "pip install" in run_command
    assert (ROOT / test_command.split()[-1]).is_file()
    assert test_command in (ROOT / ".ci" / "run").read_text()


def test_the_estimator_package_never_imports_streamlit():
    modules = [f"estimator.{m.name}" for m in pkgutil.iter_modules(estimator.__path__) if m.name != "__main__"]
    code = f"import sys, importlib\nfor m in {modules!r}: importlib.import_module(m)\nprint('streamlit' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "False"


def _ui_imports(tree: ast.Module) -> set[str]:
    """The ``ui`` modules a module imports, anywhere in it (``from ui import state`` is ``ui.state``)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module == "ui":
            names |= {f"ui.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return {name for name in names if name.startswith("ui.")}


def _assigned(tree: ast.Module, name: str) -> ast.expr:
    """The value a module assigns to ``name`` at its top level."""
    for node in tree.body:
        targets = [node.target] if isinstance(node, ast.AnnAssign) else getattr(node, "targets", [])
        if any(isinstance(target, ast.Name) and target.id == name for target in targets):
            return node.value
    raise AssertionError(f"no {name} assigned")


def test_no_tab_imports_another_tab():
    """What several tabs share lives in ui/state.py or a module that is not a tab (issue 15, point 6)."""
    main = ast.parse((ROOT / "ui" / "main.py").read_text(encoding="utf-8"))
    origin = {
        alias.asname or alias.name: node.module for node in main.body if isinstance(node, ast.ImportFrom) for alias in node.names
    }
    panels = [node.id for node in ast.walk(_assigned(main, "TABS")) if isinstance(node, ast.Name) and node.id in origin]
    tabs = {origin[name] for name in panels}
    assert len(panels) == 7 and {"ui.overview", "ui.calibration", "ui.exports", "ui.uncertainty", "ui.scenarios"} <= tabs
    for tab in sorted(tabs):
        imported = _ui_imports(ast.parse((ROOT / (tab.replace(".", "/") + ".py")).read_text(encoding="utf-8")))
        assert not imported & (tabs - {tab}), f"{tab} imports the tabs {sorted(imported & (tabs - {tab}))}"
