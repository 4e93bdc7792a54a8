"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL alike.

Several changes each add a migration; one that forgets a column, an index or a foreign key would only show
on a real installation. Alembic's own comparison finds any difference between the migrated database and
the models.
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from ivp_core.storage.models import Base


def test_the_migrated_schema_equals_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
