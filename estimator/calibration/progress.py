"""A progress bar on a text stream (the CLI's stderr, never its JSON): rows scanned, Spark tasks done."""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["TextProgress"]


class TextProgress:
    """Draws ``[#######.......]  47% rows scanned`` on one line, redrawn at most every ``interval`` seconds.

    Call it as a :data:`~estimator.calibration.engines.Progress`; :meth:`close` clears the line.
    """

    def __init__(self, stream: TextIO | None = None, width: int = 30, interval: float = 0.2) -> None:
        self.stream = stream or sys.stderr
        self.width = width
        self.interval = interval
        self._last = 0.0
        self._shown = 0

    def __call__(self, share: float | None, label: str) -> None:
        now = time.monotonic()
        if now - self._last < self.interval:
            return
        self._last = now
        if share is None:
            text = f"{label} …"
        else:
            share = min(max(share, 0.0), 1.0)
            filled = round(share * self.width)
            text = f"[{'#' * filled}{'.' * (self.width - filled)}] {share:4.0%} {label}"
        self.stream.write("\r" + text.ljust(self._shown))
        self.stream.flush()
        self._shown = len(text)

    def close(self) -> None:
        if self._shown:
            self.stream.write("\r" + " " * self._shown + "\r")
            self.stream.flush()
            self._shown = 0
