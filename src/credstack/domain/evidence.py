"""Evidence a learner submits for an assessment, and the checks an uploaded file must pass.

An item is a link (portfolio, code repository, working demo, a recorded demonstration), an
uploaded file, or an attestation by someone else (an employer-evaluated project or
micro-internship, a third-party assessment result, a mentor's sign-off), which comes as a link
or a file and names who attests.

A file is judged by its content, not by what its name or the browser claims: its type is
detected from its first bytes (PDF, PNG, JPEG, GIF, MP4, WebM, ZIP) or, failing that, it must
be UTF-8 text; its name's extension, if any, must agree with the content. Its name is kept only
as a label, never used as a path, and is refused if it could be read as one.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from credstack.domain.errors import InvalidInput, Problem

MAX_NAME = 255
MAX_URL = 2048


class EvidenceKind(StrEnum):
    PORTFOLIO = "portfolio"
    REPOSITORY = "repository"
    DEMO = "demo"  # a working demo, by link
    DEMONSTRATION = "demonstration"  # a recorded micro-presentation or code walk-through, by link
    FILE = "file"
    EMPLOYER_PROJECT = "employer-project"  # an employer-evaluated project or micro-internship
    THIRD_PARTY = "third-party"  # a third-party assessment result
    MENTOR_SIGNOFF = "mentor-signoff"  # a mentor's sign-off of a mentored micro-experience

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    EvidenceKind.PORTFOLIO: "Portfolio",
    EvidenceKind.REPOSITORY: "Code repository",
    EvidenceKind.DEMO: "Demo",
    EvidenceKind.DEMONSTRATION: "Recorded demonstration",
    EvidenceKind.FILE: "File",
    EvidenceKind.EMPLOYER_PROJECT: "Employer-evaluated project",
    EvidenceKind.THIRD_PARTY: "Third-party assessment result",
    EvidenceKind.MENTOR_SIGNOFF: "Mentor sign-off",
}
LINK_KINDS = frozenset(
    {EvidenceKind.PORTFOLIO, EvidenceKind.REPOSITORY, EvidenceKind.DEMO, EvidenceKind.DEMONSTRATION}
)
ATTESTED_KINDS = frozenset(
    {EvidenceKind.EMPLOYER_PROJECT, EvidenceKind.THIRD_PARTY, EvidenceKind.MENTOR_SIGNOFF}
)


@dataclass(frozen=True)
class FileType:
    media_type: str
    label: str
    extensions: tuple[str, ...]  # lower case, with the dot; the first is the usual one


PDF = FileType("application/pdf", "a PDF document", (".pdf",))
PNG = FileType("image/png", "a PNG image", (".png",))
JPEG = FileType("image/jpeg", "a JPEG image", (".jpg", ".jpeg"))
GIF = FileType("image/gif", "a GIF image", (".gif",))
MP4 = FileType("video/mp4", "an MP4 video", (".mp4", ".m4v"))
WEBM = FileType("video/webm", "a WebM video", (".webm",))
ZIP = FileType("application/zip", "a ZIP archive", (".zip",))
TEXT = FileType("text/plain", "plain text", (".txt", ".text", ".log", ""))
MARKDOWN = FileType("text/markdown", "Markdown text", (".md", ".markdown"))
CSV = FileType("text/csv", "CSV text", (".csv",))
ALLOWED_TYPES = (PDF, PNG, JPEG, GIF, MP4, WEBM, ZIP, TEXT, MARKDOWN, CSV)
_TEXT_TYPES = (TEXT, MARKDOWN, CSV)
# Extensions of types that are never accepted, so the refusal can say what the file claims to be.
_KNOWN_OTHER = {
    ".exe": "a Windows program",
    ".dll": "a Windows library",
    ".sh": "a shell script",
    ".bat": "a Windows batch file",
    ".js": "a script",
    ".html": "an HTML page",
    ".htm": "an HTML page",
    ".svg": "an SVG image (it can carry scripts)",
}


def detect_type(data: bytes) -> FileType | None:
    """The allowed type the content is, from its first bytes (text: valid UTF-8 without control
    characters other than tab, line feed, carriage return and form feed); None if none."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if len(data) >= 12 and data[4:8] == b"ftyp" and data[8:12] != b"qt  ":
        return MP4  # ISO base media file (mp4, isom, M4V ... brands); QuickTime is not MP4
    if data.startswith(b"\x1a\x45\xdf\xa3"):
        return WEBM  # EBML header (WebM and Matroska share it)
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return ZIP
    if _is_text(data):
        return TEXT
    return None


def _is_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text) and "\x7f" not in text


