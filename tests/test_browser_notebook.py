"""End-to-end: the notebook app in a real JupyterLab (and Notebook 7), driven in headless Chromium.

The test starts a Jupyter server on a free loopback port with a token, in a scratch folder
holding a copy of ``notebooks/explore.ipynb`` (autosave must never touch the committed one),
opens it, runs all cells from the Run menu, moves a slider with the keyboard (JupyterLab; in
Notebook 7, whose shortcuts take the arrow keys, with a click on the track) and waits for the
headline figure to change in the page; no cell may show an error. The kernel imports this
checkout's ``estimator`` (PYTHONPATH) and saves into a scratch library (CHURN_ESTIMATOR_DB).
Screenshots are kept under the test's tmp folder and, when ``ARTIFACT_DIR`` is set, copied there.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_browser import CHROMIUM, CHROMIUM_ARGS, serving

pytestmark = [pytest.mark.browser, pytest.mark.jupyter, pytest.mark.slow]

playwright_api = pytest.importorskip("playwright.sync_api")
pytest.importorskip("jupyterlab")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"
#: Running every cell calibrates, builds the app and writes a deck with 10,000 Monte Carlo draws.
RUN_ALL_MS = int(os.environ.get("NOTEBOOK_RUN_ALL_MS", 180_000))
WAIT_MS = 30_000
TOTAL = ".churn-figure-total"
#: How JupyterLab and Notebook 7 mark a cell's error output (tracebacks and stderr text).
#: The front ends tried, and where each opens a notebook.
FRONT_ENDS = {"jupyterlab": "/lab/tree/{folder}/explore.ipynb", "notebook7": "/notebooks/{folder}/explore.ipynb"}
ERROR_OUTPUT = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def jupyter(tmp_path_factory) -> Iterator[tuple[str, str, Path]]:
    """A Jupyter server (JupyterLab, with Notebook 7 beside it) on 127.0.0.1; yields (base URL, token, folder)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    home = tmp_path_factory.mktemp("jupyter")
    work = home / "work"
    for front_end in FRONT_ENDS:  # a fresh copy each: no test sees another's saved outputs
        (work / front_end).mkdir(parents=True)
        shutil.copy(NOTEBOOK, work / front_end / NOTEBOOK.name)
    port, token = _free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "CHURN_ESTIMATOR_DB": str(home / "library.sqlite3"),
        # Settings, workspaces and runtime files of this server only, never the user's.
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
    }
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1"]
    command += [f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}", "--ServerApp.port_retries=0"]
    command += ["--allow-root"]  # CI runs as root; harmless otherwise
    log = open(home / "server.log", "wb")  # noqa: SIM115 - closed in the teardown below
    process = subprocess.Popen(command, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"

    def failure() -> str:
        return "the Jupyter server did not start:\n" + (home / "server.log").read_text(errors="replace")[-3000:]

    try:
        with serving(process, f"{url}/api/status?token={token}", 60, failure, pause=0.2, stop=15):
            yield url, token, work
    finally:
        log.close()


@pytest.fixture(scope="module")
def browser(jupyter) -> Iterator[object]:
    with playwright_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def _keep(page, tmp_path: Path, name: str) -> Path:
    """Save a screenshot as a test artefact (and copy it to $ARTIFACT_DIR when set)."""
    path = tmp_path / name
    page.screenshot(path=str(path))
    if os.environ.get("ARTIFACT_DIR"):
        target = Path(os.environ["ARTIFACT_DIR"])
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target / name)
    return path


def _shut_down_kernels(url: str, token: str) -> None:
    """Stop the server's kernels, as closing a notebook for good would, so the next test starts afresh."""
    headers = {"Authorization": f"token {token}"}
    with urllib.request.urlopen(urllib.request.Request(f"{url}/api/kernels", headers=headers), timeout=10) as reply:
        kernels = json.loads(reply.read())
    for kernel in kernels:
        request = urllib.request.Request(f"{url}/api/kernels/{kernel['id']}", method="DELETE", headers=headers)
        with contextlib.suppress(OSError), urllib.request.urlopen(request, timeout=30):
            pass


def _start_kernel(page) -> None:
    """Accept the kernel JupyterLab proposes (the notebook's Python 3) and wait until it is idle."""
    accept = page.locator(".jp-Dialog .jp-mod-accept")
    with contextlib.suppress(playwright_api.TimeoutError):
        accept.wait_for(timeout=15_000)
        accept.click()
    # The notebook's own execution indicator (JupyterLab's toolbar, Notebook 7's header alike).
    page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', state="attached", timeout=60_000)


def _run_all_cells(page) -> None:
    """Run → Run All Cells, from the menu bar, as a user would."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()


@pytest.mark.parametrize("front_end", FRONT_ENDS)
def test_explore_notebook_in_the_browser_moves_the_headline_with_a_slider(jupyter, browser, tmp_path, front_end):
    url, token, _ = jupyter
    path = FRONT_ENDS[front_end].format(folder=front_end)
    page = browser.new_page(viewport={"width": 1600, "height": 1300})
    page.set_default_timeout(WAIT_MS)
    try:
        page.goto(f"{url}{path}?token={token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        _start_kernel(page)
        _run_all_cells(page)
        total = page.locator(TOTAL).first
        total.wait_for(timeout=RUN_ALL_MS)
        page.get_by_text("deck written: sample_client.pptx").wait_for(timeout=RUN_ALL_MS)
        page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', state="attached")
        page.locator(".churn-explorer .js-plotly-plot").first.wait_for(timeout=WAIT_MS)  # the waterfall drew
        before = total.inner_text()
        assert before.strip()

        handle = page.locator(".churn-slider-annual_value .noUi-handle").first
        handle.scroll_into_view_if_needed()
        if front_end == "jupyterlab":
            handle.focus()
            for _ in range(3):
                handle.press("ArrowRight")
        else:
            # Notebook 7 (7.6) takes arrow keys on a focused slider for its own cell navigation, so a
            # user there drags or clicks the track: click at three quarters of its length.
            track = page.locator(".churn-slider-annual_value .noUi-target").first.bounding_box()
            page.mouse.click(track["x"] + 0.75 * track["width"], track["y"] + track["height"] / 2)
        page.wait_for_function(
            "([selector, before]) => document.querySelector(selector).innerText !== before", arg=[TOTAL, before]
        )
        after = total.inner_text()
        assert after != before
        # The exact box followed the slider: it no longer shows the calibrated preset's value.
        entry = page.locator(".churn-entry-annual_value input").first
        assert entry.input_value() != ""
        assert page.locator(ERROR_OUTPUT).count() == 0, page.locator(ERROR_OUTPUT).first.inner_text()
        page.locator(".churn-explorer").first.scroll_into_view_if_needed()
        shot = _keep(page, tmp_path, f"explore_{front_end}.png")
        assert shot.stat().st_size > 10_000
    except Exception:
        _keep(page, tmp_path, f"explore_{front_end}_failure.png")  # what the page showed when it failed
        raise
    finally:
        page.close()
        _shut_down_kernels(url, token)
