"""The Contacts section: table model, page, add/edit dialog and import wizard."""