def name_problems(name: str) -> list[str]:
    """What is wrong with an uploaded file's name; an empty list if it is a safe plain name."""
    if not name or not name.strip():
        return ["a file name is needed"]
    problems = []
    if len(name) > MAX_NAME:
        problems.append(f"a file name is at most {MAX_NAME} characters ({len(name)} given)")
    if name.startswith(("/", "\\")) or (len(name) >= 2 and name[1] == ":" and name[0].isalpha()):
        problems.append("an absolute path is not a file name")
    if "/" in name or "\\" in name:
        problems.append("a file name cannot contain a path separator (/ or \\)")
    if ".." in name:
        problems.append("a file name cannot contain '..'")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name):
        problems.append("a file name cannot contain control characters (NUL, new lines ...)")
    if name.strip() in (".", ""):
        problems.append("'.' is not a file name")
    return problems


def _extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return f".{ext.lower()}" if dot and stem else ""


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed every check: what is stored and shown (never its name as a path)."""

    name: str
    media_type: str
    size: int
    sha256: str


def check_file(name: str, data: bytes, *, max_bytes: int, size: int | None = None) -> CheckedFile:
    """Check an uploaded file: its name, its size (``size`` when more was sent than ``data``
    holds) and its type by content; raises InvalidInput naming every problem."""
    problems = [Problem("file.name", p) for p in name_problems(name)]
    total = len(data) if size is None else size
    if total > max_bytes:
        problems.append(Problem("file", f"the file is {_bytes(total)}; the limit is {_bytes(max_bytes)}"))
    elif total == 0:
        problems.append(Problem("file", "the file is empty"))
    else:
        problems += _type_problems(name, data)
    if problems:
        raise InvalidInput(problems, source="evidence upload")
    kind = _file_type(name, data)
    return CheckedFile(name.strip(), kind.media_type, total, hashlib.sha256(data).hexdigest())


def _file_type(name: str, data: bytes) -> FileType:
    detected = detect_type(data)
    assert detected is not None  # checked by _type_problems
    if detected is TEXT:
        ext = _extension(name)
        return next((t for t in _TEXT_TYPES if ext in t.extensions), TEXT)
    return detected


def _type_problems(name: str, data: bytes) -> list[Problem]:
    detected = detect_type(data)
    ext = _extension(name)
    allowed = ", ".join(t.label for t in ALLOWED_TYPES)
    if detected is None:
        claims = _KNOWN_OTHER.get(ext) or next(
            (t.label for t in ALLOWED_TYPES if ext and ext in t.extensions), None
        )
        said = f" (its name says {claims}, but the content is not)" if claims else ""
        return [Problem("file", f"this type of file is not accepted{said}; accepted: {allowed}")]
    if detected is TEXT:
        if ext in _KNOWN_OTHER:
            return [
                Problem("file", f"{ext} files ({_KNOWN_OTHER[ext]}) are not accepted; accepted: {allowed}")
            ]
        if ext and not any(ext in t.extensions for t in _TEXT_TYPES):
            return [Problem("file", f"the content is text, but the name ends in {ext}")]
        return []
    if ext and ext not in detected.extensions:
        return [
            Problem(
                "file",
                f"the content is {detected.label}, but the name ends in {ext}: "
                f"rename it {detected.extensions[0]} or upload the right file",
            )
        ]
    return []


def _bytes(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MiB ({n:,} bytes)"
    if n >= 1024:
        return f"{n / 1024:.1f} KiB ({n:,} bytes)"
    return f"{n:,} bytes"


def check_url(url: str, where: str = "url") -> list[Problem]:
    """A link must be an absolute http(s) URL with a host."""
    if not url or not url.strip():
        return [Problem(where, "a link is needed")]
    if len(url) > MAX_URL:
        return [Problem(where, f"a link is at most {MAX_URL} characters")]
    if any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in url):
        return [Problem(where, "a link cannot contain spaces or control characters")]
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return [Problem(where, f"{url!r} is not an http(s) link")]
    return []


@dataclass(frozen=True)
class EvidenceDraft:
    """What a learner says about one item before it is stored (a file is checked apart)."""

    kind: EvidenceKind
    title: str
    url: str | None = None
    note: str | None = None
    attested_by: str | None = None  # for employer projects, third-party results, mentor sign-offs


def check_evidence(item: EvidenceDraft, *, has_file: bool) -> list[Problem]:
    """The rules per kind: links need a URL, a file kind needs a file, attestations name who
    attests and come as a link or a file."""
    problems = []
    if not item.title.strip():
        problems.append(Problem("title", "give the item a short title"))
    elif len(item.title) > 200:
        problems.append(Problem("title", "a title is at most 200 characters"))
    if item.kind in LINK_KINDS:
        if has_file:
            problems.append(Problem("file", f"a {item.kind.label.lower()} is given by link, not as a file"))
        problems += check_url(item.url or "")
    elif item.kind is EvidenceKind.FILE:
        if not has_file:
            problems.append(Problem("file", "no file was uploaded"))
        if item.url:
            problems.append(Problem("url", "a file item has no link: choose a link kind instead"))
    else:
        if not (item.attested_by or "").strip():
            problems.append(Problem("attested_by", f"a {item.kind.label.lower()} names who attests it"))
        if has_file == bool(item.url):
            problems.append(Problem("url", "give either a link or a file, not both or neither"))
        elif item.url:
            problems += check_url(item.url)
    return problems
