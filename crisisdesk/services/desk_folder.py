"""Which desk a folder holds, read without opening it.

Only the key-slot file is read (organisation, desk id, slots), so this module stays light: the
unlock dialog needs it before anything else, and the storage stack (SQLCipher, sqlite-utils,
the roster) loads in the background while the person types.
"""

from __future__ import annotations

from pathlib import Path

from crisisdesk.domain.errors import DeskNotFound
from crisisdesk.paths import DeskPaths
from crisisdesk.store.vault import Vault


def load_vault(data_dir: Path) -> Vault:
    paths = DeskPaths(data_dir)
    if not paths.exists():
        raise DeskNotFound(
            f"No desk in {data_dir}. Create one with 'crisisdesk init' or 'crisisdesk demo', "
            "or point --data-dir / CRISISDESK_HOME at an existing desk."
        )
    return Vault.load(data_dir)
