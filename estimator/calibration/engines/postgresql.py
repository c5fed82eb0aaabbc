"""PostgreSQL: a table (``table="customers"``) or a query (``query="SELECT …"``) aggregated inside the
server; only the group counts come back. The URL's password is never shown."""

from __future__ import annotations

import re

from estimator.calibration.engines.base import Engine
from estimator.calibration.messages import CalibrationError
from estimator.calibration.sql import sql_ident

NAME = "postgresql"
#: Type OIDs read as numbers: int2, int4, int8, float4, float8, numeric, oid.
_NUMERIC_OIDS = frozenset({20, 21, 23, 26, 700, 701, 1700})


def is_url(text: str) -> bool:
    return bool(re.match(r"^postgres(ql)?(\+\w+)?://", str(text)))


def _hidden(url: str) -> str:
    from estimator.store.database import hide_password

    return hide_password(url)


class PostgreSQLEngine(Engine):
    name = NAME
    dialect = "postgres"

    def __init__(self, url: str, *, table: str | None = None, query: str | None = None) -> None:
        import psycopg

        self.url = re.sub(r"^postgres(ql)?\+\w+://", "postgresql://", str(url))
        if bool(table) == bool(query):
            raise CalibrationError("database_needs_table", url=_hidden(self.url))
        if table:
            relation = ".".join(sql_ident(part) for part in table.split("."))
            self.relation = f"(SELECT * FROM {relation}) AS calibration_source"
        else:
            self.relation = f"({query.strip().rstrip(';')}) AS calibration_source"
        try:
            self.connection = psycopg.connect(self.url, autocommit=True)
        except psycopg.Error as error:
            raise self.failure(error) from None
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(f"SELECT * FROM {self.relation} LIMIT 0")
                described = cursor.description or []
        except psycopg.Error as error:
            self.connection.close()
            raise self.failure(error) from None
        numeric = [d.name for d in described if d.type_code in _NUMERIC_OIDS]
        super().__init__([d.name for d in described], numeric, "table" if table else "query", table or "query")
        self.label = f"{table or 'query'} @ {_hidden(self.url)}"

    def _execute(self, sql: str) -> list[tuple]:
        import psycopg

        sql = sql.replace("FROM calibration_source", f"FROM {self.relation}")
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(sql)
                return [tuple(row) for row in cursor.fetchall()]
        except psycopg.Error as error:
            raise self.failure(error) from None

    def failure(self, error: BaseException) -> CalibrationError:
        found = super().failure(error)
        # The URL as given may appear in a driver's message: show it only with its password hidden.
        password = re.match(r"^[a-z+]+://[^:/@]*:([^@]*)@", self.url)
        if password and password.group(1):
            found.values["detail"] = found.values["detail"].replace(password.group(1), "***")
        return found

    def close(self) -> None:
        self.connection.close()


def open_engine(source: str, **options: object) -> PostgreSQLEngine:
    return PostgreSQLEngine(source, table=options.get("table"), query=options.get("query"))  # type: ignore[arg-type]
