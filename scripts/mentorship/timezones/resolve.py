"""From a typed answer to an IANA zone, to the places it could be, or to nothing.

The layers, cheapest and most exact first; the first that knows the answer decides:

1. an IANA name or legacy alias, in any case, spaces for underscores ('america/new york'),
   also inside a label ('(GMT+01:00) Europe/Lisbon');
2. a UTC/GMT offset ('UTC+5:30', 'GMT-3');
3. an abbreviation ('PST', 'IST'), see `abbreviations`;
4. an English zone name ('Eastern Time', 'Central European Summer Time');
5. a country ('India', 'Deutschland'): resolved when all its zones keep the same time, or when
   tz names one zone its mainland ('Spain (mainland)'); otherwise ambiguous ('USA', 'Brazil');
6. a city: the exemplar cities of the IANA zones, then every GeoNames city of 15,000 people or
   more under any of its names; namesakes in other zones make it ambiguous unless the largest
   has five times the people of the next ('London' is London, 'Hyderabad' is a question).

'City, Country' (and 'City, State' for the US, 'City (Country)') narrows a city to that country;
trailing words like 'time' or 'timezone' are ignored. Nothing is guessed: two parts that
disagree ('Paris, Japan') make the answer ambiguous, not the first one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from mentorship.timezones import data
from mentorship.timezones.abbreviations import ABBREVIATIONS
from mentorship.timezones.results import Ambiguous, Candidate, Resolution, Resolved, Unknown
from mentorship.timezones.suggest import suggest
from mentorship.timezones.text import fold, spaced

_OFFSET_RE = re.compile(r"^(?:utc|gmt)?\s*([+\-−])\s*(\d{1,2})(?:[:.h]?(\d{2}))?$")
# Offsets that are not whole hours have no Etc/ zone; these zones keep them all year (no DST).
_HALF_HOUR_ZONES = {
    210: "Asia/Tehran",
    270: "Asia/Kabul",
    330: "Asia/Kolkata",
    345: "Asia/Kathmandu",
    390: "Asia/Yangon",
    525: "Australia/Eucla",
    570: "Australia/Darwin",
    630: "Australia/Lord_Howe",
    765: "Pacific/Chatham",
    -570: "Pacific/Marquesas",
    -150: "America/St_Johns",
}
_TRAILING_WORDS = re.compile(
    r"\s*\b(time\s*zone|timezone|standard\s+time|local\s+time|time|tz|zone|hours?)\s*$", re.I
)
_SPLIT_PARTS = re.compile(r"\s*(?:[,;()\[\]|]|\s[-–—/]\s)\s*")
# A city wins over namesakes in other zones only with this many times their people.
_DOMINANCE = 5


@functools.cache
def resolve(answer: str) -> Resolution:
    """Read a typed time-zone answer: one zone, the zones it could be, or nothing known."""
    text = spaced(answer)
    if not text:
        return Unknown(text)
    # Trailing words go first, or "India time" splits into India and a Norwegian town.
    trimmed = _TRAILING_WORDS.sub("", text) or text
    found = _resolve_whole(text) or _resolve_whole(trimmed) or _resolve_parts(trimmed)
    if found is None:
        return Unknown(text, suggest(text))
    return _with_answer(found, text)


def _with_answer(found: Resolution, answer: str) -> Resolution:
    if isinstance(found, Ambiguous):
        return Ambiguous(answer, found.candidates)
    return found


def _resolve_whole(text: str) -> Resolution | None:
    key = fold(text)
    if not key:
        return None
    for layer in (_iana, _offset, _abbreviation, _zone_name, _country, _place):
        found = layer(text, key)
        if found is not None:
            return _with_answer(found, text)
    return None


def _iana(text: str, key: str) -> Resolution | None:
    names = data.iana_names()
    if ("/" in text or key in ("utc", "gmt")) and key in names:
        return Resolved(names[key], "IANA name")
    if "/" in text:
        for token in re.split(r"[\s()\[\],]+", text):
            if "/" in token and fold(token) in names:
                return Resolved(names[fold(token)], "IANA name")
    return None


def _offset(text: str, key: str) -> Resolution | None:
    m = _OFFSET_RE.match(text.casefold())
    if not m:
        return None
    sign = -1 if m.group(1) in "-−" else 1
    hours, minutes = int(m.group(2)), int(m.group(3) or 0)
    if minutes >= 60:
        return None
    total = sign * (hours * 60 + minutes)
    if total == 0:
        return Resolved("UTC", "offset")
    if minutes == 0 and -12 <= sign * hours <= 14:
        # POSIX signs: Etc/GMT-2 is two hours ahead of UTC.
        return Resolved(f"Etc/GMT{'-' if sign > 0 else '+'}{hours}", "offset")
    zone = _HALF_HOUR_ZONES.get(total)
    return Resolved(zone, "offset") if zone else None


def _abbreviation(text: str, key: str) -> Resolution | None:
    entries = ABBREVIATIONS.get(key)
    if not entries:
        return None
    if len(entries) == 1:
        return Resolved(entries[0][0], "abbreviation")
    return Ambiguous(text, tuple(Candidate(zone, label) for zone, label in entries))


def _zone_name(text: str, key: str) -> Resolution | None:
    metazones = data.metazone_names().get(key)
    if not metazones:
        return None
    zones = sorted({z for z in map(_metazone_zone, metazones) if z})
    groups: dict[tuple[float, ...], str] = {}
    for zone in zones:
        groups.setdefault(data.behaviour(zone), zone)
    if len(groups) == 1:
        return Resolved(zones[0], "zone name")
    candidates = tuple(Candidate(z, _zone_label(z)) for z in groups.values())
    return Ambiguous(text, candidates) if candidates else None


@functools.cache
def _metazone_zone(metazone: str) -> str | None:
    """The zone a metazone's name stands for: CLDR's golden zone, or its only behaviour."""
    aliases = data.zone_aliases()
    if metazone in data.GOLDEN_ZONES:
        zone = data.GOLDEN_ZONES[metazone]
        return aliases.get(zone, zone)
    listed = [row.zone for row in data.zone_rows()]
    zones = [z for z in listed if data.metazone_of().get(z) == metazone]
    if not zones or len({data.behaviour(z) for z in zones}) > 1:
        return None
    return zones[0]


def _place(text: str, key: str) -> Resolution | None:
    """A US state or a city; a name that is both ('Washington') must agree to resolve."""
    state = _us_state(text, key)
    if state is None:
        return _city(text, key)
    # A state's name wins over small towns named after it ('Arizona', Honduras), not over a
    # large city of the same name ('Washington'), where both must agree.
    if not any(c.primary and c.population >= 100_000 for c in data.cities().get(key, [])):
        return state
    city = _city(text, key)
    return _agree(text, [state, city]) if city is not None else state


def _country(text: str, key: str) -> Resolution | None:
    code = data.country_names().get(key)
    return _country_zone(code, text) if code else None


def _country_zone(code: str, answer: str) -> Resolution | None:
    rows = [row for row in data.zone_rows() if row.country == code]
    if not rows:
        return None
    groups: dict[tuple[float, ...], list[str]] = {}
    for row in rows:
        groups.setdefault(data.behaviour(row.zone), []).append(row.zone)
    if len(groups) == 1:
        return Resolved(rows[0].zone, "country")
    main = data.main_zone_rows(code)
    if len(main) == 1:
        return Resolved(main[0].zone, "country")
    golden = {data.zone_aliases().get(z, z) for z in data.GOLDEN_ZONES.values()}
    # Each group is named by the zone CLDR names its metazone after, else tz's first listed.
    named = [next((z for z in zones if z in golden), zones[0]) for zones in groups.values()]
    return Ambiguous(answer, tuple(Candidate(zone, _zone_label(zone)) for zone in named))


def _zone_label(zone: str) -> str:
    metazone = data.metazone_of().get(zone)
    city = data.exemplar_city(zone)
    return f"{data.metazone_label(metazone)}, {city}" if metazone else city


def _city(text: str, key: str, places: frozenset[str] = frozenset()) -> Resolution | None:
    if not places:
        zones = data.exemplar_cities().get(key)
        if zones and len({data.behaviour(z) for z in zones}) == 1:
            return Resolved(sorted(zones)[0], "city")
    found = data.cities().get(key, [])
    if places:
        found = [c for c in found if c.country in places or f"US-{c.admin1}" in places]
    return _by_population(
        text, found, "city", weigh=lambda c: c.population * (1 if c.primary else 0.1)
    )


def _us_state(text: str, key: str) -> Resolution | None:
    """'Texas', 'California': the zone most of the state's people live in, if one dominates."""
    code = data.us_states().get(key)
    if code is None or len(key) <= 2:
        return None
    found = [
        c
        for cities in data.cities().values()
        for c in cities
        if c.primary and c.country == "US" and c.admin1 == code
    ]
    return _by_population(text, found, "US state", weigh=lambda c: c.population, total=True)


