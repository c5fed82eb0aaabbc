"""Model parameters: their specification (read from ``data/parameters.toml``) and validation.

The keys are the public contract of MODEL.md: the same names are used in the Python API,
scenario files, the command line, URL query parameters and exported workbooks.
"""

from __future__ import annotations

import math
import numbers
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from babel.numbers import list_currencies

from estimator.core.errors import InputError
from estimator.paths import data_dir
from estimator.text.user_text import MAX_NAME_LENGTH, NAME_CHARACTERS, normalise_text

__all__ = [
    "NUMERIC_KEYS",
    "PARAMETER_SPECS",
    "TEXT_KEYS",
    "InputError",
    "ParameterError",
    "ParameterSpec",
    "Parameters",
    "Problem",
    "parse_value",
    "shown_value",
]

#: Non-model entries a scenario carries besides the MODEL.md parameters.
TEXT_KEYS = ("name", "currency")
#: What a scenario's name may hold (a saved scenario's name follows the same rules).
NAME_ALLOWED = f"text of up to {MAX_NAME_LENGTH} characters, {NAME_CHARACTERS}"
DEFAULT_CURRENCY = "EUR"


@dataclass(frozen=True)
class ParameterSpec:
    """What one parameter means and which values it accepts.

    Parameters
    ----------
    key : str
        The public name (MODEL.md key).
    kind : {"number", "integer", "choice"}
        ``integer`` accepts whole numbers only; ``choice`` one of ``choices``.
    default : float, int or str
        The default value, documented with ``source`` (an evidence id or ``"assumption"``).
    """

    key: str
    kind: str
    default: float | int | str
    description: str
    group: str
    source: str
    note: str = ""
    symbol: str = ""
    unit: str = ""
    min: float = -math.inf
    max: float = math.inf
    choices: tuple[str, ...] = ()

    @property
    def is_share(self) -> bool:
        """A share from 0 to 1, shown as a percentage (``churn_rate``; not ``silent_ratio``)."""
        return self.kind == "number" and self.min == 0 and self.max == 1 and "share" in self.unit

    @property
    def is_currency(self) -> bool:
        """An amount of money, in the scenario's currency."""
        return self.unit.startswith("currency")

    @property
    def allowed(self) -> str:
        """The valid values in words, for error messages and help texts."""
        if self.kind == "choice":
            return "one of " + ", ".join(repr(c) for c in self.choices)
        what = "a whole number" if self.kind == "integer" else "a number"
        return f"{what} from {_plain(self.min)} to {_plain(self.max)}"

    def check(self, value: Any) -> tuple[float | int | str | None, str | None]:
        """Return ``(clean_value, None)`` or ``(None, reason)`` when ``value`` is not allowed."""
        if self.kind == "choice":
            if isinstance(value, str) and value in self.choices:
                return value, None
            return None, "not a valid choice"
        # bool is an int subclass in Python, but True is never a meaningful customer count.
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            return None, f"wrong type ({type(value).__name__})"
        try:
            number = float(value)
        except OverflowError:  # a whole number with hundreds of digits
            return None, "out of range"
        if math.isnan(number):
            return None, "not a number (NaN)"
        if math.isinf(number):
            return None, "infinite"
        if not self.min <= number <= self.max:
            return None, "out of range"
        if self.kind == "integer":
            if not number.is_integer():
                return None, "not a whole number"
            return int(number), None
        return number, None


@dataclass(frozen=True)
class Problem:
    """One rejected value: which parameter, what was given and what is allowed."""

    parameter: str
    value: Any
    allowed: str
    reason: str

    @property
    def message(self) -> str:
        return f"{self.parameter}: {shown_value(self.value)} is {self.reason}; allowed: {self.allowed}"


def shown_value(value: Any, limit: int = 60) -> str:
    """``value`` as an error message quotes it: its ``repr`` (control characters escaped), shortened.

    A whole number of hundreds of digits is said in words (its ``repr`` would fill the screen,
    or fail past 4,300 digits).

    >>> shown_value(10**400), shown_value("a" * 100, limit=10)
    ('a whole number of 401 digits', "'aaaaaaa…")
    """
    if isinstance(value, int) and not isinstance(value, bool) and abs(value).bit_length() > 3 * limit:
        digits = len(str(abs(value))) if abs(value).bit_length() < 14_000 else None
        return f"a whole number of {digits:,} digits" if digits else "a whole number of thousands of digits"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 2] + "…"


class ParameterError(InputError):
    """Raised when one or more parameter values are rejected.

    ``problems`` lists every rejected value so that a form can flag all of them at once;
    the message names each parameter, the value given and the allowed values.
    """

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))

    @property
    def parameters(self) -> list[str]:
        return [p.parameter for p in self.problems]


def _plain(number: float) -> str:
    """Write a range bound the way a person reads it (1e10 rather than 10000000000.0)."""
    if number.is_integer():
        return f"{number:,.0f}"
    return f"{number:g}"


@cache
def _load_specs() -> dict[str, ParameterSpec]:
    with open(data_dir() / "parameters.toml", "rb") as handle:
        raw = tomllib.load(handle)
    specs = {}
    for key, entry in raw.items():
        entry = dict(entry)
        if "choices" in entry:
            entry["choices"] = tuple(entry["choices"])
        for bound in ("min", "max"):
            if bound in entry:
                entry[bound] = float(entry[bound])
        specs[key] = ParameterSpec(key=key, **entry)
    return specs


