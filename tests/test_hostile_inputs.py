"""The hostile-input corpus (``tests/hostile/``) through every input path it applies to.

``values.toml`` holds hostile text (Markdown links and images, a backtick that closes a code
span, ANSI escapes, zero-width and direction-override characters, U+0085, U+2028, formulas,
400 digits); ``links.toml`` hostile links; the other files are scenario, workspace and
calibration files. Every value is tried as a name, an author, a note and a ``--set`` value on
the command line; every file through ``--params``, the app's upload and the workspace import;
every link as the app reads it. Whatever the input, the answer is the result or one clear
message: never a traceback, never a control character on the terminal, never a link or an
image in the app's Markdown, never a formula in a table's CSV. A new input path is added here
and is tried against all of them. (Files, databases and credentials: ``test_hostile_sources.py``.)
"""

from __future__ import annotations

import errno
import html
import os
import re
import sqlite3
import subprocess
import sys
import tomllib
import unicodedata
from pathlib import Path

import mistune
import pytest
from streamlit.testing.v1 import AppTest

from estimator import InputError, Parameters
from estimator.cli import main
from estimator.links import scenario_from_query
from estimator.paths import DATABASE_ENV
from estimator.reports.safety import FORMULA_TRIGGERS, safe_filename
from estimator.store import ScenarioStore, read_scenario_bytes, read_workspace_bytes
from ui.main import TABS_KEY
from ui.messages import link_problem_markdown
from ui.safe_text import code, plain, safe_table, seen

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = Path(__file__).parent / "hostile"
APP = ROOT / "app.py"
VALUES: dict[str, str] = tomllib.loads((HOSTILE / "values.toml").read_text(encoding="utf-8"))["values"]
LINKS: list[dict] = tomllib.loads((HOSTILE / "links.toml").read_text(encoding="utf-8"))["link"]
SCENARIO_FILES = sorted(p for p in HOSTILE.glob("*") if p.suffix in (".json", ".toml") and p.stem not in ("values", "links"))
WORKSPACE_FILES = [p for p in SCENARIO_FILES if p.name.startswith("workspace_")]
SCENARIO_FILES = [p for p in SCENARIO_FILES if not p.name.startswith("workspace_")]

#: Values that may not be a name (control or format characters, too long): refused with exit 2.
NOT_NAMES = {
    "newline_heading",
    "ansi_escape",
    "zero_width",
    "rtl_override",
    "next_line",
    "line_separator",
    "digits_400",
    "long_text",
}
#: What ``estimate --params FILE`` answers for each file: 0 (used) or 2 (refused with one line).
FILE_EXIT = {
    "ansi_notes.json": 0,  # estimate does not print notes
    "deep_nesting.json": 2,
    "deep_nesting.toml": 2,
    "formula_name.json": 0,
    "huge_notes.json": 0,
    "integer_400_digits.json": 2,
    "integer_400_digits.toml": 2,
    "integer_5000_digits.json": 2,
    "line_separator_name.json": 2,
    "markdown_name.toml": 0,
    "nan_value.json": 2,
    "next_line_name.json": 2,
    "not_utf8.toml": 2,
    "provenance_list.json": 2,
    "provenance_number.toml": 2,
    "rtl_override_name.toml": 2,
    "zero_width_name.json": 2,
}
#: Files the app's upload (and the library) refuses beyond those: notes too long or with control characters.
UPLOAD_REFUSED = {name for name, code_ in FILE_EXIT.items() if code_ == 2} | {"ansi_notes.json", "huge_notes.json"}

_MARKDOWN = mistune.create_markdown(escape=True)  # raw HTML escaped, as Streamlit does without unsafe_allow_html
# remark-gfm's autolink literals: a scheme or www. then a domain; an e-mail address.
_AUTOLINK_LITERAL = re.compile(r"(?i)(?:https?://|www\.)[-\w]+\.[-.\w]+|[-.+\w]+@[-\w]+(?:\.[-\w]+)+")


