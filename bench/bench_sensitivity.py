"""Benchmark: the uncertainty analyses an executive waits for.

Run by hand (not part of the tests):  python bench/bench_sensitivity.py [--repeats 5]

Times, on the generic preset with its default ranges (medians of --repeats runs):
  - a 100,000-draw Monte Carlo, a tornado and Sobol indices with N = 1,024, together
    (target: at most 1 s), and each part alone;
  - a 1,000,000-draw Monte Carlo (target: at most 2 s), random and Latin hypercube;
  - as a baseline in the same run, one evaluate() over the same 1,000,000 scenarios,
    so the cost of drawing and summarising can be told from the model's own.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from estimator import Parameters, evaluate
from estimator.sensitivity import UncertaintyRanges, draw_scenarios, monte_carlo, sobol_indices, tornado


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
    figures = {
        "Monte Carlo 100k + tornado + Sobol N=1024": (median_seconds(together, args.repeats), 1.0),
        "  Monte Carlo, 100,000 draws": (
            median_seconds(lambda: monte_carlo(params, ranges, draws=100_000, seed=1), args.repeats),
            None,
        ),
        "  tornado": (median_seconds(lambda: tornado(params, ranges), args.repeats), None),
        "  Sobol indices, N = 1,024": (median_seconds(lambda: sobol_indices(params, ranges, n=1024, seed=1), args.repeats), None),
        "Monte Carlo, 1,000,000 draws": (
            median_seconds(lambda: monte_carlo(params, ranges, draws=1_000_000, seed=1), args.repeats),
            2.0,
        ),
        "Monte Carlo, 1,000,000 draws, Latin hypercube": (
            median_seconds(lambda: monte_carlo(params, ranges, draws=1_000_000, seed=1, sampling="lhs"), args.repeats),
            None,
        ),
        "baseline: evaluate() on 1,000,000 drawn scenarios": (
            median_seconds(lambda: evaluate(params, validate=False, **draws), args.repeats),
            None,
        ),
    }
    for label, (seconds, target) in figures.items():
        verdict = "" if target is None else f"   target <= {target:g} s: {'met' if seconds <= target else 'MISSED'}"
        print(f"{label:52s} {seconds:7.3f} s{verdict}")


if __name__ == "__main__":
    main()
