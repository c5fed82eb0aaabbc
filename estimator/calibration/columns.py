"""Which column holds which field: the vocabulary of ``data/calibration_columns.toml`` (column names,
yes/no words, poor-service reasons), one normalisation for every name, and the matching."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from estimator.calibration.messages import REQUIRED_FIELDS, CalibrationError
from estimator.paths import data_dir

__all__ = [
    "ENTRANT",
    "FIELDS",
    "FLAG_FIELDS",
    "GIVES",
    "MISSING_WORDS",
    "OPTIONAL_FIELDS",
    "REASON_CLASSES",
    "REQUIRED_FIELDS",
    "ColumnPlan",
    "Vocabulary",
    "auto_mapping",
    "bare_name",
    "flag_code",
    "is_contact_name",
    "normalise",
    "parse_mapping",
    "parse_reasons",
    "reason_class",
    "reason_code",
    "reason_rules",
    "vocabulary",
]

FIELDS = ("customer_id", "churned", "complained", "resolved", "annual_value", "segment", "had_problem", "churn_reason")
# Without a churned column nothing can be estimated (REQUIRED_FIELDS); every other field adds estimates (see GIVES).
OPTIONAL_FIELDS = tuple(name for name in FIELDS if name not in REQUIRED_FIELDS)
#: What each optional field adds to the estimates (said when its column is missing).
GIVES = {
    "customer_id": (),
    "complained": ("complaint_rate", "baseline_churn", "churn_complainers"),
    "resolved": ("resolved_share", "churn_resolved", "churn_unresolved"),
    "annual_value": ("annual_value",),
    "segment": (),
    "had_problem": ("churn_silent", "silent_ratio"),
    "churn_reason": ("service_share",),
}
FLAG_FIELDS = ("churned", "complained", "resolved", "had_problem")
#: Text meaning "no value" in any column (besides an empty cell).
MISSING_WORDS = ("", "nan", "na", "n/a", "null", "none", "#n/a")


#: Where a camelCase or PascalCase name changes word: "customerId", "CustomerID", "SeniorCitizen".
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def normalise(text: str) -> str:
    """A name or word as matching sees it: words split at camelCase, no case, no accents, and any run of
    spaces and punctuation (``_ . - ( ) /`` ...) as one space. Headers, synonyms, yes/no words, reasons and
    ``--map`` names all go through it, so ``CustomerID``, ``customerId``, ``CUSTOMER_ID`` and ``Customer ID``
    are one name."""
    split = _CAMEL.sub(" ", str(text))
    decomposed = unicodedata.normalize("NFKD", split.casefold().replace("ł", "l"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\W_]+", " ", bare).strip()


@dataclass(frozen=True)
class Vocabulary:
    """What ``data/calibration_columns.toml`` says, normalised: names per field, patterns, value periods,
    yes/no and status words, count fields, service reasons."""

    synonyms: dict[str, frozenset[str]]
    patterns: dict[str, tuple[re.Pattern[str], ...]]
    monthly: frozenset[str]
    monthly_patterns: tuple[re.Pattern[str], ...]
    lifetime: frozenset[str]
    lifetime_patterns: tuple[re.Pattern[str], ...]
    yes: frozenset[str]
    no: frozenset[str]
    status_churned: frozenset[str]
    status_active: frozenset[str]
    count_fields: frozenset[str]
    #: Status words meaning the customer joined during the window (an entrant, not at risk all along).
    status_joined: frozenset[str] = frozenset()
    #: Unit words after a name ("(EUR)", "in USD"), left out before matching.
    units: frozenset[str] = frozenset()
    #: Currency symbols and codes left out around an amount ("19,60 zł"), as written (not normalised).
    currency_marks: tuple[str, ...] = ()
    #: Names of columns that may count contacts (calls, tickets, complaints), offered for ``complained``.
    contact_patterns: tuple[re.Pattern[str], ...] = ()
    #: The largest whole number a contact count may hold.
    contact_max: int = 60
    #: Field → its names in the order of the file (earlier is the better name when two columns could be it).
    order: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Field → names that win when two columns could be the field and differ (``[preferred]``).
    preferred: dict[str, frozenset[str]] = field(default_factory=dict)

    def names(self, field: str) -> frozenset[str]:
        """Every exact name of ``field`` (with the monthly value names for ``annual_value``)."""
        return self.synonyms[field] | (self.monthly if field == "annual_value" else frozenset())

    def compact(self, field: str) -> frozenset[str]:
        """The names of ``field`` without spaces (``customerid`` is ``customer id``)."""
        return frozenset(name.replace(" ", "") for name in self.names(field))


@cache
def vocabulary() -> Vocabulary:
    """The vocabulary of ``data/calibration_columns.toml`` (normalised)."""
    with open(data_dir() / "calibration_columns.toml", "rb") as handle:
        raw = tomllib.load(handle)
    synonyms = {name: frozenset({normalise(name), *(normalise(s) for s in raw["fields"].get(name, []))}) for name in FIELDS}
    order = {
        name: tuple(dict.fromkeys([normalise(name), *(normalise(s) for s in raw["fields"].get(name, []))])) for name in FIELDS
    }
    words = lambda items: frozenset(normalise(w) for w in items)  # noqa: E731
    compiled = lambda items: tuple(re.compile(p) for p in items)  # noqa: E731
    values = raw["values"]
    return Vocabulary(
        synonyms=synonyms,
        patterns={name: compiled(raw["patterns"].get(name, [])) for name in FIELDS},
        monthly=words(values["monthly"]),
        monthly_patterns=compiled(values["monthly_patterns"]),
        lifetime=words(values["lifetime"]),
        lifetime_patterns=compiled(values["lifetime_patterns"]),
        yes=words(raw["flags"]["yes"]),
        no=words(raw["flags"]["no"]),
        status_churned=words(raw["status"]["churned"]),
        status_active=words(raw["status"]["active"]),
        count_fields=frozenset(raw["counts"]["fields"]),
        status_joined=words(raw["status"].get("joined", [])),
        units=words(values.get("units", [])),
        currency_marks=tuple(sorted(values.get("currency_marks", []), key=len, reverse=True)),
        contact_patterns=compiled(raw["counts"].get("contact_patterns", [])),
        contact_max=int(raw["counts"].get("contact_max", 60)),
        order=order,
        preferred={name: words(items) for name, items in raw.get("preferred", {}).items()},
    )


def bare_name(column: str) -> str:
    """A column's normalised name without a trailing unit: ``Monatsbeitrag (EUR)`` → ``monatsbeitrag``,
    ``Revenue in USD`` → ``revenue``; a name that is only a unit is kept."""
    words = normalise(column).split(" ")
    units = vocabulary().units
    while len(words) > 1 and words[-1] in units:
        words.pop()
        if len(words) > 1 and words[-1] in ("in", "w", "ban", "en", "σε"):
            words.pop()
    return " ".join(words)


def value_period(column: str) -> str | None:
    """``"monthly"`` or ``"lifetime"`` when the column's name says so, else None (a yearly value)."""
    vocab, name = vocabulary(), bare_name(column)
    if name in vocab.monthly or any(p.fullmatch(name) for p in vocab.monthly_patterns):
        return "monthly"
    if name in vocab.lifetime or any(p.fullmatch(name) for p in vocab.lifetime_patterns):
        return "lifetime"
    return None


