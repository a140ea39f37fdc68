"""components.rasa_patches: installed by the server's launcher only, on the pinned Rasa only, and
each patch gives what Rasa gives: the action server's answers pass or fail exactly as with Rasa's
own check, an action reads the same from the current turn as from the whole conversation. The
rule window (a policy subclass, not a patch) is checked in test_rule_policy_window.py."""

import subprocess
import sys
from pathlib import Path

import pytest

CHATBOT_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module", autouse=True)
def installed():
    from components import rasa_patches

    rasa_patches.install()

VALID = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "municipality_code", "value": "0117"}],
     "responses": [{"text": "08-540 81 180", "buttons": [{"title": "Ja", "payload": "/affirm"}]}]},
    {"events": [{"event": "active_loop", "name": None}], "responses": [{"response": "utter_x"}]},
]
INVALID = [
    {"events": [{"event": "no_such_event"}], "responses": []},
    {"events": "not a list", "responses": []},
    {"events": [{"name": "slot without event type"}], "responses": []},
]


def remote_action():
    from rasa.core.actions.action import RemoteAction
    from rasa.utils.endpoints import EndpointConfig

    return RemoteAction("action_find_municipality", EndpointConfig("http://127.0.0.1:1/webhook"))


def test_install_replaces_the_methods_rasa_has_no_seam_for():
    from rasa.core.actions.action import RemoteAction
    from rasa.utils.endpoints import EndpointConfig

    from components import rasa_patches

    assert RemoteAction._validate_action_result is rasa_patches.validate_action_result
    assert RemoteAction._action_call_format is rasa_patches.action_call_format
    assert EndpointConfig.session is rasa_patches.endpoint_session


