import itertools
import os
import sys
import threading
import warnings
from pathlib import Path

import pytest

# The scalar reference model and the PostgreSQL helper live beside the tests; make them importable from every test module.
sys.path.insert(0, str(Path(__file__).parent))

from postgres_server import running_server

# --- Test tiers -------------------------------------------------------------------------------------------
# Every test that needs a real server or program carries its marker (registered in pyproject.toml), so
# `pytest -m "not (browser or postgres or spark or office or jupyter or slow)"` is the quick tier. A test
# that starts one without its marker would slip into the quick tier: the guard below fails it instead.

#: The marker a test needs to use each of these fixtures (directly, through another fixture or by name).
FIXTURE_MARKERS = {"postgres_server": "postgres", "postgres_url": "postgres", "spark_session": "spark"}
#: The marker a test needs to start each of these programs (by file name, anywhere in the command line, as
#: ``runuser -u postgres -- .../pg_ctl`` has it): Chromium and the Streamlit server it is pointed at,
#: LibreOffice and poppler, Jupyter, PostgreSQL's tools, Spark's JVM.
PROGRAM_MARKERS = {
    "chromium": "browser", "chromium-browser": "browser", "chrome": "browser", "streamlit": "browser",
    "soffice": "office", "soffice.bin": "office", "libreoffice": "office", "pdftoppm": "office",
    "jupyter": "jupyter", "jupyter-lab": "jupyter", "jupyter-notebook": "jupyter",
    "initdb": "postgres", "pg_ctl": "postgres", "spark-submit": "spark", "spark-class": "spark",
}  # fmt: skip
#: The same for Python modules run with ``python -m``: the Streamlit server, JupyterLab, Notebook 7 and kernels.
MODULE_MARKERS = {
    "streamlit": "browser", "jupyterlab": "jupyter", "notebook": "jupyter", "jupyter": "jupyter",
    "ipykernel_launcher": "jupyter", "ipykernel": "jupyter",
}  # fmt: skip
#: The markers of tests that need a server or program (the quick tier leaves them out, with ``slow``).
SERVER_MARKERS = frozenset({"browser", "postgres", "spark", "office", "jupyter"})
#: Unmarked tests slower than this are listed at the end of the run (a hint to mark them ``slow``).
SLOW_SECONDS = 5.0

_current_test: pytest.Item | None = None
_started: dict[str, set[str]] = {}  # test id -> markers it lacked for the programs it started
_unmarked_slow: list[tuple[float, str]] = []
_lock = threading.Lock()
_fail_on_skip = False


def _program_marker(args: object) -> str | None:
    """The marker needed to run this command line (a ``subprocess``/``os.exec*`` argument list), else ``None``."""
    if isinstance(args, str | bytes | os.PathLike):
        args = [args]
    words = [os.fsdecode(arg) for arg in args or () if isinstance(arg, str | bytes | os.PathLike)]
    for position, word in enumerate(words):
        if word == "-m" and position + 1 < len(words) and words[position + 1] in MODULE_MARKERS:
            return MODULE_MARKERS[words[position + 1]]
        if Path(word).name == "node" and any("playwright" in later for later in words):
            return "browser"  # Playwright's driver, which then starts Chromium itself
        if Path(word).name in PROGRAM_MARKERS:
            return PROGRAM_MARKERS[Path(word).name]
    return None


def _audit(event: str, args: tuple) -> None:
    """Audit hook: note a program started by the current test that needs a marker the test lacks."""
    test = _current_test
    if test is None or event not in ("subprocess.Popen", "os.posix_spawn", "os.exec", "os.system"):
        return
    marker = _program_marker(args[1] if event != "os.system" else str(args[0]).split())
    if marker and test.get_closest_marker(marker) is None:
        with _lock:
            _started.setdefault(test.nodeid, set()).add(marker)


def pytest_addoption(parser):
    parser.addoption(
        "--fail-on-skip",
        action="store_true",
        default=os.environ.get("CI", "").lower() not in ("", "0", "false", "no"),
        help="a skipped test fails (on by default where CI is set: a missing Chromium or PostgreSQL must not pass)",
    )


def pytest_configure(config):
    global _fail_on_skip
    _fail_on_skip = config.getoption("fail_on_skip")
    sys.addaudithook(_audit)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    global _current_test
    _current_test = item
    lacking = sorted(
        {marker for name, marker in FIXTURE_MARKERS.items() if name in getattr(item, "fixturenames", ())} - _markers(item)
    )
    if lacking:
        pytest.fail(f"{item.nodeid} uses a {'/'.join(lacking)} fixture without @pytest.mark.{', @pytest.mark.'.join(lacking)}")


def pytest_fixture_setup(fixturedef, request):
    """A server fixture asked for by name at run time (``request.getfixturevalue``) needs its marker too."""
    test, marker = _current_test, FIXTURE_MARKERS.get(fixturedef.argname)
    if test is not None and marker and test.get_closest_marker(marker) is None:
        with _lock:
            _started.setdefault(test.nodeid, set()).add(marker)


def _markers(item: pytest.Item) -> set[str]:
    return {mark.name for mark in item.iter_markers()}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.duration > SLOW_SECONDS and not _markers(item) & (SERVER_MARKERS | {"slow"}):
        _unmarked_slow.append((report.duration, item.nodeid))
    if report.skipped and _fail_on_skip and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped where skips are not allowed (--fail-on-skip, CI): {report.longrepr}"
    if report.when == "call":
        with _lock:
            lacking = sorted(_started.pop(item.nodeid, ()))
        if lacking and report.passed:
            report.outcome = "failed"
            report.longrepr = (
                f"{item.nodeid} used a server or program that needs @pytest.mark.{', @pytest.mark.'.join(lacking)} "
                "(tests/conftest.py PROGRAM_MARKERS); mark the test or its module"
            )
    return report


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item):
    """What a teardown runs (``pg_ctl stop`` at the end of the session) stops servers: nothing to check."""
    global _current_test
    _current_test = None
    with _lock:
        _started.pop(item.nodeid, None)


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    """A module skipped as a whole (``importorskip`` of a missing package) fails too where skips are not allowed."""
    report = yield
    if report.skipped and _fail_on_skip:
        report.outcome = "failed"
        report.longrepr = f"module skipped where skips are not allowed (--fail-on-skip, CI): {report.longrepr}"
    return report


def pytest_terminal_summary(terminalreporter):
    if _unmarked_slow:
        terminalreporter.section(f"unmarked tests slower than {SLOW_SECONDS:g} s (mark them slow)")
        for duration, nodeid in sorted(_unmarked_slow, reverse=True):
            terminalreporter.write_line(f"{duration:6.1f} s  {nodeid}")


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL server for the whole session (skipped only where the binaries are missing)."""
    yield from running_server()


_DATABASE_NUMBERS = itertools.count()


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """The URL (with its password) of a fresh, empty database on the session's server."""
    return postgres_server.create_database(f"test_{os.getpid()}_{next(_DATABASE_NUMBERS)}")


@pytest.fixture(scope="session")
def spark_session():
    """One real Spark session (local mode, one core) for the whole run: starting Spark costs seconds."""
    pyspark_sql = pytest.importorskip("pyspark.sql")
    from estimator.calibration.engines.spark import _PANDAS_3_WARNING

    with warnings.catch_warnings():  # as the engine's own session(): the warning does not concern it
        warnings.filterwarnings("ignore", message=_PANDAS_3_WARNING, category=FutureWarning)
        session = (
            pyspark_sql.SparkSession.builder.master("local[1]")
            .appName("churn-cost tests")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.driver.memory", "1g")
            .getOrCreate()
        )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
