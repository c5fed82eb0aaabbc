"""Calibrate the model from a client's own customer extract, with 95 % intervals.

A customer-level table (CSV, XLSX or Parquet) is read by DuckDB and reduced in SQL to counts per
group (segment × churned × complained × resolved × had a problem × churn reason class), so a file
of ten million rows never becomes a pandas frame. Everything else works on those counts:

- proportions (churn rate, complaint rate, churn of resolved / unresolved complainers, of
  silent dissatisfied customers, baseline churn...) with Wilson intervals (statsmodels);
- the mean annual value with a t interval, from per-group means and variances combined exactly;
- a binomial GLM on the aggregated counts of complainers, churn ~ unresolved + segment, whose
  coefficients equal a logistic regression on the raw rows.

Column names, yes/no words (six languages) and the churn reasons that count as poor service come
from ``data/calibration_columns.toml``. Bad input raises :class:`CalibrationError`, a one-line
message naming the problem with an example row; nothing in a file is ever executed.

Examples
--------
>>> from estimator.calibration import calibrate
>>> result = calibrate("data/sample_customers.csv")            # doctest: +SKIP
>>> result.estimates["churn_rate"].value, result.to_frame()     # doctest: +SKIP
>>> Parameters(result.parameter_values())                       # doctest: +SKIP
"""

from __future__ import annotations

import codecs
import math
import re
import tempfile
import tomllib
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from estimator.formatting import is_share_parameter
from estimator.parameters import PARAMETER_SPECS, InputError
from estimator.paths import data_dir

__all__ = [
    "FIELDS",
    "REQUIRED_FIELDS",
    "Calibration",
    "CalibrationError",
    "CalibrationWarning",
    "ColumnPlan",
    "EffectModel",
    "Interval",
    "auto_mapping",
    "calibrate",
    "inspect_columns",
    "parse_mapping",
]

FIELDS = ("customer_id", "churned", "complained", "resolved", "annual_value", "segment", "had_problem", "churn_reason")
REQUIRED_FIELDS = ("customer_id", "churned", "complained")
FLAG_FIELDS = ("churned", "complained", "resolved", "had_problem")
CONFIDENCE = 0.95
#: An interval wider than this (high − low, for shares) is reported as too wide to rely on.
WIDE_INTERVAL = 0.2
#: Segments with fewer customers are flagged as small.
SMALL_SEGMENT = 100
MAX_SEGMENTS = 100
#: Text meaning "no value" in any column (besides an empty cell).
MISSING_WORDS = ("", "nan", "na", "n/a", "null", "none", "#n/a")
#: Bytes of the head of a CSV used to guess its encoding and delimiter.
_HEAD_BYTES = 1 << 20


#: Every error message the module can raise: message id -> its code (what went wrong, as in the JSON and
#: ``CalibrationError.code``). A code may have several messages (an empty CSV, an empty workbook...).
#: The text of each is ``calibration.error.<id>`` in ``data/i18n/<language>/calibration.toml``.
ERROR_MESSAGES: dict[str, str] = {
    "unknown_column": "unknown_column",
    "unknown_field": "unknown_field",
    "bad_map": "bad_map",
    "no_file": "no_file",
    "empty_file": "empty_file",
    "empty_file_sheet": "empty_file",
    "empty_file_blank": "empty_file",
    "empty_file_no_header": "empty_file",
    "header_only": "header_only",
    "wrong_delimiter": "wrong_delimiter",
    "wrong_delimiter_tab": "wrong_delimiter",
    "wrong_encoding": "wrong_encoding",
    "wrong_encoding_nul": "wrong_encoding",
    "wrong_encoding_page": "wrong_encoding",
    "wrong_encoding_mixed": "wrong_encoding",
    "unreadable": "unreadable",
    "unreadable_parquet": "unreadable",
    "unreadable_xlsx": "unreadable",
    "duplicate_column": "duplicate_column",
    "missing_column": "missing_column",
    "missing_column_one_column": "missing_column",
    "too_many_segments": "too_many_segments",
    "blank_value": "blank_value",
    "blank_value_id": "blank_value",
    "blank_value_resolved": "blank_value",
    "not_binary": "not_binary",
    "resolved_without_complaint": "resolved_without_complaint",
    "bad_value_blank": "bad_value",
    "bad_value_text": "bad_value",
    "bad_value_nan": "bad_value",
    "bad_value_negative": "bad_value",
    "duplicate_id": "duplicate_id",
}
#: Errors about particular rows: their message is followed by ``calibration.error_rows.one`` / ``.other``
#: (how many rows, and the first one as an example).
ROW_MESSAGES = frozenset(
    {
        "blank_value",
        "blank_value_id",
        "blank_value_resolved",
        "not_binary",
        "resolved_without_complaint",
        "bad_value_blank",
        "bad_value_text",
        "bad_value_nan",
        "bad_value_negative",
        "duplicate_id",
    }
)
#: Every warning the module can emit: message id -> its code; the text is ``calibration.warning.<id>``.
WARNING_MESSAGES: dict[str, str] = {
    "baseline_biased": "baseline_biased",
    "no_resolved": "no_resolved",
    "reasons_missing": "reasons_missing",
    "segment_blank": "segment_blank",
    "small_segment": "small_segment",
    "wide_interval": "wide_interval",
    "no_customers": "no_customers",
    "separation_segment_everyone": "separation_segment",
    "separation_segment_nobody": "separation_segment",
    "separation_effect": "separation_effect",
    "separation_effect_fit": "separation_effect",
}
#: Placeholders holding shares, shown as percentages (the number of decimals).
_SHARE_PLACEHOLDERS = {"low": 1, "high": 1, "width": 0}


