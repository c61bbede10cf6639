"""The reviewed wording lists shipped in `resources/wording/` (risky phrases and
fixed factual claims), read once per process."""

from __future__ import annotations

import functools
import tomllib

from crisisdesk.domain.wording import WordingRules, parse_rules
from crisisdesk.paths import shipped


@functools.lru_cache(maxsize=1)
def wording_rules() -> WordingRules:
    """Both lists, parsed (a broken shipped list is a bug: it raises)."""
    folder = shipped("wording")
    phrases = tomllib.loads(folder.joinpath("risky_phrases.toml").read_text("utf-8"))
    claims = tomllib.loads(folder.joinpath("fact_claims.toml").read_text("utf-8"))
    return parse_rules(phrases, claims)
