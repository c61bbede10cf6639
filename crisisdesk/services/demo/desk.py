"""`crisisdesk demo`: a realistic, entirely fictional desk to train on and to try features with.

The demo is built through the same services a user's actions go through (so validation runs and
every record has its audit entry), as a list of seeding steps: a later feature adds its demo
data by appending one step to `SEED_STEPS`. A fixed random seed makes every demo desk alike.

A real desk is never deleted: `--force` replaces an existing desk only when it is provably the
demo (its organisation is the demo's and the demo passphrase opens it) and no app has it open.
"""

from __future__ import annotations

import contextlib
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from crisisdesk.domain.errors import DeskAlreadyOpen, DeskExists, WrongPassphrase
from crisisdesk.domain.operators import Role
from crisisdesk.paths import DeskPaths
from crisisdesk.services import contacts as contact_service
from crisisdesk.services import desk as desk_service
from crisisdesk.services import operators as operator_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services.demo.data import (
    DEMO_OPERATOR,
    DEMO_OPERATORS,
    DEMO_PASSPHRASE,
    ORG,
    FictionalNumbers,
    external_drafts,
    staff_drafts,
)
from crisisdesk.services.session import Session
from crisisdesk.store.lock import DeskLock
from crisisdesk.store.vault import KdfParams, Vault

DEMO_ORG = ORG
DEMO_SEED = 2026


@dataclass
class SeedContext:
    """What the seeding steps share: the open demo session and one seeded source of chance."""

    session: Session
    rng: random.Random
    kdf: KdfParams | None = None
    numbers: FictionalNumbers = field(init=False)

    def __post_init__(self) -> None:
        self.numbers = FictionalNumbers(self.rng)


SeedStep = Callable[[SeedContext], str]  # returns one line for the summary


def seed_operators(ctx: SeedContext) -> str:
    for name, role, passphrase in DEMO_OPERATORS[1:]:
        operator_service.add_operator(ctx.session, name, role, passphrase, ctx.kdf)
    return f"{len(DEMO_OPERATORS)} operators (admin, approver, operator)"


def seed_settings(ctx: SeedContext) -> str:
    public = (
        ("timezone", "America/Chicago"), ("org_display_name", DEMO_ORG),
        ("public_phone", "1-833-555-0142"),
        ("public_hours", "Monday to Saturday, 8 a.m. to 8 p.m. Central Time"),
        ("public_email", "privacy@riverbend-health.example"),
        ("public_website", "www.riverbend-health.example/notice"),
        ("public_postal_address", "Privacy Office, 400 River Road, Springfield, IL 62701"),
        ("signer_name", "Margaret Whitfield"), ("signer_title", "Privacy Officer"),
        ("staff_hotline", "(312) 555-0150"),
    )
    for key, value in public:
        settings_service.set(ctx.session, key, value)
    return "settings: time zone America/Chicago, public help line and letter signer"


def seed_staff(ctx: SeedContext) -> str:
    drafts = staff_drafts(ctx.rng, ctx.numbers)
    for draft in drafts:
        contact_service.add_contact(ctx.session, draft)
    return f"{len(drafts)} staff across 4 sites and 9 departments"


def seed_external(ctx: SeedContext) -> str:
    drafts = external_drafts(ctx.rng, ctx.numbers)
    for draft in drafts:
        contact_service.add_contact(ctx.session, draft)
    return (f"{len(drafts)} outside contacts: counsel, forensics, insurance, law enforcement, "
            "regulators, media, vendors")


def seed_incident(ctx: SeedContext) -> str:
    from crisisdesk.services.demo.incident import seed_incident_demo

    return seed_incident_demo(ctx.session)


def seed_media(ctx: SeedContext) -> str:
    from crisisdesk.services.demo.media import seed_media_demo

    return seed_media_demo(ctx.session)


def seed_calling_trees(ctx: SeedContext) -> str:
    from crisisdesk.services.demo.calling_trees import seed_calling_trees as seed

    return seed(ctx.session, ctx.rng)


def seed_letters(ctx: SeedContext) -> str:
    from crisisdesk.services.demo.letters import seed_letters_demo

    return seed_letters_demo(ctx.session, ctx.rng)


SEED_STEPS: list[SeedStep] = [seed_operators, seed_settings, seed_staff, seed_external,
                              seed_incident, seed_media, seed_calling_trees, seed_letters]


@dataclass(frozen=True)
class DemoResult:
    data_dir: Path
    recovery_code: str
    operators: tuple[tuple[str, Role, str], ...]
    steps: list[str]
    contacts: int


def _desk_files(paths: DeskPaths) -> list[Path]:
    db = paths.desk_file
    return [db, Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}-journal"), paths.slots_file]


def _remove_demo_desk(paths: DeskPaths) -> None:
    """Delete the desk in `paths` only if it is provably the demo and nobody has it open."""
    refuse = (f"{paths.data_dir} holds a desk that is not the demo; CrisisDesk never deletes a "
              "real desk: choose another --data-dir for the demo.")
    if not paths.exists():
        raise DeskExists(refuse)  # a desk file without key slots: leave it for a human
    vault = Vault.load(paths.data_dir)
    if vault.org != DEMO_ORG:
        raise DeskExists(refuse)
    try:
        vault.unlock(DEMO_OPERATOR, DEMO_PASSPHRASE)
    except WrongPassphrase:
        raise DeskExists(refuse) from None
    lock = DeskLock(paths.lock_file)
    try:
        lock.acquire()
    except DeskAlreadyOpen:
        raise DeskAlreadyOpen("The demo desk is open in CrisisDesk; close the app, then run "
                              "'crisisdesk demo --force' again.") from None
    try:
        for leftover in _desk_files(paths):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        shutil.rmtree(paths.backups_dir, ignore_errors=True)
    finally:
        lock.release()


def create_demo(data_dir: Path, *, force: bool = False, kdf: KdfParams | None = None,
                steps: list[SeedStep] | None = None) -> DemoResult:
    """Create the demo desk in `data_dir` (replacing an older demo desk only with `force`)."""
    paths = DeskPaths(data_dir)
    if paths.exists() or paths.desk_file.exists():
        if not force:
            raise DeskExists(f"{data_dir} already holds a desk; choose another --data-dir "
                             "(or use --force to rebuild an existing demo desk).")
        _remove_demo_desk(paths)
    result = desk_service.init_desk(data_dir, org=DEMO_ORG, operator=DEMO_OPERATOR,
                                    passphrase=DEMO_PASSPHRASE, kdf=kdf)
    session = result.session
    try:
        from crisisdesk.services.templates import approve_library_for_demo

        approve_library_for_demo(session)  # the demo works at once; a real desk approves
        ctx = SeedContext(session, random.Random(DEMO_SEED), kdf)
        summaries = [step(ctx) for step in (SEED_STEPS if steps is None else steps)]
        contacts = contact_service.count_contacts(session)
    except BaseException:
        session.close()
        for leftover in _desk_files(paths):  # a half-built demo is no use to anyone
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        raise
    session.close()
    return DemoResult(data_dir, result.recovery_code, DEMO_OPERATORS, summaries, contacts)