# --- which column holds which field ---------------------------------------------------------------

#: How closely a header matches a field: by the field's own name or a synonym, or by a looser pattern.
EXACT, PATTERN = 0, 1


@dataclass(frozen=True)
class ColumnPlan:
    """The columns of a file and which field each one feeds.

    Attributes
    ----------
    columns : list of str
        Column names as in the file.
    mapping : dict
        Field → column, from names, patterns and explicit overrides.
    unmapped : list of str
        Columns no field uses (shown in the app's mapping step).
    missing : list of str
        Required fields with no column (calibration cannot run without them).
    absent : list of str
        Optional fields with no column (the estimates they give are left out, and the output says so).
    ambiguous : dict
        Field → the columns that match it equally well (the first is in ``mapping`` until the data
        decide: the same on every row, or a clash to resolve with ``--map``).
    explicit : list of str
        Fields mapped by an override.
    lifetime : list of str
        Columns recognised as lifetime totals (never taken for a yearly value unless mapped).
    """

    columns: list[str]
    mapping: dict[str, str]
    unmapped: list[str]
    missing: list[str]
    absent: list[str] = field(default_factory=list)
    ambiguous: dict[str, list[str]] = field(default_factory=dict)
    explicit: list[str] = field(default_factory=list)
    lifetime: list[str] = field(default_factory=list)

    def suggestions(self, name: str, limit: int = 3) -> list[str]:
        """The unused columns whose names come closest to ``name``'s vocabulary (rapidfuzz), best first."""
        return closest_columns(name, [c for c in self.columns if c in self.unmapped], limit)


