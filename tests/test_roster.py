"""The private roster: invites reach its addresses, and no mentor address is ever published.

Scans: the built site, the repository's tracked files, a nightly run's logs and job summary.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from mentorship.cli import main
from mentorship.roster import parse_roster, sync_contact_form, with_contacts
from mentorship.sheets_local import LocalSpreadsheet

from tests.nightly_project import NOW, make_project
from tests.nightly_run import cli_env, local_tab, run
from tests.roster_support import roster_values, write_roster
from tests.site_browser import build
from tests.site_browser import make_project as make_site_project
from tests.test_pr_hardening import PROFILE

REPO = Path(__file__).resolve().parents[1]
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
WHEN = dt.datetime(2026, 11, 28, 3, 17, tzinfo=dt.UTC)


def invite_addresses(root: Path) -> set[str]:
    text = "".join(p.read_text(encoding="utf-8") for p in (root / ".invites").glob("*.ics"))
    return set(re.findall(r"mailto:([^\s;]+)", text.replace("\r\n ", "")))


# --- Reading the roster ---------------------------------------------------------------------------


def test_rows_that_cannot_be_used_are_named_by_row_without_the_address() -> None:
    values = roster_values(
        {"ana-lima": "ana@example.org", "Bad Slug": "x@example.org", "bo-li": "not-an-address"}
    )
    values += [["cy-do", "ana@example.org"], ["ana-lima", "other@example.org"]]
    roster = parse_roster("Mentors", values)
    assert roster.contacts == {}  # ana-lima is listed twice, so neither row counts
    assert roster.problems == [
        "Mentors row 3: the slug is not a profile's file name (like ana-lima, for mentors/ana-lima.yml)",
        "Mentors row 4: the email cell does not hold a valid address",
        "Mentors row 5: the same email is also on row 2",
        "Mentors row 6: slug 'ana-lima' is listed twice; keep one row",
    ]
    assert not any(EMAIL.search(p) for p in roster.problems)


def test_a_missing_tab_is_told_apart_from_an_empty_one() -> None:
    assert parse_roster("Mentors", None).exists is False
    assert parse_roster("Mentors", [["slug", "email"]]).exists is True


def test_invites_go_to_the_calendar_address_when_the_roster_has_one() -> None:
    from tests.test_site_units import make_mentor as mentor

    values = [["slug", "email", "calendar"], ["ana-lima", "ana@example.org", "ana.cal@example.org"]]
    reach = with_contacts([mentor(), mentor(slug="bo-li")], parse_roster("Mentors", values))
    assert [(m.slug, m.email) for m in reach.mentors] == [("ana-lima", "ana.cal@example.org")]
    assert reach.unlisted == ["bo-li"]


# --- The nightly run ------------------------------------------------------------------------------


def test_nightly_invites_reach_roster_addresses_and_logs_and_summary_hold_none(
    tmp_path: Path,
) -> None:
    project = make_project(tmp_path, backend="local", mentors=6, responses=30)
    roster = dict(row[:2] for row in project.roster[1:])
    # One mentor has left the roster: counted for staff, never matched, never named publicly.
    gone = "mentor-002"
    (tmp_path / ".ledger" / "Mentors.csv").unlink()
    write_roster(
        LocalSpreadsheet(tmp_path / ".ledger"), {s: e for s, e in roster.items() if s != gone}
    )
    summary = tmp_path / "summary.md"
    result = run(
        tmp_path,
        "nightly",
        "--now",
        NOW,
        env=cli_env(GITHUB_STEP_SUMMARY=str(summary), GITHUB_ACTIONS="true"),
    )
    assert result.returncode == 0, result.stderr
    sent = invite_addresses(tmp_path)
    mentor_addresses = {a for a in sent if a.endswith("@example.org")}
    assert mentor_addresses and mentor_addresses <= set(roster.values()) - {roster[gone]}
    matched = {row[2] for row in local_tab(tmp_path, "Matches")[1:]}
    assert gone not in matched
    public = result.stdout + result.stderr + summary.read_text(encoding="utf-8")
    assert "1 mentor(s) have no row in the Mentors tab" in public
    assert gone not in public
    assert not set(EMAIL.findall(public)) & set(roster.values())
    # The staff command on their own computer names the mentor.
    check = run(tmp_path, "roster", "check")
    assert check.returncode == 1
    assert f"{gone}: no row in the Mentors tab" in check.stdout
    assert not EMAIL.search(check.stdout + check.stderr)


def test_contact_form_answers_fill_the_roster_but_never_overwrite_an_address(
    tmp_path: Path,
) -> None:
    sheet = LocalSpreadsheet(tmp_path)
    write_roster(sheet, {"ana-lima": "ana@example.org"})
    header = [
        "Timestamp",
        "Your profile's address (slug)",
        "Email address",
        "Calendar address for invites (optional)",
    ]
    answers = [
        header,
        ["1", "https://mentoring.example.edu/mentors/bo-li/", "bo@example.org", ""],
        ["2", "ana-lima", "attacker@example.net", ""],
        ["3", "nobody-here", "x@example.org", ""],
        ["4", "mentors/cy-do.yml", "cy@example.org", "cy.cal@example.org"],
        ["5", "bo-li", "bo.new@example.org", ""],
    ]
    (tmp_path / "Mentor contact.csv").write_text(
        "\n".join(",".join(r) for r in answers) + "\n", encoding="utf-8"
    )
    report = sync_contact_form(
        sheet, "Mentors", "Mentor contact", {"ana-lima", "bo-li", "cy-do"}, WHEN
    )
    assert report.added == 2
    roster = parse_roster("Mentors", sheet.read(["Mentors"])["Mentors"])
    assert roster.contacts["ana-lima"].email == "ana@example.org"  # not the form's new address
    assert roster.contacts["bo-li"].email == "bo.new@example.org"  # the latest answer counts
    assert roster.contacts["cy-do"].invite_address == "cy.cal@example.org"
    assert report.attention == [
        "Mentor contact row 4: there is no profile mentors/nobody-here.yml (yet)",
        "Mentor contact row 3: ana-lima is already in the Mentors tab with another address; "
        "if the mentor asked for the change, update their row by hand",
    ]
    again = sync_contact_form(
        sheet, "Mentors", "Mentor contact", {"ana-lima", "bo-li", "cy-do"}, WHEN
    )
    assert (again.added, again.unchanged) == (0, 2)


# --- roster import ------------------------------------------------------------------------------


@pytest.fixture
def legacy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose profiles still carry `email:` lines, as before the roster."""
    (tmp_path / "pyproject.toml").write_text("[tool.mentorship]\n", encoding="utf-8")
    mentors = tmp_path / "mentors"
    (mentors / "photos").mkdir(parents=True)
    (mentors / "taxonomy.yml").write_text(
        (REPO / "mentors" / "taxonomy.yml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    for slug in ("ana-lima", "bo-li"):
        text = PROFILE.replace(
            "confirmed: 2026-01-15\n",
            "# Private: where calendar invites go. Never shown on the site.\n"
            f"email: {slug}@alumni.example.org\nconfirmed: 2026-01-15\n",
        )
        (mentors / f"{slug}.yml").write_text(text, encoding="utf-8")
    (mentors / "cy-do.yml").write_text(PROFILE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout + result.stderr


def test_validate_refuses_the_old_email_lines(legacy: Path) -> None:
    code, out = invoke("validate")
    assert code == 1
    assert "mentors/ana-lima.yml:22:1: email: delete this line" in out
    assert "alumni.example.org" not in out


def test_roster_import_moves_emails_out_of_the_files_and_says_how_to_purge_history(
    legacy: Path,
) -> None:
    before = (legacy / "mentors" / "ana-lima.yml").read_text(encoding="utf-8")
    code, out = invoke("roster", "import", "--dry-run")
    assert (code, (legacy / "mentors" / "ana-lima.yml").read_text(encoding="utf-8")) == (0, before)
    assert "Would move the email of 2 profile(s)" in out
    assert not (legacy / ".ledger").exists()

    code, out = invoke("roster", "import")
    assert code == 0, out
    assert "Moved the email of 2 profile(s) into the Mentors tab" in out
    assert "git filter-repo --replace-text .ledger/roster-purge.txt" in out
    assert "history" in out and "git push --force --all" in out
    assert not EMAIL.search(out)
    roster = parse_roster(
        "Mentors", LocalSpreadsheet(legacy / ".ledger").read(["Mentors"])["Mentors"]
    )
    assert {s: c.email for s, c in roster.contacts.items()} == {
        "ana-lima": "ana-lima@alumni.example.org",
        "bo-li": "bo-li@alumni.example.org",
    }
    after = (legacy / "mentors" / "ana-lima.yml").read_text(encoding="utf-8")
    assert "email" not in after and "Private: where calendar invites go" not in after
    assert after == PROFILE
    purge = (legacy / ".ledger" / "roster-purge.txt").read_text(encoding="utf-8")
    assert "ana-lima@alumni.example.org==>[email removed]" in purge
    assert invoke("validate") == (0, "3 profiles OK\n")
    assert invoke("roster", "import")[1].startswith("Moved the email of 0 profile(s)")


def test_roster_import_leaves_a_conflicting_address_to_staff(legacy: Path) -> None:
    write_roster(LocalSpreadsheet(legacy / ".ledger"), {"ana-lima": "ana.new@example.org"})
    code, out = invoke("roster", "import")
    assert code == 1
    assert (
        "mentors/ana-lima.yml:22: ana-lima is already in the Mentors tab with another address"
        in out
    )
    assert "email:" in (legacy / "mentors" / "ana-lima.yml").read_text(encoding="utf-8")
    assert "email:" not in (legacy / "mentors" / "bo-li.yml").read_text(encoding="utf-8")


# --- Nothing published ----------------------------------------------------------------------------


def test_built_site_holds_no_roster_address(tmp_path: Path) -> None:
    project = make_site_project(tmp_path / "p")
    slugs = [p.stem for p in (project / "mentors").glob("*.yml") if p.name != "taxonomy.yml"]
    addresses = {s: f"{s}.private@example.net" for s in slugs}
    write_roster(LocalSpreadsheet(project / ".ledger"), addresses)
    result = build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    published = "".join(
        p.read_text(encoding="utf-8", errors="ignore")
        for p in (tmp_path / "site").rglob("*")
        if p.is_file()
    )
    assert not [a for a in addresses.values() if a in published]
    assert ".private@example.net" not in result.stdout + result.stderr


def test_the_repository_tracks_no_mentor_address() -> None:
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = (
        subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True)
        .stdout.decode()
        .split("\0")
    )
    profiles = [t for t in tracked if t.startswith("mentors/") and t.endswith((".yml", ".yaml"))]
    slugs = {Path(t).stem for t in profiles} - {"taxonomy"}
    # The demo's roster addresses (examples/seed_local_ledger.py) appear in no tracked file.
    demo = {f"{s}@example.org" for s in slugs}
    for name in tracked:
        path = REPO / name
        if not name or not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore")
        assert not [a for a in demo if a in text], name
    for name in profiles:
        head = (REPO / name).read_text(encoding="utf-8").split("\nbio:")[0]
        assert not EMAIL.search(head), f"{name} holds an address"
        assert not re.search(r"^email:", head, re.M), name
