"""The Roles section: the HICS roster per operational period, assignment and handover."""
