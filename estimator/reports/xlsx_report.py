"""The workbook: inputs as named cells, the model as live formulas, the analyses as values.

The Model sheet implements MODEL.md with spreadsheet formulas that read the Inputs sheet's
named cells (workbook names equal MODEL.md's parameter keys, e.g. ``churn_rate``), in the
same order of operations as :func:`estimator.core.model.evaluate`; so when the client changes an
input in Excel or LibreOffice, every output recomputes and equals what the estimator gives
(the tests recalculate with LibreOffice and compare to 1e-9 relative). Tornado, Monte Carlo,
levers and the initiative are written as values: they come from thousands of evaluations and
describe the scenario as exported.

Every text a user typed goes through :func:`~estimator.reports.safety.neutralise_formula` and
is written as a string cell, never as a formula.
"""

from __future__ import annotations

import io
import math
from typing import Any

import xlsxwriter
from babel import Locale
from babel.numbers import get_currency_symbol
from xlsxwriter.worksheet import Worksheet

from estimator.core.model import CHANNEL_SPECS, HOURS_PER_YEAR
from estimator.core.outputs import output_kind
from estimator.core.parameters import PARAMETER_SPECS
from estimator.figures.uncertainty import levers_note
from estimator.library import load_evidence
from estimator.reports.content import ReportContent, locale_tag, source_grade_note, warning_texts
from estimator.reports.safety import neutralise_formula
from estimator.text.formatting import format_parameter
from estimator.text.i18n import language_scope, param_description, param_label, t
from estimator.text.messages import allowed_range

__all__ = ["INPUT_FIRST_ROW", "MODEL_FORMULAS", "xlsx_bytes"]

#: Spreadsheet row (1-based) of the first parameter on the Inputs sheet.
INPUT_FIRST_ROW = 5

#: The sums over the model's channels (its registry), as workbook formulas.
_CHANNEL_SUM = "+".join(channel.name for channel in CHANNEL_SPECS)
_CUSTOMERS_SUM = "+".join(channel.customers for channel in CHANNEL_SPECS if channel.customers)
#: Value at risk over the registry, as :func:`estimator.core.model.evaluate` sums it: the customers lost
#: for the horizon, a channel that loses no customers recurring, a one-off part (Rdown) once.
_VALUE_AT_RISK = "+".join(
    (
        f"({_CUSTOMERS_SUM})*annual_value*horizon_factor",
        *(f"{channel.name}*horizon_factor" for channel in CHANNEL_SPECS if not channel.customers),
        *(channel.one_off for channel in CHANNEL_SPECS if channel.one_off),
    )
)

#: The steps every channel builds on, before the channels' formulas: the complainers and the silent, the
#: bottom-up groups and counts, the top-down count.
_SHARED_STEPS: tuple[tuple[str, str], ...] = (
    ("complainers", "customers*complaint_rate"),
    ("resolved_complainers", "complainers*resolved_share"),
    ("unresolved_complainers", "complainers*(1-resolved_share)"),
    ("silent_customers", "customers*MIN(complaint_rate*silent_ratio,1-complaint_rate)"),
    ("bottom_up_resolved", "resolved_complainers*(churn_resolved-baseline_churn)"),
    ("bottom_up_unresolved", "unresolved_complainers*(churn_unresolved-baseline_churn)"),
    ("bottom_up_silent", "silent_customers*(churn_silent-baseline_churn)"),
    ("bottom_up_customers", "bottom_up_resolved+bottom_up_unresolved+bottom_up_silent"),
    ("top_down_customers", "customers*churn_rate*service_share"),
)
#: The totals and the figures derived from them, after the channels' formulas.
_TOTALS: tuple[tuple[str, str], ...] = (
    ("total", _CHANNEL_SUM),
    ("customers_lost_total", _CUSTOMERS_SUM),
    ("share_of_revenue", 'IF(customers*annual_value=0,"",total/(customers*annual_value))'),
    ("profit_lost", "total*gross_margin"),
    (
        "horizon_factor",
        "IF(churn_rate+discount_rate>0,"
        "(1-((1-churn_rate)/(1+discount_rate))^horizon_years)/((churn_rate+discount_rate)/(1+discount_rate)),"
        "horizon_years)",
    ),
    ("value_at_risk", _VALUE_AT_RISK),
    ("replacement_cost", "(MAX(customers_lost_retention,0)+customers_lost_incidents)*acquisition_cost"),
    ("implied_service_share", 'IF(customers*churn_rate=0,"",bottom_up_customers/(customers*churn_rate))'),
    ("silent_cap_binds", "complaint_rate*silent_ratio>1-complaint_rate"),
    ("downtime_capped", f"incidents_per_year*incident_hours/{HOURS_PER_YEAR:g}>1"),
)