def _shown_values(values: Mapping[str, Any], locale: str) -> dict[str, str]:
    """The placeholders as text for ``locale``: whole numbers grouped, shares as percentages."""
    from estimator.formatting import format_count, format_share

    shown = {}
    for name, value in values.items():
        if isinstance(value, bool) or value is None:
            shown[name] = str(value)
        elif name in _SHARE_PLACEHOLDERS and isinstance(value, int | float):
            shown[name] = format_share(float(value), locale=locale, digits=_SHARE_PLACEHOLDERS[name])
        elif isinstance(value, int | float | np.integer):
            shown[name] = format_count(value, locale=locale, compact=False)
        else:
            shown[name] = str(value)
    return shown


def message_text(kind: str, message_id: str, values: Mapping[str, Any], language: str = "en", **shown: str) -> str:
    """The text of an error (``kind="error"``) or warning (``"warning"``) in ``language``.

    Parameters
    ----------
    kind : {"error", "warning"}
    message_id : str
        A key of :data:`ERROR_MESSAGES` or :data:`WARNING_MESSAGES`.
    values : mapping
        The message's placeholders, as raw values (numbers are formatted for the language).
    language : str, optional
        A language code of :data:`estimator.i18n.LANGUAGES`; English by default (the CLI and the API).
    **shown
        Placeholders already written for display (e.g. a parameter's label instead of its key).

    Returns
    -------
    str
    """
    from estimator.i18n import LANGUAGES, language_scope, t

    registry = ERROR_MESSAGES if kind == "error" else WARNING_MESSAGES
    if message_id not in registry:
        raise KeyError(f"no {kind} message {message_id!r}; known: {', '.join(registry)}")
    with language_scope(language):
        locale = LANGUAGES[language].locale if language in LANGUAGES else "en"
        filled = {**_shown_values(values, locale), **shown}
        text = t(f"calibration.{kind}.{message_id}", **filled)
        if kind == "error" and message_id in ROW_MESSAGES:
            tail = "one" if values.get("count") == 1 else "other"
            text = f"{text} {t(f'calibration.error_rows.{tail}', **filled)}"
    return text


class CalibrationError(InputError):
    """Bad input: a one-line message naming the problem, with the field, the value and an example row.

    The message (``str(error)``) is English; :meth:`text` gives it in another language.

    Attributes
    ----------
    code : str
        What went wrong (``missing_column``, ``not_binary``, ``empty_file``...).
    message_id : str
        Which message of :data:`ERROR_MESSAGES` describes it.
    values : dict
        The message's placeholders (``field``, ``value``, ``example``, ``count``...).
    """

    def __init__(self, message_id: str, **values: Any):
        self.code = ERROR_MESSAGES[message_id]
        self.message_id = message_id
        self.values = values
        super().__init__(message_text("error", message_id, values))

    def text(self, language: str = "en", **shown: str) -> str:
        """The message in ``language`` (``shown``: placeholders already written for display)."""
        return message_text("error", self.message_id, self.values, language, **shown)


@dataclass(frozen=True)
class CalibrationWarning:
    """Something to know about the estimates, in plain words (English ``message``; :meth:`text` translates)."""

    code: str
    message: str
    values: dict[str, Any] = field(default_factory=dict)
    message_id: str = ""

    @classmethod
    def of(cls, message_id: str, **values: Any) -> CalibrationWarning:
        """The warning ``message_id`` of :data:`WARNING_MESSAGES` with its placeholders."""
        return cls(WARNING_MESSAGES[message_id], message_text("warning", message_id, values), dict(values), message_id)

    def text(self, language: str = "en", **shown: str) -> str:
        """The message in ``language`` (``shown``: placeholders already written for display)."""
        return message_text("warning", self.message_id or self.code, self.values, language, **shown)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **({"values": self.values} if self.values else {})}


@dataclass(frozen=True)
class Interval:
    """An estimate with its 95 % interval and the number of customers it rests on."""

    value: float
    ci_low: float
    ci_high: float
    n: int

    def to_dict(self) -> dict[str, Any]:
        return {"value": _plain(self.value), "ci_low": _plain(self.ci_low), "ci_high": _plain(self.ci_high), "n": int(self.n)}


def _plain(number: float) -> float | None:
    return None if number is None or not math.isfinite(number) else float(number)


# --- the vocabulary: column names, yes/no words, poor-service reasons -----------------------------


