"""Faults survived, nothing lost: PostgreSQL restarted, Redis stopped, workers killed (issue 8)."""
