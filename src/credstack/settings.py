"""Configuration: one object, built once in the composition root, passed down.

Every value comes from an environment variable with the ``CREDSTACK_`` prefix; nothing
reads the environment at import time.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEMO_SECRET = "credstack-demo-secret-not-for-production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CREDSTACK_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///credstack.db"
    secret_key: SecretStr = SecretStr(DEMO_SECRET)
    base_url: str = "http://127.0.0.1:8000"
    institution_slug: str = "default"
    institution_name: str = "credstack institution"
    ects_per_credit_hour: Decimal = Decimal(2)
    currency: str = "EUR"
    sql_echo: bool = False
    # issuer identity: did:web of base_url (hosted), did:key (standalone), or auto (web when https)
    did_method: Literal["auto", "web", "key"] = "auto"
    # long jobs (bulk issuance): None runs them in-process; a redis:// URL uses the job queue
    job_queue_url: str | None = None
    job_queue_name: str = "credstack"
    # verification of other issuers' credentials
    allow_remote_fetch: bool = False  # did:web documents and status lists over HTTPS
    remote_fetch_timeout: float = 5.0
    ob_schema_dir: str | None = None  # folder holding the official 1EdTech OB 3.0 JSON Schemas
    # assessment evidence (docs/assessment.md): uploaded files, stored under their SHA-256
    upload_dir: str = "var/uploads"
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, ge=1)
    # governance (docs/governance.md): distinct board approvals a definition needs (0: publish
    # without review) and months from publication to its periodic review
    governance_approvals: int = Field(default=2, ge=0)
    governance_review_months: int = Field(default=12, ge=1)
    # web sign-in (README "Signing in"): a session unused this long is refused
    session_idle_minutes: int = Field(default=12 * 60, ge=1)
    # invitations (docs/users-and-roles.md): how long an invitation link works, and how it is sent
    # ("log": written to the log, the link is shown to the administrator; a mail relay plugs in here)
    invitation_days: int = Field(default=7, ge=1, le=90)
    mailer: Literal["log"] = "log"
    mail_from: str = "credstack@localhost"

    @property
    def issuer_did_method(self) -> Literal["web", "key"]:
        if self.did_method == "auto":
            return "web" if self.base_url.startswith("https://") else "key"
        return self.did_method

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.env == "production":
            if self.secret_key.get_secret_value() == DEMO_SECRET:
                raise ValueError("CREDSTACK_SECRET_KEY must be set to a real secret in production")
            if len(self.secret_key.get_secret_value()) < 32:
                raise ValueError("CREDSTACK_SECRET_KEY must be at least 32 characters in production")
        return self


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment, with explicit overrides winning."""
    return Settings(**overrides)  # type: ignore[arg-type]
