"""Alembic migration environment of cleanwire's storage (see storage.engine.alembic_config)."""
