"""Storage adapter: SQLAlchemy models, engine set-up and Alembic migrations."""
