"""Key slots: the desk's random data key, stored only wrapped, once per operator.

Like LUKS: passphrase -> Argon2id -> key-encryption key (KEK). A recovery slot, opened by a
printable code shown once at `init`, is the second way in when every passphrase is lost. The
slot file holds no secret in clear; AES-GCM's associated data binds everything in a slot to its
desk, slot and operator so slots cannot be swapped between names.

Sealed slots (every slot made now). A slot also holds an X25519 key pair: `box_public` in
clear, its private half wrapped under the KEK in `wrapped`; the data key itself is in `sealed`,
sealed to `box_public` (ECIES: an ephemeral X25519 key, HKDF-SHA256, AES-GCM). Why: removing an
operator re-encrypts the desk with a NEW data key (store/rekey.py), and the admin doing it
does not know the other operators' passphrases. Sealing needs only each remaining slot's
public key, so the admin can give every remaining slot the new key, while the removed slot is
simply not sealed to: a kept copy of the old `keyslots.json` still yields the OLD data key,
which opens old backups but no longer the live desk. The KEK itself never changes at a rekey,
so "remember on this computer" keeps working.

Beside its keys, a slot may hold the operator's Ed25519 signing key (see domain/roster.py),
wrapped with the same KEK under its own nonce; its associated data also binds the public half,
which the slot file keeps in clear so an admin can confirm it on the roster. A slot written
before signing keys existed has none until its owner next unlocks. The KEK survives a rekey,
so the signing key does too (a resealed slot keeps its id and its `sign_*` fields).

Legacy slots (no `box_public`/`sealed`; `wrapped` is the data key under the KEK) still open,
and are turned into sealed slots the first time they are opened (the KEK is known then). A
rekey refuses while a remaining slot is still legacy (`Vault.resealed` names it).

`cryptography` (and the roster, which needs it), `secrets`, `uuid` and the atomic file writer are
imported where a key is made, derived, wrapped or opened, or the file written, not at import:
reading the slot file to show the unlock dialog needs none of them.
"""

from __future__ import annotations

import base64
import contextlib
import json
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from crisisdesk.domain.errors import (
    DeskDamaged,
    DeskNotFound,
    NotFound,
    UserError,
    WrongPassphrase,
)
from crisisdesk.paths import DeskPaths

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
    # Sealed slots only (see the module docstring); "" in a legacy slot, and then not written.
    box_public: str = ""
    sealed: str = ""
    sign_public: str = ""  # hex Ed25519 public key; "" = no signing key in this slot yet
    sign_nonce: str = ""
    sign_wrapped: str = ""

    @property
    def is_sealed(self) -> bool:
        return bool(self.sealed)


SEALED_FIELDS = ("box_public", "sealed")


def _random_bytes(n: int) -> bytes:
    import secrets

    return secrets.token_bytes(n)


def _new_id() -> str:
    import uuid

    return str(uuid.uuid4())


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
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    kdf = Argon2id(
        salt=salt, length=32, iterations=params.iterations, lanes=params.lanes,
        memory_cost=params.memory_cost,
    )
    return kdf.derive(secret.encode("utf-8"))


def new_recovery_code() -> str:
    """160 random bits as 32 base32 characters in groups of four: easy to print and type."""
    raw = base64.b32encode(_random_bytes(20)).decode("ascii")
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
_B64_LENGTHS = {"salt": 16, "nonce": 12, "wrapped": 32 + 16}  # a 32-byte key + GCM tag
_SEALED_LENGTHS = {"box_public": 32, "sealed": 32 + 12 + 32 + 16}  # ephemeral, nonce, key+tag
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
    optional = frozenset(SEALED_FIELDS) | frozenset(_SIGN_FIELDS)
    doc = _object(raw, where, {f.name for f in fields(KeySlot)} - optional, optional)
    texts = {k: _text(doc, k, where) for k in ("id", "kind", "operator", "salt", "nonce",
                                               "wrapped")}
    present = [k for k in SEALED_FIELDS if k in doc]
    if present and len(present) != len(SEALED_FIELDS):
        raise _Bad(f"{where} has {present[0]} without {set(SEALED_FIELDS) - set(present)}")
    lengths = dict(_B64_LENGTHS)
    for key in present:
        texts[key] = _text(doc, key, where)
        lengths[key] = _SEALED_LENGTHS[key]
    if texts["kind"] not in ("operator", "recovery"):
        raise _Bad(f"{where}: unknown kind {texts['kind']!r}")
    if texts["kind"] == "operator" and not texts["operator"].strip():
        raise _Bad(f"{where}: an operator slot needs an operator name")
    _check_lengths(texts, lengths, where)
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
    _check_lengths(texts, _SIGN_LENGTHS, where)
    return texts


