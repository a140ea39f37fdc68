"""components.danger_policy: danger wins over everything, decided between the trained model's own
RulePolicy and DangerFirstPolicy the way Rasa's ensemble decides (the best prediction, "without
user input" first, then confidence, then priority). Trackers are built from real Rasa events."""

from pathlib import Path

import pytest

CHATBOT_DIR = Path(__file__).resolve().parent.parent
MODEL = CHATBOT_DIR / "models" / "vag-ut.tar.gz"
FORM_ANSWERS = {"role": "relative", "municipality_code": "0136", "concern": "leaving_crime",
                "age_group": "under_18", "contact_method": "receipt_code", "message": "-"}


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    """The two policies as the trained model holds them (chatbot/scripts/train), and the domain."""
    from components.rule_policy import WindowedRulePolicy
    from rasa.engine.graph import ExecutionContext
    from rasa.engine.storage.local_model_storage import LocalModelStorage

    import components  # noqa: F401
    from components.danger_policy import DangerFirstPolicy

    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run chatbot/scripts/train first")
    storage, metadata = LocalModelStorage.from_model_archive(
        tmp_path_factory.mktemp("model"), MODEL)
    schema = metadata.predict_schema
    policies = []
    for cls in (WindowedRulePolicy, DangerFirstPolicy):
        name, node = next((n, node) for n, node in schema.nodes.items() if node.uses is cls)
        config = {**cls.get_default_config(), **node.config}
        policies.append(cls.load(config, storage, node.resource,
                                 ExecutionContext(schema, metadata.model_id, node_name=name)))
    return policies, metadata.domain


class Conversation:
    """Events as the Rasa server records them, and the action the ensemble picks next."""

    def __init__(self, model):
        from rasa.shared.core.events import ActionExecuted, SessionStarted

        self.policies, self.domain = model
        self.events = [ActionExecuted("action_session_start"), SessionStarted(),
                       ActionExecuted("action_listen")]

    def tracker(self):
        from rasa.shared.core.trackers import DialogueStateTracker

        return DialogueStateTracker.from_events("test", self.events, self.domain.slots)

    def user(self, text, intent, kind=None):
        from rasa.shared.core.events import UserUttered

        entities = [{"entity": "danger_kind", "value": kind}] if kind else []
        self.events.append(UserUttered(text, {"name": intent, "confidence": 1.0}, entities))
        return self

    def bot(self, *events):
        self.events.extend(events)
        return self

    def next(self):
        """The ensemble's pick, with the events it applies before the action (as Rasa does)."""
        from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble

        tracker = self.tracker()
        predictions = [p.predict_action_probabilities(tracker, self.domain)
                       for p in self.policies]
        best = DefaultPolicyPredictionEnsemble._pick_best_policy(predictions)
        index = max(range(len(best.probabilities)), key=best.probabilities.__getitem__)
        return self.domain.action_names_or_texts[index], best.events

    def run(self):
        """Take the pick: apply its events and record the action."""
        from rasa.shared.core.events import ActionExecuted

        action, events = self.next()
        self.events.extend(events)
        self.events.append(ActionExecuted(action))
        return action


def in_form(model, asked="municipality_code"):
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet

    chat = Conversation(model).user("jag vill göra en anonym kontakt", "start_contact")
    return chat.bot(ActionExecuted("contact_form"), ActiveLoop("contact_form"),
                    SlotSet("role", "relative"), SlotSet("requested_slot", asked),
                    ActionExecuted("action_listen"))


def at_summary(model):
    """A conversation whose form is done and whose summary asks "send it?"."""
    from rasa.shared.core.events import ActionExecuted, SlotSet

    return Conversation(model).bot(*[SlotSet(k, v) for k, v in FORM_ANSWERS.items()],
                                   ActionExecuted("action_contact_summary"),
                                   ActionExecuted("action_listen"))


def test_without_the_danger_policy_the_form_would_take_a_danger_message(model):
    rule_policy_only = ([model[0][0]], model[1])
    chat = in_form(rule_policy_only).user("han har en pistol", "danger")
    assert chat.next()[0] == "contact_form"  # why Rasa's own rule for danger never ran here