def normalise(text: str) -> str:
    """A name or word without case, accents, and with runs of spaces, dashes, underscores and dots as one space."""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold().replace("ł", "l"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\s_.\-]+", " ", bare).strip()


@dataclass(frozen=True)
class Vocabulary:
    """What ``data/calibration_columns.toml`` says: synonyms per field, yes/no words, service reasons."""

    synonyms: dict[str, frozenset[str]]
    yes: frozenset[str]
    no: frozenset[str]
    reason_exact: tuple[str, ...]
    reason_contains: tuple[str, ...]


@cache
def vocabulary() -> Vocabulary:
    """The vocabulary of ``data/calibration_columns.toml`` (normalised)."""
    with open(data_dir() / "calibration_columns.toml", "rb") as handle:
        raw = tomllib.load(handle)
    synonyms = {name: frozenset({normalise(name), *(normalise(s) for s in raw["fields"].get(name, []))}) for name in FIELDS}
    words = lambda key: frozenset(normalise(w) for w in raw["flags"][key])  # noqa: E731
    return Vocabulary(
        synonyms=synonyms,
        yes=words("yes"),
        no=words("no"),
        reason_exact=tuple(normalise(w) for w in raw["reasons"]["exact"]),
        reason_contains=tuple(normalise(w) for w in raw["reasons"]["contains"]),
    )


# --- which column holds which field ---------------------------------------------------------------


@dataclass(frozen=True)
class ColumnPlan:
    """The columns of a file and which field each one feeds.

    Attributes
    ----------
    columns : list of str
        Column names as in the file.
    mapping : dict
        Field → column, from synonyms and explicit overrides.
    unmapped : list of str
        Columns no field uses (shown in the app's mapping step).
    missing : list of str
        Required fields with no column.
    """

    columns: list[str]
    mapping: dict[str, str]
    unmapped: list[str]
    missing: list[str]


def auto_mapping(columns: Sequence[str], overrides: Mapping[str, str] | None = None) -> ColumnPlan:
    """Map ``columns`` to fields by their names, then apply ``overrides`` (column → field).

    Parameters
    ----------
    columns : sequence of str
        The file's column names.
    overrides : mapping, optional
        Column name → field (``--map column=field``); the field ``ignore`` drops a column.

    Returns
    -------
    ColumnPlan

    Raises
    ------
    CalibrationError
        An override naming a column the file lacks or a field that does not exist.
    """
    columns = [str(c) for c in columns]
    mapping: dict[str, str] = {}
    for name, wanted in (overrides or {}).items():
        if name not in columns:
            raise CalibrationError("unknown_column", column=name, columns=", ".join(columns))
        if wanted != "ignore" and wanted not in FIELDS:
            raise CalibrationError("unknown_field", field=wanted, fields=", ".join(FIELDS))
        if wanted != "ignore":
            mapping[wanted] = name
    taken = set(mapping.values()) | {n for n, w in (overrides or {}).items() if w == "ignore"}
    synonyms = vocabulary().synonyms
    for name in FIELDS:
        if name in mapping:
            continue
        # The field's own name first, then synonyms, in the file's column order.
        candidates = [c for c in columns if c not in taken and normalise(c) == normalise(name)]
        candidates += [c for c in columns if c not in taken and normalise(c) in synonyms[name]]
        if candidates:
            mapping[name] = candidates[0]
            taken.add(candidates[0])
    used = set(mapping.values())
    return ColumnPlan(
        columns=columns,
        mapping={name: mapping[name] for name in FIELDS if name in mapping},
        unmapped=[c for c in columns if c not in used],
        missing=[name for name in REQUIRED_FIELDS if name not in mapping],
    )


def parse_mapping(items: Sequence[str]) -> dict[str, str]:
    """``["Kunde=customer_id", ...]`` → ``{"Kunde": "customer_id"}``; the last ``=`` splits."""
    out = {}
    for item in items:
        column, sep, name = item.rpartition("=")
        if not sep or not column.strip() or not name.strip():
            raise CalibrationError("bad_map", value=item)
        out[column.strip()] = name.strip()
    return out


# --- reading files into DuckDB --------------------------------------------------------------------


