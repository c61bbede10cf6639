"""Team desks: one desk cloned to several laptops that exchange their work as bundle files.

A crisis team is never one laptop, and often has no network. `clone_desk` copies the desk for
another laptop (same data key and team key, a new laptop id; only the recovery key's and the
cloning admin's key slots travel with it: the other operators' slots stay on this laptop).
Afterwards each laptop works alone; `export_bundle` writes what this laptop knows (everything,
or what a given laptop had not shown it yet) into one encrypted file, and `import_bundle`
merges such a file, whatever its order, however often, whichever laptop relayed it, and says
what it brought. Each is one action with one audit entry; a bundle that is refused changes
nothing. What replicates today: activations (their start and their close), call attempts and
caller marks, timeline entries, media inquiry and cadence events, the communication log, hotline
calls and unanswered hotline questions, the letters' mailing log, systems board updates, filing
steps and substitute-notice placements (the append-only records; store/replication.py FAMILIES),
contacts, calling trees and incidents created after the clone and their deletion
(store/replica_creations.py), and changes of contacts, incident fields, role line-ups,
calling trees' structure, templates, team-wide settings and legal deadlines marked done as
edit records (team_conflicts).
"""

from __future__ import annotations

import dataclasses
import re
import secrets
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from crisisdesk.domain.errors import NotFound, UserError, ValidationError
from crisisdesk.domain.formatting import count_of
from crisisdesk.domain.operators import Role
from crisisdesk.services.calling_trees import reports
from crisisdesk.services.session import Session
from crisisdesk.store import incidents as incident_store
from crisisdesk.store import recipients as recipient_store
from crisisdesk.store import record_origins, replica_conflicts, replica_purge, team_bundle
from crisisdesk.store import replica_projection as projection
from crisisdesk.store import replication as repl
from crisisdesk.store.db import DESK_FILE
from crisisdesk.store.files import built_beside, new_desk_folder
from crisisdesk.store.vault import SLOTS_FILE, Vault, slot_key

FIRST_LAPTOP = "First laptop"
NAME_MAX = 60
# (singular, plural) of what each family's records are called in a sentence.
NOUNS = {
    "call_attempt": ("call attempt", "call attempts"),
    "caller_mark": ("caller marked (un)available", "callers marked (un)available"),
    "timeline_entry": ("timeline entry", "timeline entries"),
    "media_event": ("media inquiry event", "media inquiry events"),
    "cadence_event": ("media cadence event", "media cadence events"),
    "log_entry": ("communication log entry", "communication log entries"),
    "hotline_call": ("hotline call", "hotline calls"),
    "edit": ("change", "changes"),  # to a contact, role, tree, incident, template, setting
    "letter_event": ("mailing log event", "mailing log events"),
    "hotline_question": ("hotline question", "hotline questions"),
    "substitute_placement": ("substitute notice placement", "substitute notice placements"),
    "system_update": ("systems board update", "systems board updates"),
    "filing_event": ("filing step", "filing steps"),
    "activation_close": ("activation closed", "activations closed"),
    "contact": ("contact", "contacts"),
    "calling_tree": ("calling tree", "calling trees"),
    "incident": ("incident", "incidents"),
    "removal": ("deletion", "deletions"),
    "tree_node": ("person added to a calling tree", "people added to calling trees"),
    "template": ("template", "templates"),
    "period": ("operational period", "operational periods"),
}
NOUNS["purge"] = ("patient data purge", "patient data purges")


def _noun(family: str, n: int) -> str:
    one, many = NOUNS.get(family, (family.replace("_", " "), family.replace("_", " ") + "s"))
    return count_of(n, one, many)


def _clean_name(name: str, what: str) -> str:
    text = " ".join(name.split())
    if not text:
        raise ValidationError(f"Give {what} a name (e.g. 'Site 2 laptop').", {"name": "empty"})
    if len(text) > NAME_MAX:
        raise ValidationError(f"A laptop name can be at most {NAME_MAX} characters.",
                              {"name": "too long"})
    return text