def _by_population(
    text: str,
    found: list[data.City],
    via: str,
    weigh: Callable[[data.City], float],
    total: bool = False,
) -> Resolution | None:
    """One zone when a behaviour's people outnumber every other's five to one; else a question.

    `total` adds up the people of each behaviour (a state); otherwise its largest city counts
    (namesakes: one Paris of two million beats ten small ones).
    """
    if not found:
        return None
    weight: dict[tuple[float, ...], float] = {}
    largest: dict[tuple[float, ...], data.City] = {}
    for city in found:
        key = data.behaviour(city.zone)
        if total:
            weight[key] = weight.get(key, 0) + weigh(city)
        elif weigh(city) > weight.get(key, -1):
            weight[key] = weigh(city)
        if key not in largest or city.population > largest[key].population:
            largest[key] = city
    ranked = sorted(weight, key=lambda k: -weight[k])
    if len(ranked) == 1 or weight[ranked[0]] >= _DOMINANCE * weight[ranked[1]]:
        return Resolved(_local_zone(largest[ranked[0]]), via)
    return Ambiguous(
        text,
        tuple(
            Candidate(_local_zone(c), f"{c.name}, {data.country_label(c.country)}")
            # Namesakes with a twenty-fifth of the leader's weight are not worth asking about.
            for c in (largest[k] for k in ranked[:5] if weight[k] * 25 >= weight[ranked[0]])
        ),
    )


