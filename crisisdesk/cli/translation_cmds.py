"""`crisisdesk incident translate|translations`: the incident's facts in Spanish."""

from __future__ import annotations

import click

from crisisdesk.cli.common import CliContext, emit_json, json_option, pass_cli, table
from crisisdesk.cli.incident_cmds import incident_group
from crisisdesk.domain.fact_languages import BY_FIELD, LANGUAGES
from crisisdesk.services import incident_translations as service

_incident = click.option("--incident", metavar="ID", help="Another incident than the current.")


@incident_group.command("translate")
@click.option("--field", "field", required=True, type=click.Choice(list(BY_FIELD)),
              help="Which free-text fact.")
@click.option("--lang", "language", required=True, type=click.Choice(list(LANGUAGES)),
              help="The language of TEXT.")
@click.option("--clear", is_flag=True, help="Remove the wording instead of setting it.")
@click.argument("text", required=False, default="")
@_incident
@pass_cli
def translate_cmd(cli: CliContext, field: str, language: str, clear: bool, text: str,
                  incident: str | None) -> None:
    """Record how one of the incident's free-text facts reads in another language.

    \b
    Example: crisisdesk incident translate --field summary --lang es "alguien entró en ..."
    """
    session = cli.session()
    if clear:
        removed = service.clear_translation(session, field, language, incident_id=incident)
        click.echo(f"Removed the {language} wording of {field}." if removed
                   else f"There was no {language} wording of {field}.")
        return
    if not text:
        raise click.UsageError("Give the TEXT (or --clear).")
    saved = service.set_translation(session, field, language, text, incident_id=incident)
    click.echo(f"Saved the {language} wording of the {saved.label}.")


@incident_group.command("translations")
@click.option("--lang", "language", default="es", show_default=True,
              type=click.Choice(list(LANGUAGES)), help="Which language.")
@_incident
@json_option
@pass_cli
def translations_cmd(cli: CliContext, language: str, incident: str | None,
                     as_json: bool) -> None:
    """Each translatable fact beside its wording; MISSING ones stop letters in that language.

    \b
    Example: crisisdesk incident translations --json
    """
    rows = service.listing(cli.session(), language, incident_id=incident)
    if as_json:
        emit_json([r.to_dict() for r in rows])
        return
    table([[r.field, "MISSING" if r.missing else ("-" if not r.text else "ok"),
            r.text or r.english] for r in rows], ["FIELD", language.upper(), "TEXT"])


COMMANDS: list[click.Command] = []  # the commands join `crisisdesk incident`