#: Every output of MODEL.md as a formula over named cells, in evaluation order:
#: (name, formula). Names of parameters and of earlier outputs are workbook names.
#: Undefined ratios are an empty text "" (the estimator's NaN / JSON null). The shared steps, then each
#: channel's own formulas (its ``formulas`` in the channel registry, data/channels.toml) in the registry's
#: order, then the totals.
MODEL_FORMULAS: tuple[tuple[str, str], ...] = (
    *_SHARED_STEPS,
    *(formula for channel in CHANNEL_SPECS for formula in channel.formulas),
    *_TOTALS,
)


def _output_label(name: str) -> str:
    return t(f"report.xlsx.output.{name}", default=name)


def _money_format(currency: str, locale: str, decimals: int = 0) -> str:
    """A spreadsheet number format with the currency's symbol where the locale puts it.

    Every format carries the locale's prefix (:func:`~estimator.reports.content.locale_tag`),
    so LibreOffice writes the locale's decimal and group marks whatever the reader's settings.
    """
    symbol = get_currency_symbol(currency, locale=locale).replace('"', "")
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    digits = "#,##0" + ("." + "0" * decimals if decimals else "")
    body = f'"{symbol}"{digits}' if pattern.startswith("¤") else f'{digits}" {symbol}"'
    tag = locale_tag(locale)
    return f"{tag}{body};{tag}-{body}"


def _decimals(value: float, most: int = 2) -> int:
    """The decimals ``value`` needs (up to ``most``): 0 for 35, 1 for 35.5, 2 for 41.98."""
    for decimals in range(most):
        if abs(round(value, decimals) - value) < 1e-9 * max(1.0, abs(value)):
            return decimals
    return most


def _clean(value: float) -> float:
    """``value`` without binary noise (0.07999999999999999 → 0.08): twelve significant digits."""
    return float(f"{value:.12g}")


