"""Messages about values that cannot be used: which field, the value given, and what is allowed.

Rendered by :mod:`estimator.text.messages`, shared with the notebook app, the CLI and the exports.
"""

from __future__ import annotations

from estimator.controls import EntryProblem
from estimator.text.messages import allowed_in_link, link_problem_text
from estimator.text.messages import entry_problem_text as _entry_problem_text
from ui.context import Context

__all__ = ["allowed_in_link", "entry_problem_text", "link_problem_text"]


def entry_problem_text(ctx: Context, problem: EntryProblem) -> str:
    """A typed value that is not used, in the units of the box (:func:`estimator.text.messages.entry_problem_text`)."""
    return _entry_problem_text(problem, ctx.parameters[problem.key], locale=ctx.locale)
