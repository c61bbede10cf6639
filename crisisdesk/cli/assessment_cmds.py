"""`crisisdesk assessment ...` (the breach risk assessment) and `crisisdesk hhs ...` (the HHS
breach report and the fewer-than-500 annual log)."""

from __future__ import annotations

from typing import Any

import click

from crisisdesk.cli.common import CliContext, emit_json, json_option, pass_cli, table
from crisisdesk.cli.crisis_common import pdf_option, when, write_pdf
from crisisdesk.domain.breach_assessment import Assessment, Diff, Factor
from crisisdesk.domain.errors import NotFound
from crisisdesk.domain.hhs_report import AnnualLog, HhsReport
from crisisdesk.services import breach_assessment as assessment_service
from crisisdesk.services import hhs_report as hhs_service
from crisisdesk.services.session import Session

incident_option = click.option("--incident", metavar="ID",
                               help="Which incident (default: the current one).")
version_option = click.option("--version", "version", type=int, metavar="N",
                              help="Which version (default: the newest).")
_FACTORS = [f.value for f in Factor]


# --- assessment -------------------------------------------------------------------------------

def _assessment_json(session: Session, a: Assessment) -> dict[str, Any]:
    return {
        "incident_id": a.incident_id, "version": a.version, "ransomware": a.ransomware,
        "conclusion": a.conclusion.value, "reasons": a.reasons,
        "created_at": a.created_at, "created_by": a.created_by,
        "factors": {f.value: [{"text": x.text, "recorded_by": x.recorded_by,
                               "recorded_at": x.recorded_at} for x in a.facts_for(f)]
                    for f in Factor},
        "signed": None if a.signed is None else {
            "signer": a.signed.signer, "signed_as": a.signed.signed_as,
            "signed_at": a.signed.signed_at,
            "problem": assessment_service.signature_problem(session, a)},
    }


def _signed_text(session: Session, a: Assessment) -> str:
    if a.signed is None:
        return "draft (not signed)"
    problem = assessment_service.signature_problem(session, a)
    return (f"signed by {a.signed.signer} as {a.signed.signed_as}, "
            f"{when(session, a.signed.signed_at)}" + (f" -- PROBLEM: {problem}" if problem
                                                      else ""))


@click.group("assessment")
def assessment_group() -> None:
    """The breach risk assessment (45 CFR 164.402): four factors, a signed conclusion."""


@assessment_group.command("new")
@incident_option
@pass_cli
def new_cmd(cli: CliContext, incident: str | None) -> None:
    """Start a new version (the first, or one that supersedes the signed one).

    \b
    Example: crisisdesk assessment new
    """
    a = assessment_service.start_version(cli.session(), incident)
    copied = f", copied from version {a.version - 1}" if a.version > 1 else ""
    click.echo(f"Started assessment version {a.version} (draft{copied}).")


@assessment_group.command("fact")
@click.argument("factor", type=click.Choice(_FACTORS, case_sensitive=False))
@click.argument("text")
@incident_option
@pass_cli
def fact_cmd(cli: CliContext, factor: str, text: str, incident: str | None) -> None:
    """Record a fact supporting one factor on the draft (you are named as its recorder).

    \b
    Factors: nature (the PHI and re-identification), person (who got it), acquired (was it
    actually acquired or viewed), mitigation (what reduced the risk).
    Example: crisisdesk assessment fact acquired "Firewall logs show 2 GB sent out"
    """
    a = assessment_service.add_fact(cli.session(), factor, text, incident)
    click.echo(f"Fact {len(a.facts_for(Factor(factor.lower())))} recorded on factor "
               f"{factor.lower()} (version {a.version}).")


@assessment_group.command("remove-fact")
@click.argument("factor", type=click.Choice(_FACTORS, case_sensitive=False))
@click.argument("number", type=int)
@incident_option
@pass_cli
def remove_fact_cmd(cli: CliContext, factor: str, number: int, incident: str | None) -> None:
    """Take a fact off the draft (NUMBER as `assessment show` lists it within the factor).

    \b
    Example: crisisdesk assessment remove-fact mitigation 2
    """
    a = assessment_service.remove_fact(cli.session(), factor, number, incident)
    click.echo(f"Removed fact {number} from factor {factor.lower()} (version {a.version}).")


