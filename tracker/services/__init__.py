"""Use cases. Each function takes the unit of work's session keyword-only, never prints, never commits,
and returns plain records (tracker.records) rather than live ORM objects."""
