"""`crisisdesk audit show|verify|anchor`."""

from __future__ import annotations

from pathlib import Path

import click

from crisisdesk.cli.common import CliContext, emit_json, json_option, pass_cli, table
from crisisdesk.services import audit as audit_service


@click.group("audit")
def audit_group() -> None:
    """The tamper-evident record of every change."""


@audit_group.command("show")
@click.option("--since", metavar="WHEN", help="Only entries at or after WHEN (e.g. 2026-11-25 "
              "or 2026-11-25T14:00).")
@click.option("--limit", type=int, help="Only the newest N entries.")
@json_option
@pass_cli
def show_cmd(cli: CliContext, since: str | None, limit: int | None, as_json: bool) -> None:
    """Show audit entries, oldest first.  Example: crisisdesk audit show --since 2026-11-25"""
    entries = audit_service.show(cli.session(), since=since, limit=limit)
    if as_json:
        emit_json([e.as_dict() for e in entries])
        return
    table([[str(e.seq), e.at, e.operator, e.action, e.summary] for e in entries],
          ["#", "AT (UTC)", "OPERATOR", "ACTION", "SUMMARY"])


@audit_group.command("verify")
@click.option("--deep", is_flag=True, help="Also check every business row against the digest "
              "of its last audited write: a row edited, inserted or deleted outside the app is "
              "named as \"changed outside the app\" with its table and id.")
@click.option("--anchor", "anchor_file", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE", help="Prove nothing up to the entry an anchor file (from 'audit "
              "anchor') records was removed or rewritten since.")
@json_option
@pass_cli
def verify_cmd(cli: CliContext, deep: bool, anchor_file: Path | None, as_json: bool) -> None:
    """Check the hash chain; exit 1 naming the first altered, deleted or reordered entry.
    Example: crisisdesk audit verify --deep --anchor audit-anchor.json"""
    session = cli.session()
    report = audit_service.verify(session)
    result: dict[str, object] = {"ok": report.ok, "count": report.count,
                                 "problem": report.problem, "bad_entry": report.bad_seq}
    problems = [f"audit chain broken: {report.problem}"] if not report.ok else []
    notes = [f"OK: {report.count} audit entries, chain intact."] if report.ok else []
    if deep:
        found = audit_service.verify_deep(session, report)
        result.update({k: v for k, v in found.as_dict().items() if k not in result})
        problems += found.lines()
        if found.changes or found.altered_entries:
            problems.append(f"{len(found.changes)} row(s) changed outside the app, "
                            f"{len(found.altered_entries)} entry row record(s) altered "
                            f"({found.rows} rows checked)")
        else:
            notes.append(f"OK: {found.rows} business rows match their last audited write.")
    if anchor_file is not None:
        anchored = audit_service.verify_anchor(session, anchor_file)
        result["anchor"] = anchored.as_dict()
        problems += [p for p in anchored.problems if not p.startswith("the chain from")]
        if anchored.ok:
            notes.append(f"OK: the anchor's entry {anchored.anchor_count} is unchanged and the "
                         f"chain from it verifies to entry {anchored.now_count}.")
    result["ok"] = not problems
    if as_json:
        emit_json(result)
    else:
        for line in notes:
            click.echo(line)
        for line in problems:
            click.echo(f"crisisdesk: {line}", err=True)
    if problems:
        raise SystemExit(1)


@audit_group.command("anchor")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              metavar="FILE", help="Where to write the anchor (JSON: desk id, entry count, "
              "head hash, time). Keep it outside the desk: on paper, with counsel, off site.")
@json_option
@pass_cli
def anchor_cmd(cli: CliContext, out: Path, as_json: bool) -> None:
    """Export the audit head to a small file, for 'audit verify --anchor FILE' later.
    Example: crisisdesk audit anchor --out ~/anchors/desk-2026-12-03.json"""
    data = audit_service.export_anchor(cli.session(), out)
    if as_json:
        emit_json(data)
    else:
        click.echo(f"Wrote {out}: entry {data['count']}, hash {data['head_hash']}.")


COMMANDS = [audit_group]
