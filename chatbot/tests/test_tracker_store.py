"""The tracker store keeps live conversations and forgets each one when its session expires."""

import asyncio
from pathlib import Path

import pytest

CHATBOT_DIR = Path(__file__).resolve().parent.parent


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def rasa_domain():
    from rasa.shared.core.domain import Domain

    return Domain.load(str(CHATBOT_DIR / "domain"))


def tracker(sender_id, domain):
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    t = DialogueStateTracker.from_events(sender_id, [], slots=domain.slots)
    t.update(UserUttered("hej"))
    return t


def test_endpoints_yml_makes_rasa_use_this_store(rasa_domain, monkeypatch):
    """Rasa falls back to its own store with only a warning when a custom one cannot load."""
    monkeypatch.setenv("VAGUT_ACTION_ENDPOINT", "http://127.0.0.1:5055/webhook")
    from rasa.core.tracker_store import create_tracker_store
    from rasa.utils.endpoints import read_endpoint_config

    from components.tracker_store import ExpiringMemoryTrackerStore

    config = read_endpoint_config(str(CHATBOT_DIR / "endpoints.yml"), "tracker_store")
    store = create_tracker_store(config, rasa_domain)
    assert type(store) is ExpiringMemoryTrackerStore
    # The domain's session length (60 minutes) is how long a silent conversation is kept.
    assert store.expire_after_seconds == 3600


def test_a_saved_conversation_is_returned_as_it_was(rasa_domain):
    from components.tracker_store import ExpiringMemoryTrackerStore

    async def scenario():
        store = ExpiringMemoryTrackerStore(rasa_domain)
        saved = tracker("a", rasa_domain)
        await store.save(saved)
        return saved, await store.retrieve("a"), await store.retrieve("b"), await store.keys()

    saved, found, missing, keys = asyncio.run(scenario())
    assert found is saved
    assert found.latest_message.text == "hej"
    assert missing is None
    assert keys == ["a"]


def test_a_silent_conversation_is_forgotten_and_an_active_one_kept(rasa_domain):
    from components.tracker_store import ExpiringMemoryTrackerStore

    clock = FakeClock()

    async def scenario():
        store = ExpiringMemoryTrackerStore(rasa_domain, expire_after_seconds=60, clock=clock)
        await store.save(tracker("silent", rasa_domain))
        await store.save(tracker("active", rasa_domain))
        clock.now += 50
        await store.save(await store.retrieve("active"))  # a new message
        clock.now += 20
        return (await store.retrieve("silent"), await store.retrieve("active"),
                await store.keys())

    silent, active, keys = asyncio.run(scenario())
    assert silent is None
    assert active is not None
    assert keys == ["active"]


def test_the_sweep_forgets_without_any_new_message(rasa_domain, monkeypatch):
    import components.tracker_store as module

    monkeypatch.setattr(module, "SWEEP_EVERY_SECONDS", 0.05)
    clock = FakeClock()

    async def scenario():
        store = module.ExpiringMemoryTrackerStore(rasa_domain, expire_after_seconds=60, clock=clock)
        await store.save(tracker("a", rasa_domain))
        before = len(store)
        clock.now += 61
        await asyncio.sleep(0.2)  # nobody writes; only the timer runs
        return before, len(store)

    assert asyncio.run(scenario()) == (1, 0)


def test_the_first_message_moves_the_loaded_server_out_of_the_collectors_way(rasa_domain):
    import gc

    from components.tracker_store import ExpiringMemoryTrackerStore

    gc.unfreeze()
    store = ExpiringMemoryTrackerStore(rasa_domain)
    assert gc.get_freeze_count() == 0
    try:
        asyncio.run(store.retrieve("a"))
        frozen = gc.get_freeze_count()
        assert frozen > 10_000  # at least Rasa's own modules and the domain
        asyncio.run(store.retrieve("b"))
        assert gc.get_freeze_count() == frozen  # once, not on every message
    finally:
        gc.unfreeze()


def test_a_sent_message_and_a_used_receipt_code_leave_the_conversation(rasa_domain):
    from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from components.tracker_store import ExpiringMemoryTrackerStore

    secret = "Min bror vill ut ur gänget"
    code = "7622 2269 3314 8495"
    t = DialogueStateTracker.from_events("c", [], slots=rasa_domain.slots)
    t.update(UserUttered("hej"))
    t.update(UserUttered(secret, intent={"name": "inform", "confidence": 1.0}))
    t.update(SlotSet("message", secret))
    t.update(BotUttered(f"Det här skickas:\nMeddelande: {secret}\nSka jag skicka det?"))
    t.update(UserUttered(code))
    t.update(SlotSet("receipt_code", "7622226933148495"))

    async def save():
        await ExpiringMemoryTrackerStore(rasa_domain).save(t)

    asyncio.run(save())  # the form is still filling in: nothing is taken away yet
    assert secret in str(t.as_dialogue().as_dict())
    t.update(SlotSet("message", None))  # sent
    t.update(SlotSet("receipt_code", None))  # used
    asyncio.run(save())
    kept = str(t.as_dialogue().as_dict())
    assert secret not in kept and "7622" not in kept and "8495" not in kept
    assert "hej" in kept  # what held no secret stays
