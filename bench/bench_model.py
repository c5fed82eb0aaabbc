"""Benchmark: one vectorised call over a million scenarios vs a plain Python loop.

Run by hand (not part of the tests):  python bench/bench_model.py [--scenarios 1000000]

Draws N random valid scenarios (every parameter uniform over its valid range, method at
random), then times, in the same run:
  - evaluate() on all of them in one call, validation included (median of --repeats runs),
    and its peak memory (tracemalloc);
  - the same scenarios through a plain loop over tests/reference_model.py, a scalar
    transcription of MODEL.md (median of --loop-repeats runs);
  - estimate() on one scenario, the call behind every slider move (median of 2,000 calls).
Targets on the 2-core machine: at most 0.5 s for the million, at least 50x faster than the loop.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from reference_model import reference_outputs  # noqa: E402

from estimator import PARAMETER_SPECS, estimate, evaluate  # noqa: E402


def random_scenarios(count: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    scenarios = {}
    for key, spec in PARAMETER_SPECS.items():
        if spec.kind == "choice":
            scenarios[key] = rng.choice(np.array(spec.choices), size=count)
        elif spec.kind == "integer":
            scenarios[key] = rng.integers(int(spec.min), int(spec.max), size=count, endpoint=True).astype(float)
        else:
            scenarios[key] = rng.uniform(spec.min, spec.max, size=count)
    return scenarios


def timed(function, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenarios", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=7, help="runs of the vectorised call")
    parser.add_argument("--loop-repeats", type=int, default=3, help="runs of the Python loop")
    parser.add_argument("--seed", type=int, default=20261124)
    args = parser.parse_args()

    scenarios = random_scenarios(args.scenarios, args.seed)
    rows = [dict(zip(scenarios, values, strict=True)) for values in zip(*(a.tolist() for a in scenarios.values()), strict=True)]

    evaluate(scenarios)  # warm-up: imports, caches
    vectorised = timed(lambda: evaluate(scenarios), args.repeats)
    tracemalloc.start()
    outputs = evaluate(scenarios)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    loop_totals: list[float] = []
    loop = timed(
        lambda: loop_totals.__setitem__(slice(None), [reference_outputs(row)["total"] for row in rows]), args.loop_repeats
    )
    # The two must agree, or the comparison means nothing.
    np.testing.assert_allclose(outputs.total, loop_totals, rtol=1e-9, atol=1e-6 * float(np.max(outputs.total)) * 1e-9)

    single = timed(lambda: estimate(churn_rate=0.2), 2000)

    vec, ref = statistics.median(vectorised), statistics.median(loop)
    print(f"scenarios                  {args.scenarios:,}")
    print(
        f"vectorised evaluate()      median {vec:.3f} s  "
        f"(min {min(vectorised):.3f}, max {max(vectorised):.3f}, {args.repeats} runs)"
    )
    print(f"  peak memory              {peak / 2**20:,.0f} MiB")
    print(f"plain Python loop          median {ref:.2f} s  ({args.loop_repeats} runs)")
    print(f"speed-up                   {ref / vec:,.0f}x")
    print(f"one estimate() call        median {statistics.median(single) * 1e3:.3f} ms")
    print(f"targets: <= 0.5 s -> {'met' if vec <= 0.5 else 'MISSED'}; >= 50x -> {'met' if ref / vec >= 50 else 'MISSED'}")


if __name__ == "__main__":
    main()
