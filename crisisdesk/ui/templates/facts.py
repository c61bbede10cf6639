"""Which values fill a template for the preview and for issuing.

The current incident's facts (dates, counts, what happened) come from
`services.facts.incident_facts` when this build has it; otherwise the desk's own facts
(organisation name, today's date). Either way the template's sample values fill whatever is
left, so a preview always renders. Reading happens on the GUI thread: a few small queries.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
from typing import Any

from crisisdesk.domain.errors import UserError
from crisisdesk.domain.incidents import Incident
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import templates as template_service
from crisisdesk.services.session import Session


def has_incident_facts() -> bool:
    return importlib.util.find_spec("crisisdesk.services.facts") is not None


def facts_for(session: Session, incident_id: str | None = None) -> dict[str, Any]:
    """The desk's facts, overlaid with the incident's (the current one when id is None)."""
    facts = template_service.desk_facts(session)
    if has_incident_facts():
        module = importlib.import_module("crisisdesk.services.facts")
        with contextlib.suppress(UserError):  # no incident: the desk's facts still render
            facts.update(module.incident_facts(session, incident_id))
    return {k: v for k, v in facts.items() if v is not None and v != ""}


def incidents(session: Session) -> tuple[list[Incident], Incident | None]:
    """Every incident, and the current one (for the incident choosers)."""
    return incident_service.list_incidents(session), incident_service.current_incident(session)