def _local_zone(city: data.City) -> str:
    """The city's own country's zone when it keeps the same time ('Hanoi' -> Asia/Ho_Chi_Minh).

    GeoNames sometimes gives a neighbour's zone (Hanoi: Asia/Bangkok); staff reading the
    ledger expect the country's own.
    """
    rows = [row.zone for row in data.zone_rows() if row.country == city.country]
    if city.zone in rows:
        return city.zone
    same = data.behaviour(city.zone)
    return next((zone for zone in rows if data.behaviour(zone) == same), city.zone)


def _place_codes(part: str) -> frozenset[str]:
    """What a trailing part can narrow a city to: a country and/or a US state ('US-TX')."""
    key = fold(part)
    codes: set[str] = set()
    if key in data.country_names():
        codes.add(data.country_names()[key])
    if part.strip().upper() in data.country_codes():
        codes.add(part.strip().upper())
    if key in data.us_states():
        codes.add("US-" + data.us_states()[key])
    return frozenset(codes)


def _resolve_parts(text: str) -> Resolution | None:
    parts = [p for p in _SPLIT_PARTS.split(text) if p and fold(p)]
    if len(parts) < 2:
        return _resolve_words(text)
    return _resolve_split(text, parts)


def _resolve_words(text: str) -> Resolution | None:
    """'Hyderabad Pakistan', 'London GMT': try each split into two, keep the first that reads."""
    words = text.split()
    if not 2 <= len(words) <= 6:
        return None
    for cut in range(len(words) - 1, 0, -1):
        left, right = " ".join(words[:cut]), " ".join(words[cut:])
        if _resolve_whole(left) is None and not _place_codes(left):
            continue
        if _resolve_whole(right) is None and not _place_codes(right):
            continue
        found = _resolve_split(text, [left, right])
        if found is not None:
            return found
    return None


def _resolve_split(text: str, parts: list[str]) -> Resolution | None:
    places = [_place_codes(p) for p in parts]
    narrowing = frozenset().union(*(codes for codes in places[1:]))
    results: list[Resolution] = []
    # "City, Country": the first part is a city in the country or state the others name.
    if narrowing and not places[0]:
        city = _city(parts[0], fold(parts[0]), narrowing)
        if city is not None:
            return _with_answer(city, text)
    for part in parts:
        found = _resolve_whole(part)
        if found is None:
            trimmed = _TRAILING_WORDS.sub("", part)
            found = _resolve_whole(trimmed) if trimmed and trimmed != part else None
        if found is not None:
            results.append(found)
    return _agree(text, results)


def _agree(text: str, results: list[Resolution]) -> Resolution | None:
    """One answer from its parts' readings: the precise one when they agree, else a question."""
    resolved = [r for r in results if isinstance(r, Resolved)]
    ambiguous = [r for r in results if isinstance(r, Ambiguous)]
    if not resolved and not ambiguous:
        return None
    # A place beats an offset or abbreviation that agrees with it: it also knows daylight saving.
    precise = [r for r in resolved if r.via in ("city", "country", "IANA name")] or resolved
    chosen = precise[0]
    for other in resolved:
        if not _compatible(other.zone, chosen.zone):
            zones = dict.fromkeys(r.zone for r in resolved)
            return Ambiguous(text, tuple(Candidate(z, _zone_label(z)) for z in zones))
    for question in ambiguous:
        fitting = [c for c in question.candidates if _compatible(c.zone, chosen.zone)]
        if not fitting and resolved:
            first = Candidate(chosen.zone, _zone_label(chosen.zone))
            return Ambiguous(text, (first, *question.candidates))
    if resolved:
        return Resolved(chosen.zone, chosen.via)
    return Ambiguous(text, ambiguous[0].candidates)


def _compatible(a: str, b: str) -> bool:
    """Two readings agree when one zone's offsets through the year overlap the other's."""
    if a == b or data.behaviour(a) == data.behaviour(b):
        return True
    return bool(set(data.behaviour(a)) & set(data.behaviour(b)))