class _Writer:
    """Holds the workbook's formats and writes cells; every user-typed text is neutralised."""

    def __init__(self, workbook: xlsxwriter.Workbook, content: ReportContent):
        self.workbook = workbook
        self.content = content
        add = workbook.add_format
        self.title = add({"bold": True, "font_size": 16, "font_color": "#1F2A44"})
        self.header = add({"bold": True, "bg_color": "#1F2A44", "font_color": "#FFFFFF", "text_wrap": True, "valign": "top"})
        self.text = add({"text_wrap": True, "valign": "top"})
        self.muted = add({"font_color": "#5B6475", "italic": True, "text_wrap": True, "valign": "top"})
        self.input = add({"bg_color": "#FFF4CE", "border": 1, "border_color": "#C9B458", "num_format": "General"})
        money = _money_format(content.currency, content.locale)
        self.money = add({"num_format": money, "valign": "top"})
        self.money_bold = add({"num_format": money, "bold": True, "valign": "top"})
        self.number = add({"num_format": "General", "valign": "top"})
        self.key = add({"font_name": "Consolas", "font_color": "#5B6475", "valign": "top"})
        # The formulas as text wrap in their column (a long one would widen the printed page).
        self.formula = add({"font_name": "Consolas", "font_color": "#5B6475", "valign": "top", "text_wrap": True})
        # A sheet's title and intro run over the empty cells to their right instead of wrapping in column A.
        self.line = add({"font_color": "#5B6475", "italic": True})
        self._formats: dict[tuple[str, bool], Any] = {}
        self._widths: dict[str, dict[int, float]] = {}
        self._lines: dict[str, dict[int, int]] = {}
        tag = locale_tag(content.locale)
        self.count = add({"num_format": f"{tag}#,##0.0", "valign": "top"})
        self.whole = add({"num_format": f"{tag}#,##0", "valign": "top"})
        self.share = add({"num_format": f"{tag}0.0%", "valign": "top"})
        self.factor = add({"num_format": f"{tag}0.000", "valign": "top"})

    def number_format(self, key: str, value: float) -> str:
        """How a parameter's value is shown: 35% (not 0.35), €1,250, 500,000, 2.5."""
        tag = locale_tag(self.content.locale)
        spec = PARAMETER_SPECS[key]
        if spec.is_share:
            decimals = _decimals(value * 100)
            return f"{tag}0{'.' + '0' * decimals if decimals else ''}%"
        if spec.is_currency:
            return _money_format(self.content.currency, self.content.locale, _decimals(value))
        decimals = 0 if spec.kind == "integer" else _decimals(value)
        return f"{tag}#,##0{'.' + '0' * decimals if decimals else ''}"

    def parameter_format(self, key: str, value: float, *, entry: bool = False) -> Any:
        """The cell format of a parameter's value (``entry``: the yellow input cell of the Inputs sheet)."""
        number = self.number_format(key, value)
        if (number, entry) not in self._formats:
            style = {"num_format": number, "valign": "top"}
            if entry:
                style.update(bg_color="#FFF4CE", border=1, border_color="#C9B458")
            self._formats[number, entry] = self.workbook.add_format(style)
        return self._formats[number, entry]

    def evidence_format(self, value: float | None, unit: str) -> Any:
        """A figure of the evidence library: a share as a percentage ("share of ..." units), else a grouped number."""
        tag = locale_tag(self.content.locale)
        if value is None:
            return self.number
        if str(unit).startswith("share"):
            decimals = _decimals(value * 100)
            number = f"{tag}0{'.' + '0' * decimals if decimals else ''}%"
        else:
            decimals = _decimals(value)
            number = f"{tag}#,##0{'.' + '0' * decimals if decimals else ''}"
        if (number, False) not in self._formats:
            self._formats[number, False] = self.workbook.add_format({"num_format": number, "valign": "top"})
        return self._formats[number, False]

    def columns(self, sheet: Worksheet, widths: dict[int, float]) -> None:
        """Set the columns' widths (in characters) and remember them to size wrapped rows."""
        self._widths[sheet.name] = dict(widths)
        for col, width in widths.items():
            sheet.set_column(col, col, width)

    def _count_lines(self, sheet: Worksheet, row: int, col: int, text: str) -> None:
        width = self._widths.get(sheet.name, {}).get(col, 10.0)
        per_line = max(1, int(width * 1.05))  # a column's width is about that many average characters
        lines = sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))
        rows = self._lines.setdefault(sheet.name, {})
        rows[row] = max(rows.get(row, 1), lines)

    def fit_rows(self, sheet: Worksheet) -> None:
        """Give rows whose text wraps the height of their lines (neither Excel nor LibreOffice does on opening)."""
        for row, lines in self._lines.get(sheet.name, {}).items():
            if lines > 1:
                sheet.set_row(row, 15 * lines)

    def print_setup(self, sheet: Worksheet, header_row: int, *, landscape: bool = True) -> None:
        """A4, the sheet's width on one page, its header row repeated on every page, page numbers."""
        sheet.set_paper(9)
        if landscape:
            sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(header_row)
        sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
        sheet.set_footer("&L&A&R&P / &N")

    def text_cell(self, sheet: Worksheet, row: int, col: int, value: Any, fmt: Any = None) -> None:
        """A string cell: user text may never become a formula."""
        text = neutralise_formula(str(value))
        sheet.write_string(row, col, text, fmt or self.text)
        if (fmt or self.text) in (self.text, self.muted, self.header, self.formula):
            self._count_lines(sheet, row, col, text)

    def header_cell(self, sheet: Worksheet, row: int, col: int, text: str) -> None:
        sheet.write_string(row, col, text, self.header)
        self._count_lines(sheet, row, col, text)

    def number_cell(self, sheet: Worksheet, row: int, col: int, value: float | None, fmt: Any = None) -> None:
        if value is None or not math.isfinite(value):
            sheet.write_blank(row, col, None, fmt)
        else:
            sheet.write_number(row, col, float(value), fmt or self.number)

    def format_for(self, name: str) -> Any:
        """The cell format of output ``name``: by its kind in data/outputs.toml (a workbook step is a count)."""
        kind = output_kind(name)
        if kind == "money":
            return self.money_bold if name == "total" else self.money
        return {"share": self.share, "factor": self.factor, "flag": self.number}.get(kind, self.count)


