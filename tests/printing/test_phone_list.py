"""The phone list's HTML: every value escaped, sorted by name, no Qt needed."""

from __future__ import annotations

from crisisdesk.domain.contacts import Contact, ContactKind, Phone
from crisisdesk.printing.phone_list import phone_list_html


def contact(name: str, org: str = "Riverside", phones: tuple[Phone, ...] = ()) -> Contact:
    return Contact("id-" + name, name, "Title <i>", org, ContactKind.LAW_ENFORCEMENT, phones,
                   "", "", (), "", "", "")


def test_values_are_escaped_and_sorted() -> None:
    html = phone_list_html([
        contact("zoe <script>alert(1)</script>"),
        contact("Al & Co", phones=(Phone("mobile", "(312) 555-0100", "+13125550100"),)),
    ], org="St. Mary's <Hospital>", printed="2025-11-25 10:00 by alex")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "Al &amp; Co" in html
    assert "Title &lt;i&gt;" in html
    assert "St. Mary&#x27;s &lt;Hospital&gt;" in html
    assert html.index("Al &amp; Co") < html.index("zoe &lt;script")
    assert "(312) 555-0100" in html
    assert "law enforcement" in html
    assert "2 contacts" in html
    assert "printed 2025-11-25 10:00 by alex" in html


def test_empty_list_says_so() -> None:
    assert "No contacts yet." in phone_list_html([])
