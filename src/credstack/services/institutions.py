"""The institution a request acts for: found by slug, created on first use."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from credstack.domain.achievement import CreditConversion
from credstack.domain.institution import Institution
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings


def institution_from_settings(settings: Settings) -> Institution:
    return Institution(
        slug=settings.institution_slug,
        name=settings.institution_name,
        url=settings.base_url,
        conversion=CreditConversion(settings.ects_per_credit_hour),
        currency=settings.currency,
    )


def ensure_institution(uow: UnitOfWork, wanted: Institution) -> tuple[int, Institution]:
    """The stored institution with ``wanted.slug``, adding ``wanted`` when there is none."""
    found = uow.institutions.get(wanted.slug)
    if found is not None:
        return found
    try:
        with uow.conn.begin_nested():
            return uow.institutions.add(wanted), wanted
    except IntegrityError:  # another process added it in the meantime
        found = uow.institutions.get(wanted.slug)
        if found is None:
            raise
        return found