def _write_inputs(w: _Writer, sheet: Worksheet) -> None:
    content, params = w.content, w.content.parameters
    w.columns(sheet, {0: 20, 1: 34, 2: 13, 3: 22, 4: 34, 5: 22, 6: 56})
    sheet.write_string(0, 0, t("report.xlsx.inputs_title"), w.title)
    w.text_cell(sheet, 1, 0, t("report.xlsx.scenario"), w.line)
    w.text_cell(sheet, 1, 1, w.content.scenario_name(), w.line)
    w.text_cell(sheet, 1, 3, t("report.xlsx.currency"), w.line)
    w.text_cell(sheet, 1, 4, params.currency, w.line)
    w.text_cell(sheet, 2, 0, t("report.xlsx.inputs_intro"), w.line)
    headers = ("key", "input", "value", "allowed", "source", "grade", "meaning")
    for col, name in enumerate(headers):
        w.header_cell(sheet, INPUT_FIRST_ROW - 2, col, t(f"report.xlsx.column.{name}"))
    for offset, (key, spec) in enumerate(PARAMETER_SPECS.items()):
        row = INPUT_FIRST_ROW - 1 + offset
        sheet.write_string(row, 0, key, w.key)
        w.text_cell(sheet, row, 1, param_label(key))
        value = params[key]
        allowed = _allowed(key)
        if spec.kind == "choice":
            sheet.write_string(row, 2, str(value), w.input)
            sheet.data_validation(row, 2, row, 2, {"validate": "list", "source": list(spec.choices)})
        else:
            # The exact value (the formulas must give what evaluate() gives), shown in its unit: 35%, €480.
            sheet.write_number(row, 2, float(value), w.parameter_format(key, float(value), entry=True))
            sheet.data_validation(
                row,
                2,
                row,
                2,
                {
                    "validate": "integer" if spec.kind == "integer" else "decimal",
                    "criteria": "between",
                    "minimum": spec.min,
                    "maximum": spec.max,
                    "error_title": param_label(key)[:32],
                    "error_message": t("report.xlsx.allowed_error", allowed=allowed)[:255],
                },
            )
        w.workbook.define_name(key, f"=Inputs!$C${row + 1}")
        w.text_cell(sheet, row, 3, allowed)
        cited, grade, _ = source_grade_note(content.assumptions.loc[key])
        w.text_cell(sheet, row, 4, cited)
        w.text_cell(sheet, row, 5, grade)
        w.text_cell(sheet, row, 6, param_description(key), w.muted)
    sheet.freeze_panes(INPUT_FIRST_ROW - 1, 0)
    w.print_setup(sheet, INPUT_FIRST_ROW - 2)


def _allowed(key: str) -> str:
    """What a parameter may hold, in the current language and in the unit the cell shows (shares in %)."""
    spec = PARAMETER_SPECS[key]
    if spec.kind == "choice":
        return t("allowed.choice", choices=", ".join(spec.choices))
    if spec.is_share:
        return allowed_range(key, spec.min * 100, spec.max * 100, "%")
    return allowed_range(key, spec.min, spec.max)


