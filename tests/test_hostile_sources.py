"""Hostile sources (issue 21, part A): workbooks with a far cell, queries that are more than one SELECT,
credentials in URLs and their every output, library URLs of unknown schemes. Files are made in tmp_path.

Calibration of a hostile file runs in a child process capped at 2 GB of address space, whose peak resident
memory (VmHWM) is measured: before the fix the ``BXZ100000`` workbook took 5.1 GB and ``XFD1048576`` was
OOM-killed at 23.9 GB.
"""

from __future__ import annotations

import datetime
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import openpyxl
import pandas as pd
import pytest

from estimator.calibration import CalibrationError, calibrate

ROOT = Path(__file__).resolve().parent.parent
#: The child's address space (a runaway allocation fails there instead of taking the machine).
ADDRESS_SPACE_LIMIT = 2 * 2**30
PEAK_LIMIT_MB = 400

CHILD = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]), int(sys.argv[2])))
from estimator.calibration import CalibrationError, calibrate
try:
    outcome = {"rows": calibrate(sys.argv[1]).rows}
except CalibrationError as error:
    outcome = {"message_id": error.message_id, "message": str(error)}
except MemoryError:
    outcome = {"message_id": "MemoryError"}
with open("/proc/self/status") as status:
    peak = next(line for line in status if line.startswith("VmHWM:"))