def test_danger_in_the_form_gets_112_and_pauses_it_keeping_the_answers(model):
    chat = in_form(model).user("han har en pistol", "danger")
    assert chat.run() == "utter_danger"
    tracker = chat.tracker()
    assert tracker.active_loop_name is None
    assert tracker.get_slot("paused") == "contact_form"
    assert tracker.get_slot("role") == "relative"  # nothing typed is lost
    assert chat.run() == "utter_danger_resume"
    assert chat.run() == "action_listen"


def test_going_on_brings_the_form_back(model):
    chat = in_form(model).user("han har en pistol", "danger")
    chat.run(), chat.run(), chat.run()
    chat.user("/resume", "resume")
    assert chat.run() == "contact_form"
    assert chat.tracker().get_slot("paused") is None


def test_a_yes_right_after_the_offer_goes_on_too(model):
    chat = in_form(model).user("han har en pistol", "danger")
    chat.run(), chat.run(), chat.run()
    chat.user("ja", "affirm")
    assert chat.run() == "contact_form"


def test_unsure_between_go_on_and_yes_after_the_offer_goes_on(model):
    """"hagaag sii wad" (OK, go on): resume 0.50, affirm 0.48, so nlu_fallback; a yes either way."""
    from rasa.shared.core.events import UserUttered

    chat = in_form(model).user("han har en pistol", "danger")
    chat.run(), chat.run(), chat.run()
    ranking = [{"name": "nlu_fallback", "confidence": 0.4}, {"name": "resume", "confidence": 0.5},
               {"name": "affirm", "confidence": 0.48}]
    intent = {"name": "nlu_fallback", "confidence": 0.4}
    chat.events.append(UserUttered("hagaag sii wad", intent, parse_data={
        "intent": intent, "intent_ranking": ranking, "text": "hagaag sii wad"}))
    assert chat.run() == "contact_form"


def test_a_question_read_as_yes_after_the_offer_gets_112_again(model):
    """"va gör jag??" (what do I do??) was read as yes by the classifier, and brought back
    check-back instead of the safety follow-up."""
    chat = in_form(model).user("han har en pistol", "danger")
    chat.run(), chat.run(), chat.run()
    chat.user("va gör jag??", "affirm")
    assert chat.run() == "utter_danger_followup"


def test_suicidal_thoughts_get_the_reply_with_the_suicide_line(model):
    chat = Conversation(model).user("jag orkar inte mer", "danger", kind="self_harm")
    assert chat.run() == "utter_danger_self_harm"
    assert chat.run() == "action_listen"  # nothing was paused: no offer to go on


@pytest.mark.parametrize("asked", ["role", "municipality_code", "message"])
def test_danger_at_every_step_wins_over_the_form(model, asked):
    chat = in_form(model, asked).user("de skjuter utanför", "danger")
    action, events = chat.next()
    assert action == "utter_danger"


def test_a_message_that_reads_as_danger_is_kept_as_the_message(model):
    chat = in_form(model, "message").user("han har en kniv och hotar min son", "danger")
    assert chat.run() == "utter_danger"
    assert chat.tracker().get_slot("message") == "han har en kniv och hotar min son"
    chat = in_form(model, "role").user("han har en kniv", "danger")
    chat.run()
    assert chat.tracker().get_slot("message") is None  # only the message step keeps it


def test_danger_while_checking_back_pauses_it(model):
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet

    chat = Conversation(model).user("jag har en kod", "check_back").bot(
        ActionExecuted("checkback_form"), ActiveLoop("checkback_form"),
        SlotSet("requested_slot", "receipt_code"), ActionExecuted("action_listen"))
    chat.user("de jagar mig", "danger")
    assert chat.run() == "utter_danger"
    assert chat.tracker().get_slot("paused") == "checkback_form"


