"""Jinja syntax highlighting for the template editor.

The person editing a letter is usually not a programmer: colouring `{{ variables }}`,
`{% tags %}` and `{# comments #}` apart from the prose shows at a glance which words are
filled in and which are fixed, and a tag left open shows up as a run of wrong colour.
Block names are emphasised because they are the letter's required sections.
Comments may span lines, so the highlighter keeps a block state across lines.
"""

from __future__ import annotations

import re

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

IN_COMMENT = 1
_EXPRESSION = re.compile(r"\{\{.*?(\}\}|$)")
_STATEMENT = re.compile(r"\{%.*?(%\}|$)")
_BLOCK_NAME = re.compile(r"\{%-?\s*(?:block|endblock)\s+([A-Za-z_][A-Za-z0-9_]*)")
_KEYWORD = re.compile(r"-?\s*([a-z]+)")  # matched just after the {%
_STRING = re.compile(r"\"[^\"]*\"|'[^']*'")
_FILTER = re.compile(r"\|\s*([A-Za-z_][A-Za-z0-9_]*)")


def _format(colour: str, *, bold: bool = False, italic: bool = False,
            background: str | None = None) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(colour))
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    if italic:
        fmt.setFontItalic(True)
    if background:
        fmt.setBackground(QColor(background))
    return fmt


class JinjaHighlighter(QSyntaxHighlighter):
    """Colours for {{ }}, {% %}, {# #}, block names, filters and strings."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.expression = _format("#1f5fa8", background="#eef4fc")
        self.statement = _format("#7a3e9d")
        self.keyword = _format("#7a3e9d", bold=True)
        self.block_name = _format("#a3470b", bold=True, background="#fdf0e6")
        self.comment = _format("#6a737d", italic=True)
        self.string = _format("#2d7d46")
        self.filter = _format("#0f6b6b", bold=True)

    def highlightBlock(self, text: str) -> None:
        self.setCurrentBlockState(0)
        start = 0
        if self.previousBlockState() == IN_COMMENT:
            end = text.find("#}")
            if end < 0:
                self.setFormat(0, len(text), self.comment)
                self.setCurrentBlockState(IN_COMMENT)
                return
            self.setFormat(0, end + 2, self.comment)
            start = end + 2
        for match in _EXPRESSION.finditer(text, start):
            self._inner(match.start(), match.group(0), self.expression)
        for match in _STATEMENT.finditer(text, start):
            self._inner(match.start(), match.group(0), self.statement)
            keyword = _KEYWORD.match(match.group(0), 2)
            if keyword:
                self.setFormat(match.start() + keyword.start(1), len(keyword.group(1)),
                               self.keyword)
        for match in _BLOCK_NAME.finditer(text, start):
            self.setFormat(match.start(1), len(match.group(1)), self.block_name)
        self._comments(text, start)

    def _inner(self, offset: int, chunk: str, fmt: QTextCharFormat) -> None:
        self.setFormat(offset, len(chunk), fmt)
        for match in _STRING.finditer(chunk):
            self.setFormat(offset + match.start(), len(match.group(0)), self.string)
        for match in _FILTER.finditer(chunk):
            self.setFormat(offset + match.start(1), len(match.group(1)), self.filter)

    def _comments(self, text: str, start: int) -> None:
        pos = text.find("{#", start)
        while pos >= 0:
            end = text.find("#}", pos + 2)
            if end < 0:
                self.setFormat(pos, len(text) - pos, self.comment)
                self.setCurrentBlockState(IN_COMMENT)
                return
            self.setFormat(pos, end + 2 - pos, self.comment)
            pos = text.find("{#", end + 2)
