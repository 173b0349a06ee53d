"""Benchmark: our site build against a plain mkdocs-material build of the same size.

For each N (default 1,000 and 3,000) this generates N synthetic mentor profiles in a temporary
copy of the project and times `mkdocs build` of our site, then times a plain mkdocs-material
build (no hook) of the same guides plus N hand-written Markdown pages of similar size, kept out
of the nav, with a plain Markdown index linking them all. It prints a Markdown table.

Targets: ours at most 1.3x plain at every size, and 3,000 mentors at most 3.3x the time of 1,000.
With --zensical it also times `mentorship site build --engine zensical` of the same project
(staging the files, then Zensical's build from an empty cache).
With --browser it also times the largest directory in headless Chromium: loading the page,
ticking filters and clearing them (each until the next frame is drawn).

    .venv/bin/python benchmarks/site_build.py [--sizes 1000 3000] [--repeat 1] [--browser]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = Path(sys.executable).with_name("mkdocs")
MENTORSHIP = Path(sys.executable).with_name("mentorship")

FIRST = [
    "Ana",
    "Ben",
    "Chen",
    "Dara",
    "Elif",
    "Femi",
    "Grace",
    "Hugo",
    "Ines",
    "Jonas",
    "Kofi",
    "Lena",
    "Malik",
    "Noor",
    "Omar",
    "Paula",
    "Quinn",
    "Rosa",
    "Sami",
    "Tomás",
    "Uma",
    "Vera",
    "Wei",
    "Ximena",
    "Yusuf",
    "Zara",
]
LAST = [
    "Almeida",
    "Brown",
    "Costa",
    "Dubois",
    "Eze",
    "Fischer",
    "García",
    "Haddad",
    "Ito",
    "Jensen",
    "Kowalski",
    "Lima",
    "Mensah",
    "Nakamura",
    "Okafor",
    "Patel",
    "Quispe",
    "Rossi",
    "Silva",
    "Tanaka",
    "Usman",
    "Varga",
    "Wang",
    "Xu",
    "Yilmaz",
    "Zhou",
]
ZONES = [
    ("Europe/Lisbon", "Lisbon, Portugal"),
    ("Europe/Berlin", "Berlin, Germany"),
    ("America/New_York", "New York, USA"),
    ("America/Sao_Paulo", "São Paulo, Brazil"),
    ("Asia/Tokyo", "Tokyo, Japan"),
    ("Asia/Kolkata", "Bengaluru, India"),
    ("Africa/Nairobi", "Nairobi, Kenya"),
    ("Australia/Sydney", "Sydney, Australia"),
]
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
BIO = (
    "I studied {program} and have worked in {industry} for {years} years, most recently as "
    "**{title}**. I enjoy helping students think through *career changes*, first jobs and "
    "graduate school applications.\n\nOutside work I volunteer with a local coding club and "
    "read a lot of history. Ask me about [my field](https://example.org/{slug}) or anything "
    "else you are curious about; no question is too small.\n"
)


def synthetic_profiles(n: int, taxonomy: dict, seed: int = 7) -> list[tuple[str, dict]]:
    """N valid, varied profiles as (slug, data)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        slug = f"{first.lower().replace('á', 'a')}-{last.lower().replace('í', 'i')}-{i:05d}"
        zone, location = rng.choice(ZONES)
        industry = rng.choice(taxonomy["industries"])
        day = rng.randrange(7)
        data = {
            "name": f"{first} {last}",
            "pronouns": rng.choice(["she/her", "he/him", "they/them", ""]),
            "graduation_year": rng.randrange(1985, 2022),
            "program": rng.choice(["BSc Economics", "BA History", "MEng Civil Engineering"]),
            "title": rng.choice(["Analyst", "Engineer", "Director", "Teacher", "Consultant"]),
            "employer": f"Example {rng.choice(['Group', 'Labs', 'Partners', 'Trust'])} {i % 97}",
            "industry": industry,
            "topics": rng.sample(taxonomy["topics"], 3),
            "location": location,
            "timezone": zone,
            "languages": rng.sample(taxonomy["languages"], 2),
            "meeting_formats": rng.sample(["video", "phone", "in person"], rng.randrange(1, 4)),
            "availability": [
                {"day": DAYS[day], "start": "18:00", "end": "20:00"},
                {"day": DAYS[(day + 3) % 7], "start": "09:30", "end": "11:00"},
            ],
            "capacity": rng.randrange(0, 5),
            "accepting": rng.random() > 0.2,
            "links": [{"label": "Website", "url": f"https://example.org/{slug}"}],
            "confirmed": dt.date(2026, 1 + i % 9, 1 + i % 28),
        }
        data["bio"] = BIO.format(
            program=data["program"],
            industry=industry,
            years=1 + i % 30,
            title=data["title"],
            slug=slug,
        )
        out.append((slug, data))
    return out


