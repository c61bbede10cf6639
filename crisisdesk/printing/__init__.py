"""Paper output: HTML laid out by QTextDocument and written by QPdfWriter.

QtGui only (never QtWidgets or QtPrintSupport), so the CLI can render PDFs headless after
`ensure_gui_app()`; printing to a real printer (QPrinter) lives in `ui/`.
"""

import PySide6.QtCore  # noqa: F401  (loaded by every module here anyway)

from crisisdesk.pyside_import_scan import skip_source_scan

skip_source_scan()  # the modules below are imported after PySide6: spare them its source scan
