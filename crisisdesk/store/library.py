"""The template library shipped in `crisisdesk/resources/templates/` (one `.tmpl` file each)."""

from __future__ import annotations

import importlib.resources

from crisisdesk.domain.template_files import TemplateFile, parse_file
from crisisdesk.domain.templates import FILE_SUFFIX


def library_files() -> list[TemplateFile]:
    """Every shipped template, parsed, in file-name order (a broken file is a bug: it raises)."""
    folder = importlib.resources.files("crisisdesk").joinpath("resources/templates")
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(FILE_SUFFIX):
            out.append(parse_file(entry.read_text("utf-8"), entry.name))
    return out
