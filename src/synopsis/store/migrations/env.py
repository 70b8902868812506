"""Alembic environment: run migrations on the connection Synopsis hands over (see store/db.py)."""

from alembic import context

from synopsis.store.tables import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
)
with context.begin_transaction():
    context.run_migrations()