@assessment_group.command("conclude")
@click.argument("conclusion", type=click.Choice(["breach", "low-probability"],
                                                case_sensitive=False))
@click.option("--reasons", default="", metavar="TEXT",
              help="Why (required for low-probability, with a fact on every factor).")
@incident_option
@pass_cli
def conclude_cmd(cli: CliContext, conclusion: str, reasons: str, incident: str | None) -> None:
    """Set the draft's conclusion: breach (presumed) or low-probability of compromise.

    \b
    Example: crisisdesk assessment conclude low-probability --reasons "Lost laptop was
      encrypted (AES-256, key not with it); recovered unopened per forensic report."
    """
    a = assessment_service.conclude(cli.session(), conclusion, reasons, incident)
    click.echo(f"Version {a.version}: {a.conclusion.label}.")


@assessment_group.command("sign")
@incident_option
@pass_cli
def sign_cmd(cli: CliContext, incident: str | None) -> None:
    """Sign the draft as privacy officer (approvers and admins); it never changes after.

    \b
    Example: crisisdesk assessment sign
    """
    session = cli.session()
    a = assessment_service.sign(session, incident)
    click.echo(f"Version {a.version} {_signed_text(session, a)}: {a.conclusion.label}.")


@assessment_group.command("show")
@incident_option
@version_option
@json_option
@pass_cli
def show_cmd(cli: CliContext, incident: str | None, version: int | None,
             as_json: bool) -> None:
    """One version: each factor's facts with who recorded them, the conclusion, the signer.

    \b
    Example: crisisdesk assessment show --version 1 --json
    """
    session = cli.session()
    a = assessment_service.get(session, incident, version)
    if as_json:
        emit_json(_assessment_json(session, a))
        return
    click.echo(f"Assessment version {a.version}: {_signed_text(session, a)}")
    if a.ransomware:
        click.echo("Ransomware: presumed a breach unless this assessment shows otherwise.")
    for factor in Factor:
        click.echo(f"\n{factor.value}: {factor.heading}")
        facts = a.facts_for(factor)
        if not facts:
            click.echo("  (no fact yet)")
        for n, f in enumerate(facts, start=1):
            click.echo(f"  {n}. {f.text} ({f.recorded_by}, {when(session, f.recorded_at)})")
    click.echo(f"\nConclusion: {a.conclusion.label}")
    if a.reasons:
        click.echo(f"Reasons: {a.reasons}")


@assessment_group.command("list")
@incident_option
@json_option
@pass_cli
def list_cmd(cli: CliContext, incident: str | None, as_json: bool) -> None:
    """Every version, newest last, with its conclusion and signer.

    \b
    Example: crisisdesk assessment list
    """
    session = cli.session()
    found = assessment_service.versions(session, incident)
    if as_json:
        emit_json([_assessment_json(session, a) for a in found])
        return
    table([[str(a.version), a.conclusion.value, str(len(a.facts)), _signed_text(session, a)]
           for a in found], ["VERSION", "CONCLUSION", "FACTS", "SIGNED"])


def _diff_json(d: Diff) -> dict[str, Any]:
    def side(a: Assessment) -> dict[str, Any]:
        return {"version": a.version, "signer": a.signed.signer if a.signed else None,
                "signed_at": a.signed.signed_at if a.signed else None}
    return {"old": side(d.old), "new": side(d.new),
            "changes": [{"what": c.what, "factor": c.factor.value if c.factor else None,
                         "before": c.before, "after": c.after} for c in d.changes]}


