"""A service's opening hours: weekly hours in an IANA time zone, plus holidays. Pure rules.

Hours are written as lines an administrator reads at a glance, one per day or run of days:
``"mon-fri 09:00-12:30 14:00-18:00"``, ``"sat 10:00-13:00"``. A day no line names is closed;
no lines at all means always open (holidays aside). Times are the wall clock of the
service's zone (``zoneinfo``), so a DST change moves the opening instant, never the opening
time. A range ends before its end minute (``09:00-18:00`` is closed at 18:00); ``24:00``
ends at midnight; a range may not cross midnight (write two lines). Holidays are dates
(``YYYY-MM-DD``) in the same zone, closed all day.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_LINES = 14
MAX_HOLIDAYS = 366

Minutes = tuple[int, int]
"""A range as minutes of the day: [start, end)."""


class HoursError(ValueError):
    """An hours line, a zone or a holiday that cannot be read; the message says which."""


@dataclass(frozen=True)
class Week:
    """The parsed hours: for each weekday (0 = Monday), its open ranges."""

    days: tuple[tuple[Minutes, ...], ...]
    always: bool = False


def _days(spec: str) -> list[int]:
    if "-" in spec:
        first, _, last = spec.partition("-")
        if first not in DAYS or last not in DAYS:
            raise HoursError(f"{spec!r}: days are mon, tue, wed, thu, fri, sat, sun")
        a, b = DAYS.index(first), DAYS.index(last)
        if a > b:
            raise HoursError(f"{spec!r}: a run of days goes forward, e.g. mon-fri")
        return list(range(a, b + 1))
    if spec not in DAYS:
        raise HoursError(f"{spec!r}: days are mon, tue, wed, thu, fri, sat, sun")
    return [DAYS.index(spec)]


def _range(text: str) -> Minutes:
    match = _RANGE.match(text)
    if match is None:
        raise HoursError(f"{text!r}: a range is HH:MM-HH:MM, e.g. 09:00-18:00")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if end > 24 * 60 or start >= end:
        raise HoursError(f"{text!r}: the end comes after the start, on the same day")
    return (start, end)


def parse_week(lines: Sequence[str]) -> Week:
    """Read the hours lines (``HoursError`` naming the first wrong one)."""
    if not lines:
        return Week(days=((),) * 7, always=True)
    if len(lines) > MAX_LINES:
        raise HoursError(f"at most {MAX_LINES} lines")
    days: list[list[Minutes]] = [[] for _ in DAYS]
    for line in lines:
        words = line.lower().split()
        if len(words) < 2:
            raise HoursError(f"{line!r}: a day (or mon-fri) then ranges, e.g. mon 09:00-18:00")
        ranges = [_range(word) for word in words[1:]]
        for day in _days(words[0]):
            days[day].extend(ranges)
    for ranges in days:
        ranges.sort()
        for (_, end), (start, _) in itertools.pairwise(ranges):
            if start < end:
                raise HoursError("two ranges of the same day overlap")
    return Week(days=tuple(tuple(r) for r in days))


def normal_lines(lines: Iterable[str]) -> list[str]:
    """The lines as stored: lower case, single spaces, blank ones dropped."""
    return [" ".join(line.lower().split()) for line in lines if line.strip()]


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise HoursError(f"{name!r} is not an IANA time zone, e.g. Europe/Rome") from exc


def holiday_dates(values: Iterable[str]) -> frozenset[dt.date]:
    dates = set()
    for value in values:
        if not _DATE.match(value):
            raise HoursError(f"{value!r}: a holiday is a date, YYYY-MM-DD")
        try:
            dates.add(dt.date.fromisoformat(value))
        except ValueError as exc:
            raise HoursError(f"{value!r} is not a date") from exc
    if len(dates) > MAX_HOLIDAYS:
        raise HoursError(f"at most {MAX_HOLIDAYS} holidays")
    return frozenset(dates)


def is_open_at(week: Week, tz: ZoneInfo, holidays: frozenset[dt.date], instant: float) -> bool:
    """Whether a service with these hours is open at a UNIX instant."""
    local = dt.datetime.fromtimestamp(instant, tz)
    if local.date() in holidays:
        return False
    if week.always:
        return True
    minute = local.hour * 60 + local.minute
    return any(start <= minute < end for start, end in week.days[local.weekday()])


def is_open(lines: Sequence[str], zone_name: str, holidays: Sequence[str], instant: float) -> bool:
    """``is_open_at`` from the stored settings. Settings that no longer read (a zone dropped
    from the system's database) count as always open: a misread never hides a service."""
    if not lines and not holidays:
        return True
    try:
        return is_open_at(parse_week(lines), zone(zone_name), holiday_dates(holidays), instant)
    except HoursError:
        return True