def terminal_unsafe(text: str) -> list[str]:
    """Characters a terminal would act on or hide: controls (but line breaks, tabs) and format characters."""
    return sorted({c for c in text if c not in "\n\t" and unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs")})


def markup_from(markdown: str) -> list[str]:
    """The links and images that ``markdown`` renders to (an independent CommonMark renderer), and the
    bare addresses GitHub-flavoured Markdown (Streamlit's) would turn into links in its text."""
    rendered = _MARKDOWN(markdown)
    text = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<code>.*?</code>", " ", rendered, flags=re.S)))
    return re.findall(r"<(?:a|img)\b[^>]*>", rendered) + _AUTOLINK_LITERAL.findall(text)


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def library_path(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "library.sqlite3"
    monkeypatch.setenv(DATABASE_ENV, str(path))
    return path


# --- the corpus itself --------------------------------------------------------------------------


def test_every_scenario_file_has_an_expected_answer():
    assert {p.name for p in SCENARIO_FILES} == set(FILE_EXIT)
    assert len(VALUES) >= 15 and len(LINKS) >= 15


# --- command line: every value as every text argument ----------------------------------------------


@pytest.mark.parametrize("value_id", sorted(VALUES))
def test_a_value_as_a_scenario_name_on_the_command_line(capsys, library_path, value_id):
    value = VALUES[value_id]
    status, out, err = run_cli(capsys, "estimate", "--set", f"name={value}")
    assert status == (2 if value_id in NOT_NAMES else 0), err
    assert not terminal_unsafe(out + err)
    status, out, err = run_cli(capsys, "scenarios", "save", value)
    assert status == (2 if value_id in NOT_NAMES else 0), err
    assert not terminal_unsafe(out + err)
    if status == 2:
        assert err.startswith("error: name: ") and "allowed:" in err and len(err.splitlines()) == 1
    else:
        assert ScenarioStore(library_path).load(value).name == value
        status, out, err = run_cli(capsys, "scenarios", "show", value)
        assert status == 0 and not terminal_unsafe(out + err)


@pytest.mark.parametrize("value_id", sorted(VALUES))
def test_a_value_as_author_notes_and_version_note(capsys, library_path, value_id):
    value = VALUES[value_id]
    status, out, err = run_cli(capsys, "scenarios", "save", "Base", "--author", value[:100])
    assert status == (2 if value_id in NOT_NAMES - {"digits_400", "long_text"} else 0), err
    assert not terminal_unsafe(out + err)
    multiline_ok = value_id not in {"ansi_escape", "zero_width", "rtl_override", "next_line", "line_separator"}
    status, out, err = run_cli(capsys, "scenarios", "save", "Notes", "--notes", value, "-m", value, "--force")
    assert status == (0 if multiline_ok else 2), err
    assert not terminal_unsafe(out + err)
    for action in (["list"], ["show", "Notes"], ["versions", "Notes"]):
        status, out, err = run_cli(capsys, "scenarios", *action)
        assert not terminal_unsafe(out + err), action


def test_notes_are_bounded(capsys, library_path):
    status, _, err = run_cli(capsys, "scenarios", "save", "Big", "--notes", "x" * 10_001)
    assert status == 2 and "notes: 10,001 characters long; allowed: up to 10,000 characters" in err
    assert run_cli(capsys, "scenarios", "save", "Big", "--notes", "x" * 10_000)[0] == 0


def test_an_older_librarys_control_characters_are_escaped_on_the_terminal(capsys, library_path):
    """Rows saved before the checks (or written by another program) cannot reach the terminal raw."""
    assert run_cli(capsys, "scenarios", "save", "Old", "--notes", "fine")[0] == 0
    with sqlite3.connect(library_path) as connection:
        connection.execute("UPDATE scenarios SET notes = ?, author = ?", ("a\x1b[31mred\x1b]0;owned\x07", "ev\u202eil"))
    for action in (["list"], ["show", "Old"]):
        status, out, err = run_cli(capsys, "scenarios", *action)
        assert status == 0 and not terminal_unsafe(out + err), out
    assert "\\x1b[31mred" in out and "ev\\u202eil" in out


def test_bytes_that_are_not_utf8_in_arguments_give_one_line(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), DATABASE_ENV: str(tmp_path / "lib.sqlite3")}
    for argv in ([b"estimate", b"--set", b"name=\xff\xfe"], [b"scenarios", b"save", b"Caf\xe9"]):
        done = subprocess.run([sys.executable.encode(), b"-m", b"estimator", *argv], capture_output=True, env=env, timeout=120)
        assert done.returncode == 2, done.stderr
        assert b"Traceback" not in done.stderr and b"is not UTF-8 text" in done.stderr


# --- command line: bounds --------------------------------------------------------------------------

BOUNDS = [
    (["--kind", "heatmap", "--x", "churn_rate", "--y", "service_share", "--points", "100000"], "points: 100000", "2 to 201"),
    (["--kind", "heatmap", "--x", "churn_rate", "--y", "service_share", "--points", "1"], "points: 1", "2 to 201"),
    (["--kind", "sobol", "--n", str(2**24)], "n: 16777216", "up to 16,384"),
    (["--kind", "montecarlo", "--threshold", "nan", "--format", "json"], "threshold: nan", "a finite number"),
    (["--kind", "montecarlo", "--threshold", "inf"], "threshold: inf", "a finite number"),
    (["--kind", "tornado", "--top", "-3"], "top: -3", "at least 1"),
    (["--kind", "tornado", "--top", "0"], "top: 0", "at least 1"),
]


@pytest.mark.parametrize(("argv", "named", "limit"), BOUNDS)
def test_analysis_sizes_are_bounded_with_the_limit_in_help(capsys, argv, named, limit):
    status, out, err = run_cli(capsys, "sensitivity", *argv)
    assert status == 2 and not out
    assert err.startswith(f"error: {named} ") and "allowed:" in err
    with pytest.raises(SystemExit):
        main(["sensitivity", "--help"])
    assert limit in " ".join(capsys.readouterr().out.split())


def test_the_largest_allowed_sizes_run(capsys):
    status, out, _ = run_cli(
        capsys, "sensitivity", "--kind", "heatmap", "--x", "churn_rate", "--y", "service_share", "--points", "201"
    )
    assert status == 0 and len(out.splitlines()) == 201 + 2  # the header, the index name, 201 rows
    status, out, _ = run_cli(capsys, "sensitivity", "--kind", "tornado", "--top", "1")
    assert status == 0 and len(out.splitlines()) == 4  # base line, two header lines, one row


# --- scenario and workspace files: the command line, the app's upload, the import ------------------


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.name)
def test_a_scenario_file_through_params(capsys, path):
    status, out, err = run_cli(capsys, "estimate", "--params", str(path))
    assert status == FILE_EXIT[path.name], err
    assert not terminal_unsafe(out + err)
    if status == 2:
        assert len(err.splitlines()) == 1 and len(err) < 600, err


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.name)
def test_a_scenario_file_through_the_apps_upload(path):
    if path.name in UPLOAD_REFUSED:
        with pytest.raises(InputError) as caught:
            read_scenario_bytes(path.read_bytes(), path.name)
        assert len(str(caught.value)) < 600 and "/tmp" not in str(caught.value)
    else:
        assert read_scenario_bytes(path.read_bytes(), path.name).parameters.churn_rate == 0.2


