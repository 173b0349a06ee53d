"""The mentor profile: one YAML file per mentor, as pydantic models.

These models are the single source of the profile's shape: the validator, the JSON schema
(mentors/schema.json), the site and matching all read them. Checks that need the taxonomy or
the filesystem take them from the validation context, so the models stay pure.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..errors import has_control
from ..timezones import Ambiguous, Resolved, Unknown, resolve
from ..weekly import WeeklyWindow
from .photos import PHOTO_MAX_SIDE, image_size, photo_kind

BIO_MAX_CHARS = 2000
PHOTO_MAX_BYTES = 1_000_000
PHOTO_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EMAIL_RE = re.compile(
    r"^[^@\s<>()\[\],;:\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$"
)
TZ_LIST_URL = "https://en.wikipedia.org/wiki/List_of_tz_database_time_zones"

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


def problem(message: str) -> PydanticCustomError:
    """A validation error whose message is shown to the mentor as written."""
    return PydanticCustomError("profile", "{reason}", {"reason": message})


# --- Checks that need the outside world read it from the validation context -------------------
# `Mentor.model_validate(data, context={"taxonomy": ..., "today": ..., "photos_dir": ...})`;
# without a context (e.g. a tool re-reading published data) those checks are skipped.


def _context(info: ValidationInfo, key: str) -> Any:
    return (info.context or {}).get(key)


def _in_taxonomy(kind: str, noun: str) -> Any:
    def check(value: str, info: ValidationInfo) -> str:
        taxonomy = _context(info, "taxonomy")
        if taxonomy is None or value in getattr(taxonomy, kind):
            return value
        hint = taxonomy.suggest(kind, value)
        if hint:
            raise problem(
                f"{value!r} is not a known {noun}; did you mean {hint!r}? (see {taxonomy.path})"
            )
        raise problem(
            f"{value!r} is not a known {noun}; use one listed under '{kind}' in {taxonomy.path} "
            "(or propose a new one there in your pull request)"
        )

    return AfterValidator(check)


@functools.cache
def _timezones() -> frozenset[str]:
    # Legacy aliases ("US/Eastern", "EST5EDT") are valid but not what people should pick.
    return frozenset(
        z
        for z in zoneinfo.available_timezones()
        if "/" in z and not z.startswith(("Etc/", "SystemV/", "US/"))
    ) | {"UTC"}


def timezone_advice(value: str) -> str:
    """How to fix a profile's timezone that is not an IANA name, using the intake resolver.

    'lisbon' -> "did you mean 'Europe/Lisbon'?"; 'IST' names its candidates; an offset is
    refused with the reason (it ignores daylight saving). The resolver loads its place data
    only here, so validating correct profiles stays fast.
    """
    found = resolve(value)
    if isinstance(found, Unknown) and found.suggestion:
        found = resolve(found.suggestion)
    if isinstance(found, Resolved) and found.via == "offset":
        return (
            "a fixed offset is wrong for half the year where clocks change; write your city's "
            f"zone, like 'Europe/Lisbon' (see {TZ_LIST_URL})"
        )
    if isinstance(found, Resolved) and found.zone in _timezones():
        return f"did you mean {found.zone!r}?"
    if isinstance(found, Ambiguous):
        return f"{found.words}; write the one you mean"
    return f"pick yours from {TZ_LIST_URL}"


def _check_photo(photos_dir: Path, value: str, root: Path | None) -> None:
    """The photo is a real file inside the repository, a PNG, JPEG or WebP, small enough."""
    shown = f"mentors/photos/{value}"
    path = photos_dir / value
    # Published as committed: a link could carry any file of the machine that builds the site.
    if path.is_symlink():
        raise problem(f"{shown} is a symbolic link; commit the photo itself in mentors/photos/")
    if root is not None and not path.resolve().is_relative_to(root.resolve()):
        raise problem(
            f"{shown} resolves outside the repository (is mentors/photos a link?); "
            "keep the photo as a plain file in mentors/photos/"
        )
    try:
        size = path.stat().st_size
        data = b"" if size > PHOTO_MAX_BYTES else path.read_bytes()
    except OSError:
        raise problem(
            f"there is no file {shown}; add the photo to mentors/photos/ "
            "in the same pull request, or leave photo empty for an initials avatar"
        ) from None
    if size > PHOTO_MAX_BYTES:
        raise problem(
            f"{shown} is {size / 1_000_000:.1f} MB; the limit is 1 MB "
            "(a 400x400 pixel photo is plenty)"
        )
    if photo_kind(data[:16]) not in ("png", "jpg", "webp"):
        raise problem(
            f"{shown} is not a PNG, JPEG or WebP image (whatever its name "
            "says); export it again as one of those"
        )
    dimensions = image_size(data)
    if dimensions is None:
        raise problem(
            f"cannot read the image's width and height from {shown}; the file may be cut "
            "short or damaged. Export it again as PNG, JPEG or WebP"
        )
    width, height = dimensions
    if max(width, height) > PHOTO_MAX_SIDE:
        raise problem(
            f"{shown} is {width}x{height} pixels; the limit is {PHOTO_MAX_SIDE} pixels a side. "
            "Resize it (a 400x400 pixel photo is plenty) and commit it again"
        )


class Weekday(StrEnum):
    """Days of the week, Monday first (matches `datetime.weekday()`)."""

    monday = "monday"
    tuesday = "tuesday"
    wednesday = "wednesday"
    thursday = "thursday"
    friday = "friday"
    saturday = "saturday"
    sunday = "sunday"

    # Shadows str.index on purpose: matching, scheduling and the site read `day.index`.
    @property
    def index(self) -> int:  # type: ignore[override]
        """0 for Monday to 6 for Sunday."""
        return list(Weekday).index(self)


class MeetingFormat(StrEnum):
    """How a mentor is willing to meet."""

    video = "video"
    phone = "phone"
    in_person = "in person"


class Window(BaseModel):
    """A weekly availability window in the mentor's own timezone, e.g. Tuesday 18:00-20:00."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    day: Weekday
    start: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="24-hour HH:MM")
    end: str = Field(
        pattern=r"^([01]\d|2[0-4]):[0-5]\d$", description="24-hour HH:MM; 24:00 = midnight"
    )

    @property
    def start_minutes(self) -> int:
        """Minutes after midnight at which the window opens."""
        h, m = self.start.split(":")
        return int(h) * 60 + int(m)

    @property
    def end_minutes(self) -> int:
        """Minutes after midnight at which the window closes (1440 for 24:00)."""
        h, m = self.end.split(":")
        return int(h) * 60 + int(m)

    @property
    def weekly(self) -> WeeklyWindow:
        """This window as the toolkit's one weekly-window type (day index, minutes)."""
        return WeeklyWindow(self.day.index, self.start_minutes, self.end_minutes)

    @field_validator("start", "end", mode="before")
    @classmethod
    def _two_digit_hour(cls, value: Any) -> Any:
        # People write "9:00"; the stored form is always "09:00".
        if isinstance(value, str) and re.fullmatch(r"\s*\d:[0-5]\d\s*", value):
            return "0" + value.strip()
        return value

    @model_validator(mode="after")
    def _ends_after_start(self) -> Window:
        if self.end_minutes > 1440:
            raise problem(f"end {self.end} is past midnight; the latest end is 24:00")
        if self.end_minutes <= self.start_minutes:
            raise problem(
                f"this window ends ({self.end}) before it starts ({self.start}); "
                "make the end later than the start (a window past midnight is two windows, "
                "one ending at 24:00 and one starting at 00:00 the next day)"
            )
        return self


