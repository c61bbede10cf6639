"""Calling trees: trees, activations and their reports, tree files and paper."""