def test_danger_at_the_summary_goes_back_to_the_summary(model):
    chat = at_summary(model)
    chat.user("han har en kniv", "danger")
    assert chat.run() == "utter_danger"
    assert chat.run() == "utter_danger_resume"
    chat.run()
    chat.user("/resume", "resume")
    assert chat.run() == "action_contact_summary"


@pytest.mark.parametrize(
    ("text", "intent"),
    [("vad händer sen, de är utanför nu", "after_contact"), ("hjälp mig", "nlu_fallback"),
     ("jag är orolig", "worried_child")],
)
def test_a_typed_message_at_the_summary_that_is_no_answer_gets_112_and_the_question(
    model, text, intent
):
    chat = at_summary(model)
    chat.user(text, intent)
    assert chat.run() == "utter_summary_again"
    assert chat.run() == "action_listen"
    chat.user("/affirm", "affirm")  # the button under the question sends, as under the summary
    assert chat.run() == "action_submit_intake"


def test_the_buttons_at_the_summary_are_answered_as_usual(model):
    chat = at_summary(model)
    chat.user("/affirm", "affirm")
    assert chat.run() == "action_submit_intake"


def test_three_messages_after_danger_get_the_follow_up_and_the_form_does_not_start(model):
    chat = Conversation(model).user("de står utanför med kniv", "danger")
    chat.run(), chat.run()
    for text, intent in [("jag kan inte ringa, de hör mig", "nlu_fallback"),
                         ("vad ska jag göra", "help"),
                         ("jag vill göra en anonym kontakt", "start_contact")]:
        chat.user(text, intent)
        assert chat.run() == "utter_danger_followup", text
        chat.run()
    chat.user("jag vill göra en anonym kontakt", "start_contact")
    assert chat.next()[0] == "contact_form"  # the window has passed


def test_a_place_right_after_danger_is_answered_as_usual(model):
    chat = Conversation(model).user("de står utanför med kniv", "danger")
    chat.run(), chat.run()
    chat.user("Haninge", "inform_place")
    assert chat.next()[0] == "action_find_municipality"


def test_going_back_to_the_form_ends_the_follow_up(model):
    chat = in_form(model).user("han har en pistol", "danger")
    chat.run(), chat.run(), chat.run()
    chat.user("/resume", "resume")
    chat.run()
    from rasa.shared.core.events import ActiveLoop, SlotSet, ActionExecuted

    chat.bot(ActiveLoop("contact_form"), SlotSet("requested_slot", "municipality_code"),
             ActionExecuted("action_listen"))
    chat.user("jag vet inte", "nlu_fallback")
    assert chat.next()[0] == "contact_form"  # an answer to the form, not a follow-up


def test_resume_with_nothing_paused_shows_the_menu(model):
    chat = Conversation(model).user("fortsätt", "resume")
    assert chat.next()[0] == "utter_help"


def test_danger_while_the_chat_asks_which_municipality_goes_back_to_the_question(model):
    """Issue 10: a pending place question is paused and asked again, like the form."""
    from rasa.shared.core.events import ActionExecuted, BotUttered

    chat = Conversation(model).user("hitta min kommun", "ask_contact").bot(
        ActionExecuted("action_find_municipality"),
        BotUttered("Vilken kommun bor du i?", metadata={"utter_action": "utter_ask_place"}),
        ActionExecuted("action_listen"))
    chat.user("de jagar mig, en av dom har pistol", "danger")
    assert chat.run() == "utter_danger"
    assert chat.tracker().get_slot("paused") == "place_question"
    assert chat.run() == "utter_danger_resume"
    assert chat.run() == "action_listen"
    chat.user("fortsätt där jag var", "resume")
    assert chat.run() == "utter_ask_place"
    assert chat.run() == "action_listen"
    assert chat.tracker().get_slot("paused") is None


