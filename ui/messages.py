"""Messages about values that cannot be used: which field, the value given, and what is allowed."""

from __future__ import annotations

from estimator import PARAMETER_SPECS
from estimator.controls import EntryProblem
from estimator.library import preset_names
from estimator.text.sentences import allowed_range
from estimator.text.sentences import entry_problem_text as _entry_problem_text
from ui.context import Context
from ui.i18n import t
from ui.links import LinkProblem

__all__ = ["allowed_in_link", "entry_problem_text", "link_problem_text"]


def _reason(code: str) -> str:
    # Codes come from ui.links.reason_code; anything else is already text from the estimator.
    return t(f"reason.{code}", default=code)


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
    return allowed_range(key, spec.min, spec.max)


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
    """A typed value that is not used, in the units of the box (:func:`estimator.text.sentences.entry_problem_text`)."""
    return _entry_problem_text(problem, ctx.parameters[problem.key], locale=ctx.locale)
