"""Storage: tables, engine setup with SQLite/PostgreSQL specifics, migrations."""
