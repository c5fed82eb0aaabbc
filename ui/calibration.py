"""The Calibration tab: estimate the inputs from the client's own customer data, then apply them.

Reading and statistics are :mod:`estimator.calibration`; this module only draws. An upload is
written to a temporary file for DuckDB and deleted straight after reading; the result lives in
this session's state only (no ``st.cache_data``, which would share it across sessions). Bad input
is shown as an error message naming the problem; the rest of the app stays as it was.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from estimator import PARAMETER_SPECS, ParameterError
from estimator.calibration import (
    DROPPABLE_MESSAGES,
    FIELDS,
    REQUIRED_FIELDS,
    Calibration,
    CalibrationError,
    CalibrationWarning,
    ColumnPlan,
    calibrate,
    inspect_columns,
    reclassify,
)
from estimator.calibration.messages import calibration_text
from estimator.library import ASSUMPTION
from estimator.paths import APP_DATABASES_ENV, data_dir
from estimator.text.formatting import format_count
from estimator.text.i18n import current_language, current_locale, language_scope, param_label, t
from estimator.text.sentences import provenance_description
from ui import calibration_v3, state
from ui.context import Context
from ui.provenance import data_source
from ui.provenance import value_text as _shown
from ui.safe_text import code, plain, safe_table

__all__ = ["SAMPLE_FILE", "TEMPLATE_FILE", "render_calibration", "upload_limit_mb"]

SAMPLE_FILE = data_dir() / "sample_customers.csv"
TEMPLATE_FILE = data_dir() / "calibration_template.csv"
UPLOAD_KEY = "calibration_upload"
#: The session's current source: ("sample", name) or ("upload", name); and its result.
SOURCE = "calibration_source"
RESULT = "calibration_result"
#: The estimates the user chose to apply.
APPLY_WHICH = "calibration_apply_which"
#: Churn reasons classed by hand in the reason table: reason → class.
REASON_OVERRIDES = "calibration_reason_overrides"
REASON_CLASS_OPTIONS = ("service", "other", "unknown")
NOT_MAPPED = "__none__"
#: The reading options under the column table: leave out invalid rows, the value's period, the complaint threshold.
DROP_INVALID = "calibration_drop_invalid"
VALUE_PERIOD = "calibration_value_period"
VALUE_PERIOD_OPTIONS = ("auto", "yearly", "monthly")
COMPLAINT_THRESHOLD = "calibration_complaint_threshold"
#: The inputs offered the last time: when they change (a column mapped, reasons classed), all are chosen again.
APPLY_OFFERED = "calibration_apply_offered"


def upload_limit_mb() -> int:
    """The largest upload the server accepts (``server.maxUploadSize``), in MB."""
    return int(st.get_option("server.maxUploadSize"))


#: The key of ``.streamlit/secrets.toml`` listing the databases the tab may read (as the variable does).
DATABASES_SECRET = "calibration_databases"


def allowed_databases() -> tuple[str, ...]:
    """The databases the operator lets the tab read (``host[:port]/database`` or ``host[:port]/*``).

    From ``$CHURN_ESTIMATOR_APP_DATABASES`` and ``calibration_databases`` in ``.streamlit/secrets.toml``;
    none (the default) turns the database source off: a user of the app can then make the server
    connect nowhere.
    """
    listed = re.split(r"[\s,]+", os.environ.get(APP_DATABASES_ENV, ""))
    if st.secrets.load_if_toml_exists():
        secret = st.secrets.get(DATABASES_SECRET) or []
        listed += re.split(r"[\s,]+", secret) if isinstance(secret, str) else [str(entry) for entry in secret]
    return tuple(dict.fromkeys(entry.strip() for entry in listed if entry.strip()))


@dataclass(frozen=True)
class _Database:
    """A table in a database of the operator's list, read with the credentials the user typed."""

    url: str
    table: str

    @property
    def label(self) -> str:
        from estimator.urls import redact_url

        return f"{self.table} @ {redact_url(self.url)}"


@dataclass(frozen=True)
class _Outcome:
    """One reading of one file with one mapping: the columns, and a result or an error."""

    key: tuple
    plan: ColumnPlan | None
    result: Calibration | None
    error: CalibrationError | None


def _reading_options() -> dict[str, object]:
    """The options of :func:`calibrate` chosen under the column table."""
    period = st.session_state.get(VALUE_PERIOD, "auto")
    return {
        "drop_invalid": bool(st.session_state.get(DROP_INVALID, False)),
        "value_period": None if period == "auto" else period,
        "complaint_threshold": int(st.session_state.get(COMPLAINT_THRESHOLD, 1) or 1),
        **calibration_v3.options(),  # MODEL.md v3: window, customers, currency, tenure
    }


def _read(
    path: Path | _Database,
    overrides: dict[str, str] | None,
    reasons: dict[str, str] | None = None,
    options: dict[str, object] | None = None,
) -> tuple[ColumnPlan | None, Calibration | None, CalibrationError | None]:
    # A database table is aggregated inside the database; only its group counts come here. The connection
    # is sealed (the operator's list, the typed credentials only): see estimator.calibration.engines.postgresql.
    where = {"table": path.table, "allowed_databases": allowed_databases()} if isinstance(path, _Database) else {}
    source = path.url if isinstance(path, _Database) else path
    try:
        plan = inspect_columns(source, overrides, **where)
    except CalibrationError as error:
        return None, None, error
    if plan.missing:
        return plan, None, None
    try:
        result = calibrate(source, overrides, reasons=reasons, **(options or {}), **where)
    except CalibrationError as error:  # the columns are known: the mapping step stays, to fix it there
        return plan, None, error
    # The column table shows what was used (a column chosen by its values or its name, not the first candidate).
    return dataclasses.replace(plan, mapping=dict(result.mapping)), result, None


def _mapping_overrides(columns: list[str]) -> dict[str, str] | None:
    """The user's choices in the mapping step as column -> field (every other column ignored)."""
    chosen = {name: st.session_state.get(f"calibration_map_{name}") for name in FIELDS}
    if not any(value is not None for value in chosen.values()):
        return None
    overrides = {column: "ignore" for column in columns}
    for name, column in chosen.items():
        if column and column != NOT_MAPPED and column in columns:
            overrides[column] = name
    return overrides


def _outcome(name: str, data: bytes | None, path: Path | _Database | None, columns_hint: list[str] | None) -> _Outcome:
    """Read the file (once per file and mapping in this session)."""
    overrides = _mapping_overrides(columns_hint or [])
    reasons = dict(st.session_state.get(REASON_OVERRIDES, {}))
    options = _reading_options()
    digest = hashlib.sha256(data).hexdigest() if data is not None else str(path)
    reading = (digest, tuple(sorted((overrides or {}).items())), tuple(sorted(options.items())))
    key = (*reading, tuple(sorted(reasons.items())))
    kept: _Outcome | None = st.session_state.get(RESULT)
    if kept is not None and kept.key == key:
        return kept
    chosen = None if overrides is None else {field: column for column, field in overrides.items() if field != "ignore"}
    same_reading = kept is not None and kept.key[0] == digest and kept.key[2] == reading[2]
    if same_reading and kept.result is not None and kept.result.aggregation is not None and chosen in (None, kept.result.mapping):
        # Only the reasons' classes changed: class them again from the counts kept, without reading the file.
        outcome = _Outcome(key, kept.plan, reclassify(kept.result, reasons), None)
        st.session_state[RESULT] = outcome
        return outcome
    with st.spinner(t("calibration.reading", name=plain(name))):  # a spinner's text is Markdown too
        if data is None:
            plan, result, error = _read(path, overrides, reasons, options)
        else:
            with tempfile.TemporaryDirectory(prefix="upload-") as folder:
                temporary = Path(folder) / ("upload" + Path(name).suffix.lower())
                temporary.write_bytes(data)
                plan, result, error = _read(temporary, overrides, reasons, options)
    outcome = _Outcome(key, plan, result, error)
    st.session_state[RESULT] = outcome
    return outcome


def _forget_mapping() -> None:
    for name in FIELDS:
        st.session_state.pop(f"calibration_map_{name}", None)
    for key in (DROP_INVALID, VALUE_PERIOD, COMPLAINT_THRESHOLD, APPLY_OFFERED):
        st.session_state.pop(key, None)
    st.session_state.pop(RESULT, None)
    st.session_state.pop(REASON_OVERRIDES, None)


def _use_sample() -> None:
    _forget_mapping()
    st.session_state[SOURCE] = ("sample", t("calibration.source_sample", name=SAMPLE_FILE.name))


def _clear() -> None:
    _forget_mapping()
    st.session_state.pop(SOURCE, None)


def _on_upload() -> None:
    _forget_mapping()
    st.session_state[SOURCE] = ("upload", "")


def _use_database() -> None:
    url = str(st.session_state.get("calibration_db_url") or "").strip()
    table = str(st.session_state.get("calibration_db_table") or "").strip()
    _forget_mapping()
    st.session_state[SOURCE] = ("database", _Database(url, table)) if url and table else ("database_incomplete", "")


def _render_database() -> None:
    """A database URL and table, for a team server that can reach the warehouse (read inside the database);
    only when the operator listed databases the app may read."""
    allowed = allowed_databases()
    if not allowed:
        return
    with st.expander(t("calibration.database.expander")):
        st.caption(t("calibration.database.allowed", databases=", ".join(allowed)))
        st.text_input(
            t("calibration.database.url"), key="calibration_db_url", type="password", help=t("calibration.database.url_help")
        )
        st.text_input(t("calibration.database.table"), key="calibration_db_table", help=t("calibration.database.table_help"))
        st.button(t("calibration.database.read"), key="calibration_db_read", on_click=_use_database)


def _render_inputs() -> tuple[str, bytes | None, Path | None] | None:
    """The upload, sample and template controls; the chosen source, if any."""
    st.caption(t("calibration.intro"))
    limit = upload_limit_mb()
    uploaded = st.file_uploader(
        t("calibration.upload"),
        type=["csv", "txt", "xlsx", "parquet"],
        key=UPLOAD_KEY,
        help=t("calibration.upload_help"),
        on_change=_on_upload,
    )
    st.caption(t("calibration.limit", limit=limit))
    columns = st.columns([1, 1, 1, 3])
    columns[0].button(t("calibration.sample"), key="calibration_sample", help=t("calibration.sample_help"), on_click=_use_sample)
    columns[1].download_button(
        t("calibration.template"),
        data=TEMPLATE_FILE.read_bytes(),
        file_name="customers_template.csv",
        mime="text/csv",
        key="calibration_template",
        help=t("calibration.template_help"),
    )
    _render_database()
    source = st.session_state.get(SOURCE)
    if source is not None:
        columns[2].button(t("calibration.clear"), key="calibration_clear", type="tertiary", on_click=_clear)
    if source is None:
        return None
    if source[0] == "sample":
        return source[1], None, SAMPLE_FILE
    if source[0] == "database":
        return source[1].label, None, source[1]
    if source[0] == "database_incomplete":
        st.warning(t("calibration.database.incomplete"))
        return None
    if uploaded is None:
        return None
    data = uploaded.getvalue()
    if len(data) > limit * 1024 * 1024:
        st.error(
            t(
                "calibration.too_large",
                size=format_count(len(data) / 2**20, locale=current_locale(), compact=False),
                limit=limit,
                name=code(uploaded.name),
            )
        )
        return None
    return uploaded.name, data, None


def _render_mapping(plan: ColumnPlan, undecided: frozenset[str] = frozenset(), opened: bool = False) -> None:
    """A selectbox per field, preselected from the recognised names; ``undecided`` fields left to choose
    (two columns could be the field and they disagree: the user picks, the app does not guess)."""
    with st.expander(t("calibration.mapping_title"), expanded=bool(plan.missing or undecided or opened)):
        st.caption(t("calibration.mapping_intro"))
        if plan.missing:
            st.warning(t("calibration.mapping_missing", fields=", ".join(plan.missing)), icon=":material/table_view:")
        options = [NOT_MAPPED, *plan.columns]
        grid = st.columns(4)
        for index, name in enumerate(FIELDS):
            key = f"calibration_map_{name}"
            current = plan.mapping.get(name, NOT_MAPPED)
            label = field_label(name) + (" *" if name in REQUIRED_FIELDS else "")
            preselected = None if name in undecided or key in st.session_state else options.index(current)
            grid[index % 4].selectbox(
                label,
                options,
                index=preselected,
                key=key,
                format_func=lambda option: t("calibration.mapping_none") if option == NOT_MAPPED else option,
            )
        _render_reading_options()


def field_label(name: str) -> str:
    """A field's name as the user reads it ("Value per customer", not ``annual_value``)."""
    return t(f"calibration.field.{name}")


def _render_reading_options() -> None:
    """Under the column table: leave out invalid rows, the value column's period, the complaint threshold."""
    left, middle, right = st.columns(3)
    left.checkbox(t("calibration.app.drop_invalid"), key=DROP_INVALID, help=t("calibration.app.drop_invalid_help"))
    middle.radio(
        t("calibration.app.value_period"),
        VALUE_PERIOD_OPTIONS,
        key=VALUE_PERIOD,
        horizontal=True,
        format_func=lambda option: t(f"calibration.app.value_period_{option}"),
    )
    right.number_input(
        t("calibration.app.complaint_threshold"),
        min_value=1,
        max_value=1000,
        step=1,
        value=1,
        key=COMPLAINT_THRESHOLD,
        help=t("calibration.app.complaint_threshold_help"),
    )


def _source_text(ctx: Context, key: str) -> str:
    """Where the model's current value of ``key`` comes from: client data, a benchmark, or the user."""
    from_data = data_source(ctx, key)
    if from_data is not None:
        return from_data
    if key in ctx.changed_from_preset:
        return t("calibration.provenance_input")
    ref = ctx.preset.sources[key]
    if ref.evidence_id == ASSUMPTION:
        return t("calibration.provenance_assumption")
    return t("calibration.provenance_preset", citation=ref.citation)


def estimates_table(result: Calibration, ctx: Context) -> pd.DataFrame:
    """The estimates beside the model's current values and where those come from."""
    rows = []
    in_file = _in_file_currency(result, ctx)
    for key, item in result.estimates.items():
        interval = "" if key == "customers" else f"{_shown(key, item.ci_low, in_file)} – {_shown(key, item.ci_high, in_file)}"
        rows.append(
            {
                t("calibration.column_parameter"): param_label(key),
                t("calibration.column_estimate"): _shown(key, item.value, in_file),
                t("calibration.column_interval"): interval,
                t("calibration.column_n"): format_count(item.n, locale=ctx.locale, compact=False),
                t("calibration.column_current"): _shown(key, ctx.parameters[key], ctx),
                t("calibration.column_source"): _source_text(ctx, key),
            }
        )
    return pd.DataFrame(rows)


@dataclasses.dataclass(frozen=True)
class _FileCurrency:
    """What :func:`ui.provenance.value_text` reads of a context, with the file's currency (as chosen, else
    "currency not stated"): the file's amounts are not in the model's currency until applied."""

    currency: str
    locale: str


def _in_file_currency(result: Calibration, ctx: Context) -> _FileCurrency:
    return _FileCurrency(calibration_v3.applied_currency(result), ctx.locale)


def _segment_table(result: Calibration, ctx: Context) -> pd.DataFrame:
    columns = {}
    ctx = _in_file_currency(result, ctx)
    for segment, estimates in result.by_segment.items():
        columns[segment] = {
            param_label(key): f"{_shown(key, item.value, ctx)}"
            + ("" if key == "customers" else f" ({_shown(key, item.ci_low, ctx)} – {_shown(key, item.ci_high, ctx)})")
            for key, item in estimates.items()
        }
    return pd.DataFrame(columns)


def _render_model(result: Calibration) -> None:
    st.markdown(f"#### {t('calibration.model_title')}")
    if result.model is None:
        st.info(t("calibration.model_none"), icon=":material/info:")
        return
    effect = result.model.effect
    values = {
        "odds": f"{effect['odds_ratio']:.2f}",
        "low": f"{effect['or_low']:.2f}",
        "high": f"{effect['or_high']:.2f}",
        "coef": f"{effect['coef']:+.3f}",
        "coef_low": f"{effect['ci_low']:+.3f}",
        "coef_high": f"{effect['ci_high']:+.3f}",
        "n": format_count(result.model.n, locale=current_locale(), compact=False),
        "reference": plain(result.model.reference_segment or ""),  # a segment of the client's file
    }
    key = "calibration.model_effect" if result.model.reference_segment else "calibration.model_effect_no_segment"
    st.markdown(t(key, **values))
    with st.expander(t("calibration.model_terms")):
        st.dataframe(safe_table(result.model.coefficients), key="calibration_model_terms")


def _apply(result_key: tuple, source: str, shown_source: str) -> None:
    """Callback of "apply to model": set the chosen inputs and their ranges, record the source."""
    outcome: _Outcome | None = st.session_state.get(RESULT)
    if outcome is None or outcome.key != result_key or outcome.result is None:
        return
    keys = st.session_state.get(APPLY_WHICH) or []
    values = outcome.result.parameter_values(keys)
    ranges = outcome.result.uncertainty_ranges(keys)
    # MODEL.md v3: the file's currency (or "currency not stated") comes with its values; cr and cu follow
    # the complainers' churn the file measured when it could not measure them.
    rescaled, note = calibration_v3.complainer_churn_changes(outcome.result, state.current_parameters().to_dict(), values)
    extra = {"currency": calibration_v3.applied_currency(outcome.result)} if "annual_value" in values else {}
    try:
        state.apply_values({**values, **rescaled, **extra}, ranges)
    except ParameterError as error:
        st.session_state["calibration_apply_problem"] = "; ".join(p.message for p in error.problems)
        return
    scenario = state.current_parameters()
    # A callback runs before the script sets the session's language: take it from the session.
    with language_scope(state.language()):
        locale = current_locale()
        descriptions = {key: provenance_description(outcome.result, key, source, scenario.currency, locale) for key in values}
        message = t("calibration.applied", count=len(values), source=shown_source)
    # Recorded with the values as stored (validated), so "changed after calibration" compares like with like.
    if note is not None:
        with language_scope(state.language()):
            descriptions.update(dict.fromkeys(rescaled, calibration_note_markdown(note)))
        st.session_state["calibration_conflict_note"] = note
    state.record_provenance(descriptions)
    state.record_applied_calibration(outcome.result.to_dict())
    st.session_state["calibration_applied_message"] = message


def _shown_values(values: dict) -> dict[str, str]:
    """Placeholders the app writes its own way: parameters and fields by their labels, the columns to choose."""
    shown = {}
    if "parameter" in values:
        shown["parameter"] = param_label(values["parameter"])
    if values.get("field") in FIELDS:
        shown["field"] = field_label(values["field"])
    if "choices" in values:
        shown["choices"] = (
            t("calibration.app.choices", columns=values["choices"]) if values["choices"] else t("calibration.app.choices_none")
        )
    return shown


def calibration_note_markdown(warning: CalibrationWarning) -> str:
    """A calibration note in the session's language and the app's own terms (no command-line options),
    parameters named by their labels (in italics)."""
    message_id = warning.message_id or warning.code
    # Its values (segments, example rows, reasons) come from the client's file: escaped for Markdown.
    return calibration_text(
        "warning",
        message_id,
        warning.values,
        current_language(),
        labels=True,
        emphasis="*",
        escape=plain,
        audience="app",
        **_shown_values(warning.values),
    )


def error_text(error: CalibrationError) -> str:
    """A calibration error in the session's language and the app's own terms, its values (the file's columns
    and rows) escaped."""
    return calibration_text(
        "error", error.message_id, error.values, current_language(), escape=plain, audience="app", **_shown_values(error.values)
    )


def _render_apply(outcome: _Outcome, source: str, shown_source: str) -> None:
    st.markdown(f"#### {t('calibration.apply_title')}")
    result = outcome.result
    available = [key for key in result.parameter_values() if key in PARAMETER_SPECS]
    if st.session_state.get(APPLY_OFFERED) != available:
        # New inputs from the data (a column mapped, reasons classed): offer them all again, not the first list.
        st.session_state[APPLY_OFFERED] = available
        st.session_state[APPLY_WHICH] = available
    st.multiselect(
        t("calibration.apply_which"),
        available,
        format_func=param_label,
        key=APPLY_WHICH,
    )
    st.button(
        t("calibration.apply"),
        key="calibration_apply",
        type="primary",
        help=t("calibration.apply_help"),
        on_click=_apply,
        args=(outcome.key, source, shown_source),
    )
    message = st.session_state.pop("calibration_applied_message", None)
    if message:
        st.success(message, icon=":material/check_circle:")
        conflict = st.session_state.pop("calibration_conflict_note", None)
        if conflict is not None:
            st.warning(calibration_note_markdown(conflict), icon=":material/warning:")
        if st.session_state.get(APPLY_WHICH):
            labels = ", ".join(param_label(key).lower() for key in result.uncertainty_ranges(st.session_state[APPLY_WHICH]))
            st.caption(t("input_source.ranges_note", inputs=labels))
    problem = st.session_state.pop("calibration_apply_problem", None)
    if problem:
        st.error(t("calibration.apply_failed", problems=plain(problem, limit=300)))


def _reason_class_label(name: str) -> str:
    return t(f"calibration.reason_class.{name}")


def _on_reason_edit(table_key: str, reasons: list[str]) -> None:
    """Callback of the reason table: the classes changed by hand become overrides (the file is read again)."""
    edits = (st.session_state.get(table_key) or {}).get("edited_rows", {})
    overrides = dict(st.session_state.get(REASON_OVERRIDES, {}))
    for index, change in edits.items():
        chosen = change.get("class")
        if chosen in REASON_CLASS_OPTIONS and reasons[int(index)] is not None:
            overrides[reasons[int(index)]] = chosen
    st.session_state[REASON_OVERRIDES] = overrides


def _render_reasons(result: Calibration) -> None:
    """Every distinct churn reason with its count and class; the class is editable."""
    if not result.reasons:
        return
    st.markdown(f"#### {t('calibration.reasons_title')}")
    st.caption(t("calibration.reasons_intro"))
    # The row standing for the rarer reasons (beyond the list) has no one text to class.
    reasons = [None if "distinct" in row else row["reason"] for row in result.reasons]
    shown = [
        t("calibration.app.other_reasons", count=format_count(row["distinct"], locale=current_locale(), compact=False))
        if "distinct" in row
        else row["reason"] or t("calibration.blank_segment")
        for row in result.reasons
    ]
    frame = pd.DataFrame(
        {
            "reason": shown,
            "count": [row["count"] for row in result.reasons],
            "class": [row["class"] for row in result.reasons],
        }
    )
    overrides = st.session_state.get(REASON_OVERRIDES, {})
    # A new key whenever the overrides change: the edited rows are then folded into the result shown.
    table_key = "calibration_reasons_" + hashlib.sha1(repr(sorted(overrides.items())).encode()).hexdigest()[:8]
    st.data_editor(
        safe_table(frame),
        key=table_key,
        hide_index=True,
        width="stretch",
        disabled=["reason", "count"],
        column_config={
            "reason": st.column_config.TextColumn(t("calibration.reasons_column_reason")),
            "count": st.column_config.NumberColumn(t("calibration.reasons_column_count"), format="%d"),
            "class": st.column_config.SelectboxColumn(
                t("calibration.reasons_column_class"),
                options=[*REASON_CLASS_OPTIONS, "unclassified"],
                format_func=_reason_class_label,
                required=True,
            ),
        },
        on_change=_on_reason_edit,
        args=(table_key, reasons),
    )
    if overrides:
        st.caption(t("calibration.reasons_overridden", count=len(overrides)))


def _render_figures(result: Calibration, ctx: Context) -> None:
    """Churn among complainers against everyone else: the figure a consultant looks for first."""
    if "churn_complainers" not in result.figures:
        return
    shown = {}
    for key in ("churn_complainers", "churn_non_complainers"):
        item = result.figures[key]
        shown[key] = t(
            "calibration.figure_value",
            value=_shown("churn_rate", item.value, ctx),
            low=_shown("churn_rate", item.ci_low, ctx),
            high=_shown("churn_rate", item.ci_high, ctx),
            n=format_count(item.n, locale=ctx.locale, compact=False),
        )
    columns = st.columns(2)
    columns[0].markdown(f"**{t('calibration.figure_complainers')}**  \n{shown['churn_complainers']}")
    columns[1].markdown(f"**{t('calibration.figure_non_complainers')}**  \n{shown['churn_non_complainers']}")


def _render_left_out(result: Calibration, ctx: Context) -> None:
    """Who the estimates leave out: entrants (joined during the window) and rows with invalid values."""
    dropped = sum(item["rows"] for item in result.dropped)
    if not (result.entrants or dropped):
        return
    columns = st.columns(2)
    if result.entrants:
        columns[0].metric(t("calibration.app.entrants"), format_count(result.entrants, locale=ctx.locale, compact=False))
    if dropped:
        columns[1].metric(t("calibration.app.dropped"), format_count(dropped, locale=ctx.locale, compact=False))


def _render_counts(result: Calibration, ctx: Context) -> None:
    """Churn by complaint count (0, 1, 2, 3, 4+): where the effect starts."""
    if not result.complaint_counts:
        return
    st.markdown(f"#### {t('calibration.app.by_count_title')}")
    rows = []
    for row in result.complaint_counts:
        churn = row["churn"]
        shown = "—"
        if row["customers"]:
            shown = t(
                "calibration.figure_value",
                value=_shown("churn_rate", churn["value"], ctx),
                low=_shown("churn_rate", churn["ci_low"], ctx),
                high=_shown("churn_rate", churn["ci_high"], ctx),
                n=format_count(row["customers"], locale=ctx.locale, compact=False),
            )
        rows.append(
            {
                t("calibration.app.by_count_column"): row["count"],
                t("calibration.app.by_count_customers"): format_count(row["customers"], locale=ctx.locale, compact=False),
                t("calibration.app.by_count_churn"): shown,
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="calibration_counts", width="stretch")


def render_calibration(ctx: Context) -> None:
    """The Calibration tab."""
    chosen = _render_inputs()
    if chosen is None:
        return
    name, data, path = chosen
    previous: _Outcome | None = st.session_state.get(RESULT)
    columns_hint = previous.plan.columns if previous is not None and previous.plan is not None else None
    calibration_v3.render_options(columns_hint)
    outcome = _outcome(name, data, path, columns_hint)
    if outcome.error is not None:
        error = outcome.error
        suffix = "_table" if isinstance(path, _Database) else ""  # a database table is not a file to upload again
        st.error(
            f"{t('calibration.error_heading' + suffix)}\n\n{error_text(error)}\n\n{t('calibration.error_hint' + suffix)}",
            icon=":material/error:",
        )
        if outcome.plan is not None:
            undecided = frozenset({error.values["field"]}) if error.message_id == "ambiguous_column" else frozenset()
            _render_mapping(outcome.plan, undecided, opened=error.message_id in DROPPABLE_MESSAGES)
        return
    _render_mapping(outcome.plan)
    result = outcome.result
    if result is None:
        return
    database = isinstance(path, _Database)
    source = name if data is None and not database else t("calibration.source_file", name=name)
    # The same in Markdown: the uploaded file's name is anyone's text.
    shown_source = name if data is None and not database else t("calibration.source_file", name=plain(name))
    st.markdown(f"#### {t('calibration.estimates_title')}")
    st.metric(t("calibration.rows"), format_count(result.rows, locale=ctx.locale, compact=False))
    _render_left_out(result, ctx)
    st.dataframe(safe_table(estimates_table(result, ctx)), hide_index=True, key="calibration_estimates", width="stretch")
    _render_figures(result, ctx)
    _render_counts(result, ctx)
    _render_reasons(result)
    calibration_v3.render_adjustment(result, ctx)
    if result.by_segment:
        with st.expander(t("calibration.by_segment_title")):
            st.dataframe(safe_table(_segment_table(result, ctx)), key="calibration_segments", width="stretch")
    _render_model(result)
    if result.warnings:
        st.markdown(f"#### {t('calibration.warnings_title')}")
        items = "\n".join(f"- {calibration_note_markdown(w)}" for w in result.warnings)
        st.warning(items, icon=":material/warning:")
    _render_apply(outcome, source, shown_source)
