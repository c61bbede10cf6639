"""Key slots: the desk's random data key, stored only wrapped, once per operator.

Like LUKS: passphrase -> Argon2id -> key-encryption key (KEK) -> AES-GCM unwrap of the 256-bit
data key. Adding or removing an operator rewrites `keyslots.json`, never the database. A
recovery slot, opened by a printable code shown once at `init`, is the second way in when every
passphrase is lost. The slot file holds no secret in clear; AES-GCM's associated data binds each
wrapped key to its desk, slot and operator so slots cannot be swapped between names.

Beside the data key, a slot may hold the operator's Ed25519 signing key (see domain/roster.py),
wrapped with the same KEK under its own nonce; its associated data also binds the public half,
which the slot file keeps in clear so an admin can confirm it on the roster. A slot written
before signing keys existed has none until its owner next unlocks.
"""

from __future__ import annotations

import base64
import json
import secrets
import unicodedata
import uuid
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from crisisdesk.domain.errors import DeskDamaged, DeskNotFound, NotFound, WrongPassphrase
from crisisdesk.domain.roster import public_key
from crisisdesk.store.files import write_bytes_atomic

SLOTS_FILE = "keyslots.json"
FORMAT = 1


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. Defaults follow OWASP/Bitwarden: 64 MiB, 3 passes, 4 lanes (~0.3 s here)."""

    iterations: int = 3
    lanes: int = 4
    memory_cost: int = 64 * 1024  # KiB


DEFAULT_KDF = KdfParams()


@dataclass
class KeySlot:
    id: str
    kind: str  # "operator" | "recovery"
    operator: str  # "" for the recovery slot
    salt: str
    nonce: str
    wrapped: str
    kdf: dict[str, int] = field(default_factory=dict)
    sign_public: str = ""  # hex Ed25519 public key; "" = no signing key in this slot yet
    sign_nonce: str = ""
    sign_wrapped: str = ""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def slot_key(name: str) -> str:
    """How operator names are matched to slots: case-insensitive, spaces collapsed, Unicode NFC
    (so "Zoë" typed with a combining diaeresis finds the slot made for the one-character ë)."""
    folded = " ".join(unicodedata.normalize("NFC", name).split()).casefold()
    return unicodedata.normalize("NFC", folded)


def _aad_name(name: str) -> str:
    """The name as bound into a slot's AES-GCM associated data. Frozen: it is part of every
    slot already written, so it must never change (it is computed from the stored name)."""
    return " ".join(name.split()).casefold()


def passphrase_forms(passphrase: str) -> list[str]:
    """The forms a typed passphrase is tried in: NFC first (what new slots are made from),
    then as typed and NFD, for slots made before passphrases were normalised."""
    forms = [unicodedata.normalize("NFC", passphrase)]
    for other in (passphrase, unicodedata.normalize("NFD", passphrase)):
        if other not in forms:
            forms.append(other)
    return forms


def derive_kek(secret: str, salt: bytes, params: KdfParams) -> bytes:
    kdf = Argon2id(
        salt=salt, length=32, iterations=params.iterations, lanes=params.lanes,
        memory_cost=params.memory_cost,
    )
    return kdf.derive(secret.encode("utf-8"))


def new_recovery_code() -> str:
    """160 random bits as 32 base32 characters in groups of four: easy to print and type."""
    raw = base64.b32encode(secrets.token_bytes(20)).decode("ascii")
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def normalise_recovery_code(code: str) -> str:
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return cleaned.translate(str.maketrans("018", "OIB"))


# -- checking a slot file before any of it is used ----------------------------------------------
KDF_LIMITS = {  # what a slot may ask Argon2id for: a hostile file must not cost hours or RAM
    "iterations": (1, 64),
    "lanes": (1, 16),
    "memory_cost": (8, 1024 * 1024),  # KiB: up to 1 GiB (the default is 64 MiB)
}
_B64_LENGTHS = {"salt": 16, "nonce": 12, "wrapped": 32 + 16}  # wrapped = data key + GCM tag
_SIGN_FIELDS = ("sign_public", "sign_nonce", "sign_wrapped")  # all three, or none
_SIGN_LENGTHS = {"sign_nonce": 12, "sign_wrapped": 32 + 16}  # signing key + GCM tag


class SlotsDamaged(DeskDamaged):
    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"The key slots file is damaged: {reason}; restore {path.name} from a "
                         f"backup ({path}).")


class _Bad(Exception):
    """One reason a slot file is refused (becomes SlotsDamaged)."""


def _object(raw: object, where: str, keys: set[str],
            optional: frozenset[str] = frozenset()) -> dict[str, object]:
    if not isinstance(raw, dict):
        raise _Bad(f"{where} must be a JSON object, not {type(raw).__name__}")
    missing, extra = keys - raw.keys(), raw.keys() - keys - optional
    if missing:
        raise _Bad(f"{where} lacks {', '.join(sorted(missing))}")
    if extra:
        raise _Bad(f"{where} has an unknown key {sorted(extra)[0]!r}")
    return raw


def _text(doc: dict[str, object], key: str, where: str) -> str:
    value = doc[key]
    if not isinstance(value, str):
        raise _Bad(f"{where}: {key} must be text, not {json.dumps(value)}")
    return value


def check_kdf(raw: object, where: str = "the key derivation") -> KdfParams:
    """The Argon2id cost a slot asks for, refused outside KDF_LIMITS (or argon2's own rule)."""
    doc = _object(raw, f"{where}: kdf", set(KDF_LIMITS))
    values: dict[str, int] = {}
    for key, (low, high) in KDF_LIMITS.items():
        value = doc[key]
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise _Bad(f"{where}: {key} must be a whole number from {low} to {high}, "
                       f"not {json.dumps(value)}")
        values[key] = value
    if values["memory_cost"] < 8 * values["lanes"]:
        raise _Bad(f"{where}: memory_cost must be at least 8 per lane")
    return KdfParams(**values)


def _slot(number: int, raw: object) -> KeySlot:
    where = f"slot {number}"
    doc = _object(raw, where, {f.name for f in fields(KeySlot)} - set(_SIGN_FIELDS),
                  frozenset(_SIGN_FIELDS))
    texts = {k: _text(doc, k, where) for k in ("id", "kind", "operator", "salt", "nonce",
                                               "wrapped")}
    if texts["kind"] not in ("operator", "recovery"):
        raise _Bad(f"{where}: unknown kind {texts['kind']!r}")
    if texts["kind"] == "operator" and not texts["operator"].strip():
        raise _Bad(f"{where}: an operator slot needs an operator name")
    for key, length in _B64_LENGTHS.items():
        try:
            decoded = base64.b64decode(texts[key].encode("ascii"), validate=True)
        except (ValueError, UnicodeEncodeError):
            raise _Bad(f"{where}: {key} is not base64") from None
        if len(decoded) != length:
            raise _Bad(f"{where}: {key} holds {len(decoded)} bytes, not {length}")
    kdf = asdict(check_kdf(doc["kdf"], where))
    return KeySlot(kdf=kdf, **texts, **_signing_fields(doc, where))


def _signing_fields(doc: dict[str, object], where: str) -> dict[str, str]:
    present = [k for k in _SIGN_FIELDS if k in doc]
    if not present:
        return {}
    if len(present) != len(_SIGN_FIELDS):
        raise _Bad(f"{where} has {present[0]} without the rest of its signing key")
    texts = {k: _text(doc, k, where) for k in _SIGN_FIELDS}
    try:
        if len(bytes.fromhex(texts["sign_public"])) != 32:
            raise ValueError
    except ValueError:
        raise _Bad(f"{where}: sign_public is not a 64-digit hex key") from None
    for key, length in _SIGN_LENGTHS.items():
        try:
            decoded = base64.b64decode(texts[key].encode("ascii"), validate=True)
        except (ValueError, UnicodeEncodeError):
            raise _Bad(f"{where}: {key} is not base64") from None
        if len(decoded) != length:
            raise _Bad(f"{where}: {key} holds {len(decoded)} bytes, not {length}")
    return texts


def _slot_doc(slot: KeySlot) -> dict[str, object]:
    """A slot as written: a slot without a signing key is written exactly as before."""
    doc = asdict(slot)
    if not slot.sign_public:
        for key in _SIGN_FIELDS:
            del doc[key]
    return doc


class SigningKeyDamaged(DeskDamaged):
    """The slot opened but its signing key does not: the slot file was edited."""


class Vault:
    """The key-slot file of one desk."""

    def __init__(self, path: Path, desk_id: str, org: str, slots: list[KeySlot]) -> None:
        self.path = path
        self.desk_id = desk_id
        self.org = org
        self.slots = slots

    # -- file -------------------------------------------------------------------------------
    @classmethod
    def load(cls, data_dir: Path) -> Vault:
        """The key slots of the desk in `data_dir`; one-line DeskDamaged if the file is not
        exactly what CrisisDesk writes (checked before any Argon2 cost is paid)."""
        path = data_dir / SLOTS_FILE
        if not path.exists():
            raise DeskNotFound(
                f"No desk in {data_dir}. Create one with 'crisisdesk init' or choose --data-dir."
            )
        try:
            raw = json.loads(path.read_bytes().decode("utf-8"))
        except OSError as exc:
            raise DeskDamaged(f"Cannot read the key slots file {path}: {exc.strerror}.") from None
        except ValueError as exc:
            raise SlotsDamaged(path, f"it is not JSON ({exc})") from None
        try:
            return cls._parse(path, raw)
        except _Bad as bad:
            raise SlotsDamaged(path, str(bad)) from None

    @classmethod
    def _parse(cls, path: Path, raw: object) -> Vault:
        doc = _object(raw, "the file", {"format", "desk_id", "org", "slots"})
        if doc["format"] != FORMAT or isinstance(doc["format"], bool):
            raise DeskDamaged(f"{path.name} has an unknown format; upgrade CrisisDesk.")
        slots_raw = doc["slots"]
        if not isinstance(slots_raw, list) or not slots_raw:
            raise _Bad("'slots' must be a list of at least one key slot")
        slots = [_slot(i, s) for i, s in enumerate(slots_raw, start=1)]
        return cls(path, _text(doc, "desk_id", "the file"), _text(doc, "org", "the file"), slots)

    @classmethod
    def create(cls, data_dir: Path, org: str) -> tuple[Vault, bytes]:
        """A new vault with a fresh random data key (returned; never stored in clear)."""
        vault = cls(data_dir / SLOTS_FILE, str(uuid.uuid4()), org, [])
        return vault, secrets.token_bytes(32)

    def to_bytes(self) -> bytes:
        doc = {
            "format": FORMAT,
            "desk_id": self.desk_id,
            "org": self.org,
            "slots": [_slot_doc(s) for s in self.slots],
        }
        return json.dumps(doc, indent=2).encode("utf-8")

    def save(self) -> None:
        write_bytes_atomic(self.path, self.to_bytes())

    # -- slots ------------------------------------------------------------------------------
    def _aad(self, slot_id: str, kind: str, operator: str) -> bytes:
        return f"crisisdesk-slot:{self.desk_id}:{slot_id}:{kind}:{_aad_name(operator)}".encode()

    def _make_slot(
        self, data_key: bytes, kind: str, operator: str, secret: str, params: KdfParams
    ) -> tuple[KeySlot, bytes]:
        slot_id = str(uuid.uuid4())
        salt = secrets.token_bytes(16)
        kek = derive_kek(secret, salt, params)
        nonce = secrets.token_bytes(12)
        wrapped = AESGCM(kek).encrypt(nonce, data_key, self._aad(slot_id, kind, operator))
        slot = KeySlot(
            id=slot_id, kind=kind, operator=operator, salt=_b64(salt), nonce=_b64(nonce),
            wrapped=_b64(wrapped), kdf=asdict(params),
        )
        return slot, kek

    def operator_slot(self, operator: str) -> KeySlot | None:
        key = slot_key(operator)
        return next(
            (s for s in self.slots if s.kind == "operator" and slot_key(s.operator) == key), None
        )

    def set_operator_slot(
        self, data_key: bytes, operator: str, passphrase: str, params: KdfParams | None = None,
        signing_key: bytes | None = None,
    ) -> None:
        """Add (or replace) the operator's slot (name and passphrase in NFC), holding
        `signing_key` (the Ed25519 private key) when given. The caller saves."""
        operator = unicodedata.normalize("NFC", operator)
        passphrase = unicodedata.normalize("NFC", passphrase)
        slot, kek = self._make_slot(data_key, "operator", operator, passphrase,
                                    params or DEFAULT_KDF)
        if signing_key is not None:
            self._wrap_signing(slot, kek, signing_key)
        self.slots = [
            s for s in self.slots
            if not (s.kind == "operator" and slot_key(s.operator) == slot_key(operator))
        ]
        self.slots.append(slot)

    def set_recovery_slot(self, data_key: bytes, params: KdfParams | None = None,
                          signing_key: bytes | None = None) -> str:
        """Replace the recovery slot (holding `signing_key` when given); return the new code
        (shown once, never stored)."""
        code = new_recovery_code()
        slot, kek = self._make_slot(
            data_key, "recovery", "", normalise_recovery_code(code), params or DEFAULT_KDF
        )
        if signing_key is not None:
            self._wrap_signing(slot, kek, signing_key)
        self.slots = [s for s in self.slots if s.kind != "recovery"]
        self.slots.append(slot)
        return code

    def remove_operator_slot(self, operator: str) -> None:
        if self.operator_slot(operator) is None:
            raise NotFound(f"No operator named {operator!r} holds a key slot.")
        key = slot_key(operator)
        self.slots = [
            s for s in self.slots if not (s.kind == "operator" and slot_key(s.operator) == key)
        ]

    # -- unlocking --------------------------------------------------------------------------
    def open_slot(self, operator: str, passphrase: str) -> tuple[bytes, bytes]:
        """(slot key, data key) for the operator's passphrase, or WrongPassphrase.

        The passphrase is tried in NFC and, only if it differs, as typed and in NFD (see
        `passphrase_forms`): an ASCII passphrase costs one Argon2 run, as before.
        """
        slot = self.operator_slot(operator)
        if slot is None:
            # Same cost and same message as a wrong passphrase: do not reveal who exists.
            for form in passphrase_forms(passphrase):
                derive_kek(form, b"\0" * 16, DEFAULT_KDF)
            raise WrongPassphrase()
        params = KdfParams(**slot.kdf)
        for form in passphrase_forms(passphrase):
            kek = derive_kek(form, _unb64(slot.salt), params)
            try:
                return kek, self._unwrap(slot, kek)
            except WrongPassphrase:
                continue
        raise WrongPassphrase()

    def unwrap_with_kek(self, operator: str, kek: bytes) -> bytes:
        slot = self.operator_slot(operator)
        if slot is None:
            raise WrongPassphrase()
        return self._unwrap(slot, kek)

    def unlock(self, operator: str, passphrase: str) -> bytes:
        return self.open_slot(operator, passphrase)[1]

    def unlock_recovery(self, code: str) -> bytes:
        return self.open_recovery(code)[1]

    def recovery_slot(self) -> KeySlot | None:
        return next((s for s in self.slots if s.kind == "recovery"), None)

    def open_recovery(self, code: str) -> tuple[bytes, bytes]:
        """(slot key, data key) for the printed recovery code, or WrongPassphrase."""
        slot = self.recovery_slot()
        if slot is None:
            raise WrongPassphrase("This desk has no recovery key.")
        kek = derive_kek(
            normalise_recovery_code(code), _unb64(slot.salt), KdfParams(**slot.kdf)
        )
        try:
            return kek, self._unwrap(slot, kek)
        except WrongPassphrase:
            raise WrongPassphrase("That recovery key does not open this desk.") from None

    # -- signing keys -----------------------------------------------------------------------
    def _sign_aad(self, slot: KeySlot, public: str) -> bytes:
        return (self._aad(slot.id, slot.kind, slot.operator) + b":signing-key:"
                + public.encode("ascii"))

    def _wrap_signing(self, slot: KeySlot, kek: bytes, private: bytes) -> None:
        public = public_key(private)
        nonce = secrets.token_bytes(12)
        slot.sign_public = public
        slot.sign_nonce = _b64(nonce)
        slot.sign_wrapped = _b64(AESGCM(kek).encrypt(nonce, private,
                                                     self._sign_aad(slot, public)))

    def add_signing_key(self, slot: KeySlot, kek: bytes, private: bytes) -> None:
        """Give an existing slot (opened with `kek`) a signing key. The caller saves."""
        self._wrap_signing(slot, kek, private)

    def open_signing_key(self, slot: KeySlot, kek: bytes) -> bytes | None:
        """The slot's Ed25519 private key (one AES-GCM unwrap), None if it has none yet;
        SigningKeyDamaged if the slot's data key opened with `kek` but this does not."""
        if not slot.sign_public:
            return None
        try:
            return AESGCM(kek).decrypt(_unb64(slot.sign_nonce), _unb64(slot.sign_wrapped),
                                       self._sign_aad(slot, slot.sign_public))
        except (InvalidTag, ValueError):
            raise SigningKeyDamaged(
                f"The signing key in the key slot of {slot.operator or 'the recovery key'} "
                f"was changed outside CrisisDesk; restore {self.path.name} from a backup or "
                "ask an admin to set a new passphrase for it.") from None

    def _unwrap(self, slot: KeySlot, kek: bytes) -> bytes:
        try:
            return AESGCM(kek).decrypt(
                _unb64(slot.nonce), _unb64(slot.wrapped),
                self._aad(slot.id, slot.kind, slot.operator),
            )
        except (InvalidTag, ValueError):
            raise WrongPassphrase() from None
