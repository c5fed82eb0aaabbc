"""From rows to counts: the SQL that reduces a customer table to counts per group, and the checks on them.

The aggregation is one definition: the view ``src`` (every column as text) is read twice, once for
each coded column's distinct raw values (classified in Python by :mod:`.columns`: flags, segments,
churn reasons) and once for the counts per group (segment × churned × complained × resolved ×
had a problem × reason class × value state), with the value's count, mean and variance. Any
engine that can run these two queries over a table named ``src`` yields the same groups.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from estimator.calibration.columns import (
    FLAG_FIELDS,
    MISSING_WORDS,
    REASON_CODES,
    _is_missing,
    flag_code,
    normalise,
    reason_class,
    vocabulary,
)
from estimator.calibration.messages import CalibrationError
from estimator.calibration.sql import sql_ident as _ident
from estimator.calibration.sql import sql_string as _sql_string

__all__ = ["GROUP_KEYS", "MAX_SEGMENTS", "disagreements", "reason_counts"]

MAX_SEGMENTS = 100


def _number_sql(column: str) -> str:
    """The cell as a number: decimal point or comma, spaces as thousands separators."""
    s = f"replace(replace(trim({column}), ' ', ''), chr(160), '')"
    both = f"(strpos({s}, ',') > 0 AND strpos({s}, '.') > 0)"
    european = f"strpos(reverse({s}), ',') < strpos(reverse({s}), '.')"
    text = (
        f"CASE WHEN {both} AND {european} THEN replace(replace({s}, '.', ''), ',', '.') "
        f"WHEN {both} THEN replace({s}, ',', '') ELSE replace({s}, ',', '.') END"
    )
    # The plain form first: most files need nothing else (CASE evaluates the rest only for the others).
    plain = f"TRY_CAST({column} AS DOUBLE)"
    return f"CASE WHEN {plain} IS NOT NULL THEN {plain} ELSE TRY_CAST({text} AS DOUBLE) END"


#: Fields whose distinct values are classified in Python (fast and exact: one rule, one place).
_CODED = (*FLAG_FIELDS, "segment", "churn_reason")


@dataclass(frozen=True)
class _Reading:
    """One file being read: its connection, which column feeds which field, and the codes of its values."""

    con: duckdb.DuckDBPyConnection
    mapping: dict[str, str]
    codes: dict[str, dict[str, Any]]
    #: What a value is multiplied by to be yearly (12 for a monthly charge).
    value_factor: float = 1.0


def _code_values(
    con: duckdb.DuckDBPyConnection,
    mapping: Mapping[str, str],
    value_factor: float = 1.0,
    reasons: Mapping[str, str] | None = None,
) -> tuple[_Reading, int, int]:
    """Read each coded column's distinct values once, classify them, register them as lookup tables.

    Returns the reading, the number of rows and of distinct customer ids (found in the same scan;
    without an id column every row is a customer).
    """
    coded = [name for name in _CODED if name in mapping]
    lists = "".join(f", list(DISTINCT {_ident(mapping[name])})" for name in coded)
    # Distinct hashes, not strings: much faster on millions of ids; a collision is ruled out exactly later.
    ids = f"count(DISTINCT hash({_ident(mapping['customer_id'])}))" if "customer_id" in mapping else "count(*)"
    row = con.execute(f"SELECT count(*), {ids}{lists} FROM src").fetchall()[0]
    total, distinct, values = row[0], row[1], {name: raw or [] for name, raw in zip(coded, row[2:], strict=True)}
    if "segment" in values:
        labels = {str(v).strip() for v in values["segment"] if not _is_missing(v)}
        if len(labels) > MAX_SEGMENTS:
            raise CalibrationError(
                "too_many_segments",
                field="segment",
                column=mapping["segment"],
                count=len(labels),
                limit=MAX_SEGMENTS,
            )
    codes: dict[str, dict[str, Any]] = {}
    for name, raw in values.items():
        raw = [v for v in raw if v is not None]
        if name == "segment":
            codes[name] = {v: None if _is_missing(v) else str(v).strip() for v in raw}
        elif name == "churn_reason":
            # Reasons may be free text with many values: a lookup table joined in SQL.
            overrides = {normalise(text): name for text, name in (reasons or {}).items()}
            classes = [reason_class(v, overrides) for v in raw]
            codes_of = [None if name is None else REASON_CODES[name] for name in classes]
            table = pd.DataFrame({"raw": pd.Series(raw, dtype="object"), "code": pd.Series(codes_of, dtype="Int8")})
            con.register("code_churn_reason", table)
        else:
            codes[name] = {v: flag_code(v, name) for v in raw}
    return _Reading(con, dict(mapping), codes, value_factor), int(total), int(distinct)


def _case(column: str, codes: Mapping[str, Any]) -> str:
    """A CASE over the column's own distinct values, mapping each to its code (None → NULL)."""

    def literal(code: Any) -> str:
        return "NULL" if code is None else _sql_string(code) if isinstance(code, str) else str(int(code))

    whens = " ".join(f"WHEN {column} = {_sql_string(raw)} THEN {literal(code)}" for raw, code in codes.items())
    return f"CASE {whens} ELSE NULL END" if whens else "NULL"


