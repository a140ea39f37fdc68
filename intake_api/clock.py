"""Time, stored as naive UTC. What is stored about a person is rounded to the hour, so that it
cannot be matched against the exact times in other systems' logs."""

import datetime as dt
from zoneinfo import ZoneInfo


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def hour_of(moment: dt.datetime) -> dt.datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def next_working_day(moment: dt.datetime, timezone: str) -> dt.date:
    """The first weekday after `moment` (naive UTC), as a local date. Public holidays are not
    counted out: what depends on it comes early on one, never late."""
    day = moment.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(timezone)).date()
    day += dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def local_to_utc(day: dt.date, time: dt.time, timezone: str) -> dt.datetime:
    """A local day and time, as naive UTC."""
    local = dt.datetime.combine(day, time, tzinfo=ZoneInfo(timezone))
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def from_epoch(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).replace(tzinfo=None)
