"""PDFs carry the shipped font: they print readable text even where fontconfig finds nothing.

The decisive check runs in a subprocess with FONTCONFIG_FILE pointing at an empty config, so
the system's fonts are invisible and only CrisisDesk's own DejaVu can make the text appear.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QRunnable, QThreadPool
from pytestqt.qtbot import QtBot

from crisisdesk.printing.fonts import SANS, register_fonts
from crisisdesk.printing.pdf import html_to_pdf

WORDS = ["Incident", "command", "post", "Riverside", "Clinics", "phone", "list"]
HTML = "<h1>Incident command post</h1><p>Riverside Clinics &mdash; phone list</p>"

CHILD = r"""
import json, sys
from pathlib import Path
from PySide6.QtGui import QFontDatabase
from crisisdesk.printing.pdf import ensure_gui_app, html_to_pdf
ensure_gui_app()
from crisisdesk.printing.fonts import register_fonts
shipped = register_fonts()
others = sorted(set(QFontDatabase.families()) - set(shipped))
html_to_pdf(sys.argv[2], Path(sys.argv[1]), title="Font check")
print(json.dumps({"shipped": shipped, "others": others}))
"""


def fonts_embedded(path: Path) -> list[str]:
    names = []
    for page in PdfReader(path).pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            for desc_font in font.get("/DescendantFonts", [font]):
                desc = desc_font.get_object().get("/FontDescriptor")
                if desc is None:
                    continue
                desc = desc.get_object()
                if "/FontFile2" in desc or "/FontFile" in desc or "/FontFile3" in desc:
                    names.append(str(desc["/FontName"]))
    return names


def text_of(path: Path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


def assert_readable(path: Path) -> None:
    embedded = fonts_embedded(path)
    assert embedded, "no font file embedded in the PDF"
    assert any("DejaVu" in name for name in embedded), embedded
    text = text_of(path)
    for word in WORDS:
        assert word in text


@pytest.mark.slow
def test_pdf_embeds_shipped_font_with_no_system_fonts(tmp_path: Path) -> None:
    conf = tmp_path / "fonts.conf"
    conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
                    "<fontconfig></fontconfig>\n", encoding="utf-8")
    env = dict(os.environ, FONTCONFIG_FILE=str(conf), QT_QPA_PLATFORM="offscreen",
               XDG_CACHE_HOME=str(tmp_path / "cache"), HOME=str(tmp_path))
    env.pop("FONTCONFIG_PATH", None)
    out = tmp_path / "check.pdf"
    result = subprocess.run([sys.executable, "-c", CHILD, str(out), HTML], env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert SANS in report["shipped"]
    # fontconfig really found nothing: only Qt's alias families besides ours
    assert set(report["others"]) <= {"Sans Serif", "Serif", "Monospace"}, report["others"]
    assert_readable(out)


def test_pdf_in_process_is_us_letter_and_readable(qapp: object, tmp_path: Path) -> None:
    out = tmp_path / "sub" / "doc.pdf"
    html_to_pdf(HTML, out, title="Font check")
    assert_readable(out)
    reader = PdfReader(out)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # US Letter, pt
    assert reader.metadata is not None
    assert reader.metadata.title == "Font check"
    assert not [p for p in out.parent.iterdir() if p.name != "doc.pdf"]  # no temp left over
    assert register_fonts()


def test_pdf_renders_from_a_worker_thread(qtbot: QtBot, tmp_path: Path) -> None:
    """The phone list is rendered in a QThreadPool worker; that must give the same PDF."""
    out = tmp_path / "thread.pdf"
    errors: list[BaseException] = []

    class Render(QRunnable):
        def run(self) -> None:
            try:
                html_to_pdf(HTML, out, title="Font check")
            except BaseException as exc:
                errors.append(exc)

    pool = QThreadPool()
    job = Render()
    job.setAutoDelete(False)
    pool.start(job)
    assert pool.waitForDone(30_000)
    assert not errors
    assert_readable(out)
