"""The widget's REST channel (components/channels.py): a button's payload carries the page's
language, typed text is left to the NLU pipeline."""

import json

import pytest

from components.channels import with_page_language


@pytest.mark.parametrize(
    ("text", "page", "expected"),
    [
        ("/greet", "ar", '/greet{"language": "ar"}'),
        ("/faq", "ckb", '/faq{"language": "ku"}'),  # the page's code for Central Kurdish
        ('/choose{"choice":"adult"}', "ti", '/choose{"choice": "adult", "language": "ti"}'),
        ('/greet{"language":"fr"}', "ar", '/greet{"language":"fr"}'),  # already said: kept
        ("hej", "ar", "hej"),  # typed: the NLU pipeline reads the metadata
        ("/greet", None, "/greet"),  # no page language: as it was
        ("/greet", "xx", "/greet"),  # not one of ours
        ("/greet{broken", "ar", "/greet{broken"),  # not a payload Rasa would take either
        (None, "ar", None),
    ],
)
def test_a_payload_gets_the_page_language(text, page, expected):
    assert with_page_language(text, page) == expected


def test_the_payload_stays_json_with_unicode_as_written():
    payload = with_page_language('/choose{"choice":"ገለ"}', "ti")
    assert json.loads(payload[len("/choose"):]) == {"choice": "ገለ", "language": "ti"}
