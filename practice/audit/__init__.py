"""Audit log domain: the append-only record of access to health information."""