def _check_lengths(texts: dict[str, str], lengths: dict[str, int], where: str) -> None:
    """Each named field is base64 of exactly its length in bytes (a key, a nonce, a tag)."""
    for key, length in lengths.items():
        try:
            decoded = base64.b64decode(texts[key].encode("ascii"), validate=True)
        except (ValueError, UnicodeEncodeError):
            raise _Bad(f"{where}: {key} is not base64") from None
        if len(decoded) != length:
            raise _Bad(f"{where}: {key} holds {len(decoded)} bytes, not {length}")


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
        # Only when a re-encryption left its files is the rekey module (and the SQLite stack
        # it needs) imported: reading the slots to show the unlock dialog stays light.
        paths = DeskPaths(data_dir)
        if paths.rekey_staged_file.exists() or paths.rekey_marker_file.exists():
            from crisisdesk.store.rekey import resolve_pending  # rekey.py imports this module

            resolve_pending(data_dir)  # a re-encryption a crash interrupted: finish or undo it
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
        vault = cls(data_dir / SLOTS_FILE, _new_id(), org, [])
        return vault, _random_bytes(32)

    def to_bytes(self) -> bytes:
        doc = {
            "format": FORMAT,
            "desk_id": self.desk_id,
            "org": self.org,
            "slots": [_slot_doc(s) for s in self.slots],
        }
        return json.dumps(doc, indent=2).encode("utf-8")

    def save(self) -> None:
        from crisisdesk.store.files import write_bytes_atomic

        write_bytes_atomic(self.path, self.to_bytes())

    # -- slots ------------------------------------------------------------------------------
    def _aad(self, slot_id: str, kind: str, operator: str) -> bytes:
        return f"crisisdesk-slot:{self.desk_id}:{slot_id}:{kind}:{_aad_name(operator)}".encode()

    def _make_slot(
        self, data_key: bytes, kind: str, operator: str, secret: str, params: KdfParams
    ) -> tuple[KeySlot, bytes]:
        salt = _random_bytes(16)
        kek = derive_kek(secret, salt, params)
        slot = KeySlot(id=_new_id(), kind=kind, operator=operator, salt=_b64(salt),
                       nonce="", wrapped="", kdf=asdict(params))
        return self._sealed_slot(slot, kek, data_key), kek

    def _sealed_slot(self, slot: KeySlot, kek: bytes, data_key: bytes) -> KeySlot:
        """`slot` (same id, salt and KEK) as a sealed slot: a new key pair, its private half
        wrapped under the KEK, and `data_key` sealed to its public half."""
        from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        box = X25519PrivateKey.generate()
        nonce = _random_bytes(12)
        wrapped = AESGCM(kek).encrypt(nonce, box.private_bytes_raw(), self._box_aad(slot))
        public = box.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        made = KeySlot(id=slot.id, kind=slot.kind, operator=slot.operator, salt=slot.salt,
                       nonce=_b64(nonce), wrapped=_b64(wrapped), kdf=dict(slot.kdf),
                       box_public=_b64(public), sign_public=slot.sign_public,
                       sign_nonce=slot.sign_nonce, sign_wrapped=slot.sign_wrapped)
        made.sealed = self._seal(made, data_key)
        return made

    def _box_aad(self, slot: KeySlot) -> bytes:
        return self._aad(slot.id, slot.kind, slot.operator) + b":box"

    def _seal(self, slot: KeySlot, data_key: bytes) -> str:
        """`data_key` sealed to the slot's public key: only its private half opens it."""
        from cryptography.hazmat.primitives.asymmetric.x25519 import (
            X25519PrivateKey,
            X25519PublicKey,
        )
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        recipient = _unb64(slot.box_public)
        ephemeral = X25519PrivateKey.generate()
        eph_public = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient))
        nonce = _random_bytes(12)
        box = AESGCM(_seal_key(shared, eph_public, recipient))
        aad = self._aad(slot.id, slot.kind, slot.operator) + b":sealed"
        return _b64(eph_public + nonce + box.encrypt(nonce, data_key, aad))

    def _unseal(self, slot: KeySlot, private: bytes) -> bytes:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.asymmetric.x25519 import (
            X25519PrivateKey,
            X25519PublicKey,
        )
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        raw = _unb64(slot.sealed)
        eph_public, nonce, body = raw[:32], raw[32:44], raw[44:]
        box = X25519PrivateKey.from_private_bytes(private)
        shared = box.exchange(X25519PublicKey.from_public_bytes(eph_public))
        aad = self._aad(slot.id, slot.kind, slot.operator) + b":sealed"
        try:
            return AESGCM(_seal_key(shared, eph_public, _unb64(slot.box_public))).decrypt(
                nonce, body, aad)
        except (InvalidTag, ValueError):
            raise SlotsDamaged(self.path, f"the sealed key of the slot of "
                               f"{slot.operator or 'the recovery key'} does not open") from None

    def resealed(self, data_key: bytes, *, drop_operator: str | None = None) -> Vault:
        """A copy of this vault whose slots all hold `data_key` (sealed to each slot's public
        key: no passphrase needed), without `drop_operator`'s slot. Refuses, naming them, while
        a remaining slot is a legacy one (it could not be given the new key)."""
        dropped = slot_key(drop_operator) if drop_operator is not None else None
        kept = [s for s in self.slots
                if not (s.kind == "operator" and slot_key(s.operator) == dropped)]
        legacy = [s.operator or "the recovery key" for s in kept if not s.is_sealed]
        if legacy:
            raise UserError(
                f"Cannot re-encrypt the desk yet: the key slot of {', '.join(legacy)} predates "
                "re-encryption. Each of them unlocks the desk once (a lost recovery key: "
                "replace it), or an admin sets a new passphrase for them; then try again.")
        copy = Vault(self.path, self.desk_id, self.org, [])
        for slot in kept:
            made = KeySlot(**asdict(slot))
            made.sealed = self._seal(made, data_key)
            copy.slots.append(made)
        return copy

    def legacy_slots(self) -> list[KeySlot]:
        return [s for s in self.slots if not s.is_sealed]

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
                return kek, self._open(slot, kek)
            except WrongPassphrase:
                continue
        raise WrongPassphrase()

    def unwrap_with_kek(self, operator: str, kek: bytes) -> bytes:
        slot = self.operator_slot(operator)
        if slot is None:
            raise WrongPassphrase()
        return self._open(slot, kek)

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
            return kek, self._open(slot, kek)
        except WrongPassphrase:
            raise WrongPassphrase("That recovery key does not open this desk.") from None

    # -- signing keys -----------------------------------------------------------------------
    def _sign_aad(self, slot: KeySlot, public: str) -> bytes:
        return (self._aad(slot.id, slot.kind, slot.operator) + b":signing-key:"
                + public.encode("ascii"))

    def _wrap_signing(self, slot: KeySlot, kek: bytes, private: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        from crisisdesk.domain.roster import public_key

        public = public_key(private)
        nonce = _random_bytes(12)
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
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

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

    def _open(self, slot: KeySlot, kek: bytes) -> bytes:
        """The data key from a slot whose KEK is `kek` (WrongPassphrase if it is not). A legacy
        slot is sealed now and the file saved (best effort: a read-only folder still opens)."""
        if slot.is_sealed:
            return self._unseal(slot, self._unwrap(slot, kek, self._box_aad(slot)))
        data_key = self._unwrap(slot, kek, self._aad(slot.id, slot.kind, slot.operator))
        upgraded = self._sealed_slot(slot, kek, data_key)
        self.slots = [upgraded if s is slot else s for s in self.slots]
        with contextlib.suppress(OSError, UserError):
            self.save()
        return data_key

    def _unwrap(self, slot: KeySlot, kek: bytes, aad: bytes) -> bytes:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        try:
            return AESGCM(kek).decrypt(_unb64(slot.nonce), _unb64(slot.wrapped), aad)
        except (InvalidTag, ValueError):
            raise WrongPassphrase() from None


def _seal_key(shared: bytes, eph_public: bytes, recipient: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=eph_public + recipient,
                info=b"crisisdesk slot seal v1").derive(shared)


def _slot_doc(slot: KeySlot) -> dict[str, object]:
    """A slot as written: a legacy slot without the sealed fields, a slot without a signing
    key without the signing fields (exactly as before)."""
    doc: dict[str, object] = asdict(slot)
    if not slot.is_sealed:
        for key in SEALED_FIELDS:
            doc.pop(key)
    if not slot.sign_public:
        for key in _SIGN_FIELDS:
            doc.pop(key)
    return doc
