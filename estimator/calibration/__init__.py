"""Calibrate the model from a client's own customer extract, with 95 % intervals.

A customer-level table (CSV, XLSX or Parquet) is read by DuckDB and reduced in SQL to counts per
group (segment × churned × complained × resolved × had a problem × churn reason class), so a file
of ten million rows never becomes a pandas frame. Everything else works on those counts:

- proportions (churn rate, complaint rate, churn of resolved / unresolved complainers, of
  silent dissatisfied customers, baseline churn...) with Wilson intervals (statsmodels);
- the mean annual value with a t interval, from per-group means and variances combined exactly;
- a binomial GLM on the aggregated counts of complainers, churn ~ unresolved + segment, whose
  coefficients equal a logistic regression on the raw rows.

The package, in the order a file goes through it:

- :mod:`.sources` — one module per format (``csv``, ``xlsx``, ``parquet``) behind one registry;
- :mod:`.columns` — the vocabulary of ``data/calibration_columns.toml`` and the column matching;
- :mod:`.aggregation` — the SQL from rows to group counts, and the checks on them;
- :mod:`.statistics` — Wilson intervals, the mean's t interval, the GLM;
- :mod:`.result` — :class:`Calibration` and its text report; :mod:`.messages` — every error and note.

Bad input raises :class:`CalibrationError`, a one-line message naming the problem with an example
row; nothing in a file is ever executed.

Examples
--------
>>> from estimator.calibration import calibrate
>>> result = calibrate("data/sample_customers.csv")            # doctest: +SKIP
>>> result.estimates["churn_rate"].value, result.to_frame()     # doctest: +SKIP
>>> Parameters(result.parameter_values())                       # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from estimator.calibration.adjustment import Adjustment, adjust
from estimator.calibration.aggregation import (
    COUNT_BUCKETS,
    MAX_REASONS,
    MAX_SEGMENTS,
    Groups,
    _number_sql,
    as_text,
    disagreements,
    read_groups,
    recode_reasons,
    validate,
)
from estimator.calibration.columns import (
    ENTRANT,
    FIELDS,
    FLAG_FIELDS,
    MISSING_WORDS,
    REQUIRED_FIELDS,
    ColumnPlan,
    Vocabulary,
    auto_mapping,
    bare_name,
    closest_columns,
    flag_code,
    is_contact_name,
    normalise,
    parse_mapping,
    parse_reasons,
    reason_class,
    reason_code,
    vocabulary,
)
from estimator.calibration.columns import value_period as value_period_of
from estimator.calibration.engines import ENGINES, Engine, Progress, open_engine
from estimator.calibration.formats import FORMATS
from estimator.calibration.messages import (
    DROPPABLE_MESSAGES,
    ERROR_MESSAGES,
    ROW_MESSAGES,
    WARNING_MESSAGES,
    CalibrationError,
    CalibrationWarning,
    calibration_text,
)
from estimator.calibration.result import SMALL_SEGMENT, WIDE_INTERVAL, Calibration, _summarise, format_calibration
from estimator.calibration.sql import sql_ident
from estimator.calibration.statistics import CONFIDENCE, EffectModel, Interval, design_frame, wilson
from estimator.calibration.window import check_window
from estimator.deprecations import moved_name

__all__ = [
    "CONFIDENCE",
    "DROPPABLE_MESSAGES",
    "ENGINES",
    "ERROR_MESSAGES",
    "FIELDS",
    "FLAG_FIELDS",
    "FORMATS",
    "MAX_REASONS",
    "MAX_SEGMENTS",
    "MISSING_WORDS",
    "REQUIRED_FIELDS",
    "ROW_MESSAGES",
    "SMALL_SEGMENT",
    "WARNING_MESSAGES",
    "WIDE_INTERVAL",
    "Adjustment",
    "Calibration",
    "CalibrationError",
    "CalibrationWarning",
    "ColumnPlan",
    "EffectModel",
    "Interval",
    "Vocabulary",
    "auto_mapping",
    "calibrate",
    "calibration_text",
    "design_frame",
    "flag_code",
    "format_calibration",
    "inspect_columns",
    "normalise",
    "parse_mapping",
    "parse_reasons",
    "reason_class",
    "reason_code",
    "reclassify",
    "vocabulary",
    "wilson",
]

#: A complaint count at or above this is a complaint (``--complaint-threshold``); the largest threshold allowed.
DEFAULT_COMPLAINT_THRESHOLD = 1
MAX_COMPLAINT_THRESHOLD = 1000


def inspect_columns(
    path: str | Path,
    overrides: Mapping[str, str] | None = None,
    encoding: str | None = None,
    **source: Any,
) -> ColumnPlan:
    """The table's columns and the field each one would feed (for a mapping step before calibrating).

    ``source`` takes the options of :func:`calibrate` that say where the table is (``engine``,
    ``table``, ``query``, ``spark_master``, ``spark_remote``).

    Raises
    ------
    CalibrationError
        When the table cannot be read (empty, wrong delimiter or encoding...).
    """
    engine = _open(path, encoding, source)
    try:
        return auto_mapping(engine.columns, overrides)
    finally:
        engine.close()


def _open(source: str | Path | None, encoding: str | None, options: Mapping[str, Any]) -> Engine:
    known = {"engine", "table", "query", "spark_master", "spark_remote", "spark", "allowed_databases"}
    unknown = set(options) - known
    if unknown:
        raise TypeError(f"unknown source options: {', '.join(sorted(unknown))}")
    try:
        return open_engine(source, encoding=encoding, **options)
    except UnicodeDecodeError as error:
        raise CalibrationError("wrong_encoding", detail=str(error)) from None


def calibrate(
    path: str | Path | None,
    mapping: Mapping[str, str] | None = None,
    *,
    encoding: str | None = None,
    value_period: str | None = None,
    reasons: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    drop_invalid: bool = False,
    complaint_threshold: int = DEFAULT_COMPLAINT_THRESHOLD,
    churn_window: float | None = None,
    customers: float | None = None,
    currency: str | None = None,
    tenure: str | None = None,
    **source: Any,
) -> Calibration:
    """Estimate the model's parameters, with 95 % intervals, from a customer-level table.

    Parameters
    ----------
    path : str or Path
        CSV (``,`` or ``;``; decimal point or comma; UTF-8 with or without BOM, UTF-16 with BOM,
        cp1250, cp1253 or ISO-8859-2, detected), XLSX (first sheet) or Parquet; with
        ``engine="spark"`` also a directory of Parquet or CSV files (a partitioned dataset); a
        ``postgresql://user@host/db`` URL with ``table`` or ``query``. None with a Spark ``table``.
    mapping : mapping, optional
        Column → field overrides (``ignore`` drops a column); other columns are recognised by name.
    encoding : str, optional
        Force a text encoding instead of detecting it.
    value_period : {"yearly", "monthly"}, optional
        What period the value column covers; by default its name decides (``Monthly Charges`` is
        monthly and annualised ×12; anything else is taken as yearly).
    reasons : mapping, optional
        Churn reason → class (``service``, ``other`` or ``unknown``), overriding ``data/churn_reasons.toml``;
        kept in the result's ``reason_overrides``.
    progress : callable, optional
        Called with the share done (0–1 or None) and a label while the engine works.
    drop_invalid : bool, default False
        Leave out the rows with an invalid value in a column used (a negative value, a word that is
        no yes or no...), counted per column with an example in ``dropped``; by default such rows stop
        the run with a message naming the column and both ways out.
    complaint_threshold : int, default 1
        When ``complained`` is a count (complaints, contacts, calls), a count of at least this many
        is a complaint; churn by count (0, 1, 2, 3, 4+) is in ``complaint_counts``.
    churn_window : float, optional
        Months the churn flag covers (w); rates are annualised, c = 1 − (1 − p)^(12/w). Without it
        12 is assumed and the note ``churn_window_assumed`` comes first.
    customers : float, optional
        How many customers the extract stands for (a sample's whole base); without it, the
        customers at risk in the file, with a note.
    currency : str, optional
        The ISO 4217 code of the file's values; without it they are "currency not stated".
    tenure : str, optional
        A column with each customer's tenure in months: a Kaplan–Meier 12-month churn is reported
        beside the window-based rate (:mod:`.survival`), with a note when they disagree.
    **source
        Where the table is: ``engine`` (``duckdb``, ``spark``, ``postgresql``; see
        :data:`~estimator.calibration.engines.ENGINES`), ``table`` (Spark's catalogue or the
        database's), ``query`` (one SELECT, run read-only: PostgreSQL, Spark), ``spark_master``,
        ``spark_remote``, ``spark`` (a session), ``allowed_databases`` (the app's sealed database source:
        the operator's ``host[:port]/database`` list; see :mod:`~estimator.calibration.engines.postgresql`).

    Returns
    -------
    Calibration
        With ``engine`` and ``file`` (the file, table or query read) for the provenance.

    Raises
    ------
    CalibrationError
        Bad input, with a one-line message naming the problem and showing an example row.
    """
    if value_period not in (None, *VALUE_PERIODS):
        raise CalibrationError("bad_value_period", value=value_period, allowed=", ".join(VALUE_PERIODS))
    months, customers, currency = check_window(churn_window), _check_customers(customers), _check_currency(currency)
    whole = isinstance(complaint_threshold, int) and not isinstance(complaint_threshold, bool)
    if not whole or not 1 <= complaint_threshold <= MAX_COMPLAINT_THRESHOLD:
        raise CalibrationError("bad_complaint_threshold", value=complaint_threshold)
    overrides = parse_reasons(reasons)
    engine = _open(path, encoding, source)
    try:
        plan, notes = _settle_columns(engine, mapping)
        factor, value_notes = _value_factor(plan, value_period)
        engine.progress = progress
        try:
            groups = read_groups(engine, plan.mapping, factor, overrides, complaint_threshold)
        except CalibrationError as error:
            if error.code != "too_many_segments" or "segment" in plan.explicit:
                raise
            # A segment recognised by its name but holding ids or free text: an optional field never stops a run.
            notes.append(CalibrationWarning.of("segment_too_many", **error.values))
            plan = dataclasses.replace(plan, mapping={k: v for k, v in plan.mapping.items() if k != "segment"})
            groups = read_groups(engine, plan.mapping, factor, overrides, complaint_threshold)
        groups = validate(groups, drop_invalid)
        survival = _survival(engine, tenure, plan.mapping["churned"], groups.codes["churned"]) if tenure else None
    except UnicodeDecodeError as error:
        raise CalibrationError("wrong_encoding", detail=str(error)) from None
    finally:
        engine.close()
    kept = _Aggregation(
        dataclasses.replace(groups, runner=None),
        tuple(notes + value_notes),
        engine.label,
        engine.name,
        {"churn_window": months, "customers": customers, "currency": currency, "survival": survival},
    )
    return _finish(kept, overrides)


@dataclasses.dataclass(frozen=True)
class _Aggregation:
    """What a calibration keeps of its reading, so that classing reasons again needs no second read."""

    groups: Groups
    notes: tuple[CalibrationWarning, ...]
    label: str
    engine: str
    #: MODEL.md v3's options (churn window, customers, currency) and the Kaplan–Meier reading, applied by adjust().
    adjustment: dict[str, Any] = dataclasses.field(default_factory=dict)


def _finish(kept: _Aggregation, overrides: Mapping[str, str]) -> Calibration:
    """The result from the group counts: estimates, figures and every note (the one path for a first
    reading and for reasons classed again)."""
    groups = kept.groups
    notes = [*kept.notes, *_group_notes(groups)]
    result = _summarise(groups.table, groups.mapping, notes, groups.reasons, overrides, groups.reasons_folded)
    # MODEL.md v3: yearly rates from the churn window, the adjusted baseline, the E-value (after the entrants left).
    result = adjust(result, groups.table, **kept.adjustment)
    return dataclasses.replace(
        result,
        file=kept.label,
        engine=kept.engine,
        dropped=[dict(item) for item in groups.dropped],
        complaint_threshold=groups.complaint_threshold,
        complaint_counts=_count_rows(groups),
        aggregation=kept,
    )


def reclassify(result: Calibration, reasons: Mapping[str, str] | None) -> Calibration:
    """``result`` with its churn reasons classed again (``reasons``: reason → class), from the group
    counts it kept: the file is not read again (the app's reason table).

    Raises
    ------
    CalibrationError
        A class that is not service, other or unknown.
    ValueError
        A result that kept no group counts (one read back from JSON).
    """
    kept = result.aggregation
    if not isinstance(kept, _Aggregation):
        raise ValueError("this calibration kept no group counts; calibrate the file again")
    overrides = parse_reasons(reasons)
    regrouped = recode_reasons(kept.groups, overrides)
    return _finish(dataclasses.replace(kept, groups=regrouped), overrides)


def _count_rows(groups: Groups) -> list[dict[str, Any]]:
    """Churn by complaint count, one row per count (the last one "4+"), for the output."""
    table = groups.complaint_counts
    if table is None:
        return []
    out = []
    for row in table.itertuples(index=False):
        label = f"{row.count}+" if row.count == COUNT_BUCKETS else str(row.count)
        share = wilson(int(row.churned), int(row.n))
        out.append({"count": label, "customers": int(row.n), "churned": int(row.churned), "churn": share.to_dict()})
    return out


def _group_notes(groups: Groups) -> list[CalibrationWarning]:
    """Notes on what the reading left out: rows with invalid values, the complaint threshold."""
    notes = []
    for item in groups.dropped:
        notes.append(
            CalibrationWarning.of(
                "rows_dropped",
                column=item["column"],
                field=item["field"],
                count=item["rows"],
                row=item["row"],
                example=item["example"],
            )
        )
    if groups.complaint_counts is not None:
        notes.append(
            CalibrationWarning.of("complaint_count", column=groups.mapping["complained"], threshold=groups.complaint_threshold)
        )
    return notes


def _survival(engine: Engine, column: str, churn_column: str, codes: Mapping[Any, Any]) -> tuple[Interval, int, str]:
    """The Kaplan–Meier 12-month churn of the tenure ``column`` (months), the rows without a tenure, the column."""
    from estimator.calibration.survival import kaplan_meier, tenure_counts

    if column not in engine.columns:
        raise CalibrationError("unknown_tenure_column", column=column, columns=", ".join(engine.columns))
    counts, skipped = tenure_counts(engine, column, churn_column, codes)
    return kaplan_meier(counts), skipped, column


def _check_customers(customers: Any) -> float | None:
    """``--customers``: a whole number of at least 1 (how many customers the extract stands for), or None."""
    if customers is None:
        return None
    try:
        value = float(customers)
    except (TypeError, ValueError):
        value = math.nan
    if isinstance(customers, bool) or not math.isfinite(value) or value < 1 or value != int(value) or value > 1e10:
        raise CalibrationError("bad_customers", value=str(customers))
    return value


def _check_currency(currency: Any) -> str | None:
    """``--currency``: an ISO 4217 code (upper-cased), or None when not stated."""
    if currency is None or (isinstance(currency, str) and not currency.strip()):
        return None
    from estimator.core.parameters import _check_text

    code, problem = _check_text("currency", currency)
    if problem is not None:
        raise CalibrationError("bad_currency", value=str(currency))
    return code


#: Periods a value column may cover (``--value-period``).
VALUE_PERIODS = ("yearly", "monthly")


def _map_line(column: str, name: str) -> str:
    """The exact option to copy: ``--map "Churn Flag=churned"``."""
    return f'--map "{column}={name}"'


def _settle_columns(source: Engine, overrides: Mapping[str, str] | None) -> tuple[ColumnPlan, list[CalibrationWarning]]:
    """The plan for the file, with its ambiguities settled by the data and notes on what is missing.

    Two columns that could be one field and say the same: the first is used, with a note. When they
    differ, a column with a preferred name (``Churn`` over ``Status``) wins, with a note; otherwise a
    required field stops the run (the user must choose), and an optional field never does: the column
    whose values fit it best is used, with a note naming the other. Raises on a missing required field
    (every one at once, with suggestions).
    """
    plan = auto_mapping(source.columns, overrides)
    if plan.missing:
        _missing_column(source, plan)
    notes = []
    mapping = dict(plan.mapping)
    unmapped = list(plan.unmapped)
    for name, columns in plan.ambiguous.items():
        differ = disagreements(source, name, columns)
        if not differ:
            notes.append(CalibrationWarning.of("ambiguous_same", field=name, used=columns[0], other=", ".join(columns[1:])))
            continue
        preferred = [c for c in columns if bare_name(c) in vocabulary().preferred.get(name, frozenset())]
        if len(preferred) == 1:
            used, message_id = preferred[0], "ambiguous_preferred"
        elif name in REQUIRED_FIELDS:
            raise CalibrationError(
                "ambiguous_column",
                field=name,
                first=columns[0],
                second=columns[1],
                count=differ,
                maps=" or ".join(_map_line(c, name) for c in columns[:2]),
                columns=list(columns[:2]),
            )
        else:
            used, message_id = min(columns, key=lambda c: _misfit(source, name, c)), "ambiguous_chosen"
        others = [c for c in columns if c != used]
        mapping[name] = used
        unmapped += others  # still the user's to choose
        notes.append(
            CalibrationWarning.of(
                message_id,
                field=name,
                used=used,
                other=", ".join(others),
                count=differ,
                maps=" or ".join(_map_line(c, name) for c in others),
            )
        )
    ignored = {column for column, wanted in (overrides or {}).items() if str(wanted).strip().lower() == "ignore"}
    for name in plan.absent:
        if name in ("customer_id", "complained", "annual_value", "churn_reason"):
            found = _absent_candidates(source, name, [c for c in unmapped if c not in ignored and c in source.columns])
            maps = " or ".join(f"{_map_line(c, name)} ({shown})" for c, shown in found) if found else _map_line("COLUMN", name)
            choices = "; ".join(f"'{c}' ({shown})" for c, shown in found)
            notes.append(
                CalibrationWarning.of(f"absent_{name}", field=name, maps=maps, choices=choices, columns=[c for c, _ in found])
            )
    settled = ColumnPlan(
        columns=plan.columns,
        mapping=mapping,
        unmapped=[c for c in plan.columns if c in unmapped],
        missing=[],
        absent=plan.absent,
        ambiguous={},
        explicit=plan.explicit,
        lifetime=plan.lifetime,
    )
    return settled, notes


def _misfit(source: Engine, name: str, column: str) -> tuple[int, int, int]:
    """How badly ``column`` fits the optional field ``name`` (smaller is better): rows it could not use,
    whether its values are of the wrong kind, and its name's rank in the vocabulary."""
    order = vocabulary().order.get(name, ())
    rank = order.index(bare_name(column)) if bare_name(column) in order else len(order)
    ident = sql_ident(column)
    if name == "segment":
        distinct, blank = source.rows(f"SELECT count(DISTINCT {ident}), count(*) - count({ident}) FROM calibration_source")[0]
        return int(blank), int(not 2 <= int(distinct) <= MAX_SEGMENTS), rank
    if name == "customer_id":
        repeated = source.rows(f"SELECT count(*) - count(DISTINCT {ident}) FROM calibration_source")[0][0]
        return int(repeated), 0, rank
    if name == "annual_value":
        from estimator.calibration.aggregation import _value_sql

        _, state = _value_sql(ident, column in source.numeric, 1.0)
        return int(source.rows(f"SELECT count(*) FROM calibration_source WHERE ({state}) <> 0")[0][0]), 0, rank
    if name in FLAG_FIELDS:
        values = source.rows(f"SELECT CAST({ident} AS VARCHAR), count(*) FROM calibration_source GROUP BY 1 LIMIT 50")
        bad = sum(int(n) for v, n in values if flag_code(v, name) in (None, -1))
        return bad, int(len(values) >= 50), rank
    return 0, 0, rank


#: Rows read to judge a column by its values (an offer in a note: the start of the file will do).
_SAMPLE_ROWS = 2_000


def _absent_candidates(source: Engine, name: str, columns: list[str], limit: int = 2) -> list[tuple[str, str]]:
    """Unused columns whose values fit the absent optional field ``name``, best first, each with what its
    values look like: for ``complained`` a yes/no flag or a small count named after complaints, contacts,
    calls or tickets; for ``customer_id`` a column unique on every row; for ``annual_value`` non-negative
    money-like numbers; for ``churn_reason`` text. Names close to the field's come first."""
    if not columns:
        return []
    sample = f"(SELECT * FROM calibration_source LIMIT {_SAMPLE_ROWS}) AS sample"
    close = closest_columns(name, columns, limit=len(columns), cutoff=60)
    stats = []
    for column in columns:
        ident = sql_ident(column)
        text = f"trim(CAST({ident} AS VARCHAR))"
        number = _number_sql(text) if column not in source.numeric else f"CAST({ident} AS DOUBLE)"
        stats.append(
            f"count(DISTINCT {text}), count({ident}), count({number}), min({number}), max({number}), "
            f"sum(CASE WHEN {number} <> round({number}) THEN 1 ELSE 0 END)"
        )
    row = source.rows(f"SELECT count(*), {', '.join(stats)} FROM {sample}")[0]
    total, found = int(row[0]), []
    for i, column in enumerate(columns):
        distinct, filled, numbers, low, high, fractional = row[1 + 6 * i : 7 + 6 * i]
        distinct, filled, numbers, fractional = int(distinct), int(filled), int(numbers), int(fractional or 0)
        all_numbers = filled > 0 and numbers == filled
        shown = None
        if name == "complained":
            if is_contact_name(column) and all_numbers and not fractional and low is not None and low >= 0:
                if high <= vocabulary().contact_max:
                    shown = f"a count, {low:g}–{high:g}"
            elif is_contact_name(column) and distinct <= 3 and filled:
                values = source.rows(f"SELECT DISTINCT CAST({sql_ident(column)} AS VARCHAR) FROM {sample} LIMIT 4")
                if {flag_code(v[0], name) for v in values} <= {0, 1, None}:
                    shown = "a yes/no flag"
        elif name == "customer_id":
            position = re.fullmatch(r"(row|index|line|unnamed|lp|no|nr)( (number|no|nr|id|num|\d+))?|rownum", bare_name(column))
            if filled == total and distinct == total and total > 1 and not fractional and not position:
                shown = "unique on every row"
        elif name == "annual_value":
            if all_numbers and low is not None and low >= 0 and fractional > 0:  # money has cents; ages and counts do not
                shown = f"numbers {low:,.2f}–{high:,.2f}"
        elif name == "churn_reason" and column in close and numbers < filled:
            shown = f"{distinct} different texts"
        if shown is not None:
            found.append((column, shown))
    found.sort(key=lambda item: (item[0] not in close, close.index(item[0]) if item[0] in close else 0))
    return found[:limit]


def _value_factor(plan: ColumnPlan, period: str | None) -> tuple[float, list[CalibrationWarning]]:
    """×12 for a monthly value column (by its name or ``--value-period``), with a note; notes on lifetime
    totals, and on a hand-mapped column whose name does not say its period (taken as yearly)."""
    notes = []
    column = plan.mapping.get("annual_value")
    named = value_period_of(column) if column else None
    for total in plan.lifetime:
        notes.append(CalibrationWarning.of("value_lifetime", column=total, maps=_map_line(total, "annual_value")))
    if column is None:
        return 1.0, notes
    monthly = period == "monthly" or (period is None and named == "monthly")
    if monthly:
        notes.append(CalibrationWarning.of("value_monthly", column=column))
        return 12.0, notes
    if period is None and named is None and "annual_value" in plan.explicit and not _names_a_year(column):
        notes.append(CalibrationWarning.of("value_assumed_yearly", column=column))
    return 1.0, notes


def _names_a_year(column: str) -> bool:
    """Whether the column's name says its value is yearly (``Annual revenue``, ``Jahresumsatz``, ``Wartość roczna``)."""
    return bool(_YEARLY.search(bare_name(column)))


#: Words of a yearly value's name in our languages (normalised: no accents, lower case).
_YEARLY = re.compile(r"annual|yearly|\byear\b|per year|roczn|\beves\b|jaar|ετησ|jahr|\barr\b|\bacv\b")


#: Rows read to find the columns that could hold a missing flag: an error path, the start of the file will do.
_CANDIDATE_ROWS = 2_000
#: Most distinct values a column may have to be offered as a missing flag (Churned / Stayed / Joined...).
_CANDIDATE_VALUES = 5
#: When no column looks like the missing field, the unused columns are all offered if there are this few.
_LIST_UNUSED_UP_TO = 6


def _flag_candidates(source: Engine, name: str, columns: list[str]) -> list[tuple[str, list[str], int]]:
    """The ``columns`` that may hold the flag ``name`` by their values in the file's first rows, best first.

    Each comes with its distinct values and a rank: 0 when all its values are yes/no words (for
    ``churned`` also status words) with both a yes and a no, 1 when they are all of one of the two so
    far, 2 for any other column with exactly two values ('J' / 'N', 'Storno' / 'Aktiv').
    """
    if not columns:
        return []
    texts = [f"CAST({sql_ident(column)} AS VARCHAR)" for column in columns]
    sample = f"(SELECT * FROM calibration_source LIMIT {_CANDIDATE_ROWS}) AS sample"
    counts = source.rows(f"SELECT {', '.join(f'count(DISTINCT {t})' for t in texts)} FROM {sample}")[0]
    few = [i for i, count in enumerate(counts) if 1 <= count <= _CANDIDATE_VALUES + 1]  # + 1: a blank word
    if not few:
        return []
    lists = source.rows(f"SELECT {', '.join(f'list(DISTINCT {texts[i]})' for i in few)} FROM {sample}")[0]
    ranked = []
    for i, values in zip(few, lists, strict=True):
        values = sorted(v for v in values if flag_code(v, name) is not None)  # blanks ("", "NA") are no value
        codes = {flag_code(v, name) for v in values}
        if not values or len(values) > _CANDIDATE_VALUES:
            continue
        if -1 not in codes:
            ranked.append((0 if codes - {ENTRANT} == {0, 1} else 1, i, columns[i], values))
        elif len(values) == 2:
            ranked.append((2, i, columns[i], values))
    return [(column, values, rank) for rank, _, column, values in sorted(ranked)]


def _offered_columns(close: list[str], found: list[tuple[str, list[str], int]], limit: int = 3) -> list[str]:
    """The columns to offer for a missing flag, best first: named like it and with a flag's values, then
    with a flag's values, then named like it; columns that merely have two values only when nothing else is."""
    flags = [column for column, _, rank in found if rank <= 1]
    offered = [c for c in close if c in flags] + [c for c in flags if c not in close] + [c for c in close if c not in flags]
    return (offered or [column for column, _, _ in found])[:limit]


def _shown_values(values: list[str]) -> str:
    return "(" + " / ".join("'" + (v if len(v) <= 30 else v[:29] + "…") + "'" for v in values) + ")"


def _missing_column(source: Engine, plan: ColumnPlan) -> None:
    """Name every missing required field at once, each with the columns that could be it and the --map line to copy.

    The columns offered are those named like the field (rapidfuzz) and, for a flag, those whose values
    are a yes/no column's (:func:`_flag_candidates`, :func:`_offered_columns`), with their values; when
    none is, and the file has only a few unused columns, all of them. Only when none is left does the
    line read ``COLUMN``.
    """
    name = plan.missing[0]
    accepted = sorted(vocabulary().synonyms[name])[:8]
    row = source.first_row()
    example = ", ".join(f"{c}={as_text(v)!r}" for c, v in zip(source.columns, row, strict=True)) if row else "—"
    one_column = len(source.columns) == 1 and source.kind == "csv"
    unused = [c for c in source.columns if c in plan.unmapped]
    suggestions, kinds = [], []
    for missing in plan.missing:
        close = plan.suggestions(missing)
        found = _flag_candidates(source, missing, unused) if not one_column and missing in FLAG_FIELDS else []
        offered = _offered_columns(close, found) if found else close
        values = {column: shown for column, shown, _ in found}
        if offered and offered == close:  # named like it, and no column's values say more
            kinds.append("named")
            lines = [_map_line(c, missing) for c in offered]
        elif offered:
            kinds.append("values")
            lines = [
                f"{_map_line(c, missing)} {_shown_values(values[c])}" if c in values else _map_line(c, missing) for c in offered
            ]
        elif not one_column and 0 < len(unused) <= _LIST_UNUSED_UP_TO:
            kinds.append("listed")
            lines = [_map_line(c, missing) for c in unused]
        else:
            kinds.append("none")
            lines = [_map_line("COLUMN", missing)]
        suggestions.append(f"{missing}: " + " or ".join(lines))
    by_kind = {"values": "missing_column_values", "listed": "missing_column_listed"}
    message = "missing_column_one_column" if one_column else by_kind.get(kinds[0], "missing_column")
    raise CalibrationError(
        message,
        field=", ".join(plan.missing),
        accepted=", ".join(accepted),
        columns=", ".join(source.columns),
        example=example,
        suggestions="; ".join(suggestions),
    )


def __getattr__(name: str) -> Any:
    """``message_text``, the old name of :func:`calibration_text`, with a warning."""
    return moved_name(__name__, name)