@assessment_group.command("diff")
@click.argument("old", type=int, required=False)
@click.argument("new", type=int, required=False)
@incident_option
@json_option
@pass_cli
def diff_cmd(cli: CliContext, old: int | None, new: int | None, incident: str | None,
             as_json: bool) -> None:
    """What changed between two versions (default: the last two), and who signed each.

    \b
    Example: crisisdesk assessment diff 1 2
    """
    session = cli.session()
    d = assessment_service.compare(session, incident, old, new)
    if as_json:
        emit_json(_diff_json(d))
        return
    click.echo(f"Version {d.old.version}: {_signed_text(session, d.old)}")
    click.echo(f"Version {d.new.version}: {_signed_text(session, d.new)}")
    if not d.changes:
        click.echo("No changes.")
    for c in d.changes:
        where = f" [{c.factor.value}]" if c.factor else ""
        if c.before:
            click.echo(f"- {c.what}{where}: {c.before}")
        if c.after:
            click.echo(f"+ {c.what}{where}: {c.after}")


@assessment_group.command("print")
@click.argument("pdf_file")
@incident_option
@version_option
@pass_cli
def print_cmd(cli: CliContext, pdf_file: str, incident: str | None,
              version: int | None) -> None:
    """Write a version as a PDF (facts, conclusion, signature, changes from the one before).

    \b
    Example: crisisdesk assessment print assessment.pdf
    """
    from crisisdesk.printing.breach_assessment import assessment_html

    session = cli.session()
    html = assessment_html(session, incident, version)
    write_pdf(html, pdf_file, "Breach risk assessment")


# --- HHS ----------------------------------------------------------------------------------------

def _report_json(report: HhsReport) -> dict[str, Any]:
    return {
        "incident_id": report.incident_id, "version": report.version,
        "report_type": report.report_type, "saved_at": report.saved_at,
        "saved_by": report.saved_by, "notes": list(report.notes),
        "sections": [{"section": name, "fields": [
            {"key": v.field.key, "label": v.field.label, "value": v.value, "entry": v.text,
             "source": v.source, "applies": v.applies, "missing": v.missing,
             "options": [label for _k, label in v.field.options]} for v in values]}
            for name, values in report.sections()],
        "missing": [{"key": f.key, "label": f.label} for f in report.missing],
    }


def _echo_report(report: HhsReport) -> None:
    for note in report.notes:
        click.echo(note)
    for name, values in report.sections():
        click.echo(f"\n{name}")
        for v in values:
            if not v.applies:
                continue
            shown = v.text or ("MISSING" if v.missing else "(optional, blank)")
            click.echo(f"  {v.field.label} [{v.field.key}]: {shown}"
                       + (f"   ({v.source})" if v.source else ""))
    missing = report.missing
    click.echo(f"\nMissing ({len(missing)}): "
               + (", ".join(f.key for f in missing) if missing else "none"))


@click.group("hhs")
def hhs_group() -> None:
    """The HHS breach report (45 CFR 164.408), ready to enter in the portal, and the annual
    log of breaches affecting fewer than 500 people."""


@hhs_group.command("report")
@incident_option
@version_option
@json_option
@pass_cli
def report_cmd(cli: CliContext, incident: str | None, version: int | None,
               as_json: bool) -> None:
    """Every portal field in the portal's order, its answer and source, and what is missing
    (default: the live draft; --version: a saved version).

    \b
    Example: crisisdesk hhs report
    Example: crisisdesk hhs report --version 1 --json
    """
    session = cli.session()
    if version is None:
        report = hhs_service.draft(session, incident)
    else:
        found = [r for r in hhs_service.saved_versions(session, incident)
                 if r.version == version]
        if not found:
            raise NotFound(f"version: no saved HHS report version {version}.")
        report = found[0]
    if as_json:
        emit_json(_report_json(report))
    else:
        _echo_report(report)


@hhs_group.command("set")
@click.argument("answers", nargs=-1, required=True, metavar="FIELD=VALUE...")
@incident_option
@pass_cli
def set_cmd(cli: CliContext, answers: tuple[str, ...], incident: str | None) -> None:
    """Record answers the desk cannot know (FIELD as `hhs report` names it; lists with ';';
    an empty VALUE clears). All are checked before any is saved.

    \b
    Example: crisisdesk hhs set ce_type=provider ba_involved=no
    Example: crisisdesk hhs set "safeguards=privacy; administrative; technical"
    """
    pairs = {}
    for item in answers:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.UsageError(f"{item!r}: write FIELD=VALUE.")
        pairs[key.strip()] = value
    report = hhs_service.set_answers(cli.session(), pairs, incident)
    click.echo(f"Recorded {len(pairs)} answer(s); {len(report.missing)} field(s) still "
               "missing.")