def _row_sql(reading: _Reading, numbered: bool = False) -> str:
    """One row per customer: the flags as 1/0/NULL/-1, the value and its state, segment and reason class.

    With ``numbered``, also the row's number in the file and the mapped columns as they are
    (``shown_<field>``), for showing an example of a bad row.
    """
    col = {name: f"src.{_ident(column)}" for name, column in reading.mapping.items()}
    words = ", ".join(_sql_string(w) for w in MISSING_WORDS)
    parts = [
        f"({col['customer_id']} IS NULL OR (length({col['customer_id']}) <= 5 AND "
        f"lower(trim({col['customer_id']})) IN ({words}))) AS id_missing"
        if "customer_id" in col
        else "false AS id_missing"
    ]
    for name in FLAG_FIELDS:
        parts.append(
            f"({_case(col[name], reading.codes[name])})::TINYINT AS {name}" if name in col else f"NULL::TINYINT AS {name}"
        )
    parts.append(
        f"({_case(col['segment'], reading.codes['segment'])})::VARCHAR AS segment"
        if "segment" in col
        else "NULL::VARCHAR AS segment"
    )
    joins = ""
    if "churn_reason" in col:
        parts.append("code_churn_reason.code AS reason")
        joins = f"LEFT JOIN code_churn_reason ON {col['churn_reason']} = code_churn_reason.raw"
    else:
        parts.append("NULL::TINYINT AS reason")
    if "annual_value" in col:
        factor = "" if reading.value_factor == 1 else f" * {float(reading.value_factor)!r}"
        parts.append(f"({_number_sql(col['annual_value'])}){factor} AS value_raw")
        parts.append(f"({col['annual_value']} IS NULL OR lower(trim({col['annual_value']})) IN ({words})) AS value_missing")
    else:
        parts += ["NULL::DOUBLE AS value_raw", "false AS value_missing"]
    source = "src"
    if numbered:
        parts = ["src._row", *(f"{col[name]} AS {_ident('shown_' + name)}" for name in reading.mapping), *parts]
        source = "(SELECT row_number() OVER () AS _row, * FROM src) src"
    return f"SELECT {', '.join(parts)} FROM {source} {joins}"


#: NaN and the infinities, as every dialect writes them (DuckDB's isnan/isinf have no PostgreSQL twin).
_NOT_FINITE = "CAST('NaN' AS DOUBLE), CAST('Infinity' AS DOUBLE), CAST('-Infinity' AS DOUBLE)"


def _with_state(rows_sql: str) -> str:
    """Add ``value_state``: 0 valid, 1 blank or NaN text, 2 not a number, 3 NaN or infinite, 4 negative."""
    return f"""SELECT *, CASE WHEN value_missing THEN 1 WHEN value_raw IS NULL THEN 2
                   WHEN value_raw IN ({_NOT_FINITE}) THEN 3 WHEN value_raw < 0 THEN 4 ELSE 0 END AS value_state
               FROM ({rows_sql}) AS customer_rows"""


