"""Pieces every page shares: the table model, table setup, search field, contact picker,
date/time editor, form-dialog base and the one UserError handler."""
