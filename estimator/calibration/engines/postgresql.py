"""PostgreSQL: a table (``table="customers"``) or a query (``query="SELECT …"``) aggregated inside the
server; only the group counts come back. The URL's credentials are never shown.

Everything runs in one read-only transaction (``BEGIN READ ONLY`` on a session whose
``default_transaction_read_only`` is on), rolled back at the end; a query must be exactly one SELECT.

In the app (``allowed`` given: the operator's allow-list), the connection is sealed: only a
``host[:port]/database`` of the list, over TCP (never a local socket), with the user and password the
user typed and nothing from the server's environment (``PGPASSWORD``, ``.pgpass``, ``PGSERVICE``, every
other ``PG*`` variable, client certificates, Kerberos), the server made to ask for that password
(``require_auth``); and every failure to connect or to find the table gets one message, so the box
tells nobody which hosts, ports or tables exist.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import parse_qsl, unquote, urlsplit

from estimator.calibration.engines.base import Engine
from estimator.calibration.messages import CalibrationError
from estimator.calibration.sql import check_select, sql_ident
from estimator.urls import redact_text, redact_url, scheme, unencoded_userinfo

NAME = "postgresql"
#: Type OIDs read as numbers: int2, int4, int8, float4, float8, numeric, oid.
_NUMERIC_OIDS = frozenset({20, 21, 23, 26, 700, 701, 1700})
#: Every statement of the engine's session is read-only, whatever the query asks.
_READ_ONLY = "-c default_transaction_read_only=on"
#: Query keys a URL typed in the app may carry (a socket folder, a service, a password file... may not).
_TYPED_KEYS = frozenset({"sslmode", "password"})
_SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
#: Schemas a table typed in the app may not be read from (the server's catalogue: roles, password hashes...).
_SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")


def is_url(text: str) -> bool:
    return bool(re.match(r"^postgres(ql)?(\+\w+)?://", str(text)))


def allowed_entry(host: str, port: int, database: str, allowed: Sequence[str]) -> bool:
    """Whether ``host:port/database`` is in the operator's list (``host[:port]/database``, ``host[:port]/*``)."""
    for entry in allowed:
        where, _, name = str(entry).strip().partition("/")
        entry_host, _, entry_port = where.rpartition(":") if ":" in where else (where, "", "")
        if entry_host.lower() == host.lower() and int(entry_port or 5432) == port and name in ("*", database):
            return True
    return False


def sealed_conninfo(url: str, allowed: Sequence[str]) -> str:
    """The conninfo string for a URL typed in the app: every libpq keyword set, none left to the environment.

    Raises
    ------
    CalibrationError
        ``database_typed_url`` (not a ``postgresql://user:password@host/database`` URL, a socket, an
        option the app does not take) or ``database_not_allowed`` (not in the operator's list).
    """
    import psycopg
    from psycopg import pq

    shown = redact_url(url)
    if scheme(url) not in ("postgresql", "postgres") or unencoded_userinfo(url):
        raise CalibrationError("database_typed_url", url=shown)
    try:
        parts = urlsplit(url.strip())
        port = parts.port or 5432
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
    except ValueError:
        raise CalibrationError("database_typed_url", url=shown) from None
    host = unquote(parts.hostname or "")
    database = unquote(parts.path.lstrip("/"))
    user = unquote(parts.username or "")
    password = unquote(parts.password or "") or query.get("password", "")
    sslmode = query.get("sslmode", "prefer")
    # A host starting with '/' or '@' is a local socket; an empty one the default socket; ',' several hosts.
    unsafe_host = not host or host[0] in "/@" or "," in host or "%" in host
    if unsafe_host or not database or not user or not password or set(query) - _TYPED_KEYS or sslmode not in _SSL_MODES:
        raise CalibrationError("database_typed_url", url=shown)
    if not allowed_entry(host, port, database, allowed):
        raise CalibrationError("database_not_allowed", url=shown, allowed=", ".join(allowed))
    given = {
        "host": host,
        "port": str(port),
        "dbname": database,
        "user": user,
        "password": password,
        "sslmode": sslmode,
        # The server must ask for this password (not trust, peer, Kerberos or a certificate of this machine).
        "require_auth": "password,md5,scram-sha-256",
        "sslcertmode": "disable",
        "gssencmode": "disable",
        "options": _READ_ONLY,
        "connect_timeout": "10",
        "application_name": "churn-cost estimator",
        "client_encoding": "UTF8",
        # Set because libpq takes no empty value for them (and PGMINPROTOCOLVERSION... must not decide).
        "min_protocol_version": "3.0",
        "max_protocol_version": "3.0",
    }
    for option in pq.Conninfo.get_defaults():
        keyword = option.keyword.decode()
        if keyword not in given and keyword != "service" and option.envvar is not None:
            # Set explicitly (to libpq's own default, or empty = none) so the server's PG* variable is not read.
            given[keyword] = (option.compiled or b"").decode()
    return psycopg.conninfo.make_conninfo(**given)


