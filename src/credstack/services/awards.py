"""Reading awards: the institution's recent awards, or one learner's."""

from __future__ import annotations

from credstack.domain.institution import Institution
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.awards import StoredAward


def recent_awards(
    uow: UnitOfWork, *, institution: Institution, learner: str | None, limit: int
) -> list[StoredAward]:
    """The institution's awards, newest first; only the learner's when an email is given."""
    with uow:
        found = uow.institutions.get(institution.slug)
        if found is None:
            return []
        institution_id = found[0]
        if not learner:
            return uow.awards.recent(institution_id, limit)
        known = uow.learners.by_email(institution_id, learner.strip().lower())
        if known is None:
            return []
        awards = uow.awards.for_learner(known[0])
    return sorted(awards, key=lambda a: (a.issued_at, a.id), reverse=True)[:limit]
