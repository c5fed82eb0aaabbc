"""The command line as a package (issue 15, point 3): one module per command, registered once,
shared options in ``cli/common.py``, defaults taken from the library's constants."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

from estimator.analysis.sensitivity import DEFAULT_DRAWS, DEFAULT_SEED, heatmap, monte_carlo, sobol_indices
from estimator.cli import COMMANDS, build_parser
from estimator.reports import build_content

CLI_DIR = Path(__file__).resolve().parent.parent / "estimator" / "cli"
SHARED = {"__init__", "common"}


def test_every_command_module_is_registered_and_every_registered_command_has_add_parser_and_run():
    modules = {path.stem for path in CLI_DIR.glob("*.py")} - SHARED
    assert modules == {module.__name__.rpartition(".")[2] for module in COMMANDS.values()}
    for name, module in COMMANDS.items():
        assert callable(getattr(module, "add_parser", None)) and callable(getattr(module, "run", None)), name
        assert list(inspect.signature(module.run).parameters) == ["args"], name


def test_every_registered_command_appears_in_the_help_and_has_its_own(capsys):
    top = subprocess.run([sys.executable, "-m", "estimator", "--help"], capture_output=True, text=True, timeout=120)
    assert top.returncode == 0, top.stderr  # it once crashed on the '%' of a command's help
    listed = top.stdout.split("positional arguments:")[1].split("options:")[0]
    for name in COMMANDS:
        assert f"\n    {name} " in listed, name
        with pytest.raises(SystemExit) as exit_status:
            build_parser().parse_args([name, "--help"])
        assert exit_status.value.code == 0 and capsys.readouterr().out.startswith(f"usage: python -m estimator {name}"), name


def test_each_command_parses_to_its_own_module():
    parser = build_parser()
    argv = {"calibrate": ["file.csv"], "report": ["--out", "x.pptx"], "sensitivity": ["--kind", "tornado"], "scenarios": ["list"]}
    for name in COMMANDS:
        assert parser.parse_args([name, *argv.get(name, [])]).command == name


def test_draws_seed_and_grid_defaults_are_the_librarys():
    parser = build_parser()
    analysis = parser.parse_args(["sensitivity", "--kind", "montecarlo"])
    monte_carlo_defaults = inspect.signature(monte_carlo).parameters
    assert analysis.draws == DEFAULT_DRAWS == monte_carlo_defaults["draws"].default
    assert analysis.seed is None and monte_carlo_defaults["seed"].default is None  # a fresh seed, reported
    assert analysis.points == inspect.signature(heatmap).parameters["points"].default
    assert analysis.n == inspect.signature(sobol_indices).parameters["n"].default
    deliverable = parser.parse_args(["report", "--out", "deck.pptx"])
    report_defaults = inspect.signature(build_content).parameters
    assert deliverable.draws == DEFAULT_DRAWS == report_defaults["draws"].default
    assert deliverable.seed == DEFAULT_SEED == report_defaults["seed"].default


@pytest.mark.parametrize("path", sorted(CLI_DIR.glob("*.py")), ids=lambda path: path.name)
def test_no_number_written_as_an_option_default_and_commands_import_no_other_command(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "add_argument":
            for keyword in node.keywords:
                literal = isinstance(keyword.value, ast.Constant) and type(keyword.value.value) in (int, float)
                assert not (keyword.arg == "default" and literal), f"{path.name}:{node.lineno}: a library constant, not a literal"
    if path.stem in SHARED:
        return
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert {name for name in imported if name.startswith("estimator.cli")} <= {"estimator.cli.common"}
