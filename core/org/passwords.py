"""bcrypt hashing and the password rules."""

import hashlib
import secrets

import bcrypt

from core.errors import ValidationError

MIN_LENGTH = 8
_rounds = 12


def set_rounds(rounds: int) -> None:
    """Cost factor for new hashes (settings.bcrypt_rounds); old hashes keep the cost they were made with."""
    global _rounds
    _rounds = rounds


def check_rules(password: str) -> None:
    if not password or not password.strip():
        raise ValidationError("password.empty", field="password")
    if len(password) < MIN_LENGTH:
        raise ValidationError("password.too_short", field="password", length=MIN_LENGTH)
    if len(password.encode()) > 72:  # bcrypt reads only the first 72 bytes
        raise ValidationError("password.too_long", field="password")


def hash_password(password: str) -> str:
    check_rules(password)
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=_rounds)).decode()


def verify(password: str, hashed: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode(), hashed.encode())
    except ValueError:
        return False


def token_digest(secret: str) -> str:
    """A stored fingerprint of a machine secret (an agent's credential, an API token, an enrolment code):
    SHA-256, as these are 256-bit random strings; a slow password hash would add only latency per request."""
    return hashlib.sha256(secret.encode()).hexdigest()


def random_password() -> str:
    """A password to hand over once: 16 URL-safe characters."""
    return secrets.token_urlsafe(12)


_dummy_hashes: dict[int, str] = {}


def burn_time(password: str) -> None:
    """Check against a throwaway hash, so an unknown user name costs as long as a wrong password."""
    dummy = _dummy_hashes.get(_rounds)
    if dummy is None:  # made once per cost (setdefault would hash on every call: two hashes for a stranger)
        dummy = _dummy_hashes[_rounds] = bcrypt.hashpw(b"not-a-password", bcrypt.gensalt(rounds=_rounds)).decode()
    verify(password, dummy)
