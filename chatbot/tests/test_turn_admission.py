"""components.turn_admission: a limit on turns in progress, first come first served, that
loses no turn and no place when a waiting turn is cancelled."""

import asyncio

import pytest

from components.turn_admission import Admission


async def take_turns(admission, count, hold=0.01, cancel=()):
    """`count` turns entering in order; returns the order they went in and the most inside."""
    entered, most = [], [0]

    async def turn(n):
        async with admission:
            entered.append(n)
            most[0] = max(most[0], admission.inside)
            await asyncio.sleep(hold)

    tasks = []
    for n in range(count):
        tasks.append(asyncio.create_task(turn(n)))
        await asyncio.sleep(0)  # each arrives after the one before
    for n in cancel:
        tasks[n].cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return entered, most[0]


def test_no_more_than_the_limit_inside_and_in_arrival_order():
    admission = Admission(2)
    entered, most = asyncio.run(take_turns(admission, 7))
    assert most == 2
    assert entered == list(range(7))
    assert admission.inside == 0


def test_a_cancelled_waiting_turn_gives_its_place_back():
    admission = Admission(1)
    entered, most = asyncio.run(take_turns(admission, 5, cancel=(2,)))
    assert entered == [0, 1, 3, 4]
    assert admission.inside == 0


def test_a_turn_cancelled_just_as_it_is_let_in_passes_its_place_on():
    async def scenario():
        admission = Admission(1)
        await admission.__aenter__()  # the first turn is inside
        second = asyncio.create_task(admission.__aenter__())
        third = asyncio.create_task(admission.__aenter__())
        await asyncio.sleep(0)
        await admission.__aexit__(None, None, None)  # the second is let in ...
        second.cancel()  # ... and cancelled before it ran
        with pytest.raises(asyncio.CancelledError):
            await second
        await asyncio.wait_for(third, 1.0)  # the place went on to the third
        assert admission.inside == 1
        await admission.__aexit__(None, None, None)
        return admission.inside

    assert asyncio.run(scenario()) == 0


def test_fewer_turns_than_the_limit_never_wait():
    admission = Admission(3)
    entered, most = asyncio.run(take_turns(admission, 3))
    assert most == 3 and entered == [0, 1, 2]


def test_a_limit_below_one_is_refused():
    with pytest.raises(ValueError):
        Admission(0)


def test_the_rest_channel_lets_each_message_in_through_the_door(monkeypatch):
    """The channel named in credentials.yml builds its handler with the limit of
    CHATBOT_TURNS_AT_ONCE: five messages at once, two inside at a time, in arrival order."""
    from rasa.core.channels.channel import UserMessage

    from components.channels import PageLanguageRestInput

    monkeypatch.setenv("CHATBOT_TURNS_AT_ONCE", "2")
    inside, most, order = 0, 0, []

    async def handler(message):
        nonlocal inside, most
        inside += 1
        most = max(most, inside)
        order.append(message.text)
        await asyncio.sleep(0.01)
        inside -= 1

    async def scenario():
        channel = PageLanguageRestInput()
        channel.blueprint(handler)
        await asyncio.gather(*(channel.admitted_handler(UserMessage(str(n))) for n in range(5)))

    asyncio.run(scenario())
    assert most == 2
    assert order == ["0", "1", "2", "3", "4"]


def test_when_the_turns_inside_hang_the_others_go_in_after_the_patience():
    async def scenario():
        admission = Admission(1, patience=0.05)
        hung = asyncio.Event()

        async def hanging_turn():
            async with admission:
                await hung.wait()  # an action server that never answers

        async def quick_turn():
            async with admission:
                return "answered"

        stuck = asyncio.create_task(hanging_turn())
        await asyncio.sleep(0)
        answer = await asyncio.wait_for(quick_turn(), 1.0)  # not stuck behind the hung one
        hung.set()
        await stuck
        return answer, admission.inside

    assert asyncio.run(scenario()) == ("answered", 0)