outcome["peak_mb"] = int(peak.split()[1]) / 1024
print(json.dumps(outcome))
"""


def calibrate_in_child(path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(ADDRESS_SPACE_LIMIT)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"{path.name}: peak {outcome['peak_mb']:.0f} MB")  # shown with pytest -s
    return outcome


def workbook_with_a_far_cell(path: Path, cell: str) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["customer_id", "churned"], ["A", 1], ["B", 0], ["C", 0]):
        sheet.append(row)
    sheet[cell] = "x"
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("cell", "dimension", "cells"),
    [
        ("XFD1048576", "A1:XFD1048576", "17,179,869,184"),  # 16,384 columns: refused at the far row itself
        ("BXZ100000", "A1:BXZ100000", "200,200,000"),  # 2,002 columns
        ("BXX1048576", "A1:BXX1048576", "2,097,152,000"),  # 2,000 columns (allowed) but a million rows
    ],
)
def test_a_workbook_with_one_far_cell_is_refused_naming_its_dimension_in_bounded_memory(tmp_path, cell, dimension, cells):
    path = workbook_with_a_far_cell(tmp_path / f"far_{cell}.xlsx", cell)
    assert path.stat().st_size < 10_000
    outcome = calibrate_in_child(path)
    assert outcome["message_id"] == "xlsx_too_many_cells", outcome
    assert outcome["message"].startswith(f"the workbook's first sheet spans {dimension} ({cells} cells), more than ")
    assert outcome["peak_mb"] < PEAK_LIMIT_MB, outcome


def test_a_far_cell_within_the_bound_reads_the_table_padded_as_pandas_does(tmp_path):
    from estimator.calibration.formats.xlsx import _read_xlsx

    path = workbook_with_a_far_cell(tmp_path / "near.xlsx", "D10")  # 10 × 4 cells: blank rows and columns kept
    read = _read_xlsx(path)
    expected = pd.read_excel(path, sheet_name=0, dtype=str, engine="openpyxl", keep_default_na=False)
    pd.testing.assert_frame_equal(read, expected)
    assert read.shape == (9, 4) and read.iloc[8, 3] == "x"


def test_the_streamed_sheet_is_the_frame_pandas_read_before(tmp_path):
    # An independent reading: pandas' own read_excel of the same small workbook (types, blanks, errors, header).
    from estimator.calibration.formats.xlsx import _read_xlsx

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["customer_id", "churned", None, 2024, "value", "when"])
    sheet.append(["A", 1, None, 1.5, 3.0, datetime.datetime(2024, 1, 5)])
    sheet.append([])
    sheet.append(["B", True, "x", None, 0.1, datetime.date(2024, 2, 3)])
    sheet.append(["C", "#DIV/0!", None, None, 1e20])
    sheet["B5"].data_type = "e"
    sheet.append(["D", " yes "])
    sheet.append([])
    path = tmp_path / "typed.xlsx"
    book.save(path)
    expected = pd.read_excel(path, sheet_name=0, dtype=str, engine="openpyxl", keep_default_na=False)
    expected.columns = [str(c).strip() for c in expected.columns]
    read = _read_xlsx(path)
    pd.testing.assert_frame_equal(read, expected)
    assert list(read.columns) == ["customer_id", "churned", "Unnamed: 2", "2024", "value", "when"]
    assert len(read) == 5  # the blank row in the middle kept, the trailing one dropped


def test_a_workbook_without_cells_is_an_empty_sheet(tmp_path):
    path = tmp_path / "blank.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(CalibrationError) as raised:
        calibrate(path)
    assert raised.value.message_id == "empty_file_sheet"


# --- credentials in URLs: one redaction, every output -------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shown", "secret"),
    [
        ("postgresql://anna:Secret9@db:5432/crm", "postgresql://anna:***@db:5432/crm", "Secret9"),
        ("postgresql://anna@db/crm?password=Secret9", "postgresql://anna@db/crm?password=***", "Secret9"),
        (
            "postgresql://anna@db/crm?sslmode=require&password=Sec%40ret9",
            "postgresql://anna@db/crm?sslmode=require&password=***",
            "Sec@ret9",
        ),
        (
            "postgresql://anna@db/crm?PGPASSWORD=Secret9&sslpassword=Secret9",
            "postgresql://anna@db/crm?PGPASSWORD=***&sslpassword=***",
            "Secret9",
        ),
        ("postgresql://anna:Sec@ret9@db/crm", "postgresql://anna:***@db/crm", "Sec@ret9"),  # an unencoded '@'
        ("postgresql://anna:Sec/ret9@db/crm", "postgresql://anna:***@db/crm", "Sec/ret9"),
        ("postgresql://anna:Sec?ret9@db/crm", "postgresql://anna:***@db/crm", "Sec?ret9"),
        ("postgresql://db/crm?password=Sec@ret9", "postgresql://db/crm?password=***", "Sec@ret9"),
        ("host=db user=anna password='Sec ret9' dbname=crm", "host=db user=anna password=*** dbname=crm", "Sec ret9"),
        ("s3a://AKIAKEY:Secret9@bucket/customers/", "s3a://AKIAKEY:***@bucket/customers/", "Secret9"),
    ],
)
def test_every_credential_form_is_hidden_in_one_place(url, shown, secret):
    from estimator.store import hide_password
    from estimator.urls import redact_text, redact_url

    assert redact_url(url) == shown
    assert hide_password(url) == shown  # the store's name for it is the same function
    # A driver quoting a piece of a malformed password ("failed to resolve host 'ret9@db'"): hidden too.
    piece = re.split(r"[@/? ]", secret)[-1]
    message = redact_text(f"could not connect to {url}: failed to resolve host '{piece}@db'", url)
    assert secret not in message and piece not in message, message


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    from estimator.cli import main

    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("url", ["mysql://anna:Secret9@db/crm", "postgressql://anna:Secret9@db/crm"])
def test_an_unknown_scheme_is_an_error_not_a_file_named_after_the_password(url, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, out, err = run_cli(capsys, "scenarios", "--db", url, "save", "Base")
    assert status == 2 and "Traceback" not in err
    scheme = url.split(":")[0]
    assert err.startswith(f"error: database: '{scheme}://anna:***@db/crm' has the scheme '{scheme}', which is not a library's;")
    assert "allowed: postgresql://user:password@host:port/dbname" in err and "sqlite:///path" in err
    assert list(tmp_path.rglob("*")) == []  # no file (named after the password) was made
    status, out, err = run_cli(capsys, "calibrate", url, "--table", "customers")
    assert status == 2 and "Secret9" not in out + err
    assert err.startswith(f"error: {scheme}://anna:***@db/crm: the scheme '{scheme}://' is not a source calibration reads;")


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://anna:Sek@Ret:Xyz@127.0.0.1:1/crm",  # was a ValueError traceback quoting 'Xyz@127.0.0.1'
        "postgresql://anna:Sek@Ret9@127.0.0.1:1/crm",  # was "failed to resolve host 'Ret9@127.0.0.1'"
        "postgresql://anna:Sek/Ret9@127.0.0.1:1/crm",  # was "failed to resolve host 'anna'"
    ],
)
def test_an_unencoded_at_in_a_url_is_a_clear_message_without_a_piece_of_the_password(url, capsys):
    password = url.split("anna:")[1].rsplit("@", 1)[0]
    pieces = [piece for piece in re.split(r"[@:/]", password) if len(piece) >= 3]
    status, _out, err = run_cli(capsys, "scenarios", "--db", url, "list")
    assert status == 2 and "Traceback" not in err
    assert "has an unencoded" in err and "written %40" in err
    assert not [piece for piece in pieces if piece in err], err
    status, _out, err = run_cli(capsys, "calibrate", url, "--table", "customers")
    assert status == 2 and "Traceback" not in err
    assert "unencoded" in err and "percent-encoded (@ as %40" in err
    assert not [piece for piece in pieces if piece in err], err


def test_a_port_that_is_not_a_number_is_a_message_not_a_traceback(capsys):
    status, _out, err = run_cli(capsys, "scenarios", "--db", "postgresql://an:Secret9@db:port/crm", "list")
    assert status == 2 and "Traceback" not in err and "Secret9" not in err
    assert err.startswith("error: database: 'postgresql://an:***@db:port/crm' is not a database URL (")


@pytest.mark.parametrize(
    ("engine", "query", "reason"),
    [
        ("postgresql", "SELECT * FROM customers; DELETE FROM customers", "2 statements"),
        ("postgresql", "SELECT 1; DROP TABLE customers", "2 statements"),
        ("postgresql", "WITH gone AS (DELETE FROM customers RETURNING *) SELECT * FROM gone", "DELETE"),
        ("postgresql", "SELECT * INTO stolen FROM customers", "INTO"),
        ("postgresql", "SELECT * FROM customers FOR UPDATE", "FOR UPDATE"),
        ("postgresql", "DROP TABLE customers", "DROP"),
        ("spark", "SELECT * FROM customers; DROP TABLE customers", "2 statements"),
        ("spark", "INSERT INTO customers SELECT * FROM customers", "INSERT"),
    ],
)
def test_a_query_that_is_not_one_select_is_refused_before_anything_connects(engine, query, reason, capsys):
    source = ["postgresql://anna:Secret9@127.0.0.1:1/crm"] if engine == "postgresql" else []
    status, _out, err = run_cli(capsys, "calibrate", *source, "--engine", engine, "--query", query)
    assert status == 2 and "Traceback" not in err and "Secret9" not in err
    assert err.startswith(
        f"error: the query must be exactly one SELECT (or WITH ... SELECT) that only reads; refused ({reason}): "
    )


# --- on a real PostgreSQL ----------------------------------------------------------------------------------


def _execute(url: str, *statements: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        rows: list[tuple] = []
        for statement in statements:
            cursor = connection.execute(statement)
            rows = cursor.fetchall() if cursor.description else []
        return rows


@pytest.fixture
def customers_table(postgres_url) -> str:
    """A database with ``customers`` (300 rows), a sequence and a function that deletes rows; its URL."""
    _execute(
        postgres_url,
        "CREATE TABLE customers (customer_id text, churned int, complained int)",
        "INSERT INTO customers SELECT 'C' || i, (i % 5 = 0)::int, (i % 7 = 0)::int FROM generate_series(1, 300) i",
        "CREATE SEQUENCE counter",
        "CREATE FUNCTION wipe() RETURNS int LANGUAGE sql AS 'DELETE FROM customers RETURNING 1'",
    )
    return postgres_url


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("SELECT * FROM customers; DELETE FROM customers", "refused (2 statements)"),
        ("SELECT * FROM customers; DROP TABLE customers", "refused (2 statements)"),
        # Out of the subquery it is wrapped in (how the DELETE and DROP ran before the fix).
        ("SELECT * FROM customers) AS c; DROP TABLE customers; SELECT * FROM (SELECT 1", "refused ("),
        ("WITH gone AS (DELETE FROM customers RETURNING *) SELECT * FROM gone", "refused (DELETE)"),
        # A SELECT the parser cannot see through: the read-only transaction stops it in the server.
        ("SELECT customer_id, churned, wipe() AS complained FROM customers", "read-only transaction"),
        ("SELECT nextval('counter')::text AS customer_id, churned FROM customers", "read-only transaction"),
    ],
)
def test_a_source_query_never_writes_to_the_database(customers_table, capsys, query, says):
    from postgres_server import PASSWORD

    status, out, err = run_cli(capsys, "calibrate", customers_table, "--query", query)
    assert status == 2 and "Traceback" not in err and PASSWORD not in out + err
    assert says in err, err
    assert _execute(customers_table, "SELECT count(*) FROM customers") == [(300,)]  # before the fix: 0, or no table
    assert _execute(customers_table, "SELECT last_value, is_called FROM counter") == [(1, False)]


@pytest.mark.postgres
def test_a_plain_select_still_calibrates_and_the_session_was_read_only(customers_table, capsys):
    status, out, err = run_cli(
        capsys,
        "calibrate",
        customers_table,
        "--query",
        "SELECT * FROM customers WHERE customer_id <> 'C1' -- a comment",
        "--format",
        "json",
    )
    assert status == 0, err
    data = json.loads(out)
    assert data["rows"] == 299 and data["file"].startswith("query @ postgresql://postgres:***@127.0.0.1:")
    expected_churn = sum(1 for i in range(2, 301) if i % 5 == 0) / 299  # an independent count
    assert data["estimates"]["churn_rate"]["value"] == pytest.approx(expected_churn, abs=1e-12)


def _url_parts(url: str) -> tuple[str, int, str]:
    parts = urlsplit(url)
    return parts.hostname or "", parts.port or 5432, parts.path.lstrip("/")


@pytest.mark.postgres
def test_the_apps_connection_uses_only_the_typed_credentials_whatever_the_servers_environment(
    customers_table, postgres_server, monkeypatch, tmp_path
):
    from postgres_server import PASSWORD

    from estimator.calibration.engines.postgresql import PostgreSQLEngine

    host, port, database = _url_parts(customers_table)
    allowed = [f"{host}:{port}/{database}"]
    # Everything libpq would otherwise take from the server: the right password, a socket, a service, options.
    service_file = tmp_path / "pg_service.conf"
    service_file.write_text(f"[house]\nhost={postgres_server.folder}\nport={port}\nuser=postgres\npassword={PASSWORD}\n")
    password_file = tmp_path / "pgpass"
    password_file.write_text(f"*:*:*:*:{PASSWORD}\n")
    password_file.chmod(0o600)
    for name, value in {
        "PGPASSWORD": PASSWORD,
        "PGPASSFILE": str(password_file),
        "PGSERVICE": "house",
        "PGSERVICEFILE": str(service_file),
        "PGHOST": str(postgres_server.folder),
        "PGUSER": "postgres",
        "PGDATABASE": database,
        "PGOPTIONS": "-c default_transaction_read_only=off",
    }.items():
        monkeypatch.setenv(name, value)
    wrong = customers_table.replace(PASSWORD, "not-the-password")
    with pytest.raises(CalibrationError) as raised:
        PostgreSQLEngine(wrong, table="customers", allowed=allowed)
    assert raised.value.message_id == "database_failed"  # the server's password was not used instead
    for typed in (customers_table.replace(f":{PASSWORD}@", "@"), f"postgresql://postgres:{PASSWORD}@/{database}"):
        with pytest.raises(CalibrationError) as raised:  # no password typed; no host (the default socket)
            PostgreSQLEngine(typed, table="customers", allowed=allowed)
        assert raised.value.message_id == "database_typed_url"
    engine = PostgreSQLEngine(customers_table, table="customers", allowed=allowed)
    try:
        assert engine.rows("SELECT count(*) FROM calibration_source") == [(300,)]
        assert engine.rows("SELECT current_setting('transaction_read_only')") == [("on",)]
        assert engine.connection.info.host == "127.0.0.1"  # TCP, not the socket PGHOST names
    finally:
        engine.close()


@pytest.mark.postgres
def test_every_failure_to_connect_in_the_app_gets_the_same_message(customers_table, postgres_server):
    from postgres_server import PASSWORD

    from estimator.calibration.engines.postgresql import PostgreSQLEngine

    host, port, database = _url_parts(customers_table)
    closed = _free_port()
    allowed = [f"{host}:{port}/*", f"{host}:{closed}/*", "no-such-host.invalid/*"]
    attempts = {
        "closed port": (f"postgresql://postgres:{PASSWORD}@{host}:{closed}/{database}", "customers"),
        "unknown host": (f"postgresql://postgres:{PASSWORD}@no-such-host.invalid/{database}", "customers"),
        "wrong password": (customers_table.replace(PASSWORD, "wrong"), "customers"),
        "unknown database": (f"postgresql://postgres:{PASSWORD}@{host}:{port}/nothing_here", "customers"),
        "unknown user": (f"postgresql://nobody:{PASSWORD}@{host}:{port}/{database}", "customers"),
        "no such table": (customers_table, "no_such_table"),
        "the catalogue": (customers_table, "pg_catalog.pg_authid"),
    }
    messages = {}
    for what, (url, table) in attempts.items():
        with pytest.raises(CalibrationError) as raised:
            PostgreSQLEngine(url, table=table, allowed=allowed)
        messages[what] = (raised.value.message_id, str(raised.value))
    assert set(messages.values()) == {
        (
            "database_failed",
            "could not read the table: the host, port, database, user, password or table name is wrong, or the server "
            "refused the connection",
        )
    }, messages


@pytest.mark.postgres
@pytest.mark.parametrize(
    "typed",
    [
        "postgresql://postgres:{pw}@/{db}?host={socket}",  # a socket folder as an option
        "postgresql://postgres:{pw}@%2F{socket_encoded}:{port}/{db}",  # a socket folder as the host
        "postgresql://postgres:{pw}@{host}:{port}/{db}?service=house",
        "postgresql://postgres:{pw}@{host}:{port}/{db}?passfile=/root/.pgpass",
        "postgresql://postgres:{pw}@{host}:{port}/{db}?sslkey=/etc/ssl/private/server.key",
        "postgresql://postgres:{pw}@{host}:{port},{host}:{port}/{db}",  # several hosts
        "postgresql://postgres@{host}:{port}/{db}",  # no password
        "mysql://postgres:{pw}@{host}:{port}/{db}",
    ],
)
def test_the_app_refuses_sockets_options_and_urls_without_credentials(customers_table, postgres_server, typed):
    from postgres_server import PASSWORD

    from estimator.calibration.engines.postgresql import PostgreSQLEngine

    host, port, database = _url_parts(customers_table)
    folder = str(postgres_server.folder)
    url = typed.format(
        pw=PASSWORD, db=database, host=host, port=port, socket=folder, socket_encoded=folder.lstrip("/").replace("/", "%2F")
    )
    with pytest.raises(CalibrationError) as raised:
        PostgreSQLEngine(url, table="customers", allowed=[f"{host}:{port}/*", f"/{folder}/*", f"{folder}/*"])
    assert raised.value.message_id == "database_typed_url"
    assert PASSWORD not in str(raised.value)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _all_text(path: Path) -> str:
    """A file's text, and every part's if it is a zip (XLSX, PPTX)."""
    import zipfile

    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return " ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return path.read_text(encoding="utf-8", errors="replace")


@pytest.mark.postgres
@pytest.mark.slow
def test_a_password_given_as_a_query_key_reaches_no_output(customers_table, capsys, tmp_path, monkeypatch):
    from postgres_server import PASSWORD
    from streamlit.testing.v1 import AppTest

    from estimator.paths import DATABASE_ENV
    from estimator.text.i18n import t
    from ui.main import TABS_KEY

    # The libpq form of the password: userinfo without it, ?password= in the query.
    url = customers_table.replace(f":{PASSWORD}@", "@") + f"?sslmode=disable&password={PASSWORD}"
    params = tmp_path / "calibrated.toml"
    status, out, err = run_cli(
        capsys, "calibrate", url, "--table", "customers", "--format", "json", "--write-params", str(params)
    )
    assert status == 0, err
    shown = {"calibration JSON": out, "stderr": err, "--write-params": params.read_text(encoding="utf-8")}
    cited = json.loads(out)["file"]
    library = tmp_path / "library.sqlite3"
    status, out, err = run_cli(capsys, "scenarios", "--db", str(library), "save", "Calibrated", "--params", str(params))
    assert status == 0, err
    status, out, err = run_cli(capsys, "scenarios", "--db", str(library), "show", "Calibrated", "--format", "json")
    assert status == 0, err
    shown["saved provenance"] = out
    for extension in ("xlsx", "html", "pptx"):
        deliverable = tmp_path / f"client.{extension}"
        status, out, err = run_cli(capsys, "report", "--params", str(params), "--out", str(deliverable), "--draws", "200")
        assert status == 0, err
        shown[extension] = _all_text(deliverable)
        assert "customers @ postgresql://postgres@127.0.0.1" in shown[extension]  # the source is cited
    # The library on the same server, named with ?password=: its location on the command line and in the app.
    status, out, err = run_cli(capsys, "scenarios", "--db", url, "save", "Base")
    assert status == 0, err
    shown["library location (CLI)"] = out + err
    monkeypatch.setenv(DATABASE_ENV, url)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    app.session_state[TABS_KEY] = t("tabs.scenarios")
    app.run()
    assert not app.exception
    captions = " ".join(str(c.value) for c in app.caption)
    # Markdown-escaped on screen ("pw\\-Sekret"): compared without the escapes.
    shown["Scenarios tab"] = (captions + " ".join(str(m.value) for m in app.markdown)).replace("\\", "")
    leaked = [where for where, text in shown.items() if PASSWORD in text]
    print("outputs showing the password:", leaked)  # shown with pytest -s
    assert leaked == []
    assert cited.endswith("?sslmode=disable&password=***")
    assert "password=***" in shown["saved provenance"] and "password=***" in shown["library location (CLI)"]
    # The Scenarios tab no longer shows where the library lives (issue 23: not on a client-facing screen).
    assert "127.0.0.1" not in shown["Scenarios tab"] and "postgresql" not in shown["Scenarios tab"]


@pytest.mark.spark
@pytest.mark.slow
def test_a_spark_query_is_one_select_run_by_spark(spark_session):
    frame = pd.DataFrame({"customer_id": [f"S{i}" for i in range(1, 201)], "churned": [int(i % 4 == 0) for i in range(1, 201)]})
    spark_session.createDataFrame(frame).createOrReplaceTempView("hostile_customers")
    result = calibrate(
        None, engine="spark", query="SELECT * FROM hostile_customers WHERE customer_id <> 'S4'", spark=spark_session
    )
    assert result.rows == 199 and result.file == "query"
    assert result.estimates["churn_rate"].value == pytest.approx(49 / 199, abs=1e-12)  # 50 churned of 200, less S4
    with pytest.raises(CalibrationError) as raised:
        calibrate(None, engine="spark", query="SELECT * FROM hostile_customers; DROP VIEW hostile_customers", spark=spark_session)
    assert raised.value.message_id == "query_not_select"
    assert spark_session.table("hostile_customers").count() == 200


def test_an_unknown_scheme_in_the_library_variable_is_refused_too(capsys, tmp_path, monkeypatch):
    from estimator.paths import DATABASE_ENV

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(DATABASE_ENV, "mysql://anna:Secret9@db/crm")
    status, out, err = run_cli(capsys, "scenarios", "save", "Base")
    assert status == 2 and "Secret9" not in out + err
    assert err.startswith("error: database: 'mysql://anna:***@db/crm' has the scheme 'mysql', which is not a library's;")
    assert list(tmp_path.rglob("*")) == []


@pytest.mark.postgres
def test_the_urls_own_options_are_kept_under_the_read_only_one(customers_table, capsys):
    _execute(customers_table, "CREATE SCHEMA crm", "CREATE TABLE crm.clients AS SELECT * FROM customers WHERE churned = 1")
    url = customers_table + "?options=-csearch_path%3Dcrm"
    status, out, err = run_cli(capsys, "calibrate", url, "--table", "clients", "--format", "json")
    assert status == 0, err
    assert json.loads(out)["rows"] == 60  # crm.clients (the churned 60 of 300), found through the URL's search_path
