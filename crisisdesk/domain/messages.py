"""The communication log: one entry per issued message, kept six years (45 CFR 164.530(j)).

An entry records which approved template version was used, for whom, how, when, by whom and
for how many recipients; never the recipients themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LOG_COLUMNS = ("issued_at", "operator", "template_key", "template_name", "version",
               "template_sha256", "audience", "channel", "language", "recipient_count",
               "incident_id", "note", "content_sha256", "sms_segments")


@dataclass(frozen=True)
class LogEntry:
    """One issued message in the communication log (kept six years: 45 CFR 164.530(j))."""

    id: str
    issued_at: str
    operator: str
    template_key: str
    template_name: str
    version: int
    template_sha256: str
    audience: str
    channel: str
    language: str
    recipient_count: int
    incident_id: str = ""
    note: str = ""
    content_sha256: str = ""
    sms_segments: int | None = None

    def row(self) -> list[str]:
        return ["" if getattr(self, c) is None else str(getattr(self, c))
                for c in LOG_COLUMNS]

    def to_dict(self) -> dict[str, Any]:
        return {c: getattr(self, c) for c in ("id", *LOG_COLUMNS)}

