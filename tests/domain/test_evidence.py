"""Evidence checks: a file's type comes from its content, its name is never a path, and the
size limit holds; each refusal says what is wrong."""

from __future__ import annotations

import hashlib

import pytest

from credstack.domain.errors import InvalidInput
from credstack.domain.evidence import (
    EvidenceDraft,
    EvidenceKind,
    check_evidence,
    check_file,
    detect_type,
    name_problems,
)

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
ZIP = b"PK\x03\x04\x14\x00\x00\x00"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"


def refusal(name: str, data: bytes, *, max_bytes: int = 1000, size: int | None = None) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        check_file(name, data, max_bytes=max_bytes, size=size)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("name", "data", "media_type"),
    [
        ("report.pdf", PDF, "application/pdf"),
        ("shot.PNG", PNG, "image/png"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        ("walkthrough.mp4", MP4, "video/mp4"),
        ("code.zip", ZIP, "application/zip"),
        ("notes.md", "# Réflexion\n\nDone.\n".encode(), "text/markdown"),
        ("notes.txt", b"plain words\n", "text/plain"),
        ("results.csv", b"a,b\n1,2\n", "text/csv"),
        ("README", b"no extension, still text\n", "text/plain"),
    ],
)
def test_accepted_files_are_typed_by_content(name: str, data: bytes, media_type: str) -> None:
    checked = check_file(name, data, max_bytes=1000)
    assert (checked.name, checked.media_type, checked.size) == (name, media_type, len(data))
    assert checked.sha256 == hashlib.sha256(data).hexdigest()


def test_an_oversized_file_is_refused_with_the_limit() -> None:
    assert refusal("big.pdf", PDF, max_bytes=10) == [
        f"file: the file is {len(PDF)} bytes; the limit is 10 bytes"
    ]
    assert refusal("big.pdf", PDF[:5], max_bytes=2 * 1024 * 1024, size=3 * 1024 * 1024) == [
        "file: the file is 3.0 MiB (3,145,728 bytes); the limit is 2.0 MiB (2,097,152 bytes)"
    ]


def test_the_type_is_judged_by_content_not_by_the_name() -> None:
    assert refusal("cv.pdf", EXE) == [
        "file: this type of file is not accepted (its name says a PDF document, but the content is not); "
        "accepted: a PDF document, a PNG image, a JPEG image, a GIF image, an MP4 video, a WebM video, "
        "a ZIP archive, plain text, Markdown text, CSV text"
    ]
    assert refusal("photo.pdf", PNG) == [
        "file: the content is a PNG image, but the name ends in .pdf: rename it .png or upload the right file"
    ]
    assert refusal("run.sh", b"#!/bin/sh\nrm -rf /\n")[0].startswith("file: .sh files (a shell script)")
    assert refusal("page.html", b"<script>alert(1)</script>")[0].startswith("file: .html files")
    assert refusal("empty.txt", b"") == ["file: the file is empty"]
    assert detect_type(b"text with a NUL \x00 byte") is None


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../x", "file.name: a file name cannot contain a path separator (/ or \\)"),
        ("a/b", "file.name: a file name cannot contain a path separator (/ or \\)"),
        ("/etc/passwd", "file.name: an absolute path is not a file name"),
        ("C:\\boot.ini", "file.name: an absolute path is not a file name"),
        ("..", "file.name: a file name cannot contain '..'"),
        ("evil\x00.pdf", "file.name: a file name cannot contain control characters (NUL, new lines ...)"),
        ("line\nbreak.pdf", "file.name: a file name cannot contain control characters (NUL, new lines ...)"),
        ("", "file.name: a file name is needed"),
    ],
)
def test_names_that_could_be_paths_are_refused(name: str, message: str) -> None:
    assert message in refusal(name, PDF)


def test_a_plain_name_has_no_problems() -> None:
    assert name_problems("Final report (v2).pdf") == []
    assert name_problems("résumé.pdf") == []


def test_each_kind_of_evidence_has_its_rules() -> None:
    link = EvidenceDraft(EvidenceKind.REPOSITORY, "Code", url="https://github.com/ada/notebook")
    assert check_evidence(link, has_file=False) == []
    assert [str(p) for p in check_evidence(link, has_file=True)] == [
        "file: a code repository is given by link, not as a file"
    ]
    bad_link = EvidenceDraft(EvidenceKind.PORTFOLIO, "Site", url="javascript:alert(1)")
    assert [p.location for p in check_evidence(bad_link, has_file=False)] == ["url"]
    signoff = EvidenceDraft(EvidenceKind.MENTOR_SIGNOFF, "Placement sign-off")
    assert {p.location for p in check_evidence(signoff, has_file=False)} == {"attested_by", "url"}
    signed = EvidenceDraft(EvidenceKind.MENTOR_SIGNOFF, "Placement sign-off", attested_by="J. Mentor, Acme")
    assert check_evidence(signed, has_file=True) == []
    assert [p.location for p in check_evidence(EvidenceDraft(EvidenceKind.FILE, ""), has_file=False)] == [
        "title",
        "file",
    ]
