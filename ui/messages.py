"""Messages about values that cannot be used: which field, the value given, and what is allowed."""

from __future__ import annotations

from babel.numbers import format_decimal

from estimator import PARAMETER_SPECS
from estimator.library import preset_names
from estimator.parameters import NUMERIC_KEYS
from ui.context import Context
from ui.controls import control_for
from ui.i18n import current_locale, param_label, t
from ui.links import LinkProblem
from ui.state import EntryProblem

__all__ = ["allowed_in_link", "entry_problem_text", "link_problem_text"]


def _reason(code: str) -> str:
    # Codes come from ui.links.reason_code; anything else is already text from the estimator.
    return t(f"reason.{code}", default=code)


def _allowed_range(key: str, low: float, high: float, suffix: str = "") -> str:
    locale = current_locale()
    values = {"low": format_decimal(low, locale=locale) + suffix, "high": format_decimal(high, locale=locale) + suffix}
    return t("allowed.whole_range" if PARAMETER_SPECS[key].kind == "integer" else "allowed.range", **values)


def allowed_in_link(key: str) -> str:
    """What a link may hold for ``key``, in model units (shares from 0 to 1, as in the URL)."""
    if key == "preset":
        return t("allowed.presets", choices=", ".join(preset_names()))
    if key == "view":
        return t("allowed.choice", choices="edit, present")
    if key == "currency":
        return t("allowed.currency")
    spec = PARAMETER_SPECS.get(key)
    if spec is None:
        return t("allowed.parameters")
    if spec.kind == "choice":
        return t("allowed.choice", choices=", ".join(spec.choices))
    return _allowed_range(key, spec.min, spec.max)


def link_problem_text(problem: LinkProblem) -> str:
    """One ignored link value, e.g. "`churn_rate=abc`: not a number; allowed: from 0 to 1."."""
    return t(
        "link.ignored_item",
        key=problem.key,
        value=problem.value,
        reason=_reason(problem.reason),
        allowed=allowed_in_link(problem.key),
    )


def entry_problem_text(ctx: Context, problem: EntryProblem) -> str:
    """A typed value that is not used, in the units of the box (percent for shares)."""
    key = problem.key
    control = control_for(key)
    suffix = "%" if control.kind == "percent" else ""
    if problem.shown is None:
        shown = t("input.empty")
    else:  # exactly as typed, with the box's unit
        shown = str(problem.shown).strip()
        shown += "" if shown.endswith(suffix) else suffix
    used = format_decimal(control.to_display(ctx.parameters[key]), locale=ctx.locale) + suffix
    allowed = _allowed_range(key, control.valid_min, control.valid_max, suffix) if key in NUMERIC_KEYS else ""
    return t("input.problem", label=param_label(key), value=shown, reason=_reason(problem.reason), allowed=allowed, used=used)
