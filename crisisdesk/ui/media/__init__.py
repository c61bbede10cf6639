"""The Media desk page: inquiry log, answer bank, statements and update cadence."""
