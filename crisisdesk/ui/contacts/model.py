"""The contacts table model: one row per `Contact`, updated in place rather than reset.

`set_rows()` (the shared `RowTableModel`) removes rows that went away, emits `dataChanged` for
rows that changed and appends new ones, so a refresh after a CLI change (or a search
refinement) keeps the user's selection and scroll position. Order is the view's business: the
shared `SortProxy` sorts on `SORT_ROLE` (case-folded text), and `OBJECT_ROLE` hands back
the `Contact` itself.
"""

from __future__ import annotations

from crisisdesk.domain.contacts import Contact
from crisisdesk.ui.widgets.table_model import RowTableModel

NAME, TITLE, ORGANISATION, KIND, PHONES, EMAIL = range(6)
HEADERS = ("Name", "Title", "Organisation", "Kind", "Phones", "Email")


def phones_text(contact: Contact, sep: str = "  ·  ") -> str:
    return sep.join(f"{p.label} {p.shown}".strip() for p in contact.phones)


class ContactsModel(RowTableModel[Contact]):
    HEADERS = HEADERS
    CELLS = (
        lambda c: c.name, lambda c: c.job_title, lambda c: c.organisation,
        lambda c: c.kind.label, phones_text, lambda c: c.email,
    )

    def key(self, row: Contact) -> str:
        return row.id

    def tooltip(self, row: Contact, column: int) -> str | None:
        return phones_text(row, "\n") if column == PHONES and row.phones else None
