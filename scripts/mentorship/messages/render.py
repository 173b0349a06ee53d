"""Templates staff edit, rendered into a subject, a plain-text part and an HTML part.

Each kind has one file, `<templates_dir>/<kind>.md`: a front matter block with the subject,
then a Markdown body, both Jinja. `_footer.md` is appended to every body. The HTML part is the
Markdown rendered by python-markdown and then sanitised with nh3; the text part is the same
template with its links written out (`label (url)`) and its emphasis marks dropped.

Values are untrusted by default: student answers, mentor profile text, even staff's config
strings. In the HTML part every value is entity-escaped, so `**`, `[x](javascript:...)`,
`<script>` or a line starting with `#` in a student's goals stays text. In the text part values
go in as they are, minus control characters. Only values wrapped in `Trusted` (URLs the
toolkit builds from config, the signature) go in unescaped. Subjects lose line breaks, so no
value can add a header.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import markdown
import nh3

from ..errors import ConfigError

FOOTER = "_footer"
TOOLKIT_TEMPLATES = Path(__file__).resolve().parents[3] / "templates" / "messages"
"""The toolkit's own templates (in a checkout): used for any kind the project's folder lacks."""
_FRONT = re.compile(r"\A---[ \t]*\n(?P<head>.*?)\n---[ \t]*\n(?P<body>.*)\Z", re.S)
# [label](url) in a template's own source, where the url may be a Jinja expression.
_LINK = re.compile(r"\[([^\]\n]+)\]\((\{\{[^}]*\}\}|[^)\s]+)\)")
_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ALLOWED_TAGS = {"a", "p", "br", "strong", "em", "ul", "ol", "li", "h2", "h3", "hr", "blockquote"}
_URL_SCHEMES = {"http", "https", "mailto"}


class Trusted(str):
    """A value the toolkit made itself (a URL from config, the signature): not escaped."""


def clean_text(value: str) -> str:
    """Text without control or format characters (bidi overrides, zero-width), newlines kept."""
    out = []
    for char in value.replace("\r\n", "\n").replace("\r", "\n"):
        if char in "\n\t":
            out.append(char)
        elif unicodedata.category(char) in ("Cc", "Cf"):
            continue
        else:
            out.append(char)
    return "".join(out)


def escape_markdown(value: str) -> str:
    """A value as Markdown that renders as exactly this text: every ASCII punctuation mark an
    HTML entity, every line break a <br> (so a value never starts a block of its own)."""
    text = clean_text(value)
    out = []
    for char in text:
        if char == "\n":
            out.append("<br>")
        elif char.isascii() and not char.isalnum() and char not in " \t":
            out.append(f"&#{ord(char)};")
        else:
            out.append(char)
    return "".join(out)


def _finalize_html(value: Any) -> str:
    if isinstance(value, Trusted):
        return str(value)
    return escape_markdown("" if value is None else str(value))


def _finalize_text(value: Any) -> str:
    return clean_text("" if value is None else str(value))


def plain_source(source: str) -> str:
    """A template's Markdown source as plain text: links written out, emphasis marks dropped."""
    source = _LINK.sub(r"\1 (\2)", source)
    return _EMPHASIS.sub(r"\2", source)


@dataclass(frozen=True)
class Rendered:
    """A message's subject, plain-text body and HTML body."""

    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class _Template:
    subject: str
    body: str
    offset: int = 0
    """Lines of the file before the body (the front matter), for error line numbers."""