@hhs_group.command("save")
@incident_option
@pass_cli
def save_cmd(cli: CliContext, incident: str | None) -> None:
    """Keep the report as filed: version 1 is the initial report, later ones addenda (the
    earlier versions are kept).

    \b
    Example: crisisdesk hhs save
    """
    report = hhs_service.save_version(cli.session(), incident)
    click.echo(f"Saved HHS report version {report.version} ({report.report_type}); "
               f"{len(report.missing)} field(s) missing.")


@hhs_group.command("versions")
@incident_option
@json_option
@pass_cli
def versions_cmd(cli: CliContext, incident: str | None, as_json: bool) -> None:
    """The saved versions (initial report and addenda).

    \b
    Example: crisisdesk hhs versions
    """
    session = cli.session()
    found = hhs_service.saved_versions(session, incident)
    if as_json:
        emit_json([_report_json(r) for r in found])
        return
    table([[str(r.version), r.report_type, when(session, r.saved_at), r.saved_by,
            str(len(r.missing))] for r in found],
          ["VERSION", "TYPE", "SAVED", "BY", "MISSING"])


@hhs_group.command("print")
@click.argument("pdf_file")
@incident_option
@version_option
@pass_cli
def hhs_print_cmd(cli: CliContext, pdf_file: str, incident: str | None,
                  version: int | None) -> None:
    """Write the report as a PDF, one page per portal section (default: the live draft).

    \b
    Example: crisisdesk hhs print hhs-report.pdf
    """
    from crisisdesk.printing.hhs_report import report_html

    write_pdf(report_html(cli.session(), incident, version), pdf_file, "HHS breach report")


def _log_json(log: AnnualLog) -> dict[str, Any]:
    return {"year": log.year, "due": log.due.isoformat(), "entries": [
        {"incident_id": e.incident_id, "title": e.title,
         "discovered_on": e.discovered_on.isoformat(), "breach_start": e.breach_start,
         "breach_end": e.breach_end, "individuals": e.individuals,
         "breach_type": e.breach_type, "location": e.location, "assessment": e.conclusion,
         "saved_version": e.saved_version, "missing": e.missing} for e in log.entries]}


@hhs_group.command("annual-log")
@click.option("--year", type=int, metavar="YYYY",
              help="Calendar year of discovery (default: the year whose log is due next).")
@json_option
@pdf_option
@pass_cli
def annual_log_cmd(cli: CliContext, year: int | None, as_json: bool,
                   pdf_path: str | None) -> None:
    """Breaches discovered in a year that affected fewer than 500 people, one entry each, and
    the date they are due at HHS (60 days after the year ends).

    \b
    Example: crisisdesk hhs annual-log --year 2026 --pdf log-2026.pdf
    """
    session = cli.session()
    log = hhs_service.annual_log(session, year or hhs_service.annual_year(session))
    if as_json:
        emit_json(_log_json(log))
    else:
        click.echo(f"{log.year}: {len(log.entries)} breach(es) under 500, due at HHS by "
                   f"{log.due.isoformat()}")
        table([[e.discovered_on.isoformat(), e.title, f"{e.individuals:,}", e.breach_type,
                e.conclusion, str(e.saved_version or "-"), str(e.missing)]
               for e in log.entries],
              ["DISCOVERED", "INCIDENT", "PEOPLE", "TYPE", "ASSESSMENT", "SAVED", "MISSING"])
    if pdf_path:
        from crisisdesk.printing.hhs_report import annual_log_html

        write_pdf(annual_log_html(session, log.year), pdf_path,
                  f"Breaches under 500: {log.year}")


COMMANDS = [assessment_group, hhs_group]
