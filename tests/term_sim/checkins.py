"""Check-ins in a simulated term: people answer the check-in form with the links of their invite.

After each session (a Sessions row `scheduled` whose start has passed by the student's scripted
delay), the driver reads the check-in code from that session's invite as people received it
(the .ics file's DESCRIPTION, or the fake calendar event's description), so the links are
proved to work, and appends rows to the check-in responses tab, by the student's script:

| Behaviour | What is sent |
| --- | --- |
| `held` | the mentor says it happened, with ratings; the student too, two times in three |
| `moved` | the mentor says it was rescheduled |
| `missed` | the student says the mentor did not show up |
| `stop` | both say it happened, the student says not to continue |
| `forged` | someone sends a code with the right match and number but a made-up token |
| `silent` | nobody answers |

Each answer is one `Action("checkin", "<match>/<number>/<attempt>", behaviour)` with the
ratings in `ratings`, so the expected report figures come from the script, not the ledger.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote

from mentorship.ledger import SESSIONS

from .backend import rows

if TYPE_CHECKING:
    from .term import Term

FORM = "https://docs.google.com/forms/d/e/1FAIpQLSe-term-checkin-form-0123/viewform"
CODE_ENTRY = "entry.111"
ROLE_ENTRY = "entry.222"
WORKSHEET = "Form Responses 2"
SECRET = "term-simulation-checkin-secret-0123456789"
CONFIG = f"""
[tool.mentorship.checkin]
form_url = "{FORM}"
code_entry = "{CODE_ENTRY}"
role_entry = "{ROLE_ENTRY}"
"""
HEADER = [
    "Timestamp",
    "Check-in code",
    "I am the",
    "Did the session happen?",
    "How useful was the session?",
    "How much did it move the student towards their goals?",
    "Would you like to keep meeting?",
    "Anything the programme team should know? (private)",
]
_CODE = re.compile(re.escape(CODE_ENTRY) + r"=([^&\s\\]+)")
SESSION_LENGTH = dt.timedelta(minutes=45)


@dataclass(frozen=True)
class Rating:
    """One side's ratings of one session (the report's figures are made of these)."""

    session: str  # "<match>/<number>"
    role: str
    useful: int
    progress: int


def codes_in(text: str) -> list[str]:
    """Every check-in code in an invite's text (unfolded .ics or a plain description)."""
    unfolded = text.replace("\r\n ", "").replace("\n ", "")
    return [unquote(c) for c in _CODE.findall(unfolded)]


def forge(code: str) -> str:
    """The code with its token replaced: what someone guessing a match id could send."""
    head, _, token = code.rpartition("/")
    return f"{head}/{'a' * len(token) if token[:1] != 'a' else 'b' * len(token)}"


def answer_row(when: dt.datetime, code: str, role: str, **answers: str) -> list[str]:
    """One response of the check-in form."""
    return [
        # The form writes the spreadsheet's zone (UTC here: neither ledger names another).
        when.astimezone(dt.UTC).strftime("%d/%m/%Y %H:%M:%S"),
        code,
        {"mentor": "Mentor (alumna/alumnus)", "student": "Student"}[role],
        answers.get("happened", ""),
        answers.get("useful", ""),
        answers.get("progress", ""),
        answers.get("more", ""),
        answers.get("comment", ""),
    ]


def answer_checkins(term: Term, night: int, now: dt.datetime) -> None:
    """Send tonight's check-ins (see the module docstring)."""
    from .term import Action

    texts = None
    new_rows: list[list[str]] = []
    owners = term.student_of()
    for session in rows(term.side.read(SESSIONS)):
        if session["status"] != "scheduled" or not session["start"]:
            continue
        key = f"{session['session_id']}/{session['attempt'] or '0'}"
        if key in term.answered:
            continue
        match = term.matches.get(session["match_id"])
        if match is None:
            continue
        student = owners.get(match["request_id"])
        if student is None:
            continue
        count = term.checkins_sent.get(student, 0)
        behaviour = term.script.checkins[student][count % 10]
        delay = dt.timedelta(days=term.script.delays[student][count % 10])
        start = dt.datetime.fromisoformat(session["start"])
        if start + SESSION_LENGTH + delay > now:
            continue
        if texts is None:
            texts = term.side.invite_texts()
        codes = codes_in(texts.get(session["event_id"], ""))
        number = session["number"]
        wanted = [c for c in codes if c.startswith(f"{session['match_id']}/{number}/")]
        term.answered.add(key)
        term.checkins_sent[student] = count + 1
        term.actions.append(Action(night, "checkin", key, behaviour))
        if not wanted:
            term.missing_codes.append(key)
            continue
        code = wanted[0]
        # Sent some time between the end of the session and tonight.
        end = start + SESSION_LENGTH
        when = end + (now - end) * term.rng.random()
        new_rows += _answers(term, session["session_id"], code, behaviour, when)
    if new_rows:
        term.side.append(WORKSHEET, new_rows)


def _answers(
    term: Term, session_id: str, code: str, behaviour: str, when: dt.datetime
) -> list[list[str]]:
    rng = term.rng
    if behaviour == "silent":
        return []
    if behaviour == "forged":
        return [answer_row(when, forge(code), "student", happened="Yes", useful="5")]
    if behaviour == "moved":
        return [answer_row(when, code, "mentor", happened="We rescheduled", more="")]
    if behaviour == "missed":
        return [answer_row(when, code, "student", happened="No, my mentor did not show up")]
    out = []
    sides = ["mentor"] + (["student"] if behaviour == "stop" or rng.random() < 2 / 3 else [])
    for role in sides:
        useful, progress = rng.randint(2, 5), rng.randint(1, 5)
        more = "No, we are done" if behaviour == "stop" and role == "student" else "Yes please"
        out.append(
            answer_row(
                when,
                code,
                role,
                happened="Yes, we met",
                useful=f"{useful} - useful",
                progress=str(progress),
                more=more,
                comment="Fictional comment for staff.",
            )
        )
        term.ratings.append(Rating(session_id, role, useful, progress))
    return out
