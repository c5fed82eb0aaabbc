"""What keeps a slider move light (issue 14): panels nobody sees are not built, and come back when opened."""

from __future__ import annotations

from test_app import GENERIC, assert_no_exception, run_app, slider

from estimator import estimate
from estimator.text.formatting import format_money
from ui.context import channel_labels
from ui.i18n import t


def test_channel_table_is_built_only_while_its_expander_is_open():
    app = run_app()
    assert_no_exception(app)
    assert not app.table  # the overview's details expander is closed: no table sent
    app.session_state["overview_details"] = True
    slider(app, "churn_rate").set_value(24.0).run()
    assert_no_exception(app)
    table = app.table[0].value
    current = GENERIC.replace(churn_rate=0.24)
    frame = estimate(current).to_frame()
    labels = channel_labels()
    assert list(table[t("overview.column_channel")]) == [labels[name] for name in frame.index]
    expected = [format_money(value, current.currency, compact=False) for value in frame.revenue_lost]
    assert list(table[t("overview.column_revenue")]) == expected
