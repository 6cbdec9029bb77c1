"""Backups: a consistent copy of the database and the file store, and its restore."""
