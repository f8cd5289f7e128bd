"""Schema revisions, oldest first; each explains why the schema changes."""