def closest_columns(name: str, columns: Sequence[str], limit: int = 3, cutoff: float = 70) -> list[str]:
    """The columns whose normalised names are most like ``name`` or one of its synonyms, best first.

    rapidfuzz's token-sort ratio: word order does not matter (``klient nr`` ~ ``nr klienta``), and no partial
    matching, so ``RowNumber`` is not offered as a customer number."""
    from rapidfuzz import fuzz

    vocab = vocabulary()
    names = sorted(vocab.names(name)) if name in FIELDS else [normalise(name)]
    scored = []
    for column in columns:
        shown = normalise(column)
        if not shown:
            continue
        score = max(fuzz.token_sort_ratio(shown, candidate) for candidate in names)
        if score >= cutoff:
            scored.append((-score, columns.index(column), column))
    return [column for _, _, column in sorted(scored)[:limit]]


def _match(name: str, column: str) -> int | None:
    """EXACT or PATTERN when ``column`` may hold field ``name``, else None."""
    vocab, header = vocabulary(), bare_name(column)
    if name == "annual_value" and value_period(column) == "lifetime":
        return None  # a lifetime total is never a yearly value unless mapped
    if header in vocab.names(name) or header.replace(" ", "") in vocab.compact(name):
        return EXACT
    patterns = vocab.patterns[name] + (vocab.monthly_patterns if name == "annual_value" else ())
    if any(p.fullmatch(header) for p in patterns):
        return PATTERN
    return None


def _resolve_override(name: str, columns: Sequence[str]) -> str:
    """The file's column an override names: exactly, else by the normalised name (``customerid`` → ``Customer ID``)."""
    if name in columns:
        return name
    same = [c for c in columns if normalise(c) == normalise(name)]
    same = same or [c for c in columns if normalise(c).replace(" ", "") == normalise(name).replace(" ", "")]
    if len(same) == 1:
        return same[0]
    close = closest_columns(name, list(columns))
    raise CalibrationError(
        "unknown_column", column=name, columns=", ".join(columns), closest=", ".join(f"'{c}'" for c in close) or "—"
    )


def _field_name(wanted: str) -> str:
    """An override's field, its spelling forgiven (``Customer ID`` → ``customer_id``)."""
    if wanted in FIELDS or wanted == "ignore":
        return wanted
    spelled = normalise(wanted).replace(" ", "_")
    if spelled in FIELDS or spelled == "ignore":
        return spelled
    raise CalibrationError("unknown_field", field=wanted, fields=", ".join(FIELDS))


