"""One place commits: a use case runs inside a unit of work and commits once.

Repositories share the unit's connection and never commit; leaving the block without
``commit()`` rolls everything back, which is what makes imports all-or-nothing.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection, Engine, RootTransaction

from credstack.store.achievements import AchievementRepository
from credstack.store.assessment import AssessmentRepository
from credstack.store.audit import AuditLog
from credstack.store.awards import AwardRepository
from credstack.store.blueprints import BlueprintRepository
from credstack.store.courses import CourseRepository
from credstack.store.frameworks import FrameworkRepository
from credstack.store.governance import GovernanceRepository
from credstack.store.identity import IdentityRepository
from credstack.store.institutions import InstitutionRepository, LearnerRepository
from credstack.store.keys import KeyRepository, StatusListRepository
from credstack.store.outcomes import OutcomesRepository
from credstack.store.partners import PartnerRepository
from credstack.store.pathways import PathwayRepository
from credstack.store.pricing import PricingRepository
from credstack.store.signin import SigninFailureRepository
from credstack.store.transfer import TransferRepository
from credstack.store.trust import TrustedIssuerRepository


class UnitOfWork:
    conn: Connection
    institutions: InstitutionRepository
    frameworks: FrameworkRepository
    achievements: AchievementRepository
    learners: LearnerRepository
    keys: KeyRepository
    status_lists: StatusListRepository
    awards: AwardRepository
    pathways: PathwayRepository
    governance: GovernanceRepository
    courses: CourseRepository
    audit: AuditLog
    assessment: AssessmentRepository
    trusted_issuers: TrustedIssuerRepository
    transfers: TransferRepository
    identity: IdentityRepository
    partners: PartnerRepository
    blueprints: BlueprintRepository
    signin_failures: SigninFailureRepository
    outcomes: OutcomesRepository
    pricing: PricingRepository

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._tx: RootTransaction | None = None

    def __enter__(self) -> UnitOfWork:
        self.conn = self.engine.connect()
        self._tx = self.conn.begin()
        self.institutions = InstitutionRepository(self.conn)
        self.frameworks = FrameworkRepository(self.conn)
        self.achievements = AchievementRepository(self.conn)
        self.learners = LearnerRepository(self.conn)
        self.keys = KeyRepository(self.conn)
        self.status_lists = StatusListRepository(self.conn)
        self.awards = AwardRepository(self.conn)
        self.pathways = PathwayRepository(self.conn)
        self.governance = GovernanceRepository(self.conn)
        self.courses = CourseRepository(self.conn)
        self.audit = AuditLog(self.conn)
        self.assessment = AssessmentRepository(self.conn)
        self.trusted_issuers = TrustedIssuerRepository(self.conn)
        self.transfers = TransferRepository(self.conn)
        self.identity = IdentityRepository(self.conn)
        self.partners = PartnerRepository(self.conn)
        self.blueprints = BlueprintRepository(self.conn)
        self.signin_failures = SigninFailureRepository(self.conn)
        self.outcomes = OutcomesRepository(self.conn)
        self.pricing = PricingRepository(self.conn)
        return self

    def commit(self) -> None:
        assert self._tx is not None, "commit() outside the unit of work"
        self._tx.commit()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._tx is not None and self._tx.is_active:
            self._tx.rollback()
        self.conn.close()
