"""The mentor profile: one YAML file per mentor, as pydantic models.

These models are the single source of the profile's shape: the validator, the JSON schema
(mentors/schema.json), the site and matching all read them. Checks that need the taxonomy or
the filesystem take them from the validation context, so the models stay pure.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

BIO_MAX_CHARS = 2000
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class Weekday(StrEnum):
    """Days of the week, Monday first (matches `datetime.weekday()`)."""

    monday = "monday"
    tuesday = "tuesday"
    wednesday = "wednesday"
    thursday = "thursday"
    friday = "friday"
    saturday = "saturday"
    sunday = "sunday"

    @property
    def index(self) -> int:
        """0 for Monday to 6 for Sunday."""
        return list(Weekday).index(self)


class MeetingFormat(StrEnum):
    """How a mentor is willing to meet."""

    video = "video"
    phone = "phone"
    in_person = "in person"


class Window(BaseModel):
    """A weekly availability window in the mentor's own timezone, e.g. Tuesday 18:00-20:00."""

    model_config = ConfigDict(extra="forbid")

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


class Link(BaseModel):
    """A public link shown on the mentor's page (https only)."""

    model_config = ConfigDict(extra="forbid")

    label: ShortText
    url: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]

    @field_validator("url")
    @classmethod
    def _https_only(cls, value: str) -> str:
        if not re.match(r"^https://[^\s/$.?#][^\s]*$", value):
            raise ValueError("must be an https:// address")
        return value


class Profile(BaseModel):
    """What a mentor writes in `mentors/<slug>.yml`. Everything but `email` is public."""

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
    industry: ShortText = Field(description="One industry from mentors/taxonomy.yml")
    topics: list[ShortText] = Field(min_length=1, description="Topics from mentors/taxonomy.yml")
    location: ShortText = Field(description="City and country, e.g. 'Lisbon, Portugal'")
    timezone: ShortText = Field(description="IANA timezone, e.g. 'Europe/Lisbon'")
    languages: list[ShortText] = Field(
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
    email: Annotated[str, StringConstraints(strip_whitespace=True, max_length=254)] = Field(
        description="Private: used only for calendar invites, never published"
    )


class Mentor(Profile):
    """A validated profile with the slug taken from its file name."""

    slug: str

    @property
    def region(self) -> str:
        """The timezone's area ('Europe', 'America', ...) used by the directory's region filter."""
        return self.timezone.split("/", 1)[0] if "/" in self.timezone else "Other"

    def public(self) -> dict[str, Any]:
        """The public fields, as JSON-ready data (no email)."""
        return self.model_dump(mode="json", exclude={"email"})


PRIVATE_FIELDS = frozenset({"email"})
