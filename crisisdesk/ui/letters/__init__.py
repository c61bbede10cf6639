"""The Letters section: patient breach-notification letters."""
