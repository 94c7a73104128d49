"""A file sent to an import endpoint: a multipart upload (field ``file``) or the raw body."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message
from typing import Annotated, Literal

from fastapi import Depends, File, Request, UploadFile

from credstack.domain.errors import InvalidInput, Problem


@dataclass(frozen=True)
class Upload:
    data: bytes
    filename: str | None
    fmt: Literal["auto", "json", "csv"]


def _format(content_type: str | None) -> Literal["auto", "json", "csv"]:
    if not content_type:
        return "auto"
    message = Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    if subtype == "json" or subtype.endswith("+json"):
        return "json"
    if subtype in ("csv", "tab-separated-values"):
        return "csv"
    return "auto"


async def read_upload(
    request: Request,
    file: Annotated[
        UploadFile | None,
        File(description="the file (CSV or JSON); or send it as the raw request body instead"),
    ] = None,
) -> Upload:
    if file is not None:
        data = await file.read()
        # a browser says application/octet-stream for an unknown type: judge by the name then
        return Upload(data, file.filename, _format(file.content_type))
    if request.headers.get("content-type", "").startswith(("multipart/form-data", "application/x-www-form")):
        # the form was read (and the body with it) looking for the file: there is none
        raise InvalidInput(Problem("file", "no file: send it as the multipart field 'file'"))
    data = await request.body()
    if not data.strip():
        raise InvalidInput(
            Problem("body", "no file: send it as the request body or as the multipart field 'file'")
        )
    return Upload(data, None, _format(request.headers.get("content-type")))


UploadDep = Annotated[Upload, Depends(read_upload)]