def _write_model(w: _Writer, sheet: Worksheet) -> None:
    outputs = w.content.estimate.outputs
    params = w.content.parameters
    # Two pools are steps of the formulas, not outputs of the estimator; their cached values:
    steps = {
        "resolved_complainers": outputs.complainers.item() * params.resolved_share,
        "unresolved_complainers": outputs.complainers.item() * (1 - params.resolved_share),
    }
    w.columns(sheet, {0: 28, 1: 46, 2: 18, 3: 90})
    sheet.write_string(0, 0, t("report.xlsx.model_title"), w.title)
    w.text_cell(sheet, 1, 0, t("report.xlsx.model_intro"), w.line)
    for col, name in enumerate(("key", "output", "value", "formula")):
        w.header_cell(sheet, 3, col, t(f"report.xlsx.column.{name}"))
    for offset, (name, formula) in enumerate(MODEL_FORMULAS):
        row = 4 + offset
        sheet.write_string(row, 0, name, w.key)
        w.text_cell(sheet, row, 1, _output_label(name))
        cached = steps[name] if name in steps else outputs[name].item()
        if isinstance(cached, float) and not math.isfinite(cached):
            cached = ""
        sheet.write_formula(row, 2, f"={formula}", w.format_for(name), cached)
        w.text_cell(sheet, row, 3, formula, w.formula)  # the formula as text, for a reader checking it
        w.workbook.define_name(name, f"=Model!$C${row + 1}")
    sheet.freeze_panes(4, 0)
    w.print_setup(sheet, 3)


def _write_sensitivity(w: _Writer, sheet: Worksheet) -> None:
    content = w.content
    tornado = content.tornado
    w.columns(sheet, {0: 20, 1: 40, 2: 13, 3: 13, 4: 15, 5: 15, 6: 15, 7: 60})
    sheet.write_string(0, 0, t("report.xlsx.sensitivity_title"), w.title)
    w.text_cell(sheet, 1, 0, t("report.xlsx.sensitivity_intro"), w.line)
    sheet.write_string(2, 0, t("report.xlsx.base_total"), w.line)
    w.number_cell(sheet, 2, 2, tornado.base, w.money_bold)
    columns = ("key", "input", "low", "high", "total_at_low", "total_at_high", "swing", "range_reason")
    for col, name in enumerate(columns):
        w.header_cell(sheet, 4, col, t(f"report.xlsx.column.{name}"))
    for offset, (key, row) in enumerate(tornado.to_frame().iterrows()):
        r = 5 + offset
        sheet.write_string(r, 0, key, w.key)
        w.text_cell(sheet, r, 1, param_label(key))
        w.number_cell(sheet, r, 2, _clean(row["low"]), w.parameter_format(key, row["low"]))
        w.number_cell(sheet, r, 3, _clean(row["high"]), w.parameter_format(key, row["high"]))
        w.number_cell(sheet, r, 4, row["total_at_low"], w.money)
        w.number_cell(sheet, r, 5, row["total_at_high"], w.money)
        w.number_cell(sheet, r, 6, row["swing"], w.money)
        w.text_cell(sheet, r, 7, content.ranges[key].reason, w.muted)
    row = 7 + len(tornado.to_frame())
    sheet.write_string(row, 0, t("report.xlsx.levers_title"), w.title)
    row += 1
    for col, name in enumerate(("key", "lever", "from", "to", "recovered", "recovered_bottom_up", "recovered_profit")):
        w.header_cell(sheet, row, col, t(f"report.xlsx.column.{name}"))
    note = levers_note(str(content.levers["rule"].iloc[0])) if len(content.levers) else None
    if note:  # under top-down, how the "recovered" column follows complaint handling (MODEL.md v2)
        w.text_cell(sheet, row, 7, note, w.muted)
    for key, lever in content.levers.iterrows():
        row += 1
        sheet.write_string(row, 0, key, w.key)
        w.text_cell(sheet, row, 1, t(f"lever.{key}", default=lever["lever"]))
        lever_format = w.parameter_format(key, lever["from"]) if key in PARAMETER_SPECS else w.number
        w.number_cell(sheet, row, 2, _clean(lever["from"]), lever_format)
        w.number_cell(sheet, row, 3, _clean(lever["to"]), lever_format)
        w.number_cell(sheet, row, 4, lever["recovered"], w.money)
        w.number_cell(sheet, row, 5, lever["recovered_bottom_up"], w.money)
        w.number_cell(sheet, row, 6, lever["recovered_profit"], w.money)
    row += 2
    plan = content.initiative
    sheet.write_string(row, 0, t("report.xlsx.initiative_title"), w.title)
    changes = ", ".join(
        f"{param_label(k)} → {format_parameter(k, v, content.currency, locale=content.locale)}" for k, v in plan.changes.items()
    )
    facts = (
        ("initiative_changes", changes, None),
        ("one_off_cost", plan.one_off_cost, w.money),
        ("yearly_cost", plan.yearly_cost, w.money),
        ("revenue_recovered", plan.revenue_recovered, w.money),
        ("profit_recovered", plan.profit_recovered, w.money),
        ("net_yearly_benefit", plan.net_yearly_benefit, w.money),
        ("payback_months", plan.payback_months, w.count),
        ("net_present_value", plan.net_present_value, w.money),
        ("roi", plan.roi, w.share),
    )
    for name, value, fmt in facts:
        row += 1
        w.text_cell(sheet, row, 0, t(f"report.xlsx.initiative.{name}"))
        if isinstance(value, str):
            w.text_cell(sheet, row, 2, value)
        elif value is None:
            w.text_cell(sheet, row, 2, t("report.never"))
        else:
            w.number_cell(sheet, row, 2, value, fmt)
    w.print_setup(sheet, 4)