@pytest.mark.parametrize("value_id", sorted(VALUES))
def test_an_uploaded_files_name_becomes_a_usable_scenario_name(value_id):
    """Without a name inside, the upload is named after its file: whatever the file is called."""
    draft = read_scenario_bytes(b"churn_rate = 0.2\n", f"{VALUES[value_id][:60]}.toml")
    assert draft.name and not terminal_unsafe(draft.name) and len(draft.name) <= 100


@pytest.mark.parametrize("path", WORKSPACE_FILES, ids=lambda p: p.name)
def test_a_workspace_file_is_refused_with_one_message(capsys, library_path, path):
    with pytest.raises(InputError) as caught:
        read_workspace_bytes(path.read_bytes(), path.name)
    assert "\n" not in str(caught.value) and not terminal_unsafe(str(caught.value))
    status, out, err = run_cli(capsys, "scenarios", "import-workspace", str(path))
    assert status == 2 and not terminal_unsafe(out + err), err


# --- links -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("link", LINKS, ids=lambda link: link["id"])
def test_a_link_gives_a_scenario_and_notices_that_render_no_markup(link):
    scenario = scenario_from_query(link["query"])
    assert isinstance(scenario.parameters, Parameters)
    for problem in scenario.problems:
        text = link_problem_markdown(problem)
        assert not markup_from(text), text
        assert len(text) < 700  # a 400-digit or 5,000-character value is cut
    assert not markup_from(plain(scenario.parameters.name))
    # Names from a link follow the library's rules: no control or format character gets in.
    assert not terminal_unsafe(scenario.parameters.name)