PARAMETER_SPECS: Mapping[str, ParameterSpec] = _load_specs()
#: Parameters that take numbers (every key but ``method``), in the order of MODEL.md's table.
NUMERIC_KEYS: tuple[str, ...] = tuple(k for k, s in PARAMETER_SPECS.items() if s.kind != "choice")


@cache
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def _check_text(key: str, value: Any) -> tuple[str | None, Problem | None]:
    if key == "name":
        if not isinstance(value, str):
            return None, Problem("name", value, NAME_ALLOWED, f"wrong type ({type(value).__name__})")
        name, unsafe = normalise_text(value)
        if unsafe:  # a zero-width space or a direction override makes a name look like another
            return None, Problem("name", value, NAME_ALLOWED, "text with control or formatting characters")
        if len(name) > MAX_NAME_LENGTH:
            return None, Problem("name", value, NAME_ALLOWED, "too long")
        return name, None
    code = value.strip().upper() if isinstance(value, str) else value
    if isinstance(code, str) and code in _currencies():
        return code, None
    return None, Problem("currency", value, "an ISO 4217 currency code such as EUR, PLN, HUF, USD", "not a known currency code")


def parse_value(key: str, text: str) -> float | int | str:
    """Convert the text form of a value (command line, URL, form) to the parameter's type.

    Raises :class:`ParameterError` naming the key when the key is unknown or the text is
    not a number. The range is checked later, by :class:`Parameters`.
    """
    if key in TEXT_KEYS:
        return text
    spec = PARAMETER_SPECS.get(key)
    if spec is None:
        raise ParameterError([unknown_parameter(key, text)])
    if spec.kind == "choice":
        return text.strip()
    cleaned = text.strip().replace("_", "")
    try:
        # Keep whole numbers whole so a message quotes "-1" as typed, not "-1.0".
        return int(cleaned) if cleaned.lstrip("+-").isdigit() else float(cleaned)
    except ValueError:
        raise ParameterError([Problem(key, text, spec.allowed, "not a number")]) from None


def unknown_parameter(key: str, value: Any) -> Problem:
    """The problem reported for a key that is not a parameter, listing the known ones."""
    return Problem(key, value, "known parameters: " + ", ".join((*PARAMETER_SPECS, *TEXT_KEYS)), "an unknown parameter")


class Parameters(Mapping[str, Any]):
    """A complete, validated scenario: every MODEL.md parameter plus ``currency`` and ``name``.

    Values not given take their documented defaults. Every value is checked on
    construction; nothing is silently clamped.

    Parameters
    ----------
    values : mapping, optional
        Parameter values by key.
    **changes
        More values by keyword; they override ``values``.

    Raises
    ------
    ParameterError
        Listing every unknown key and every value that is NaN, infinite, of the wrong type
        or outside its range, each with the value given and the allowed range.

    Examples
    --------
    >>> p = Parameters(churn_rate=0.2, currency="PLN")
    >>> p.churn_rate, p["customers"]
    (0.2, 100000.0)
    >>> p.replace(method="bottom_up").method
    'bottom_up'
    """

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Any] | None = None, /, **changes: Any):
        given = {**(values or {}), **changes}
        clean: dict[str, Any] = {}
        problems: list[Problem] = []
        for key, value in given.items():
            if key in TEXT_KEYS:
                text, problem = _check_text(key, value)
                clean[key] = text
            elif key in PARAMETER_SPECS:
                spec = PARAMETER_SPECS[key]
                clean[key], reason = spec.check(value)
                problem = Problem(key, value, spec.allowed, reason) if reason else None
            else:
                problem = unknown_parameter(key, value)
            if problem:
                problems.append(problem)
        if problems:
            raise ParameterError(problems)
        values_out = {"name": "", "currency": DEFAULT_CURRENCY}
        for key, spec in PARAMETER_SPECS.items():
            default = spec.default if spec.kind != "number" else float(spec.default)
            values_out[key] = clean.get(key, default)
        values_out.update({k: clean[k] for k in TEXT_KEYS if k in clean})
        object.__setattr__(self, "_values", values_out)

    @classmethod
    def defaults(cls) -> Parameters:
        """The documented defaults of MODEL.md."""
        return cls()

    def replace(self, **changes: Any) -> Parameters:
        """A copy with some values changed (and validated)."""
        return Parameters(self._values, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Every value by key: model parameters in MODEL.md's order, then ``currency`` and ``name``."""
        return {**{k: self._values[k] for k in PARAMETER_SPECS}, "currency": self.currency, "name": self.name}

    def model_inputs(self) -> dict[str, Any]:
        """The values the model formulas read (no ``currency`` or ``name``)."""
        return {k: self._values[k] for k in PARAMETER_SPECS}

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.to_dict())

    def __len__(self) -> int:
        return len(self._values)

    def __getattr__(self, key: str) -> Any:
        if key == "_values":  # not yet set (e.g. during copying): avoid recursing into ourselves
            raise AttributeError(key)
        try:
            return self._values[key]
        except KeyError:
            raise AttributeError(key) from None

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError("Parameters are immutable; use .replace(...)")

    def __reduce__(self) -> tuple[type, tuple[dict[str, Any]]]:
        # Pickle (caches, worker processes) through the constructor, which re-validates.
        return (Parameters, (self._values,))

    def __dir__(self) -> list[str]:
        return [*super().__dir__(), *self._values]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Parameters):
            return self._values == other._values
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._values.items())))

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.to_dict().items() if v != Parameters._default_values().get(k)}
        inner = ", ".join(f"{k}={v!r}" for k, v in changed.items())
        return f"Parameters({inner})"

    @staticmethod
    @cache
    def _default_values() -> dict[str, Any]:
        return Parameters().to_dict()