def test_a_long_message_only_the_classifier_took_for_danger_is_the_message(model):
    """Asked for their message, a worried story with no danger word goes to the summary, which
    the form leads with 112 (actions/contact_form.py), instead of pausing the form."""
    from rasa.shared.core.events import UserUttered

    chat = in_form(model, asked="message")
    chat.events.append(UserUttered(
        "han skolkar och har mycket pengar", {"name": "danger", "confidence": 1.0,
                                              "overridden_by": "danger_classifier"}))
    assert chat.next()[0] == "contact_form"
    chat.events[-1] = UserUttered("han har en pistol", {"name": "danger", "confidence": 1.0,
                                                        "overridden_by": "danger_keywords"})
    assert chat.next()[0] == "utter_danger"


def danger_message(text, ranking, source="danger_classifier"):
    """A danger message as components/danger.py leaves it: set by `source` (the classifier
    alone, or danger_keywords), danger first in the ranking, the classifier's other intents
    after it."""
    from rasa.shared.core.events import UserUttered

    intent = {"name": "danger", "confidence": 1.0, "overridden_by": source}
    ranked = [{"name": "danger", "confidence": 1.0}] + [
        {"name": name, "confidence": confidence} for name, confidence in ranking]
    return UserUttered(text, intent, parse_data={"intent": intent, "intent_ranking": ranked,
                                                 "entities": [], "text": text})


def test_danger_by_the_classifier_alone_gets_112_then_the_question_and_the_place(model):
    """'I'm 17, I live in Hallunda, who can I talk to first?' read as danger by the classifier
    alone: 112 first, then the answer to what it also asks, then the place's contacts."""
    chat = Conversation(model)
    chat.events.append(danger_message("jag bor i hallunda o vill sluta, vem pratar jag med",
                                         [("leave_crime", 0.6), ("support", 0.1)]))
    assert [chat.run() for _ in range(4)] == [
        "utter_danger", "utter_leave_crime", "action_local_contact", "action_listen"]


def test_about_someone_close_the_question_is_the_relatives(model):
    chat = Conversation(model)
    chat.events.append(danger_message("min bror vill sluta men är rädd, hur hjälper jag honom",
                                         [("leave_crime", 0.5)]))
    assert [chat.run() for _ in range(4)] == [
        "utter_danger", "utter_relative_wants_out", "action_local_contact", "action_listen"]


def test_without_a_question_beside_it_only_the_place_follows(model):
    chat = Conversation(model)
    chat.events.append(danger_message("dom står i trappan hela tiden, bor i tensta",
                                         [("leave_crime", 0.1)]))
    assert [chat.run() for _ in range(3)] == [
        "utter_danger", "action_local_contact", "action_listen"]


def test_danger_words_get_the_danger_reply_alone(model):
    chat = Conversation(model)
    chat.events.append(danger_message("han har en kniv, jag vill sluta", [("leave_crime", 0.6)],
                                      "danger_keywords"))
    assert [chat.run() for _ in range(2)] == ["utter_danger", "action_listen"]


def test_danger_words_in_a_question_the_classifier_was_sure_of_get_its_answer_too(model):
    """"Do I have to be threatened to get help?" names a threat: 112, then the answer."""
    chat = Conversation(model)
    chat.events.append(danger_message("do i need to be threatened to get help from the kommun?",
                                      [("threat_needed", 0.97)], "danger_keywords"))
    assert [chat.run() for _ in range(4)] == [
        "utter_danger", "utter_threat_needed", "action_local_contact", "action_listen"]


def test_a_plain_choice_only_the_classifier_took_for_danger_is_the_answer(model):
    """"انا نفسي" (myself) at "who are you?" read as danger by the classifier alone: the form
    takes it (after "Acute danger: 112."); danger words, or words that are no option, pause it."""
    from rasa.shared.core.events import UserUttered

    def at_role(text, source):
        chat = in_form(model, asked="role")
        chat.events.append(UserUttered(text, {"name": "danger", "confidence": 1.0,
                                              "overridden_by": source}))
        return chat.next()[0]

    assert at_role("انا نفسي", "danger_classifier") == "contact_form"
    assert at_role("je travaille dans ce domaine, je suis éducateur",
                   "danger_classifier") == "contact_form"
    assert at_role("min bror har en kniv", "danger_keywords") == "utter_danger"
    assert at_role("dom är här nu", "danger_classifier") == "utter_danger"
