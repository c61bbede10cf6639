"""Template use cases: draft, check, submit, approve, retire, import, export; and the one guard.

`require_approved` is the single gate every consumer (issuing a message, starting a calling
tree, rendering letters) must pass: it returns an `ApprovedTemplate` only for a version whose
status is approved, whose content still matches the SHA-256 recorded at approval and whose
approval is an approver's signature over that SHA-256, checked against the signed roster (see
services/roster.py): a status column set to approved outside the app is not an approval. And
`render_approved` accepts nothing else.

`check_draft` needs no session and touches no database, so the editor can run it on every
keystroke in a worker thread; the other functions are one user action each (one transaction,
one audit entry). Checking and rendering fill the template in inside the template process
(`template_process`), under the desk's time and memory limits.

Approval means a person at the organisation approved: a new desk gets the shipped library *in
review* (drafted and submitted by "CrisisDesk library"), so nothing leaves the building until
an approver approves it. Four-eyes by default: whoever drafted or submitted a version cannot
approve it. An admin may allow single-person approval for a tiny team, with a recorded reason
(`set_approval_policy`); an approval made under it says so on the version.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from crisisdesk.domain.compliance import CheckReport, Finding
from crisisdesk.domain.errors import DeskDamaged, NotFound, UserError, ValidationError
from crisisdesk.domain.operators import Role
from crisisdesk.domain.plaintext import html_to_text
from crisisdesk.domain.template_files import dump_file, parse_file
from crisisdesk.domain.templates import (
    LIBRARY_APPROVER,
    Channel,
    Status,
    TemplateMeta,
    TemplateVersion,
    check_meta,
    coerce_values,
    content_sha256,
    diff_versions,
    next_status_allowed,
)
from crisisdesk.services import roster as roster_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services import template_process
from crisisdesk.services.session import Session
from crisisdesk.store import library, replica_edits
from crisisdesk.store import templates as store
from crisisdesk.store import wording as wording_store


class NotApproved(UserError):
    """A consumer asked for a version that is not approved."""


class ApprovalRefused(UserError):
    def __init__(self, message: str, findings: tuple[Finding, ...]) -> None:
        super().__init__(message)
        self.findings = findings


class NeedsAcknowledgement(UserError):
    """Approval needs the approver to acknowledge these warnings first."""

    def __init__(self, message: str, warnings: tuple[Finding, ...]) -> None:
        super().__init__(message)
        self.warnings = warnings


@dataclass(frozen=True)
class ApprovedTemplate:
    """An approved version, as handed out by `require_approved` (and only by it)."""

    template_id: str
    key: str
    version: int
    meta: TemplateMeta
    body: str
    sha256: str
    approved_by: str
    approved_at: str

    @property
    def needs_legal_review(self) -> bool:
        return self.approved_by == LIBRARY_APPROVER


@dataclass(frozen=True)
class Rendered:
    """A filled-in message: `text` is what goes out (HTML for printed and web channels)."""

    approved: ApprovedTemplate
    text: str
    is_html: bool

    @property
    def plain(self) -> str:
        return html_to_text(self.text) if self.is_html else self.text


@dataclass(frozen=True)
class TemplateSummary:
    id: str
    key: str
    name: str
    audience: str
    channel: str
    language: str
    translation_group: str
    hipaa_notice: bool
    latest_version: int
    latest_status: Status
    approved_version: int | None
    approved_by: str | None
    statuses: frozenset[Status]

    @property
    def needs_legal_review(self) -> bool:
        return self.approved_by == LIBRARY_APPROVER

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "audience": self.audience,
                "channel": self.channel, "language": self.language,
                "translation_group": self.translation_group, "hipaa_notice": self.hipaa_notice,
                "latest_version": self.latest_version, "latest_status": self.latest_status.value,
                "approved_version": self.approved_version, "approved_by": self.approved_by,
                "needs_legal_review": self.needs_legal_review}


@dataclass(frozen=True)
class ImportResult:
    key: str
    version: int
    outcome: str  # "created", "new draft", "draft updated" or "unchanged"


@dataclass(frozen=True)
class ApprovalPolicy:
    """Four-eyes (the default) or single-person approval, with who allowed it and why."""

    single_person: bool = False
    reason: str = ""
    set_by: str = ""
    set_at: str = ""

    def describe(self) -> str:
        if not self.single_person:
            return ("Four-eyes: whoever drafted or submitted a version cannot approve it.")
        return (f"Single-person approval allowed by {self.set_by} ({self.set_at[:10]}): "
                f"{self.reason}")

    def to_dict(self) -> dict[str, Any]:
        return {"single_person": self.single_person, "reason": self.reason,
                "set_by": self.set_by, "set_at": self.set_at, "description": self.describe()}


@dataclass(frozen=True)
class CheckSettings:
    grade_target: int = 8
    phone_region: str = "US"
    limits: template_process.Limits = template_process.Limits()


# --- reading -------------------------------------------------------------------------------

def _template(session: Session, ref: str) -> dict[str, Any]:
    row = store.find_template(session.db, ref.strip())
    if row is None:
        keys = [str(t["key"]) for t in store.all_templates(session.db)]
        close = difflib.get_close_matches(ref, keys, n=1)
        hint = f"; did you mean {close[0]}?" if close else "; see 'crisisdesk templates list'."
        raise NotFound(f"No template {ref!r}{hint}")
    return row


def history(session: Session, ref: str) -> list[TemplateVersion]:
    """Every version of a template, oldest first."""
    return store.versions(session.db, _template(session, ref))


def get_version(session: Session, ref: str, version: int | None = None) -> TemplateVersion:
    """One version (the latest when `version` is None)."""
    template = _template(session, ref)
    number = version or store.latest_number(session.db, str(template["id"]))
    found = store.version(session.db, template, number)
    if found is None:
        raise NotFound(f"{template['key']} has no version {number}.")
    return found


def _summary(row: dict[str, Any], versions: Sequence[store.VersionState]) -> TemplateSummary:
    latest = versions[-1]
    approved = [v for v in versions if v.status is Status.APPROVED]
    return TemplateSummary(
        id=str(row["id"]), key=str(row["key"]), name=str(row["name"]),
        audience=str(row["audience"]), channel=str(row["channel"]),
        language=str(row["language"]), translation_group=str(row["translation_group"] or ""),
        hipaa_notice=bool(row["hipaa_notice"]), latest_version=latest.version,
        latest_status=latest.status,
        approved_version=approved[-1].version if approved else None,
        approved_by=approved[-1].approved_by if approved else None,
        statuses=frozenset(v.status for v in versions))


def list_templates(session: Session, *, audience: str | None = None,
                   channel: str | None = None, language: str | None = None,
                   status: str | None = None) -> list[TemplateSummary]:
    """Templates, filtered; `status` matches templates that have a version in that status."""
    out = []
    rows = [row for row in store.all_templates(session.db)
            if (not audience or row["audience"] == audience)
            and (not channel or row["channel"] == channel)
            and (not language or row["language"] == language)]
    every_version = store.version_states(session.db)
    for row in rows:
        versions = every_version.get(str(row["id"]), [])
        if not versions:
            continue
        summary = _summary(row, versions)
        if status and Status(status) not in summary.statuses:
            continue
        out.append(summary)
    return out


def translations(session: Session, ref: str) -> list[TemplateSummary]:
    """The same message in the other languages (templates sharing its translation group)."""
    row = _template(session, ref)
    group = str(row["translation_group"] or "")
    if not group:
        return []
    return [s for s in list_templates(session) if s.translation_group == group
            and s.key != row["key"]]


def diff(session: Session, ref: str, old: int, new: int) -> str:
    """A readable diff between two versions of one template."""
    return diff_versions(get_version(session, ref, old), get_version(session, ref, new))


def export_template(session: Session, ref: str, version: int | None = None) -> str:
    """The `.tmpl` text of a version (the latest by default), ready to edit and import."""
    found = get_version(session, ref, version)
    return dump_file(found.meta, found.body)


# --- checking ------------------------------------------------------------------------------

def check_settings(session: Session) -> CheckSettings:
    """The desk's reading-grade target, phone region and template limits, read once for a
    batch of checks."""
    return CheckSettings(int(settings_service.get(session, "reading_grade_target")),
                         str(settings_service.get(session, "default_phone_region")),
                         template_limits(session))


def template_limits(session: Session) -> template_process.Limits:
    """How long and how much memory filling in one template may take on this desk."""
    return template_process.Limits(
        float(settings_service.get(session, "template_time_limit_seconds")),
        int(settings_service.get(session, "template_memory_limit_mb")))


def check_draft(body: str, meta: TemplateMeta, sample_data: Mapping[str, Any] | None = None,
                *, settings: CheckSettings | None = None) -> CheckReport:
    """All checks on a text being edited: no session, no database, safe in a worker thread.

    The checks run in the template process (`template_process.check`): a template that runs
    away is stopped at the time limit and comes back as one error finding, and the calling
    thread only waits on a pipe meanwhile."""
    settings = settings or CheckSettings()
    return template_process.check(body, meta, sample_data, grade_target=settings.grade_target,
                                  phone_region=settings.phone_region,
                                  wording=wording_store.wording_rules(),
                                  limits=settings.limits)


def check_version(session: Session, ref: str, version: int | None = None,
                  sample_data: Mapping[str, Any] | None = None) -> CheckReport:
    found = get_version(session, ref, version)
    return check_draft(found.body, found.meta, sample_data, settings=check_settings(session))


def _problems(findings: tuple[Finding, ...]) -> str:
    first = str(findings[0]).rstrip(".")
    more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
    return f"{first}{more}"


def _refusal(errors: tuple[Finding, ...]) -> str:
    """Why approval is refused: every risky phrase and unbacked claim named, then the rest."""
    def named(code: str) -> list[str]:
        return list(dict.fromkeys(f'"{f.phrase}"' for f in errors if f.code == code))

    parts = []
    if risky := named("risky-wording"):
        parts.append("risky wording " + ", ".join(risky))
    if claims := named("fixed-claim"):
        parts.append("fixed claims with no recorded fact (" + ", ".join(claims) + ")")
    other = tuple(f for f in errors if f.code not in ("risky-wording", "fixed-claim"))
    if other:
        parts.append(_problems(other))
    return "; ".join(parts)


# --- changing ------------------------------------------------------------------------------

def create_template(session: Session, meta: TemplateMeta, body: str, *, note: str = "",
                    source: str = "editor") -> TemplateVersion:
    """A new template as draft version 1 (any operator may draft)."""
    session.require(Role.OPERATOR, "draft templates")
    check_meta(meta)
    if store.find_template(session.db, meta.key) is not None:
        raise ValidationError(f"There is already a template {meta.key}.", {"key": "taken"})
    sha = content_sha256(body, meta.variables, meta.required_sections)
    with session.action("template.create", "template",
                        summary=f"Drafted {meta.key} version 1") as act:
        template_id = store.insert_template(session.db, meta, at=act.at,
                                            by=session.operator.name, source=source)
        act.entity_id = template_id
        store.insert_version(session.db, template_id, 1, Status.DRAFT, meta, body, sha,
                             at=act.at, by=session.operator.name, note=note)
    return get_version(session, meta.key, 1)


def save_draft(session: Session, ref: str, body: str, *, meta: TemplateMeta | None = None,
               note: str = "") -> TemplateVersion:
    """Save an edit. The latest version is changed only if it is a draft; otherwise (in review,
    approved or retired) the edit becomes a new draft version and the old one stays as it was.
    `meta` may change the name, description, variables and required sections, not the key,
    audience, channel, language or notice type."""
    session.require(Role.OPERATOR, "edit templates")
    template = _template(session, ref)
    latest = get_version(session, str(template["key"]))
    meta = _same_identity(latest.meta, meta or latest.meta)
    sha = content_sha256(body, meta.variables, meta.required_sections)
    if sha == latest.sha256 and meta.name == latest.meta.name and (
            meta.description == latest.meta.description):
        return latest
    in_place = latest.status is Status.DRAFT
    number = latest.version if in_place else latest.version + 1
    verb = "Edited draft" if in_place else "Drafted"
    _not_in_conflict(session, str(template["id"]), meta.key)
    with session.action("template.edit", "template", str(template["id"]),
                        f"{verb} {meta.key} version {number}") as act:
        before = _team_value(session, str(template["id"]))
        if in_place:
            store.update_draft(session.db, str(template["id"]), number, meta, body, sha,
                               at=act.at, by=session.operator.name, note=note)
        else:
            store.insert_version(session.db, str(template["id"]), number, Status.DRAFT, meta,
                                 body, sha, at=act.at, by=session.operator.name, note=note)
        store.touch_template(session.db, str(template["id"]), at=act.at,
                             by=session.operator.name, name=meta.name,
                             description=meta.description)
        _note_team_change(session, str(template["id"]), before, act.at)
    return get_version(session, meta.key, number)


def _same_identity(old: TemplateMeta, new: TemplateMeta) -> TemplateMeta:
    for name in ("key", "audience", "channel", "language", "hipaa_notice"):
        if getattr(old, name) != getattr(new, name):
            raise ValidationError(
                f"A template's {name.replace('_', ' ')} cannot change ({getattr(old, name)} -> "
                f"{getattr(new, name)}); make a new template instead.", {name: "fixed"})
    return check_meta(replace(new, translation_group=old.translation_group))


def submit(session: Session, ref: str, version: int | None = None) -> TemplateVersion:
    """Send a draft for review; refused while the checks find an error (e.g. a syntax error)."""
    session.require(Role.OPERATOR, "submit templates for review")
    found = get_version(session, ref, version)
    _expect(found, Status.DRAFT, "submitted for review")
    report = check_version(session, found.meta.key, found.version)
    if report.submit_errors:
        raise ValidationError(
            f"Cannot submit {found.meta.key} version {found.version}: "
            f"{_problems(report.submit_errors)}.", {"template": "check"})
    _not_in_conflict(session, found.template_id, found.meta.key)
    with session.action("template.submit", "template", found.template_id,
                        f"Submitted {found.meta.key} version {found.version} for review") as act:
        _recheck_unchanged(session, found)
        before = _team_value(session, found.template_id)
        store.set_status(session.db, found.template_id, found.version, Status.IN_REVIEW,
                         at=act.at, by=session.operator.name, submitted_at=act.at,
                         submitted_by=session.operator.name)
        _note_team_change(session, found.template_id, before, act.at)
    return get_version(session, ref, found.version)


def send_back(session: Session, ref: str, version: int | None = None, *,
              reason: str = "") -> TemplateVersion:
    """Return a version in review to draft (approvers only), e.g. with the reviewer's notes."""
    session.require(Role.APPROVER, "send templates back to draft")
    found = get_version(session, ref, version)
    _expect(found, Status.IN_REVIEW, "sent back to draft")
    summary = f"Sent {found.meta.key} version {found.version} back to draft"
    _not_in_conflict(session, found.template_id, found.meta.key)
    with session.action("template.send_back", "template", found.template_id,
                        summary + (f": {reason}" if reason else "")) as act:
        before = _team_value(session, found.template_id)
        store.set_status(session.db, found.template_id, found.version, Status.DRAFT,
                         at=act.at, by=session.operator.name, submitted_at=None,
                         submitted_by=None, note=reason or found.note)
        _note_team_change(session, found.template_id, before, act.at)
    return get_version(session, ref, found.version)


