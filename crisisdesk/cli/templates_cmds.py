"""`crisisdesk templates ...`: list, show, history, diff, check, render, submit, send-back,
approve, retire, import, export."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from crisisdesk.cli.common import CliContext, emit_json, json_option, pass_cli, table
from crisisdesk.domain.compliance import CheckReport, Severity
from crisisdesk.domain.errors import UserError
from crisisdesk.domain.template_files import parse_file
from crisisdesk.domain.templates import (
    FILE_SUFFIX,
    LEGAL_REVIEW_NOTE,
    Audience,
    Channel,
    Language,
    Status,
    TemplateVersion,
)
from crisisdesk.services import template_process
from crisisdesk.services import templates as template_service

version_option = click.option("--version", "version", type=click.IntRange(min=1), metavar="N",
                              help="A version number (default: see the command).")


def read_text_file(path: str) -> str:
    try:
        return Path(path).read_text("utf-8")
    except OSError as exc:
        raise UserError(f"Cannot read {path}: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise UserError(f"{path} is not UTF-8 text.") from None


def write_text_file(path: str, text: str) -> None:
    from crisisdesk.store.files import write_bytes_atomic

    try:
        write_bytes_atomic(Path(path), text.encode("utf-8"))
    except OSError as exc:
        raise UserError(f"Cannot write {path}: {exc.strerror}.") from None


def parse_values(pairs: tuple[str, ...], vars_file: str | None) -> dict[str, Any]:
    """Values from --vars FILE (a JSON object) and --var NAME=VALUE (which win)."""
    values: dict[str, Any] = {}
    if vars_file:
        try:
            loaded = json.loads(read_text_file(vars_file))
        except json.JSONDecodeError as exc:
            raise UserError(f"{vars_file} is not valid JSON ({exc.msg}, line {exc.lineno}).") \
                from None
        if not isinstance(loaded, dict):
            raise UserError(f"{vars_file} must hold a JSON object of variable names and values.")
        values.update(loaded)
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UserError(f"--var needs NAME=VALUE, not {pair!r}.")
        values[name.strip()] = value
    return values


var_options = [
    click.option("--var", "pairs", multiple=True, metavar="NAME=VALUE",
                 help="A variable's value (repeatable; separate list items with ';')."),
    click.option("--vars", "vars_file", metavar="FILE",
                 help="A JSON file of variable values, e.g. an incident's facts."),
]


def with_var_options(fn: Any) -> Any:
    for option in reversed(var_options):
        fn = option(fn)
    return fn


@click.group("templates")
def templates_group() -> None:
    """Pre-approved message templates: draft, check, approve, render."""


@templates_group.command("list")
@click.option("--audience", type=click.Choice([a.value for a in Audience]))
@click.option("--channel", type=click.Choice([c.value for c in Channel]))
@click.option("--language", type=click.Choice([lang.value for lang in Language]))
@click.option("--status", type=click.Choice([s.value for s in Status]),
              help="Templates that have a version in this status.")
@json_option
@pass_cli
def list_cmd(cli: CliContext, audience: str | None, channel: str | None, language: str | None,
             status: str | None, as_json: bool) -> None:
    """List templates.  Example: crisisdesk templates list --audience patients"""
    found = template_service.list_templates(cli.session(), audience=audience, channel=channel,
                                            language=language, status=status)
    if as_json:
        emit_json([s.to_dict() for s in found])
        return
    rows = []
    for s in found:
        approved = f"v{s.approved_version}" if s.approved_version else "-"
        mark = " *" if s.needs_legal_review else ""
        rows.append([s.key, s.audience, s.channel, s.language,
                     f"v{s.latest_version} {s.latest_status.label}", approved + mark])
    table(rows, ["KEY", "AUDIENCE", "CHANNEL", "LANG", "LATEST", "APPROVED"])
    if any(s.needs_legal_review for s in found):
        click.echo(f"\n* approved by the CrisisDesk library. {LEGAL_REVIEW_NOTE}")


def _echo_version(v: TemplateVersion) -> None:
    m = v.meta
    click.echo(f"{m.name} ({m.key}), version {v.version}: {v.status.label}")
    click.echo(f"  audience {m.audience.value}, channel {m.channel.value}, "
               f"language {m.language.value}" + (", HIPAA breach notice" if m.hipaa_notice
                                                  else ""))
    if m.description:
        click.echo(f"  {m.description}")
    click.echo(f"  drafted {v.created_at} by {v.created_by}")
    if v.submitted_at:
        click.echo(f"  submitted {v.submitted_at} by {v.submitted_by}")
    if v.approved_at:
        click.echo(f"  approved {v.approved_at} by {v.approved_by}; sha256 {v.sha256}")
    for warning in v.acknowledged_warnings:
        click.echo(f"  acknowledged warning: {warning}")
    if v.retired_at:
        reason = f" ({v.retired_reason})" if v.retired_reason else ""
        click.echo(f"  retired {v.retired_at} by {v.retired_by}{reason}")
    if v.needs_legal_review:
        click.echo(f"  NOTE: {LEGAL_REVIEW_NOTE}")
    if v.note:
        click.echo("  note: " + v.note.replace("\n", "\n        "))
    if m.all_required_sections:
        click.echo(f"  required sections: {', '.join(m.all_required_sections)}")


@templates_group.command("show")
@click.argument("key")
@version_option
@json_option
@pass_cli
def show_cmd(cli: CliContext, key: str, version: int | None, as_json: bool) -> None:
    """Show a version (default: the latest) with its variables and body."""
    session = cli.session()
    v = template_service.get_version(session, key, version)
    others = template_service.translations(session, key)
    if as_json:
        data = v.to_dict()
        data["translations"] = [{"key": t.key, "language": t.language} for t in others]
        emit_json(data)
        return
    _echo_version(v)
    if others:
        click.echo("  translations: " + ", ".join(f"{t.key} ({t.language})" for t in others))
    click.echo("\nVariables:")
    table([[var.name, var.type.value + ("" if var.required else "?"), var.description]
           for var in v.meta.variables], ["NAME", "TYPE (? = optional)", "DESCRIPTION"])
    click.echo("\n" + v.body.rstrip())


@templates_group.command("history")
@click.argument("key")
@json_option
@pass_cli
def history_cmd(cli: CliContext, key: str, as_json: bool) -> None:
    """Every version of a template, oldest first."""
    versions = template_service.history(cli.session(), key)
    if as_json:
        emit_json([{k: v for k, v in ver.to_dict().items() if k not in ("body", "variables")}
                   for ver in versions])
        return
    table([[str(v.version), v.status.label, v.created_at, v.created_by,
            v.approved_by or "", v.sha256[:12], v.retired_reason or v.note]
           for v in versions], ["VERSION", "STATUS", "DRAFTED", "BY", "APPROVED BY", "SHA256",
                                "NOTE"])


@templates_group.command("diff")
@click.argument("key")
@click.argument("old", type=click.IntRange(min=1))
@click.argument("new", type=click.IntRange(min=1))
@pass_cli
def diff_cmd(cli: CliContext, key: str, old: int, new: int) -> None:
    """What changed between two versions.  Example: crisisdesk templates diff staff-notice-en 1 2"""
    click.echo(template_service.diff(cli.session(), key, old, new))


def echo_report(report: CheckReport, title: str) -> None:
    verdict = "OK" if report.ok else f"{len(report.errors)} error(s)"
    if report.warnings:
        verdict += f", {len(report.warnings)} warning(s) the approver must acknowledge"
    click.echo(f"{title}: {verdict}")
    labels = {Severity.ERROR: "ERROR  ", Severity.WARNING: "WARNING", Severity.INFO: "note   "}
    for f in report.findings:
        click.echo(f"  {labels[f.severity]} {f}")
    r = report.readability
    if r is not None and r.words:
        click.echo(f"  {r.words} words, {r.sentences} sentences, {r.syllables} syllables")
        for sentence, words in r.longest_sentences[:3]:
            click.echo(f"  longest ({words} words): {sentence}")
        if r.hardest_words:
            click.echo("  hardest words: " + ", ".join(f"{w} ({n})" for w, n in
                                                      r.hardest_words))


@templates_group.command("check")
@click.argument("key", required=False)
@version_option
@click.option("--file", "file", metavar="FILE",
              help="Check a .tmpl file instead (no desk needed; default grade target 8).")
@with_var_options
@click.option("--preview", is_flag=True, help="Also print the text rendered with sample data.")
@json_option
@pass_cli
def check_cmd(cli: CliContext, key: str | None, version: int | None, file: str | None,
              pairs: tuple[str, ...], vars_file: str | None, preview: bool,
              as_json: bool) -> None:
    """Run every check; exit 1 if there are errors.  Example: crisisdesk templates check x

    Checks: syntax (line and column), variables, required sections, for breach notices each
    45 CFR 164.404(c) element with both dates and a toll-free number, reading level, SMS
    segments, speaking time. --var/--vars replace the sample values. --file FILE checks a
    .tmpl file on disk without opening the desk.
    """
    template_process.prestart()  # the template process starts while the desk unlocks
    values = parse_values(pairs, vars_file)
    if file:
        parsed = parse_file(read_text_file(file), Path(file).name)
        report = template_service.check_draft(parsed.body, parsed.meta, values)
        title = f"{file} ({parsed.meta.key})"
    elif key:
        session = cli.session()
        v = template_service.get_version(session, key, version)
        report = template_service.check_version(session, key, v.version, values)
        title = f"{v.meta.key} version {v.version} ({v.status.label})"
    else:
        raise UserError("Name a template KEY or give --file FILE.")
    if as_json:
        data = report.to_dict()
        if preview:
            data["preview"] = report.preview
        emit_json(data)
    else:
        echo_report(report, title)
        if preview and report.preview:
            click.echo("\n" + report.preview.rstrip())
    if not report.ok:
        raise click.exceptions.Exit(1)


@templates_group.command("render")
@click.argument("key")
@version_option
@with_var_options
@click.option("--sample", is_flag=True, help="Fill unset variables with the sample values.")
@click.option("--out", "out", metavar="FILE",
              help="Write to FILE (.pdf for printed channels, else the text) instead of stdout.")
@pass_cli
def render_cmd(cli: CliContext, key: str, version: int | None, pairs: tuple[str, ...],
               vars_file: str | None, sample: bool, out: str | None) -> None:
    """Fill in an approved version (default: the current one); drafts cannot be rendered.

    Example: crisisdesk templates render staff-notice-en --vars facts.json --var pio_name="Jo Li"
    """
    template_process.prestart()
    session = cli.session()
    approved = template_service.require_approved(session, key, version)
    values = {**(approved.meta.sample_values() if sample else {}), **parse_values(pairs,
                                                                                  vars_file)}
    rendered = template_service.render_approved(session, approved, values)
    write_rendered(rendered, out)


def write_rendered(rendered: template_service.Rendered, out: str | None) -> None:
    if out and out.lower().endswith(".pdf"):
        if not rendered.is_html:
            raise UserError("Only printed and web templates render to PDF; use a .txt file.")
        from crisisdesk.printing.pdf import ensure_gui_app, html_to_pdf

        ensure_gui_app()
        html_to_pdf(rendered.text, Path(out), title=rendered.approved.meta.name)
        click.echo(f"Wrote {out}.")
    elif out:
        write_text_file(out, rendered.text)
        click.echo(f"Wrote {out}.")
    else:
        click.echo(rendered.text.rstrip())
    if rendered.approved.needs_legal_review:
        click.echo(f"Note: {rendered.approved.key} is a CrisisDesk library template. "
                   f"{LEGAL_REVIEW_NOTE}", err=True)


@templates_group.command("submit")
@click.argument("key")
@version_option
@pass_cli
def submit_cmd(cli: CliContext, key: str, version: int | None) -> None:
    """Send a draft (default: the latest version) for review; refused if a check fails."""
    template_process.prestart()
    v = template_service.submit(cli.session(), key, version)
    click.echo(f"Submitted {v.meta.key} version {v.version} for review.")


def _status_step(name: str, reason_help: str) -> Callable[[Callable[..., None]], click.Command]:
    """`templates NAME KEY [--version N] [--reason TEXT]`: a status change recorded with why."""
    def define(fn: Callable[..., None]) -> click.Command:
        reason = click.option("--reason", default="", help=reason_help)
        return templates_group.command(name)(click.argument("key")(version_option(reason(
            pass_cli(fn)))))
    return define


@_status_step("send-back", "What the author should change.")
def send_back_cmd(cli: CliContext, key: str, version: int | None, reason: str) -> None:
    """Return a version in review to draft (approvers only)."""
    v = template_service.send_back(cli.session(), key, version, reason=reason)
    click.echo(f"Sent {v.meta.key} version {v.version} back to draft.")


@templates_group.command("approve")
@click.argument("key")
@version_option
@click.option("--acknowledge-warnings", is_flag=True,
              help="Approve although the checks warn (e.g. reading level); the warnings are "
              "recorded with the approval.")
@pass_cli
def approve_cmd(cli: CliContext, key: str, version: int | None,
                acknowledge_warnings: bool) -> None:
    """Approve a version in review (approvers only).  Example: crisisdesk templates approve x"""
    template_process.prestart()
    session = cli.session()
    try:
        v = template_service.approve(session, key, version,
                                     acknowledge_warnings=acknowledge_warnings)
    except template_service.NeedsAcknowledgement as exc:
        for w in exc.warnings:
            click.echo(f"  WARNING {w}", err=True)
        raise UserError(f"{exc} Re-run with --acknowledge-warnings to approve anyway.") from None
    except template_service.ApprovalRefused as exc:
        for f in exc.findings:
            click.echo(f"  ERROR {f}", err=True)
        raise
    click.echo(f"Approved {v.meta.key} version {v.version} (sha256 {v.sha256}).")


@_status_step("retire", "Why it is taken out of use.")
def retire_cmd(cli: CliContext, key: str, version: int | None, reason: str) -> None:
    """Take a version out of use (approvers only; default: the approved version)."""
    v = template_service.retire(cli.session(), key, version, reason=reason)
    click.echo(f"Retired {v.meta.key} version {v.version}.")


@templates_group.command("import")
@click.argument("files", nargs=-1, metavar="FILE...")
@click.option("--library", is_flag=True,
              help="Add the shipped CrisisDesk library templates this desk lacks (approvers).")
@pass_cli
def import_cmd(cli: CliContext, files: tuple[str, ...], library: bool) -> None:
    """Import .tmpl files as drafts (a known key gets a new draft version).

    Example: crisisdesk templates import staff-notice-en.tmpl
    """
    if not files and not library:
        raise UserError("Give one or more .tmpl files, or --library.")
    session = cli.session()
    texts = [(f, read_text_file(f)) for f in files]  # read all first: fail before changing
    for name, text in texts:
        result = template_service.import_template(session, text, source_name=Path(name).name)
        click.echo(f"{result.key}: version {result.version} {result.outcome}.")
    if library:
        count = template_service.install_library(session)
        click.echo(f"Added {count} library template(s) as version 1, in review: an approver "
                   f"at your organisation approves each before use. {LEGAL_REVIEW_NOTE}")


@templates_group.command("export")
@click.argument("key")
@version_option
@click.option("--out", "out", metavar="FILE", help=f"Write to FILE (e.g. key{FILE_SUFFIX}).")
@pass_cli
def export_cmd(cli: CliContext, key: str, version: int | None, out: str | None) -> None:
    """Write a version (default: the latest) as a .tmpl file to edit and import again."""
    text = template_service.export_template(cli.session(), key, version)
    if out:
        write_text_file(out, text)
        click.echo(f"Wrote {out}.")
    else:
        click.echo(text, nl=False)


@templates_group.command("policy")
@click.option("--single-person", "single", is_flag=True,
              help="Allow an approver to approve their own versions (admins; needs --reason).")
@click.option("--four-eyes", "four", is_flag=True,
              help="Back to the default: whoever drafted or submitted a version cannot approve "
                   "it.")
@click.option("--reason", default="", help="Why single-person approval is needed (recorded "
              "in the audit log and on each version approved that way).")
@json_option
@pass_cli
def policy_cmd(cli: CliContext, single: bool, four: bool, reason: str, as_json: bool) -> None:
    """Show or set who may approve a template version (four-eyes by default).

    \b
    Example: crisisdesk templates policy
    Example: crisisdesk templates policy --single-person --reason "Two-person privacy team"
    """
    if single and four:
        raise click.UsageError("Give --single-person or --four-eyes, not both.")
    session = cli.session()
    if single or four:
        policy = template_service.set_approval_policy(session, single_person=single,
                                                      reason=reason)
    else:
        policy = template_service.approval_policy(session)
    if as_json:
        emit_json(policy.to_dict())
        return
    click.echo(policy.describe())


COMMANDS = [templates_group]
