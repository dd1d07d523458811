"""Join codes: short, typed by students from a board or a slip of paper.

The alphabet leaves out 0/O, 1/I/L so that a code read aloud or copied by hand cannot be
mistyped into another valid code's characters; 31 symbols in 6 places give about 887
million codes, so a guessed code is very unlikely to hit a class (and guessing is
throttled)."""

import re
import secrets

JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6
# Kept in step with JOIN_CODE_ALPHABET; also a database check constraint.
JOIN_CODE_PATTERN = r"^[A-HJKMNP-Z2-9]{6}$"

_SEPARATORS = re.compile(r"[\s\-_.·]+")


def random_join_code() -> str:
    """A new random code (not yet checked against codes in use or retired)."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalize_join_code(typed: str) -> str:
    """What a student typed, as stored: upper case, without spaces or dashes."""
    return _SEPARATORS.sub("", typed).upper()


def format_join_code(code: str) -> str:
    """A code as shown to people: two groups of three, easier to read aloud."""
    return f"{code[:3]} {code[3:]}" if len(code) == JOIN_CODE_LENGTH else code