def approve(session: Session, ref: str, version: int | None = None, *,
            acknowledge_warnings: bool = False) -> TemplateVersion:
    """Approve a version in review (approvers only).

    Refused with the reasons while the checks find an error (for a breach notice, a missing
    164.404(c) element); warnings such as the reading level must be acknowledged, and the
    acknowledged warnings are recorded with the approval. A previously approved version of
    the same template is retired as superseded.
    """
    session.require(Role.APPROVER, "approve templates")
    found = get_version(session, ref, version)
    _expect(found, Status.IN_REVIEW, "approved (submit it for review first)")
    policy = approval_policy(session)
    own = session.operator.name in {found.created_by, found.submitted_by}
    if own and not policy.single_person:
        raise ValidationError(
            f"You drafted or submitted {found.meta.key} version {found.version}, so another "
            "approver must approve it (four-eyes rule; an admin can allow single-person "
            "approval for a small team with 'crisisdesk templates policy').",
            {"approved_by": "author"})
    report = check_version(session, found.meta.key, found.version)
    if report.errors:
        raise ApprovalRefused(
            f"Cannot approve {found.meta.key} version {found.version}: "
            f"{_refusal(report.errors)}.", report.errors)
    if report.warnings and not acknowledge_warnings:
        raise NeedsAcknowledgement(
            f"{found.meta.key} version {found.version} has {len(report.warnings)} "
            f"warning(s) the approver must acknowledge: {_problems(report.warnings)}.",
            report.warnings)
    older = [v for v in history(session, ref) if v.status is Status.APPROVED]
    summary = f"Approved {found.meta.key} version {found.version} (sha256 {found.sha256[:12]})"
    if older:
        summary += f"; retired version {', '.join(str(v.version) for v in older)} as superseded"
    extra: dict[str, Any] = {}
    if own:
        self_note = f"Approved by its own author under the single-person policy: {policy.reason}"
        summary += f"; single-person approval ({policy.reason})"
        extra["note"] = f"{found.note}\n{self_note}".strip()
    _not_in_conflict(session, found.template_id, found.meta.key)
    with session.action("template.approve", "template", found.template_id, summary) as act:
        _recheck_unchanged(session, found)
        before = _team_value(session, found.template_id)
        store.set_status(session.db, found.template_id, found.version, Status.APPROVED,
                         at=act.at, by=session.operator.name, approved_at=act.at,
                         approved_by=session.operator.name,
                         acknowledged_warnings=[str(w) for w in report.warnings], **extra)
        roster_service.sign_approval(session, found.template_id, found.version, found.sha256)
        for old in older:
            store.set_status(session.db, old.template_id, old.version, Status.RETIRED,
                             at=act.at, by=session.operator.name, retired_at=act.at,
                             retired_by=session.operator.name,
                             retired_reason=f"superseded by version {found.version}")
        _note_team_change(session, found.template_id, before, act.at)
    return get_version(session, ref, found.version)


