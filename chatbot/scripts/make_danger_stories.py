"""Writes tests/conversations/test_danger_steps.yml: danger at every step of the first-contact
form, at the summary and during check-back, in Swedish, Arabic, Somali and Tigrinya; 112 first,
the form paused with its answers kept, and going on where the person was. The messages are ours,
not the training data's. Run it after changing the form's steps:

    python scripts/make_danger_stories.py
"""

import json
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "tests/conversations/test_danger_steps.yml"

DANGER = {  # (acute, self-harm)
    "sv": ("han e hemma nu med en pistol o hotar oss", "jag orkar inte mer, vill inte leva"),
    "ar": ("معه سكين وعم يهددنا هلق", "ما بدي عيش بعد هيك"),
    "so": ("mindi ayuu haystaa wuuna na hanjabayaa hadda", "ma rabo inaan noolaado"),
    "ti": ("ሽጉጥ ሒዙ ይፈራርሓና ኣሎ", "ክነብር ኣይደልን"),
}
START = {
    "sv": "jag vill göra en anonym kontakt",
    "ar": "بدي اتواصل مع البلدية بدون اسمي",
    "so": "waxaan rabaa inaan si qarsoodi ah ula xiriiro",
    "ti": "ብዘይ ስመይ ክራኸብ እደሊ",
}
CHECK_BACK = {"sv": "jag vill läsa svaret", "ar": "بدي اقرا الرد",
              "so": "jawaabta ayaan rabaa", "ti": "መልሲ ከንብብ እደሊ"}
# The form's steps: the slot it asks, and how the tests answer it (intent, text, value).
STEPS = [
    ("role", "choose", '/choose{"choice":"relative"}', "relative"),
    ("municipality_code", "inform_place", "Haninge", '"0136"'),
    ("concern", "choose", '/choose{"choice":"worried_about_child"}', "worried_about_child"),
    ("age_group", "choose", '/choose{"choice":"under_18"}', "under_18"),
    ("contact_method", "choose", '/choose{"choice":"receipt_code"}', "receipt_code"),
    ("message", "choose", '/choose{"choice":"skip"}', '"-"'),
]


def user(text: str, intent: str, self_harm: bool = False) -> str:
    if self_harm:  # the entity components.danger sets, annotated the way stories annotate
        text = f'[{text}]{{"entity": "danger_kind", "value": "self_harm"}}'
    return f"  - user: |\n      {text}\n    intent: {intent}\n"


def slot(name: str, value: str) -> str:
    return f"  - slot_was_set:\n    - {name}: {value}\n"


def action(name: str) -> str:
    return f"  - action: {name}\n"


def danger_turn(lang: str, self_harm: bool, paused: str, loop_was_active: bool,
                kept_as_message: bool = False) -> str:
    text = DANGER[lang][1 if self_harm else 0]
    out = user(text, "danger", self_harm)
    if loop_was_active:
        out += "  - active_loop: null\n" + slot("requested_slot", "null")
    out += slot("paused", paused)
    if kept_as_message:  # asked for the message, the person wrote this: it is kept
        out += slot("message", json.dumps(text, ensure_ascii=False))
    out += action("utter_danger_self_harm" if self_harm else "utter_danger")
    return out + action("utter_danger_resume")


def form_story(lang: str, step: int) -> str:
    asked, _, _, _ = STEPS[step]
    self_harm = step % 2 == 1  # every other step speaks of self-harm
    out = f"- story: danger at the form's {asked} step, then go on ({lang})\n  steps:\n"
    out += user(START[lang], "start_contact") + action("contact_form")
    out += "  - active_loop: contact_form\n" + slot("requested_slot", STEPS[0][0])
    for name, intent, text, value in STEPS[:step]:
        out += user(text, intent) + action("contact_form") + slot(name, value)
        out += slot("requested_slot", STEPS[STEPS.index((name, intent, text, value)) + 1][0])
    at_message = asked == "message"
    out += danger_turn(lang, self_harm, "contact_form", loop_was_active=True,
                       kept_as_message=at_message)
    # The policy clears `paused` as it brings the form back (an event applied before the form
    # runs); a story lists it after the action, where the replay does not see it too early.
    out += user("/resume", "resume") + action("contact_form") + slot("paused", "null")
    if at_message:  # nothing left to ask: on to the summary, the message as written
        out += "  - active_loop: null\n" + action("action_contact_summary")
        return out
    out += "  - active_loop: contact_form\n" + slot("requested_slot", asked)
    return out


def summary_story(lang: str) -> str:
    out = f"- story: danger at the summary, then back to it and send ({lang})\n  steps:\n"
    out += user(START[lang], "start_contact") + action("contact_form")
    out += "  - active_loop: contact_form\n" + slot("requested_slot", STEPS[0][0])
    for index, (name, intent, text, value) in enumerate(STEPS):
        out += user(text, intent) + action("contact_form") + slot(name, value)
        if index + 1 < len(STEPS):
            out += slot("requested_slot", STEPS[index + 1][0])
    out += "  - active_loop: null\n" + slot("requested_slot", "null")
    out += action("action_contact_summary")
    out += danger_turn(lang, False, "summary", loop_was_active=False)
    out += user("/resume", "resume") + action("action_contact_summary") + slot("paused", "null")
    out += user("/affirm", "affirm") + action("action_submit_intake")
    return out


def checkback_story(lang: str) -> str:
    out = f"- story: danger while checking back, then go on ({lang})\n  steps:\n"
    out += user(CHECK_BACK[lang], "check_back") + action("checkback_form")
    out += "  - active_loop: checkback_form\n" + slot("requested_slot", "receipt_code")
    out += danger_turn(lang, True, "checkback_form", loop_was_active=True)
    out += user("/resume", "resume") + action("checkback_form") + slot("paused", "null")
    out += "  - active_loop: checkback_form\n" + slot("requested_slot", "receipt_code")
    return out


def main() -> None:
    stories = []
    for lang in DANGER:
        stories += [form_story(lang, step) for step in range(len(STEPS))]
        stories += [summary_story(lang), checkback_story(lang)]
    header = (
        "# Generated by scripts/make_danger_stories.py: danger at every step of the\n"
        "# first-contact form, at the summary and while checking back (sv, ar, so, ti).\n"
        "# 112 comes first (utter_danger leads with it), the form pauses with its answers\n"
        "# kept, and /resume goes on where the person was. Do not edit by hand.\n"
        'version: "3.1"\nstories:\n'
    )
    OUTPUT.write_text(header + "\n".join(stories), encoding="utf-8")
    print(f"wrote {OUTPUT} ({len(stories)} stories)")


if __name__ == "__main__":
    main()
