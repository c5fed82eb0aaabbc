"""The result of a calibration (:class:`Calibration`): the estimates over all customers and per segment,
the effect model, the notes; and its plain-text report for the command line."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from estimator.calibration.columns import ENTRANT, REASON_CODES, UNCLASSIFIED, normalise
from estimator.calibration.messages import CalibrationWarning, share_digits
from estimator.calibration.statistics import EffectModel, Interval, _estimates, _figures, _fit_effect, _mean_interval, wilson
from estimator.core.parameters import PARAMETER_SPECS
from estimator.text.formatting import is_share_parameter

__all__ = ["SMALL_SEGMENT", "WIDE_INTERVAL", "Calibration", "format_calibration"]

#: An interval wider than this (high − low, for shares) is reported as too wide to rely on.
WIDE_INTERVAL = 0.2
#: Segments with fewer customers are flagged as small.
SMALL_SEGMENT = 100


@dataclass(frozen=True)
class Calibration:
    """Estimates of the model's parameters from one customer extract.

    Attributes
    ----------
    rows : int
        Customers (rows) read.
    mapping : dict
        Field → column used.
    estimates : dict
        Parameter key → :class:`Interval`, over all customers.
    by_segment : dict
        Segment → {parameter: Interval} (empty without a segment column).
    model : EffectModel or None
        The GLM of churn among complainers (None when not estimable or without ``resolved``).
    warnings : list of CalibrationWarning
    """

    rows: int
    mapping: dict[str, str]
    estimates: dict[str, Interval]
    by_segment: dict[str, dict[str, Interval]]
    model: EffectModel | None
    warnings: list[CalibrationWarning]
    #: Figures beside the inputs: churn among complainers and non-complainers (:data:`~.statistics.FIGURES`),
    #: the service share were every unknown reason poor service or none.
    figures: dict[str, Interval] = field(default_factory=dict)
    #: Every distinct churn reason: ``{"reason", "count", "class"}`` (class service, other, unknown or unclassified).
    reasons: list[dict[str, Any]] = field(default_factory=list)
    #: The reason classes set by hand (``--reason``, the app's table): reason → class.
    reason_overrides: dict[str, str] = field(default_factory=dict)
    #: The file's name, or the table or query read (for the provenance of values set from it).
    file: str = ""
    #: The engine that aggregated the rows (``duckdb``, ``spark``, ``postgresql``).
    engine: str = "duckdb"
    #: Customers who joined during the window (a status such as ``Joined``): not at risk, so left out of
    #: every churn denominator (and of ``customers``); their value still counts toward ``annual_value``.
    entrants: int = 0
    #: Rows left out for an invalid value (``drop_invalid``): per column, field, rows, first row, example.
    dropped: list[dict[str, Any]] = field(default_factory=list)
    #: A count in the complained column of at least this many is a complaint.
    complaint_threshold: int = 1
    #: Churn by complaint count (0, 1, 2, 3, 4+) when complained is a count: count, customers, churned, churn.
    complaint_counts: list[dict[str, Any]] = field(default_factory=list)
    #: The group counts kept to class reasons again without reading the file (not in the JSON).
    aggregation: Any = field(default=None, repr=False, compare=False)
    #: MODEL.md v3: the churn window, who was at risk, the adjusted baseline, the E-value
    #: (:class:`~estimator.calibration.adjustment.Adjustment`); None before :func:`~.adjustment.adjust`.
    adjustment: Any = None

    def to_dict(self) -> dict[str, Any]:
        """The CLI's JSON: rows, mapping, estimates, by_segment, model, warnings."""
        return {
            "file": self.file,
            "engine": self.engine,
            "rows": self.rows,
            "mapping": dict(self.mapping),
            "estimates": {key: item.to_dict() for key, item in self.estimates.items()},
            "by_segment": {
                segment: {key: item.to_dict() for key, item in values.items()} for segment, values in self.by_segment.items()
            },
            "model": self.model.to_dict() if self.model else None,
            "warnings": [w.to_dict() for w in self.warnings],
            "figures": {key: item.to_dict() for key, item in self.figures.items()},
            "reasons": [dict(row) for row in self.reasons],
            "reason_overrides": dict(self.reason_overrides),
            "entrants": int(self.entrants),
            "dropped_rows": sum(int(item["rows"]) for item in self.dropped),
            "dropped": [dict(item) for item in self.dropped],
            "complaint_threshold": int(self.complaint_threshold),
            "complaint_counts": [dict(row) for row in self.complaint_counts],
            **(self.adjustment.to_dict() if self.adjustment is not None else {}),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per (segment, parameter): value, ci_low, ci_high, n; the segment ``"all"`` first."""
        rows = [("all", key, item) for key, item in self.estimates.items()]
        rows += [(segment, key, item) for segment, values in self.by_segment.items() for key, item in values.items()]
        frame = pd.DataFrame(
            [
                {"segment": s, "parameter": k, "value": i.value, "ci_low": i.ci_low, "ci_high": i.ci_high, "n": i.n}
                for s, k, i in rows
            ]
        )
        return frame.set_index(["segment", "parameter"])

    def parameter_values(self, keys: Sequence[str] | None = None) -> dict[str, float]:
        """Values for :class:`~estimator.Parameters` (``keys`` or every defined estimate), clipped to valid ranges."""
        out = {}
        for key, item in self.estimates.items():
            if (keys is None or key in keys) and math.isfinite(item.value):
                spec = PARAMETER_SPECS[key]
                out[key] = float(min(max(item.value, spec.min), spec.max))
        return out

    def uncertainty_ranges(self, keys: Sequence[str] | None = None) -> dict[str, tuple[float, float]]:
        """(low, high) from the 95 % intervals, clipped to valid ranges, for the uncertainty analyses.

        ``customers`` is a count, not an estimate, and keeps its default range.
        """
        values = self.parameter_values(keys)
        out = {}
        for key, value in values.items():
            item = self.estimates[key]
            if key == "customers" or not (math.isfinite(item.ci_low) and math.isfinite(item.ci_high)):
                continue
            spec = PARAMETER_SPECS[key]
            low = float(min(max(item.ci_low, spec.min), value))
            high = float(max(min(item.ci_high, spec.max), value))
            out[key] = (low, high)
        return out


def _wide_interval_warnings(estimates: Mapping[str, Interval]) -> list[CalibrationWarning]:
    out = []
    for key, item in estimates.items():
        if not is_share_parameter(key):
            continue
        if item.n == 0:  # checked first: an empty group's estimate is NaN
            out.append(CalibrationWarning.of("no_customers", parameter=key))
        elif math.isfinite(item.value) and item.ci_high - item.ci_low > WIDE_INTERVAL:
            width = item.ci_high - item.ci_low
            out.append(
                CalibrationWarning.of("wide_interval", parameter=key, n=item.n, low=item.ci_low, high=item.ci_high, width=width)
            )
    return out


def _notes(groups: pd.DataFrame, mapping: Mapping[str, str]) -> list[CalibrationWarning]:
    out = []
    if "complained" in mapping and "had_problem" not in mapping:
        out.append(CalibrationWarning.of("baseline_biased"))
    if "complained" in mapping and "resolved" not in mapping:
        out.append(CalibrationWarning.of("no_resolved"))
    if "churn_reason" in mapping:
        missing = int(groups.loc[(groups["churned"] == 1) & groups["reason"].isna(), "n"].sum())
        if missing:
            out.append(CalibrationWarning.of("reasons_missing", count=missing))
    if "segment" in mapping and (blank := int(groups.loc[groups["segment"].isna(), "n"].sum())):
        out.append(CalibrationWarning.of("segment_blank", count=blank))
    return out


#: How the reasons beyond the listed ones are named in the output.
OTHER_REASONS_LABEL = "(other reasons)"


def _reason_list(table: pd.DataFrame | None, folded: int = 0) -> list[dict[str, Any]]:
    """Every listed reason with its churners and class; the reasons beyond the list as one last row with
    ``distinct`` (how many reasons it stands for)."""
    from estimator.calibration.aggregation import OTHER_REASONS

    if table is None:
        return []
    names = {code: name for name, code in REASON_CODES.items()}
    rows, other = [], None
    for row in table.itertuples(index=False):
        item = {"reason": str(row.reason), "count": int(row.n), "class": "unknown" if pd.isna(row.code) else names[int(row.code)]}
        if item["reason"] == OTHER_REASONS:
            other = {**item, "reason": OTHER_REASONS_LABEL, "distinct": int(folded)}
        else:
            rows.append(item)
    return rows + ([other] if other else [])


def _reason_notes(reasons: list[dict[str, Any]], overrides: Mapping[str, str]) -> tuple[list[CalibrationWarning], dict]:
    """Notes on unknown and unclassified reasons, with the service share's bounds; the bounds as figures."""
    count = lambda *classes: sum(r["count"] for r in reasons if r["class"] in classes)  # noqa: E731
    service, other, unsure = count("service"), count("other"), count("unknown", UNCLASSIFIED)
    notes, figures = [], {}
    if unsure and service + other + unsure:
        total = service + other + unsure
        figures = {
            "service_share_unknown_as_other": wilson(service, total),
            "service_share_unknown_as_service": wilson(service + unsure, total),
        }
        notes.append(
            CalibrationWarning.of(
                "reasons_unknown",
                count=unsure,
                known=service + other,
                low=service / total,
                high=(service + unsure) / total,
            )
        )
    unclassified = [r for r in reasons if r["class"] == UNCLASSIFIED and "distinct" not in r]
    folded = [r for r in reasons if "distinct" in r]
    if folded:
        notes.append(CalibrationWarning.of("reasons_folded", count=folded[0]["count"], distinct=folded[0]["distinct"]))
    if unclassified:
        shown = "; ".join(f"'{r['reason']}' ({r['count']:,})" for r in unclassified[:10])
        more = len(unclassified) - 10
        notes.append(
            CalibrationWarning.of(
                "reasons_unclassified",
                count=sum(r["count"] for r in unclassified),
                reasons=shown + (f" … (+{more})" if more > 0 else ""),
                example=unclassified[0]["reason"],
            )
        )
    seen = {normalise(r["reason"]) for r in reasons}
    for text in overrides:
        if normalise(text) not in seen:
            notes.append(CalibrationWarning.of("reason_override_unused", reason=text))
    return notes, figures


def _summarise(
    groups: pd.DataFrame,
    mapping: Mapping[str, str],
    notes: Sequence[CalibrationWarning] = (),
    reason_table: pd.DataFrame | None = None,
    reason_overrides: Mapping[str, str] | None = None,
    reasons_folded: int = 0,
) -> Calibration:
    reasons = _reason_list(reason_table, reasons_folded)
    reason_warnings, reason_figures = _reason_notes(reasons, reason_overrides or {}) if "churn_reason" in mapping else ([], {})
    # Entrants (joined during the window) are not at risk: out of every churn denominator, but their
    # value still counts (MODEL.md v3 §2).
    everyone = groups
    entrant = groups["churned"] == ENTRANT
    entrants = int(groups.loc[entrant, "n"].sum())
    groups = groups.loc[~entrant]
    warnings = [*notes, *_notes(groups, mapping), *reason_warnings]
    if entrants:
        warnings.insert(0, CalibrationWarning.of("entrants", count=entrants, column=mapping["churned"]))

    def estimated(at_risk: pd.DataFrame, all_rows: pd.DataFrame) -> dict[str, Interval]:
        out = _estimates(at_risk, mapping)
        if "annual_value" in out:
            out["annual_value"] = _mean_interval(all_rows)
        return out

    estimates = estimated(groups, everyone)
    warnings += _wide_interval_warnings(estimates)
    by_segment: dict[str, dict[str, Interval]] = {}
    if "segment" in mapping:
        labelled = groups.assign(segment=groups["segment"].fillna("(blank)"))
        labelled_all = everyone.assign(segment=everyone["segment"].fillna("(blank)"))
        for name, part in labelled.groupby("segment", sort=True):
            by_segment[str(name)] = estimated(part, labelled_all[labelled_all["segment"] == name])
            size = int(part["n"].sum())
            if size < SMALL_SEGMENT:
                warnings.append(CalibrationWarning.of("small_segment", segment=str(name), n=size))
            share = by_segment[str(name)].get("service_share")
            if share is not None and 0 < share.n < SMALL_SEGMENT and size >= SMALL_SEGMENT:
                warnings.append(
                    CalibrationWarning.of("small_segment_share", segment=str(name), n=share.n, parameter="service_share")
                )
    model = None
    if "resolved" in mapping and "complained" in mapping:
        model = _fit_effect(groups, "segment" in mapping and len(by_segment) > 1, warnings)
    return Calibration(
        entrants=entrants,
        rows=int(everyone["n"].sum()),
        mapping=dict(mapping),
        estimates=estimates,
        by_segment=by_segment,
        model=model,
        warnings=warnings,
        figures={**_figures(groups, mapping), **reason_figures},
        reasons=reasons,
        reason_overrides=dict(reason_overrides or {}),
    )


def format_calibration(result: Calibration) -> str:
    """A plain-text report: the estimates with intervals, per segment, the effect model and warnings."""

    def shown(key: str, value: float, digits: int | None = None) -> str:
        if not math.isfinite(value):
            return "—"
        if key in ("customers", "annual_value"):
            return f"{value:,.0f}" if key == "customers" else f"{value:,.2f}"
        if key == "silent_ratio":
            return f"{value:.3f}"
        return f"{value:.{share_digits(value) if digits is None else digits}%}"

    def shown_all(key: str, item: Interval) -> tuple[str, str, str]:
        """An estimate and its bounds with the same decimals, enough to tell 0.05 % from 0.1 %."""
        digits = share_digits(*(v for v in (item.value, item.ci_low, item.ci_high) if math.isfinite(v)))
        return shown(key, item.value, digits), shown(key, item.ci_low, digits), shown(key, item.ci_high, digits)

    head = f"{result.rows:,} customers; columns: " + ", ".join(f"{c} → {f}" for f, c in result.mapping.items())
    lines = [head]
    if result.entrants:
        lines.append(f"{result.entrants:,} joined during the window: not at risk, left out of every churn rate")
    if result.dropped:
        lines.append(
            f"{sum(d['rows'] for d in result.dropped):,} rows left out for invalid values (--drop-invalid): "
            + "; ".join(f"'{d['column']}' {d['rows']:,}" for d in result.dropped)
        )
    lines.append("")
    table = pd.DataFrame(
        [
            {
                "parameter": key,
                "estimate": shown_all(key, item)[0],
                "95% interval": "{1} – {2}".format(*shown_all(key, item)) if key != "customers" else "",
                "n": f"{item.n:,}",
            }
            for key, item in result.estimates.items()
        ]
    )
    lines.append(table.to_string(index=False))
    if "churn_complainers" in result.figures:
        lines += ["", "Churn by complaint:"]
        for key, label in (("churn_complainers", "complainers"), ("churn_non_complainers", "non-complainers")):
            if key not in result.figures:  # reasons give figures of their own; these need a complaint column
                continue
            value, low, high = shown_all(key, result.figures[key])
            lines.append(f"  {label:<16} {value:>7}  (95% interval {low} – {high}; n = {result.figures[key].n:,})")
    if result.complaint_counts:
        column = result.mapping.get("complained", "")
        lines += ["", f"Churn by '{column}' (a complaint from {result.complaint_threshold}, --complaint-threshold):"]
        for row in result.complaint_counts:
            churn = row["churn"]
            if not row["customers"]:
                lines.append(f"  {row['count']:>3}  no customers")
                continue
            digits = share_digits(*(v for v in (churn["value"], churn["ci_low"], churn["ci_high"]) if v is not None))
            lines.append(
                f"  {row['count']:>3}  {churn['value']:>7.{digits}%}  (95% interval {churn['ci_low']:.{digits}%} – "
                f"{churn['ci_high']:.{digits}%}; n = {row['customers']:,})"
            )
    if result.reasons:
        lines += ["", "Churn reasons (churned customers; class: service, other, unknown, unclassified):"]
        table = pd.DataFrame(result.reasons[:40]).rename(columns={"count": "churners"})
        table["reason"] = table["reason"].replace("", "(blank)")
        lines.append(table.to_string(index=False))
        if len(result.reasons) > 40:
            lines.append(f"  … and {len(result.reasons) - 40:,} more (see --format json)")
        if result.reason_overrides:
            lines.append("  set by hand: " + "; ".join(f"{k} = {v}" for k, v in result.reason_overrides.items()))
    if result.by_segment:
        frame = pd.DataFrame({s: {k: shown(k, i.value) for k, i in v.items()} for s, v in result.by_segment.items()})
        lines += ["", "By segment:", frame.to_string()]
    if result.model is not None:
        e = result.model.effect
        lines += [
            "",
            f"Churn model (binomial GLM on {result.model.n:,} complainers, churned ~ unresolved + segment):",
            f"  unresolved vs resolved complaint: log-odds {e['coef']:+.3f} ({e['ci_low']:+.3f} to {e['ci_high']:+.3f}), "
            f"odds ratio {e['odds_ratio']:.2f} ({e['or_low']:.2f} to {e['or_high']:.2f})",
        ]
    if result.adjustment is not None:
        lines += _adjustment_lines(result, shown_all)
    if result.warnings:
        lines += ["", "Warnings:", *(f"  - {w.message}" for w in result.warnings)]
    return "\n".join(lines)


def _adjustment_lines(result: Calibration, shown_all: Any) -> list[str]:
    """MODEL.md v3 in the text report: the window, who was at risk, crude vs adjusted, E-value, the CFO sentence."""
    from estimator.calibration.sentence import cfo_sentence, evalue_sentence

    a = result.adjustment
    window = f"{a.churn_window_months:g} months" + (" (assumed: no --churn-window)" if a.churn_window_assumed else "")
    lines = [
        "",
        f"Churn window: {window}; rates annualised as c = 1 - (1 - p)^(12/w).",
        f"Customers at risk: {a.customers_at_risk:,}"
        + (f"; the extract stands for {a.customers_stated:,.0f} customers" if a.customers_stated else "")
        + f"; currency: {a.currency or 'currency not stated'}",
    ]
    if a.kaplan_meier_12m is not None:
        km = a.kaplan_meier_12m
        lines.append(
            "Kaplan-Meier 12-month churn from {}: {} ({} – {}), beside the window-based {} ({} – {})".format(
                a.tenure_column, *shown_all("x", km), *shown_all("x", result.estimates["churn_rate"])
            )
        )
    if a.baseline_churn_crude is not None:
        by = f"adjusted for {a.adjusted_by} mix" if a.adjusted_by else "no segment column: not adjusted"
        lines += ["", f"Is it the complaint or the customer? (yearly rates, 95% intervals; {by})"]
        rows = (
            ("non-complainers (baseline)", a.baseline_churn_crude, a.baseline_churn_adjusted),
            ("complainers", a.complainer_churn_crude, a.complainer_churn_adjusted),
        )
        for label, crude, adjusted in rows:
            text = "{} ({} – {})".format(*shown_all("baseline_churn", crude))
            if adjusted is not None:
                text += "  adjusted {} ({} – {})".format(*shown_all("baseline_churn", adjusted))
            lines.append(f"  {label:<28} crude {text}")
        if a.attributable_share is not None:
            lines.append(
                "  share of churn attributable to poor service {} ({} – {})".format(*shown_all("x", a.attributable_share))
            )
        if math.isfinite(a.evalue):
            rr = a.risk_ratio
            lines.append(
                f"  risk ratio {rr.value:.2f} ({rr.ci_low:.2f} – {rr.ci_high:.2f}); E-value {a.evalue:.2f}, "
                f"for the interval's nearer end {a.evalue_bound:.2f}"
            )
            lines.append("  " + evalue_sentence(a.evalue))
        sentence = cfo_sentence(result.to_dict())
        if sentence:
            lines += ["", "In one sentence:", "  " + sentence]
    return lines
