"""From rows to counts: the one query that reduces a customer table to counts per group, and the checks on them.

The aggregation is one SQL definition (:func:`scan_sql`, written in DuckDB's SQL and compiled per
engine by :func:`transpile`), one statement: it groups the rows by the *raw* values of the coded
columns (flags, segment, churn reason: a few distinct values each) and by the state of the value
and of the id, with each group's count and its value's count, mean and variance; the same
statement counts the rows and the distinct customer ids. The distinct raw values that come back are
classified once, in Python, by :mod:`.columns` (the same words in six languages for every engine),
and the groups are merged by their codes (means and variances combined exactly). No engine has
parsing code of its own. Only a bad file costs more queries: the first bad row, shown as an example.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from estimator.calibration.columns import (
    FLAG_FIELDS,
    MISSING_WORDS,
    REASON_CODES,
    UNCLASSIFIED,
    _is_missing,
    flag_code,
    normalise,
    reason_class,
    vocabulary,
)
from estimator.calibration.messages import CalibrationError
from estimator.calibration.sql import sql_ident as _ident
from estimator.calibration.sql import sql_string as _sql_string

__all__ = ["GROUP_KEYS", "MAX_SEGMENTS", "RELATION", "Groups", "disagreements", "read_groups", "scan_sql", "transpile"]

MAX_SEGMENTS = 100
#: Distinct churn reasons listed and classified one by one; the rarer ones become one "other reasons" row.
MAX_REASONS = 500
#: The row that stands for the reasons beyond :data:`MAX_REASONS`: a text no file holds (between invisible
#: separators; not NUL, which PostgreSQL's text cannot hold).
OTHER_REASONS = "\u2063other reasons\u2063"
#: Complaint counts shown one by one in the churn-by-count table; this many and more are one row ("4+").
COUNT_BUCKETS = 4
#: The name every query gives the customer table; each engine binds it to its file, table or query.
RELATION = "calibration_source"


class Runner(Protocol):
    """What the aggregation needs of an engine: run DuckDB-dialect SQL over :data:`RELATION`, get rows back."""

    numeric: frozenset[str]

    def rows(self, sql: str) -> list[tuple]: ...

    def row_number_sql(self) -> str: ...


def _currency_pattern() -> str:
    """A regular expression of the currency marks (longest first), for RE2, Java and PostgreSQL alike."""
    return "|".join(re.escape(mark) for mark in vocabulary().currency_marks)


def _number_sql(column: str) -> str:
    """The cell as a number: decimal point or comma, spaces as thousands separators, a currency mark
    before or after it ("19,60 zł", "PLN 19,60") left out."""
    s = f"replace(replace(trim({column}), ' ', ''), chr(160), '')"
    if marks := _currency_pattern():
        # Anchored, so one replacement each; (?i) inline, as the three engines' regex flags differ.
        s = f"regexp_replace(regexp_replace({s}, {_sql_string(f'(?i)^({marks})')}, ''), {_sql_string(f'(?i)({marks})$')}, '')"
    both = f"(strpos({s}, ',') > 0 AND strpos({s}, '.') > 0)"
    european = f"strpos(reverse({s}), ',') < strpos(reverse({s}), '.')"
    text = (
        f"CASE WHEN {both} AND {european} THEN replace(replace({s}, '.', ''), ',', '.') "
        f"WHEN {both} THEN replace({s}, ',', '') ELSE replace({s}, ',', '.') END"
    )
    # The plain form first: most files need nothing else (CASE evaluates the rest only for the others).
    plain = f"TRY_CAST({column} AS DOUBLE)"
    return f"CASE WHEN {plain} IS NOT NULL THEN {plain} ELSE TRY_CAST({text} AS DOUBLE) END"


#: Fields whose distinct raw values come back with the counts and are classified in Python.
_CODED = (*FLAG_FIELDS, "segment", "churn_reason")
#: NaN and the infinities, as every dialect writes them (DuckDB's isnan/isinf have no PostgreSQL twin).
_NOT_FINITE = "CAST('NaN' AS DOUBLE), CAST('Infinity' AS DOUBLE), CAST('-Infinity' AS DOUBLE)"
_WORDS = ", ".join(_sql_string(w) for w in MISSING_WORDS)


def _id_missing_sql(column: str, numeric: bool) -> str:
    if numeric:
        return f"({column} IS NULL)"
    # CASE, not AND: the words are compared only for the few short ids (DuckDB evaluates both sides of AND).
    words = f"lower(trim({column})) IN ({_WORDS})"
    return f"(CASE WHEN {column} IS NULL THEN true WHEN length({column}) > 5 THEN false ELSE {words} END)"


def _number(column: str, numeric: bool) -> str:
    """The cell as a number (before any ×12): a typed number as it is, text parsed."""
    return f"CAST({column} AS DOUBLE)" if numeric else _number_sql(column)


def _state_sql(column: str, number: str, numeric: bool) -> str:
    """The value's state: 0 valid, 1 blank or NaN, 2 not a number, 3 infinite, 4 negative.

    ``number`` is the cell as a number (:func:`_number`), computed once by the caller; the cheap test
    first: a plain non-negative number (nearly every cell) needs nothing else.
    """
    if numeric:
        # A NaN in a typed column is what a text NaN is: a blank (as when the file was read as text).
        return (
            f"CASE WHEN {column} IS NULL OR {number} = CAST('NaN' AS DOUBLE) THEN 1 "
            f"WHEN {number} IN ({_NOT_FINITE}) THEN 3 WHEN {number} < 0 THEN 4 ELSE 0 END"
        )
    return (
        f"CASE WHEN {column} IS NULL THEN 1 "
        f"WHEN {number} >= 0 AND {number} NOT IN ({_NOT_FINITE}) THEN 0 "
        f"WHEN lower(trim({column})) IN ({_WORDS}) THEN 1 WHEN {number} IS NULL THEN 2 "
        f"WHEN {number} IN ({_NOT_FINITE}) THEN 3 ELSE 4 END"
    )


def _value_sql(column: str, numeric: bool, factor: float) -> tuple[str, str]:
    """The value as a yearly number and its state, for one row (the checks' example rows)."""
    scale = "" if factor == 1 else f" * {float(factor)!r}"
    number = _number(column, numeric)
    return f"({number}){scale}", _state_sql(column, number, numeric)


def _keys(mapping: Mapping[str, str]) -> list[str]:
    return [name for name in _CODED if name in mapping]


def _capped_reason_sql(column: str, kept: Sequence[Any] | None) -> str:
    """The reason cell, or :data:`OTHER_REASONS` when ``kept`` (the most frequent reasons) does not hold it."""
    if kept is None:
        return column
    listed = _in(f"trim(CAST({column} AS VARCHAR))", [as_text(v).strip() for v in kept if v is not None])
    blank = f"{column} IS NULL OR trim(CAST({column} AS VARCHAR)) = ''"
    return f"CASE WHEN {blank} OR {listed} THEN {column} ELSE {_sql_string(OTHER_REASONS)} END"


def scan_sql(
    mapping: Mapping[str, str],
    numeric: Collection[str] = (),
    value_factor: float = 1.0,
    kept_reasons: Sequence[Any] | None = None,
) -> str:
    """The one statement: counts per group of raw values, and (``kind`` 1) the rows and distinct ids.

    Columns: ``kind``, ``raw_<field>`` for each coded field, ``id_missing``, ``value_state``, ``n``,
    ``n_value``, ``value_mean``, ``value_var``, ``ids``. With ``kept_reasons`` (the most frequent
    reasons of a file with more than :data:`MAX_REASONS`), every other reason is :data:`OTHER_REASONS`.
    """
    col = {name: _ident(column) for name, column in mapping.items()}
    raw = [
        f"{_capped_reason_sql(col[name], kept_reasons) if name == 'churn_reason' else col[name]} AS raw_{name}"
        for name in _keys(mapping)
    ]
    if "customer_id" in col:
        raw.append(f"{_id_missing_sql(col['customer_id'], mapping['customer_id'] in numeric)} AS id_missing")
    else:
        raw.append("false AS id_missing")
    # Three steps, each computing one thing once: the number, its state, the valid value.
    first = list(raw)
    if "annual_value" in col:
        is_numeric = mapping["annual_value"] in numeric
        first += [f"{col['annual_value']} AS value_cell", f"{_number(col['annual_value'], is_numeric)} AS value_number"]
        state = _state_sql("value_cell", "value_number", is_numeric)
    else:
        first += ["CAST(NULL AS VARCHAR) AS value_cell", "CAST(NULL AS DOUBLE) AS value_number"]
        state = "0"
    scale = "" if value_factor == 1 else f" * {float(value_factor)!r}"
    # Distinct hashes, not strings: much faster on millions of ids (a collision is ruled out exactly later;
    # engines other than DuckDB count the ids themselves, see transpile()).
    first.append(f"hash({col['customer_id']}) AS id_key" if "customer_id" in col else "1 AS id_key")
    passed = [*(f"raw_{name}" for name in _keys(mapping)), "id_missing", "id_key"]
    cells = f"SELECT {', '.join(first)} FROM {RELATION}"
    second = f"SELECT {', '.join(passed)}, value_number, {state} AS value_state FROM ({cells}) AS cells"
    third = (
        f"SELECT {', '.join(passed)}, value_state, CASE WHEN value_state = 0 THEN value_number{scale} END AS value "
        f"FROM ({second}) AS stated"
    )
    keys = [f"raw_{name}" for name in _keys(mapping)] + ["id_missing", "value_state"]
    listed = ", ".join(keys)
    # One CTE read by both aggregates: DuckDB streams the one scan to both (no second pass, nothing stored).
    rows = f"WITH customer_rows AS ({third}) "
    groups = (
        f"SELECT 0 AS kind, {listed}, count(*) AS n, count(value) AS n_value, avg(value) AS value_mean, "
        f"coalesce(var_pop(value), 0) AS value_var, CAST(NULL AS BIGINT) AS ids "
        f"FROM customer_rows GROUP BY {listed}"
    )
    ids = "count(DISTINCT id_key)" if "customer_id" in col else "count(*)"
    nulls = ", ".join(["NULL"] * len(keys))
    totals = (
        f"SELECT 1 AS kind, {nulls}, count(*) AS n, CAST(NULL AS BIGINT) AS n_value, CAST(NULL AS DOUBLE) AS value_mean, "
        f"CAST(NULL AS DOUBLE) AS value_var, {ids} AS ids FROM customer_rows"
    )
    return f"{rows}{groups} UNION ALL {totals}"


def transpile(sql: str, dialect: str) -> str:
    """The DuckDB query in another engine's dialect (``"postgres"``, ``"spark"``), through sqlglot."""
    if dialect == "duckdb":
        return sql
    import sqlglot  # only engines other than DuckDB need it
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="duckdb")

    def portable(node: exp.Expression) -> exp.Expression:
        # DuckDB's 64-bit hash() has no twin (Spark's and PostgreSQL's are 32-bit): count the ids themselves.
        if isinstance(node, exp.Anonymous) and node.name.lower() == "hash" and len(node.expressions) == 1:
            return node.expressions[0].copy()
        if dialect == "postgres" and isinstance(node, exp.TryCast):
            # PostgreSQL has no TRY_CAST: cast only what DuckDB would read as a number (else NULL, as DuckDB).
            text = exp.func("TRIM", node.this.copy())
            test = exp.RegexpILike(this=text, expression=exp.Literal.string(_NUMBER_PATTERN))
            return exp.Case(ifs=[exp.If(this=test, true=exp.Cast(this=text.copy(), to=node.to.copy()))])
        return node

    return tree.transform(portable).sql(dialect=dialect)


