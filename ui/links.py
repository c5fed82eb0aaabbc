"""The app's scenario links: :mod:`estimator.links`, shared with the notebook app's ``.link()``. Its old name: importing it warns
(:data:`estimator.deprecations.DEPRECATED`).

It re-exports every public name of :mod:`estimator.links` (its ``__all__``) rather than keeping a copy of the list.
"""

from estimator.deprecations import warn_module
from estimator.links import *  # noqa: F403
from estimator.links import __all__  # noqa: F401

warn_module(__name__)