def _write_monte_carlo(w: _Writer, sheet: Worksheet) -> None:
    mc = w.content.monte_carlo
    w.columns(sheet, {0: 34, 1: 16, 2: 16, 3: 16})
    sheet.write_string(0, 0, t("report.xlsx.monte_carlo_title"), w.title)
    w.text_cell(sheet, 1, 0, t("report.xlsx.monte_carlo_intro"), w.line)
    facts = [
        ("draws", mc.draws, w.whole),
        ("seed", mc.seed, w.number),
        ("sampling", mc.sampling, None),
        ("point_estimate", mc.point_estimate, w.money),
        ("mean", mc.mean, w.money),
        ("std_error", mc.std_error, w.money),
        *((name, value, w.money) for name, value in mc.percentiles.items()),
    ]
    for offset, (name, value, fmt) in enumerate(facts):
        row = 3 + offset
        w.text_cell(sheet, row, 0, t(f"report.xlsx.mc.{name}"))
        sheet.write_string(row, 1, name, w.key)
        if isinstance(value, str):
            w.text_cell(sheet, row, 2, value)
        else:
            w.number_cell(sheet, row, 2, value, fmt)
    row = 4 + len(facts)
    header_row = row
    for col, name in enumerate(("bin_low", "bin_high", "count", "share")):
        w.header_cell(sheet, row, col, t(f"report.xlsx.column.{name}"))
    counts = mc.histogram_counts
    total = counts.sum() or 1
    for low, high, count in zip(mc.histogram_edges[:-1], mc.histogram_edges[1:], counts, strict=True):
        row += 1
        w.number_cell(sheet, row, 0, low, w.money)
        w.number_cell(sheet, row, 1, high, w.money)
        w.number_cell(sheet, row, 2, int(count), w.whole)
        w.number_cell(sheet, row, 3, count / total, w.share)
    w.print_setup(sheet, header_row, landscape=False)


