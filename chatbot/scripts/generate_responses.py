"""Writes chatbot/domain/responses.yml from translations/chat.<lang>.yml: every response as
conditional variations on the `language` slot (Swedish, the source, is also the default).

    python scripts/generate_responses.py          # write the file
    python scripts/generate_responses.py --check  # exit 1 if the file is out of date

scripts/train runs it before training; a test checks that the committed file is current.
"""

import sys
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

from vagut.languages import DEFAULT_LANGUAGE, LANGUAGE_CODES
from vagut_chat.choices import CHOICES
from vagut_chat.i18n import strings

CHATBOT_DIR = Path(__file__).resolve().parent.parent

OUTPUT = CHATBOT_DIR / "domain" / "responses.yml"

Button = Tuple[str, str]  # (translation key of the title, payload)

MENU: List[Button] = [
    ("button.find_municipality", "/ask_contact"),
    ("button.start_contact", "/start_contact"),
    ("button.leave_crime", "/leave_crime"),
    ("button.worried_child", "/worried_child"),
    ("button.questions", "/faq"),
    ("button.check_back", "/check_back"),
]
FAQ: List[Button] = [
    ("button.threat_needed", "/threat_needed"),
    ("button.anonymous", "/anonymous"),
    ("button.inform_on_others", "/inform_on_others"),
    ("button.after_contact", "/after_contact"),
    ("button.warning_signs", "/warning_signs"),
    ("button.talk_to_child", "/talk_to_child"),
    ("button.report_child", "/report_child"),
    ("button.parents_find_out", "/parents_find_out"),
]
NEXT: List[Button] = [
    ("button.find_municipality", "/ask_contact"),
    ("button.start_contact", "/start_contact"),
]
CANCEL: List[Button] = [("button.cancel", "/stop")]
# Buttons that call: the widget shows a tel: payload as a link, and sends nothing.
CALL_112: List[Button] = [("button.call_112", "tel:112")]
CALL_SELF_HARM: List[Button] = CALL_112 + [
    ("button.call_suicide_line", "tel:90101"),
    ("button.call_bris", "tel:116111"),
]


def choice_buttons(slot: str) -> List[Button]:
    return [(key, f'/choose{{"choice":"{value}"}}') for value, key in CHOICES[slot]] + CANCEL


# response name → (translation key of the text, buttons)
RESPONSES: Dict[str, Tuple[str, List[Button]]] = {
    "utter_greet": ("reply.greet", []),
    "utter_help": ("reply.help", MENU),
    "utter_questions": ("reply.help", FAQ),
    "utter_danger": ("reply.danger", CALL_112 + [("button.call_suicide_line", "tel:90101")]),
    "utter_danger_self_harm": ("reply.danger_self_harm", CALL_SELF_HARM),
    "utter_danger_followup": ("reply.danger_followup", CALL_112),
    "utter_danger_resume": ("reply.danger_resume", [("button.resume", "/resume")] + CANCEL),
    "utter_summary_again": (
        "reply.summary_again",
        [("button.send", "/affirm"), ("button.change", "/change"), ("button.cancel", "/stop")],
    ),
    "utter_ask_place": ("reply.ask_place", []),
    "utter_leave_crime": ("reply.leave_crime", NEXT + [("button.questions", "/faq")]),
    "utter_worried_child": (
        "reply.worried_child",
        [("button.warning_signs", "/warning_signs"), ("button.talk_to_child", "/talk_to_child"),
         ("button.report_child", "/report_child")]
        + NEXT,
    ),
    "utter_relative_wants_out": (
        "reply.relative_wants_out", NEXT + [("button.after_contact", "/after_contact")]
    ),
    "utter_what_is_avhoppare": ("reply.what_is_avhoppare", NEXT),
    "utter_support": ("reply.support", NEXT),
    "utter_threat_needed": ("reply.threat_needed", NEXT),
    "utter_inform_on_others": ("reply.inform_on_others", NEXT),
    "utter_anonymous": ("reply.anonymous", NEXT),
    "utter_after_contact": ("reply.after_contact", NEXT),
    "utter_warning_signs": ("reply.warning_signs", [("button.talk_to_child", "/talk_to_child")] + NEXT),
    "utter_talk_to_child": ("reply.talk_to_child", NEXT),
    "utter_age_groups": ("reply.age_groups", NEXT),
    "utter_report_child": ("reply.report_child", NEXT),
    "utter_parents_find_out": ("reply.parents_find_out", [("button.anonymous", "/anonymous")] + NEXT),
    "utter_goodbye": ("reply.goodbye", []),
    "utter_thanks": ("reply.thanks", []),
    "utter_out_of_scope": ("reply.out_of_scope", MENU),
    "utter_default": ("reply.out_of_scope", MENU),
    "utter_contact_cancelled": ("reply.contact_cancelled", []),
    "utter_ask_role": ("reply.ask_role", choice_buttons("role")),
    "utter_ask_municipality_code": ("reply.ask_municipality_code", CANCEL),
    "utter_ask_concern": ("reply.ask_concern", choice_buttons("concern")),
    "utter_ask_age_group": ("reply.ask_age_group", choice_buttons("age_group")),
    "utter_ask_contact_method": ("reply.ask_contact_method", choice_buttons("contact_method")),
    "utter_ask_phone": ("reply.ask_phone", CANCEL),
    "utter_ask_message": ("reply.ask_message", [("button.skip", '/choose{"choice":"skip"}')] + CANCEL),
    "utter_ask_receipt_code": ("reply.ask_receipt_code", CANCEL),
}


def variation(lang: str, text_key: str, buttons: List[Button], conditional: bool) -> dict:
    table = strings(lang)
    item: dict = {}
    if conditional:
        item["condition"] = [{"type": "slot", "name": "language", "value": lang}]
    item["text"] = table[text_key]
    if buttons:
        # Rasa fills {slot} placeholders in responses, buttons too: double the braces of the
        # entity JSON in a payload so that it comes out as written.
        item["buttons"] = [
            {"title": table[key], "payload": payload.replace("{", "{{").replace("}", "}}")}
            for key, payload in buttons
        ]
    return item


def build() -> str:
    responses = {}
    for name, (text_key, buttons) in RESPONSES.items():
        variations = [variation(code, text_key, buttons, True) for code in LANGUAGE_CODES]
        variations.append(variation(DEFAULT_LANGUAGE, text_key, buttons, False))
        responses[name] = variations
    header = (
        "# GENERATED by scripts/generate_responses.py from translations/chat.<lang>.yml: do not\n"
        "# edit by hand. Each response has one variation per language (the `language` slot) and\n"
        "# Swedish as the default.\n"
    )
    body = yaml.safe_dump(
        {"version": "3.1", "responses": responses},
        allow_unicode=True,
        sort_keys=False,
        width=10_000,
    )
    return header + body


def main() -> int:
    wanted = build()
    if "--check" in sys.argv:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != wanted:
            print("domain/responses.yml is out of date: run scripts/generate_responses.py")
            return 1
        return 0
    if not OUTPUT.exists() or OUTPUT.read_text(encoding="utf-8") != wanted:
        OUTPUT.write_text(wanted, encoding="utf-8")
        print(f"wrote {OUTPUT.relative_to(CHATBOT_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
