"""The breach risk assessment (45 CFR 164.402(2)) as the privacy officer works it.

Public API
----------
start_version(session, incident_ref=None) -> Assessment
    A new draft version: the first starts empty ("breach presumed"), a later one copies the
    signed version before it, which it supersedes. Refused while a draft is open.
add_fact(session, factor, text, incident_ref=None) -> Assessment        (on the open draft)
remove_fact(session, factor, number, incident_ref=None) -> Assessment   (number: 1-based,
    within the factor)
conclude(session, conclusion, reasons="", incident_ref=None) -> Assessment
sign(session, incident_ref=None) -> Assessment
    The acting operator signs the draft as privacy officer (approver or admin on the signed
    roster); from then on it is never changed.
get(session, incident_ref=None, version=None) -> Assessment   (None: the newest)
versions(session, incident_ref=None) -> list[Assessment]
compare(session, incident_ref=None, old=None, new=None) -> Diff   (default: the last two)
signature_problem(session, assessment) -> str   "" when the signature verifies
current_conclusion(session, incident_id) -> Conclusion | None     newest signed version's

Every change is one action with one audit entry (the factor and version, never the fact's
text: a fact may name a patient). Signing also writes the conclusion to the timeline.
"""

from __future__ import annotations

import dataclasses
import uuid

from crisisdesk.domain import breach_assessment as domain
from crisisdesk.domain import roster as signing
from crisisdesk.domain.breach_assessment import (
    Assessment,
    Conclusion,
    Diff,
    Fact,
    Factor,
    Signature,
)
from crisisdesk.domain.errors import NotFound, PermissionDenied, ValidationError
from crisisdesk.domain.incidents import Incident, IncidentKind
from crisisdesk.domain.operators import Role
from crisisdesk.domain.timeline import Category
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.session import Session
from crisisdesk.store import breach_assessment as store


def is_ransomware(incident: Incident) -> bool:
    """Ransomware by the incident's type, or named in its title or summary."""
    text = f"{incident.title} {incident.summary}".casefold()
    return incident.kind is IncidentKind.RANSOMWARE or "ransomware" in text


def _incident(session: Session, incident_ref: str | None) -> Incident:
    incident = (incident_service.get_incident(session, incident_ref) if incident_ref
                else incident_service.current_incident(session))
    if incident is None:
        raise NotFound("There is no current incident; open one or name it.")
    return incident


def versions(session: Session, incident_ref: str | None = None) -> list[Assessment]:
    return store.versions(session.db, _incident(session, incident_ref).id)


def get(session: Session, incident_ref: str | None = None,
        version: int | None = None) -> Assessment:
    incident = _incident(session, incident_ref)
    found = store.versions(session.db, incident.id)
    if not found:
        raise NotFound(f"No risk assessment yet for {incident.title!r}; start one with "
                       "`crisisdesk assessment new`.")
    if version is None:
        return found[-1]
    for a in found:
        if a.version == version:
            return a
    raise NotFound(f"version: no version {version} (versions 1 to {found[-1].version}).")


def _draft(session: Session, incident_ref: str | None) -> Assessment:
    a = get(session, incident_ref)
    if a.is_signed:
        raise ValidationError(f"Version {a.version} is signed and cannot be changed; start a "
                              "new version (`crisisdesk assessment new`).",
                              {"version": "signed"})
    return a


def start_version(session: Session, incident_ref: str | None = None) -> Assessment:
    incident = _incident(session, incident_ref)
    before = store.latest(session.db, incident.id)
    if before is not None and not before.is_signed:
        raise ValidationError(f"Version {before.version} is still a draft: add to it or sign "
                              "it before starting another.", {"version": "draft open"})
    number = before.version + 1 if before else 1
    with session.action("assessment.new", "breach_assessment", "",
                        f"Started breach risk assessment version {number}") as act:
        a = Assessment(
            id=str(uuid.uuid4()), incident_id=incident.id, version=number,
            facts=before.facts if before else (),
            conclusion=before.conclusion if before else Conclusion.BREACH,
            reasons=before.reasons if before else "", ransomware=is_ransomware(incident),
            created_at=act.at, created_by=session.operator.name)
        act.entity_id = a.id
        store.insert(session.db, a)
    return a


def _save_draft(session: Session, a: Assessment, name: str, summary: str) -> Assessment:
    with session.action(name, "breach_assessment", a.id, summary):
        if not store.update_draft(session.db, a):
            raise ValidationError(f"Version {a.version} was signed meanwhile; start a new "
                                  "version.", {"version": "signed"})
    return a


def add_fact(session: Session, factor: Factor | str, text: str,
             incident_ref: str | None = None) -> Assessment:
    chosen = factor if isinstance(factor, Factor) else domain.parse_factor(factor)
    cleaned = domain.clean_fact(text)
    a = _draft(session, incident_ref)
    fact = Fact(chosen, cleaned, session.operator.name, session.now_iso())
    a = dataclasses.replace(a, facts=(*a.facts, fact))
    return _save_draft(session, a, "assessment.fact", f"Fact added to factor {chosen.value} "
                       f"(assessment version {a.version})")


