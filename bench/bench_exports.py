"""Benchmark: each deliverable with default settings (10,000 Monte Carlo draws), target at most 3 s.

For each format, the whole export is timed: the analyses (estimate, tornado, Monte Carlo,
levers, initiative) and writing the file. The baseline, measured in the same run, is the
analyses alone (:func:`estimator.reports.build_content`), so the figures show what writing
the file adds. Medians of several runs; the first run of each (imports, plotly.js read) is
reported separately as the cold start.

Run by hand: ``python bench/bench_exports.py [--runs 7]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from estimator import load_preset
from estimator.reports import DEFAULT_DRAWS, build_content, report_bytes

TARGET_SECONDS = 3.0


def _content():
    preset = load_preset("generic_b2c")
    return build_content(preset.parameters, sources=preset.sources, base=preset.parameters, draws=DEFAULT_DRAWS)


def _timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    cold = {kind: _timed(lambda kind=kind: report_bytes(_content(), kind)) for kind in ("pptx", "xlsx", "html")}
    baseline = [_timed(_content) for _ in range(runs)]
    base = statistics.median(baseline)
    print(f"baseline, analyses alone (build_content, {DEFAULT_DRAWS:,} draws): median {base:.3f} s over {runs} runs")
    print(f"{'format':<6} {'export median':>14} {'min':>8} {'max':>8} {'writing adds':>13} {'ratio':>6} {'cold':>7}  target")
    for kind in ("pptx", "xlsx", "html"):
        times = [_timed(lambda kind=kind: report_bytes(_content(), kind)) for _ in range(runs)]
        median = statistics.median(times)
        size = len(report_bytes(_content(), kind))
        verdict = "ok" if median <= TARGET_SECONDS else "TOO SLOW"
        print(
            f"{kind:<6} {median:>13.3f}s {min(times):>7.3f}s {max(times):>7.3f}s {median - base:>12.3f}s {median / base:>5.1f}x"
            f" {cold[kind]:>6.2f}s  ≤ {TARGET_SECONDS:g} s: {verdict} ({size / 1e6:.2f} MB)"
        )


if __name__ == "__main__":
    main()
