"""Alembic environment and revisions for the sij database (shipped as tracker._migrations)."""
