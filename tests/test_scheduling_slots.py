"""Slot finding: expected times are worked out by hand in the comments (offsets from tzdata)."""

from __future__ import annotations

import datetime as dt

import pytest
from mentorship.scheduling import (
    Availability,
    Rules,
    Slot,
    available,
    describe_local,
    find_slot,
    subtract,
)
from mentorship.weekly import parse_windows

UTC = dt.UTC


def person(tz: str, windows: str) -> Availability:
    return Availability(tz, tuple(parse_windows(windows)))


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def test_earliest_common_slot_respects_lead_time():
    # Mon 23 Nov 2026 12:00Z + 48 h = Wed 25 Nov; Tue 24 Nov is too soon, so Tue 1 Dec.
    # London is GMT (+0), New York EST (-5): 13:00 EST = 18:00Z, both windows open 18:00-20:00Z.
    slot = find_slot(
        person("Europe/London", "tue 18:00-20:00"),
        person("America/New_York", "tue 13:00-15:00"),
        now=utc(2026, 11, 23, 12),
        rules=Rules(),
    )
    assert slot == Slot(utc(2026, 12, 1, 18, 0), utc(2026, 12, 1, 18, 45))


def test_slot_needs_the_whole_session_inside_both_windows():
    # Overlap is 18:00-18:30Z only: a 45-minute session does not fit, a 30-minute one does.
    mentor = person("Europe/London", "tue 18:00-20:00")
    student = person("Europe/London", "tue 17:00-18:30")
    now = utc(2026, 11, 23, 12)
    assert find_slot(mentor, student, now=now, rules=Rules()) is None
    assert find_slot(mentor, student, now=now, rules=Rules(session_minutes=30)) == Slot(
        utc(2026, 12, 1, 18), utc(2026, 12, 1, 18, 30)
    )


def test_no_common_window_gives_none():
    assert (
        find_slot(
            person("Europe/Berlin", "mon 09:00-10:00"),
            person("Europe/Berlin", "tue 09:00-10:00"),
            now=utc(2026, 11, 23),
            rules=Rules(),
        )
        is None
    )


def test_march_weeks_when_only_the_us_has_switched():
    # Mentor in London Wed 16:00-17:00, student in New York Wed 11:00-12:00.
    # Winter: London GMT (+0), NY EST (-5): both 16:00-17:00Z -> a slot at 16:00Z.
    # 8-29 March 2026: NY already on EDT (-4) -> student 15:00-16:00Z, mentor 16:00-17:00Z: none.
    # From 29 March London is BST (+1): mentor 15:00-16:00Z, student 15:00-16:00Z again.
    mentor = person("Europe/London", "wed 16:00-17:00")
    student = person("America/New_York", "wed 11:00-12:00")
    # now Mon 2 Mar 12:00Z: earliest Wed 4 Mar 12:00Z (both still on winter time).
    assert find_slot(mentor, student, now=utc(2026, 3, 2, 12), rules=Rules()) == Slot(
        utc(2026, 3, 4, 16), utc(2026, 3, 4, 16, 45)
    )
    # now Mon 9 Mar: Wednesdays 11, 18, 25 March are all in the split weeks: nothing in 21 days.
    assert find_slot(mentor, student, now=utc(2026, 3, 9, 12), rules=Rules()) is None
    # With 28 days the first Wednesday after Europe switches, 1 April, works: 15:00Z =
    # 16:00 BST in London and 11:00 EDT in New York.
    slot = find_slot(mentor, student, now=utc(2026, 3, 9, 12), rules=Rules(horizon_days=28))
    assert slot == Slot(utc(2026, 4, 1, 15), utc(2026, 4, 1, 15, 45))
    assert describe_local(slot, "Europe/London").startswith(
        "Wednesday 1 April 2026, 16:00–16:45 BST"
    )
    assert describe_local(slot, "America/New_York").startswith(
        "Wednesday 1 April 2026, 11:00–11:45 EDT"
    )


