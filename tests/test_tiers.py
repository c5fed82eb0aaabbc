"""The test tiers' guard (tests/conftest.py, issue 20): a test that starts a server or program without its
marker fails, as does one asking for a server fixture; with the marker it passes; where skips are not
allowed, a skip fails. Each case runs in a pytest of its own, in a new process, with this conftest."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest_plugins = "pytester"
pytestmark = pytest.mark.slow  # four pytest runs in new processes

HERE = Path(__file__).resolve().parent
MARKERS = "\n".join(f"    {name}: a tier" for name in ("browser", "postgres", "spark", "office", "jupyter", "slow"))


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch) -> pytest.Pytester:
    """A scratch project with this suite's conftest and markers (CI's default --fail-on-skip left out)."""
    monkeypatch.delenv("CI", raising=False)
    shutil.copy(HERE / "conftest.py", pytester.path / "conftest.py")
    shutil.copy(HERE / "postgres_server.py", pytester.path / "postgres_server.py")
    pytester.makeini(f"[pytest]\naddopts = -p no:cacheprovider\nstrict_markers = true\nmarkers =\n{MARKERS}\n")
    return pytester


STARTS_A_PROGRAM = """
import subprocess, sys
import pytest

def test_starts_a_program_named_like_poppler(tmp_path):
    tool = tmp_path / "pdftoppm"  # a stand-in with the program's name: the guard goes by the name
    tool.write_text("#!/bin/sh\\nexit 0\\n")
    tool.chmod(0o755)
    subprocess.run([str(tool), "-v"], check=True)

@pytest.mark.office
def test_the_same_with_its_marker(tmp_path):
    test_starts_a_program_named_like_poppler(tmp_path)

def test_a_python_module_server(tmp_path):
    subprocess.run([sys.executable, "-m", "jupyterlab", "--version"], capture_output=True)
"""


def test_a_program_started_without_its_marker_fails_the_test_and_with_it_passes(project):
    project.makepyfile(test_programs=STARTS_A_PROGRAM)
    result = project.runpytest_subprocess()
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(["*test_starts_a_program_named_like_poppler*needs @pytest.mark.office*"])
    result.stdout.fnmatch_lines(["*test_a_python_module_server*needs @pytest.mark.jupyter*"])


def test_a_server_fixture_without_its_marker_fails_before_the_server_starts(project):
    project.makepyfile(
        test_fixtures="""
        import pytest

        def test_unmarked(spark_session):
            raise AssertionError("never reached: the guard fails the test before Spark starts")

        def test_by_name(request):
            request.getfixturevalue("postgres_url")
        """
    )
    result = project.runpytest_subprocess()
    result.assert_outcomes(errors=1, failed=1)
    result.stdout.fnmatch_lines(["*test_unmarked uses a spark fixture without @pytest.mark.spark*"])
    result.stdout.fnmatch_lines(["*test_by_name used a server or program that needs @pytest.mark.postgres*"])


def test_an_unregistered_marker_is_an_error(project):
    project.makepyfile(test_typo="import pytest\n\n@pytest.mark.postgress\ndef test_x():\n    pass\n")
    project.runpytest_subprocess().stdout.fnmatch_lines(["*'postgress' not found in `markers`*"])


def test_a_skip_fails_where_skips_are_not_allowed(project):
    project.makepyfile(
        test_skips="""
        import pytest

        def test_skipped():
            pytest.skip("no Chromium")
        """,
        test_module_skipped="import pytest\n\npytest.importorskip('no_such_package_here')\n",
    )
    assert project.runpytest_subprocess().ret == 0  # an ordinary run lets a skip pass
    strict = project.runpytest_subprocess("--fail-on-skip", "test_skips.py")
    strict.assert_outcomes(failed=1)
    strict.stdout.fnmatch_lines(["*skips are not allowed*no Chromium*"])
    strict_module = project.runpytest_subprocess("--fail-on-skip", "test_module_skipped.py")
    strict_module.assert_outcomes(errors=1)
    strict_module.stdout.fnmatch_lines(["*module skipped where skips are not allowed*no_such_package_here*"])