#: What DuckDB's TRY_CAST(text AS DOUBLE) accepts, for engines without TRY_CAST.
_NUMBER_PATTERN = r"^[+-]?((\d+\.?\d*|\.\d+)(e[+-]?\d+)?|inf|infinity|nan)$"


def as_text(value: Any) -> str | None:
    """A cell as the text DuckDB would show for it, whatever the engine and the column's type."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(float(value))
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, decimal.Decimal | datetime.date | int | np.integer):
        return str(value)
    return str(value)


def _literal(value: Any) -> str:
    """A raw value (as an engine returned it) as an SQL literal of its type."""
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return f"CAST({_sql_string(as_text(value))} AS DOUBLE)" if not math.isfinite(value) else repr(float(value))
    return _sql_string(as_text(value))


def _in(column: str, values: Sequence[Any]) -> str:
    """``column`` is one of ``values`` (None meaning NULL); false for none."""
    parts = []
    if any(v is None for v in values):
        parts.append(f"{column} IS NULL")
    known = [v for v in values if v is not None]
    if known:
        if any(not isinstance(v, str | bool | int | float | np.generic) for v in known):
            parts.append(f"CAST({column} AS VARCHAR) IN ({', '.join(_sql_string(as_text(v)) for v in known)})")
        else:
            parts.append(f"{column} IN ({', '.join(_literal(v) for v in known)})")
    return "(" + " OR ".join(parts) + ")" if parts else "false"


@dataclass(frozen=True)
class Groups:
    """A table reduced to counts: the coded groups, and what the checks need to find a bad row."""

    runner: Runner
    mapping: dict[str, str]
    #: Per coded group: segment, churned, complained, resolved, had_problem, reason, value_state, id_missing,
    #: n, n_value, value_mean, value_var (flags as 1.0/0.0/NaN, -1.0 for a word that is no yes or no).
    table: pd.DataFrame
    #: Field → {raw value: code} for the coded fields (as the engine returned the raw values).
    codes: dict[str, dict[Any, Any]]
    total: int
    distinct_ids: int
    value_factor: float = 1.0
    #: Churners per distinct reason (trimmed, blank as ""), with its class code; None without reasons.
    reasons: pd.DataFrame | None = None
    #: A count of complaints (contacts, calls) of at least this many is a complaint.
    complaint_threshold: int = 1
    #: Customers at risk and churners per complaint count (0, 1, 2, 3, "4+"); None when ``complained`` is a flag.
    complaint_counts: pd.DataFrame | None = None
    #: Rows left out for an invalid value (``--drop-invalid``): per column, field, rows, first row and example.
    dropped: tuple[dict[str, Any], ...] = ()
    #: Distinct reasons beyond :data:`MAX_REASONS`, folded into one row (0 when every reason is listed).
    reasons_folded: int = 0
    #: The groups of raw values as the engine returned them, and their codes, row for row (before merging):
    #: what :func:`recode_reasons` needs to class the reasons again without reading the file.
    raw: pd.DataFrame | None = None
    coded: pd.DataFrame | None = None


_GROUP_KEYS = ("segment", "churned", "complained", "resolved", "had_problem", "reason", "value_state", "id_missing")
GROUP_KEYS = _GROUP_KEYS


def _frequent_reasons(runner: Runner, column: str) -> tuple[list[Any] | None, int]:
    """The :data:`MAX_REASONS` most frequent reasons when the file has more (else None), and how many more.

    One cheap query: the raw reasons and their counts, most frequent first, at most one more than kept,
    so a file of a million distinct reasons never brings them all back."""
    text = f"trim(CAST({_ident(column)} AS VARCHAR))"
    top = runner.rows(
        f"SELECT {text} AS reason, count(*) AS n FROM {RELATION} WHERE {text} <> '' "
        f"GROUP BY {text} ORDER BY n DESC, reason LIMIT {MAX_REASONS + 1}"
    )
    if len(top) <= MAX_REASONS:
        return None, 0
    distinct = int(runner.rows(f"SELECT count(DISTINCT {text}) FROM {RELATION} WHERE {text} <> ''")[0][0])
    return [row[0] for row in top[:MAX_REASONS]], distinct - MAX_REASONS


def read_groups(
    runner: Runner,
    mapping: Mapping[str, str],
    value_factor: float = 1.0,
    reasons: Mapping[str, str] | None = None,
    complaint_threshold: int = 1,
) -> Groups:
    """Run :func:`scan_sql` once, classify the distinct raw values that come back, merge the groups by code.

    Raises
    ------
    CalibrationError
        More than :data:`MAX_SEGMENTS` segments.
    """
    names = ["kind", *(f"raw_{n}" for n in _keys(mapping)), "id_missing", "value_state"]
    names += ["n", "n_value", "value_mean", "value_var", "ids"]
    kept, folded = _frequent_reasons(runner, mapping["churn_reason"]) if "churn_reason" in mapping else (None, 0)
    rows = runner.rows(scan_sql(mapping, runner.numeric, value_factor, kept))
    totals = [row for row in rows if row[0] == 1]
    total, distinct = (int(totals[0][-5]), int(totals[0][-1])) if totals else (0, 0)
    raw = pd.DataFrame([row for row in rows if row[0] == 0], columns=names, dtype=object).drop(columns=["kind", "ids"])
    codes: dict[str, dict[Any, Any]] = {}
    coded = pd.DataFrame(index=raw.index)
    for name in _keys(mapping):
        values = list(dict.fromkeys(raw[f"raw_{name}"].tolist()))
        texts = {v: as_text(v) for v in values}
        if name == "segment":
            codes[name] = {v: None if _is_missing(t) else t.strip() for v, t in texts.items()}
            labels = {label for label in codes[name].values() if label is not None}
            if len(labels) > MAX_SEGMENTS:
                raise CalibrationError(
                    "too_many_segments", field="segment", column=mapping["segment"], count=len(labels), limit=MAX_SEGMENTS
                )
        elif name == "churn_reason":
            codes[name] = _reason_codes(texts, reasons)
        else:
            threshold = complaint_threshold if name == "complained" else 1  # the threshold is the complaint count's
            codes[name] = {v: flag_code(t, name, threshold) for v, t in texts.items()}
        target = "reason" if name == "churn_reason" else name
        mapped = raw[f"raw_{name}"].map(lambda v, c=codes[name]: c[v])
        coded[target] = mapped if name == "segment" else mapped.astype("float64")
    for name in _GROUP_KEYS:
        if name not in coded:
            coded[name] = None if name == "segment" else np.nan
    coded["value_state"] = raw["value_state"].astype("int64")
    coded["id_missing"] = raw["id_missing"].astype(bool)
    for name in ("n", "n_value"):
        coded[name] = raw[name].astype("int64")
    coded["value_mean"] = raw["value_mean"].astype("float64")
    coded["value_var"] = raw["value_var"].astype("float64")
    reason_table = _reason_table(raw, coded) if "churn_reason" in mapping else None
    counts = _complaint_counts(raw, coded) if "complained" in mapping else None
    table = _merge(coded)
    return Groups(
        runner,
        dict(mapping),
        table,
        codes,
        total,
        distinct,
        value_factor,
        reason_table,
        complaint_threshold,
        counts,
        reasons_folded=folded,
        raw=raw,
        coded=coded,
    )


def _reason_codes(texts: Mapping[Any, str | None], reasons: Mapping[str, str] | None) -> dict[Any, Any]:
    """Each raw reason's class code (``reasons``: the classes set by hand, reason → class)."""
    overrides = {normalise(text): cls for text, cls in (reasons or {}).items()}
    classes = {v: UNCLASSIFIED if t == OTHER_REASONS else reason_class(t, overrides) for v, t in texts.items()}
    return {v: None if cls is None else REASON_CODES[cls] for v, cls in classes.items()}


