"""What the first-run window asks of the desk: create ours (with a logo), or open the demo.

Both are thin: creating is `desk.init_desk` (the organisation, the first admin, the one-time
recovery key) plus the `letterhead_logo` setting when a logo was chosen; the logo is checked
first, so a bad file refuses the whole thing before anything is written. The demo is the
`crisisdesk demo` builder, in its own folder beside the data folder (`<folder>-demo`), so the
real desk's place stays free for the real desk; an existing demo there is opened, not rebuilt.
"""

from __future__ import annotations

from pathlib import Path

from crisisdesk.domain.errors import ValidationError
from crisisdesk.paths import DeskPaths
from crisisdesk.services import desk as desk_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services.demo import desk as demo_service
from crisisdesk.services.files.text import read_head
from crisisdesk.services.session import Session
from crisisdesk.store.vault import KdfParams

_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


def check_logo(path: Path) -> Path:
    """A PNG or JPEG file that can be read, as an absolute path; else one line naming it."""
    path = path.expanduser()
    try:
        head = read_head(path, 16)
    except Exception as err:
        raise ValidationError(str(err), {"logo": "cannot read"}) from None
    if not head.startswith(_IMAGE_MAGIC):
        raise ValidationError(f"{path.name} is not a PNG or JPEG picture; choose the logo as "
                              "a .png or .jpg file.", {"logo": "not a picture"})
    return path.resolve()


def create_desk(data_dir: Path, *, org: str, operator: str, passphrase: str,
                logo: Path | None = None,
                kdf: KdfParams | None = None) -> desk_service.InitResult:
    """A new desk with its first admin; the session is open and the recovery code returned."""
    logo_path = check_logo(logo) if logo is not None else None
    result = desk_service.init_desk(data_dir, org=org, operator=operator, passphrase=passphrase,
                                    kdf=kdf)
    if logo_path is not None:
        try:
            settings_service.set(result.session, "letterhead_logo", str(logo_path))
        except BaseException:
            result.session.close()
            raise
    return result


def demo_folder(data_dir: Path) -> Path:
    return data_dir.with_name(f"{data_dir.name}-demo")


def open_demo(data_dir: Path, *, kdf: KdfParams | None = None) -> Session:
    """The demo desk beside `data_dir`, built first if it is not there, open as its operator."""
    folder = demo_folder(data_dir)
    if not DeskPaths(folder).exists():
        demo_service.create_demo(folder, kdf=kdf)
    return desk_service.unlock(folder, demo_service.DEMO_OPERATOR, demo_service.DEMO_PASSPHRASE)
