"""Helpers shared by tests in several folders: desks with data, CLI runs, PDF reading.

Test modules import from here, never from each other, so moving or deleting one test file
breaks no other.
"""
