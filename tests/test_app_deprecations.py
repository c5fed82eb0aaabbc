"""Starting the app and opening every tab logs no Streamlit deprecation warning.

Streamlit logs each use of a deprecated argument (``use_container_width`` ...) on the server's
``streamlit.deprecation_util`` logger; an API past its removal date breaks the page on the next
upgrade, so its first warning fails here.
"""

from __future__ import annotations

import logging

import pytest
from streamlit.testing.v1 import AppTest
from test_app import APP, assert_no_exception

from estimator.analysis.compare import GROUPS
from estimator.text.i18n import t
from ui.main import TABS, TABS_KEY
from ui.plots import _CHARTS_ENABLED
from ui.sidebar import group_key

pytestmark = pytest.mark.slow


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def deprecations():
    """Every message the deprecation logger writes while the test runs (it does not propagate to the root)."""
    handler = _Collect()
    logger = logging.getLogger("streamlit.deprecation_util")
    logger.addHandler(handler)
    yield handler.messages
    logger.removeHandler(handler)


def test_every_tab_opens_without_a_deprecation_warning(deprecations, tmp_path, monkeypatch):
    monkeypatch.setenv("CHURN_ESTIMATOR_DB", str(tmp_path / "library.sqlite3"))
    app = AppTest.from_file(str(APP), default_timeout=120)
    app.session_state[_CHARTS_ENABLED] = True
    for group in GROUPS:  # every input group open: every widget is drawn
        app.session_state[group_key(group)] = True
    app.run()
    for title, _ in TABS:
        app.session_state[TABS_KEY] = t(title)
        app.run()
        assert_no_exception(app)
    # The exports tab's download buttons appear once a file is built: build one (the smallest).
    app.button(key="exports_build_html").click().run()
    assert_no_exception(app)
    assert [element for element in app.get("download_button") if element.proto.id], "no download button drawn"
    assert deprecations == []
