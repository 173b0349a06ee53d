"""The commented profile template that `mentorship new <slug>` writes.

It lists the taxonomy's current words in comments, so a mentor editing in GitHub's web editor
sees every allowed value without opening another file. As written it is a valid profile except
for the placeholder only the mentor can fill in: `name`. The email is not asked for: the file
is public, and the address goes to the private roster instead.
"""

from __future__ import annotations

import datetime as dt
import textwrap

from .models import BIO_MAX_CHARS
from .taxonomy import Taxonomy

SCHEMA_LINE = "# yaml-language-server: $schema=schema.json"
NAME_PLACEHOLDER = "<Your name>"


def _choices(words: list[str], indent: str = "#   ") -> str:
    """The words as wrapped comment lines."""
    lines = textwrap.wrap(", ".join(words), width=88 - len(indent), break_on_hyphens=False)
    return "\n".join(indent + line for line in lines)


def profile_template(slug: str, taxonomy: Taxonomy, today: dt.date) -> str:
    """The text of a new profile `mentors/<slug>.yml`, every field explained in a comment."""
    industry = taxonomy.industries[0]
    topic = taxonomy.topics[0]
    language = taxonomy.languages[0]
    return f"""{SCHEMA_LINE}
# Your mentor profile. Everything here is public: do not write your email address.
# Give it privately through the "Mentor contact" form (see "Become a mentor").
# Replace the example values, keep the field names, and run `mentorship validate`
# (or open a pull request: the check lists anything to fix, with its line number).
# The file name is your slug: mentors/{slug}.yml -> your page's address.

# Your name as students should see it.
name: "{NAME_PLACEHOLDER}"
# Optional, e.g. she/her, he/him, they/them. Leave empty to not show any.
pronouns: ""
# Optional: a photo's file name in mentors/photos/ (png, jpg or webp, at most 1 MB),
# e.g. {slug}.png. Leave empty and the directory shows your initials instead.
photo: ""
# The year you graduated.
graduation_year: {today.year - 5}
# Your degree and programme, e.g. BSc Computer Science.
program: "BA Example Studies"
# Your current job title.
title: "Your job title"
# Where you work now (or "Self-employed").
employer: "Your employer"
# Exactly one industry, written as in this list:
{_choices(taxonomy.industries)}
industry: "{industry}"
# What you can help with: one or more, one per line, from this list:
{_choices(taxonomy.topics)}
topics:
  - "{topic}"
# City and country.
location: "City, Country"
# Your IANA timezone, e.g. Europe/Lisbon, America/New_York, Asia/Kolkata
# (find yours at https://en.wikipedia.org/wiki/List_of_tz_database_time_zones).
timezone: "Europe/London"
# Languages you can mentor in, one per line, from this list:
{_choices(taxonomy.languages)}
languages:
  - "{language}"
# How you are willing to meet: any of video, phone, in person.
meeting_formats:
  - video
# When you are usually free, in YOUR timezone. Days: monday ... sunday; times are
# 24-hour "HH:MM" in quotes; end after start (use "24:00" for midnight). Windows on the
# same day must not overlap. Students see them converted to their own timezone.
availability:
  - day: tuesday
    start: "18:00"
    end: "20:00"
# How many mentees you can take at once (1 to 4 is typical; 0 while you are away).
capacity: 2
# true while you accept new mentees; false to stay listed without new requests.
accepting: true
# Optional public links, https:// only. To add some, remove the "# " before these lines:
# links:
#   - label: LinkedIn
#     url: https://www.linkedin.com/in/your-name
# A few sentences about you, in Markdown (*emphasis*, **bold**, [links](https://...),
# lists). At most {BIO_MAX_CHARS:,} characters. Keep the `|` and indent every line by two spaces.
bio: |
  Write a few sentences about your path since graduating and what students can ask you.
# The date you last checked this profile is still true (YYYY-MM-DD). Update it when you do.
confirmed: {today.isoformat()}
# Optional: your GitHub login, so that you (and only you) can update this profile with the
# "Update my profile" issue form. Remove the # to use it.
# github: your-login
"""
