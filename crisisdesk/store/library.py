"""The template library shipped in `resources/templates/` (one `.tmpl` file each)."""

from __future__ import annotations

from crisisdesk.domain.template_files import TemplateFile, parse_file
from crisisdesk.domain.templates import FILE_SUFFIX
from crisisdesk.paths import shipped


def library_files() -> list[TemplateFile]:
    """Every shipped template, parsed, in file-name order (a broken file is a bug: it raises)."""
    folder = shipped("templates")
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(FILE_SUFFIX):
            out.append(parse_file(entry.read_text("utf-8"), entry.name))
    return out