def test_importing_the_plugins_patches_nothing():
    """What config.yml, credentials.yml and endpoints.yml name changes no class of Rasa's."""
    script = """
import importlib
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.core.policies.rule_policy import RulePolicy
from rasa.utils.endpoints import EndpointConfig
watched = [(RemoteAction, "_action_call_format"), (RemoteAction, "_validate_action_result"),
           (EndpointConfig, "session"), (Agent, "handle_message"), (RulePolicy, "load"),
           (RulePolicy, "_prediction_states"), (RulePolicy, "_rule_key_to_state")]
before = [getattr(owner, name) for owner, name in watched]
for module in ["channels", "classifier", "danger", "danger_policy", "language", "places",
               "receipt_codes", "rule_policy", "tracker_store", "typed_buttons"]:
    importlib.import_module("components." + module)
assert [getattr(owner, name) for owner, name in watched] == before
print("unchanged")
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=CHATBOT_DIR, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("unchanged")


def test_the_patches_refuse_another_rasa_version():
    from components import rasa_patches

    with pytest.raises(rasa_patches.UnpinnedRasa, match="3.6.21"):
        rasa_patches.install("3.7.0")


def test_the_patched_version_is_the_locked_one():
    import rasa

    from components import rasa_patches

    lock = (CHATBOT_DIR / "requirements.lock").read_text(encoding="utf-8")
    assert f"\nrasa=={rasa_patches.PINNED_RASA}" in lock
    assert rasa.__version__ == rasa_patches.PINNED_RASA


@pytest.mark.parametrize("result", VALID)
def test_a_valid_answer_passes_as_with_rasa(result):
    from jsonschema import validate

    from components import rasa_patches

    validate(result, remote_action().action_response_format_spec())  # Rasa's way: no error
    assert rasa_patches.validate_action_result(remote_action(), result) is True


@pytest.mark.parametrize("result", INVALID)
def test_an_invalid_answer_raises_rasas_error(result):
    from jsonschema import ValidationError

    from components import rasa_patches

    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        rasa_patches.validate_action_result(remote_action(), result)


# --- what a custom action is sent ---------------------------------------------------------------

EARLIER_TEXT = "jag bor i Lund och heter inget"
LATEST_TEXT = "skicka det"


def form_tracker():
    """Two turns in the contact form; the second ends with the slot candidates of the form."""
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import (
        ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered)
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.load("domain")
    tracker = DialogueStateTracker.from_events("a-random-id", [
        ActionExecuted("action_session_start"), SlotSet("language", "sv"),
        ActionExecuted("action_listen"),
        UserUttered(EARLIER_TEXT, {"name": "inform_place", "confidence": 0.9},
                    input_channel="rest"),
        SlotSet("municipality_code", "1281"), BotUttered("Lund: 046-35 50 00"),
        ActionExecuted("contact_form"), ActiveLoop("contact_form"),
        SlotSet("requested_slot", "concern"), ActionExecuted("action_listen"),
        UserUttered(LATEST_TEXT, {"name": "affirm", "confidence": 0.8}, input_channel="rest"),
        SlotSet("concern", "self"),
    ], slots=domain.slots)
    return tracker, domain


def test_an_action_is_sent_the_current_turn_only():
    import json

    from components import rasa_patches

    tracker, domain = form_tracker()
    action = remote_action()
    sent = rasa_patches.action_call_format(action, tracker, domain)
    rasa_sent = rasa_patches._rasa["action_call_format"](action, tracker, domain)

    assert EARLIER_TEXT in json.dumps(rasa_sent["tracker"]["events"])  # every message
    assert EARLIER_TEXT not in json.dumps(sent["tracker"]["events"])
    assert [e["event"] for e in sent["tracker"]["events"]] == ["user", "slot"]
    assert sent["tracker"]["events"][0]["text"] == LATEST_TEXT
    # Everything else is what Rasa sends: slots of earlier turns, the latest message, the form.
    assert {**sent, "tracker": {**sent["tracker"], "events": None}} == {
        **rasa_sent, "tracker": {**rasa_sent["tracker"], "events": None}}
    assert sent["tracker"]["slots"]["municipality_code"] == "1281"


def test_rasa_sdk_reads_the_same_from_the_current_turn():
    from rasa_sdk import Tracker

    from components import rasa_patches

    tracker, domain = form_tracker()
    action = remote_action()
    ours = Tracker.from_dict(rasa_patches.action_call_format(action, tracker, domain)["tracker"])
    rasas = Tracker.from_dict(
        rasa_patches._rasa["action_call_format"](action, tracker, domain)["tracker"])
    for read in (lambda t: t.slots_to_validate(), lambda t: t.slots, lambda t: t.latest_message,
                 lambda t: t.active_loop_name, lambda t: t.get_latest_input_channel(),
                 lambda t: t.get_intent_of_latest_message(), lambda t: t.latest_action_name):
        assert read(ours) == read(rasas)
    assert ours.slots_to_validate() == {"concern": "self"}


def test_before_a_first_message_every_event_is_sent():
    from rasa.shared.core.events import ActionExecuted, SlotSet
    from rasa.shared.core.trackers import DialogueStateTracker

    from components import rasa_patches

    events = [ActionExecuted("action_session_start"), SlotSet("language", "ar")]
    tracker = DialogueStateTracker.from_events("a-random-id", events)
    assert rasa_patches.current_turn(tracker) == events


# --- connections to the action server -----------------------------------------------------------


def test_actions_reuse_one_connection():
    """Three requests through Rasa's EndpointConfig reach a real HTTP server over one kept-alive
    connection (Rasa opened a session and a connection for each)."""
    import asyncio

    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    async def scenario():
        peers = []

        async def webhook(request):
            peers.append(request.transport.get_extra_info("peername"))
            return web.json_response({"events": [], "responses": []})

        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        try:
            answers = [await endpoint.request(json={"n": n}, method="post") for n in range(3)]
        finally:
            for session in getattr(endpoint, "_kept_sessions", {}).values():
                await session.close()
            await runner.cleanup()
        return answers, peers

    answers, peers = asyncio.run(scenario())
    assert answers == [{"events": [], "responses": []}] * 3
    assert len(peers) == 3 and len(set(peers)) == 1
