"""Keys and sealing (libsodium through PyNaCl; argon2id through argon2-cffi).

Each intake has its own random data key; its message, phone number and thread are encrypted
with it (XSalsa20-Poly1305). The data key is stored only wrapped:
- sealed (a libsodium sealed box) to the public key of each coordinator who may read it;
- wrapped by a key derived from the person's receipt code, so that they can read and write.
A coordinator's private key is stored wrapped by a key derived from their password (argon2id),
and, during a login, by a key derived from the session token (which is never stored).
"""

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox
from nacl.utils import random as random_bytes

from intake_api.config import Settings

RECEIPT_DIGITS = 16
_DASHES = "-\u2010\u2011\u2012\u2013"  # what phones put between digit groups
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L: read aloud on a phone


def new_data_key() -> bytes:
    return random_bytes(SecretBox.KEY_SIZE)


# Sealed text is padded to one of these sizes (then to whole multiples of the largest), so
# that the length of what is stored tells little about what was written: a phone number and a
# short message look alike, and a message says only which of four sizes it falls in.
PADDED_SIZES = (256, 1024, 4096, 16384)
_PADDED = b"\x00"  # first byte of padded text; cleaned text never starts with NUL


def pad(data: bytes) -> bytes:
    """Marker, data, 0x80, then zeros up to the bucket (ISO/IEC 7816-4 padding)."""
    length = len(data) + 2
    size = next((s for s in PADDED_SIZES if s >= length), None)
    if size is None:
        largest = PADDED_SIZES[-1]
        size = -(-length // largest) * largest
    return _PADDED + data + b"\x80" + b"\x00" * (size - length)


def unpad(data: bytes) -> bytes:
    if not data.startswith(_PADDED):
        return data  # sealed before padding began
    return data[1:].rstrip(b"\x00")[:-1]


def encrypt(key: bytes, text: str) -> bytes:
    return bytes(SecretBox(key).encrypt(pad(text.encode())))


def decrypt(key: bytes, sealed: bytes) -> str:
    return unpad(SecretBox(key).decrypt(sealed)).decode()


def seal_to(public_key: bytes, secret: bytes) -> bytes:
    return bytes(SealedBox(PublicKey(public_key)).encrypt(secret))


def unseal(private_key: bytes, sealed: bytes) -> bytes:
    return SealedBox(PrivateKey(private_key)).decrypt(sealed)


def _argon2id(secret: str, salt: bytes, time_cost: int, memory_kib: int) -> bytes:
    return hash_secret_raw(
        secret.encode(),
        salt,
        time_cost=time_cost,
        memory_cost=memory_kib,
        parallelism=1,
        hash_len=64,
        type=Type.ID,
    )


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- receipt codes


def new_receipt_code() -> str:
    return f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"


def normalise_receipt_code(text: str) -> str | None:
    """The 16 digits, or None. Spaces and dashes are fine, and so are Arabic-Indic and Persian
    digits: people type the code on their own keyboard."""
    digits = []
    for ch in text:
        if ch.isdecimal():
            digits.append(str(unicodedata.decimal(ch)))
        elif not (ch.isspace() or ch in _DASHES):
            return None
    return "".join(digits) if len(digits) == RECEIPT_DIGITS else None


@dataclass(frozen=True)
class ReceiptKeys:
    lookup: str  # stored: finds the intake, reveals nothing about the code
    wrapping_key: bytes  # never stored: unwraps the intake's data key


def receipt_keys(code: str, settings: Settings) -> ReceiptKeys:
    # A per-installation salt (from secret_key): the same code always gives the same lookup,
    # and a stolen database without the configuration cannot even be brute-forced.
    salt = settings.derived_key("receipt-salt")[:16]
    raw = _argon2id(code, salt, settings.argon2_time_cost, settings.argon2_memory_kib)
    return ReceiptKeys(lookup=sha256_hex(raw[:32]), wrapping_key=raw[32:])


# ---------------------------------------------------------------- coordinators


@dataclass(frozen=True)
class CoordinatorKeys:
    kdf_salt: bytes
    kdf_time_cost: int
    kdf_memory_kib: int
    password_verifier: str
    public_key: bytes
    wrapped_private_key: bytes


def password_keys(password: str, salt: bytes, time_cost: int, memory_kib: int) -> tuple[str, bytes]:
    """(verifier, wrapping key) from one argon2id run."""
    raw = _argon2id(password, salt, time_cost, memory_kib)
    return sha256_hex(raw[:32]), raw[32:]


def enrolment_key(token: str) -> bytes:
    """Wraps an invited coordinator's private key until they set a password. The token is 32
    random bytes, so no slow hash is needed."""
    return hashlib.blake2b(token.encode(), person=b"vagut-enrol", digest_size=32).digest()


def new_coordinator_keys(
    password: str | None, settings: Settings, enrolment_token: str | None = None
) -> CoordinatorKeys:
    """A key pair, the private key wrapped by the password or, for an invitation, by the
    enrolment link (then the verifier is empty and no password matches it)."""
    salt = random_bytes(16)
    if password is not None:
        verifier, wrapping_key = password_keys(
            password, salt, settings.argon2_time_cost, settings.argon2_memory_kib
        )
    else:
        verifier, wrapping_key = "", enrolment_key(enrolment_token)
    private_key = PrivateKey.generate()
    return CoordinatorKeys(
        kdf_salt=salt,
        kdf_time_cost=settings.argon2_time_cost,
        kdf_memory_kib=settings.argon2_memory_kib,
        password_verifier=verifier,
        public_key=bytes(private_key.public_key),
        wrapped_private_key=bytes(SecretBox(wrapping_key).encrypt(bytes(private_key))),
    )


def session_key(token: str) -> bytes:
    return hashlib.blake2b(token.encode(), person=b"vagut-session", digest_size=32).digest()


def totp_key(private_key: bytes) -> bytes:
    """The key that encrypts a coordinator's TOTP secret: only their password reaches it."""
    return hashlib.blake2b(private_key, person=b"vagut-totp", digest_size=32).digest()


def wrap(key: bytes, secret: bytes) -> bytes:
    return bytes(SecretBox(key).encrypt(secret))


def unwrap(key: bytes, wrapped: bytes) -> bytes:
    return SecretBox(key).decrypt(wrapped)


def new_reference() -> str:
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"VU-{chars[:4]}-{chars[4:]}"