_GROUP_KEYS = ("segment", "churned", "complained", "resolved", "had_problem", "reason", "value_state", "id_missing")


def group_counts_sql(reading: _Reading) -> str:
    """The one group-count query, in DuckDB's SQL (other engines get it through :func:`transpile`)."""
    keys = ", ".join(_GROUP_KEYS)
    return f"""
        SELECT {keys}, count(*) AS n,
               count(value) AS n_value, avg(value) AS value_mean, coalesce(var_pop(value), 0) AS value_var
        FROM (SELECT *, CASE WHEN value_state = 0 THEN value_raw END AS value FROM ({_with_state(_row_sql(reading))}) AS stated)
             AS valued
        GROUP BY {keys}
    """


def transpile(sql: str, dialect: str) -> str:
    """The DuckDB query in another engine's dialect (``"postgres"``, ``"spark"``), through sqlglot."""
    if dialect == "duckdb":
        return sql
    import sqlglot  # only engines other than DuckDB need it
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="duckdb")
    if dialect == "postgres":
        # PostgreSQL has no TRY_CAST: cast only what DuckDB would read as a number (else NULL, as DuckDB).
        def guarded(node: exp.Expression) -> exp.Expression:
            if isinstance(node, exp.TryCast):
                text = exp.func("TRIM", node.this.copy())
                test = exp.RegexpILike(this=text, expression=exp.Literal.string(_NUMBER_PATTERN))
                return exp.Case(ifs=[exp.If(this=test, true=exp.Cast(this=text.copy(), to=node.to.copy()))])
            return node

        tree = tree.transform(guarded)
    return tree.sql(dialect=dialect)


#: What DuckDB's TRY_CAST(text AS DOUBLE) accepts, for engines without TRY_CAST.
_NUMBER_PATTERN = r"^[+-]?((\d+\.?\d*|\.\d+)(e[+-]?\d+)?|inf|infinity|nan)$"


def _group_counts(reading: _Reading) -> pd.DataFrame:
    """Counts, value means and variances per group: the whole file in a few hundred rows at most."""
    groups = reading.con.execute(group_counts_sql(reading)).df()
    # Plain floats (NaN for a blank cell): comparisons with a blank are simply false.
    for name in ("churned", "complained", "resolved", "had_problem", "reason"):
        groups[name] = groups[name].astype("float64")
    return groups


def _example_row(reading: _Reading, condition: str) -> tuple[int, str]:
    """The first row (1-based, after the header) meeting ``condition``, shown as ``field=value`` pairs."""
    mapping = reading.mapping
    picked = ", ".join(_ident("shown_" + name) for name in mapping)
    query = (
        f"SELECT _row, {picked} FROM ({_with_state(_row_sql(reading, numbered=True))}) WHERE {condition} ORDER BY _row LIMIT 1"
    )
    rows = reading.con.execute(query).fetchall()
    row = rows[0] if rows else None
    if row is None:
        return 0, ""
    pairs = (f"{name}={'' if value is None else value!r}" for name, value in zip(mapping, row[1:], strict=True))
    return int(row[0]), ", ".join(pairs)


def _fail(reading: _Reading, message_id: str, condition: str, count: int, **values: Any) -> None:
    row, example = _example_row(reading, condition)
    raise CalibrationError(message_id, count=count, row=row, example=example, **values)


