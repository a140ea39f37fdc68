"""A few turns at a time in one Rasa process; the others wait at the door, in arrival order.
The REST channel (components/channels.py, named in credentials.yml) lets each message in through
it.

Rasa answers every conversation on one event loop. A turn that calls the action server (a
place, the form) gives the loop up while it waits, and when the answer is back it queues again
behind every turn that has come in meanwhile: at 10 conversations writing without pause those
turns took about three times as long as the rest (bench/chatbot.py, p50 ~130 against ~40 ms).
Letting `CHATBOT_TURNS_AT_ONCE` turns run and the rest wait first come, first served moves the
waiting to the door, where every turn waits alike, while the loop still has other turns to run
when one waits on the action server. With fewer conversations than that nobody waits.

No turn waits at the door longer than `PATIENCE_SECONDS`: if the turns inside hang (an action
server that does not answer), the others go in anyway, as they would without the door, and a
danger message still gets its 112 within a second."""

import asyncio
import collections
import os
from typing import Any, Deque

# Far longer than a turn waits at 10 conversations without pause (about 0.05 s in the bench).
PATIENCE_SECONDS = 1.0


class Admission:
    """A first-come-first-served limit on how many coroutines are inside at once."""

    def __init__(self, limit: int, patience: float = PATIENCE_SECONDS) -> None:
        if limit < 1:
            raise ValueError(f"at least one turn must run at a time, not {limit}")
        self.limit = limit
        self.patience = patience
        self.inside = 0
        self._waiting: Deque[asyncio.Future] = collections.deque()

    async def __aenter__(self) -> None:
        if self.inside < self.limit and not self._waiting:
            self.inside += 1
            return
        place = asyncio.get_running_loop().create_future()
        self._waiting.append(place)
        try:
            # Resolved by the one leaving, whose place this takes.
            await asyncio.wait({place}, timeout=self.patience)
        except asyncio.CancelledError:
            if place.done():  # let in, then cancelled before it could go in: pass it on
                self._leave()
            else:
                self._give_up(place)
            raise
        if not place.done():  # the ones inside hang: go in anyway, over the limit
            self._give_up(place)
            self.inside += 1

    async def __aexit__(self, *exc_info: Any) -> None:
        self._leave()

    def _give_up(self, place: asyncio.Future) -> None:
        place.cancel()
        self._waiting.remove(place)

    def _leave(self) -> None:
        if self._waiting:
            self._waiting.popleft().set_result(None)  # the place goes to the next in line
        else:
            self.inside -= 1


def turns_at_once() -> int:
    return int(os.environ.get("CHATBOT_TURNS_AT_ONCE", "3"))