class Templates:
    """The templates of one folder, parsed once; `render(kind, values)` per message.

    A kind missing from `folder` is read from the toolkit's own copy (`TOOLKIT_TEMPLATES`),
    so a project only keeps the templates it changed, if it likes.
    """

    def __init__(self, folder: Path, fallback: Path | None = TOOLKIT_TEMPLATES):
        self.folder = folder
        self.fallback = fallback
        self._html = jinja2.Environment(
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            finalize=_finalize_html,
            keep_trailing_newline=True,
        )
        self._text = jinja2.Environment(
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            finalize=_finalize_text,
            keep_trailing_newline=True,
        )
        self._sources: dict[str, _Template] = {}
        # Compiled once per kind: compiling costs far more than rendering one message.
        self._compiled: dict[str, tuple[jinja2.Template, jinja2.Template, jinja2.Template]] = {}
        self._markdown = markdown.Markdown(extensions=["sane_lists"], output_format="html")

    def source(self, kind: str) -> _Template:
        """The subject and body source of a kind (the footer appended), read once."""
        if kind not in self._sources:
            subject, body, offset = self._read(kind)
            if kind != FOOTER:
                footer = self._read(FOOTER)[1] if self._path(FOOTER).exists() else ""
                body = body.rstrip("\n") + ("\n\n" + footer if footer.strip() else "") + "\n"
            self._sources[kind] = _Template(subject, body, offset)
        return self._sources[kind]

    def _path(self, kind: str) -> Path:
        path = self.folder / f"{kind}.md"
        if not path.exists() and self.fallback is not None:
            fallback = self.fallback / f"{kind}.md"
            if fallback.exists():
                return fallback
        return path

    def _read(self, kind: str) -> tuple[str, str, int]:
        path = self._path(kind)
        try:
            text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        except FileNotFoundError:
            raise ConfigError(
                f"The message template {path} is missing. Restore it from the toolkit's "
                f'repository, or turn the kind off with off = ["{kind}"] in '
                "[tool.mentorship.messages]."
            ) from None
        if kind == FOOTER:
            return "", text, 0
        found = _FRONT.match(text)
        subject = ""
        offset = 0
        if found:
            for line in found.group("head").splitlines():
                key, _, value = line.partition(":")
                if key.strip() == "subject":
                    subject = value.strip()
                    if len(subject) > 1 and subject[0] == subject[-1] and subject[0] in "\"'":
                        subject = subject[1:-1]
            offset = text[: found.start("body")].count("\n")
            text = found.group("body")
        if not subject:
            raise ConfigError(
                f"{path}: the template has no subject. Start it with\n---\nsubject: Your words "
                "here\n---"
            )
        return subject, text, offset

    def check(self) -> int:
        """Parse every kind's template (ConfigError at the first mistake); how many there are."""
        from .kinds import NAMES

        for kind in NAMES:
            template = self.source(kind)
            try:
                self._html.parse(template.subject)
                self._html.parse(template.body)
            except jinja2.TemplateSyntaxError as exc:
                line = exc.lineno + template.offset
                raise ConfigError(f"{self._path(kind)}:{line}: {exc.message}") from None
        return len(NAMES)

    def render(self, kind: str, values: Mapping[str, Any]) -> Rendered:
        """Render one message; a template mistake is a ConfigError naming the file and line."""
        template = self.source(kind)
        path = self._path(kind)
        try:
            if kind not in self._compiled:
                self._compiled[kind] = (
                    self._text.from_string(template.subject),
                    self._text.from_string(plain_source(template.body)),
                    self._html.from_string(template.body),
                )
            subject_t, text_t, html_t = self._compiled[kind]
            subject = subject_t.render(values)
            text = text_t.render(values)
            body = html_t.render(values)
        except jinja2.TemplateSyntaxError as exc:
            raise ConfigError(f"{path}:{exc.lineno + template.offset}: {exc.message}") from None
        except jinja2.UndefinedError as exc:
            raise ConfigError(
                f"{path}: {exc.message}; the values a template can use are "
                f"{', '.join(sorted(values))}."
            ) from None
        subject = " ".join(subject.split())[:200]
        html = nh3.clean(
            self._markdown.reset().convert(body),
            tags=_ALLOWED_TAGS,
            attributes={"a": {"href"}},
            url_schemes=_URL_SCHEMES,
            link_rel="noopener",
            strip_comments=True,
        )
        return Rendered(subject, _tidy(text), _document(subject, html))


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def _document(title: str, body: str) -> str:
    # A whole HTML document: some mail clients render a bare fragment oddly. The title is the
    # subject, escaped (it may hold a mentor's name).
    import html as html_module

    return (
        '<!doctype html>\n<html><head><meta charset="utf-8">'
        f"<title>{html_module.escape(title)}</title></head>\n"
        '<body style="font-family: sans-serif; line-height: 1.5; max-width: 40em">\n'
        f"{body}\n</body></html>\n"
    )
