"""The breach risk assessment on paper: each fact under its factor with who recorded it, the
conclusion, the signer, and the changes from the superseded version; in the desk's time zone,
with no record id or UTC stamp."""

from __future__ import annotations

from pathlib import Path

from crisisdesk.domain.breach_assessment import Factor
from crisisdesk.printing.breach_assessment import assessment_html
from crisisdesk.printing.pdf import html_to_pdf
from crisisdesk.services import breach_assessment as assess
from crisisdesk.services import settings as settings_service
from crisisdesk.services.session import Session
from tests.support.crisis import freeze, open_incident
from tests.support.paper import Paper, machine_values, times_without_zone

FACTS = {Factor.NATURE: "Names, dates of birth and diagnoses",
         Factor.PERSON: "Criminal group demanding a ransom",
         Factor.ACQUIRED: "Firewall shows 2 GB sent out before encryption",
         Factor.MITIGATION: "Servers rebuilt from offline backups"}


def test_the_printed_assessment_shows_facts_signers_and_changes(session: Session,
                                                                 tmp_path: Path) -> None:
    freeze(session)
    settings_service.set(session, "timezone", "America/Chicago")
    incident_id = open_incident(session)
    assess.start_version(session)
    for factor, text in FACTS.items():
        assess.add_fact(session, factor, text)
    assess.sign(session)
    assess.start_version(session)
    assess.add_fact(session, Factor.MITIGATION, "Attacker's accounts disabled")
    a = assess.sign(session)

    pdf = tmp_path / "assessment.pdf"
    html_to_pdf(assessment_html(session), pdf, title="Breach risk assessment")
    paper = Paper.load("assessment", pdf)
    text = " ".join(" ".join(page.split()) for page in paper.pages)
    for factor, fact in FACTS.items():
        assert factor.heading in text
        assert fact in text
    assert "Breach presumed: notification required" in text
    assert "Ransomware" in text  # the presumption is stated
    assert "Signed by alex as Privacy Officer" in text
    assert "Signature verified" in text
    assert ("Changes from version 1 (signed by alex) to version 2 (signed by alex)" in text)
    assert "Attacker's accounts disabled" in text
    assert machine_values(paper) == []
    assert times_without_zone(paper, ("CST", "CDT")) == []
    assert incident_id not in text
    assert a.id not in text