def test_the_escaping_helpers_leave_no_markup_for_any_value():
    for value in VALUES.values():
        assert not markup_from(plain(value)), value
        assert not markup_from(f"`{code(value)}`"), value
        assert not markup_from(f"- `k={code(value)}`: reason\n- next"), value


def test_the_notebook_apps_html_holds_no_markup_from_any_value():
    from estimator.notebook import _markdown_html

    for value in VALUES.values():
        shown = _markdown_html(f"**label**: {value}")
        assert not re.findall(r"<(?:a|img)\b", shown), shown


def _rendered_text(app: AppTest) -> list[str]:
    """Every text the page renders as Markdown: titles, captions, notices, Markdown blocks and table cells."""
    texts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "warning", "error", "info", "success"):
        texts += [str(element.value) for element in getattr(app, kind)]
    for table in app.table:
        texts += [str(cell) for cell in table.value.to_numpy().ravel()]
    return texts


def _open(query: dict[str, str], tab: str | None = None) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=120)
    if tab:
        app.session_state[TABS_KEY] = tab
    app.query_params.update(query)
    return app.run()


HOSTILE_QUERY = {
    "name": VALUES["markdown_link"] + " " + VALUES["markdown_image"],
    "churn_rate": VALUES["backtick_break"],
    "service_share": VALUES["newline_heading"],
    "x`![](https://evil.example/key.png)`": "1",
    "currency": VALUES["html_image"],
}


@pytest.mark.parametrize("view", ["edit", "present"])
def test_the_app_opened_on_a_hostile_link_renders_no_link_or_image_from_it(view):
    app = _open({**HOSTILE_QUERY, "view": view})
    assert not app.exception, [e.value for e in app.exception]
    rendered = _rendered_text(app)
    assert any("evil.example" in seen(text) for text in rendered)  # the values are shown...
    assert not [m for text in rendered for m in markup_from(text) if "evil.example" in m]  # ...as text


def test_a_link_with_400_digits_gives_a_notice_and_the_session_stays_usable():
    app = _open({"customers": VALUES["digits_400"]})
    assert not app.exception, [e.value for e in app.exception]
    notices = " ".join(w.value for w in app.warning)
    assert "customers=999" in notices and "…" in notices and "/work" not in notices
    app.run()  # the next run (any interaction) works as well
    assert not app.exception


# --- calibration through the app: segment names, reasons, example rows -----------------------------


def _upload(path: Path) -> AppTest:
    from estimator.text.i18n import t

    app = _open({}, tab=t("tabs.calibration"))
    app.file_uploader[0].set_value((path.name, path.read_bytes(), "text/csv")).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_a_calibration_files_segments_and_reasons_render_no_markup_and_no_formula():
    app = _upload(HOSTILE / "calibration_markdown.csv")
    rendered = _rendered_text(app)
    assert any("evil.example" in seen(text) for text in rendered)  # the segment names are in the notes...
    assert not [m for text in rendered for m in markup_from(text) if "evil.example" in m]  # ...as text
    frames = [frame.value for frame in app.dataframe]
    assert frames
    for frame in frames:
        cells = [*map(str, frame.columns), *map(str, frame.index), *(v for v in frame.to_numpy().ravel() if isinstance(v, str))]
        assert not [cell for cell in cells if (cell.startswith(FORMULA_TRIGGERS) and "evil" in cell) or cell.startswith("@SUM")]


