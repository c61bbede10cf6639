"""The recovery key on one page, to print when a desk is created and keep with the crisis plan.

The key opens the desk when every operator's passphrase is lost, so the sheet says what it is,
where to keep it and how to use it, and nothing else from the desk. It is made from the values
given (no session): the first-run window prints it before the desk is open in the app.
Writing goes through `pdf.html_to_pdf` (written beside the target, proven, renamed).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from crisisdesk.printing.crisis_paper import document, esc, header_table
from crisisdesk.printing.pdf import html_to_pdf

TITLE = "CrisisDesk recovery key"


def recovery_sheet_html(org: str, code: str, data_dir: Path, made: dt.date) -> str:
    body = (
        header_table([("Organisation", org), ("Desk folder", str(data_dir)),
                      ("Made on", made.isoformat())])
        + '<p>&#160;</p><p style="font-size: 20pt; font-family: monospace;"><b>'
        + esc(code) + "</b></p><p>&#160;</p>"
        "<p><b>What it is.</b> This key opens the desk when nobody can remember a passphrase. "
        "Anyone holding it can read everything on the desk: keep it locked away, with the "
        "crisis plan, not with the laptop.</p>"
        "<p><b>How to use it.</b> In the unlock window choose <i>Use the recovery key "
        "instead</i> and type the key (the dashes are optional), or on the command line put it "
        "in a file and add <tt>--recovery-key-file FILE</tt>.</p>"
        "<p><b>If it is lost or seen by someone else.</b> An admin replaces it (Settings, or "
        "<tt>crisisdesk operators recovery-key</tt>); the old key then stops working.</p>")
    return document(TITLE, body, sub="Shown once when the desk was created. Keep this page.")


def recovery_text(org: str, code: str, data_dir: Path, made: dt.date) -> str:
    """The same, as a small text file to save on a USB stick kept apart from the laptop."""
    return (f"{TITLE}\nOrganisation: {org}\nDesk folder: {data_dir}\nMade on: {made.isoformat()}"
            f"\n\n    {code}\n\nThis key opens the desk when nobody can remember a passphrase. "
            "Keep it locked away, apart from the laptop.\n")


def write_recovery_pdf(path: Path, org: str, code: str, data_dir: Path, made: dt.date) -> None:
    html_to_pdf(recovery_sheet_html(org, code, data_dir, made), path, title=TITLE)
