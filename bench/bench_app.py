"""How fast the app feels, measured in a real headless Chromium (run by hand, not a test).

    python bench/bench_app.py [--changes 30] [--runs 1]

Prints, for the app and for a baseline measured in the same run, and their ratio (the targets
of issue 14):

- start-up: from starting ``streamlit run app.py`` to the first interactive page (a slider
  and the headline figure on screen, the script run finished), median of ``--runs`` starts;
  target at most 1.5x the baseline;
- slider latency: from a key press on a slider to the headline figure showing the new value,
  over ``--changes`` presses; target p50 at most 1.3x and p95 at most 2x the baseline.

The baseline is a bare Streamlit page with one slider in an expander and one metric
(Streamlit's own floor on this machine), so the ratios say what the app adds to any page.

Beside the wall-clock figures it prints the server process's CPU seconds (user + system, from
``/proc``) to the first interactive page and per slider change: on a shared machine the wall
clock moves with everyone else's load, the server's own CPU time much less.

The latency is timed inside the page (``performance.now()`` at the keydown event and at the
mutation that changes the headline), so the Python side and the DevTools protocol add nothing.
Needs Debian's ``chromium`` at /usr/bin/chromium and the ``playwright`` package.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

# Chromium is launched with the browser tests' flags (one list, so the benchmark measures what they test).
from test_browser import CHROMIUM_ARGS  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
HEADLINE = '[data-testid="stMetricValue"]'
SLIDER = '[class*="st-key-slider_churn_rate-"] input[type="range"]'
ANY_SLIDER = '[data-testid="stSidebar"] [data-testid="stSlider"] input[type="range"]'
RUNNING = '[data-testid="stStatusWidget"]'
TIMEOUT_MS = 15_000

# Installed once per page: remembers when the last key went down and when the headline changed.
_PROBE = """
() => {
  window.__bench = {keydown: null, changed: null};
  document.addEventListener('keydown', () => { window.__bench.keydown = performance.now(); }, true);
  const headline = () => document.querySelector('HEADLINE').textContent;
  let last = headline();
  new MutationObserver(() => {
    const now = headline();
    if (now !== last) { last = now; window.__bench.changed = performance.now(); }
  }).observe(document.querySelector('[data-testid="stMain"]'), {subtree: true, childList: true, characterData: true});
}
""".replace("HEADLINE", HEADLINE)


# The baseline of issue 14: a bare page with one slider in an expander and one metric (the widgets
# the benchmark drives, and nothing else).
BASELINE_APP = """
import streamlit as st
with st.sidebar, st.expander("Resignations"):
    value = st.slider("Churn rate", 0.0, 100.0, 20.0, 0.5, key="slider_churn_rate-0")