def retire(session: Session, ref: str, version: int | None = None, *,
           reason: str = "") -> TemplateVersion:
    """Take a version out of use (approvers only); by default the approved one."""
    session.require(Role.APPROVER, "retire templates")
    if version is None:
        approved = [v for v in history(session, ref) if v.status is Status.APPROVED]
        found = approved[-1] if approved else get_version(session, ref)
    else:
        found = get_version(session, ref, version)
    if not next_status_allowed(found.status, Status.RETIRED):
        raise ValidationError(f"{found.meta.key} version {found.version} is already retired.",
                              {"status": "retired"})
    summary = f"Retired {found.meta.key} version {found.version}"
    _not_in_conflict(session, found.template_id, found.meta.key)
    with session.action("template.retire", "template", found.template_id,
                        summary + (f": {reason}" if reason else "")) as act:
        before = _team_value(session, found.template_id)
        store.set_status(session.db, found.template_id, found.version, Status.RETIRED,
                         at=act.at, by=session.operator.name, retired_at=act.at,
                         retired_by=session.operator.name, retired_reason=reason)
        _note_team_change(session, found.template_id, before, act.at)
    return get_version(session, ref, found.version)


# --- team desks: a template's latest version replicates (store/replica_templates.py) ---------

def _team_value(session: Session, template_id: str) -> dict[str, Any]:
    return replica_edits.current(session.db, "template", template_id)