def auto_mapping(columns: Sequence[str], overrides: Mapping[str, str] | None = None) -> ColumnPlan:
    """Map ``columns`` to fields by their names, then apply ``overrides`` (column → field).

    A header equal to a field's name or synonym beats one matched by a pattern; two headers that
    match a field equally well are both kept in ``ambiguous`` for the data to decide.

    Parameters
    ----------
    columns : sequence of str
        The file's column names.
    overrides : mapping, optional
        Column name → field (``--map column=field``); the field ``ignore`` drops a column. Names are
        matched as headers are (case, spaces, accents and camelCase ignored).

    Returns
    -------
    ColumnPlan

    Raises
    ------
    CalibrationError
        An override naming a column the file lacks, a field that does not exist, or one field twice.
    """
    columns = [str(c) for c in columns]
    mapping: dict[str, str] = {}
    ignored: set[str] = set()
    for name, wanted in (overrides or {}).items():
        column, target = _resolve_override(str(name), columns), _field_name(str(wanted))
        if target == "ignore":
            ignored.add(column)
        elif target in mapping and mapping[target] != column:
            raise CalibrationError("map_twice", field=target, first=mapping[target], second=column)
        else:
            mapping[target] = column
    explicit = list(mapping)
    taken = set(mapping.values()) | ignored
    ambiguous: dict[str, list[str]] = {}
    for name in FIELDS:
        if name in mapping:
            continue
        ranked = [(tier, c) for c in columns if c not in taken and (tier := _match(name, c)) is not None]
        if not ranked:
            continue
        best = min(tier for tier, _ in ranked)
        chosen = [c for tier, c in ranked if tier == best]
        mapping[name] = chosen[0]
        taken.update(chosen)
        if len(chosen) > 1:
            ambiguous[name] = chosen
    used = set(mapping.values()) | {c for names in ambiguous.values() for c in names}
    return ColumnPlan(
        columns=columns,
        mapping={name: mapping[name] for name in FIELDS if name in mapping},
        unmapped=[c for c in columns if c not in used],
        missing=[name for name in REQUIRED_FIELDS if name not in mapping],
        absent=[name for name in OPTIONAL_FIELDS if name not in mapping],
        ambiguous=ambiguous,
        explicit=explicit,
        lifetime=[c for c in columns if c not in used and value_period(c) == "lifetime"],
    )


def parse_mapping(items: Sequence[str]) -> dict[str, str]:
    """``["Kunde=customer_id", ...]`` → ``{"Kunde": "customer_id"}``; the last ``=`` splits.

    One column given two fields is an error (one field given two columns is found by :func:`auto_mapping`).
    """
    out: dict[str, str] = {}
    for item in items:
        column, sep, name = item.rpartition("=")
        if not sep or not column.strip() or not name.strip():
            raise CalibrationError("bad_map", value=item)
        column, name = column.strip(), name.strip()
        if column in out and out[column] != name:
            raise CalibrationError("map_column_twice", column=column, first=out[column], second=name)
        fields = {_field_name(f) for f in out.values()}
        if _field_name(name) != "ignore" and _field_name(name) in fields and out.get(column) != name:
            first = next(c for c, f in out.items() if _field_name(f) == _field_name(name))
            raise CalibrationError("map_twice", field=_field_name(name), first=first, second=column)
        out[column] = name
    return out


def _is_missing(raw: Any) -> bool:
    return raw is None or str(raw).strip().casefold() in MISSING_WORDS


#: The code of a status meaning "joined during the window" (``churned`` only): an entrant, not at risk.
ENTRANT = 2


