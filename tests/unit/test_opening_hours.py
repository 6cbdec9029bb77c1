"""Opening hours, table-driven (issue 25): weekly hours in an IANA zone plus holidays, across
a DST change (Europe/Rome, 29 March 2026: 02:00 CET became 03:00 CEST) and a holiday."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from sportello.domain.opening_hours import HoursError, holiday_dates, is_open, parse_week, zone

ROME = "Europe/Rome"
HOURS = ["mon-fri 09:00-12:30 14:00-18:00", "sat 10:00-13:00"]
ALL_SUNDAY = ["sun 00:00-24:00", "mon 00:00-24:00"]
EASTER_MONDAY = ["2026-04-06"]


def utc(text: str) -> float:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC).timestamp()


@pytest.mark.parametrize(
    ("case", "instant", "hours", "holidays", "expected"),
    [
        # the same UTC time of day each side of the DST change: 07:30 UTC is 08:30 CET
        # (closed) on Friday 27 March and 09:30 CEST (open) on Monday 30 March
        ("Friday before DST, 08:30 local", "2026-03-27T07:30:00", HOURS, [], False),
        ("Monday after DST, 09:30 local", "2026-03-30T07:30:00", HOURS, [], True),
        ("opening minute after DST, 09:00 CEST", "2026-03-30T07:00:00", HOURS, [], True),
        ("a minute before, 08:59 CEST", "2026-03-30T06:59:00", HOURS, [], False),
        ("opening minute before DST, 09:00 CET", "2026-03-27T08:00:00", HOURS, [], True),
        ("lunch break", "2026-03-30T11:00:00", HOURS, [], False),  # 13:00 CEST
        ("the end minute is closed", "2026-03-30T16:00:00", HOURS, [], False),  # 18:00
        ("Saturday morning", "2026-03-28T10:00:00", HOURS, [], True),  # 11:00 CET
        ("the DST night itself, a Sunday", "2026-03-29T01:30:00", HOURS, [], False),
        ("Sunday: no line", "2026-03-29T10:00:00", HOURS, [], False),
        ("a holiday on a weekday", "2026-04-06T08:00:00", HOURS, ["2026-04-06"], False),
        ("the day after the holiday", "2026-04-07T08:00:00", HOURS, ["2026-04-06"], True),
        # the holiday is a date of the service's zone: 23:30 UTC on Sunday 5 April is already
        # Monday 6 April, 01:30, in Rome; 21:30 UTC is still Sunday there
        ("holiday, by the zone's date", "2026-04-05T23:30:00", ALL_SUNDAY, EASTER_MONDAY, False),
        ("the evening before", "2026-04-05T21:30:00", ALL_SUNDAY, EASTER_MONDAY, True),
        ("no hours: always open", "2026-03-29T03:00:00", [], [], True),
        ("no hours, a holiday: closed", "2026-12-25T12:00:00", [], ["2026-12-25"], False),
        ("24:00 ends at midnight", "2026-03-30T21:59:00", ["mon 20:00-24:00"], [], True),
    ],
)
def test_open_at(
    case: str, instant: str, hours: list[str], holidays: list[str], expected: bool
) -> None:
    assert is_open(hours, ROME, holidays, utc(instant)) is expected, case


def test_the_zone_decides_the_day_and_the_hour() -> None:
    instant = utc("2026-03-30T23:30:00")  # Monday in UTC, Tuesday 08:30 in Tokyo
    assert is_open(["mon 09:00-24:00"], "UTC", [], instant) is True
    assert is_open(["mon 09:00-24:00"], "Asia/Tokyo", [], instant) is False


@pytest.mark.parametrize(
    "lines",
    [
        ["monday 09:00-18:00"],
        ["mon"],
        ["mon 9-18"],
        ["mon 18:00-09:00"],
        ["mon 25:00-26:00"],
        ["fri-mon 09:00-18:00"],
        ["mon 09:00-12:00 11:00-13:00"],
    ],
)
def test_lines_that_do_not_read(lines: list[str]) -> None:
    with pytest.raises(HoursError):
        parse_week(lines)


def test_zones_and_holidays_that_do_not_read() -> None:
    assert zone(ROME) == ZoneInfo(ROME)
    with pytest.raises(HoursError):
        zone("Mars/Olympus")
    with pytest.raises(HoursError):
        holiday_dates(["2026-02-30"])
    with pytest.raises(HoursError):
        holiday_dates(["25/12/2026"])


def test_settings_that_no_longer_read_never_close_a_service() -> None:
    assert is_open(HOURS, "Mars/Olympus", [], utc("2026-03-29T03:00:00")) is True