def test_october_week_when_only_europe_has_switched_back():
    # Mentor in Berlin Thu 17:00-18:00, student in New York Thu 12:00-13:00.
    # Summer: CEST (+2) 15:00-16:00Z, EDT (-4) 16:00-17:00Z: never overlap.
    # 25 Oct - 1 Nov 2026: Berlin CET (+1) 16:00-17:00Z, NY still EDT 16:00-17:00Z: overlap!
    # From 1 Nov: CET 16:00-17:00Z, EST (-5) 17:00-18:00Z: never again.
    mentor = person("Europe/Berlin", "thu 17:00-18:00")
    student = person("America/New_York", "thu 12:00-13:00")
    slot = find_slot(mentor, student, now=utc(2026, 10, 12), rules=Rules())
    assert slot == Slot(utc(2026, 10, 29, 16), utc(2026, 10, 29, 16, 45))
    assert describe_local(slot, "Europe/Berlin").startswith(
        "Thursday 29 October 2026, 17:00–17:45 CET"
    )
    assert describe_local(slot, "America/New_York").startswith(
        "Thursday 29 October 2026, 12:00–12:45 EDT"
    )
    # After that week the zones are apart by six hours again.
    assert find_slot(mentor, student, now=utc(2026, 10, 30), rules=Rules()) is None


def test_half_hour_zone_india():
    # Mentor in Kolkata (IST, +5:30, no DST) Sat 10:00-12:00 = 04:30-06:30Z.
    # Student in Berlin (CET, +1 in December) Sat 05:00-08:00 = 04:00-07:00Z.
    # Earliest Sat after Mon 30 Nov + 48 h is Sat 5 Dec: 04:30Z = 10:00 IST = 05:30 CET.
    slot = find_slot(
        person("Asia/Kolkata", "sat 10:00-12:00"),
        person("Europe/Berlin", "sat 05:00-08:00"),
        now=utc(2026, 11, 30),
        rules=Rules(),
    )
    assert slot == Slot(utc(2026, 12, 5, 4, 30), utc(2026, 12, 5, 5, 15))
    assert describe_local(slot, "Asia/Kolkata").startswith(
        "Saturday 5 December 2026, 10:00–10:45 IST"
    )
    assert describe_local(slot, "Europe/Berlin").startswith(
        "Saturday 5 December 2026, 05:30–06:15 CET"
    )


def test_grid_is_aligned_to_the_mentors_local_clock_in_newfoundland():
    # Mentor in St John's (NST, -3:30 in January) Mon 18:00-20:00 = 21:30-23:30Z.
    # Student in London (GMT) Mon 21:00-23:30. now Sat 2 Jan 2027 22:10Z -> earliest
    # Mon 4 Jan 22:10Z = 18:40 NST. On an hourly grid in the mentor's time that is 19:00 NST =
    # 22:30Z (a UTC grid would have said 23:00Z, i.e. 19:30 NST).
    slot = find_slot(
        person("America/St_Johns", "mon 18:00-20:00"),
        person("Europe/London", "mon 21:00-23:30"),
        now=utc(2027, 1, 2, 22, 10),
        rules=Rules(grid_minutes=60),
    )
    assert slot == Slot(utc(2027, 1, 4, 22, 30), utc(2027, 1, 4, 23, 15))
    assert describe_local(slot, "America/St_Johns").startswith(
        "Monday 4 January 2027, 19:00–19:45 NST"
    )


def test_newfoundland_summer_time():
    # In July St John's is NDT (-2:30): Mon 18:00-20:00 = 20:30-22:30Z; London BST (+1)
    # Mon 21:00-23:00 = 20:00-22:00Z. Overlap 20:30-22:00Z; first on the mentor's grid: 20:30Z.
    slot = find_slot(
        person("America/St_Johns", "mon 18:00-20:00"),
        person("Europe/London", "mon 21:00-23:00"),
        now=utc(2026, 7, 1),
        rules=Rules(),
    )
    assert slot == Slot(utc(2026, 7, 6, 20, 30), utc(2026, 7, 6, 21, 15))
    assert describe_local(slot, "Europe/London").startswith("Monday 6 July 2026, 21:30–22:15 BST")


