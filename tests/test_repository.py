"""Promises the repository makes to newcomers and to the architecture."""

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
