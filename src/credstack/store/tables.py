"""The tables. Persistence adapts to the domain: repositories turn these rows into domain objects."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Json = JSON().with_variant(JSONB(), "postgresql")


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on both databases (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: credstack stores aware UTC times only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Money = Numeric(12, 2)
CreditAmount = Numeric(8, 2)


def _created() -> Column[object]:
    return Column("created_at", UtcDateTime(), nullable=False, server_default=func.now())


institutions = Table(
    "institutions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(80), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("url", Text),
    Column("ects_per_credit_hour", Numeric(6, 3), nullable=False),
    Column("currency", String(3), nullable=False),
    _created(),
)

frameworks = Table(
    "frameworks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE"), nullable=False),
    Column("identifier", Text, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("creator", Text),
    Column("uri", Text),
    Column("version", Text),
    Column("language", Text),
    Column("description", Text),
    Column("adoption_status", Text),
    Column("content_hash", String(64), nullable=False),
    Column("source_format", String(20), nullable=False),
    Column("extra", Json, nullable=False),
    _created(),
    UniqueConstraint("institution_id", "identifier", "revision", name="uq_frameworks_revision"),
)

competencies = Table(
    "competencies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("framework_id", ForeignKey("frameworks.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("identifier", Text, nullable=False),
    Column("code", Text),
    Column("statement", Text, nullable=False),
    Column("abbreviated", Text),
    Column("item_type", Text),
    Column("education_levels", Json, nullable=False),
    Column("language", Text),
    Column("uri", Text),
    Column("notes", Text),
    Column("keywords", Json, nullable=False),
    Column("depth", Integer, nullable=False),
    Column("parent_identifier", Text),
    Column("extra", Json, nullable=False),
    UniqueConstraint("framework_id", "identifier", name="uq_competencies_identifier"),
    Index("ix_competencies_code", "framework_id", "code"),
)

competency_associations = Table(
    "competency_associations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("framework_id", ForeignKey("frameworks.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("identifier", Text, nullable=False),
    Column("type", String(80), nullable=False),
    Column("origin_identifier", Text, nullable=False),
    Column("origin_uri", Text),
    Column("origin_title", Text),
    Column("destination_identifier", Text, nullable=False),
    Column("destination_uri", Text),
    Column("destination_title", Text),
    Column("external", Boolean, nullable=False),
    Column("sequence", Integer),
    Column("grouping", Text),
    Column("extra", Json, nullable=False),
    UniqueConstraint("framework_id", "identifier", name="uq_competency_associations_identifier"),
)

achievements = Table(
    "achievements",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE"), nullable=False),
    Column("code", String(80), nullable=False),
    Column("name", Text, nullable=False),
    Column("kind", String(30), nullable=False),
    Column("description", Text, nullable=False),
    Column("criteria", Text, nullable=False),
    Column("level", Integer),
    Column("credit_amount", CreditAmount),
    Column("credit_unit", String(20)),
    Column("validity_months", Integer),
    Column("price_amount", Money),
    Column("price_currency", String(3)),
    Column("state", String(20), nullable=False),
    Column("next_review", Date),
    Column("tags", Json, nullable=False),
    Column("expected_hours", Integer),
    Column("employer_partners", Json, nullable=False),
    _created(),
    UniqueConstraint("institution_id", "code", name="uq_achievements_code"),
)

achievement_alignments = Table(
    "achievement_alignments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("achievement_id", ForeignKey("achievements.id", ondelete="CASCADE"), nullable=False),
    Column("competency_id", ForeignKey("competencies.id", ondelete="RESTRICT"), nullable=False),
    Column("level_reached", Integer, nullable=False),
    UniqueConstraint("achievement_id", "competency_id", name="uq_achievement_alignments_pair"),
    Index("ix_achievement_alignments_competency", "competency_id"),
)

rubrics = Table(
    "rubrics",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE"), nullable=False),
    Column("framework_id", ForeignKey("frameworks.id", ondelete="CASCADE")),
    Column("achievement_id", ForeignKey("achievements.id", ondelete="CASCADE"), unique=True),
    Column("identifier", Text),
    Column("title", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("pass_rule", Json, nullable=False),
    Column("extra", Json, nullable=False),
)

rubric_criteria = Table(
    "rubric_criteria",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rubric_id", ForeignKey("rubrics.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("code", Text, nullable=False),
    Column("identifier", Text),
    Column("title", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("weight", Numeric(6, 3), nullable=False),
    Column("competencies", Json, nullable=False),
    Column("levels", Json, nullable=False),
    Column("extra", Json, nullable=False),
)

learners = Table(
    "learners",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE"), nullable=False),
    Column("email", String(320), nullable=False),
    Column("name", Text, nullable=False),
    Column("external_id", Text),
    _created(),
    UniqueConstraint("institution_id", "email", name="uq_learners_email"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UtcDateTime(), nullable=False, server_default=func.now()),
    Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE")),
    Column("actor", Text, nullable=False),
    Column("action", String(80), nullable=False),
    Column("subject_type", String(40), nullable=False),
    Column("subject_id", Text, nullable=False),
    Column("detail", Json, nullable=False),
    # the hash chain (domain/audit_chain.py, docs/audit-log.md): one chain for the whole database
    Column("before", Json),
    Column("after", Json),
    Column("seq", BigInteger, nullable=False, unique=True),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

signing_keys = Table(
    "signing_keys",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE"), nullable=False),
    Column("did", Text, nullable=False),
    Column("verification_method", Text, nullable=False, unique=True),
    Column("public_key_multibase", Text, nullable=False),
    Column("private_key_ciphertext", LargeBinary, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("retired_at", UtcDateTime()),
    Column("compromised_at", UtcDateTime()),
    Column("compromise_reason", Text),
)

status_lists = Table(
    "status_lists",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE"), nullable=False),
    Column("purpose", String(20), nullable=False),
    Column("number", Integer, nullable=False),
    Column("issuer_did", Text, nullable=False),
    Column("size", Integer, nullable=False),
    Column("bits", LargeBinary, nullable=False),
    Column("next_index", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    UniqueConstraint("institution_id", "purpose", "number", name="uq_status_lists_number"),
)

awards = Table(
    "awards",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("public_id", String(36), nullable=False, unique=True),
    Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE"), nullable=False),
    Column("achievement_id", ForeignKey("achievements.id", ondelete="RESTRICT"), nullable=False),
    Column("learner_id", ForeignKey("learners.id", ondelete="RESTRICT"), nullable=False),
    Column("idempotency_key", String(128), nullable=False),
    Column("issued_at", UtcDateTime(), nullable=False),
    Column("valid_from", UtcDateTime(), nullable=False),
    Column("valid_until", UtcDateTime()),
    Column("key_id", ForeignKey("signing_keys.id", ondelete="RESTRICT"), nullable=False),
    Column("status", String(20), nullable=False),
    Column("status_reason", Text),
    Column("status_list_number", Integer, nullable=False),
    Column("status_index", Integer, nullable=False),
    Column("results", Json, nullable=False),
    Column("evidence", Json, nullable=False),
    Column("credential", Json, nullable=False),
    Column("clr", Json),  # for a stacked award: the signed ClrCredential
    Column("components", Json),  # for a stacked award: the public ids of the awards it rests on
    UniqueConstraint("institution_id", "idempotency_key", name="uq_awards_idempotency_key"),
    UniqueConstraint("institution_id", "status_list_number", "status_index", name="uq_awards_status_slot"),
    Index("ix_awards_learner", "learner_id"),
    Index("ix_awards_achievement", "achievement_id"),
)

trusted_issuers = Table(
    "trusted_issuers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE"), nullable=False),
    Column("issuer", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("note", Text),
    _created(),
    UniqueConstraint("institution_id", "issuer", name="uq_trusted_issuers_issuer"),
)

pathways = Table(
    "pathways",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE"), nullable=False),
    Column("code", String(80), nullable=False),
    Column("version", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("awards_code", String(80), nullable=False),
    Column("definition", Json, nullable=False),
    _created(),
    # governance (docs/governance.md): each version's lifecycle state and periodic review date
    Column("state", String(20), nullable=False, server_default="draft"),
    Column("next_review", Date),
    UniqueConstraint("institution_id", "code", "version", name="uq_pathways_version"),
)

pathway_exceptions = Table(
    "pathway_exceptions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE"), nullable=False),
    Column("learner_id", ForeignKey("learners.id", ondelete="CASCADE"), nullable=False),
    Column("pathway_code", String(80), nullable=False),
    Column("node_id", Text, nullable=False),
    Column("kind", String(20), nullable=False),  # waiver | substitution
    Column("award_public_id", String(36)),
    Column("decided_by", Text, nullable=False),
    Column("reason", Text, nullable=False),
    _created(),
    Index("ix_pathway_exceptions_learner", "learner_id", "pathway_code"),
)

credit_units = Table(
    "credit_units",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE"), nullable=False),
    Column("code", String(40), nullable=False),  # e.g. ects, credit-hours, cats, us-semester
    Column("name", Text, nullable=False),
    Column("ects_per_unit", Numeric(10, 4), nullable=False),
    _created(),
    UniqueConstraint("institution_id", "code", name="uq_credit_units_code"),
)

articulation_agreements = Table(
    "articulation_agreements",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE"), nullable=False),
    Column("code", String(80), nullable=False),
    Column("partner", Text, nullable=False),
    Column("issuer", Text, nullable=False),  # the external issuer's id (DID or URL)
    Column("external_achievement", Text),  # its achievement id; none: any of its achievements
    Column("external_name", Text),  # or matched by achievement name, when ids are not stable
    Column("min_result", Numeric(8, 3)),
    Column("earned_from", Date),  # the external credential must be earned in this period
    Column("earned_until", Date),
    Column("grants_achievement", String(80)),  # counts as this achievement of ours ...
    Column("grants_credits", Numeric(8, 2)),  # ... or as this many credits ...
    Column("credit_unit", String(40)),  # ... in this unit (converted through credit_units)
    Column("pathway_code", String(80)),  # ... toward this pathway only (none: any)
    Column("tags", Json, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("note", Text),
    Column("retired_at", UtcDateTime()),
    _created(),
    UniqueConstraint("institution_id", "code", name="uq_articulation_agreements_code"),
)

transfer_credits = Table(
    "transfer_credits",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("public_id", String(36), nullable=False, unique=True),
    Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE"), nullable=False),
    Column("learner_id", ForeignKey("learners.id", ondelete="CASCADE"), nullable=False),
    Column("agreement_id", ForeignKey("articulation_agreements.id", ondelete="RESTRICT"), nullable=False),
    Column("digest", String(64), nullable=False),  # SHA-256 of the credential as uploaded
    Column("issuer", Text, nullable=False),
    Column("external_achievement", Text, nullable=False),
    Column("external_name", Text, nullable=False),
    Column("result", Numeric(8, 3)),
    Column("earned", Date),
    Column("expires", Date),
    Column("achievement_code", String(80)),
    Column("credits_ects", Numeric(8, 2), nullable=False),
    Column("pathway_code", String(80)),
    Column("status", String(20), nullable=False),  # accepted | withdrawn
    Column("verification", Json, nullable=False),
    Column("credential", Json, nullable=False),
    Column("decided_by", Text, nullable=False),
    _created(),
    UniqueConstraint("learner_id", "digest", "agreement_id", name="uq_transfer_credits_claim"),
    Index("ix_transfer_credits_learner", "learner_id"),
)

courses = Table(
    "courses",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE"), nullable=False),
    Column("code", String(80), nullable=False),
    Column("title", Text, nullable=False),
    Column("credits", Numeric(8, 2)),
    Column("level", Integer),
    Column("competencies", Json, nullable=False),  # [{"competency": id or code, "level": int}]
    Column("source", Text, nullable=False),
    _created(),
    UniqueConstraint("institution_id", "code", name="uq_courses_code"),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("password_hash", Text),  # argon2id; none until the user sets a password
    Column("disabled_at", UtcDateTime()),
    _created(),
)

memberships = Table(
    "memberships",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE"), nullable=False),
    Column("role", String(40), nullable=False),
    _created(),
    UniqueConstraint("user_id", "institution_id", "role", name="uq_memberships_role"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE"), nullable=False),
    Column("name", Text, nullable=False),
    Column("prefix", String(16), nullable=False),  # shown in lists, to tell tokens apart
    Column("token_hash", String(64), nullable=False, unique=True),  # SHA-256 of the secret
    Column("scopes", Json, nullable=False),
    Column("expires_at", UtcDateTime()),
    Column("revoked_at", UtcDateTime()),
    Column("last_used_at", UtcDateTime()),
    _created(),
)

# ---- governance of definitions (docs/governance.md): achievements with their rubric, pathway
# versions. The subject is (subject_type, subject_code, version); achievements are version 1.


def _governed(name: str, *columns: Column[object]) -> Table:
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True),
        Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE"), nullable=False),
        Column("subject_type", String(20), nullable=False),  # achievement | pathway
        Column("subject_code", String(80), nullable=False),
        Column("version", Integer, nullable=False),
        *columns,
        Column("at", UtcDateTime(), nullable=False, server_default=func.now()),
        Index(f"ix_{name}_subject", "institution_id", "subject_type", "subject_code", "version"),
    )


governance_reviews = _governed(  # every state change of a version, with who and when
    "governance_reviews",
    Column("round", Integer, nullable=False),  # the submission it belongs to
    Column("from_state", String(20)),  # none: the version was created
    Column("to_state", String(20), nullable=False),
    Column("actor", Text, nullable=False),
    Column("actor_id", Integer),  # the user (no foreign key: users are never deleted)
    Column("note", Text, nullable=False),
)

governance_approvals = _governed(  # the board's decisions, per review round
    "governance_approvals",
    Column("round", Integer, nullable=False),
    Column("reviewer", Text, nullable=False),
    Column("reviewer_id", Integer, nullable=False),
    Column("decision", String(20), nullable=False),  # approve | request-changes
    Column("comment", Text, nullable=False),
)

governance_comments = _governed(  # discussion, kept with the version it is about
    "governance_comments",
    Column("author", Text, nullable=False),
    Column("author_id", Integer),
    Column("text", Text, nullable=False),
)

# ---- assessment: submissions with evidence, marking, moderation (docs/assessment.md) ----

submissions = Table(
    "submissions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("public_id", String(36), nullable=False, unique=True),
    Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE"), nullable=False),
    Column("learner_id", ForeignKey("learners.id", ondelete="CASCADE"), nullable=False),
    Column("achievement_id", ForeignKey("achievements.id", ondelete="RESTRICT"), nullable=False),
    Column("cohort", String(80), nullable=False),
    Column("site", String(80), nullable=False),
    Column("status", String(20), nullable=False),  # draft | submitted | in-marking | in-moderation | decided
    Column("sample_reason", String(20)),  # why it was second-marked (fail, borderline, minimum ...)
    _created(),
    Column("submitted_at", UtcDateTime()),
    Column("marking_at", UtcDateTime()),
    Column("moderation_at", UtcDateTime()),
    Column("decided_at", UtcDateTime()),
    Index("ix_submissions_learner", "learner_id"),
    Index("ix_submissions_group", "institution_id", "achievement_id", "cohort"),
)

evidence = Table(
    "evidence",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("submission_id", ForeignKey("submissions.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("title", Text, nullable=False),
    Column("url", Text),
    Column("note", Text),
    Column("attested_by", Text),
    Column("sha256", String(64)),  # an uploaded file: stored under this name, never the user's
    Column("size", BigInteger),
    Column("media_type", String(100)),
    Column("filename", Text),  # the checked original name, shown only as a label
    _created(),
    Index("ix_evidence_submission", "submission_id"),
)

assignments = Table(
    "assignments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("submission_id", ForeignKey("submissions.id", ondelete="CASCADE"), nullable=False),
    Column("assessor_id", ForeignKey("users.id", ondelete="RESTRICT"), nullable=False),
    Column("role", String(10), nullable=False),  # first | second | third
    Column("blind", Boolean, nullable=False),  # true: the earlier marks are hidden from this marker
    Column("assigned_by", Text, nullable=False),
    Column("assigned_at", UtcDateTime(), nullable=False),
    Column("completed_at", UtcDateTime()),
    UniqueConstraint("submission_id", "role", name="uq_assignments_role"),
    Index("ix_assignments_assessor", "assessor_id"),
)

marks = Table(
    "marks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("assignment_id", ForeignKey("assignments.id", ondelete="CASCADE"), nullable=False),
    Column("criterion", String(80), nullable=False),
    Column("level", String(80), nullable=False),  # the performance level's name
    Column("level_index", Integer, nullable=False),  # its rank in the criterion, 0 = lowest
    Column("comment", Text, nullable=False),
    Column("marked_at", UtcDateTime(), nullable=False),
    UniqueConstraint("assignment_id", "criterion", name="uq_marks_criterion"),
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("submission_id", ForeignKey("submissions.id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("passed", Boolean, nullable=False),
    Column("how", String(20), nullable=False),  # single | agreed | reconciled
    Column("result", Json, nullable=False),  # criterion code -> level name
    Column("detail", Json, nullable=False),  # score, shortfalls, what the markers disagreed on
    Column("decided_by", Text, nullable=False),
    Column("decided_at", UtcDateTime(), nullable=False),
    Column("award_public_id", String(36)),  # the award a pass issued
)

moderation_policies = Table(
    "moderation_policies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE"), nullable=False),
    Column("achievement_id", ForeignKey("achievements.id", ondelete="CASCADE")),  # none: the default
    Column("share", Numeric(5, 4), nullable=False),
    Column("minimum", Integer, nullable=False),
    Column("include_fails", Boolean, nullable=False),
    Column("borderline", String(20), nullable=False),  # one-level | none (domain/sampling.py)
    Column("seed", String(64), nullable=False),
    Column("updated_by", Text, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    UniqueConstraint("institution_id", "achievement_id", name="uq_moderation_policies_achievement"),
)

# ---- partners: employers and other organisations; co-design, projects, mentorships
# (docs/partners-and-blueprints.md); and each achievement's assessment method (its blueprint)

partners = Table(
    "partners",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE"), nullable=False),
    Column("slug", String(80), nullable=False),
    Column("name", Text, nullable=False),
    Column("kind", String(30), nullable=False),  # employer | professional-body | community
    Column("website", Text),
    Column("contact_name", Text),
    Column("contact_email", String(320)),
    Column("description", Text, nullable=False),
    Column("created_by", Text, nullable=False),
    _created(),
    UniqueConstraint("institution_id", "slug", name="uq_partners_slug"),
)

co_designs = Table(
    "co_designs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("partner_id", ForeignKey("partners.id", ondelete="CASCADE"), nullable=False),
    Column("achievement_id", ForeignKey("achievements.id", ondelete="CASCADE"), nullable=False),
    Column("contribution", Text, nullable=False),
    Column("since", Date, nullable=False),
    Column("until", Date),
    _created(),
    UniqueConstraint("partner_id", "achievement_id", "since", name="uq_co_designs_period"),
    Index("ix_co_designs_achievement", "achievement_id"),
)

partner_projects = Table(
    "partner_projects",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("partner_id", ForeignKey("partners.id", ondelete="CASCADE"), nullable=False),
    Column("achievement_id", ForeignKey("achievements.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(30), nullable=False),  # micro-internship | employer-project
    Column("title", Text, nullable=False),
    Column("brief", Text, nullable=False),
    Column("places", Integer, nullable=False),
    Column("opens", Date, nullable=False),
    Column("closes", Date, nullable=False),
    Column("status", String(20), nullable=False),  # draft | open | closed | cancelled
    _created(),
    Index("ix_partner_projects_partner", "partner_id"),
    Index("ix_partner_projects_achievement", "achievement_id"),
)

mentorships = Table(
    "mentorships",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("public_id", String(36), nullable=False, unique=True),
    Column("partner_id", ForeignKey("partners.id", ondelete="RESTRICT"), nullable=False),
    Column("learner_id", ForeignKey("learners.id", ondelete="CASCADE"), nullable=False),
    Column("achievement_id", ForeignKey("achievements.id", ondelete="SET NULL")),
    Column("mentor_name", Text, nullable=False),
    Column("mentor_email", String(320), nullable=False),  # a user with the employer role, or not
    Column("goal", Text, nullable=False),
    Column("starts", Date, nullable=False),
    Column("ends", Date, nullable=False),
    Column("hours", Integer, nullable=False),
    Column("sign_off_key_hash", String(64), nullable=False),  # SHA-256 of the mentor's sign-off link
    Column("signed_at", UtcDateTime()),
    Column("signed_by", Text),
    Column("statement", Text),
    Column("outcome", String(20)),  # met | partly-met | not-met
    Column("created_by", Text, nullable=False),
    _created(),
    Index("ix_mentorships_partner", "partner_id"),
    Index("ix_mentorships_learner", "learner_id"),
    Index("ix_mentorships_mentor", "mentor_email"),
)

assessment_methods = Table(
    "assessment_methods",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("achievement_id", ForeignKey("achievements.id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("narrative", Text, nullable=False),
    Column("tasks", Json, nullable=False),  # [{"title": ..., "description": ...}]
    Column("conditions", Text, nullable=False),
    Column("duration", Text, nullable=False),
    Column("assessors", Json, nullable=False),  # ["faculty", "employer", "third-party"]
    Column("updated_by", Text, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# ---- sign-in (docs: README "Signing in"): failed password attempts, kept a day, to rate-limit
# guessing per email and client address

signin_failures = Table(
    "signin_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(320), nullable=False),
    Column("client", String(64), nullable=False),  # the client's address as the app saw it
    Column("failed_at", UtcDateTime(), nullable=False),
    Index("ix_signin_failures_email_client", "email", "client", "failed_at"),
    Index("ix_signin_failures_client", "client", "failed_at"),
)

# ---- outcomes (docs/outcomes.md): who is on which pathway since when and in which cohort, site
# and sponsored cohort; employer-sponsored cohorts with the return-on-investment inputs the
# employer supplies; hires of credential holders and the employer's ratings of them; demographic
# groups learners consented to give; traditional-degree comparison cohorts; case portfolios; and
# verifications, which count towards employer engagement

sponsored_cohorts = Table(
    "sponsored_cohorts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE"), nullable=False),
    Column("partner_id", ForeignKey("partners.id", ondelete="RESTRICT"), nullable=False),
    Column("code", String(80), nullable=False),
    Column("name", Text, nullable=False),
    Column("pathway_code", String(80), nullable=False),
    Column("seats", Integer, nullable=False),
    Column("seat_price", Money, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("starts", Date, nullable=False),
    # what the employer supplies for its return on investment (domain/analytics/roi.py); null
    # until supplied
    Column("productivity_gain", Money),  # yearly value of one completer's productivity gain
    Column("retention_rate", Numeric(5, 4)),
    Column("baseline_retention_rate", Numeric(5, 4)),
    Column("replacement_cost", Money),
    Column("programme_cost", Money),  # everything the cohort cost the employer
    Column("roi_years", Numeric(4, 2)),
    Column("created_by", Text, nullable=False),
    _created(),
    UniqueConstraint("institution_id", "code", name="uq_sponsored_cohorts_code"),
    Index("ix_sponsored_cohorts_partner", "partner_id"),
)

enrolments = Table(
    "enrolments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE"), nullable=False),
    Column("learner_id", ForeignKey("learners.id", ondelete="CASCADE"), nullable=False),
    Column("pathway_code", String(80), nullable=False),
    Column("started", Date, nullable=False),
    Column("cohort", String(80), nullable=False, server_default=""),
    Column("site", String(80), nullable=False, server_default=""),
    Column("sponsored_cohort_id", ForeignKey("sponsored_cohorts.id", ondelete="SET NULL")),
    Column("withdrawn", Date),
    _created(),
    UniqueConstraint("learner_id", "pathway_code", name="uq_enrolments_learner_pathway"),
    Index("ix_enrolments_pathway_started", "institution_id", "pathway_code", "started"),
    Index("ix_enrolments_sponsored_cohort", "sponsored_cohort_id"),
)

hires = Table(
    "hires",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE"), nullable=False),
    Column("learner_id", ForeignKey("learners.id", ondelete="CASCADE"), nullable=False),
    Column("partner_id", ForeignKey("partners.id", ondelete="SET NULL")),
    Column("employer_name", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("hired", Date, nullable=False),
    Column("left", Date),  # the day the hire ended; null while still employed (retention)
    Column("award_public_id", String(36)),  # the credential the hire rests on, when known
    Column("created_by", Text, nullable=False),
    _created(),
    Index("ix_hires_learner", "learner_id"),
    Index("ix_hires_hired", "institution_id", "hired"),
    Index("ix_hires_partner", "partner_id"),
)

hire_ratings = Table(
    "hire_ratings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("hire_id", ForeignKey("hires.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(20), nullable=False),  # satisfaction | performance
    Column("months", Integer),  # performance: months after the hire (e.g. 3, 6, 12)
    Column("score", Numeric(5, 2), nullable=False),
    Column("scale_max", Integer, nullable=False),  # the survey's top score, e.g. 5
    Column("rated_on", Date, nullable=False),
    Column("rated_by", Text, nullable=False),
    _created(),
    Index("ix_hire_ratings_hire", "hire_id"),
)

# Only values a learner consented to give are stored; withdrawing consent deletes the row.
demographics = Table(
    "demographics",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("learner_id", ForeignKey("learners.id", ondelete="CASCADE"), nullable=False),
    Column("attribute", String(40), nullable=False),  # e.g. gender, age-band, first-generation
    Column("group_label", String(80), nullable=False),
    Column("consented_at", UtcDateTime(), nullable=False),
    Column("source", String(40), nullable=False),  # form | import
    UniqueConstraint("learner_id", "attribute", name="uq_demographics_learner_attribute"),
    Index("ix_demographics_attribute", "attribute", "group_label"),
)

comparison_cohorts = Table(
    "comparison_cohorts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE"), nullable=False),
    Column("code", String(80), nullable=False),
    Column("name", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("imported_by", Text, nullable=False),
    _created(),
    UniqueConstraint("institution_id", "code", name="uq_comparison_cohorts_code"),
)

comparison_records = Table(
    "comparison_records",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("cohort_id", ForeignKey("comparison_cohorts.id", ondelete="CASCADE"), nullable=False),
    Column("ref", String(80), nullable=False),  # the source system's anonymous id
    Column("started", Date, nullable=False),
    Column("completed", Date),
    Column("withdrawn", Date),
    Column("groups", Json, nullable=False),  # {attribute: group}, consented values only
    UniqueConstraint("cohort_id", "ref", name="uq_comparison_records_ref"),
)

case_studies = Table(
    "case_studies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE"), nullable=False),
    Column("achievement_id", ForeignKey("achievements.id", ondelete="CASCADE"), nullable=False),
    Column("learner_id", ForeignKey("learners.id", ondelete="CASCADE"), nullable=False),
    Column("partner_id", ForeignKey("partners.id", ondelete="SET NULL")),
    Column("title", Text, nullable=False),
    Column("task", Text, nullable=False),  # the workplace task the holder completed
    Column("outcome", Text, nullable=False),
    Column("evidence_url", Text),
    Column("consented_at", UtcDateTime()),  # the holder's consent to publish; null: not shown
    Column("consent_withdrawn_at", UtcDateTime()),
    Column("created_by", Text, nullable=False),
    _created(),
    Index("ix_case_studies_achievement", "achievement_id"),
)

verification_events = Table(
    "verification_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE"), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Column("channel", String(20), nullable=False),  # page | api | share
    Column("verdict", String(20), nullable=False),
    Column("award_public_id", String(36)),  # one of ours, when it was
    Column("partner_id", ForeignKey("partners.id", ondelete="SET NULL")),  # the employer, if known
    Index("ix_verification_events_at", "institution_id", "at"),
)

# ---- pricing and orders (docs/pricing-and-orders.md): price models, discounts, and the orders
# ledger with each order's lines and its append-only status history

price_models = Table(
    "price_models",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE"), nullable=False),
    Column("code", String(80), nullable=False),
    Column("kind", String(20), nullable=False),  # per-module | bundle | subscription | employer-seat
    Column("name", Text, nullable=False),
    Column("tier", String(20)),  # individual | employer; none: every tier
    Column("currency", String(3), nullable=False),
    Column("amount", Money),  # the bundle, the month, the seat
    Column("pathway_code", String(80)),
    Column("includes", Json, nullable=False),  # bundle: achievement codes
    Column("hours_per_month", Numeric(8, 2)),  # subscription: the pace
    Column("module_prices", Json, nullable=False),  # per-module: {code: "amount"}
    Column("active", Boolean, nullable=False),
    Column("updated_by", Text, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    _created(),
    UniqueConstraint("institution_id", "code", name="uq_price_models_code"),
)

discounts = Table(
    "discounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE"), nullable=False),
    Column("code", String(80), nullable=False),
    Column("name", Text, nullable=False),
    Column("percent", Numeric(5, 2)),
    Column("amount", Money),
    Column("currency", String(3)),
    Column("promo_code", String(80)),
    Column("valid_from", Date),
    Column("valid_until", Date),
    Column("applies_to", String(20)),  # a price model kind; none: all
    Column("active", Boolean, nullable=False),
    Column("updated_by", Text, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    _created(),
    UniqueConstraint("institution_id", "code", name="uq_discounts_code"),
)

orders = Table(
    "orders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("public_id", String(36), nullable=False, unique=True),
    Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE"), nullable=False),
    Column("buyer_kind", String(20), nullable=False),  # learner | employer
    Column("buyer", Text, nullable=False),  # the learner's email or the employer's name
    Column("learner_id", ForeignKey("learners.id", ondelete="RESTRICT")),
    Column("tier", String(20), nullable=False),
    Column("model_code", String(80), nullable=False),
    Column("model_kind", String(20), nullable=False),
    Column("pathway_code", String(80)),
    Column("currency", String(3), nullable=False),
    Column("total", Money, nullable=False),
    Column("status", String(20), nullable=False),  # quoted | placed | paid | cancelled | refunded
    Column("payment_provider", String(40)),
    Column("payment_reference", Text),  # the provider's reference (payment is an integration point)
    Column("created_by", Text, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    _created(),
    Index("ix_orders_institution_status", "institution_id", "status"),
    Index("ix_orders_learner", "learner_id"),
)

order_lines = Table(
    "order_lines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("item", String(80), nullable=False),  # an achievement code or the model's code
    Column("description", Text, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price", Money, nullable=False),
    Column("subtotal", Money, nullable=False),
    Column("discount", Money, nullable=False),
    Column("discount_code", String(80)),
    Column("total", Money, nullable=False),
    UniqueConstraint("order_id", "position", name="uq_order_lines_position"),
)

order_events = Table(
    "order_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    Column("status", String(20), nullable=False),
    Column("actor", Text, nullable=False),
    Column("note", Text, nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Index("ix_order_events_order", "order_id"),
)
