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
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from estimator.calibration.aggregation import MAX_SEGMENTS, as_text, disagreements, read_groups, validate
from estimator.calibration.columns import (
    FIELDS,
    FLAG_FIELDS,
    MISSING_WORDS,
    REQUIRED_FIELDS,
    ColumnPlan,
    Vocabulary,
    auto_mapping,
    flag_code,
    normalise,
    parse_mapping,
    parse_reasons,
    reason_class,
    reason_code,
    vocabulary,
)
from estimator.calibration.columns import value_period as value_period_of
from estimator.calibration.engines import ENGINES, Engine, Progress, open_engine
from estimator.calibration.messages import (
    ERROR_MESSAGES,
    ROW_MESSAGES,
    WARNING_MESSAGES,
    CalibrationError,
    CalibrationWarning,
    message_text,
)
from estimator.calibration.result import SMALL_SEGMENT, WIDE_INTERVAL, Calibration, _summarise, format_calibration
from estimator.calibration.sources import FORMATS
from estimator.calibration.sql import sql_ident
from estimator.calibration.statistics import CONFIDENCE, EffectModel, Interval, design_frame, wilson

__all__ = [
    "CONFIDENCE",
    "ENGINES",
    "ERROR_MESSAGES",
    "FIELDS",
    "FLAG_FIELDS",
    "FORMATS",
    "MAX_SEGMENTS",
    "MISSING_WORDS",
    "REQUIRED_FIELDS",
    "ROW_MESSAGES",
    "SMALL_SEGMENT",
    "WARNING_MESSAGES",
    "WIDE_INTERVAL",
    "Calibration",
    "CalibrationError",
    "CalibrationWarning",
    "ColumnPlan",
    "EffectModel",
    "Interval",
    "Vocabulary",
    "auto_mapping",
    "calibrate",
    "design_frame",
    "flag_code",
    "format_calibration",
    "inspect_columns",
    "message_text",
    "normalise",
    "parse_mapping",
    "parse_reasons",
    "reason_class",
    "reason_code",
    "vocabulary",
    "wilson",
]


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
    overrides = parse_reasons(reasons)
    engine = _open(path, encoding, source)
    try:
        plan, notes = _settle_columns(engine, mapping)
        factor, value_notes = _value_factor(plan, value_period)
        engine.progress = progress
        groups = read_groups(engine, plan.mapping, factor, overrides)
        validate(groups)
    except UnicodeDecodeError as error:
        raise CalibrationError("wrong_encoding", detail=str(error)) from None
    finally:
        engine.close()
    result = _summarise(groups.table, plan.mapping, notes + value_notes, groups.reasons, overrides)
    return dataclasses.replace(result, file=engine.label, engine=engine.name)


#: Periods a value column may cover (``--value-period``).
VALUE_PERIODS = ("yearly", "monthly")


def _map_line(column: str, name: str) -> str:
    """The exact option to copy: ``--map "Churn Flag=churned"``."""
    return f'--map "{column}={name}"'


def _settle_columns(source: Engine, overrides: Mapping[str, str] | None) -> tuple[ColumnPlan, list[CalibrationWarning]]:
    """The plan for the file, with its ambiguities settled by the data and notes on what is missing.

    Raises on a missing required field (every one at once, with suggestions) and on two candidate
    columns that disagree.
    """
    plan = auto_mapping(source.columns, overrides)
    if plan.missing:
        _missing_column(source, plan)
    notes = []
    mapping = dict(plan.mapping)
    for name, columns in plan.ambiguous.items():
        differ = disagreements(source, name, columns)
        if differ:
            raise CalibrationError(
                "ambiguous_column",
                field=name,
                first=columns[0],
                second=columns[1],
                count=differ,
                maps=" or ".join(_map_line(c, name) for c in columns[:2]),
            )
        notes.append(CalibrationWarning.of("ambiguous_same", field=name, used=columns[0], other=", ".join(columns[1:])))
    for name in plan.absent:
        if name in ("customer_id", "complained", "annual_value", "churn_reason"):
            close = plan.suggestions(name, limit=2)
            maps = " or ".join(_map_line(c, name) for c in close) if close else _map_line("COLUMN", name)
            notes.append(CalibrationWarning.of(f"absent_{name}", field=name, maps=maps))
    settled = ColumnPlan(
        columns=plan.columns,
        mapping=mapping,
        unmapped=plan.unmapped,
        missing=[],
        absent=plan.absent,
        ambiguous={},
        explicit=plan.explicit,
        lifetime=plan.lifetime,
    )
    return settled, notes


def _value_factor(plan: ColumnPlan, period: str | None) -> tuple[float, list[CalibrationWarning]]:
    """×12 for a monthly value column (by its name or ``--value-period``), with a note; notes on lifetime totals."""
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
    return 1.0, notes


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
    sample = f"(SELECT * FROM calibration_source LIMIT {_CANDIDATE_ROWS})"
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
            ranked.append((0 if codes == {0, 1} else 1, i, columns[i], values))
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
