"""Tabs that later issues fill (none at present).

Each is a function taking the run's :class:`~ui.context.Context`, so a new panel only needs
its own module and an entry in :data:`ui.main.TABS`.
"""

from __future__ import annotations

__all__: list[str] = []
