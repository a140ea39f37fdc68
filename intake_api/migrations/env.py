"""Alembic environment, driven from code (intake_api.db.migrate): no alembic.ini needed."""

from alembic import context

from intake_api.db import get_engine
from intake_api.models import Base

config = context.config
database_url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")

with get_engine(database_url).connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
