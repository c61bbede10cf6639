"""Reading tabular files (CSV, XLSX, vCard) for every importer, with one set of rules.

`open_source(path)` is the one way in: it returns a `SourceFile` whose `rows()` every
importer walks. The format readers (`delimited`, `xlsx`, `vcard`) are its business.
"""

from crisisdesk.services.files.source import SourceFile, open_source

__all__ = ["SourceFile", "open_source"]
