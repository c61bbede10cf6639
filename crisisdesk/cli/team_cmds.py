"""`crisisdesk team clone|export|import|sync|status|conflicts|resolve`: one desk on several laptops,
merged offline, with concurrent edits shown and resolved, never settled silently."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from crisisdesk.cli.common import CliContext, emit_json, json_option, pass_cli, table
from crisisdesk.domain.errors import UserError
from crisisdesk.domain.formatting import count_of
from crisisdesk.services import localtime, team, team_conflicts, team_folder


@click.group("team")
def team_group() -> None:
    """One desk on several laptops: clone it, then exchange work as encrypted bundle files."""


@team_group.command("clone")
@click.option("--to", "to", required=True, metavar="NEWDIR", type=click.Path(path_type=Path),
              help="A new or empty folder for the other laptop's desk (e.g. on a USB stick).")
@click.option("--name", required=True, metavar="NAME",
              help="The other laptop's name, as the team will see it (e.g. 'Site 2 laptop').")
@click.option("--this-name", default="", metavar="NAME",
              help="This laptop's name (the first clone names it 'First laptop' otherwise).")
@json_option
@pass_cli
def clone_cmd(cli: CliContext, to: Path, name: str, this_name: str, as_json: bool) -> None:
    """Copy the desk into NEWDIR for another laptop of the team (admins only).

    The copy holds everything the desk holds now and the team's key, opens with the recovery
    key and with your passphrase (the other operators' key slots stay on this laptop), and is
    a laptop of its own. Copy NEWDIR onto the other laptop and open it with --data-dir.

    \b
    Example: crisisdesk team clone --to /media/usb/site2-desk --name "Site 2 laptop"
    """
    result = team.clone_desk(cli.session(), to, name, this_name=this_name)
    if as_json:
        emit_json({"data_dir": str(result.data_dir), "laptop_id": result.laptop_id,
                   "laptop_name": result.laptop_name, "this_laptop": result.this_laptop})
        return
    click.echo(f"Copied the desk for {result.laptop_name} into {result.data_dir}")
    click.echo(f"This laptop is {result.this_laptop}. On the other laptop open it with:")
    click.echo(f"    crisisdesk --data-dir {shlex.quote(str(result.data_dir))}")


@team_group.command("export")
@click.option("--to", "to", required=True, metavar="FILE", type=click.Path(path_type=Path),
              help="The bundle file to write, or a folder (a dated name is chosen).")
@click.option("--for", "for_laptop", default="", metavar="LAPTOP",
              help="Only what LAPTOP (name or id) had not shown this laptop yet.")
@click.option("--force", is_flag=True, help="Replace FILE if it already exists.")
@json_option
@pass_cli
def export_cmd(cli: CliContext, to: Path, for_laptop: str, force: bool, as_json: bool) -> None:
    """Write one encrypted bundle of this laptop's work and what it relays from others.

    Without --for it holds everything this laptop knows (right for a laptop never met, or a
    USB stick that travels round the team).

    \b
    Example: crisisdesk team export --to /media/usb/ --for "Site 2 laptop"
    """
    result = team.export_bundle(cli.session(), to, for_laptop=for_laptop, force=force)
    if as_json:
        emit_json(result.as_dict())
        return
    scope = f" for {result.for_laptop}" if result.for_laptop else ""
    whole = " (everything this laptop knows)" if result.everything else ""
    click.echo(f"Wrote {result.path}{scope}: {count_of(result.records, 'record')}{whole}, "
               f"{result.size_bytes:,} bytes.")


@team_group.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@json_option
@pass_cli
def import_cmd(cli: CliContext, files: tuple[Path, ...], as_json: bool) -> None:
    """Merge bundles from the team's laptops (any order; importing one twice does nothing).

    A bundle of another team, altered, truncated or from a newer CrisisDesk is refused with
    one line and nothing of it is applied; exit 1 if any was refused.

    \b
    Example: crisisdesk team import /media/usb/*.cdbundle
    """
    session = cli.session()
    results, refused = [], 0
    for path in files:
        try:
            result = team.import_bundle(session, path)
        except UserError as exc:
            refused += 1
            click.echo(f"crisisdesk: {exc}", err=True)
            continue
        results.append(result)
        if not as_json:
            again = (f" (already imported {result.already})" if result.already else "")
            click.echo(f"{path.name} from {result.sender}{again}: {result.sentence()}.")
    if as_json:
        emit_json({"imported": [r.as_dict() for r in results], "refused": refused})
    if refused:
        raise SystemExit(1)


@team_group.command("sync")
@click.option("--folder", "folder", default=None, metavar="DIR",
              type=click.Path(path_type=Path),
              help="The exchange folder (default: the team_exchange_folder setting).")
@json_option
@pass_cli
def sync_cmd(cli: CliContext, folder: Path | None, as_json: bool) -> None:
    """Sync with the team's exchange folder, as the app's 'Sync with folder' does.

    Imports every bundle there this laptop has not imported yet, then leaves this laptop's
    own bundle (everything it knows) and removes its older ones; writes nothing when nothing
    is new. A bad bundle is named in one line and skipped; exit 1 if one was.

    \b
    Example: crisisdesk team sync --folder /media/usb/crisis-team
    """
    done = team_folder.sync_folder(cli.session(), folder)
    if as_json:
        emit_json(done.as_dict())
    else:
        click.echo(done.sentence(refusals=False))
    for line in done.refused:
        click.echo(f"crisisdesk: {line}", err=True)
    if done.refused:
        raise SystemExit(1)


@team_group.command("status")
@json_option
@pass_cli
def status_cmd(cli: CliContext, as_json: bool) -> None:
    """This laptop, its team, what it holds from each laptop and what it has not sent yet.

    \b
    Example: crisisdesk team status --json
    """
    session = cli.session()
    status = team.team_status(session)
    if as_json:
        emit_json(status.as_dict())
        return
    click.echo(f"This laptop: {status.laptop_name}")
    click.echo(f"Not yet exported: {count_of(status.not_exported, 'record')} written here")
    if status.waiting:
        click.echo(f"Waiting: {count_of(status.waiting, 'record')} that refer to what this "
                   "laptop has not got")
    if status.conflicts:
        click.echo(f"Conflicts: {status.conflicts} (see 'crisisdesk team conflicts')")
    rows = [[lap.name + (" (this laptop)" if lap.laptop_id == status.laptop_id else ""),
             f"{lap.records_here:,}", localtime.show(session, lap.last_bundle_at) or "-",
             localtime.show(session, lap.imported_at) or "-"] for lap in status.laptops]
    table(rows, ["Laptop", "Records here", "Last bundle made", "Imported here"])
    for lap in status.laptops:  # what each one's records are ("2 contacts, 1 incident")
        if lap.families:
            click.echo(f"From {lap.name}: {lap.held()}")


@team_group.command("conflicts")
@json_option
@pass_cli
def conflicts_cmd(cli: CliContext, as_json: bool) -> None:
    """Fields edited on two laptops without either seeing the other's change.

    Neither value wins: the field keeps the value it had before both until someone resolves
    the conflict with 'crisisdesk team resolve'. Calling-tree moves from two laptops that
    together make a loop are listed too; the tree stays as it was before them. Times are in the
    desk's time zone, as each laptop's clock said them.

    \b
    Example: crisisdesk team conflicts --json
    """
    session = cli.session()
    found = team_conflicts.list_conflicts(session)
    if as_json:
        emit_json([c.as_dict() for c in found])
        return
    if not found:
        click.echo("No conflicts.")
        return
    for c in found:
        what = team_conflicts.field_words(c.field)
        noun = team_conflicts.entity_noun(c.entity)
        click.echo(f"{c.id}  {noun} {c.label or c.entity_id[:8]}: {what}")
        click.echo(f"    shown meanwhile: {c.kept}")
        for x in c.candidates:
            mine = " (this laptop)" if x.here else ""
            click.echo(f"    {x.laptop}{mine}, {x.operator}, "
                       f"{localtime.show(session, x.at)}: {x.value}")
    click.echo(f"Settle one with: crisisdesk team resolve {found[0].id} --take "
               f"{shlex.quote(found[0].candidates[0].laptop)}")


@team_group.command("resolve")
@click.argument("conflict_id", metavar="ID")
@click.option("--take", "take", default="", metavar="LAPTOP",
              help="Keep the value this laptop (name or id) wrote.")
@click.option("--value", "value", default=None, metavar="TEXT",
              help="Type the value to keep: a contact's field (phones: 'label=number; "
                   "label=number'), an incident's (dates as typed, lists comma separated, "
                   "counts 'TX=1300; OK=40') or a team-wide setting.")
@json_option
@pass_cli
def resolve_cmd(cli: CliContext, conflict_id: str, take: str, value: str | None,
                as_json: bool) -> None:
    """Resolve conflict ID (or its first characters): keep one laptop's value or a new one.

    A loop of calling-tree moves: --take keeps that laptop's moves and undoes the others.

    The resolution travels with the next bundle and clears the conflict on every laptop.

    \b
    Example: crisisdesk team resolve 3fa9c1 --take "Site 2 laptop"
    """
    done = team_conflicts.resolve_conflict(cli.session(), conflict_id, take_laptop=take,
                                           value=value)
    if as_json:
        emit_json({"conflict_id": done.conflict_id, "edit_id": done.edit_id,
                   "field": done.field, "value": done.value})
        return
    click.echo(f"Resolved {done.conflict_id}: "
               f"{done.said or f'{done.field} is now {done.value}'}.")


COMMANDS = [team_group]