def _note_team_change(session: Session, template_id: str, before: dict[str, Any],
                      at: str) -> None:
    """On a team desk the template's new latest version is an edit record that replicates."""
    replica_edits.note_now(session.db, "template", template_id, before,
                           operator=session.operator.name, at=at)


def in_team_conflict(session: Session, template_id: str) -> bool:
    """Two laptops changed (or one approved what another changed) without seeing it."""
    return replica_edits.in_conflict(session.db, ("template", template_id, "release"))


def _not_in_conflict(session: Session, template_id: str, key: str) -> None:
    if in_team_conflict(session, template_id):
        raise ValidationError(
            f"{key} was changed on two laptops at once; settle the conflict first (Team "
            "page, or 'crisisdesk team conflicts'), then approve the kept version again.",
            {"template": "conflict"})


def _expect(found: TemplateVersion, status: Status, doing: str) -> None:
    if found.status is not status:
        raise ValidationError(
            f"{found.meta.key} version {found.version} is {found.status.label}; only a "
            f"version that is {status.label} can be {doing}.", {"status": found.status.value})


def _recheck_unchanged(session: Session, checked: TemplateVersion) -> None:
    """Inside the write transaction: nobody changed the version since it was checked."""
    now = get_version(session, checked.meta.key, checked.version)
    if now.status is not checked.status or now.sha256 != checked.sha256:
        raise ValidationError(
            f"{checked.meta.key} version {checked.version} changed while it was being "
            "checked; look at it again.", {"version": "changed"})


