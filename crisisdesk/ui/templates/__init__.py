"""The Templates section: library, editor with live checks, history, issuing, the log."""
