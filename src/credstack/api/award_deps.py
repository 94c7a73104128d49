"""Awards at the edges: the award a path names, and a credential download.

Shared by the API routes (``api/routers/awards.py``) and the public pages
(``web/credentials.py``), so that both answer the same way.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Response

from credstack.api.deps import UowDep
from credstack.domain.errors import NotFound
from credstack.services.credential_files import FORMATS, MEDIA_TYPES, render_award
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.awards import StoredAward


def get_award(public_id: str, uow: UowDep) -> StoredAward:
    """The award with this public id, or NotFound (404)."""
    with uow:
        found = uow.awards.by_public_id(public_id)
    if found is None:
        raise NotFound("award", public_id)
    return found


AwardDep = Annotated[StoredAward, Depends(get_award)]


def download_name(award: StoredAward, fmt: str) -> str:
    code = re.sub(r"[^A-Za-z0-9._-]+", "-", award.achievement_code).strip("-.") or "credential"
    return f"{code}-{award.public_id[:8]}.{fmt}"


def credential_download(uow: UnitOfWork, *, settings: Settings, award: StoredAward, fmt: str) -> Response:
    """The award as a file (json, jwt, png, svg, pdf) with its media type and a file name."""
    if fmt not in FORMATS:
        raise NotFound("download format", fmt)
    body = render_award(uow, settings=settings, award=award, fmt=fmt)
    return Response(
        body,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{download_name(award, fmt)}"'},
    )
