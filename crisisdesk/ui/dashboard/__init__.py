"""The Dashboard section: the incident at a glance, its deadlines and the systems board."""
