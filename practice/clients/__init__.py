"""Client records: list, search, create, edit, archive and restore."""
