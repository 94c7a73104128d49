"""The printable certificate: one A4 landscape page whose text can be read back and whose QR code
decodes to the verification URL."""

from __future__ import annotations

import io
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from credstack.credentials.baking import render_badge_png
from credstack.credentials.certificate_pdf import CertificateError, certificate_pdf

URL = "https://credentials.northfield.edu/verify/8f14e45f-ceea-467f-a0e6-1b2c3d4e5f60"
DETAILS = [("Credits", "5 ECTS"), ("EQF level", "6"), ("Result", "Pass with distinction (86%)")]


def a_certificate(**changes: object) -> bytes:
    arguments: dict[str, object] = {
        "learner_name": "Zoë Ødegård-Łukasiewicz",
        "achievement_name": "Applied Data Analysis with Python",
        "institution_name": "Northfield University",
        "issued_on": date(2026, 3, 12),
        "credential_url": URL,
        "details": DETAILS,
        "badge_png": render_badge_png("Applied Data Analysis", "Northfield University", "#1f6feb"),
    }
    arguments.update(changes)
    return certificate_pdf(**arguments)


def page_text(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_one_a4_landscape_page():
    reader = PdfReader(io.BytesIO(a_certificate()))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    assert reader.metadata is not None
    assert reader.metadata.title == "Applied Data Analysis with Python — Zoë Ødegård-Łukasiewicz"


def test_the_names_date_and_details_are_text():
    text = page_text(a_certificate())
    for expected in [
        "Zoë Ødegård-Łukasiewicz",
        "Applied Data Analysis with Python",
        "Northfield University",
        "Certificate of Achievement",
        "12 March 2026",
        "5 ECTS",
        "EQF LEVEL",
        "Pass with distinction",
        URL,
    ]:
        assert expected in text, expected


def test_the_qr_code_decodes_to_the_verification_url():
    pdfium = pytest.importorskip("pypdfium2")
    zxingcpp = pytest.importorskip("zxingcpp")
    document = pdfium.PdfDocument(a_certificate())
    image = document[0].render(scale=3).to_pil()
    found = [
        barcode.text
        for barcode in zxingcpp.read_barcodes(image)
        if barcode.format == zxingcpp.BarcodeFormat.QRCode
    ]
    assert found == [URL]


def test_the_qr_code_is_also_a_link():
    page = PdfReader(io.BytesIO(a_certificate())).pages[0]
    links = [a.get_object()["/A"]["/URI"] for a in page["/Annots"]]
    assert links == [URL]


def test_the_badge_is_on_the_page_and_can_be_left_out():
    with_badge = PdfReader(io.BytesIO(a_certificate())).pages[0]
    assert len(with_badge.images) == 1
    without = PdfReader(io.BytesIO(a_certificate(badge_png=None))).pages[0]
    assert len(without.images) == 0
    assert "Zoë Ødegård-Łukasiewicz" in without.extract_text()


def test_long_texts_and_many_details_still_make_one_page():
    pdf = a_certificate(
        learner_name="Maximiliana Alexandra Constance Featherstonehaugh-Wolfeschlegelsteinhausen " * 2,
        achievement_name="An Extraordinarily Long Achievement Name " * 6,
        details=[(f"Label {i}", "a long value that wraps " * 3) for i in range(12)],
        credential_url=URL + "?" + "x" * 300,
    )
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert "…" in reader.pages[0].extract_text()


def test_the_same_input_gives_the_same_bytes():
    assert a_certificate() == a_certificate()


@pytest.mark.parametrize(
    "changes",
    [
        {"learner_name": "  "},
        {"achievement_name": ""},
        {"institution_name": ""},
        {"credential_url": "javascript:alert(1)"},
        {"credential_url": "credentials.example.edu/1"},
    ],
)
def test_a_certificate_needs_names_and_an_http_url(changes):
    with pytest.raises(CertificateError):
        a_certificate(**changes)


@settings(max_examples=15, deadline=None)
@given(st.text(min_size=1, max_size=80).filter(str.strip))
def test_any_learner_name_makes_a_readable_pdf(name):
    pdf = a_certificate(learner_name=name, badge_png=None, details=[])
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
