"""The Deliverables tab: the current scenario as a deck, a workbook and an HTML page.

Each file is built when its button is clicked (with a spinner), in the app's current
language, and cached on the scenario's values, its custom uncertainty ranges, the format and
the language: clicking again, or switching tabs and back, costs nothing. The bytes of the last
build per format are kept in the session, so its download button stays until the scenario
changes.
"""

from __future__ import annotations

import streamlit as st

from estimator import Parameters
from estimator.core.scenario import Scenario
from estimator.library import load_preset, preset_names
from estimator.reports import (
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    REPORT_FORMATS,
    build_content,
    report_bytes,
    report_name,
    safe_filename,
)
from estimator.text.formatting import format_count
from estimator.text.i18n import LANGUAGES, current_language, t
from ui import state
from ui.context import Context
from ui.provenance import data_source, is_from_data

__all__ = ["BUILT_KEY", "ICONS", "build_report", "render_exports"]

#: Session key of the last file built per format: {kind: (scenario key, bytes)}.
BUILT_KEY = "exports_built"
#: The button icon of each deliverable format (the formats themselves: estimator.reports.REPORT_FORMATS).
ICONS = {"pptx": ":material/slideshow:", "xlsx": ":material/table_chart:", "html": ":material/public:"}


@st.cache_data(max_entries=24, show_spinner=False)
def build_report(
    params_key: tuple,
    custom: tuple,
    preset: str,
    kind: str,
    language: str,
    data_sources: tuple = (),
    notes: str = "",
    published: bool = False,
    input_sources: tuple = (),
    method_sentence: str = "",
    scaled: tuple = (),
) -> bytes:
    """The deliverable ``kind`` of a scenario, cached on plain data.

    Parameters
    ----------
    params_key : tuple
        The scenario's ``(key, value)`` pairs (every parameter, currency and name).
    custom : tuple
        The user's ``(parameter, (low, high))`` uncertainty ranges.
    preset : str
        The preset the scenario started from: its sources back the values it sets.
    kind : {"pptx", "xlsx", "html"}
    language : str
    data_sources : tuple
        ``(parameter, description)`` pairs of values calibrated from the client's data.
    published : bool
        Add the deck's slide comparing the scenario with the published estimates.
    input_sources : tuple
        ``(parameter, source)`` pairs: file, entered, preset or default (MODEL.md v3).
    method_sentence : str
        The applied calibration's CFO sentence, for the deck's method slide.
    scaled : tuple
        The volumes scaled with the customers (MODEL.md v3), cited as scaled rather than as the user's input.
    notes : str
        The scenario's notes (typed in the Scenarios tab, or of the scenario loaded there).

    Returns
    -------
    bytes
    """
    params = Parameters(dict(params_key))
    source = load_preset(preset) if preset in preset_names() else None
    content = build_content(
        Scenario("", params, dict(custom), provenance=dict(data_sources)),
        sources=source.sources if source else None,
        base=source.parameters if source else None,
        draws=DEFAULT_DRAWS,
        seed=DEFAULT_SEED,
        language=language,
        notes=notes,
        published=published,
        input_sources=dict(input_sources) or None,
        method_sentence=method_sentence,
        scaled=scaled,
    )
    return report_bytes(content, kind)


def _method_sentence(from_data: tuple, language: str) -> str:
    """The CFO sentence of the calibration applied (MODEL.md v3), while some of its values are still in use."""
    applied = state.applied_calibration()
    if not from_data or applied is None:
        return ""
    from estimator.calibration.sentence import cfo_sentence

    return cfo_sentence(applied, language)


def _data_sources(ctx: Context) -> tuple:
    """``(parameter, description)`` of the values that still hold what was calibrated from data
    (a value moved by hand afterwards is the user's input, as in the assumptions tab)."""
    return tuple((key, data_source(ctx, key)) for key in sorted(state.provenance()) if is_from_data(ctx, key))


def _file_name(params: Parameters, ctx: Context, kind: str) -> str:
    """The download's name: the documents' own name for the scenario ("… (modified)" when it is
    no longer its preset), without spaces; an unnamed scenario takes its preset's name."""
    base = ctx.preset.parameters
    named = params if params.name else params.replace(name=base.name)
    return safe_filename(report_name(named, base), kind)


def _size(data: bytes) -> str:
    return f"{len(data) / 1_000_000:.1f} MB" if len(data) >= 1_000_000 else f"{len(data) / 1_000:.0f} kB"


def render_exports(ctx: Context) -> None:
    """Three columns, one per deliverable: what it holds, a button to build it, then a download button."""
    params = ctx.parameters
    language = current_language()
    custom = tuple(sorted(state.usable_ranges(params).items()))
    params_key = state.cache_key(params)
    from_data = _data_sources(ctx)
    notes = state.scenario_notes()
    scenario_key = (params_key, custom, ctx.preset.name, language, from_data, notes)
    built = st.session_state.setdefault(BUILT_KEY, {})
    st.caption(t("exports.intro", language=LANGUAGES[language].name if language in LANGUAGES else language))
    columns = st.columns(len(REPORT_FORMATS))
    for column, (kind, report_format) in zip(columns, REPORT_FORMATS.items(), strict=True):
        label_key = report_format.label_key
        label = t(label_key)
        with column, st.container(border=True):
            st.markdown(f"**{label}**")
            st.caption(t(f"{label_key}_help"))
            with_published = kind == "pptx" and st.checkbox(t("published.export_option"), key="exports_published")
            if st.button(t("exports.build", kind=label), key=f"exports_build_{kind}", icon=ICONS.get(kind), width="stretch"):
                with st.spinner(t("exports.building", kind=label)):
                    data = build_report(
                        params_key,
                        custom,
                        ctx.preset.name,
                        kind,
                        language,
                        from_data,
                        notes,
                        with_published,
                        tuple(sorted(ctx.estimate.input_sources.items())),
                        _method_sentence(from_data, language),
                        ctx.estimate.scaled,
                    )
                    built[kind] = ((scenario_key, with_published), data)
            if kind in built and built[kind][0] == (scenario_key, with_published):
                data = built[kind][1]
                st.download_button(
                    t("exports.download", kind=label),
                    data,
                    file_name=_file_name(params, ctx, kind),
                    mime=report_format.mime,
                    key=f"exports_download_{kind}",
                    type="primary",
                    icon=":material/download:",
                    on_click="ignore",
                    width="stretch",
                )
                st.caption(t("exports.ready", kind=label, size=_size(data)))
    st.caption(t("exports.contents", draws=format_count(DEFAULT_DRAWS, locale=ctx.locale, compact=False), seed=DEFAULT_SEED))
