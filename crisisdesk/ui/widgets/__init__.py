"""Widgets shared by every page: one of each, so a fix reaches every screen."""