def _write_sources(w: _Writer, sheet: Worksheet) -> None:
    content = w.content
    w.columns(sheet, {0: 22, 1: 32, 2: 12, 3: 32, 4: 28, 5: 20, 6: 44, 7: 44})
    sheet.write_string(0, 0, t("report.xlsx.sources_title"), w.title)
    w.text_cell(sheet, 1, 0, t("report.xlsx.sources_intro"), w.line)
    columns = ("key", "input", "value", "source", "evidence_id", "grade", "note")
    for col, name in enumerate(columns):
        w.header_cell(sheet, 3, col, t(f"report.xlsx.column.{name}"))
    for offset, (key, row) in enumerate(content.assumptions.iterrows()):
        r = 4 + offset
        sheet.write_string(r, 0, key, w.key)
        w.text_cell(sheet, r, 1, param_label(key))
        value = row["value"]
        if isinstance(value, str):
            w.text_cell(sheet, r, 2, t(f"method.{value}") if key == "method" else value)
        else:
            w.number_cell(sheet, r, 2, value, w.parameter_format(key, float(value)))
        cited, grade, _ = source_grade_note(row)
        w.text_cell(sheet, r, 3, cited)
        w.text_cell(sheet, r, 4, row["evidence_id"], w.key)
        w.text_cell(sheet, r, 5, grade)
        w.text_cell(sheet, r, 6, row["note"], w.muted)
    # The published figures behind the sources: what each measures, where and when, with its link.
    cited = [i for i in dict.fromkeys(content.assumptions["evidence_id"]) if i and i != "assumption"]
    evidence = load_evidence()
    row = 6 + len(content.assumptions)
    sheet.write_string(row - 1, 0, t("report.xlsx.evidence_title"), w.title)
    for col, name in enumerate(("evidence_id", "source", "value", "measures", "country", "year", "url", "note")):
        w.header_cell(sheet, row, col, t(f"report.xlsx.column.{name}"))
    for evidence_id in cited:
        if evidence_id not in evidence.index:
            continue
        row += 1
        item = evidence.loc[evidence_id]
        sheet.write_string(row, 0, evidence_id, w.key)
        w.text_cell(sheet, row, 1, item["source"])
        number = float(item["value"]) if item["value"] == item["value"] else None
        w.number_cell(sheet, row, 2, number, w.evidence_format(number, item["unit"]))
        w.text_cell(sheet, row, 3, item["measures"])
        w.text_cell(sheet, row, 4, item["country"])
        w.text_cell(sheet, row, 5, "" if item["year"] is None or str(item["year"]) == "<NA>" else str(item["year"]))
        w.text_cell(sheet, row, 6, item["url"])
        w.text_cell(sheet, row, 7, item["note"], w.muted)
    w.print_setup(sheet, 3)


def _write_notes(w: _Writer, sheet: Worksheet) -> None:
    """The scenario's notes and warnings, on the Inputs sheet below the parameters."""
    row = INPUT_FIRST_ROW + len(PARAMETER_SPECS) + 1
    if w.content.notes:
        w.header_cell(sheet, row, 0, t("report.notes"))
        w.text_cell(sheet, row, 1, w.content.notes)
        row += 2
    if w.content.method_sentence:  # MODEL.md v3: how the client's data was used, in one sentence
        sheet.write_string(row, 0, t("report.method.title"), w.header)
        w.text_cell(sheet, row, 1, w.content.method_sentence)
        row += 2
    warnings = w.content.estimate.warnings
    if warnings:
        w.header_cell(sheet, row, 0, t("report.warnings_title"))
        for text in warning_texts(w.content):
            w.text_cell(sheet, row, 1, text)
            row += 1


def xlsx_bytes(content: ReportContent) -> bytes:
    """The workbook of ``content`` as bytes (for a download button).

    Parameters
    ----------
    content : ReportContent

    Returns
    -------
    bytes
        An .xlsx file: sheets Inputs, Model, Sensitivity, Monte Carlo and Sources.
    """
    buffer = io.BytesIO()
    with language_scope(content.language):
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
        workbook.set_properties({"title": t("report.title"), "comments": t("report.xlsx.properties_comment")})
        # Excel recomputes on opening; the cached values written are the estimator's own.
        workbook.set_calc_mode("auto")
        writer = _Writer(workbook, content)
        sheets = {name: workbook.add_worksheet(name) for name in ("Inputs", "Model", "Sensitivity", "Monte Carlo", "Sources")}
        _write_inputs(writer, sheets["Inputs"])
        _write_notes(writer, sheets["Inputs"])
        _write_model(writer, sheets["Model"])
        _write_sensitivity(writer, sheets["Sensitivity"])
        _write_monte_carlo(writer, sheets["Monte Carlo"])
        _write_sources(writer, sheets["Sources"])
        for sheet in sheets.values():
            writer.fit_rows(sheet)
        workbook.close()
    return buffer.getvalue()