def recode_reasons(groups: Groups, reasons: Mapping[str, str] | None) -> Groups:
    """``groups`` with the churn reasons classed again (``reasons`` set by hand): from the raw groups kept
    by :func:`read_groups` (and left by :func:`validate`), so the file is not read again."""
    if "churn_reason" not in groups.mapping or groups.raw is None or groups.coded is None:
        return groups
    values = list(dict.fromkeys(groups.raw["raw_churn_reason"].tolist()))
    codes = _reason_codes({v: as_text(v) for v in values}, reasons)
    coded = groups.coded.copy()
    coded["reason"] = groups.raw["raw_churn_reason"].map(lambda v: codes[v]).astype("float64")
    return dataclasses.replace(
        groups,
        table=_merge(coded),
        coded=coded,
        codes={**groups.codes, "churn_reason": codes},
        reasons=_reason_table(groups.raw, coded),
    )


def _complaint_counts(raw: pd.DataFrame, coded: pd.DataFrame) -> pd.DataFrame | None:
    """Customers at risk and churners per complaint count, 0 to :data:`COUNT_BUCKETS` and more, or None
    when the column holds no count above 1 (a yes/no flag). Rows with an invalid flag or value are left
    out here as they are from the estimates."""
    from estimator.calibration.columns import _whole_number

    numbers = raw["raw_complained"].map(lambda v: None if v is None else _whole_number(as_text(v)))
    if not (numbers.dropna() > 1).any():
        return None
    usable = numbers.notna() & coded["churned"].isin([0, 1]) & (coded["value_state"] == 0) & ~coded["id_missing"]
    usable &= coded["complained"].isin([0, 1])
    bucket = numbers[usable].astype(int).clip(upper=COUNT_BUCKETS)
    frame = pd.DataFrame(
        {"count": bucket, "n": coded.loc[usable, "n"], "churned": coded.loc[usable, "n"] * (coded.loc[usable, "churned"] == 1)}
    )
    table = frame.groupby("count", as_index=False)[["n", "churned"]].sum().astype("int64")
    return table.set_index("count").reindex(range(COUNT_BUCKETS + 1), fill_value=0).reset_index()


