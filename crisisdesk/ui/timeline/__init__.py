"""The Timeline section: the incident activity log (HICS 214), append-only with corrections."""
