"""What a person types, cleaned before it is sealed: characters that change how text is shown
rather than what it says are taken out, so that a message cannot pose as another (a bidi
override turns "ring 08" into "80 gnir" on the coordinator's screen) and a pasted phone number
dials."""

import unicodedata

# Embeddings, overrides and isolates (U+202A-202E, U+2066-2069), zero-width space, word joiner,
# byte order mark, soft hyphen. Kept: the left-to-right and right-to-left marks, which cannot
# reorder anything beyond a character, and the zero-width (non-)joiner, which Persian and
# Kurdish spelling and emoji need.
_HIDDEN = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200B, 0x2060, 0xFEFF, 0x00AD]
)


def clean_message(text: str) -> str:
    """NFC, line breaks as \\n, no control or hidden formatting characters, trimmed."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_HIDDEN)
    kept = (ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    return "".join(kept).strip()


def clean_phone(text: str) -> str:
    """A phone number without any format or control character (Cf, Cc): what is left is what
    is dialled."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cc")).strip()
