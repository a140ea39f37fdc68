"""Conversations kept in this process's memory only, as live trackers, and forgotten when their
session expires.

Rasa's own InMemoryTrackerStore keeps every conversation until the server stops, as JSON that it
parses and replays on every message: a person's words stay in memory for days, and a turn late
in a long conversation spent most of its time re-reading the conversation (bench/chatbot.py).
This store keeps the tracker object itself and drops a conversation once it has been silent for
the domain's session_expiration_time, so nothing is held longer than the session it belongs to.

One process only: with several Rasa replicas use Redis with record_exp (chatbot/README.md).

The store also takes the loaded server out of the garbage collector's way on the first message:
see `freeze_startup_objects`.
"""

import asyncio
import gc
import time
from collections import OrderedDict
from typing import Any, Iterable, Optional, Text, Tuple

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

SWEEP_EVERY_SECONDS = 60
# What a person wrote that the chat must not keep once it has served: the first contact's
# message and phone number (once sent or cancelled) and the receipt code (once used).
SECRET_SLOTS = ("message", "phone", "receipt_code")
FORGOTTEN = "[…]"


def freeze_startup_objects() -> None:
    """Everything allocated before the first conversation is the loaded server (Rasa,
    TensorFlow, the model), about half a million objects that live as long as the process.
    Python's full collections walked all of them and stopped the server for 0.27-0.29 s each,
    three times in the 40 seconds of the latency bench (bench/chatbot.py). After gc.freeze()
    they are left out of every later collection."""
    gc.freeze()


class ExpiringMemoryTrackerStore(TrackerStore):
    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[Text] = None,
        event_broker: Optional[EventBroker] = None,
        expire_after_seconds: Optional[float] = None,
        clock=time.monotonic,
        **kwargs: Any,
    ) -> None:
        super().__init__(domain, event_broker, **kwargs)
        self._expire_after = expire_after_seconds
        self._clock = clock
        # Least recently used first, so expired conversations are always at the front.
        self._trackers: "OrderedDict[Text, Tuple[float, DialogueStateTracker]]" = OrderedDict()
        self._sweeper: Optional[asyncio.TimerHandle] = None
        self._started = False

    @property
    def expire_after_seconds(self) -> float:
        if self._expire_after is not None:
            return float(self._expire_after)
        return self.domain.session_config.session_expiration_time * 60

    async def save(self, tracker: DialogueStateTracker) -> None:
        forget_used_secrets(tracker)
        await self.stream_events(tracker)
        self._trackers.pop(tracker.sender_id, None)
        self._trackers[tracker.sender_id] = (self._clock(), tracker)
        self.forget_expired()
        self._schedule_sweep()

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        if not self._started:  # the first message: the model has been loaded
            freeze_startup_objects()
            self._started = True
        self.forget_expired()
        kept = self._trackers.get(sender_id)
        return kept[1] if kept else None

    async def retrieve_full_tracker(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        # A conversation is dropped when its session expires, so it never holds more than one.
        return await self.retrieve(sender_id)

    async def keys(self) -> Iterable[Text]:
        self.forget_expired()
        return list(self._trackers)

    def __len__(self) -> int:
        return len(self._trackers)

    def forget_expired(self) -> None:
        oldest_allowed = self._clock() - self.expire_after_seconds
        while self._trackers:
            sender_id, (last_saved, _) = next(iter(self._trackers.items()))
            if last_saved > oldest_allowed:
                break
            del self._trackers[sender_id]

    def _schedule_sweep(self) -> None:
        """Forget silent conversations even when nobody writes to the server any more."""
        if self._sweeper is not None:
            return
        loop = asyncio.get_running_loop()

        def sweep() -> None:
            self.forget_expired()
            self._sweeper = loop.call_later(SWEEP_EVERY_SECONDS, sweep) if self._trackers else None

        self._sweeper = loop.call_later(SWEEP_EVERY_SECONDS, sweep)


def forget_used_secrets(tracker: DialogueStateTracker) -> None:
    """Once a secret slot has been emptied (the actions do it when the contact is sent or
    cancelled, and when a receipt code has been used), its value is also taken out of the
    conversation's events: the message that gave it, the slot events that held it, and any bot
    reply that repeated it (the summary). Policies read intents, actions and slots, not old
    text, so what the chat does next is unchanged."""
    for slot in SECRET_SLOTS:
        if tracker.get_slot(slot) is not None:
            continue  # still in use (the form is being filled in)
        values = _values_held(tracker, slot)
        if values:
            _blank_events(tracker, slot, values)


def _values_held(tracker: DialogueStateTracker, slot: str) -> set:
    return {
        event.value
        for event in tracker.events
        if isinstance(event, SlotSet) and event.key == slot and isinstance(event.value, str)
        and event.value and event.value != FORGOTTEN
    }  # fmt: skip


def _blank_events(tracker: DialogueStateTracker, slot: str, values: set) -> None:
    for event in tracker.events:
        if isinstance(event, SlotSet) and event.key == slot and event.value in values:
            event.value = FORGOTTEN
        elif isinstance(event, (UserUttered, BotUttered)) and _holds(event.text, values):
            event.text = FORGOTTEN
            if isinstance(event, UserUttered) and isinstance(event.parse_data, dict):
                event.parse_data["text"] = FORGOTTEN
            if isinstance(event, BotUttered) and isinstance(event.data, dict):
                event.data = {key: value for key, value in event.data.items()
                              if not _holds(str(value), values)}  # fmt: skip


def _holds(text: Optional[str], values: set) -> bool:
    if not text:
        return False
    squeezed = "".join(text.split())
    return any(value in text or "".join(value.split()) in squeezed for value in values)
