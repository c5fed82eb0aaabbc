"""Generate ``data/sample_customers.csv``: a synthetic customer extract with known true parameters.

Each customer belongs to a segment, may complain (and have the complaint resolved or not), may
report a problem in a survey without complaining (a silent dissatisfied customer), has an annual
value, may churn, and a churner gives a reason. The probabilities below ARE the truth that
calibration should recover; :func:`true_parameters` turns them into MODEL.md's parameters, overall
and per segment (the tests check that the 95 % intervals cover them).

True values per segment (weights 0.6 / 0.3 / 0.1):

=================  =========  ==============  =======
                   consumer   small_business  premium
=================  =========  ==============  =======
complaint_rate r   0.10       0.14            0.20
resolved_share h   0.65       0.70            0.80
churn_resolved     0.15       0.10            0.08
churn_unresolved   0.40       0.30            0.25
P(problem | quiet) 0.20       0.25            0.25
churn_silent       0.30       0.20            0.15
baseline_churn     0.12       0.08            0.05
mean annual value  480        1,800           4,200
=================  =========  ==============  =======

Churners name a poor-service reason with probability 0.3 (resolved complainers), 0.8
(unresolved), 0.6 (silent) and 0.1 (no problem). Run ``python scripts/make_sample_customers.py``
(seed 2026, 20,000 customers) or call :func:`generate` for other sizes (the benchmark makes ten
million rows with it).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 2026
ROWS = 20_000
SEGMENTS = ("consumer", "small_business", "premium")
WEIGHTS = (0.6, 0.3, 0.1)
TRUTH = {
    "complaint_rate": (0.10, 0.14, 0.20),
    "resolved_share": (0.65, 0.70, 0.80),
    "churn_resolved": (0.15, 0.10, 0.08),
    "churn_unresolved": (0.40, 0.30, 0.25),
    "problem_share": (0.20, 0.25, 0.25),
    "churn_silent": (0.30, 0.20, 0.15),
    "baseline_churn": (0.12, 0.08, 0.05),
    "annual_value": (480.0, 1800.0, 4200.0),
}
#: Probability that a churner names a poor-service reason, by group.
SERVICE_REASON = {"resolved": 0.3, "unresolved": 0.8, "silent": 0.6, "none": 0.1}
#: Log-normal spread of annual values (the mean is the segment's true mean).
VALUE_SIGMA = 0.5
SERVICE_REASONS = ("rude staff", "long waiting on hold", "complaint not resolved", "impolite agent")
OTHER_REASONS = ("price", "moved away", "no longer needed", "offer from a competitor", "contract ended")


def _segment_truth(i: int) -> dict[str, float]:
    """MODEL.md's parameters for segment ``i``, and the group masses needed to mix segments."""
    r, h = TRUTH["complaint_rate"][i], TRUTH["resolved_share"][i]
    cr, cu = TRUTH["churn_resolved"][i], TRUTH["churn_unresolved"][i]
    q, cs, c0 = TRUTH["problem_share"][i], TRUTH["churn_silent"][i], TRUTH["baseline_churn"][i]
    masses = {"resolved": r * h, "unresolved": r * (1 - h), "silent": (1 - r) * q, "none": (1 - r) * (1 - q)}
    churn = {"resolved": cr, "unresolved": cu, "silent": cs, "none": c0}
    churn_mass = sum(masses[g] * churn[g] for g in masses)
    return {
        "annual_value": TRUTH["annual_value"][i],
        "churn_rate": churn_mass,
        "complaint_rate": r,
        "resolved_share": h,
        "churn_resolved": cr,
        "churn_unresolved": cu,
        "baseline_churn": c0,
        "churn_silent": cs,
        "silent_ratio": masses["silent"] / r,
        "service_share": sum(masses[g] * churn[g] * SERVICE_REASON[g] for g in masses) / churn_mass,
        # masses for mixing
        "_complainers": r,
        "_resolved": masses["resolved"],
        "_unresolved": masses["unresolved"],
        "_silent": masses["silent"],
        "_none": masses["none"],
        "_churn": churn_mass,
        "_service_churn": sum(masses[g] * churn[g] * SERVICE_REASON[g] for g in masses),
    }