def _identity(session: Session) -> repl.Identity:
    ident = repl.identity(session.db)
    if ident is None:
        raise UserError("This desk is not part of a team yet; make a copy for another laptop "
                        "with 'crisisdesk team clone'.")
    return ident


# -- clone ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CloneResult:
    data_dir: Path
    laptop_id: str
    laptop_name: str
    this_laptop: str


def clone_desk(session: Session, to: Path, name: str, *, this_name: str = "") -> CloneResult:
    """Copy the desk into the new, empty folder `to` for another laptop named `name` (admins).

    The first clone makes this desk the team's first laptop (named `this_name`, default
    "First laptop"). The copy opens with the recovery key and with the cloning admin's
    passphrase; it gets a laptop id of its own. Nothing appears at `to` unless it is whole.
    """
    session.require(Role.ADMIN, "copy the desk for another laptop")
    name = _clean_name(name, "the new laptop")
    to = new_desk_folder(to, "clone")
    db = session.db
    laptop_id = str(uuid.uuid4())
    with session.action("team.clone", "laptop", laptop_id,
                        f"Copied the desk for another laptop ({name})") as act:
        ident = repl.identity(db)
        if ident is None:
            ident = repl.new_team(db, _clean_name(this_name or FIRST_LAPTOP, "this laptop"))
        elif this_name:
            ident = dataclasses.replace(ident, laptop_name=_clean_name(this_name, "this laptop"))
            repl.set_identity(db, ident)
        replica = repl.load(db)
        taken = {n.casefold() for n in replica.laptops().values()} | {
            ident.laptop_name.casefold()}
        if name.casefold() in taken:
            raise ValidationError(f"A laptop of this team is already called {name!r}; "
                                  "pick another name.", {"name": "taken"})
        repl.ingest(db, replica, ident, act.at)
        # Named here too, so this laptop can export `--for` it before it has sent anything.
        repl.append(db, replica.name_laptop(laptop_id, name), source="local", at=act.at)
        record_origins.keep_laptop_names(db, {**replica.laptops(),
                                              ident.laptop_id: ident.laptop_name})
    vault = Vault.load(session.data_dir)
    keep = [s for s in vault.slots if s.kind == "recovery" or (
        s.kind == "operator" and slot_key(s.operator) == slot_key(session.operator.name))]
    with built_beside(to, "clone") as staging:
        try:
            repl.copy_desk(db, staging / DESK_FILE, session._data_key,
                           repl.Identity(ident.team_id, ident.team_key, laptop_id, name))
        except OSError as exc:
            raise UserError(f"Could not write the copy to {to}: {exc.strerror or exc}.") from None
        Vault(staging / SLOTS_FILE, vault.desk_id, vault.org, keep).save()
    return CloneResult(to, laptop_id, name, ident.laptop_name)


# -- export -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExportResult:
    path: Path
    records: int  # records in the bundle (this laptop's and those it relays)
    size_bytes: int
    for_laptop: str  # "" = everything this laptop knows
    everything: bool

    def as_dict(self) -> dict[str, object]:
        return {"path": str(self.path), "records": self.records,
                "size_bytes": self.size_bytes, "for_laptop": self.for_laptop,
                "everything": self.everything}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:30] or "laptop"


def bundle_name(session: Session, ident: repl.Identity) -> str:
    stamp = session.now_iso().replace(":", "").replace("-", "")
    return f"CDX-{_slug(ident.laptop_name)}-{stamp}-{secrets.token_hex(2)}{team_bundle.SUFFIX}"


def _laptop_ref(ref: str, laptops: dict[str, str], own: str) -> str:
    """The laptop id for a name (any case) or an id (or its first 8 characters)."""
    wanted = " ".join(ref.split()).casefold()
    hits = [lid for lid, name in laptops.items()
            if name.casefold() == wanted or lid == ref or (len(ref) >= 8 and lid.startswith(ref))]
    if not hits:
        known = ", ".join(sorted(n for lid, n in laptops.items() if lid != own)) or "none yet"
        raise NotFound(f"No laptop {ref!r} in this team (known: {known}).")
    return hits[0]