# --- the guard and rendering ---------------------------------------------------------------

def require_approved(session: Session, ref: str, version: int | None = None
                     ) -> ApprovedTemplate:
    """The approved version to use (the current one when `version` is None), or NotApproved.

    Every consumer calls this before using a template: issuing a message, starting a calling
    tree, rendering letters. It also recomputes the content hash, so a version altered behind
    CrisisDesk's back is refused.
    """
    template = _template(session, ref)
    versions = store.versions(session.db, template)
    key = str(template["key"])
    if in_team_conflict(session, str(template["id"])):
        raise NotApproved(f"{key} was changed on two laptops at once; it cannot be used until "
                          "a coordinator settles the conflict (Team page, or 'crisisdesk team "
                          "conflicts') and the kept version is approved again.")
    if version is None:
        approved = [v for v in versions if v.status is Status.APPROVED]
        if not approved:
            raise NotApproved(f"{key} has no approved version; only approved versions can be "
                              "used.")
        found = approved[-1]
    else:
        match = [v for v in versions if v.version == version]
        if not match:
            raise NotFound(f"{key} has no version {version}.")
        found = match[0]
        if found.status is not Status.APPROVED:
            current = [v.version for v in versions if v.status is Status.APPROVED]
            hint = f"; the approved version is {current[-1]}" if current else ""
            raise NotApproved(f"{key} version {version} is {found.status.label}; only approved "
                              f"versions can be used{hint}.")
    if content_sha256(found.body, found.meta.variables,
                      found.meta.required_sections) != found.sha256:
        raise DeskDamaged(f"{key} version {found.version} no longer matches the content that "
                          "was approved; do not use it, and check the audit log.")
    unsigned = roster_service.check_approval(session, found.template_id, found.version,
                                             found.sha256)
    if unsigned:
        raise NotApproved(f"{key} version {found.version} cannot be used: {unsigned}; "
                          "run 'crisisdesk audit verify' and have an approver approve it again.")
    assert found.approved_by is not None
    assert found.approved_at is not None
    return ApprovedTemplate(found.template_id, key, found.version, found.meta, found.body,
                            found.sha256, found.approved_by, found.approved_at)


