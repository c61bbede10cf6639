"""Tests of the packaged app (the PyInstaller bundle)."""