def test_a_calibration_error_quoting_a_row_renders_no_markup():
    app = _upload(HOSTILE / "calibration_bad_value.csv")
    errors = [e.value for e in app.error]
    assert any("evil.example" in seen(text) for text in errors)
    assert not [m for text in errors for m in markup_from(text)]


# --- tables: what "Download as CSV" writes ------------------------------------------------------------


def test_tables_neutralise_formulas_but_keep_figures():
    import pandas as pd

    frame = pd.DataFrame(
        {"name": [VALUES["formula"], VALUES["at_formula"], "\tx", "-1,234 €", "-5.0 %", "-1+1", "Plan"], "n": range(7)},
        index=pd.Index(["=A1", "b", "c", "d", "e", "f", "g"]),
    )
    frame.columns = ["=cmd|' /C calc'!A0", "n"]
    safe = safe_table(frame)
    first = safe.iloc[:, 0].tolist()
    assert first[:3] == ["'" + VALUES["formula"], "'" + VALUES["at_formula"], "'\tx"]
    assert first[3:5] == ["-1,234 €", "-5.0 %"]  # figures stay figures
    assert first[5:] == ["'-1+1", "Plan"]
    assert list(safe.columns) == ["'=cmd|' /C calc'!A0", "n"] and safe.index[0] == "'=A1"
    assert safe["n"].tolist() == list(range(7))


def test_the_scenarios_tables_neutralise_a_formula_name(library_path):
    from estimator.text.i18n import t
    from ui.scenarios import AUTHOR

    ScenarioStore(library_path).save(VALUES["formula"], Parameters(), notes=VALUES["at_formula"], author="@evil")
    app = AppTest.from_file(str(APP), default_timeout=120)
    app.session_state[TABS_KEY] = t("tabs.scenarios")
    app.session_state[AUTHOR] = "Tester"
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    cells = [v for frame in app.dataframe for v in frame.value.to_numpy().ravel() if isinstance(v, str)]
    assert "'" + VALUES["formula"] in cells and "'@evil" in cells
    assert not [cell for cell in cells if cell.startswith(FORMULA_TRIGGERS)]


# --- file names and writing files -------------------------------------------------------------------


@pytest.mark.parametrize("value_id", sorted(VALUES))
def test_file_names_from_any_value_are_plain(value_id):
    # Reports and scenario downloads take the one rule (reports.safety.safe_filename).
    name = safe_filename(VALUES[value_id], "json")
    assert not terminal_unsafe(name) and "/" not in name and ".." not in name
    assert name.split(".")[0].upper() not in ("CON", "NUL", "PRN", "AUX")


def test_reserved_and_direction_override_file_names():
    assert safe_filename("CON", "json") == "CON_.json"
    assert safe_filename("invoice\u202efdp.exe", "html") == "invoice_fdp.exe.html"


