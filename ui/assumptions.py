"""Every assumption with its value, source and evidence grade: why the numbers are credible."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from estimator import PARAMETER_SPECS
from estimator.controls import GROUP_ORDER
from estimator.library import ASSUMPTION
from estimator.reports.content import scaled_note
from estimator.text.formatting import format_parameter
from estimator.text.i18n import grade_label, param_label, t
from ui.context import Context
from ui.provenance import data_source
from ui.published import render_published

__all__ = ["assumptions_table", "render_assumptions"]


def assumptions_table(ctx: Context) -> pd.DataFrame:
    """One row per input: group, label, value as used, source, evidence grade and note.

    A value applied from the client's data names the data (file, rows, interval) instead of the
    preset's benchmark, and is marked as changed if moved afterwards; another value the user changed
    is marked as their input. The preset's source then no longer applies.
    """
    rows = []
    keys = sorted(PARAMETER_SPECS, key=lambda key: GROUP_ORDER.index(PARAMETER_SPECS[key].group))
    for key in keys:
        ref = ctx.preset.sources[key]
        from_data = data_source(ctx, key, markdown=True)  # st.table renders its cells as Markdown
        if from_data is not None:
            benchmark = t("source.assumption") if ref.evidence_id == ASSUMPTION else ref.citation
            source, grade, note = from_data, "", t("calibration.note_data", benchmark=benchmark)
        elif key in ctx.changed_from_preset and ctx.estimate.input_sources.get(key) == "entered":
            source, grade, note = t("source.your_input"), "", ""
        else:
            source = t("source.assumption") if ref.evidence_id == ASSUMPTION else ref.citation
            grade = t("source.grade_assumption") if ref.is_assumption else grade_label(ref.grade)
            note = ref.note_for(ctx.parameters, ctx.currency, locale=ctx.locale)
            scaled = next((item for item in ctx.estimate.scaled if item.key == key), None)
            if scaled is not None:  # MODEL.md v3: the preset's figure, scaled, and said where it is shown
                note = f"{scaled_note(scaled)}. {note}" if note else scaled_note(scaled)
        value = ctx.parameters[key]
        shown = t(f"method.{value}") if key == "method" else format_parameter(key, value, ctx.currency, locale=ctx.locale)
        rows.append(
            {
                t("assumptions.column_group"): t(f"group.{PARAMETER_SPECS[key].group}"),
                t("assumptions.column_input"): param_label(key),
                t("assumptions.column_value"): shown,
                # MODEL.md v3: whose figure this is (client's file, entered, preset, default).
                t("input_source.column"): t(f"input_source.{ctx.estimate.input_sources.get(key, 'default')}"),
                t("assumptions.column_source"): source,
                t("assumptions.column_grade"): grade,
                t("assumptions.column_note"): note,
            }
        )
    return pd.DataFrame(rows)


def render_assumptions(ctx: Context, *, title: bool = True) -> None:
    """The assumption table, tall enough to show every row without scrolling."""
    if title:
        st.subheader(t("assumptions.title"), anchor=False)
    st.caption(t("assumptions.intro"))
    table = assumptions_table(ctx)
    # A static table: every row visible in a deck, and no data-grid code for the browser to load.
    st.table(table, hide_index=True, border="horizontal")
    if title:  # the full tab (not the presentation view): the published estimates reproduced
        render_published(ctx)
