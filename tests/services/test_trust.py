"""The registry of trusted issuers: add, update, list and remove, each audit-logged; bad input names
its field and changes nothing; the verification environment consults it. On both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from credstack.domain.errors import InvalidInput, NotFound
from credstack.domain.institution import Institution
from credstack.services.trust import distrust_issuer, trust_issuer, trusted_issuers
from credstack.services.unit_of_work import UnitOfWork
from credstack.services.verification import environment
from credstack.settings import Settings
from tests.conftest import snapshot

DID = "did:key:z6Mkf5rGMoatrSj1f4CyvuHBeXJELe9RPdzo2PKGNCKVtZxP"
SETTINGS = Settings(
    database_url="sqlite://unused", institution_slug="test", base_url="https://credstack.test"
)


def audit(uow: UnitOfWork) -> list[tuple[str, str, str]]:
    with uow:
        entries = uow.audit.entries(subject_type="trusted_issuer")
    return [(e["actor"], e["action"], e["subject_id"]) for e in reversed(entries)]


def test_trust_update_list_and_distrust_are_audited(uow: UnitOfWork, institution: Institution) -> None:
    added = trust_issuer(
        uow, institution=institution, issuer=f"  {DID} ", name=" Example University ", note="", actor="tester"
    )
    assert added.created is True
    assert (added.entry.issuer, added.entry.name, added.entry.note) == (DID, "Example University", None)
    assert added.entry.created_at.tzinfo is not None

    updated = trust_issuer(
        uow, institution=institution, issuer=DID, name="Example Univ.", note="MoU signed 2024", actor="tester"
    )
    assert updated.created is False
    assert (updated.entry.name, updated.entry.note) == ("Example Univ.", "MoU signed 2024")
    trust_issuer(uow, institution=institution, issuer="https://alpha.example/issuer", name="Alpha", actor="t")

    assert [(e.name, e.issuer) for e in trusted_issuers(uow, institution=institution)] == [
        ("Alpha", "https://alpha.example/issuer"),
        ("Example Univ.", DID),
    ]
    removed = distrust_issuer(uow, institution=institution, issuer=DID, actor="tester")
    assert removed.name == "Example Univ."
    assert [e.issuer for e in trusted_issuers(uow, institution=institution)] == [
        "https://alpha.example/issuer"
    ]

    assert audit(uow) == [
        ("tester", "trusted_issuer.added", DID),
        ("tester", "trusted_issuer.updated", DID),
        ("t", "trusted_issuer.added", "https://alpha.example/issuer"),
        ("tester", "trusted_issuer.removed", DID),
    ]
    with uow:
        detail = uow.audit.entries(subject_type="trusted_issuer")[2]["detail"]
    assert detail["before"] == {"name": "Example University", "note": None}


@pytest.mark.parametrize(
    ("issuer", "name", "note", "problems"),
    [
        ("", "Example", None, {"issuer": "is required"}),
        ("example.org", "Example", None, {"issuer": "'example.org' is neither a DID nor an https URL"}),
        ("http://example.org", "Example", None, {"issuer": "'http://example.org' is neither a DID nor an https URL"}),
        ("https://", "Example", None, {"issuer": "'https://' is neither a DID nor an https URL"}),
        ("did:web", "Example", None, {"issuer": "'did:web' is not a DID (did:method:identifier)"}),
        ("did:Web:example.org", "Example", None, {"issuer": "'did:Web:example.org' is not a DID (did:method:identifier)"}),
        ("did:web:example.org#key-1", "Example", None, {"issuer": "'did:web:example.org#key-1' is not a DID (did:method:identifier)"}),
        (DID, "  ", None, {"name": "is required"}),
        (DID, "x" * 201, None, {"name": "is longer than 200 characters"}),
        (DID, "Example", "n" * 1001, {"note": "is longer than 1000 characters"}),
        ("nope", "", None, {"issuer": "'nope' is neither a DID nor an https URL", "name": "is required"}),
    ],
)  # fmt: skip
def test_bad_input_names_the_field_and_changes_nothing(
    engine: Engine,
    uow: UnitOfWork,
    institution: Institution,
    issuer: str,
    name: str,
    note: str | None,
    problems: dict[str, str],
) -> None:
    trust_issuer(uow, institution=institution, issuer=DID, name="Before", actor="t")
    before = snapshot(engine)
    with pytest.raises(InvalidInput) as raised:
        trust_issuer(uow, institution=institution, issuer=issuer, name=name, note=note, actor="t")
    assert {p.location: p.message for p in raised.value.problems} == problems
    assert snapshot(engine) == before


@pytest.mark.parametrize(
    "issuer",
    [
        "did:web:credentials.example.edu",
        "did:web:example.com%3A8443:issuers:42",
        "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "https://example.edu/issuers/565049",
    ],
)
def test_dids_and_https_urls_are_issuers(uow: UnitOfWork, institution: Institution, issuer: str) -> None:
    assert trust_issuer(uow, institution=institution, issuer=issuer, name="X", actor="t").created


def test_distrusting_an_unknown_issuer_is_not_found(uow: UnitOfWork, institution: Institution) -> None:
    with pytest.raises(NotFound, match=r"trusted issuer 'did:web:nobody\.example' not found"):
        distrust_issuer(uow, institution=institution, issuer="did:web:nobody.example", actor="t")
    with pytest.raises(InvalidInput, match="issuer: is required"):
        distrust_issuer(uow, institution=institution, issuer=" ", actor="t")


def test_each_institution_has_its_own_registry(uow: UnitOfWork, institution: Institution) -> None:
    other = Institution(slug="other", name="Other College")
    trust_issuer(uow, institution=institution, issuer=DID, name="Example", actor="t")
    assert trusted_issuers(uow, institution=other) == []
    trust_issuer(uow, institution=other, issuer=DID, name="Example (theirs)", actor="t")
    assert [e.name for e in trusted_issuers(uow, institution=institution)] == ["Example"]
    assert [e.name for e in trusted_issuers(uow, institution=other)] == ["Example (theirs)"]


def test_verification_consults_the_registry(uow: UnitOfWork, institution: Institution) -> None:
    def trusted_as() -> str | None:
        env = environment(uow, settings=SETTINGS, institution=institution)
        return env.trusted(DID)

    assert trusted_as() is None
    trust_issuer(uow, institution=institution, issuer=DID, name="Example University", actor="t")
    assert trusted_as() == "Example University"
    with uow:
        found = uow.institutions.get(institution.slug)
        assert found is not None
        assert uow.trusted_issuers.name_of(found[0], DID) == "Example University"
        assert uow.trusted_issuers.name_of(found[0], "did:web:other.example") is None
    distrust_issuer(uow, institution=institution, issuer=DID, actor="t")
    assert trusted_as() is None
