"""Benchmark: the uncertainty analyses an executive waits for.

Run by hand (not part of the tests):  python bench/bench_sensitivity.py [--repeats 5]

Times, on the generic preset with its default ranges (medians of --repeats runs):
  - a 100,000-draw Monte Carlo, a tornado and Sobol indices with N = 1,024, together
    (target: at most 1 s), and each part alone;
  - a 1,000,000-draw Monte Carlo (target: at most 2 s), random and Latin hypercube;
  - as a baseline in the same run, one evaluate() over the same 1,000,000 scenarios,
    so the cost of drawing and summarising can be told from the model's own; each
    million-draw run is printed as a ratio to it (targets: 5x random, 8x Latin hypercube).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from estimator import Parameters, evaluate
from estimator.analysis.sensitivity import UncertaintyRanges, draw_scenarios, monte_carlo, sobol_indices, tornado


def median_seconds(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    params = Parameters()
    ranges = UncertaintyRanges.around(params)
    sobol_indices(params, ranges, n=64)  # warm-up: SALib's import takes a second, once per process

    def together() -> None:
        monte_carlo(params, ranges, draws=100_000, seed=1)
        tornado(params, ranges)
        sobol_indices(params, ranges, n=1024, seed=1)

    draws = draw_scenarios(ranges, 1_000_000, seed=1)
    baseline = median_seconds(lambda: evaluate(params, validate=False, **draws), args.repeats)
    figures = {
        "Monte Carlo 100k + tornado + Sobol N=1024": (median_seconds(together, args.repeats), 1.0, None),
        "  Monte Carlo, 100,000 draws": (
            median_seconds(lambda: monte_carlo(params, ranges, draws=100_000, seed=1), args.repeats),
            None,
            None,
        ),
        "  tornado": (median_seconds(lambda: tornado(params, ranges), args.repeats), None, None),
        "  Sobol indices, N = 1,024": (
            median_seconds(lambda: sobol_indices(params, ranges, n=1024, seed=1), args.repeats),
            None,
            None,
        ),
        "Monte Carlo, 1,000,000 draws": (
            median_seconds(lambda: monte_carlo(params, ranges, draws=1_000_000, seed=1), args.repeats),
            2.0,
            5.0,
        ),
        "  drawing alone (random)": (
            median_seconds(lambda: draw_scenarios(ranges, 1_000_000, seed=1), args.repeats),
            None,
            None,
        ),
        "Monte Carlo, 1,000,000 draws, Latin hypercube": (
            median_seconds(lambda: monte_carlo(params, ranges, draws=1_000_000, seed=1, sampling="lhs"), args.repeats),
            None,
            8.0,
        ),
        "  drawing alone (Latin hypercube)": (
            median_seconds(lambda: draw_scenarios(ranges, 1_000_000, seed=1, sampling="lhs"), args.repeats),
            None,
            None,
        ),
    }
    print(f"{len(ranges.uncertain)} parameters with a range; medians of {args.repeats} runs")
    print(f"{'baseline: evaluate() on 1,000,000 drawn scenarios':52s} {baseline:7.3f} s")
    for label, (seconds, target, target_ratio) in figures.items():
        verdict = "" if target is None else f"   target <= {target:g} s: {'met' if seconds <= target else 'MISSED'}"
        ratio = ""
        if target_ratio is not None or "drawing" in label:
            ratio = f"   {seconds / baseline:5.1f}x the baseline"
            if target_ratio is not None:
                ratio += f" (target <= {target_ratio:g}x: {'met' if seconds / baseline <= target_ratio else 'MISSED'})"
        print(f"{label:52s} {seconds:7.3f} s{verdict}{ratio}")


if __name__ == "__main__":
    main()
