"""What keeps a slider move light (issue 14): panels nobody sees are not built, and come back when opened."""

from __future__ import annotations

import gc

from test_app import GENERIC, assert_no_exception, run_app, slider

from estimator import estimate
from estimator.text.formatting import format_money
from estimator.text.i18n import t
from ui.context import channel_labels


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


def test_objects_alive_after_the_imports_are_left_out_of_the_collection_after_each_run():
    app = run_app()
    assert_no_exception(app)
    # Everything the imports made (modules, classes, plotly's validators) is frozen once ...
    frozen = gc.get_freeze_count()
    assert frozen > 50_000
    slider(app, "churn_rate").set_value(24.0).run()
    assert_no_exception(app)
    # ... so the full collection Streamlit runs after every script run walks only a small rest,
    # and a rerun that imports nothing new freezes nothing more.
    assert len(gc.get_objects()) < frozen / 2
    assert gc.get_freeze_count() == frozen