def plain_page(slug: str, data: dict) -> str:
    """A hand-written Markdown page carrying what a mentor page shows."""
    rows = "\n".join(
        f"| {w['day'].capitalize()} {w['start']}–{w['end']} |" for w in data["availability"]
    )
    return (
        f"# {data['name']}\n\n**{data['title']}**, {data['employer']}  \n{data['location']}\n\n"
        f"[Request this mentor](https://example.org/form?entry.1={slug}){{ .md-button }}\n\n"
        f"## About\n\n{data['bio']}\n"
        f"Industry\n:   {data['industry']}\n\nTopics\n:   {', '.join(data['topics'])}\n\n"
        f"Languages\n:   {', '.join(data['languages'])}\n\n"
        f"## Weekly availability\n\n| Mentor's time ({data['timezone']}) |\n| --- |\n{rows}\n\n"
        f"## Links\n\n- [Website](https://example.org/{slug})\n"
    )


def _copy_common(dest: Path) -> None:
    shutil.copytree(ROOT / "content", dest / "content")
    shutil.copytree(ROOT / "site_templates", dest / "site_templates")
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")


def make_ours(dest: Path, profiles: list[tuple[str, dict]]) -> None:
    """A copy of the project whose mentors/ holds the synthetic profiles."""
    _copy_common(dest)
    (dest / "scripts").symlink_to(ROOT / "scripts", target_is_directory=True)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    mentors = dest / "mentors"
    (mentors / "photos").mkdir(parents=True)
    shutil.copy(ROOT / "mentors" / "taxonomy.yml", mentors / "taxonomy.yml")
    for slug, data in profiles:
        (mentors / f"{slug}.yml").write_text(
            yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )


def make_plain(dest: Path, profiles: list[tuple[str, dict]]) -> None:
    """The same guides and theme with no hook, plus N Markdown pages kept out of the nav."""
    _copy_common(dest)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("hooks:\n  - scripts/mentorship/site/hook.py\n", "")
    config = config.replace("extra_css:\n  - assets/mentorship/mentors.css\n", "")
    config += "\nnot_in_nav: |\n  /mentors/*.md\n"
    (dest / "mkdocs.yml").write_text(config, encoding="utf-8")
    folder = dest / "content" / "mentors"
    folder.mkdir()
    index = ["# Find a mentor\n"]
    for slug, data in profiles:
        (folder / f"{slug}.md").write_text(plain_page(slug, data), encoding="utf-8")
        index.append(f"- [{data['name']}]({slug}.md): {data['title']}, {data['employer']}")
    (folder / "index.md").write_text("\n".join(index) + "\n", encoding="utf-8")