def test_spring_forward_gap_shortens_the_window_and_skips_the_missing_hour():
    # New York, Sun 8 Mar 2026: 02:00 EST (07:00Z) becomes 03:00 EDT. A window 01:00-04:00 is
    # 01:00-02:00 EST (06:00-07:00Z) plus 03:00-04:00 EDT (07:00-08:00Z): two hours.
    ny = person("America/New_York", "sun 01:00-04:00")
    assert available(ny, utc(2026, 3, 7), utc(2026, 3, 10)) == [
        (utc(2026, 3, 8, 6), utc(2026, 3, 8, 8))
    ]
    # Earliest 06:50Z = 01:50 EST; the next grid time 02:00 does not exist, so 03:00 EDT = 07:00Z.
    slot = find_slot(
        ny,
        person("UTC", "sun 00:00-23:00"),
        now=utc(2026, 3, 6, 6, 50),
        rules=Rules(),
    )
    assert slot == Slot(utc(2026, 3, 8, 7), utc(2026, 3, 8, 7, 45))
    assert describe_local(slot, "America/New_York").startswith(
        "Sunday 8 March 2026, 03:00–03:45 EDT"
    )


def test_fall_back_repeated_hour_counts_both_times():
    # New York, Sun 1 Nov 2026: 02:00 EDT (06:00Z) becomes 01:00 EST. Wall 00:30-01:30 happens
    # at 04:30-05:30Z (EDT) and again, for 01:00-01:30 EST, at 06:00-06:30Z.
    ny = person("America/New_York", "sun 00:30-01:30")
    assert available(ny, utc(2026, 10, 31), utc(2026, 11, 3)) == [
        (utc(2026, 11, 1, 4, 30), utc(2026, 11, 1, 5, 30)),
        (utc(2026, 11, 1, 6), utc(2026, 11, 1, 6, 30)),
    ]
    # A window 01:00-03:00 lasts three hours that night: 05:00-08:00Z.
    assert available(
        person("America/New_York", "sun 01:00-03:00"), utc(2026, 10, 31), utc(2026, 11, 3)
    ) == [(utc(2026, 11, 1, 5), utc(2026, 11, 1, 8))]
    # A session starting at the second 01:30 (EST) is shown with the right abbreviation.
    slot = Slot(utc(2026, 11, 1, 6, 30), utc(2026, 11, 1, 7, 15))
    assert describe_local(slot, "America/New_York").startswith(
        "Sunday 1 November 2026, 01:30–02:15 EST"
    )
    first = Slot(utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 6, 15))
    assert describe_local(first, "America/New_York").startswith(
        "Sunday 1 November 2026, 01:30–01:15 EDT"
    )


def test_busy_time_is_skipped():
    # Both free Tue 18:00-20:00Z; the mentor is busy 18:00-18:50Z -> next grid start 19:00Z.
    mentor = person("Europe/London", "tue 18:00-20:00")
    student = person("UTC", "tue 18:00-20:00")
    busy = [(utc(2026, 12, 1, 18), utc(2026, 12, 1, 18, 50))]
    assert find_slot(mentor, student, now=utc(2026, 11, 23), rules=Rules(), busy=busy) == Slot(
        utc(2026, 12, 1, 19), utc(2026, 12, 1, 19, 45)
    )
    # Busy the whole evening that Tuesday: the following Tuesday.
    busy = [(utc(2026, 12, 1, 17), utc(2026, 12, 1, 21))]
    assert find_slot(mentor, student, now=utc(2026, 11, 23), rules=Rules(), busy=busy) == Slot(
        utc(2026, 12, 8, 18), utc(2026, 12, 8, 18, 45)
    )