def true_parameters() -> dict[str, dict[str, float]]:
    """The true parameters: ``{"all": {...}, "consumer": {...}, ...}`` (MODEL.md keys)."""
    per = {name: _segment_truth(i) for i, name in enumerate(SEGMENTS)}
    w = dict(zip(SEGMENTS, WEIGHTS, strict=True))

    def mix(key: str) -> float:
        return sum(w[s] * per[s][key] for s in SEGMENTS)

    overall = {
        "annual_value": mix("annual_value"),
        "churn_rate": mix("_churn"),
        "complaint_rate": mix("_complainers"),
        "resolved_share": mix("_resolved") / mix("_complainers"),
        "churn_resolved": sum(w[s] * per[s]["_resolved"] * per[s]["churn_resolved"] for s in SEGMENTS) / mix("_resolved"),
        "churn_unresolved": sum(w[s] * per[s]["_unresolved"] * per[s]["churn_unresolved"] for s in SEGMENTS) / mix("_unresolved"),
        "baseline_churn": sum(w[s] * per[s]["_none"] * per[s]["baseline_churn"] for s in SEGMENTS) / mix("_none"),
        "churn_silent": sum(w[s] * per[s]["_silent"] * per[s]["churn_silent"] for s in SEGMENTS) / mix("_silent"),
        "silent_ratio": mix("_silent") / mix("_complainers"),
        "service_share": mix("_service_churn") / mix("_churn"),
    }
    clean = lambda values: {k: v for k, v in values.items() if not k.startswith("_")}  # noqa: E731
    return {"all": overall, **{name: clean(values) for name, values in per.items()}}


def generate(rows: int = ROWS, seed: int = SEED) -> pd.DataFrame:
    """``rows`` synthetic customers drawn from :data:`TRUTH` with ``seed`` (vectorised)."""
    rng = np.random.default_rng(seed)
    segment = rng.choice(len(SEGMENTS), size=rows, p=WEIGHTS)
    pick = lambda key: np.asarray(TRUTH[key])[segment]  # noqa: E731
    complained = rng.random(rows) < pick("complaint_rate")
    resolved = complained & (rng.random(rows) < pick("resolved_share"))
    silent = ~complained & (rng.random(rows) < pick("problem_share"))
    churn_p = np.where(
        complained,
        np.where(resolved, pick("churn_resolved"), pick("churn_unresolved")),
        np.where(silent, pick("churn_silent"), pick("baseline_churn")),
    )
    churned = rng.random(rows) < churn_p
    service_p = np.where(
        complained,
        np.where(resolved, SERVICE_REASON["resolved"], SERVICE_REASON["unresolved"]),
        np.where(silent, SERVICE_REASON["silent"], SERVICE_REASON["none"]),
    )
    service = rng.random(rows) < service_p
    reason_service = np.asarray(SERVICE_REASONS, dtype=object)[rng.integers(len(SERVICE_REASONS), size=rows)]
    reason_other = np.asarray(OTHER_REASONS, dtype=object)[rng.integers(len(OTHER_REASONS), size=rows)]
    reason = np.where(churned, np.where(service, reason_service, reason_other), "")
    # Log-normal with the segment's true mean: mean = exp(mu + sigma²/2).
    mu = np.log(pick("annual_value")) - VALUE_SIGMA**2 / 2
    value = np.round(rng.lognormal(mu, VALUE_SIGMA), 2)
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:08d}" for i in range(1, rows + 1)],
            "segment": np.asarray(SEGMENTS, dtype=object)[segment],
            "annual_value": value,
            "complained": complained.astype(int),
            "resolved": np.where(complained, resolved.astype(int).astype(str), ""),
            "had_problem": (complained | silent).astype(int),
            "churned": churned.astype(int),
            "churn_reason": reason,
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--seed", type=int, default=SEED)
    default = Path(__file__).resolve().parent.parent / "data" / "sample_customers.csv"
    parser.add_argument("--output", type=Path, default=default)
    args = parser.parse_args()
    generate(args.rows, args.seed).to_csv(args.output, index=False)
    print(f"wrote {args.rows:,} customers to {args.output}")


if __name__ == "__main__":
    main()