def _sql_string(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _kind(path: Path) -> str:
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic == b"PAR1":
        return "parquet"
    if magic == b"PK\x03\x04":
        return "xlsx"
    return "csv"


def _guess_legacy_encoding(sample: bytes) -> str:
    """cp1250, ISO-8859-2 or cp1253 for bytes that are not UTF-8.

    Greek words are runs of high bytes; Central European words are ASCII with a high byte here and
    there. Between the two Central European pages, bytes 0x80–0x9F are letters only in cp1250, and
    otherwise the page that decodes more high bytes as letters wins.
    """
    positions = [i for i, b in enumerate(sample) if b >= 0x80]
    high = [sample[i] for i in positions]
    in_runs = sum(1 for i in positions if (i > 0 and sample[i - 1] >= 0x80) or (i + 1 < len(sample) and sample[i + 1] >= 0x80))
    if positions and in_runs / len(positions) > 0.6:
        return "cp1253"
    if any(0x80 <= b <= 0x9F for b in high):
        return "cp1250"

    def score(encoding: str) -> int:
        return sum(ch.isalpha() for ch in sample.decode(encoding, errors="replace") if ord(ch) >= 0x80)

    return max(("cp1250", "iso-8859-2"), key=score)


def _transcode(path: Path, encoding: str, target: Path) -> None:
    """Re-encode ``path`` to UTF-8 in chunks (never the whole file in memory)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    with open(path, "rb") as source, open(target, "w", encoding="utf-8", newline="") as out:
        while chunk := source.read(1 << 22):
            out.write(decoder.decode(chunk))
        out.write(decoder.decode(b"", final=True))


def _sniff_csv(head: bytes, encoding: str) -> str:
    """The delimiter, from the header line: ``,`` or ``;`` (others are refused with a message)."""
    text = head.decode(encoding, errors="replace").lstrip("\ufeff")
    header = text.splitlines()[0] if text.splitlines() else ""
    counts = {sep: header.count(sep) for sep in (",", ";", "\t", "|")}
    if counts[";"] > counts[","]:
        return ";"
    if counts[","]:
        return ","
    other = max(("\t", "|"), key=counts.get)
    if counts[other]:
        raise CalibrationError(
            "wrong_delimiter_tab" if other == "\t" else "wrong_delimiter", delimiter=other, example=header[:120]
        )
    return ","


@dataclass
class _Source:
    connection: duckdb.DuckDBPyConnection
    columns: list[str]
    kind: str
    encoding: str | None = None
    delimiter: str | None = None


def _csv_relation(path: Path, delimiter: str, encoding: str) -> str:
    return (
        f"read_csv({_sql_string(str(path))}, delim={_sql_string(delimiter)}, header=true, all_varchar=true, "
        f"quote='\"', escape='\"', encoding={_sql_string(encoding)}, null_padding=false, auto_detect=false, "
        "columns=$cols)"
    )


def _read_header(path: Path, delimiter: str, encoding: str) -> list[str]:
    import csv

    with open(path, encoding=encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        header = next(reader, [])
    return [h.lstrip("\ufeff").strip() for h in header]


@contextmanager
def _open_source(path: Path, encoding: str | None = None) -> Iterator[_Source]:
    """A DuckDB connection with a view ``src`` of the file, every column as text."""
    path = Path(path)
    if not path.is_file():
        raise CalibrationError("no_file", value=str(path))
    if path.stat().st_size == 0:
        raise CalibrationError("empty_file")
    con = duckdb.connect(config={"threads": 2, "memory_limit": "1GB", "preserve_insertion_order": True})
    with tempfile.TemporaryDirectory(prefix="calibration-") as scratch:
        try:
            con.execute(f"SET temp_directory={_sql_string(scratch)}")
            kind = _kind(path)
            if kind == "parquet":
                try:
                    con.execute(f"CREATE VIEW raw AS SELECT * FROM read_parquet({_sql_string(str(path))})")
                except duckdb.Error as error:
                    raise CalibrationError("unreadable_parquet", detail=_first_line(error)) from None
                columns = [row[0] for row in con.execute("DESCRIBE raw").fetchall()]
                casts = ", ".join(f"CAST({_ident(c)} AS VARCHAR) AS {_ident(c)}" for c in columns)
                con.execute(f"CREATE VIEW src AS SELECT {casts} FROM raw")
                yield _Source(con, columns, kind)
            elif kind == "xlsx":
                frame = _read_xlsx(path)
                con.register("xlsx_frame", frame)
                con.execute("CREATE VIEW src AS SELECT * FROM xlsx_frame")
                yield _Source(con, [str(c) for c in frame.columns], kind)
            else:
                yield _csv_source(con, path, encoding, Path(scratch))
        finally:
            con.close()


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _read_xlsx(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_excel(path, sheet_name=0, dtype=str, engine="openpyxl", keep_default_na=False)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise CalibrationError("unreadable_xlsx", detail=_first_line(error)) from None
    if frame.columns.empty:
        raise CalibrationError("empty_file_sheet")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _csv_source(con: duckdb.DuckDBPyConnection, path: Path, encoding: str | None, scratch: Path) -> _Source:
    with open(path, "rb") as handle:
        head = handle.read(_HEAD_BYTES)
    if not head.strip(b"\xef\xbb\xbf\r\n\t ,;"):
        raise CalibrationError("empty_file_blank")
    if encoding is None:
        if head.startswith(codecs.BOM_UTF8):
            encoding = "utf-8"
        elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encoding = "utf-16"
        elif b"\x00" in head:
            raise CalibrationError("wrong_encoding_nul")
        else:
            try:
                head.decode("utf-8")
                encoding = "utf-8"
            except UnicodeDecodeError as error:
                # A cut in the middle of a character at the end of the head is still UTF-8.
                encoding = "utf-8" if error.start >= len(head) - 3 else _guess_legacy_encoding(head)
    delimiter = _sniff_csv(head, "utf-16" if encoding == "utf-16" else encoding)
    readable = path
    if encoding not in ("utf-8", "utf-16"):
        readable = scratch / "transcoded.csv"
        try:
            _transcode(path, encoding, readable)
        except (UnicodeDecodeError, LookupError) as error:
            raise CalibrationError("wrong_encoding_page", encoding=encoding, detail=str(error)) from None
        encoding = "utf-8"
    elif encoding == "utf-16":
        readable = scratch / "transcoded.csv"
        _transcode(path, "utf-16", readable)
        encoding = "utf-8"
    columns = _read_header(readable, delimiter, "utf-8-sig")
    if not columns or not any(columns):
        raise CalibrationError("empty_file_no_header")
    _check_header(columns)
    cols = "{" + ", ".join(f"{_sql_string(c)}: 'VARCHAR'" for c in columns) + "}"
    relation = _csv_relation(readable, delimiter, encoding).replace("$cols", cols)
    con.execute(f"CREATE VIEW src AS SELECT * FROM {relation}")
    return _Source(con, columns, "csv", encoding=encoding, delimiter=delimiter)


def _check_header(columns: list[str]) -> None:
    seen: set[str] = set()
    for name in columns:
        if name in seen:
            raise CalibrationError("duplicate_column", column=name)
        seen.add(name)


def inspect_columns(path: str | Path, overrides: Mapping[str, str] | None = None, encoding: str | None = None) -> ColumnPlan:
    """The file's columns and the field each one would feed (for a mapping step before calibrating).

    Raises
    ------
    CalibrationError
        When the file cannot be read (empty, wrong delimiter or encoding...).
    """
    with _open_source(Path(path), encoding) as source:
        return auto_mapping(source.columns, overrides)


# --- SQL: from rows to counts ----------------------------------------------------------------------


def _is_missing(raw: Any) -> bool:
    return raw is None or str(raw).strip().casefold() in MISSING_WORDS


def flag_code(raw: Any) -> int | None:
    """1 for a yes word, 0 for a no word, None for a blank cell, -1 for anything else."""
    if _is_missing(raw):
        return None
    vocab, word = vocabulary(), normalise(raw)
    return 1 if word in vocab.yes else 0 if word in vocab.no else -1


def reason_code(raw: Any) -> int | None:
    """1 when a churn reason counts as poor service, 0 when not, None when blank."""
    if _is_missing(raw):
        return None
    vocab, text = vocabulary(), normalise(raw)
    return int(text in vocab.reason_exact or any(word in text for word in vocab.reason_contains))


def _number_sql(column: str) -> str:
    """The cell as a number: decimal point or comma, spaces as thousands separators."""
    s = f"replace(replace(trim({column}), ' ', ''), chr(160), '')"
    both = f"(contains({s}, ',') AND contains({s}, '.'))"
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


def _code_values(con: duckdb.DuckDBPyConnection, mapping: Mapping[str, str]) -> tuple[_Reading, int, int]:
    """Read each coded column's distinct values once, classify them, register them as lookup tables.

    Returns the reading, the number of rows and of distinct customer ids (found in the same scan).
    """
    coded = [name for name in _CODED if name in mapping]
    lists = "".join(f", list(DISTINCT {_ident(mapping[name])})" for name in coded)
    # Distinct hashes, not strings: much faster on millions of ids; a collision is ruled out exactly later.
    row = con.execute(f"SELECT count(*), count(DISTINCT hash({_ident(mapping['customer_id'])})){lists} FROM src").fetchall()[0]
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
            table = pd.DataFrame(
                {"raw": pd.Series(raw, dtype="object"), "code": pd.Series([reason_code(v) for v in raw], dtype="Int8")}
            )
            con.register("code_churn_reason", table)
        else:
            codes[name] = {v: flag_code(v) for v in raw}
    return _Reading(con, dict(mapping), codes), int(total), int(distinct)


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
        parts.append(f"{_number_sql(col['annual_value'])} AS value_raw")
        parts.append(f"({col['annual_value']} IS NULL OR lower(trim({col['annual_value']})) IN ({words})) AS value_missing")
    else:
        parts += ["NULL::DOUBLE AS value_raw", "false AS value_missing"]
    source = "src"
    if numbered:
        parts = ["src._row", *(f"{col[name]} AS {_ident('shown_' + name)}" for name in reading.mapping), *parts]
        source = "(SELECT row_number() OVER () AS _row, * FROM src) src"
    return f"SELECT {', '.join(parts)} FROM {source} {joins}"


def _with_state(rows_sql: str) -> str:
    """Add ``value_state``: 0 valid, 1 blank or NaN text, 2 not a number, 3 NaN or infinite, 4 negative."""
    return f"""SELECT *, CASE WHEN value_missing THEN 1 WHEN value_raw IS NULL THEN 2
                   WHEN isnan(value_raw) OR isinf(value_raw) THEN 3 WHEN value_raw < 0 THEN 4 ELSE 0 END AS value_state
               FROM ({rows_sql})"""


_GROUP_KEYS = ("segment", "churned", "complained", "resolved", "had_problem", "reason", "value_state", "id_missing")


def _group_counts(reading: _Reading) -> pd.DataFrame:
    """Counts, value means and variances per group: the whole file in a few hundred rows at most."""
    keys = ", ".join(_GROUP_KEYS)
    query = f"""
        SELECT {keys}, count(*) AS n,
               count(value) AS n_value, avg(value) AS value_mean, coalesce(var_pop(value), 0) AS value_var
        FROM (SELECT *, CASE WHEN value_state = 0 THEN value_raw END AS value FROM ({_with_state(_row_sql(reading))}))
        GROUP BY {keys}
    """
    groups = reading.con.execute(query).df()
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
    _check_duplicates(reading, total_ids, distinct_ids)


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


# --- statistics on the counts ----------------------------------------------------------------------


def wilson(successes: int, n: int) -> Interval:
    """A proportion with its 95 % Wilson interval (statsmodels); NaN when ``n`` is 0."""
    # Imported here: statsmodels and scipy.stats take most of a second to import, and the app
    # imports this module on every start for the provenance of calibrated values.
    from statsmodels.stats.proportion import proportion_confint

    if n <= 0:
        return Interval(math.nan, math.nan, math.nan, 0)
    low, high = proportion_confint(successes, n, alpha=1 - CONFIDENCE, method="wilson")
    return Interval(successes / n, float(low), float(high), int(n))


def _mean_interval(groups: pd.DataFrame) -> Interval:
    """Mean annual value with a t interval, from per-group counts, means and population variances."""
    valid = groups[groups["n_value"] > 0]
    n = int(valid["n_value"].sum())
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0)
    counts, means = valid["n_value"].to_numpy(float), valid["value_mean"].to_numpy(float)
    mean = float(np.sum(counts * means) / n)
    # Sum of squared deviations, combined exactly (within-group plus between-group).
    squares = float(np.sum(counts * valid["value_var"].to_numpy(float)) + np.sum(counts * (means - mean) ** 2))
    if n < 2:
        return Interval(mean, math.nan, math.nan, n)
    from scipy import stats  # see wilson(): imported only when an estimate is computed

    half = stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1) * math.sqrt(squares / (n - 1) / n)
    return Interval(mean, mean - half, mean + half, n)


def _estimates(groups: pd.DataFrame, mapping: Mapping[str, str]) -> dict[str, Interval]:
    """Every estimate the columns allow, from the counts of one population (all or a segment)."""
    n = lambda mask: int(groups.loc[mask, "n"].sum())  # noqa: E731
    churned, complained = groups["churned"] == 1, groups["complained"] == 1
    total = int(groups["n"].sum())
    out = {"customers": Interval(float(total), float(total), float(total), total)}
    if "annual_value" in mapping:
        out["annual_value"] = _mean_interval(groups)
    out["churn_rate"] = wilson(n(churned), total)
    out["complaint_rate"] = wilson(n(complained), total)
    if "resolved" in mapping:
        resolved = complained & (groups["resolved"] == 1)
        unresolved = complained & (groups["resolved"] == 0)
        out["resolved_share"] = wilson(n(resolved), n(complained))
        out["churn_resolved"] = wilson(n(resolved & churned), n(resolved))
        out["churn_unresolved"] = wilson(n(unresolved & churned), n(unresolved))
    quiet = ~complained
    if "had_problem" in mapping:
        silent = quiet & (groups["had_problem"] == 1)
        quiet = quiet & (groups["had_problem"] == 0)
    out["baseline_churn"] = wilson(n(quiet & churned), n(quiet))
    if "had_problem" in mapping:
        out["churn_silent"] = wilson(n(silent & churned), n(silent))
        # k = silent per complainer; Wilson on the silent share q = S/(S+C), then k = q/(1−q).
        share = wilson(n(silent), n(silent) + n(complained))
        ratio = lambda q: q / (1 - q) if q < 1 else math.inf  # noqa: E731
        out["silent_ratio"] = Interval(ratio(share.value), ratio(share.ci_low), ratio(share.ci_high), share.n)
    if "churn_reason" in mapping:
        given = churned & groups["reason"].notna()
        out["service_share"] = wilson(n(given & (groups["reason"] == 1)), n(given))
    return out


@dataclass(frozen=True)
class EffectModel:
    """Binomial GLM of churn among complainers: churn ~ unresolved + segment, fitted on counts.

    Attributes
    ----------
    coefficients : DataFrame
        One row per term (``const``, ``unresolved``, ``segment[...]``): coef (log-odds), std_error,
        ci_low, ci_high, odds_ratio, or_low, or_high, p_value.
    n : int
        Complainers the model rests on.
    reference_segment : str or None
        The segment the others are compared with.
    excluded_segments : list of str
        Segments left out because all or none of their complainers churned (perfect separation).
    """

    coefficients: pd.DataFrame
    n: int
    reference_segment: str | None
    excluded_segments: list[str]

    @property
    def effect(self) -> dict[str, float]:
        """The unresolved-vs-resolved effect on churn: log-odds, odds ratio and their 95 % intervals."""
        return {key: float(value) for key, value in self.coefficients.loc["unresolved"].items()}

    def to_dict(self) -> dict[str, Any]:
        return {
            "family": "binomial",
            "formula": "churned ~ unresolved + segment (complainers only)",
            "n": self.n,
            "reference_segment": self.reference_segment,
            "excluded_segments": list(self.excluded_segments),
            "coefficients": {
                term: {key: _plain(value) for key, value in row.items()} for term, row in self.coefficients.iterrows()
            },
            "effect": {key: _plain(value) for key, value in self.effect.items()},
        }


def design_frame(cells: pd.DataFrame, segments: Sequence[str] | None) -> pd.DataFrame:
    """The GLM's design: a constant, the unresolved indicator and one dummy per non-reference segment.

    ``cells`` has columns ``segment`` and ``unresolved`` (one row per cell or per customer);
    ``segments`` lists the segments in the model, the first being the reference. The tests build
    the same design for :class:`statsmodels.api.Logit` on raw rows.
    """
    design = pd.DataFrame({"const": 1.0, "unresolved": cells["unresolved"].astype(float)}, index=cells.index)
    for name in (segments or [])[1:]:
        design[f"segment[{name}]"] = (cells["segment"] == name).astype(float)
    return design


def _fit_effect(groups: pd.DataFrame, has_segment: bool, warnings: list[CalibrationWarning]) -> EffectModel | None:
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

    complainers = groups[(groups["complained"] == 1) & groups["resolved"].isin([0, 1])].copy()
    complainers["segment"] = complainers["segment"].fillna("(blank)")
    complainers["unresolved"] = (complainers["resolved"] == 0).astype(int)
    complainers["churn"] = (complainers["churned"] == 1).astype(int)
    cells = complainers.groupby(["segment", "unresolved", "churn"], as_index=False)["n"].sum()
    table = cells.pivot_table(index=["segment", "unresolved"], columns="churn", values="n", aggfunc="sum", fill_value=0)
    table = table.reindex(columns=[0, 1], fill_value=0).reset_index()
    excluded = []
    if has_segment:
        by_segment = table.groupby("segment")[[0, 1]].sum()
        separated = by_segment[(by_segment[0] == 0) | (by_segment[1] == 0)].index.tolist()
        for name in separated:
            everyone = by_segment.loc[name, 0] == 0
            who = "everyone" if everyone else "nobody"
            warnings.append(CalibrationWarning.of(f"separation_segment_{who}", segment=name, who=who))
        excluded = list(separated)
        table = table[~table["segment"].isin(excluded)]
    by_status = table.groupby("unresolved")[[0, 1]].sum().reindex([0, 1], fill_value=0)
    if (by_status.to_numpy() == 0).any():
        warnings.append(CalibrationWarning.of("separation_effect"))
        return None
    sizes = table.groupby("segment")[[0, 1]].sum().sum(axis=1).sort_values(ascending=False, kind="stable")
    segments = sorted(sizes.index, key=lambda s: (-sizes[s], s)) if has_segment else None
    design = design_frame(table, segments)
    endog = table[[1, 0]].to_numpy(float)  # successes (churned), failures
    import warnings as python_warnings

    with python_warnings.catch_warnings():
        python_warnings.simplefilter("error", PerfectSeparationWarning)
        try:
            fit = sm.GLM(endog, design, family=sm.families.Binomial()).fit()
        except (PerfectSeparationWarning, np.linalg.LinAlgError, ValueError):
            warnings.append(CalibrationWarning.of("separation_effect_fit"))
            return None
    ci = fit.conf_int(alpha=1 - CONFIDENCE)
    coefficients = pd.DataFrame(
        {
            "coef": fit.params,
            "std_error": fit.bse,
            "ci_low": ci[0],
            "ci_high": ci[1],
            "odds_ratio": np.exp(fit.params),
            "or_low": np.exp(ci[0]),
            "or_high": np.exp(ci[1]),
            "p_value": fit.pvalues,
        }
    )
    coefficients.index.name = "term"
    return EffectModel(coefficients, int(endog.sum()), segments[0] if segments else None, excluded)


# --- the result ------------------------------------------------------------------------------------


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

    def to_dict(self) -> dict[str, Any]:
        """The CLI's JSON: rows, mapping, estimates, by_segment, model, warnings."""
        return {
            "rows": self.rows,
            "mapping": dict(self.mapping),
            "estimates": {key: item.to_dict() for key, item in self.estimates.items()},
            "by_segment": {
                segment: {key: item.to_dict() for key, item in values.items()} for segment, values in self.by_segment.items()
            },
            "model": self.model.to_dict() if self.model else None,
            "warnings": [w.to_dict() for w in self.warnings],
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
    if "had_problem" not in mapping:
        out.append(CalibrationWarning.of("baseline_biased"))
    if "resolved" not in mapping:
        out.append(CalibrationWarning.of("no_resolved"))
    if "churn_reason" in mapping:
        missing = int(groups.loc[(groups["churned"] == 1) & groups["reason"].isna(), "n"].sum())
        if missing:
            out.append(CalibrationWarning.of("reasons_missing", count=missing))
    if "segment" in mapping and (blank := int(groups.loc[groups["segment"].isna(), "n"].sum())):
        out.append(CalibrationWarning.of("segment_blank", count=blank))
    return out


def calibrate(path: str | Path, mapping: Mapping[str, str] | None = None, *, encoding: str | None = None) -> Calibration:
    """Estimate the model's parameters, with 95 % intervals, from a customer-level file.

    Parameters
    ----------
    path : str or Path
        CSV (``,`` or ``;``; decimal point or comma; UTF-8 with or without BOM, UTF-16 with BOM,
        cp1250, cp1253 or ISO-8859-2, detected), XLSX (first sheet) or Parquet.
    mapping : mapping, optional
        Column → field overrides (``ignore`` drops a column); other columns are recognised by name.
    encoding : str, optional
        Force a text encoding instead of detecting it.

    Returns
    -------
    Calibration

    Raises
    ------
    CalibrationError
        Bad input, with a one-line message naming the problem and showing an example row.
    """
    try:
        with _open_source(Path(path), encoding) as source:
            plan = auto_mapping(source.columns, mapping)
            if plan.missing:
                _missing_column(source, plan)
            try:
                reading, total_ids, distinct_ids = _code_values(source.connection, plan.mapping)
                groups = _group_counts(reading)
                _validate(reading, groups, total_ids, distinct_ids)
            except duckdb.InvalidInputException as error:
                raise _read_error(error, source) from None
            except duckdb.ConversionException as error:
                raise _read_error(error, source) from None
    except UnicodeDecodeError as error:
        raise CalibrationError("wrong_encoding", detail=str(error)) from None
    return _summarise(groups, plan.mapping)


def _read_error(error: duckdb.Error, source: _Source) -> CalibrationError:
    text = _first_line(error)
    if "unicode" in text.lower() or "utf" in text.lower():
        return CalibrationError("wrong_encoding_mixed", detail=text)
    return CalibrationError("unreadable", detail=text, delimiter=source.delimiter)


def _missing_column(source: _Source, plan: ColumnPlan) -> None:
    name = plan.missing[0]
    accepted = sorted(vocabulary().synonyms[name])[:8]
    rows = source.connection.execute("SELECT * FROM src LIMIT 1").fetchall()
    row = rows[0] if rows else None
    example = ", ".join(f"{c}={v!r}" for c, v in zip(source.columns, row, strict=True)) if row else "—"
    one_column = len(source.columns) == 1 and source.kind == "csv"
    raise CalibrationError(
        "missing_column_one_column" if one_column else "missing_column",
        field=name,
        accepted=", ".join(accepted),
        columns=", ".join(source.columns),
        example=example,
    )


def _summarise(groups: pd.DataFrame, mapping: Mapping[str, str]) -> Calibration:
    warnings = _notes(groups, mapping)
    estimates = _estimates(groups, mapping)
    warnings += _wide_interval_warnings(estimates)
    by_segment: dict[str, dict[str, Interval]] = {}
    if "segment" in mapping:
        labelled = groups.assign(segment=groups["segment"].fillna("(blank)"))
        for name, part in labelled.groupby("segment", sort=True):
            by_segment[str(name)] = _estimates(part, mapping)
            size = int(part["n"].sum())
            if size < SMALL_SEGMENT:
                warnings.append(CalibrationWarning.of("small_segment", segment=str(name), n=size))
    model = None
    if "resolved" in mapping:
        model = _fit_effect(groups, "segment" in mapping and len(by_segment) > 1, warnings)
    return Calibration(
        rows=int(groups["n"].sum()),
        mapping=dict(mapping),
        estimates=estimates,
        by_segment=by_segment,
        model=model,
        warnings=warnings,
    )


def format_calibration(result: Calibration) -> str:
    """A plain-text report: the estimates with intervals, per segment, the effect model and warnings."""

    def shown(key: str, value: float) -> str:
        if not math.isfinite(value):
            return "—"
        if key in ("customers", "annual_value"):
            return f"{value:,.0f}" if key == "customers" else f"{value:,.2f}"
        return f"{value:.3f}" if key == "silent_ratio" else f"{value:.1%}"

    lines = [f"{result.rows:,} customers; columns: " + ", ".join(f"{c} → {f}" for f, c in result.mapping.items()), ""]
    table = pd.DataFrame(
        [
            {
                "parameter": key,
                "estimate": shown(key, item.value),
                "95% interval": f"{shown(key, item.ci_low)} – {shown(key, item.ci_high)}" if key != "customers" else "",
                "n": f"{item.n:,}",
            }
            for key, item in result.estimates.items()
        ]
    )
    lines.append(table.to_string(index=False))
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
    if result.warnings:
        lines += ["", "Warnings:", *(f"  - {w.message}" for w in result.warnings)]
    return "\n".join(lines)