def desk_facts(session: Session) -> dict[str, Any]:
    """Values every desk can fill in itself (an incident's facts and the user's come on top)."""
    import datetime as dt

    return {"org_name": settings_service.display_org(session),
            "letter_date": dt.datetime.now(settings_service.zone(session)).date()}


def render_approved(session: Session, approved: ApprovedTemplate,
                    values: Mapping[str, Any], *, omit_sections: tuple[str, ...] = (),
                    insert: str = "") -> Rendered:
    """Fill an approved template with `values` (over the desk's own facts).

    A missing value or one of the wrong type is a ValidationError naming the variable.
    `omit_sections` leaves blocks out and `insert` adds text rendered from another approved
    template (a state's insert in a letter; see `templating.render_sections`).
    """
    if not isinstance(approved, ApprovedTemplate):
        raise TypeError("render_approved needs the result of require_approved")
    region = str(settings_service.get(session, "default_phone_region"))
    declared = {v.name for v in approved.meta.variables}
    facts = {k: v for k, v in desk_facts(session).items() if k in declared}
    typed = coerce_values(approved.meta, {**facts, **dict(values)}, phone_region=region)
    html = approved.meta.channel.is_html
    text = template_process.render(approved.body, typed, html=html,
                                   language=approved.meta.language.value, phone_region=region,
                                   omit=omit_sections, insert=insert,
                                   limits=template_limits(session))
    if approved.meta.channel is Channel.SMS:
        text = text.strip()
    return Rendered(approved, text, html)


# --- import, export and the shipped library ------------------------------------------------

def import_template(session: Session, text: str, *, source_name: str = "file") -> ImportResult:
    """Import one `.tmpl` file: a new template becomes draft version 1; a known key gets a new
    draft (or an updated one) unless the content is unchanged."""
    session.require(Role.OPERATOR, "import templates")
    parsed = parse_file(text, source_name)
    existing = store.find_template(session.db, parsed.meta.key)
    if existing is None:
        created = create_template(session, parsed.meta, parsed.body,
                                  note=f"imported from {source_name}", source="import")
        return ImportResult(created.meta.key, created.version, "created")
    latest = get_version(session, parsed.meta.key)
    saved = save_draft(session, parsed.meta.key, parsed.body, meta=parsed.meta,
                       note=f"imported from {source_name}")
    if saved.version == latest.version and saved.sha256 == latest.sha256:
        return ImportResult(saved.meta.key, saved.version, "unchanged")
    outcome = "draft updated" if saved.version == latest.version else "new draft"
    return ImportResult(saved.meta.key, saved.version, outcome)


