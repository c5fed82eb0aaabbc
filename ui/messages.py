"""Messages about values that cannot be used: which field, the value given, and what is allowed.

Worded by :func:`estimator.links.link_problem_text` and :func:`estimator.controls.entry_problem_text` (through
:mod:`estimator.text.messages`), shared with the notebook app, the CLI and the exports.
"""

from __future__ import annotations

from dataclasses import replace

from estimator.controls import EntryProblem, entry_problem_text
from estimator.links import LinkProblem, allowed_in_link, link_problem_text
from estimator.store.types import ScenarioError
from estimator.text.i18n import has_key, t
from ui.context import Context
from ui.safe_text import code, plain

__all__ = ["allowed_in_link", "entry_problem_markdown", "link_problem_markdown"]


def entry_problem_markdown(ctx: Context, problem: EntryProblem) -> str:
    """A typed value that is not used, in the box's units, as Markdown (:func:`estimator.text.messages.entry_problem_text`)."""
    # The text as typed is the user's own, but shown in Markdown: escaped like any outside text.
    return entry_problem_text(replace(problem, shown=_typed(problem.shown)), ctx.parameters[problem.key], locale=ctx.locale)


def _typed(shown: object) -> object:
    return plain(shown) if isinstance(shown, str) else shown


def link_problem_markdown(problem: LinkProblem) -> str:
    """A value of the link that is not used, as Markdown: the link's key and value inside the
    catalogue's code span, made unable to close it (:func:`ui.safe_text.code`)."""
    return link_problem_text(replace(problem, key=code(problem.key), value=code(problem.value)))


def store_error_text(error: Exception) -> str:
    """A failed action in words: translated by its code where the catalogue has it, else the message itself."""
    if isinstance(error, ScenarioError) and has_key(f"store.error.{error.code}"):
        return t(f"store.error.{error.code}", value=plain(str(error.value), 200), detail=plain(str(error), 300))
    if isinstance(error, ScenarioError) and has_key(f"scenarios.error.{error.code}"):
        return t(f"scenarios.error.{error.code}", value=plain(str(error.value)), detail=plain(str(error), 300))
    return t("scenarios.error.other", detail=plain(str(error), 300))
