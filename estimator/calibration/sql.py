"""SQL text: quoting literals and identifiers (nothing in a file is ever executed)."""

from __future__ import annotations

__all__ = ["sql_ident", "sql_string"]


def sql_string(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def sql_ident(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'
