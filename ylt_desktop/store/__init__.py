"""Storage floor: SQLAlchemy models, the engine, migrations, queries and commands. Knows no Qt."""