def remove_fact(session: Session, factor: Factor | str, number: int,
                incident_ref: str | None = None) -> Assessment:
    chosen = factor if isinstance(factor, Factor) else domain.parse_factor(factor)
    a = _draft(session, incident_ref)
    mine = a.facts_for(chosen)
    if not 1 <= number <= len(mine):
        raise ValidationError(f"number: factor {chosen.value} has {len(mine)} facts; "
                              f"{number} is not one of them.", {"number": "out of range"})
    gone = mine[number - 1]
    facts = tuple(f for f in a.facts if f is not gone)
    a = dataclasses.replace(a, facts=facts)
    return _save_draft(session, a, "assessment.fact_remove", f"Fact {number} removed from "
                       f"factor {chosen.value} (assessment version {a.version})")


def conclude(session: Session, conclusion: Conclusion | str, reasons: str = "",
             incident_ref: str | None = None) -> Assessment:
    chosen = (conclusion if isinstance(conclusion, Conclusion)
              else domain.parse_conclusion(conclusion))
    a = _draft(session, incident_ref)
    text = domain.check_conclusion(chosen, reasons, a.facts, a.ransomware)
    a = dataclasses.replace(a, conclusion=chosen, reasons=text)
    return _save_draft(session, a, "assessment.conclude", f"Assessment version {a.version} "
                       f"concluded: {chosen.value}")


def sign(session: Session, incident_ref: str | None = None) -> Assessment:
    session.require(Role.APPROVER, "sign a breach risk assessment as privacy officer")
    a = get(session, incident_ref)
    problems = domain.sign_problems(a)
    if problems:
        raise ValidationError(f"Cannot sign: {problems[0]}.", {"version": "not signable"})
    domain.check_conclusion(a.conclusion, a.reasons, a.facts, a.ransomware)
    if not session.can_sign:
        raise PermissionDenied(f"{session.operator.name} has no signing key yet; unlock the "
                               "desk again to make one.")
    digest = domain.content_hash(session.desk_id, a)
    with session.action("assessment.sign", "breach_assessment", a.id,
                        f"Signed breach risk assessment version {a.version}: "
                        f"{a.conclusion.value}") as act:
        payload = domain.signature_payload(session.desk_id, a.id, a.version, digest)
        signed = Signature(session.operator.name, session.public_key, session.sign(payload),
                           act.at)
        if not store.set_signature(session.db, a.id, digest, signed):
            raise ValidationError(f"Version {a.version} is already signed.",
                                  {"version": "signed"})
        superseded = f"; supersedes version {a.version - 1}" if a.version > 1 else ""
        timeline_service.record_in_action(
            session, act, f"Breach risk assessment version {a.version} signed by "
            f"{session.operator.name} as {domain.SIGNED_AS}: {a.conclusion.label}{superseded}.",
            category=Category.DECISION, source="assessment", incident_id=a.incident_id)
    return dataclasses.replace(a, content_hash=digest, signed=signed)


def signature_problem(session: Session, a: Assessment) -> str:
    """Why this version's signature cannot be trusted ("" if it can; "not signed" for a
    draft): the content must hash as signed, by a key an approver or admin held."""
    if a.signed is None:
        return "not signed"
    digest = domain.content_hash(session.desk_id, a)
    if digest != a.content_hash:
        return "its content was changed after signing (outside the app)"
    check = session.verified_roster()
    if not check.ok:
        return f"the roster does not match its signatures ({check.problem})"
    if check.current is not None and a.signed.key not in check.approver_keys:
        return f"it is signed by {a.signed.signer}, who is not an approver"
    if not signing.verify(a.signed.key, domain.signature_payload(
            session.desk_id, a.id, a.version, digest), a.signed.signature):
        return "its signature does not match its content"
    return ""


def compare(session: Session, incident_ref: str | None = None, old: int | None = None,
            new: int | None = None) -> Diff:
    found = versions(session, incident_ref)
    if len(found) < 2 and (old is None or new is None):
        raise NotFound("There is only one version; a diff needs two.")
    by_number = {a.version: a for a in found}
    new_v = new if new is not None else found[-1].version
    old_v = old if old is not None else new_v - 1
    for label, number in (("old", old_v), ("new", new_v)):
        if number not in by_number:
            raise NotFound(f"{label}: no version {number} (versions 1 to {found[-1].version}).")
    return domain.diff(by_number[old_v], by_number[new_v])


def current_conclusion(session: Session, incident_id: str) -> Conclusion | None:
    """The conclusion of the newest signed version (None: nothing signed yet)."""
    signed = [a for a in store.versions(session.db, incident_id) if a.is_signed]
    return signed[-1].conclusion if signed else None