def flag_code(raw: Any, name: str | None = None, threshold: int = 1) -> int | None:
    """1 for a yes word, 0 for a no word, None for a blank cell, -1 for anything else.

    With the field ``name``: ``churned`` also reads status words (Churned/Active, and
    :data:`ENTRANT` for Joined/New), and count fields (``complained``, ``had_problem``) read a whole
    number of at least ``threshold`` as yes and a smaller one as no.
    """
    if _is_missing(raw):
        return None
    vocab, word = vocabulary(), normalise(raw)
    if threshold != 1 and name in vocab.count_fields:  # a count read against the threshold, "1" included
        count = _whole_number(str(raw))
        if count is not None and count >= 0:
            return int(count >= threshold)
    if word in vocab.yes:
        return 1
    if word in vocab.no:
        return 0
    if name == "churned":
        if word in vocab.status_churned:
            return 1
        if word in vocab.status_active:
            return 0
        if word in vocab.status_joined:
            return ENTRANT
    if name in vocab.count_fields:
        count = _whole_number(str(raw))
        if count is not None and count >= 0:
            return int(count >= threshold)
    return -1


def is_contact_name(column: str) -> bool:
    """Whether a column's name says it counts complaints, contacts, calls or tickets."""
    header = bare_name(column)
    return any(p.fullmatch(header) for p in vocabulary().contact_patterns)


def _whole_number(text: str) -> int | None:
    try:
        number = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


#: Classes of churn reasons (``data/churn_reasons.toml``); a reason no rule knows is ``unclassified``.
REASON_CLASSES = ("service", "other", "unknown")
UNCLASSIFIED = "unclassified"
#: Each class's code in the group counts (a blank reason is NULL).
REASON_CODES = {"service": 1, "other": 0, "unknown": 2, UNCLASSIFIED: 3}


@dataclass(frozen=True)
class ReasonRules:
    """Per class, the whole phrases and the patterns (matched against the normalised reason)."""

    phrases: dict[str, frozenset[str]]
    patterns: dict[str, tuple[re.Pattern[str], ...]]


@cache
def reason_rules() -> ReasonRules:
    """The rules of ``data/churn_reasons.toml`` (normalised)."""
    with open(data_dir() / "churn_reasons.toml", "rb") as handle:
        raw = tomllib.load(handle)
    return ReasonRules(
        phrases={name: frozenset(normalise(p) for p in raw[name]["phrases"]) for name in REASON_CLASSES},
        patterns={name: tuple(re.compile(p) for p in raw[name].get("patterns", [])) for name in REASON_CLASSES},
    )


def reason_class(raw: Any, overrides: Mapping[str, str] | None = None) -> str | None:
    """``service``, ``other``, ``unknown`` or ``unclassified`` for a churn reason; None for a blank cell.

    A whole phrase of a class wins over the patterns; ``overrides`` (normalised reason → class, from
    ``--reason`` or the app) win over both.
    """
    if _is_missing(raw):
        return None
    text = normalise(raw)
    if overrides and text in overrides:
        return overrides[text]
    rules = reason_rules()
    for name in REASON_CLASSES:
        if text in rules.phrases[name]:
            return name
    for name in REASON_CLASSES:
        if any(p.fullmatch(text) for p in rules.patterns[name]):
            return name
    return UNCLASSIFIED


def parse_reasons(items: Sequence[str] | Mapping[str, str] | None) -> dict[str, str]:
    """``["Network reliability=service", ...]`` (``--reason``) or a mapping → {reason as given: class}."""
    if not items:
        return {}
    pairs = list(items.items()) if isinstance(items, Mapping) else []
    if not isinstance(items, Mapping):
        for item in items:
            text, sep, name = str(item).rpartition("=")
            if not sep or not text.strip():
                raise CalibrationError("bad_reason", value=item, allowed="|".join(REASON_CLASSES))
            pairs.append((text.strip(), name.strip()))
    out = {}
    for text, name in pairs:
        if normalise(name) not in REASON_CLASSES:
            raise CalibrationError("bad_reason", value=f"{text}={name}", allowed="|".join(REASON_CLASSES))
        out[str(text)] = normalise(name)
    return out


def reason_code(raw: Any) -> int | None:
    """1 when a churn reason counts as poor service, 0 when it is another reason, None otherwise."""
    found = reason_class(raw)
    return 1 if found == "service" else 0 if found == "other" else None