class Link(BaseModel):
    """A public link shown on the mentor's page (https only)."""

    model_config = ConfigDict(extra="forbid")

    label: ShortText
    url: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]

    @field_validator("url")
    @classmethod
    def _https_only(cls, value: str) -> str:
        if not re.match(r"^https://[^\s/$.?#][^\s]*$", value):
            raise problem(
                f"{value!r} is not an https:// address; links must start with https:// "
                "(copy the address from your browser's address bar)"
            )
        return value


class Profile(BaseModel):
    """What a mentor writes in `mentors/<slug>.yml`: all of it public.

    Contact details are not here: they live in the private roster (`mentorship.roster`).
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: ShortText
    pronouns: Annotated[str, StringConstraints(max_length=40)] = ""
    photo: str = Field(
        default="", description="A file under mentors/photos/ (png, jpg or webp, at most 1 MB)"
    )
    graduation_year: int = Field(ge=1900, le=2100)
    program: ShortText = Field(description="Degree and programme, e.g. 'BSc Computer Science'")
    title: ShortText = Field(description="Current job title")
    employer: ShortText
    industry: Annotated[ShortText, _in_taxonomy("industries", "industry")] = Field(
        description="One industry from mentors/taxonomy.yml"
    )
    topics: list[Annotated[ShortText, _in_taxonomy("topics", "topic")]] = Field(
        min_length=1, description="Topics from mentors/taxonomy.yml"
    )
    location: ShortText = Field(description="City and country, e.g. 'Lisbon, Portugal'")
    timezone: ShortText = Field(description="IANA timezone, e.g. 'Europe/Lisbon'")
    languages: list[Annotated[ShortText, _in_taxonomy("languages", "language")]] = Field(
        min_length=1, description="Languages from mentors/taxonomy.yml"
    )
    meeting_formats: list[MeetingFormat] = Field(min_length=1)
    availability: list[Window] = Field(
        min_length=1, description="Weekly windows in the mentor's own timezone"
    )
    capacity: int = Field(ge=0, le=20, description="How many mentees at once")
    accepting: bool = Field(description="Accepting new mentees now?")
    links: list[Link] = Field(default_factory=list)
    bio: Annotated[str, StringConstraints(max_length=BIO_MAX_CHARS)] = Field(
        default="", description=f"Markdown, at most {BIO_MAX_CHARS} characters"
    )
    confirmed: dt.date = Field(
        description="Date the mentor last confirmed this profile (YYYY-MM-DD)"
    )
    github: str = Field(
        default="",
        pattern=r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))?$",
        description="Optional: the GitHub login allowed to update this profile through the "
        "'Update my profile' issue form",
    )

    @field_validator("name")
    @classmethod
    def _not_placeholder(cls, value: str) -> str:
        if value.startswith("<") or value.endswith(">"):
            raise problem(
                f"replace the placeholder {value!r} with your name as students should see it"
            )
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        if value in _timezones():
            return value
        if len(_timezones()) < 100:
            # No full tz database to list (e.g. Windows without tzdata): ask zoneinfo directly.
            try:
                zoneinfo.ZoneInfo(value)
                return value
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                pass
        advice = timezone_advice(value)
        raise problem(f"{value!r} is not an IANA timezone (written like 'Europe/Lisbon'); {advice}")

    @field_validator("photo")
    @classmethod
    def _photo_file(cls, value: str, info: ValidationInfo) -> str:
        if not value:
            return value
        if has_control(value):
            raise problem(
                f"the photo's file name contains a line break or control character ({value!r}); "
                "write just the file name, like 'ana-lima.png'"
            )
        if "/" in value or "\\" in value or value.startswith("."):
            raise problem(
                f"write just the photo's file name, like 'ana-lima.png', not {value!r}; "
                "the file goes in mentors/photos/"
            )
        if not value.lower().endswith(PHOTO_SUFFIXES):
            raise problem(f"{value!r} must be a .png, .jpg or .webp file")
        photos_dir: Path | None = _context(info, "photos_dir")
        if photos_dir is None:
            return value
        _check_photo(photos_dir, value, _context(info, "root"))
        return value

    @field_validator("graduation_year")
    @classmethod
    def _graduated(cls, value: int, info: ValidationInfo) -> int:
        today: dt.date | None = _context(info, "today")
        if today is not None and value > today.year:
            raise problem(
                f"{value} is in the future; mentors are alumni, so write the year you graduated"
            )
        return value

    @field_validator("confirmed")
    @classmethod
    def _not_future(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        today: dt.date | None = _context(info, "today")
        if today is not None and value > today:
            raise problem(
                f"{value.isoformat()} is in the future; write today's date "
                f"({today.isoformat()}) when you confirm your profile"
            )
        return value


class Mentor(Profile):
    """A validated profile with the slug taken from its file name.

    `email` is never read from the profile: the nightly run fills it in from the private
    roster (`roster.with_contacts`), the address invites go to. Empty until then.
    """

    slug: str
    email: str = ""

    @property
    def region(self) -> str:
        """The timezone's area ('Europe', 'America', ...) used by the directory's region filter."""
        return self.timezone.split("/", 1)[0] if "/" in self.timezone else "Other"

    def public(self) -> dict[str, Any]:
        """The public fields, as JSON-ready data (no email)."""
        return self.model_dump(mode="json", exclude={"email"})


PRIVATE_FIELDS = frozenset({"email"})