def export_bundle(session: Session, to: Path, *, for_laptop: str = "",
                  force: bool = False) -> ExportResult:
    """Write one encrypted bundle to `to` (a file, or a folder for a dated name): everything
    this laptop knows, or with `for_laptop` only what that laptop had not shown us yet (all of
    it for a laptop never heard from)."""
    session.require(Role.OPERATOR, "export work for the team")
    ident = _identity(session)
    to = to.expanduser()
    target = to / bundle_name(session, ident) if to.is_dir() else to
    if not target.parent.is_dir():
        raise UserError(f"The folder {target.parent} does not exist; create it or pick another.")
    if target.exists() and not force:
        raise UserError(f"{target} already exists; pick a new name or a folder.")
    db = session.db
    with session.action("team.export", "laptop", ident.laptop_id, "Exported a team bundle") as act:
        replica = repl.load(db)
        repl.ingest(db, replica, ident, act.at)
        laptops = {**replica.laptops(), ident.laptop_id: ident.laptop_name}
        since, target_name = None, ""
        if for_laptop:
            target_id = _laptop_ref(for_laptop, laptops, ident.laptop_id)
            target_name = laptops.get(target_id, target_id)
            since = repl.peer_state(db, target_id)
        update = replica.delta(since)
        records = repl.count_records(update)
        bundle = team_bundle.Bundle(ident.team_id, ident.laptop_id, act.at, {
            "record_schema": repl.RECORD_SCHEMA, "doc": repl.DOC,
            "update": team_bundle.b64(update), "state": team_bundle.b64(replica.state())})
        try:
            size = team_bundle.write(target, bundle, ident.team_key)
        except OSError as exc:
            raise UserError(f"Could not write {target}: {exc.strerror or exc}.") from None
        scope = f" for {target_name}" if target_name else ""
        act.summary = (f"Exported a team bundle{scope}: {count_of(records, 'record')}, "
                       f"{size} bytes")
    return ExportResult(target, records, size, target_name, since is None)


# -- import -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ImportResult:
    path: Path
    sender: str  # the laptop that made the bundle (its name when known)
    brought: dict[str, dict[str, int]]  # origin laptop name -> family -> rows added
    waiting: int  # records kept until what they refer to arrives
    already: str  # when this very file was imported before ("" = first time)
    conflicts: int = 0  # fields the bundle's edits left in conflict (see team_conflicts)
    renamed: int = 0  # trees renamed: two laptops created one of the same name
    on_removed: int = 0  # edits of a deleted contact or removed tree: kept, not applied
    purges: tuple[str, ...] = ()  # purges applied here ("Purged by O on laptop L: ...")
    rekeyed: int = 0  # templates given a new key: two laptops created one with one key
    set_aside: int = 0  # periods set aside: two laptops started one with one number
    kept_once: int = 0  # a person added to one tree on two laptops: one entry kept

    @property
    def total(self) -> int:
        return sum(sum(f.values()) for f in self.brought.values())

    def sentence(self) -> str:
        """"42 call attempts from Site 2 laptop, 3 timeline entries from Command centre"."""
        parts = [f"{_noun(family, n)} from {origin}"
                 for origin, families in self.brought.items()
                 for family, n in families.items()]
        text = ", ".join(parts) if parts else "nothing new"
        if self.conflicts:
            text += f", {count_of(self.conflicts, 'conflict')}"
        if self.renamed:
            text += (f"; {count_of(self.renamed, 'calling tree')} renamed (two laptops "
                     "created trees of the same name)")
        if self.on_removed:
            text += (f"; {count_of(self.on_removed, 'change')} to deleted entries not applied")
        if self.rekeyed:
            text += (f"; {count_of(self.rekeyed, 'template')} given a new key (two laptops "
                     "created templates with the same key)")
        if self.set_aside:
            text += (f"; {count_of(self.set_aside, 'operational period')} set aside (two "
                     "laptops started the same period; the one started first is kept)")
        if self.kept_once:
            text += (f"; {count_of(self.kept_once, 'person', 'people')} added to a calling "
                     "tree on two laptops, kept once (as added first)")
        if self.waiting:
            text += (f"; {count_of(self.waiting, 'record')} waiting for what "
                     f"{'it refers' if self.waiting == 1 else 'they refer'} to")
        return "; ".join((text, *self.purges))

    def as_dict(self) -> dict[str, object]:
        return {"path": str(self.path), "sender": self.sender, "brought": self.brought,
                "total": self.total, "waiting": self.waiting, "conflicts": self.conflicts,
                "renamed": self.renamed, "not_applied": self.on_removed,
                "rekeyed": self.rekeyed, "set_aside": self.set_aside,
                "kept_once": self.kept_once,
                "already_imported": self.already, "purges": list(self.purges),
                "summary": self.sentence()}