LIBRARY_NOTE = ("CrisisDesk library: have your organisation's counsel review it; an approver "
                "at your organisation approves it before it can be used")


def install_library_rows(session: Session, at: str) -> int:
    """Write the shipped library as version 1 *in review*, drafted and submitted by "CrisisDesk
    library" (so any approver at the organisation may approve it), skipping keys the desk
    already has. No audit entry of its own: call it inside an action (desk.init)."""
    count = 0
    for tf in library.library_files():
        if store.find_template(session.db, tf.meta.key) is not None:
            continue
        sha = content_sha256(tf.body, tf.meta.variables, tf.meta.required_sections)
        template_id = store.insert_template(session.db, tf.meta, at=at, by=LIBRARY_APPROVER,
                                            source="library")
        store.insert_version(session.db, template_id, 1, Status.IN_REVIEW, tf.meta, tf.body,
                             sha, at=at, by=LIBRARY_APPROVER, submitted_by=LIBRARY_APPROVER,
                             note=LIBRARY_NOTE)
        count += 1
    return count


def install_library(session: Session) -> int:
    """Add any shipped library templates this desk lacks (approvers only), in review; returns
    how many."""
    session.require(Role.APPROVER, "import the template library")
    with session.action("template.library", "template",
                        summary="Imported the CrisisDesk template library") as act:
        count = install_library_rows(session, act.at)
        act.summary = f"Imported {count} CrisisDesk library templates for review"
    return count


def approve_library_for_demo(session: Session) -> int:
    """The demo desk only: its library versions in review become approved *as the library*
    (marked as needing legal review), so the demo works at once. Returns how many."""
    count = 0
    with session.action("template.library_demo", "template",
                        summary="Demo desk: library templates approved as shipped") as act:
        for row in store.all_templates(session.db):
            for v in store.versions(session.db, row):
                if v.status is Status.IN_REVIEW and v.created_by == LIBRARY_APPROVER:
                    store.set_status(session.db, v.template_id, v.version, Status.APPROVED,
                                     at=act.at, by=LIBRARY_APPROVER, approved_at=act.at,
                                     approved_by=LIBRARY_APPROVER)
                    if session.can_sign:  # signed by the demo's admin, who approves here
                        roster_service.sign_approval(session, v.template_id, v.version,
                                                     v.sha256)
                    count += 1
        act.summary = f"Demo desk: {count} library templates approved as shipped"
    return count


# --- the approval policy ---------------------------------------------------------------------

def approval_policy(session: Session) -> ApprovalPolicy:
    raw = store.approval_policy(session.db)
    return ApprovalPolicy(bool(raw.get("single_person")), str(raw.get("reason", "")),
                          str(raw.get("set_by", "")), str(raw.get("set_at", "")))


def set_approval_policy(session: Session, *, single_person: bool, reason: str = ""
                        ) -> ApprovalPolicy:
    """Allow (or stop allowing) an approver to approve their own versions (admins only).

    Allowing it needs a reason, e.g. "two-person privacy team; counsel reviews every letter";
    the reason is in the audit log and on every version approved that way.
    """
    session.require(Role.ADMIN, "change the template approval policy")
    reason = " ".join(reason.split())
    if single_person and len(reason) < 10:
        raise ValidationError("Give the reason single-person approval is needed (at least a "
                              "few words; it is recorded and shown on the templates).",
                              {"reason": "missing"})
    if len(reason) > 500:
        raise ValidationError("Keep the reason under 500 characters.", {"reason": "too long"})
    summary = ("Allowed single-person template approval: " + reason if single_person
               else "Template approval set to four-eyes (the author cannot approve)")
    with session.action("template.policy", "template", summary=summary) as act:
        policy = ApprovalPolicy(single_person, reason if single_person else "",
                                session.operator.name, act.at)
        store.set_approval_policy(session.db, {
            "single_person": policy.single_person, "reason": policy.reason,
            "set_by": policy.set_by, "set_at": policy.set_at})
    return policy
