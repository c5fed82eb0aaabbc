"""The app's translation function: :mod:`estimator.text.i18n`, shared with the exports and the CLI.
Its old name: importing it warns
(:data:`estimator.deprecations.DEPRECATED`).

It re-exports every public name of :mod:`estimator.text.i18n` (its ``__all__``) rather than keeping a copy of the list.
"""

from estimator.deprecations import warn_module
from estimator.text.i18n import *  # noqa: F403
from estimator.text.i18n import __all__  # noqa: F401

warn_module(__name__)