st.metric("Yearly revenue lost", f"{value * 123456.78:,.0f}")
"""


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, script: str = "app.py", log: str | None = None) -> subprocess.Popen:
    """``streamlit run <script>`` on 127.0.0.1:``port``, as a user would start it."""
    command = [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true"]
    command += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    errors = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115 - lives as long as the server
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=errors)


def wait_until_served(port: int, deadline: float) -> None:
    """Poll the health endpoint until the server answers."""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.02)
    raise TimeoutError("the server did not answer in time")


def cpu_seconds(process: subprocess.Popen) -> float:
    """User + system CPU seconds the process has used so far (Linux ``/proc``; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_idle(page: Page) -> None:
    """Wait until no script run is in progress (the status widget is gone)."""
    page.wait_for_selector(RUNNING, state="detached", timeout=TIMEOUT_MS)


def measure_startup(page: Page, script: str = "app.py", log: str | None = None) -> tuple[subprocess.Popen, int, float]:
    """Start the server and load the page; seconds from start to the first interactive page."""
    port = free_port()
    started = time.monotonic()
    server = start_server(port, script, log)
    try:
        wait_until_served(port, started + 30)
        page.goto(f"http://127.0.0.1:{port}/")
        page.wait_for_selector(HEADLINE, timeout=TIMEOUT_MS)
        page.wait_for_selector(ANY_SLIDER, state="attached", timeout=TIMEOUT_MS)
        wait_idle(page)
    except BaseException:
        server.kill()  # never leave a server running to load the next measurement
        raise
    return server, port, time.monotonic() - started


def measure_slider(page: Page, changes: int) -> list[float]:
    """Milliseconds from each slider key press to the headline showing its new value."""
    page.locator('[data-testid="stExpander"] summary', has_text="Resignations").click()
    slider = page.locator(SLIDER)
    slider.wait_for(state="attached", timeout=TIMEOUT_MS)
    wait_idle(page)
    page.evaluate(_PROBE)
    latencies = []
    for index in range(changes):
        before = page.inner_text(HEADLINE)
        page.evaluate("() => { window.__bench.changed = null; }")
        slider.focus()
        # Up and down in turn, so the value stays in a realistic range however many changes.
        page.keyboard.press("ArrowRight" if index % 2 == 0 or index < changes // 2 else "ArrowLeft")
        page.wait_for_function(
            f"() => document.querySelector('{HEADLINE}').textContent !== {before!r} && window.__bench.changed !== null",
            timeout=TIMEOUT_MS,
        )
        timings = page.evaluate("() => window.__bench")
        latencies.append(timings["changed"] - timings["keydown"])
        wait_idle(page)
    if page.locator('[data-testid="stException"]').count():
        raise RuntimeError("the app showed an exception during the benchmark")
    return latencies


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile by linear interpolation (``share=0.95`` for p95)."""
    ordered = sorted(values)
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def measure(
    browser, script: str, runs: int, changes: int, log: str | None
) -> tuple[list[float], list[float], list[float], float]:
    """Start-up seconds of ``runs`` server starts and slider latencies (ms) on the first; the
    server's CPU seconds to each first interactive page, and per slider change (ms) on the first."""
    startups: list[float] = []
    latencies: list[float] = []
    cpu_startups: list[float] = []
    cpu_per_change = float("nan")
    for run in range(runs):
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        server, _, seconds = measure_startup(page, script, log)
        try:
            startups.append(seconds)
            cpu_startups.append(cpu_seconds(server))
            if run == 0:
                before = cpu_seconds(server)
                latencies = measure_slider(page, changes)
                cpu_per_change = (cpu_seconds(server) - before) / changes * 1000
        finally:
            page.close()
            server.terminate()
            server.wait(timeout=10)
    return startups, latencies, cpu_startups, cpu_per_change


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=30, help="slider key presses to time (default 30)")
    parser.add_argument("--runs", type=int, default=3, help="server starts to time (default 3)")
    parser.add_argument("--app", default="app.py", help="script to serve (e.g. an instrumented copy; default app.py)")
    parser.add_argument("--server-log", help="write the server's stderr here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        baseline_script = Path(folder) / "baseline_app.py"
        baseline_script.write_text(BASELINE_APP)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            base_startups, base_latencies, base_cpu, base_cpu_change = measure(
                browser, str(baseline_script), args.runs, args.changes, None
            )
            startups, latencies, cpu, cpu_change = measure(browser, args.app, args.runs, args.changes, args.server_log)
        finally:
            browser.close()

    median, p95 = statistics.median(latencies), percentile(latencies, 0.95)
    base_median, base_p95 = statistics.median(base_latencies), percentile(base_latencies, 0.95)
    startup, base_startup = statistics.median(startups), statistics.median(base_startups)
    print(f"start-up to first interactive page, {len(startups)} starts: app {', '.join(f'{s:.2f}' for s in startups)} s")
    rows = [
        ("start-up (median)", startup, base_startup, "s", 1.5),
        ("slider -> headline p50", median, base_median, "ms", 1.3),
        ("slider -> headline p95", p95, base_p95, "ms", 2.0),
    ]
    print(f"{'what':<24} {'app':>9} {'bare page':>10} {'ratio':>7} {'target':>7}")
    ok = True
    for name, ours, base, unit, target in rows:
        ratio = ours / base
        ok = ok and ratio <= target
        figure = f"{ours:.2f} {unit}" if unit == "s" else f"{ours:.0f} {unit}"
        baseline = f"{base:.2f} {unit}" if unit == "s" else f"{base:.0f} {unit}"
        print(f"{name:<24} {figure:>9} {baseline:>10} {ratio:>6.2f}x {'<= ' + str(target) + 'x':>7}")
    print(f"slider: {len(latencies)} changes, min {min(latencies):.0f} ms, max {max(latencies):.0f} ms")
    cpu_startup, base_cpu_startup = statistics.median(cpu), statistics.median(base_cpu)
    print(
        f"server CPU to first interactive page (median): app {cpu_startup:.2f} s, bare page {base_cpu_startup:.2f} s "
        f"({cpu_startup / base_cpu_startup:.2f}x); per slider change: app {cpu_change:.0f} ms, "
        f"bare page {base_cpu_change:.0f} ms ({cpu_change / base_cpu_change:.2f}x)"
    )
    print("within targets" if ok else "OUTSIDE TARGETS")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
