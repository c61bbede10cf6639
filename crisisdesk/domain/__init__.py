"""Plain-Python rules and data types: no Qt, no SQL, no I/O (a test enforces it)."""