def _validate(reading: _Reading, groups: pd.DataFrame, total_ids: int, distinct_ids: int) -> None:
    """Raise on the first problem of the file, in the order a person would fix them."""
    mapping = reading.mapping
    total = int(groups["n"].sum())
    if total == 0:
        raise CalibrationError("header_only", columns=", ".join(mapping.values()))

    def count(mask: pd.Series) -> int:
        return int(groups.loc[mask, "n"].sum())

    if n := count(groups["id_missing"]):
        _fail(reading, "blank_value_id", "id_missing", n, field="customer_id")
    vocab = vocabulary()
    allowed = ", ".join(sorted(w for w in vocab.yes | vocab.no if w.isascii() and w.isalpha() and len(w) > 1)[:12])
    for name in FLAG_FIELDS:
        if name not in mapping:
            continue
        if n := count(groups[name] == -1):
            _fail(reading, "not_binary", f"{name} = -1", n, field=name, allowed=allowed)
        blank = groups[name].isna()
        condition = f"{name} IS NULL"
        if name == "resolved":
            blank &= groups["complained"] == 1  # only complainers need it
            condition += " AND complained = 1"
        if n := count(blank):
            _fail(reading, "blank_value_resolved" if name == "resolved" else "blank_value", condition, n, field=name)
    if "resolved" in mapping and (n := count((groups["resolved"] == 1) & (groups["complained"] == 0))):
        _fail(
            reading,
            "resolved_without_complaint",
            "resolved = 1 AND complained = 0",
            n,
            field="resolved",
        )
    if "annual_value" in mapping:
        problems = {1: "bad_value_blank", 2: "bad_value_text", 3: "bad_value_nan", 4: "bad_value_negative"}
        for state, message_id in problems.items():
            if n := count(groups["value_state"] == state):
                _fail(reading, message_id, f"value_state = {state}", n, field="annual_value")
    if "customer_id" in mapping:
        _check_duplicates(reading, total_ids, distinct_ids)


def reason_counts(reading: _Reading) -> pd.DataFrame:
    """Churners per distinct reason (trimmed, blank as ""), with its class code, most frequent first."""
    column = f"src.{_ident(reading.mapping['churn_reason'])}"
    churned = _case(f"src.{_ident(reading.mapping['churned'])}", reading.codes["churned"])
    query = f"""
        SELECT coalesce(trim({column}), '') AS reason, count(*) AS n, min(code_churn_reason.code) AS code
        FROM src LEFT JOIN code_churn_reason ON {column} = code_churn_reason.raw
        WHERE ({churned}) = 1
        GROUP BY 1 ORDER BY n DESC, reason
    """
    return reading.con.execute(query).df()


def disagreements(con: duckdb.DuckDBPyConnection, name: str, columns: list[str]) -> int:
    """Rows where ``columns`` (candidates for one field) say different things: as flags for a flag field
    (``Yes`` and ``1`` agree), as numbers for a value, as trimmed text otherwise."""
    if name in FLAG_FIELDS:
        lists = ", ".join(f"list(DISTINCT {_ident(c)})" for c in columns)
        values = con.execute(f"SELECT {lists} FROM src").fetchall()[0]
        shown = [
            _case(_ident(c), {v: flag_code(v, name) for v in raw or [] if v is not None})
            for c, raw in zip(columns, values, strict=True)
        ]
    elif name == "annual_value":
        shown = [_number_sql(_ident(c)) for c in columns]
    else:
        shown = [f"trim({_ident(c)})" for c in columns]
    differs = " OR ".join(f"({shown[0]}) IS DISTINCT FROM ({other})" for other in shown[1:])
    return int(con.execute(f"SELECT count(*) FROM src WHERE {differs}").fetchall()[0][0])


def _check_duplicates(reading: _Reading, total: int, distinct: int) -> None:
    if total == distinct:
        return
    column = _ident(reading.mapping["customer_id"])
    found = reading.con.execute(
        f"SELECT {column}, count(*) AS n FROM src GROUP BY {column} HAVING count(*) > 1 ORDER BY n DESC, {column} LIMIT 1"
    ).fetchall()
    if not found:
        return  # two different ids with the same hash: no duplicate after all
    duplicated = found[0]
    total = int(reading.con.execute(f"SELECT count(*) - count(DISTINCT {column}) FROM src").fetchall()[0][0])
    _fail(
        reading,
        "duplicate_id",
        f"{_ident('shown_customer_id')} = {_sql_string(duplicated[0])}",
        total,
        field="customer_id",
        value=duplicated[0],
        times=int(duplicated[1]),
    )


GROUP_KEYS = _GROUP_KEYS
