"""The registrar's records on SQLite and PostgreSQL: a learner's transcript (entries, credits and
their equivalents, revoked awards shown but not counted, the degree credit of a stacked award),
its PDF and signed CLR 2.0 credential, and the student-records CSV filtered by period."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine

from credstack.credentials.verifier import verify_credential
from credstack.domain.errors import InvalidInput, NotFound
from credstack.domain.identity import Forbidden
from credstack.services import records_export
from credstack.services.institutions import institution_from_settings
from credstack.services.status import change_status
from credstack.services.transcript_pdf import transcript_pdf
from credstack.services.transcripts import require_transcript_access, transcript, transcript_clr
from credstack.services.unit_of_work import UnitOfWork
from credstack.services.verification import environment, schema_checker
from tests.pricing_builders import ADA, earn, seed_small, settings_for

D = Decimal


@pytest.fixture
def env(engine: Engine):
    settings = settings_for(engine)
    people = seed_small(engine, settings)
    ids = earn(engine, settings, "MC-DA-101", "MC-DA-102", "MC-DA-202", "MC-DA-201")
    uow = UnitOfWork(engine)
    institution = institution_from_settings(settings)
    change_status(uow, institution=institution, award=ids[3], action="revoke", reason="misconduct", actor="t")
    earn(engine, settings, "MC-DA-101", email="bob@example.org", name="Bob")
    return uow, institution, settings, people, ids


def test_the_transcript_lists_every_award_and_counts_only_those_in_force(env):
    uow, institution, settings, _, _ = env
    record = transcript(uow, institution=institution, settings=settings, learner_email=ADA)
    by_code = {e.achievement: e for e in record.entries}
    assert set(by_code) == {"MC-DA-101", "MC-DA-102", "MC-DA-201", "MC-DA-202", "CERT-DA"}
    assert by_code["MC-DA-201"].status == "revoked" and not by_code["MC-DA-201"].counts
    cert = by_code["CERT-DA"]
    assert cert.source == "stacked" and cert.pathway == "CERT-DA"
    assert set(cert.components) == {"MC-DA-101", "MC-DA-102", "MC-DA-202"}
    assert by_code["MC-DA-101"].part_of == ("CERT-DA",)
    counted = [e for e in record.earned]
    assert {e.achievement for e in counted} == {"MC-DA-101", "MC-DA-102", "MC-DA-202"}
    assert record.ects_total == sum((e.ects for e in counted), D(0)) and record.ects_total > 0
    assert record.degree_credit_ects == cert.ects > 0
    equivalents = dict(by_code["MC-DA-101"].equivalents)
    assert equivalents["ects"] == by_code["MC-DA-101"].ects
    assert equivalents["cats"] == by_code["MC-DA-101"].ects * 2  # a CATS credit is half an ECTS credit
    with pytest.raises(NotFound):
        transcript(uow, institution=institution, settings=settings, learner_email="nobody@example.org")


def test_only_registrars_or_the_learner_read_a_transcript(env):
    _, _, _, people, _ = env
    require_transcript_access(people["registrar"], ADA)
    require_transcript_access(people["learner"], ADA)
    with pytest.raises(Forbidden):
        require_transcript_access(people["learner"], "bob@example.org")
    with pytest.raises(Forbidden):
        require_transcript_access(people["employer"], ADA)


def test_the_pdf_shows_the_learner_entries_and_totals(env):
    uow, institution, settings, _, _ = env
    record = transcript(uow, institution=institution, settings=settings, learner_email=ADA)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(transcript_pdf(record))).pages)
    assert "Ada Lovelace" in text and "MC-DA-102" in text and "CERT-DA" in text
    assert "REVOKED (not counted)" in text
    assert "Degree credit granted by stacked awards" in text


def test_the_clr_transcript_is_signed_and_leaves_revoked_awards_out(env, shared):
    uow, institution, settings, _, ids = env
    record = transcript(uow, institution=institution, settings=settings, learner_email=ADA)
    clr = transcript_clr(uow, institution=institution, settings=settings, record=record)
    subject = clr["credentialSubject"]
    assert clr["type"] == ["VerifiableCredential", "ClrCredential"]
    embedded = {c["id"].rsplit("/", 1)[-1] for c in subject["verifiableCredential"]}
    assert ids[3] not in embedded and len(embedded) == 4  # three micro-credentials and the certificate
    assert {a["associationType"] for a in subject["association"]} == {"isParentOf", "isPartOf"}
    report = verify_credential(clr, environment(uow, settings=settings, institution=institution))
    assert report.verified, report.errors
    # each embedded credential passes the official OB 3.0 schema
    check = schema_checker(str(shared / "interop/schemas"))
    assert check is not None
    for credential in subject["verifiableCredential"]:
        assert check(credential, "ob3") == []
    # the only CLR 2.0 schema at hand is a VC 1.1-era draft-04 copy (PROVENANCE.md): the ClrCredential
    # meets it but for what VC 2.0 changed (issuanceDate became validFrom); the embedded credentials
    # are held to the current OB 3.0 schema above instead of its VC 1.1 copy
    from jsonschema import Draft4Validator

    legacy = json.loads(
        (shared / "interop/schemas/LEGACY-draft4-clr_v2p0_clrcredential_schema.json").read_text()
    )
    errors = [
        (list(e.absolute_path), e.message)
        for e in Draft4Validator(legacy).iter_errors(clr)
        if list(e.absolute_path)[:2] != ["credentialSubject", "verifiableCredential"]
    ]
    assert errors == [([], "'issuanceDate' is a required property")]


def test_the_records_export_has_one_row_per_award_and_filters_by_period(env):
    uow, institution, settings, people, _ = env
    text = records_export.export_for(
        uow, institution=institution, settings=settings, principal=people["registrar"]
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(records_export.COLUMNS)
    assert len(rows) == 6  # five of Ada's (one revoked), one of Bob's
    cert = next(r for r in rows if r["achievement_id"] == "CERT-DA")
    assert cert["completed_stack"] == "CERT-DA" and cert["kind"] == "certificate"
    revoked = next(r for r in rows if r["achievement_id"] == "MC-DA-201")
    assert revoked["status"] == "revoked" and revoked["stacked_into"] == ""
    first = next(r for r in rows if r["achievement_id"] == "MC-DA-101" and r["learner_email"] == ADA)
    assert first["stacked_into"] == "CERT-DA" and first["credential_url"].endswith(first["credential_id"])
    today = date.today()
    none = records_export.export_rows(uow, institution=institution, settings=settings,
                                      period=records_export.Period(since=date(today.year + 1, 1, 1)))  # fmt: skip
    assert none == []
    with pytest.raises(InvalidInput) as e:
        records_export.Period.parse("2026-13-01", "2020-01-01")
    assert [p.location for p in e.value.problems] == ["since"]
    with pytest.raises(InvalidInput, match="ends before"):
        records_export.Period.parse("2026-02-01", "2026-01-01")
    with pytest.raises(Forbidden):
        records_export.export_for(
            uow, institution=institution, settings=settings, principal=people["learner"]
        )
