"""Several people on one app server at once, in a real headless Chromium (run by hand, not a test).

    python bench/bench_load.py [--users 5] [--changes 10]

Starts ``streamlit run app.py`` on the loopback interface and opens ``--users`` pages, each in
its own browser context (its own Streamlit session), which all move a sidebar slider
``--changes`` times at the same time. Each key press is timed inside its page, from the keydown
to the headline showing the new value (as in ``bench_app.py``). The same load is put on the
baseline page of ``bench_app.py`` (one slider in an expander and one metric) in the same run,
and the ratios of the medians and 95th percentiles are printed (targets: 1.5x and 2x, no
errors). Bounded in count and time: every wait has a timeout, and the servers are stopped at
the end whatever happens.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.async_api import Page, async_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_app import (  # the helpers of the single-user benchmark
    _PROBE,
    BASELINE_APP,
    CHROMIUM,
    CHROMIUM_ARGS,
    HEADLINE,
    RUNNING,
    SLIDER,
    TIMEOUT_MS,
    cpu_seconds,
    free_port,
    percentile,
    start_server,
    wait_until_served,
)

#: No run of the benchmark may take longer than this, whatever the machine does.
RUN_LIMIT_S = 600


async def one_user(page: Page, url: str, changes: int, start: asyncio.Event) -> tuple[list[float], int]:
    """Open the app, wait for everyone, then move the slider; latencies (ms) and errors seen."""
    await page.goto(url)
    await page.wait_for_selector(HEADLINE, timeout=TIMEOUT_MS * 4)
    await page.wait_for_selector(RUNNING, state="detached", timeout=TIMEOUT_MS * 4)
    await page.locator('[data-testid="stExpander"] summary', has_text="Resignations").click()
    slider = page.locator(SLIDER)
    await slider.wait_for(state="attached", timeout=TIMEOUT_MS)
    await page.wait_for_selector(RUNNING, state="detached", timeout=TIMEOUT_MS)
    await page.evaluate(_PROBE)
    await start.wait()
    latencies, errors = [], 0
    for index in range(changes):
        before = await page.inner_text(HEADLINE)
        await page.evaluate("() => { window.__bench.changed = null; }")
        await slider.focus()
        await page.keyboard.press("ArrowRight" if index % 2 == 0 or index < changes // 2 else "ArrowLeft")
        try:
            await page.wait_for_function(
                f"() => document.querySelector('{HEADLINE}').textContent !== {before!r} && window.__bench.changed !== null",
                timeout=TIMEOUT_MS,
            )
        except Exception:  # a change that never showed counts as an error, and the run goes on
            errors += 1
            continue
        timings = await page.evaluate("() => window.__bench")
        latencies.append(timings["changed"] - timings["keydown"])
        await page.wait_for_selector(RUNNING, state="detached", timeout=TIMEOUT_MS)
    errors += await page.locator('[data-testid="stException"]').count()
    return latencies, errors


async def load(browser, script: str, users: int, changes: int) -> tuple[list[float], int, float]:
    """Every user's latencies on one server running ``script``, the errors counted, and the
    server's CPU milliseconds per slider change while everyone moves (see ``bench_app.py``)."""
    port = free_port()
    server = start_server(port, script)
    contexts = []
    try:
        wait_until_served(port, time.monotonic() + 60)
        start = asyncio.Event()
        pages = []
        for _ in range(users):
            context = await browser.new_context(viewport={"width": 1440, "height": 1000})
            contexts.append(context)
            pages.append(await context.new_page())
        tasks = [asyncio.create_task(one_user(page, f"http://127.0.0.1:{port}/", changes, start)) for page in pages]
        # Everyone starts moving at once, after every page has loaded (or failed to).
        # A user whose page failed counts as ready (its changes are counted as errors), so it
        # cannot keep the others waiting until the run's time limit.
        while sum(await _ready(pages)) + sum(task.done() for task in tasks) < users:
            await asyncio.sleep(0.1)
        cpu_before = cpu_seconds(server)
        start.set()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        cpu_used = cpu_seconds(server) - cpu_before
    finally:
        for context in contexts:
            await context.close()
        server.terminate()
        server.wait(timeout=10)
    latencies: list[float] = []
    errors = 0
    for result in results:
        if isinstance(result, BaseException):
            errors += changes
        else:
            latencies += result[0]
            errors += result[1]
    return latencies, errors, cpu_used / max(len(latencies), 1) * 1000


async def _ready(pages: list[Page]) -> list[int]:
    flags = []
    for page in pages:
        try:
            flags.append(int(await page.evaluate("() => Boolean(window.__bench)")))
        except Exception:
            flags.append(0)
    return flags


async def run(users: int, changes: int, app: str) -> tuple[tuple[list[float], int, float], tuple[list[float], int, float]]:
    with tempfile.TemporaryDirectory() as folder:
        baseline_script = Path(folder) / "baseline_app.py"
        baseline_script.write_text(BASELINE_APP)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                baseline = await load(browser, str(baseline_script), users, changes)
                ours = await load(browser, app, users, changes)
            finally:
                await browser.close()
    return ours, baseline


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=5, help="pages moving a slider at once (default 5, at most 20)")
    parser.add_argument("--changes", type=int, default=10, help="slider key presses per user (default 10, at most 50)")
    parser.add_argument("--app", default="app.py", help="script to serve (default app.py)")
    args = parser.parse_args()
    users, changes = min(max(args.users, 1), 20), min(max(args.changes, 1), 50)
    (latencies, errors, cpu), (base_latencies, base_errors, base_cpu) = asyncio.run(
        asyncio.wait_for(run(users, changes, args.app), timeout=RUN_LIMIT_S)
    )
    if not latencies or not base_latencies:
        print(f"no change was timed (errors: app {errors}, baseline {base_errors})")
        return 1
    median, p95 = statistics.median(latencies), percentile(latencies, 0.95)
    base_median, base_p95 = statistics.median(base_latencies), percentile(base_latencies, 0.95)
    print(f"{users} users at once, {changes} slider changes each: key press -> headline")
    print(f"  app:      median {median:.0f} ms, p95 {p95:.0f} ms, {len(latencies)} timed, {errors} errors")
    print(f"  baseline: median {base_median:.0f} ms, p95 {base_p95:.0f} ms, {len(base_latencies)} timed, {base_errors} errors")
    print(f"  ratios: median {median / base_median:.2f} (target <= 1.5), p95 {p95 / base_p95:.2f} (target <= 2)")
    print(f"  server CPU per change: app {cpu:.0f} ms, baseline {base_cpu:.0f} ms ({cpu / base_cpu:.2f}x)")
    ok = median / base_median <= 1.5 and p95 / base_p95 <= 2 and errors == 0
    print("within targets" if ok else "OUTSIDE TARGETS")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
