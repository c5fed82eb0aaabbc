"""SQL text: quoting literals and identifiers (nothing in a file is ever executed)."""

from __future__ import annotations

__all__ = ["check_select", "sql_ident", "sql_string"]


def sql_string(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def sql_ident(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


#: Statements that write, lock or change anything: refused anywhere inside a source query (a data-modifying
#: ``WITH d AS (DELETE ... RETURNING *) SELECT ...`` included).
_WRITES = (
    "Insert",
    "Update",
    "Delete",
    "Merge",
    "Create",
    "Drop",
    "Alter",
    "TruncateTable",
    "Command",
    "Copy",
    "Grant",
    "Revoke",
    "Set",
    "Transaction",
    "Commit",
    "Rollback",
    "Use",
    "Pragma",
    "Lock",
    "Into",
)


def check_select(query: str, dialect: str) -> str:
    """``query`` when it is exactly one read-only SELECT (or WITH ... SELECT), written again by sqlglot.

    The text returned has no comments nor trailing ``;``, so it can be wrapped as a subquery.

    Raises
    ------
    CalibrationError
        ``query_not_select``: empty, unparseable, several statements, or anything but a plain SELECT
        (``SELECT ... INTO``, ``FOR UPDATE``, a data-modifying CTE, ``DELETE``, ``DROP``...).
    """
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    from estimator.calibration.messages import CalibrationError

    shown = " ".join(str(query).split())[:200]
    try:
        statements = [s for s in sqlglot.parse(str(query), read=dialect) if s is not None]
    except SqlglotError as error:
        raise CalibrationError("query_not_select", query=shown, reason=str(error).splitlines()[0][:200]) from None
    if len(statements) != 1:
        raise CalibrationError("query_not_select", query=shown, reason=f"{len(statements)} statements")
    (statement,) = statements
    if not isinstance(statement, exp.Query):
        raise CalibrationError("query_not_select", query=shown, reason=statement.key.upper())
    writes = tuple(getattr(exp, name) for name in _WRITES if hasattr(exp, name))
    for node in statement.walk():
        if isinstance(node, writes) or (isinstance(node, exp.Select) and node.args.get("locks")):
            found = "FOR UPDATE" if isinstance(node, exp.Select) else node.key.upper()
            raise CalibrationError("query_not_select", query=shown, reason=found)
    return statement.sql(dialect=dialect, comments=False)
