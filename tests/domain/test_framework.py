from credstack.domain.framework import (
    Association,
    Competency,
    CompetencyFramework,
    NodeRef,
    is_valid_association_type,
)


def child(ident: str, parent: str, seq: int | None = None) -> Association:
    return Association(f"a-{ident}", "isChildOf", NodeRef(ident), NodeRef(parent), sequence=seq)


def framework(*assocs: Association, items: tuple[str, ...] = ("a", "b", "c", "d")) -> CompetencyFramework:
    return CompetencyFramework(
        identifier="doc",
        title="F",
        uri="https://x.example/doc",
        competencies=[
            Competency(i, f"statement {i}", code=i.upper(), uri=f"https://x.example/{i}") for i in items
        ],
        associations=list(assocs),
    )


def test_depth_counts_hops_to_the_document():
    fw = framework(child("a", "doc"), child("b", "a"), child("c", "b"), child("d", "doc"))
    assert fw.hierarchy().depths() == {"a": 1, "d": 1, "b": 2, "c": 3}
    assert fw.validate() == []


def test_siblings_follow_sequence_numbers():
    fw = framework(child("a", "doc"), child("b", "a", 3), child("c", "a", 1), child("d", "a", 2))
    assert fw.hierarchy().children["a"] == ["c", "d", "b"]
    assert [n for n, _ in fw.hierarchy().walk()] == ["a", "c", "d", "b"]


def test_references_resolve_by_uri_when_identifiers_differ():
    fw = framework(child("a", "doc"))
    assert fw.resolve(NodeRef("zzz", uri="https://x.example/b")) == "b"
    assert fw.resolve(NodeRef("https://x.example/c")) == "c"
    assert fw.resolve(NodeRef("other", uri="https://x.example/doc")) == "doc"
    assert fw.resolve(NodeRef("elsewhere", uri="https://other.example/1")) is None


def test_parent_outside_the_package_makes_a_root():
    fw = framework(child("a", "external-parent"), child("b", "a"))
    assert fw.hierarchy().depths()["a"] == 1
    assert fw.validate() == []


def test_duplicate_identifier_is_named():
    fw = framework(items=("a", "b", "a"))
    problems = fw.validate()
    assert any("duplicate identifier 'a'" in p.message and p.location == "CFItems[2]" for p in problems)


def test_child_that_is_not_in_the_package_is_an_error():
    problems = framework(child("ghost", "doc")).validate()
    assert len(problems) == 1
    assert "isChildOf origin 'ghost'" in problems[0].message


def test_cycle_is_an_error():
    problems = framework(child("a", "b"), child("b", "a")).validate()
    assert problems and "cycle" in problems[0].message


def test_association_types():
    assert is_valid_association_type("exactMatchOf")
    assert is_valid_association_type("ext:hasAssessment")
    assert not is_valid_association_type("isFriendOf")
    fw = framework(Association("x", "isFriendOf", NodeRef("a"), NodeRef("b")))
    assert any("unknown associationType" in p.message for p in fw.validate())
