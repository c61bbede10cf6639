"""The systems status board, in the spirit of HICS 251 (Facility System Status Report).

Each of the organisation's systems (EHR, e-mail, phones, ...) has a status, the time it has had
it, the downtime procedure in use and notes. The list is the desk's to edit; a new desk starts
with `DEFAULT_SYSTEMS`. Every status change is also written to the incident timeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from crisisdesk.domain.choices import checked_text, parse_choice
from crisisdesk.domain.errors import ValidationError

MAX_NAME = 80
MAX_NOTES = 1000


class SystemStatus(StrEnum):
    UP = "up"
    DEGRADED = "degraded"
    DOWN = "down"
    UNKNOWN = "unknown"
    RESTORED = "restored"

    @property
    def hics_251(self) -> str:
        """The HICS 251 wording for paper."""
        return {"up": "Fully functional", "degraded": "Partially functional",
                "down": "Nonfunctional", "unknown": "Unknown",
                "restored": "Restored (fully functional)"}[self.value]


DEFAULT_SYSTEMS: tuple[str, ...] = (
    "EHR", "Email", "Phones", "Pharmacy", "Lab", "Imaging", "Scheduling", "Billing", "Network",
)


@dataclass(frozen=True)
class SystemRow:
    id: str
    name: str
    status: SystemStatus
    since: str  # UTC ISO: when it got this status
    procedure: str = ""  # the downtime procedure in use
    notes: str = ""
    position: int = 0
    updated_at: str = ""
    updated_by: str = ""


def clean_name(name: str) -> str:
    return checked_text(" ".join(name.split()), "name", limit=MAX_NAME,
                        missing="A system needs a name.",
                        too_long=f"A system name is at most {MAX_NAME} characters.")


def parse_status(value: str) -> SystemStatus:
    return parse_choice(SystemStatus, value, "status")


def clean_notes(text: str, field_name: str = "notes") -> str:
    cleaned = text.strip()
    if len(cleaned) > MAX_NOTES:
        raise ValidationError(f"{field_name.capitalize()} are at most {MAX_NOTES} characters.",
                              {field_name: "too long"})
    return cleaned
