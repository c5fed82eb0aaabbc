"""Alembic's environment for the scenario library: migrations run on the store's own connection.

:class:`estimator.store.database.ScenarioStore` opens the write transaction (``BEGIN
IMMEDIATE`` on SQLite, an advisory lock on PostgreSQL), passes its connection in
``config.attributes["connection"]`` and commits or rolls back everything, migrations included.
"""

from alembic import context

try:
    _connection = context.config.attributes.get("connection")
except (AttributeError, NameError):  # imported outside Alembic (e.g. by pytest's doctest collection): nothing to run
    _connection = None

if _connection is not None:
    context.configure(connection=_connection, target_metadata=None)
    with context.begin_transaction():  # the store's transaction is already open: Alembic joins it
        context.run_migrations()
