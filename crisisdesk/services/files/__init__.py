"""Reading tabular files (CSV, XLSX, vCard) for every importer, with one set of rules."""