def time_build(project: Path, repeat: int) -> float:
    """Best wall-clock seconds of `mkdocs build --strict` over `repeat` runs."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run(
            [str(MKDOCS), "build", "--strict", "-q", "-d", str(project / "_site")],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - start
        if result.returncode != 0:
            raise SystemExit(f"mkdocs build failed in {project}:\n{result.stderr[-3000:]}")
        best = min(best, elapsed)
    return best


def time_zensical(project: Path, repeat: int) -> float:
    """Best wall-clock seconds of `mentorship site build --engine zensical`, from no cache."""
    best = float("inf")
    for _ in range(repeat):
        shutil.rmtree(project / "build", ignore_errors=True)
        start = time.perf_counter()
        result = subprocess.run(
            [str(MENTORSHIP), "-q", "site", "build", "--engine", "zensical", "-d", "_zsite"],
            cwd=project,
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - start
        if result.returncode != 0:
            raise SystemExit(f"zensical build failed in {project}:\n{result.stderr[-3000:]}")
        best = min(best, elapsed)
    return best


# Runs `action` in the page and resolves once the browser has drawn the next frame after it.
TIMED = """action => new Promise(done => {
  const start = performance.now();
  new Function(action)();
  requestAnimationFrame(() => setTimeout(() => done(performance.now() - start), 0));
})"""
ACTIONS = [
    (
        "tick the first industry",
        "document.querySelector('fieldset[data-group=industry] input').click()",
    ),
    (
        "tick a second language",
        "document.querySelectorAll('fieldset[data-group=language] input')[1].click()",
    ),
    ("tick accepting only", "document.querySelector('#mentor-accepting').click()"),
    ("clear all filters", "document.querySelector('[data-mentor-clear]').click()"),
]


def time_directory(site: Path) -> list[tuple[str, float]]:
    """Milliseconds for loading the directory and for each filter action, in Chromium."""
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(site))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    rows = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_port}/mentors/")
            loaded = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
            # The filters work once the filter index has loaded (when the page is idle).
            page.wait_for_selector("[data-mentor-ready]", state="attached")
            rows.append(("load the directory (to the load event)", loaded))
            for label, action in ACTIONS:
                rows.append((label, page.evaluate(TIMED, action)))
            browser.close()
    finally:
        server.shutdown()
    return rows


def main() -> None:
    """Run the benchmark and print the Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000])
    parser.add_argument("--repeat", type=int, default=1, help="runs per build; the best counts")
    parser.add_argument("--browser", action="store_true", help="also time the directory's filters")
    parser.add_argument("--zensical", action="store_true", help="also time the Zensical build")
    args = parser.parse_args()
    browser_rows: list[tuple[str, float]] = []
    zensical_rows: list[tuple[int, float]] = []
    taxonomy = yaml.safe_load((ROOT / "mentors" / "taxonomy.yml").read_text(encoding="utf-8"))
    rows = []
    with tempfile.TemporaryDirectory(prefix="site-bench-") as tmp:
        for n in args.sizes:
            profiles = synthetic_profiles(n, taxonomy)
            ours_dir, plain_dir = Path(tmp) / f"ours-{n}", Path(tmp) / f"plain-{n}"
            make_ours(ours_dir, profiles)
            make_plain(plain_dir, profiles)
            ours = time_build(ours_dir, args.repeat)
            plain = time_build(plain_dir, args.repeat)
            rows.append((n, ours, plain))
            print(f"N={n}: ours {ours:.2f}s, plain {plain:.2f}s", file=sys.stderr)
            if args.zensical:
                zensical_rows.append((n, time_zensical(ours_dir, args.repeat)))
            if args.browser and n == max(args.sizes):
                browser_rows = time_directory(ours_dir / "_site")
    print("| N | ours (s) | plain (s) | ours / plain |")
    print("| ---: | ---: | ---: | ---: |")
    for n, ours, plain in rows:
        print(f"| {n:,} | {ours:.2f} | {plain:.2f} | {ours / plain:.2f}x |")
    if len(rows) >= 2:
        (n0, o0, p0), (n1, o1, p1) = rows[0], rows[-1]
        print()
        print(
            f"Growth from {n0:,} to {n1:,} mentors: ours {o1 / o0:.2f}x, plain {p1 / p0:.2f}x "
            f"(linear would be {n1 / n0:.2f}x)."
        )
    if zensical_rows:
        print()
        print("| N | ours with MkDocs (s) | ours with Zensical (s) | Zensical / MkDocs |")
        print("| ---: | ---: | ---: | ---: |")
        mkdocs_times = {n: ours for n, ours, _ in rows}
        for n, seconds in zensical_rows:
            ratio = seconds / mkdocs_times[n]
            print(f"| {n:,} | {mkdocs_times[n]:.2f} | {seconds:.2f} | {ratio:.2f}x |")
    if browser_rows:
        print()
        print(f"| Directory of {max(args.sizes):,} mentors in Chromium | ms |")
        print("| --- | ---: |")
        for label, ms in browser_rows:
            print(f"| {label} | {ms:.0f} |")


if __name__ == "__main__":
    main()
