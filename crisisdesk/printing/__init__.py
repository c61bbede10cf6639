"""Paper output: HTML laid out by QTextDocument and written by QPdfWriter.

QtGui only (never QtWidgets or QtPrintSupport), so the CLI can render PDFs headless after
`ensure_gui_app()`; printing to a real printer (QPrinter) lives in `ui/`.
"""
