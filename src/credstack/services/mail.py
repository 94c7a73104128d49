"""Sending mail: an integration point. ``Mailer`` is the port; ``LoggingMailer`` (the only one
built in) writes each message to the ``credstack.mail`` log, and the pages that send mail show
what they sent (an invitation's link) to the person who sent it. A mail relay (SMTP, an email
API) is a new ``Mailer`` chosen by ``CREDSTACK_MAILER``."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from credstack.settings import Settings

log = logging.getLogger("credstack.mail")


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str
    sender: str


class Mailer(Protocol):
    def send(self, message: Message) -> None: ...


class LoggingMailer:
    """Logs each message (recipient, subject and body) instead of sending it."""

    def send(self, message: Message) -> None:
        log.info("mail to %s from %s: %s\n%s", message.to, message.sender, message.subject, message.body)


def mailer_from_settings(settings: Settings) -> Mailer:
    if settings.mailer == "log":
        return LoggingMailer()
    raise ValueError(f"unknown mailer {settings.mailer!r}")  # pragma: no cover - settings refuse it
