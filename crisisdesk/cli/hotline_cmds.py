"""`crisisdesk hotline lookup|verify|log|stats|faq|export|import`, what a verified caller
asks for (`resend|language|complaint|callback|email-optin`) and the follow-up list
(`followups`, `close`): the patient hotline desk.

An agent (the `agent` role) may run these and nothing else: any other command is refused by
the session (exit 1, one line, audited)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from crisisdesk.cli.common import CliContext, emit_json, json_option, pass_cli, table
from crisisdesk.cli.crisis_common import date_arg
from crisisdesk.domain.faq import SCRIPTS, search
from crisisdesk.domain.hotline import (
    FOLLOW_UPS,
    LANGUAGES,
    OUTCOMES,
    TOPICS,
    CallerFacts,
    Relationship,
)
from crisisdesk.services.hotline import (
    actions,
    call_centre,
    calls,
    disclose,
    faq,
    lookup,
    staffing,
    verify,
)


@click.group("hotline")
def hotline_group() -> None:
    """The patient hotline: look up, verify, answer, log the call."""


@hotline_group.command("lookup")
@click.option("--reference", default="", metavar="REF", help="The letter's reference, typed "
              "or scanned from its barcode.")
@click.option("--name", default="", metavar="NAME", help="The patient's name (with --birth-date).")
@click.option("--birth-date", metavar="DATE", help="The patient's date of birth.")
@json_option
@pass_cli
def lookup_cmd(cli: CliContext, reference: str, name: str, birth_date: str | None,
               as_json: bool) -> None:
    """Was I affected? Says only "a record exists, please verify" or "no match", and a handle
    for `hotline verify`.  Example: crisisdesk hotline lookup --reference CD00000018"""
    answer = lookup.lookup(cli.session(), reference=reference, name=name,
                           birth_date=date_arg(birth_date, "birth_date"))
    if as_json:
        emit_json(dataclasses.asdict(answer))
        return
    click.echo(answer.message)
    click.echo(f"Handle: {answer.handle}")


@hotline_group.command("verify")
@click.argument("handle")
@click.option("--birth-date", required=True, metavar="DATE", help="The date of birth the "
              "caller gives (the patient's).")
@click.option("--zip", "zip_code", default="", metavar="ZIP", help="The ZIP code the letter "
              "went to.")
@click.option("--reference", default="", metavar="REF", help="The reference on the letter.")
@click.option("--relationship", type=click.Choice([r.value for r in Relationship]),
              default=Relationship.SELF.value, help="Who is calling: the patient, a minor's "
              "parent or guardian, a deceased patient's next of kin or personal representative.")
@click.option("--caller-name", default="", metavar="NAME", help="The caller's name when "
              "calling for someone else (checked against the letter).")
@json_option
@pass_cli
def verify_cmd(cli: CliContext, handle: str, birth_date: str, zip_code: str, reference: str,
               relationship: str, caller_name: str, as_json: bool) -> None:
    """Match / no match per fact, never a stored value; when verified, what the caller may be
    told.  Example: crisisdesk hotline verify HANDLE --birth-date 1980-05-01 --zip 62701"""
    session = cli.session()
    facts = CallerFacts(date_arg(birth_date, "birth_date"), zip_code, reference,
                        Relationship(relationship), caller_name)
    result = verify.verify(session, handle, facts)
    details = disclose.caller_details(session, handle) if result.verified else None
    if as_json:
        out = dataclasses.asdict(result)
        out["details"] = dataclasses.asdict(details) if details else None
        emit_json(out)
        return
    for check in result.checks:
        click.echo(f"{check.fact}: {'match' if check.match else 'no match'}")
    if result.locked:
        click.echo("Locked: too many failed attempts (flagged as possible impersonation).")
    elif not result.verified:
        click.echo(f"Not verified; {result.attempts_left} attempt(s) left.")
    if details is not None:
        click.echo("Verified.")
        table([[k.replace("_", " "), str(v)] for k, v in dataclasses.asdict(details).items()],
              ["WHAT", "VALUE"])


@hotline_group.command("log")
@click.option("--language", type=click.Choice(LANGUAGES), default="en", help="The call's "
              "language.")
@click.option("--topic", "topics", multiple=True, required=True, type=click.Choice(TOPICS),
              help="What the call was about (repeat for several).")
@click.option("--note", default="", metavar="TEXT", help="The topic in the caller's words "
              "(not exported).")
@click.option("--outcome", required=True, type=click.Choice(OUTCOMES), help="How it ended.")
@click.option("--follow-up", default="", type=click.Choice(FOLLOW_UPS), help="What must "
              "happen next.")
@click.option("--handle", default="", metavar="HANDLE", help="The lookup of this call "
              "(whether the caller was verified is taken from it).")
@json_option
@pass_cli
def log_cmd(cli: CliContext, language: str, topics: tuple[str, ...], note: str, outcome: str,
            follow_up: str, handle: str, as_json: bool) -> None:
    """Record one call.  Example: crisisdesk hotline log --topic enrollment --outcome answered"""
    call_id = calls.log_call(cli.session(), language=language, topics=topics, outcome=outcome,
                             follow_up=follow_up, topic_text=note, handle=handle)
    if as_json:
        emit_json({"id": call_id})
    else:
        click.echo(f"Call logged ({call_id}).")


@hotline_group.command("stats")
@click.option("--since", default="", metavar="WHEN", help="Only calls at or after WHEN (UTC, "
              "e.g. 2026-03-20 or 2026-03-20T14).")
@json_option
@pass_cli
def stats_cmd(cli: CliContext, since: str, as_json: bool) -> None:
    """Calls per hour and per topic.  Example: crisisdesk hotline stats --since 2026-03-20"""
    session = cli.session()
    result = calls.stats(session, since)
    hint = staffing.staffing_hint(session)
    if as_json:
        emit_json({**dataclasses.asdict(result),
                   "staffing": dataclasses.asdict(hint) if hint else None})
        return
    click.echo(f"{result.calls} calls, {result.verified} verified.")
    click.echo(f"Staffing hint: {hint.describe()}." if hint else
               "Staffing hint: none yet (no timed call in the last hours).")
    table([[hour, str(n)] for hour, n in result.per_hour.items()], ["HOUR (UTC)", "CALLS"])
    table([[topic, str(n)] for topic, n in result.per_topic.items()], ["TOPIC", "CALLS"])


@hotline_group.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--since", default="", metavar="WHEN", help="Only calls at or after WHEN (UTC).")
@click.option("--call-centre", "for_call_centre", is_flag=True, help="Write the lookup file for "
              "an outside call centre instead (reference, masked name, state, letter variant, "
              "enrollment code status).")
@json_option
@pass_cli
def export_cmd(cli: CliContext, file: Path, since: str, for_call_centre: bool,
               as_json: bool) -> None:
    """The call log as CSV without patient identifiers, or with --call-centre the lookup file
    for an outside call centre (operators, not agents).
    Example: crisisdesk hotline export lookup.csv --call-centre"""
    if for_call_centre:
        count = call_centre.export_lookup(cli.session(), file)
        what = "letters"
    else:
        count = calls.export_csv(cli.session(), file, since)
        what = "calls"
    if as_json:
        emit_json({"file": str(file), what: count})
    else:
        click.echo(f"Wrote {count} {what} to {file}.")


@hotline_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--centre", required=True, metavar="NAME", help="The call centre the log comes "
              "from (keeps their call ids apart from another centre's).")
@json_option
@pass_cli
def import_cmd(cli: CliContext, file: Path, centre: str, as_json: bool) -> None:
    """Add an outside call centre's call log (CSV or .xlsx with the columns call_id, time,
    agent, language, verified, topics, outcome, and optionally follow_up and duration_s).
    Every bad row is named by its line and nothing is applied; importing the same file again
    adds nothing.  Example: crisisdesk hotline import calls.csv --centre Acme"""
    result = call_centre.import_call_log(cli.session(), file, centre)
    if as_json:
        emit_json(dataclasses.asdict(result))
    else:
        click.echo(f"{result.rows} calls in {file.name}: {result.added} added, "
                   f"{result.already} imported before.")


@hotline_group.command("faq")
@click.argument("words", nargs=-1)
@click.option("--language", type=click.Choice(LANGUAGES), default="en", help="The caller's "
              "language (answers in another language than Spanish are the English ones).")
@click.option("--script", type=click.Choice(SCRIPTS), help="Print an approved call script "
              "instead.")
@click.option("--ask", is_flag=True, help="No approved answer: log WORDS as the caller's "
              "question (no names, numbers or e-mail addresses) and propose it to the approver "
              "as a draft.")
@click.option("--unanswered", is_flag=True, help="List the most asked questions that still "
              "have no approved answer.")
@json_option
@pass_cli
def faq_cmd(cli: CliContext, words: tuple[str, ...], language: str, script: str | None,
            ask: bool, unanswered: bool, as_json: bool) -> None:
    """Search the approved FAQ answers in the caller's language (all of them without WORDS).
    Example: crisisdesk hotline faq credit monitoring --language es"""
    session = cli.session()
    query = " ".join(words)
    if sum((bool(script), ask, unanswered)) > 1:
        raise click.UsageError("Use one of --script, --ask and --unanswered.")
    if ask:
        proposal = faq.ask(session, query, language)
        if as_json:
            emit_json(dataclasses.asdict(proposal))
        else:
            click.echo(f"Logged. {'Proposed' if proposal.new_draft else 'Already proposed'} "
                       f"to the approver as draft {proposal.template_key}.")
        return
    if unanswered:
        asked = faq.unanswered(session, 20)
        if as_json:
            emit_json([dataclasses.asdict(q) for q in asked])
        else:
            table([[str(q.asked), q.language, q.question] for q in asked],
                  ["ASKED", "LANG", "QUESTION"])
        return
    if script:
        found = [faq.script(session, script, language)]
    else:
        found = search(faq.answers(session, language), query)
    if as_json:
        emit_json([dataclasses.asdict(a) for a in found])
        return
    if not found:
        click.echo("No approved answer. Log the question with --ask.")
    for answer in found:
        click.echo(f"{answer.question}\n{answer.text}\n")


# -- what a verified caller asks for (the HANDLE of their verified lookup) -------------------
@hotline_group.command("resend")
@click.argument("handle")
@pass_cli
def resend_cmd(cli: CliContext, handle: str) -> None:
    """Re-send the verified caller's letter to the address on file (the letters team sends
    it).  Example: crisisdesk hotline resend HANDLE"""
    reference = actions.request_resend(cli.session(), handle)
    click.echo(f"Re-send of letter {reference} requested.")


@hotline_group.command("language")
@click.argument("handle")
@click.argument("language", type=click.Choice(actions.LETTER_LANGUAGES))
@pass_cli
def language_cmd(cli: CliContext, handle: str, language: str) -> None:
    """The verified caller's preferred letter language.  Example: crisisdesk hotline
    language HANDLE es"""
    code = actions.set_language(cli.session(), handle, language)
    click.echo(f"Preferred letter language set to {code}.")


@hotline_group.command("complaint")
@click.argument("handle")
@click.argument("text")
@pass_cli
def complaint_cmd(cli: CliContext, handle: str, text: str) -> None:
    """Record the verified caller's complaint for the privacy officer.  Example: crisisdesk
    hotline complaint HANDLE "Nobody told me for a month."
    """
    actions.record_complaint(cli.session(), handle, text)
    click.echo("Complaint recorded for the privacy officer.")


@hotline_group.command("callback")
@click.argument("handle")
@click.option("--phone", required=True, metavar="NUMBER", help="The number to call back.")
@click.option("--when", default="", metavar="TEXT", help="When to call (e.g. 'after 5 pm').")
@pass_cli
def callback_cmd(cli: CliContext, handle: str, phone: str, when: str) -> None:
    """A callback from the privacy officer.  Example: crisisdesk hotline callback HANDLE
    --phone "(217) 555-0142" --when "after 5 pm"
    """
    actions.request_callback(cli.session(), handle, phone, when)
    click.echo("Callback from the privacy officer requested.")


@hotline_group.command("email-optin")
@click.argument("handle")
@click.argument("email")
@pass_cli
def email_optin_cmd(cli: CliContext, handle: str, email: str) -> None:
    """Opt the verified caller's record in to e-mail notice.  Example: crisisdesk hotline
    email-optin HANDLE ann@example.org"""
    address = actions.opt_in_email(cli.session(), handle, email)
    click.echo(f"E-mail notice will go to {address}.")


@hotline_group.command("followups")
@json_option
@pass_cli
def followups_cmd(cli: CliContext, as_json: bool) -> None:
    """The open follow-ups (operators): callbacks and complaints for the privacy officer,
    re-sends for the letters team (reprint the batch and place shown).  Example: crisisdesk
    hotline followups"""
    found = actions.follow_ups(cli.session())
    if as_json:
        emit_json([dataclasses.asdict(f) for f in found])
        return
    table([[f.id, f.at, f.kind, f.reference, f"{f.batch}/{f.seq}" if f.kind == "resend"
            else f.detail] for f in found], ["ID", "ASKED (UTC)", "KIND", "LETTER", "DETAIL"])


@hotline_group.command("close")
@click.argument("follow_up_id")
@click.option("--note", default="", metavar="TEXT", help="What was done.")
@pass_cli
def close_cmd(cli: CliContext, follow_up_id: str, note: str) -> None:
    """Mark a follow-up done (operators).  Example: crisisdesk hotline close ID --note
    "called back"
    """
    actions.close_follow_up(cli.session(), follow_up_id, note)
    click.echo("Follow-up closed.")


COMMANDS = [hotline_group]
