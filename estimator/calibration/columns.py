"""Which column holds which field: the vocabulary of ``data/calibration_columns.toml`` (column names,
yes/no words, poor-service reasons), one normalisation for every name, and the matching."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from estimator.calibration.messages import CalibrationError
from estimator.paths import data_dir

__all__ = [
    "FIELDS",
    "FLAG_FIELDS",
    "MISSING_WORDS",
    "REQUIRED_FIELDS",
    "ColumnPlan",
    "Vocabulary",
    "auto_mapping",
    "flag_code",
    "normalise",
    "parse_mapping",
    "reason_code",
    "vocabulary",
]

FIELDS = ("customer_id", "churned", "complained", "resolved", "annual_value", "segment", "had_problem", "churn_reason")
REQUIRED_FIELDS = ("customer_id", "churned", "complained")
FLAG_FIELDS = ("churned", "complained", "resolved", "had_problem")
#: Text meaning "no value" in any column (besides an empty cell).
MISSING_WORDS = ("", "nan", "na", "n/a", "null", "none", "#n/a")


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
