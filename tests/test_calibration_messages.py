"""Calibration errors and warnings in every language: each message the module can raise or emit has a
catalogue entry everywhere, with the same placeholders; the CLI and the Python API stay in English."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

import estimator.calibration as calibration
from estimator.calibration import ERROR_MESSAGES, ROW_MESSAGES, WARNING_MESSAGES, CalibrationError, calibrate, calibration_text
from estimator.cli import main
from estimator.text.formatting import format_share
from estimator.text.i18n import LANGUAGES, catalogue, language_scope

#: Every module of the calibration package (messages are raised and emitted all over it).
SOURCES = sorted(Path(calibration.__file__).parent.rglob("*.py"))
KINDS = {"error": ERROR_MESSAGES, "warning": WARNING_MESSAGES}
ALL_MESSAGES = [(kind, message_id) for kind, registry in KINDS.items() for message_id in registry]


def _lookup(language: str, key: str) -> str | None:
    node = catalogue(language)
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node if isinstance(node, str) else None


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _ids_used_in_the_module() -> tuple[set[str], set[str]]:
    """Message ids passed as literals to CalibrationError(...), _fail(reading, ...) and CalibrationWarning.of(...),
    and the f-string prefixes (``f"separation_segment_{who}"``), found in the module's syntax tree."""
    literal: set[str] = set()
    prefixes: set[str] = set()
    trees = [ast.parse(source.read_text(encoding="utf-8")) for source in SOURCES]
    for node in (node for tree in trees for node in ast.walk(tree)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        position = {"CalibrationError": 0, "of": 0, "_fail": 1}.get(name)
        if position is None or len(node.args) <= position:
            continue
        argument = node.args[position]
        candidates = [argument]
        if isinstance(argument, ast.IfExp):  # "a" if condition else "b"
            candidates = [argument.body, argument.orelse]
        for candidate in candidates:
            if isinstance(candidate, ast.Constant) and isinstance(candidate.value, str):
                literal.add(candidate.value)
            elif isinstance(candidate, ast.JoinedStr) and isinstance(candidate.values[0], ast.Constant):
                prefixes.add(candidate.values[0].value)
    return literal, prefixes


def _source_without_registries() -> str:
    """The package's text without the registries themselves (so an id is not "used" by being registered)."""
    texts = []
    for source in SOURCES:
        lines = source.read_text(encoding="utf-8").splitlines()
        for node in ast.parse("\n".join(lines)).body:
            targets = [node.target] if isinstance(node, ast.AnnAssign) else getattr(node, "targets", [])
            if any(isinstance(t, ast.Name) and t.id in ("ERROR_MESSAGES", "WARNING_MESSAGES", "ROW_MESSAGES") for t in targets):
                lines[node.lineno - 1 : node.end_lineno] = [""] * (node.end_lineno - node.lineno + 1)
        texts.append("\n".join(lines))
    return "\n".join(texts)


def test_every_id_the_module_raises_or_emits_is_registered():
    literal, prefixes = _ids_used_in_the_module()
    assert literal, "no message ids found: has the module's way of raising changed?"
    registered = set(ERROR_MESSAGES) | set(WARNING_MESSAGES)
    assert literal <= registered, sorted(literal - registered)
    # Ids chosen at run time (a dict of value states, an f-string) are registered too; no registered id is unused.
    text = _source_without_registries()
    for message_id in registered:
        used = message_id in literal or any(message_id.startswith(p) for p in prefixes) or f'"{message_id}"' in text
        assert used, f"{message_id} is registered but never raised or emitted"
    assert set(ERROR_MESSAGES) >= ROW_MESSAGES


@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize(("kind", "message_id"), ALL_MESSAGES)
def test_every_message_has_a_text_in_every_language_with_the_same_placeholders(language, kind, message_id):
    english = _lookup("en", f"calibration.{kind}.{message_id}")
    assert english is not None, f"no English text for calibration.{kind}.{message_id}"
    text = _lookup(language, f"calibration.{kind}.{message_id}")
    assert text is not None, f"{language}: no text for calibration.{kind}.{message_id}"
    assert _placeholders(text) == _placeholders(english)
    if language != "en":
        assert text != english


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_row_counts_appended_to_row_errors_exist_in_every_language(language):
    for form in ("one", "other"):
        text = _lookup(language, f"calibration.error_rows.{form}")
        assert text is not None and _placeholders(text) == {"count", "row", "example"}


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
@pytest.mark.parametrize(("kind", "message_id"), ALL_MESSAGES)
def test_every_message_renders_in_every_language(language, kind, message_id):
    english = _lookup("en", f"calibration.{kind}.{message_id}")
    values = {name: f"<{name}>" for name in _placeholders(english)}
    if kind == "error" and message_id in ROW_MESSAGES:
        values.update(count=3, row=7, example="<example>")
    shown = calibration_text(kind, message_id, values, language)
    assert "{" not in shown and "calibration." not in shown
    assert all(f"<{name}>" in shown for name in _placeholders(english))
    assert shown != calibration_text(kind, message_id, values)


def test_an_unregistered_message_is_refused():
    with pytest.raises(KeyError):
        CalibrationError("no_such_message")


BAD = "customer_id,churned,complained\n1,yes,maybe\n2,no,no\n3,no,perhaps\n"


def test_the_api_and_the_cli_keep_english_whatever_the_language_in_use(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(BAD, encoding="utf-8")
    with language_scope("pl"), pytest.raises(CalibrationError) as caught:
        calibrate(path)
    error = caught.value
    english = (
        "complained: not a yes/no value (allowed: 1/0, yes/no words such as "
        f"{error.values['allowed']}) in 2 rows; e.g. row 1: customer_id='1', churned='yes', complained='maybe'. "
        "Column 'complained'. Either leave those rows out with --drop-invalid, or leave the column out with "
        '--map "complained=ignore".'
    )
    assert str(error) == english == error.text()
    polish = error.text("pl")
    assert polish.startswith("complained: to nie jest wartość tak/nie") and "w 2 wierszach; np. wiersz 1:" in polish
    with language_scope("el"):
        assert main(["calibrate", str(path)]) == 2
    assert capsys.readouterr().err == f"error: {english}\n"


def test_numbers_in_messages_are_written_as_the_language_writes_them(tmp_path):
    path = tmp_path / "small.csv"
    path.write_text("customer_id,churned,complained\nA,1,0\nB,0,1\nC,0,0\nD,1,1\n", encoding="utf-8")
    result = calibrate(path)
    warning = next(w for w in result.warnings if w.code == "wide_interval" and w.values["parameter"] == "churn_rate")
    low, high = warning.values["low"], warning.values["high"]
    assert f"from {low:.1%} to {high:.1%}" in warning.message  # English, as before
    polish = warning.text("pl")
    assert f"od {format_share(low, locale='pl_PL')} do {format_share(high, locale='pl_PL')}" in polish
    assert re.search(r"\d,\d%", polish), polish  # a decimal comma
    # Counts over a thousand are grouped the language's way.
    many = calibration.CalibrationWarning.of("reasons_missing", count=12345)
    assert many.message.startswith("12,345 churned customers")
    assert "12\xa0345" in many.text("pl") or "12 345" in many.text("pl")
