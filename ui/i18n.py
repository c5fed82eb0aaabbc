"""The app's translation function: :mod:`estimator.text.i18n`, shared with the exports and the CLI.
Its old name: importing it warns
(:data:`estimator.deprecations.DEPRECATED`).
"""

from estimator.deprecations import warn_module
from estimator.text.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    available_languages,
    choose_language,
    current_language,
    current_locale,
    grade_label,
    has_key,
    language_scope,
    param_description,
    param_label,
    t,
    t_plural,
    use_language,
)

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "available_languages",
    "choose_language",
    "current_language",
    "current_locale",
    "grade_label",
    "has_key",
    "language_scope",
    "param_description",
    "param_label",
    "t",
    "t_plural",
    "use_language",
]

warn_module(__name__)
