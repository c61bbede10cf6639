"""CrisisDesk: an offline console for a healthcare crisis team (see README.md)."""

__version__ = "0.1.0"
