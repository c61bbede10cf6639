"""Blank forms to fill in by hand when the desk is down, in the spirit of HICS 213 and 214.

HICS 213 (General Message, formerly the Incident Message Form) carries a message that cannot be
given by word of mouth: sender fills blocks 1-9, the recipient replies in 10-11 and the form
goes back, with a copy to the Documentation Unit Leader. HICS 214 (Activity Log) records the
notable activities and decisions of one position, one row per entry with a 24-hour time, and
later types into CrisisDesk's timeline. Both are printed empty except for the organisation, so
a form is never tied to one incident's data (see the design notes' HICS table).
"""

from __future__ import annotations

from crisisdesk.printing.crisis_paper import GRID, document, esc, grid_table, header_table

BOX = "&#9744;"
LOG_ROWS = 16


def _cell(label: str, height_lines: int = 1) -> str:
    filler = "&#160;<br>" * height_lines
    return f'<td><span class="small">{esc(label)}</span><br>{filler}</td>'


def message_form_html(*, org: str = "") -> str:
    """HICS 213-style General Message: one page, blocks numbered as on the form."""
    body = header_table([("1. Incident name", ""), ("Facility", org),
                         ("5. Date", ""), ("6. Time (24 h)", "")])
    body += (f"{GRID}<tr>{_cell('2. To (name and position)', 2)}"
             f"{_cell('3. From (name and position)', 2)}</tr></table>")
    body += f"{GRID}<tr>{_cell('4. Subject', 1)}</tr></table>"
    body += (f'{GRID}<tr><td><span class="small">7. Priority</span><br>'
             f"{BOX} Urgent - High &#160;&#160; {BOX} Non-urgent - Medium &#160;&#160; "
             f"{BOX} Informational - Low &#160;&#160;&#160;&#160; {BOX} Response required"
             "</td></tr></table>")
    body += f"{GRID}<tr>{_cell('8. Message', 14)}</tr></table>"
    body += (f"{GRID}<tr>{_cell('9. Approved by: name', 1)}{_cell('Signature', 1)}"
             f"{_cell('Position', 1)}</tr></table>")
    body += f"{GRID}<tr>{_cell('10. Reply / action taken', 10)}</tr></table>"
    body += (f"{GRID}<tr>{_cell('11. Replied by: name and position', 1)}"
             f"{_cell('Signature', 1)}{_cell('Facility', 1)}{_cell('Date / time (24 h)', 1)}"
             "</tr></table>")
    foot = ("Sender: complete blocks 1-9 and give the form to the recipient. Recipient: reply "
            "in blocks 10-11 and return it to the sender. Copy to the Documentation Unit "
            "Leader. Type the message into CrisisDesk when it is back.")
    return document("General Message (HICS 213)", body,
                    sub="For a message that cannot be given by word of mouth or needs a "
                        "record.", foot=esc(foot))


def activity_log_form_html(*, org: str = "", rows: int = LOG_ROWS) -> str:
    """HICS 214-style Activity Log: a header and ruled rows with a 24-hour time column."""
    body = header_table([("1. Incident name", ""), ("2. Operational period: from", ""),
                         ("to", ""), ("Facility", org)])
    body += header_table([("3. Name", ""), ("4. HIMT position", ""), ("Page", "____ of ____")])
    lines = "".join("<tr><td>&#160;</td><td>&#160;</td><td>&#160;<br>&#160;</td></tr>"
                    for _ in range(rows))
    body += "<h2>5. Activity log</h2>" + grid_table(
        [("Date", 13), ("Time (24 h)", 14),
         ("Notable activities: assignments, decisions, difficulties, injuries", 73)], lines)
    body += (f"{GRID}<tr>{_cell('6. Prepared by: name', 1)}{_cell('Position', 1)}"
             f"{_cell('Signature', 1)}{_cell('Date / time (24 h)', 1)}</tr></table>")
    foot = ("Give the completed log to the Documentation Unit Leader at the end of each "
            "operational period. It is the basis for the after-action report; type the entries "
            "into the CrisisDesk timeline when the desk is back.")
    return document("Activity Log (HICS 214)", body,
                    sub="One log per person and position; one row per notable activity.",
                    foot=esc(foot))


__all__ = ["activity_log_form_html", "message_form_html"]