def _read_only_options(url: str) -> dict[str, str]:
    """``options`` for the command line's connection: the URL's own (a search_path...) and read-only after them."""
    import psycopg

    try:
        given = psycopg.conninfo.conninfo_to_dict(url).get("options") or ""
    except psycopg.Error:  # a URL libpq cannot parse: it says so itself when connecting
        given = ""
    return {"options": f"{given} {_READ_ONLY}".strip()}


class PostgreSQLEngine(Engine):
    name = NAME
    dialect = "postgres"

    def __init__(
        self,
        url: str,
        *,
        table: str | None = None,
        query: str | None = None,
        allowed: Sequence[str] | None = None,
    ) -> None:
        import psycopg

        self.url = re.sub(r"^postgres(ql)?\+\w+://", "postgresql://", str(url).strip())
        self.sealed = allowed is not None
        shown = redact_url(self.url)
        if bool(table) == bool(query):
            raise CalibrationError("database_needs_table", url=shown)
        if not self.sealed and unencoded_userinfo(self.url):
            raise CalibrationError("database_unencoded_url", url=shown, char=unencoded_userinfo(self.url))
        target = sealed_conninfo(self.url, allowed) if self.sealed else self.url
        if table:
            parts = table.split(".")
            if self.sealed and ((len(parts) > 1 and parts[0].lower() in _SYSTEM_SCHEMAS) or parts[-1].lower().startswith("pg_")):
                raise CalibrationError("database_failed")
            self.relation = "(SELECT * FROM " + ".".join(sql_ident(part) for part in parts) + ") AS calibration_source"
        else:
            self.relation = f"({check_select(query, self.dialect)}) AS calibration_source"
        try:
            # Not autocommit: one read-only transaction, rolled back when the engine closes.
            self.connection = psycopg.connect(target, autocommit=False, **({} if self.sealed else _read_only_options(target)))
            self.connection.read_only = True
        except psycopg.Error as error:
            raise self.failure(error) from None
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(f"SELECT * FROM {self.relation} LIMIT 0")
                described = cursor.description or []
        except psycopg.Error as error:
            self.close()
            raise self.failure(error) from None
        numeric = [d.name for d in described if d.type_code in _NUMERIC_OIDS]
        super().__init__([d.name for d in described], numeric, "table" if table else "query", table or "query")
        self.label = f"{table or 'query'} @ {shown}"

    def _execute(self, sql: str) -> list[tuple]:
        import psycopg

        sql = sql.replace("FROM calibration_source", f"FROM {self.relation}")
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(sql)
                return [tuple(row) for row in cursor.fetchall()]
        except psycopg.Error as error:
            self.connection.rollback()  # the next statement starts a new read-only transaction
            raise self.failure(error) from None

    def failure(self, error: BaseException) -> CalibrationError:
        if self.sealed and not hasattr(self, "columns"):
            # Connecting or finding the table, in the app: one message whichever step failed.
            return CalibrationError("database_failed")
        # The URL as given may appear in a driver's message, or a piece of its password: hidden before the
        # message is built.
        text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return CalibrationError("engine_failed", engine=self.name, detail=redact_text(text, self.url)[:500])

    def close(self) -> None:
        connection = getattr(self, "connection", None)
        if connection is not None and not connection.closed:
            try:
                connection.rollback()
            finally:
                connection.close()


def open_engine(source: str, **options: object) -> PostgreSQLEngine:
    return PostgreSQLEngine(
        source,
        table=options.get("table"),  # type: ignore[arg-type]
        query=options.get("query"),  # type: ignore[arg-type]
        allowed=options.get("allowed_databases"),  # type: ignore[arg-type]
    )
