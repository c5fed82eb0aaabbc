"""Benchmark: team mode's sign-in to first screen, in Chromium, against a real OpenID Connect provider.

Run by hand (not part of the tests):  python bench/bench_sign_in.py [--repeats 5]

Starts oidc-provider-mock, the app in team mode (CHURN_ESTIMATOR_TEAM=1) on a SQLite library and
Chromium; each repeat is a fresh browser context (no cookie) that presses "Sign in", types the email
on the provider's form and waits for the headline figure. Prints each time and the median, and for
comparison the single-user app's first screen (no sign-in) in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from team_servers import free_port, oidc_provider, sign_in, team_app, write_secrets  # noqa: E402
from test_browser import CHROMIUM, CHROMIUM_ARGS, HEADLINE, app_server  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp())
    port = free_port()
    with oidc_provider() as issuer, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        secrets = write_secrets(folder, issuer, f"http://127.0.0.1:{port}")
        team_times, solo_times = [], []
        with team_app(str(folder / "library.sqlite3"), secrets, port) as url:
            for repeat in range(args.repeats + 1):  # the first warms the server's imports, not counted
                page = browser.new_context().new_page()
                start = time.perf_counter()
                sign_in(page, url, f"user{repeat}@firm.example")
                page.wait_for_selector(HEADLINE, timeout=60_000)
                if repeat:
                    team_times.append(time.perf_counter() - start)
                page.context.close()
        with app_server({"CHURN_ESTIMATOR_DB": str(folder / "solo.sqlite3")}) as url:
            for repeat in range(args.repeats + 1):
                page = browser.new_context().new_page()
                start = time.perf_counter()
                page.goto(url)
                page.wait_for_selector(HEADLINE, timeout=60_000)
                if repeat:
                    solo_times.append(time.perf_counter() - start)
                page.context.close()
        browser.close()
    print("sign-in to first screen (s):", " ".join(f"{x:.2f}" for x in team_times), f"median {statistics.median(team_times):.2f}")
    print(
        "single-user first screen (s):", " ".join(f"{x:.2f}" for x in solo_times), f"median {statistics.median(solo_times):.2f}"
    )


if __name__ == "__main__":
    main()
