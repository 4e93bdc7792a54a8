"""Every stored value of every table as one text, to search the database for something that must not be there."""

from __future__ import annotations

from sqlalchemy import Engine, MetaData, select


def database_text(engine: Engine) -> str:
    metadata = MetaData()
    metadata.reflect(engine)
    parts: list[str] = []
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            for row in conn.execute(select(table)):
                parts.append(repr(tuple(row)))
    return "\n".join(parts)
