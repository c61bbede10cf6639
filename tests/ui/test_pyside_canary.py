"""Canary for PySide6 6.12.0 on Python 3.11, which loses a reference to None on every Qt call
that returns void and aborts the interpreter after a few thousand (platform notes, top).

The count is checked after a short warm-up too, so a broken build fails this test instead of
killing the whole test run with "Fatal Python error: none_dealloc".
"""

from __future__ import annotations

import sys
from importlib import metadata

import PySide6
from PySide6.QtGui import QStandardItem, QTextDocument
from PySide6.QtWidgets import QComboBox, QLabel
from pytestqt.qtbot import QtBot

CALLS = 5_000
TOLERANCE = 5


def _void_calls(label: QLabel, combo: QComboBox, doc: QTextDocument, item: QStandardItem,
                n: int) -> None:
    for i in range(n):
        label.setText("x" if i % 2 else "y")
        label.setObjectName("canary")
        if i % 50 == 0:
            combo.clear()
        combo.addItem("item")
        doc.setPlainText("z")
        item.setText("w")


def test_void_qt_calls_keep_none_refcount(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    combo = QComboBox()
    qtbot.addWidget(combo)
    doc = QTextDocument()
    item = QStandardItem()
    _void_calls(label, combo, doc, item, 10)  # warm caches first
    before = sys.getrefcount(None)
    _void_calls(label, combo, doc, item, 100)
    early = before - sys.getrefcount(None)
    assert early <= TOLERANCE, f"None lost {early} references in 600 void calls: PySide6 bug"
    _void_calls(label, combo, doc, item, CALLS)
    lost = before - sys.getrefcount(None)
    assert lost <= TOLERANCE, f"None lost {lost} references over {CALLS * 6} void Qt calls"


def test_not_the_broken_pyside_on_python_311() -> None:
    versions = {PySide6.__version__, metadata.version("PySide6-Essentials")}
    if sys.version_info < (3, 12):
        assert "6.12.0" not in versions, (
            "PySide6 6.12.0 aborts CPython < 3.12 (None refcount bug); use 6.11.3")
