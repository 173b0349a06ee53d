"""The doctor's check-in checks: the form's address and prefill ids, the secret, and that the
check-in responses tab exists with every configured question title."""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping

from ..checkin_secret import KEY_FILE, SECRET_ENV, checkin_secret, key_path
from ..config import Config
from ..errors import MentorshipError
from ..ledger import Spreadsheet
from .checks import ENTRY_RE, FORM_URL_RE, Finding

PREFILL_FIX = (
    "in the check-in form: ⋮ > Get pre-filled link, type any check-in code and tick Mentor, "
    'Get link > Copy link; the "entry.<digits>" before your code is code_entry, the one '
    "before Mentor is role_entry"
)


def check_checkin_form(config: Config, env: Mapping[str, str]) -> Iterator[Finding]:
    """The check-in form's address, its prefill ids and the secret that signs its codes."""
    settings = config.checkin
    if not settings.enabled:
        yield Finding(
            True,
            "check-ins",
            "off ([tool.mentorship.checkin] form_url is empty): invites carry no check-in link",
        )
        return
    url = settings.form_url.strip()
    if FORM_URL_RE.match(url):
        yield Finding(True, "check-in form url", url)
    else:
        yield Finding(
            False,
            "check-in form url",
            f"{url!r} is not a Google Form address",
            'put the check-in form\'s pre-filled link up to "?" in form_url, e.g. '
            '"https://docs.google.com/forms/d/e/1FAIpQL.../viewform"',
        )
    code, role = settings.code_entry.strip(), settings.role_entry.strip()
    problems = []
    if not ENTRY_RE.match(code):
        problems.append(f"code_entry {code!r} is not of the form entry.<digits>")
    if role and not ENTRY_RE.match(role):
        problems.append(f"role_entry {role!r} is not of the form entry.<digits>")
    if role and role == code:
        problems.append("role_entry is the same as code_entry")
    if problems:
        yield Finding(False, "check-in prefill ids", "; ".join(problems), PREFILL_FIX)
    else:
        yield Finding(
            True,
            "check-in prefill ids",
            f"code {code}" + (f", role {role}" if role else " (role_entry empty: people tick it)"),
        )
    try:
        checkin_secret(config, env, create=False)
    except MentorshipError as exc:
        yield Finding(
            False,
            "check-in secret",
            str(exc),
            f"set {SECRET_ENV} (an Actions secret of the `nightly` environment; the setup "
            "guide's Check-in form section shows how)",
        )
        return
    if env.get(SECRET_ENV, "").strip():
        yield Finding(True, "check-in secret", f"{SECRET_ENV} is set")
    elif key_path(config).exists():
        yield Finding(True, "check-in secret", f"the local key {config.local_dir}/{KEY_FILE}")
    else:
        yield Finding(
            True,
            "check-in secret",
            f"{config.local_dir}/{KEY_FILE} is made by the first run that sends an invite",
        )


def check_checkin_tab(config: Config, sheet: Spreadsheet) -> Finding:
    """The check-in responses tab exists and every configured title is one of its columns."""
    from ..intake import title_key  # the one matcher the stage uses too

    tab = config.checkin.worksheet
    values = sheet.read([tab]).get(tab)
    if values is None:
        return Finding(
            False,
            "check-in responses tab",
            f'there is no tab "{tab}"',
            "link the check-in form to the ledger spreadsheet (Form > Responses > Link to "
            "Sheets > Select existing spreadsheet), then set worksheet in "
            "[tool.mentorship.checkin] to the new tab's exact name",
        )
    header = [str(c).strip() for c in (values[0] if values else []) if str(c).strip()]
    if not header:
        return Finding(
            False,
            "check-in responses tab",
            f'"{tab}" is empty (no header row yet)',
            "submit one test check-in so Google writes the question titles, then run the "
            "doctor again (the nightly counts the test answer as having no valid code)",
        )
    present = {title_key(h) for h in header}
    missing = []
    for name, title in config.checkin.questions.items():
        if title_key(title) in present:
            continue
        close = difflib.get_close_matches(title, header, n=1, cutoff=0.5)
        hint = f'; closest column: "{close[0]}"' if close else ""
        missing.append(f'{name} = "{title}" is not a column{hint}')
    if missing:
        return Finding(
            False,
            "check-in questions",
            "; ".join(missing),
            "make the check-in form's question titles and [tool.mentorship.checkin.questions] "
            "the same words (letter case and spacing do not matter)",
        )
    return Finding(
        True,
        "check-in questions",
        f'all {len(config.checkin.questions)} titles are columns of "{tab}" '
        f"({len(values) - 1} check-ins)",
    )