def _payload(bundle: team_bundle.Bundle, name: str) -> tuple[bytes, bytes]:
    """(update, sender state) from a decrypted bundle; BundleRefused if it is not ours."""
    p = bundle.payload
    schema = p.get("record_schema")
    if not isinstance(schema, int) or isinstance(schema, bool):
        raise team_bundle.BundleRefused(f"{name} is not a CrisisDesk team bundle.")
    if schema > repl.RECORD_SCHEMA or p.get("doc") != repl.DOC:
        raise team_bundle.BundleRefused(
            f"{name} holds records of a newer CrisisDesk (record schema {schema}); upgrade "
            "CrisisDesk on this laptop to import it.")
    try:
        return team_bundle.unb64(p.get("update")), team_bundle.unb64(p.get("state"))
    except ValueError:
        raise team_bundle.BundleRefused(f"{name} is damaged; nothing was imported.") from None


def import_bundle(session: Session, path: Path) -> ImportResult:
    """Merge a bundle made by any laptop of the team: idempotent, in any order, relayed or not.
    A bundle that is not this team's, altered, truncated or too new changes nothing."""
    session.require(Role.OPERATOR, "import work from the team")
    ident = _identity(session)
    path = path.expanduser()
    bundle = team_bundle.read(path, ident.team_id, ident.team_key)
    update, sender_state = _payload(bundle, path.name)
    db = session.db
    with session.action("team.import", "laptop", bundle.sender,
                        "Imported a team bundle") as act:
        already = repl.bundle_seen(db, bundle.sha256) or ""
        replica = repl.load(db)
        try:
            replica.apply(update)
        except ValueError:
            raise team_bundle.BundleRefused(f"{path.name} is damaged; nothing was "
                                            "imported.") from None
        screened = replica_purge.screen(db, replica)
        brought = projection.project(db, replica)
        for activation_id in sorted(brought.closed):
            reports.refresh_kept_report(session, activation_id)
        if screened.active:  # the raw update may hold a purged incident's records
            repl.rewrite_log(db, replica, act.at)
        elif not already:
            repl.append(db, update, source=bundle.sender, at=act.at)
        if bundle.sender != ident.laptop_id:  # (this laptop's own bundle, back again)
            repl.note_peer(db, bundle.sender, sender_state, bundle_at=bundle.created_at,
                           at=act.at)
        laptops = {**replica.laptops(), ident.laptop_id: ident.laptop_name}
        record_origins.keep_laptop_names(db, laptops)
        by_origin: dict[str, Counter[str]] = {}
        for (origin, family), n in sorted(brought.rows.items()):
            by_origin.setdefault(laptops.get(origin, origin[:8]), Counter())[family] += n
        sender = laptops.get(bundle.sender, bundle.sender[:8])
        purges = tuple(_purge_note(session, p, laptops) for p in screened.applied)
        result = ImportResult(path, sender, {o: dict(c) for o, c in by_origin.items()},
                              brought.waiting, already, brought.conflicts, brought.renamed,
                              brought.on_removed, purges, rekeyed=brought.rekeyed,
                              set_aside=brought.set_aside, kept_once=brought.kept_once)
        repl.note_bundle(db, bundle.sha256, bundle.sender, act.at, result.sentence())
        act.summary = "; ".join((f"Imported a team bundle from {sender}: "
                                 f"{count_of(result.total, 'record')} new"
                                 + _origins_note(result.brought)
                                 + (f", {brought.waiting} waiting" if brought.waiting else ""),
                                 *purges))
    if screened.scrub:  # as after a purge here: no freed page or old WAL frame keeps a row
        recipient_store.scrub_free_pages(db)
    return result


