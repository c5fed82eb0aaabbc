"""The one setting that turns team mode on (issue 26), readable without importing the library's database code.

``CHURN_ESTIMATOR_TEAM=1`` (or ``true``/``yes``/``on``): the app asks everyone to sign in through the
firm's identity provider and checks workspace roles (:mod:`estimator.store.access`). Unset, the app is
the single-user one: no sign-in, an embedded SQLite library.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

__all__ = ["TEAM_ENV", "team_mode"]

#: The setting that turns team mode on: ``1``, ``true``, ``yes`` or ``on`` (any case).
TEAM_ENV = "CHURN_ESTIMATOR_TEAM"


def team_mode(environ: Mapping[str, str] | None = None) -> bool:
    """Whether team mode is on.

    >>> team_mode({}), team_mode({"CHURN_ESTIMATOR_TEAM": "On"})
    (False, True)
    """
    value = (os.environ if environ is None else environ).get(TEAM_ENV, "")
    return value.strip().lower() in ("1", "true", "yes", "on")
