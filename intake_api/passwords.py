"""What a coordinator's password must be: at least 12 characters, not a common password (the
list in data/, also with digits and symbols tacked on), not the username, not one character
or a short pattern repeated. The admin tool and the workspace ask the same question."""

import gzip
import re
from functools import cache
from pathlib import Path

MIN_LENGTH = 12
MAX_LENGTH = 256
COMMON = Path(__file__).resolve().parent / "data" / "common-passwords.txt.gz"


@cache
def _common() -> frozenset[str]:
    with gzip.open(COMMON, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def problem(password: str, username: str = "") -> str | None:
    """None if the password will do; otherwise why not (a key of workspace.password.*)."""
    if len(password) < MIN_LENGTH:
        return "too_short"
    if len(password) > MAX_LENGTH:
        return "too_long"
    lowered = password.lower()
    core = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", lowered)  # "Password2024!" -> "password"
    if lowered in _common() or core in _common() or not core:
        return "common"
    if username and username.lower() in lowered:
        return "has_username"
    if re.fullmatch(r"(.{1,4}?)\1+", lowered):  # "aaaaaaaaaaaa", "abcabcabcabc"
        return "repeated"
    return None


class WeakPassword(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(f"password refused: {reason.replace('_', ' ')}")
        self.reason = reason


def require_strong(password: str, username: str = "") -> None:
    reason = problem(password, username)
    if reason:
        raise WeakPassword(reason)