def _origins_note(brought: dict[str, dict[str, int]]) -> str:
    """" (3 from Command centre, 2 from Site 2 laptop)": which laptops wrote what an import
    brought, so the audit entry names the origin of relayed work too."""
    counts = [f"{sum(families.values())} from {origin}"
              for origin, families in brought.items() if sum(families.values())]
    return f" ({', '.join(counts)})" if counts else ""


def _purge_note(session: Session, purge: replica_purge.Purge,
                laptops: dict[str, str]) -> str:
    """"Purged by O on laptop L at T: the patient data of incident 'title'"."""
    incident = incident_store.get(session.db, purge.incident_id)
    what = f"incident {incident.title!r}" if incident else f"incident {purge.incident_id[:8]}"
    laptop = laptops.get(purge.origin, purge.origin[:8])
    return f"Purged by {purge.by} on laptop {laptop} at {purge.at}: the patient data of {what}"


# -- status -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class LaptopStatus:
    laptop_id: str
    name: str
    records_here: int  # records of this laptop this desk holds
    last_bundle_at: str = ""  # when its newest bundle imported here was made
    imported_at: str = ""
    families: dict[str, int] = field(default_factory=dict)  # its records here, by family

    def held(self) -> str:
        """'2 contacts, 1 incident, 3 timeline entries' (what this desk holds from it)."""
        kinds = sorted(self.families.items(), key=lambda kv: NOUNS.get(kv[0], (kv[0],))[0])
        return ", ".join(_noun(f, n) for f, n in kinds) or "nothing yet"


@dataclass(frozen=True)
class TeamStatus:
    team_id: str
    laptop_id: str
    laptop_name: str
    not_exported: int  # rows written here that no bundle has carried yet
    waiting: int
    families: dict[str, int]  # family -> records held
    laptops: list[LaptopStatus] = field(default_factory=list)
    conflicts: int = 0  # fields edited concurrently, not yet resolved (team_conflicts)

    def as_dict(self) -> dict[str, object]:
        return {"team_id": self.team_id, "laptop_id": self.laptop_id,
                "laptop_name": self.laptop_name, "not_exported": self.not_exported,
                "waiting": self.waiting, "conflicts": self.conflicts,
                "records": self.families,
                "laptops": [dataclasses.asdict(lap) for lap in self.laptops]}


def team_status(session: Session) -> TeamStatus:
    """Which team and laptop this is, what it holds from whom, and what it has not sent."""
    ident = _identity(session)
    db = session.db
    replica = repl.load(db)
    names = {**replica.laptops(), ident.laptop_id: ident.laptop_name}
    origins = repl.by_origin(db)
    seen = {lid: (bundle_at, imported_at) for lid, bundle_at, imported_at in repl.peers(db)}
    counts = repl.counts(db)
    outbox = sum(states.get("outbox", 0) for states in counts.values())
    waiting = sum(states.get("waiting", 0) for states in counts.values())
    families = {f: sum(states.values()) for f, states in sorted(counts.items())}
    ids = sorted(set(names) | set(origins) | set(seen),
                 key=lambda lid: (lid != ident.laptop_id, names.get(lid, lid)))
    held = repl.by_origin_family(db, ident.laptop_id)
    laptops = [LaptopStatus(lid, names.get(lid, lid[:8]),
                            origins.get(lid, 0) + (outbox if lid == ident.laptop_id else 0),
                            *seen.get(lid, ("", "")), held.get(lid, {})) for lid in ids]
    return TeamStatus(ident.team_id, ident.laptop_id, ident.laptop_name, outbox, waiting,
                      families, laptops, len(replica_conflicts.conflicts(db)))
