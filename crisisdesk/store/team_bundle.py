"""Team bundle files: one encrypted file carrying engine updates from one laptop to others.

Layout: a magic line, a 4-byte header length, the header (JSON, in clear but authenticated:
it is AES-GCM's associated data), a 12-byte nonce, then AES-256-GCM over the zlib-compressed
payload. The key is derived (HKDF) from the team key kept inside every clone of the team desk,
so a rekey of one laptop's desk never stops bundles from being read. The header lets a bundle
be refused before any decryption with a precise reason: not a bundle, a newer format, another
team, a key this desk does not have; a tampered or truncated file fails its GCM tag.

Nothing in the header is desk content: the team id, the sender laptop's id, when it was made.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from crisisdesk.domain.errors import UserError
from crisisdesk.store.files import write_bytes_atomic

MAGIC = b"CRISISDESK-TEAM-BUNDLE\n"
FORMAT = 1
SUFFIX = ".cdbundle"
_MAX_HEADER = 64 * 1024
_MAX_PAYLOAD = 2 * 1024 * 1024 * 1024  # what zlib may inflate to: a hostile file cannot eat RAM


class BundleRefused(UserError):
    """A bundle that is not imported; the message is the one line the user sees."""


@dataclass(frozen=True)
class Bundle:
    team_id: str
    sender: str  # laptop id
    created_at: str
    payload: dict[str, object]
    sha256: str = ""


def _key(team_key: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"crisisdesk team bundle",
                info=purpose).derive(team_key)


def key_id(team_key: bytes) -> str:
    """A short public fingerprint of the team key (tells "unknown key" from "tampered")."""
    return _key(team_key, b"key id v1")[:8].hex()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: object) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not text")
    return base64.b64decode(text.encode("ascii"), validate=True)


def encode(bundle: Bundle, team_key: bytes, *, fmt: int = FORMAT) -> bytes:
    header = json.dumps({"format": fmt, "team": bundle.team_id, "key": key_id(team_key),
                         "sender": bundle.sender, "created_at": bundle.created_at},
                        sort_keys=True).encode("utf-8")
    body = zlib.compress(json.dumps(bundle.payload, sort_keys=True).encode("utf-8"), 6)
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_key(team_key, b"bundle v1")).encrypt(nonce, body, MAGIC + header)
    return MAGIC + struct.pack(">I", len(header)) + header + nonce + sealed


def write(path: Path, bundle: Bundle, team_key: bytes) -> int:
    data = encode(bundle, team_key)
    write_bytes_atomic(path, data)
    return len(data)


def read(path: Path, team_id: str, team_key: bytes) -> Bundle:
    """The bundle in `path`, checked; BundleRefused (one line) for anything wrong."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BundleRefused(f"Cannot read {path}: {exc.strerror or exc}.") from None
    return decode(data, team_id, team_key, name=path.name)


def decode(data: bytes, team_id: str, team_key: bytes, *, name: str = "the bundle") -> Bundle:
    if not data.startswith(MAGIC):
        raise BundleRefused(f"{name} is not a CrisisDesk team bundle.")
    rest = data[len(MAGIC):]
    damaged = BundleRefused(f"{name} is damaged or was altered (it fails its check); "
                            "nothing was imported.")
    if len(rest) < 4:
        raise damaged
    (size,) = struct.unpack(">I", rest[:4])
    if size > _MAX_HEADER or len(rest) < 4 + size + 12 + 16:
        raise damaged
    raw_header = rest[4:4 + size]
    try:
        header = json.loads(raw_header.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise damaged from None
    if not isinstance(header, dict):
        raise damaged
    fmt = header.get("format")
    if not isinstance(fmt, int) or isinstance(fmt, bool):
        raise damaged
    if fmt > FORMAT:
        raise BundleRefused(f"{name} was made by a newer CrisisDesk (bundle format {fmt}); "
                            "upgrade CrisisDesk on this laptop to import it.")
    if header.get("team") != team_id:
        raise BundleRefused(f"{name} belongs to another team, not to this desk's team; "
                            "nothing was imported.")
    if header.get("key") != key_id(team_key):
        raise BundleRefused(f"{name} is encrypted with a team key this desk does not have; "
                            "nothing was imported.")
    nonce, sealed = rest[4 + size:4 + size + 12], rest[4 + size + 12:]
    try:
        body = AESGCM(_key(team_key, b"bundle v1")).decrypt(nonce, sealed, MAGIC + raw_header)
        inflater = zlib.decompressobj()
        plain = inflater.decompress(body, _MAX_PAYLOAD)
        if inflater.unconsumed_tail:
            raise BundleRefused(f"{name} is too large to import.")
        payload = json.loads(plain.decode("utf-8"))
    except (InvalidTag, zlib.error, UnicodeDecodeError, ValueError):
        raise damaged from None
    if not isinstance(payload, dict):
        raise damaged
    return Bundle(str(header["team"]), str(header.get("sender", "")),
                  str(header.get("created_at", "")), payload,
                  hashlib.sha256(data).hexdigest())


def peek(path: Path) -> tuple[str, str] | None:
    """(sender laptop id, when made) from a bundle's clear header; None if it has none.
    Cheap (reads the first kilobytes, decrypts nothing): for telling this laptop's own bundles
    in a shared folder from the others'. Not a check: `read` still checks everything."""
    try:
        with path.open("rb") as fh:
            head = fh.read(len(MAGIC) + 4 + _MAX_HEADER)
    except OSError:
        return None
    if not head.startswith(MAGIC) or len(head) < len(MAGIC) + 4:
        return None
    (size,) = struct.unpack(">I", head[len(MAGIC):len(MAGIC) + 4])
    try:
        header = json.loads(head[len(MAGIC) + 4:len(MAGIC) + 4 + size].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(header, dict) or not isinstance(header.get("sender"), str):
        return None
    return header["sender"], str(header.get("created_at", ""))
