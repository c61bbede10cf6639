"""What a verified caller may be told: the letter, its date, the masked address, the code.

Only after `verify` succeeded on the same lookup, for the same agent; every opening is an
audit entry (naming the record's opaque id, never its contents).
"""

from __future__ import annotations

from dataclasses import dataclass

from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.hotline import mask_line1
from crisisdesk.domain.letters import Variant
from crisisdesk.domain.operators import Role
from crisisdesk.services.hotline.verify import lookup_row
from crisisdesk.services.session import Session, agent_allowed
from crisisdesk.store import hotline as store


@dataclass(frozen=True)
class CallerDetails:
    reference: str
    template_key: str
    template_version: int
    language: str
    status: str
    mailed_on: str  # "" while not mailed
    remailed_on: str
    address_line1: str  # masked except the house number
    enrollment_code: str  # "" when the letter offers none
    enrollment_url: str
    deadline: str  # the last day to enrol ("" without a code)
    monitoring_months: int


@agent_allowed
def caller_details(session: Session, handle: str) -> CallerDetails:
    """The letter sent for the verified caller's record."""
    session.require(Role.AGENT, "use the hotline")
    with session.action("hotline.open", "hotline_lookup", handle) as act:
        row = lookup_row(session, handle)
        if not row.verified_id:
            raise ValidationError("Verify the caller first.", {"handle": "not verified"})
        found = store.letter_details(session.db, row.verified_id)
        act.entity_type, act.entity_id = "recipient", row.verified_id
        act.summary = "Hotline record opened for a verified caller"
    if found is None:
        raise ValidationError("No letter was made for this record yet.", {"letter": "none"})
    line1 = found["nok_address1"] if found["variant"] == Variant.DECEASED else found["address1"]
    return CallerDetails(
        reference=str(found["reference"]), template_key=str(found["template_key"]),
        template_version=int(found["template_version"]), language=str(found["language"]),
        status=str(found["status"]), mailed_on=str(found["mailed_on"] or ""),
        remailed_on=str(found["remailed_on"] or ""), address_line1=mask_line1(line1 or ""),
        enrollment_code=str(found["code"] or ""), enrollment_url=str(found["enrollment_url"]
                                                                     or ""),
        deadline=str(found["expires_on"] or ""),
        monitoring_months=int(found["monitoring_months"] or 0))