def test_a_failed_write_keeps_the_previous_file(capsys, tmp_path, monkeypatch):
    """A full disk during report/export: the previous good file stays, no truncated or temporary file."""
    out, export, library = tmp_path / "deck.html", tmp_path / "s.json", str(tmp_path / "l.sqlite3")
    assert run_cli(capsys, "report", "--out", str(out))[0] == 0
    assert run_cli(capsys, "scenarios", "--db", library, "save", "S")[0] == 0
    assert run_cli(capsys, "scenarios", "--db", library, "export", "S", "--out", str(export))[0] == 0
    good, exported = out.read_bytes(), export.read_bytes()

    def full_disk(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    status, _, err = run_cli(capsys, "report", "--out", str(out), "--set", "churn_rate=0.3")
    assert status == 2 and "--out:" in err and "No space left on device" in err
    assert out.read_bytes() == good
    # The other files the command line writes go through the same helper.
    status, _, err = run_cli(capsys, "scenarios", "--db", library, "export", "S", "--out", str(export))
    assert status == 2 and "No space left on device" in err and export.read_bytes() == exported
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.html", "l.sqlite3", "s.json"]


@pytest.mark.parametrize("module", ["ui.safe_text", "estimator.text.user_text", "estimator.reports.safety"])
def test_doctests_of_the_escaping_helpers(module):
    import doctest
    import importlib

    failures, tried = doctest.testmod(importlib.import_module(module))
    assert failures == 0 and tried > 0


#: Placeholders that carry outside text (names, notes, file names, values as typed or given).
OUTSIDE_PLACEHOLDERS = {"name", "new_name", "author", "workspace", "path", "source", "reference", "detail", "value", "notes"}
#: Where such a placeholder is filled with text that is not Markdown's or is ours, and why.
NOT_MARKDOWN = {
    ("calibration.py", "name=SAMPLE_FILE.name"),  # our own sample file
    ("calibration.py", "source=shown_source"),  # built with plain(name) beside the raw source
    ("calibration.py", "value=_shown('churn_rate', item.value, ctx)"),  # a figure
    ("calibration.py", "value=_shown('churn_rate', churn['value'], ctx)"),  # a figure (churn by complaint count)
    ("calibration.py", "name=name"),  # the raw provenance text (plain text in tables and decks)
    ("overview.py", "source=source"),  # the catalogue's own word for whose figure it is (input_source.*)
    ("provenance.py", "source=description"),  # escaped above when markdown=True
    ("provenance.py", "value=value_text(key, value, ctx)"),  # a figure
    ("published.py", "value=format_parameter(key, item['value'], currency, locale=locale)"),  # a figure
    ("scenarios.py", "name=conflict.value"),  # the default of a text box, not Markdown
    ("scenarios.py", "author=_author()"),  # the default of a text box, not Markdown
    ("scenarios.py", "author=theirs.author or t('store.someone')"),  # a table's column label (safe_table)
}


def test_every_outside_value_in_the_apps_catalogue_text_is_escaped():
    """An AST check of ui/: a catalogue text (Markdown) filled with outside text gets it through plain() or code()."""
    import ast

    offenders = []
    for path in sorted((ROOT / "ui").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t"):
                continue
            for keyword in node.keywords:
                value = keyword.value
                escaped_ = isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in ("plain", "code")
                shown = f"{keyword.arg}={ast.unparse(value)}"
                if keyword.arg in OUTSIDE_PLACEHOLDERS and not escaped_ and not isinstance(value, ast.Constant):
                    offenders += [] if (path.name, shown) in NOT_MARKDOWN else [f"{path.name}:{node.lineno}: {shown}"]
    assert not offenders


@pytest.mark.slow  # two real reports in child processes, about 15 s
def test_a_file_size_limit_mid_write_keeps_the_previous_report(tmp_path):
    """A write that fails half-way (the file-size limit, as a full disk would): the previous report stays whole."""
    out = tmp_path / "deck.html"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "estimator", "report", "--out", str(out)]
    assert subprocess.run(command, env=env, capture_output=True, timeout=300).returncode == 0
    good = out.read_bytes()
    assert len(good) > 200_000

    def limited() -> None:  # in the child: writes past 100 kB fail with EFBIG instead of killing it
        import resource
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))

    done = subprocess.run([*command, "--set", "churn_rate=0.3"], env=env, capture_output=True, timeout=300, preexec_fn=limited)
    assert done.returncode == 2 and b"--out:" in done.stderr and b"Traceback" not in done.stderr, done.stderr
    assert out.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == ["deck.html"]


@pytest.mark.parametrize("value_id", sorted(VALUES))
def test_a_value_as_a_members_email_on_the_command_line(capsys, library_path, value_id):
    """Team mode's ``scenarios members add``: a hostile email is refused in one line or kept harmlessly."""
    value = VALUES[value_id]
    status, out, err = run_cli(capsys, "scenarios", "--workspace", "A", "members", "add", value, "--role", "viewer")
    assert status in (0, 2) and not terminal_unsafe(out + err)
    if status == 2:
        assert err.startswith("error: email: ") and "allowed:" in err and len(err.splitlines()) == 1
    status, out, err = run_cli(capsys, "scenarios", "--workspace", "A", "members", "list")
    assert status == 0 and not terminal_unsafe(out + err) and not markup_from(out.replace("@", " at "))