def _merge(coded: pd.DataFrame) -> pd.DataFrame:
    """One row per coded group: counts summed, means and population variances combined exactly."""
    keys = list(_GROUP_KEYS)
    frame = coded.assign(segment=coded["segment"].astype(object)).reset_index(drop=True)
    if frame.empty:
        return frame[[*keys, "n", "n_value", "value_mean", "value_var"]]
    group = frame.groupby(keys, dropna=False, sort=True).ngroup().to_numpy()
    size = int(group.max()) + 1
    weights = frame["n_value"].to_numpy(float)
    means, variances = frame["value_mean"].to_numpy(float), frame["value_var"].to_numpy(float)
    known = np.nan_to_num(means)
    total = np.bincount(group, weights=weights, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(total > 0, np.bincount(group, weights=weights * known, minlength=size) / total, np.nan)
        # Within-group plus between-group squares (Chan et al.): exact, whatever the grouping.
        spread = weights * (np.nan_to_num(variances) + (known - np.nan_to_num(mean[group])) ** 2)
        variance = np.where(total > 0, np.bincount(group, weights=spread, minlength=size) / total, 0.0)
    _, first = np.unique(group, return_index=True)
    out = frame.iloc[first][keys].reset_index(drop=True)
    out["n"] = np.bincount(group, weights=frame["n"].to_numpy(float), minlength=size).astype("int64")
    out["n_value"] = total.astype("int64")
    # A group made of one group of raw values keeps the engine's own mean and variance, bit for bit.
    single = np.bincount(group, minlength=size) == 1
    out["value_mean"] = np.where(single, means[first], mean)
    out["value_var"] = np.where(single, variances[first], variance)
    out["value_mean"] = out["value_mean"].where(out["n_value"] > 0)
    return out


def _reason_table(raw: pd.DataFrame, coded: pd.DataFrame) -> pd.DataFrame:
    """Churners per distinct reason (trimmed of spaces, as SQL's trim; blank as ""), most frequent first."""
    churners = coded["churned"] == 1
    text = raw.loc[churners, "raw_churn_reason"].map(lambda v: "" if v is None else as_text(v).strip(" "))
    frame = pd.DataFrame({"reason": text, "n": coded.loc[churners, "n"], "code": coded.loc[churners, "reason"]})
    table = frame.groupby("reason", as_index=False).agg(n=("n", "sum"), code=("code", "min"))
    table["code"] = table["code"].astype("Int8")
    return table.sort_values(["n", "reason"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _condition(groups: Groups, test: Mapping[str, Any]) -> str:
    """SQL for rows whose raw values have the given codes, e.g. ``{"complained": -1}``; a list means any of."""
    parts = []
    for name, wanted in test.items():
        if name == "id_missing":
            column = _ident(groups.mapping["customer_id"])
            parts.append(_id_missing_sql(column, groups.mapping["customer_id"] in groups.runner.numeric))
        elif name == "value_state":
            column = _ident(groups.mapping["annual_value"])
            _, state = _value_sql(column, groups.mapping["annual_value"] in groups.runner.numeric, groups.value_factor)
            parts.append(f"({state}) = {int(wanted)}")
        else:
            allowed = wanted if isinstance(wanted, list) else [wanted]
            values = [raw for raw, code in groups.codes[name].items() if code in allowed]
            parts.append(_in(_ident(groups.mapping[name]), values))
    return " AND ".join(parts)


def _example_row(groups: Groups, condition: str) -> tuple[int, str]:
    """The first row (1-based, after the header) meeting ``condition``, shown as ``field=value`` pairs."""
    mapping = groups.mapping
    shown = ", ".join(f"{_ident(column)} AS {_ident('shown_' + name)}" for name, column in mapping.items())
    numbered = f"SELECT {groups.runner.row_number_sql()} AS _row, {shown}, ({condition}) AS _hit FROM {RELATION}"
    rows = groups.runner.rows(f"SELECT * FROM ({numbered}) AS numbered WHERE _hit ORDER BY _row LIMIT 1")
    if not rows:
        return 0, ""
    row = rows[0]
    pairs = (f"{name}={'' if value is None else as_text(value)!r}" for name, value in zip(mapping, row[1:-1], strict=True))
    return int(row[0]), ", ".join(pairs)


def _fail(groups: Groups, message_id: str, test: Mapping[str, Any], count: int, **values: Any) -> None:
    row, example = _example_row(groups, _condition(groups, test))
    column = groups.mapping.get(values.get("field", ""), "")
    raise CalibrationError(message_id, count=count, row=row, example=example, column=column, **values)


def _problems(groups: Groups) -> list[tuple[str, str, pd.Series, dict[str, Any]]]:
    """Every kind of invalid row, in the order a person would fix them: (message id, field, mask, test)."""
    mapping, table = groups.mapping, groups.table
    out: list[tuple[str, str, pd.Series, dict[str, Any]]] = []
    if "customer_id" in mapping:
        out.append(("blank_value_id", "customer_id", table["id_missing"].astype(bool), {"id_missing": True}))
    for name in FLAG_FIELDS:
        if name not in mapping:
            continue
        out.append(("not_binary", name, table[name] == -1, {name: -1}))
        blank = table[name].isna()
        test: dict[str, Any] = {name: None}
        if name == "resolved":
            blank &= table["complained"] == 1  # only complainers need it
            test["complained"] = 1
        out.append(("blank_value_resolved" if name == "resolved" else "blank_value", name, blank, test))
    if "resolved" in mapping:
        mask = (table["resolved"] == 1) & (table["complained"] == 0)
        out.append(("resolved_without_complaint", "resolved", mask, {"resolved": 1, "complained": 0}))
    if "annual_value" in mapping:
        names = {1: "bad_value_blank", 2: "bad_value_text", 3: "bad_value_nan", 4: "bad_value_negative"}
        for state, message_id in names.items():
            out.append((message_id, "annual_value", table["value_state"] == state, {"value_state": state}))
    return out


def validate(groups: Groups, drop_invalid: bool = False) -> Groups:
    """Raise on the first problem of the table, in the order a person would fix them; or, with
    ``drop_invalid``, leave out every row with an invalid value in a column used, and say so per column.

    Returns
    -------
    Groups
        ``groups`` itself, or with ``drop_invalid`` its table without the invalid rows and ``dropped``
        listing, per column, the rows left out and the first one as an example.
    """
    mapping, table = groups.mapping, groups.table
    total = int(table["n"].sum())
    if total == 0:
        raise CalibrationError("header_only", columns=", ".join(mapping.values()))

    def count(mask: pd.Series) -> int:
        return int(table.loc[mask, "n"].sum())

    vocab = vocabulary()
    allowed = ", ".join(sorted(w for w in vocab.yes | vocab.no if w.isascii() and w.isalpha() and len(w) > 1)[:12])
    invalid = pd.Series(False, index=table.index)
    dropped: list[dict[str, Any]] = []
    for message_id, name, mask, test in _problems(groups):
        if not (n := count(mask)):
            continue
        extra = {"allowed": allowed} if message_id == "not_binary" else {}
        if not drop_invalid:
            _fail(groups, message_id, test, n, field=name, **extra)
        row, example = _example_row(groups, _condition(groups, test))
        dropped.append({"column": mapping[name], "field": name, "problem": message_id, "rows": n, "row": row, "example": example})
        invalid |= mask
    if dropped:
        kept = table.loc[~invalid].reset_index(drop=True)
        if int(kept["n"].sum()) == 0:
            raise CalibrationError("all_rows_invalid", count=total, columns=", ".join(d["column"] for d in dropped))
        raw, coded = groups.raw, groups.coded
        if coded is not None and raw is not None:  # the same rows out of the groups kept for classing reasons again
            bad = pd.Series(False, index=coded.index)
            for _, _, mask, _ in _problems(dataclasses.replace(groups, table=coded)):
                bad |= mask.fillna(False).astype(bool)
            raw, coded = raw.loc[~bad].reset_index(drop=True), coded.loc[~bad].reset_index(drop=True)
        reasons = _reason_table(raw, coded) if raw is not None and "churn_reason" in mapping else groups.reasons
        counts = _complaint_counts(raw, coded) if raw is not None and groups.complaint_counts is not None else None
        groups = dataclasses.replace(
            groups, table=kept, dropped=tuple(dropped), raw=raw, coded=coded, reasons=reasons, complaint_counts=counts
        )
    if "customer_id" in mapping and groups.total != groups.distinct_ids:
        _check_duplicates(groups)
    return groups


def _check_duplicates(groups: Groups) -> None:
    column = _ident(groups.mapping["customer_id"])
    found = groups.runner.rows(
        f"SELECT {column}, count(*) AS n FROM {RELATION} GROUP BY {column} HAVING count(*) > 1 ORDER BY n DESC, {column} LIMIT 1"
    )
    if not found:
        return  # two different ids with the same hash: no duplicate after all
    value, times = found[0]
    extra = int(groups.runner.rows(f"SELECT count(*) - count(DISTINCT {column}) FROM {RELATION}")[0][0])
    row, example = _example_row(groups, _in(column, [value]))
    raise CalibrationError(
        "duplicate_id",
        count=extra,
        row=row,
        example=example,
        field="customer_id",
        value=as_text(value),
        times=int(times),
    )


def disagreements(runner: Runner, name: str, columns: list[str]) -> int:
    """Rows where ``columns`` (candidates for one field) say different things: as flags for a flag field
    (``Yes`` and ``1`` agree), as numbers for a value, as trimmed text otherwise."""
    if name in FLAG_FIELDS:
        shown = []
        for c in columns:
            values = [row[0] for row in runner.rows(f"SELECT DISTINCT {_ident(c)} FROM {RELATION}")]
            whens = " ".join(
                f"WHEN {_in(_ident(c), [v])} THEN {'NULL' if code is None else int(code)}"
                for v in values
                if v is not None
                for code in [flag_code(as_text(v), name)]
            )
            shown.append(f"CASE {whens} ELSE NULL END" if whens else "CAST(NULL AS INTEGER)")
    elif name == "annual_value":
        shown = [f"CAST({_ident(c)} AS DOUBLE)" if c in runner.numeric else _number_sql(_ident(c)) for c in columns]
    else:
        shown = [f"trim(CAST({_ident(c)} AS VARCHAR))" for c in columns]
    differs = " OR ".join(f"({shown[0]}) IS DISTINCT FROM ({other})" for other in shown[1:])
    return int(runner.rows(f"SELECT count(*) FROM {RELATION} WHERE {differs}")[0][0])