def test_session_must_end_within_the_horizon():
    # now Mon 23 Nov 00:00Z; horizon 9 days ends Wed 2 Dec 00:00Z. A Tue 1 Dec 23:30Z session
    # would end 00:15Z on 2 Dec: too late. 23:00Z fits.
    mentor = person("UTC", "tue 23:00-24:00")
    student = person("UTC", "tue 23:00-24:00")
    rules = Rules(horizon_days=9)
    assert find_slot(mentor, student, now=utc(2026, 11, 23), rules=rules) == Slot(
        utc(2026, 12, 1, 23), utc(2026, 12, 1, 23, 45)
    )
    # A window running over midnight (two cells) is one span. now 00:05Z: Wed 25 Nov 00:30 is
    # the first grid start after the lead and 00:30-01:15 overruns the window; Tue 1 Dec
    # 23:30-00:15Z ends after the 9-day horizon (00:05Z on 2 Dec); with 10 days it fits.
    late = person("UTC", "tue 23:30-24:00; wed 00:00-01:00")
    assert find_slot(late, late, now=utc(2026, 11, 23, 0, 5), rules=Rules(horizon_days=9)) is None
    assert find_slot(late, late, now=utc(2026, 11, 23, 0, 5), rules=Rules(horizon_days=10)) == Slot(
        utc(2026, 12, 1, 23, 30), utc(2026, 12, 2, 0, 15)
    )


def test_naive_now_and_unknown_timezone_are_refused():
    mentor = person("Europe/London", "tue 18:00-20:00")
    with pytest.raises(ValueError, match="aware"):
        find_slot(mentor, mentor, now=dt.datetime(2026, 11, 23), rules=Rules())
    with pytest.raises(ValueError, match="not an IANA timezone"):
        find_slot(
            person("Mars/Olympus", "tue 18:00-20:00"), mentor, now=utc(2026, 11, 23), rules=Rules()
        )


def test_grid_must_divide_a_day():
    with pytest.raises(ValueError, match="grid_minutes"):
        Rules(grid_minutes=7)


def test_subtract_cuts_busy_blocks_out_of_free_time():
    free = [(utc(2026, 1, 1, 9), utc(2026, 1, 1, 12))]
    busy = [
        (utc(2026, 1, 1, 10), utc(2026, 1, 1, 10, 30)),
        (utc(2026, 1, 1, 11), utc(2026, 1, 1, 13)),
    ]
    assert subtract(free, busy) == [
        (utc(2026, 1, 1, 9), utc(2026, 1, 1, 10)),
        (utc(2026, 1, 1, 10, 30), utc(2026, 1, 1, 11)),
    ]


def test_earliest_start_moves_the_slot_and_the_horizon_with_it():
    # A follow-up three weeks after Tue 1 Dec 18:00Z: not before Tue 22 Dec 18:00Z, although
    # Tue 1 and 8 Dec are free and the 21-day horizon from now (Mon 23 Nov) ends on 14 Dec.
    mentor = person("Europe/London", "tue 18:00-20:00")
    student = person("UTC", "tue 18:00-20:00")
    now = utc(2026, 11, 23)
    earliest = utc(2026, 12, 22, 18)
    assert find_slot(mentor, student, now=now, rules=Rules(), earliest=earliest) == Slot(
        utc(2026, 12, 22, 18), utc(2026, 12, 22, 18, 45)
    )
    # An earliest start before now + lead_hours changes nothing.
    assert find_slot(mentor, student, now=now, rules=Rules(), earliest=utc(2026, 11, 1)) == Slot(
        utc(2026, 12, 1, 18), utc(2026, 12, 1, 18, 45)
    )


def test_latest_end_keeps_the_session_inside_the_term():
    mentor = person("UTC", "tue 18:00-20:00")
    now = utc(2026, 11, 23)
    # The term ends Tue 1 Dec 18:30Z: a 45-minute session from 18:00Z would overrun it.
    assert (
        find_slot(mentor, mentor, now=now, rules=Rules(), latest=utc(2026, 12, 1, 18, 30)) is None
    )
    assert find_slot(mentor, mentor, now=now, rules=Rules(), latest=utc(2026, 12, 2)) == Slot(
        utc(2026, 12, 1, 18), utc(2026, 12, 1, 18, 45)
    )
    with pytest.raises(ValueError, match="aware"):
        find_slot(mentor, mentor, now=now, rules=Rules(), latest=dt.datetime(2026, 12, 2))
