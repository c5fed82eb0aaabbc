"""Benchmark: the uncertainty analyses an executive waits for.

Run by hand (not part of the tests):  python bench/bench_sensitivity.py [--repeats 5]

Times, on the generic preset with its default ranges (medians of --repeats runs):
  - a 100,000-draw Monte Carlo, a tornado and Sobol indices with N = 1,024, together
    (target: at most 1 s), and each part alone;
  - a 1,000,000-draw Monte Carlo (target: at most 2 s), random and Latin hypercube, and
    the drawing alone;
  - as a baseline, one evaluate() over the same 1,000,000 scenarios (drawn beforehand), so
    the cost of drawing and summarising can be told from the model's own. The baseline is
    timed again just before and after each million-draw row, and each row is printed as the
    ratio of the medians (targets: 5x random, 8x Latin hypercube), by the wall clock and by
    CPU time (all threads; on a shared machine the wall clock also counts other processes'
    turns, CPU time does not).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from estimator import Parameters, evaluate
from estimator.analysis.sensitivity import UncertaintyRanges, draw_scenarios, monte_carlo, sobol_indices, tornado


def timed(function: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one call."""
    start, start_cpu = time.perf_counter(), time.process_time()
    function()
    return time.perf_counter() - start, time.process_time() - start_cpu


def median_seconds(function: Callable[[], object], repeats: int) -> float:
    return statistics.median(timed(function)[0] for _ in range(repeats))


def paired(function: Callable[[], object], baseline: Callable[[], object], repeats: int) -> dict[str, float]:
    """Medians of ``function``'s times and of ``baseline``'s, run just before and just after it.

    The baseline runs in a row of its own (a first run after other work can pay for fresh memory
    the later ones reuse), before and after ``function``'s row, so both see the same machine.
    """
    before = [timed(baseline) for _ in range(repeats)]
    runs = [timed(function) for _ in range(repeats)]
    base = before + [timed(baseline) for _ in range(repeats)]
    median = statistics.median
    figures = {
        "wall": median(run[0] for run in runs),
        "cpu": median(run[1] for run in runs),
        "baseline_wall": median(run[0] for run in base),
        "baseline_cpu": median(run[1] for run in base),
    }
    figures["ratio_wall"] = figures["wall"] / figures["baseline_wall"]
    figures["ratio_cpu"] = figures["cpu"] / figures["baseline_cpu"]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    params = Parameters()
    ranges = UncertaintyRanges.around(params)
    sobol_indices(params, ranges, n=64)  # warm-up: SALib's import takes a second, once per process
    monte_carlo(params, ranges, draws=1000, seed=1, sampling="lhs")  # and the quantile tables, once

    def together() -> None:
        monte_carlo(params, ranges, draws=100_000, seed=1)
        tornado(params, ranges)
        sobol_indices(params, ranges, n=1024, seed=1)

    print(f"{len(ranges.uncertain)} parameters with a range; medians of {args.repeats} runs")
    for label, function, target in (
        ("Monte Carlo 100k + tornado + Sobol N=1024", together, 1.0),
        ("  Monte Carlo, 100,000 draws", lambda: monte_carlo(params, ranges, draws=100_000, seed=1), None),
        ("  tornado", lambda: tornado(params, ranges), None),
        ("  Sobol indices, N = 1,024", lambda: sobol_indices(params, ranges, n=1024, seed=1), None),
    ):
        seconds = median_seconds(function, args.repeats)
        verdict = "" if target is None else f"   target <= {target:g} s: {'met' if seconds <= target else 'MISSED'}"
        print(f"{label:48s} {seconds:7.3f} s{verdict}")

    draws = draw_scenarios(ranges, 1_000_000, seed=1)

    def baseline() -> None:
        evaluate(params, validate=False, **draws)

    print(f"\n{'million-draw runs, each against evaluate() on 1,000,000 scenarios':48s}")
    print(f"{'':48s} {'wall':>8s} {'baseline':>9s} {'ratio':>6s} | {'CPU':>7s} {'baseline':>9s} {'ratio':>6s}")
    for label, function, target_seconds, target_ratio in (
        ("Monte Carlo, 1,000,000 draws", lambda: monte_carlo(params, ranges, draws=1_000_000, seed=1), 2.0, 5.0),
        ("  drawing alone (random)", lambda: draw_scenarios(ranges, 1_000_000, seed=1), None, None),
        (
            "Monte Carlo, 1,000,000 draws, Latin hypercube",
            lambda: monte_carlo(params, ranges, draws=1_000_000, seed=1, sampling="lhs"),
            None,
            8.0,
        ),
        ("  drawing alone (Latin hypercube)", lambda: draw_scenarios(ranges, 1_000_000, seed=1, sampling="lhs"), None, None),
    ):
        f = paired(function, baseline, args.repeats)
        line = (
            f"{label:48s} {f['wall']:7.3f}s {f['baseline_wall']:8.3f}s {f['ratio_wall']:5.1f}x"
            f" | {f['cpu']:6.3f}s {f['baseline_cpu']:8.3f}s {f['ratio_cpu']:5.1f}x"
        )
        if target_seconds is not None:
            line += f"   <= {target_seconds:g} s: {'met' if f['wall'] <= target_seconds else 'MISSED'}"
        if target_ratio is not None:
            line += f"   <= {target_ratio:g}x: {'met' if f['ratio_wall'] <= target_ratio else 'MISSED'}"
        print(line)


if __name__ == "__main__":
    main()
