"""The rules the OAuth server adds to Authlib's: which redirect URIs a client may register, and
which scopes it may be granted (no database needed)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credstack.services.oauth import (
    CREDENTIAL_READ,
    OB_SCOPES,
    PROFILE_READ,
    Client,
    _redirect_uri_allowed,
)
from credstack.store.oauth import StoredClient


@pytest.mark.parametrize(
    ("uri", "allowed"),
    [
        ("https://wallet.example/callback", True),
        ("https://wallet.example/callback?x=1", True),
        ("http://localhost:8765/cb", True),
        ("http://127.0.0.1:8765/cb", True),
        ("http://[::1]:8765/cb", True),
        ("http://wallet.example/callback", False),
        ("https://wallet.example/callback#frag", False),
        ("javascript:alert(1)", False),
        ("com.example.wallet:/callback", False),
        ("https:///nohost", False),
    ],
)
def test_redirect_uris_must_be_https_or_loopback(uri, allowed):
    assert _redirect_uri_allowed(uri) is allowed


def _client(scope: str) -> Client:
    return Client(StoredClient(1, 1, "c", None, {"scope": scope}, datetime(2026, 1, 1, tzinfo=UTC)))


@settings(deadline=None)
@given(
    registered=st.sets(st.sampled_from(OB_SCOPES), min_size=1),
    asked=st.lists(st.sampled_from([*OB_SCOPES, "offline_access", "admin"]), max_size=6),
)
def test_a_client_is_granted_exactly_what_it_asks_when_it_registered_all_of_it(registered, asked):
    granted = _client(" ".join(registered)).get_allowed_scope(" ".join(asked))
    if asked and set(asked) <= registered:
        assert granted is not None and granted.split() == list(dict.fromkeys(asked))
    else:
        assert granted is None  # invalid_scope: nothing asked, or more than registered


def test_nothing_asked_is_invalid_scope():
    assert _client(f"{CREDENTIAL_READ} {PROFILE_READ}").get_allowed_scope(None) is None
