"""What is sealed: cleaned of characters that change how text shows, and padded so that its
stored length tells little."""

import pytest

from intake_api import crypto
from intake_api.models import IntakeCreate
from intake_api.text import clean_message, clean_phone


def test_bidi_overrides_and_zero_width_characters_are_taken_out_of_messages():
    spoofed = "ring mig \u202e80-123 45 67\u202c\u200b i kväll\u2066!\u2069\ufeff"
    assert clean_message(spoofed) == "ring mig 80-123 45 67 i kväll!"
    assert clean_message("a\r\nb\rc\x00d\x1be") == "a\nb\ncde"


def test_what_persian_kurdish_and_emoji_need_is_kept():
    persian = "می\u200cخواهم"  # the zero-width non-joiner belongs to the spelling  # noqa: RUF001
    assert clean_message(persian) == persian
    family = "👨\u200d👩\u200d👦"
    assert clean_message(family) == family
    mixed = "شماره \u200e08-123\u200f"  # direction marks reorder nothing beyond a character
    assert clean_message(mixed) == mixed


def test_a_pasted_phone_number_keeps_only_what_is_dialled():
    assert clean_phone("\u202a070-123 45 67\u202c\u200b") == "070-123 45 67"
    body = {"municipality_code": "0136", "role": "self", "concern": "leaving_crime",
            "age_group": "adult", "contact_method": "phone",
            "phone": "\u2066070\u200b-123 45 67\u2069"}  # fmt: skip
    assert IntakeCreate.model_validate(body).phone == "070-123 45 67"


@pytest.mark.parametrize(
    ("text", "size"),
    [("", 256), ("070-123 45 67", 256), ("x" * 254, 256), ("x" * 255, 1024),
     ("ä" * 2000, 4096), ("ت" * 4000, 16384), ("x" * 16383, 32768)],
)  # fmt: skip
def test_sealed_text_is_padded_to_a_few_sizes_and_reads_back_exactly(text, size):
    key = crypto.new_data_key()
    sealed = crypto.encrypt(key, text)
    assert len(sealed) == size + 40  # the nonce (24) and the tag (16)
    assert crypto.decrypt(key, sealed) == text


def test_text_sealed_before_padding_began_still_reads():
    from nacl.secret import SecretBox

    key = crypto.new_data_key()
    old = bytes(SecretBox(key).encrypt(b"Jag vill ut"))
    assert crypto.decrypt(key, old) == "Jag vill ut"
