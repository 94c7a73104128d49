"""The share-link rules: when a link works, how long it may last, the recipient's email, tokens."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credstack.domain.errors import InvalidInput
from credstack.domain.sharing import (
    DURATIONS,
    MAX_LIFETIME,
    MIN_LIFETIME,
    ShareState,
    expiry,
    is_live,
    new_token,
    plausible_token,
    recipient,
    token_hash,
)

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC))
offsets = st.timedeltas(min_value=timedelta(days=-800), max_value=timedelta(days=800))


@given(created=moments, lifetime=offsets, seen=offsets, revoked=st.none() | offsets)
def test_a_link_works_exactly_while_unexpired_and_unrevoked(created, lifetime, seen, revoked):
    expires_at, now = created + lifetime, created + seen
    revoked_at = None if revoked is None else created + revoked
    live = is_live(now=now, expires_at=expires_at, revoked_at=revoked_at)
    assert live == (now < expires_at and (revoked_at is None or now < revoked_at))
    state = ShareState.at(now, expires_at=expires_at, revoked_at=revoked_at)
    assert state.live == live
    assert state.label == ("Active" if live else "Revoked" if revoked_at and revoked_at <= now else "Expired")


@given(now=moments, duration=st.sampled_from(sorted(DURATIONS)))
def test_every_offered_duration_is_within_a_day_and_a_year(now, duration):
    ends = expiry(now=now, duration=duration)
    assert MIN_LIFETIME <= ends - now <= MAX_LIFETIME
    assert is_live(now=now, expires_at=ends, revoked_at=None)
    assert not is_live(now=ends, expires_at=ends, revoked_at=None)  # expired at its moment


@given(days=st.integers(min_value=-5, max_value=800))
def test_a_date_works_to_its_end_and_is_refused_outside_a_day_to_a_year(days):
    until = NOW.date() + timedelta(days=days)
    ends_at = datetime.combine(until + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    if MIN_LIFETIME <= ends_at - NOW <= MAX_LIFETIME:
        assert expiry(now=NOW, until=until) == ends_at
    else:
        with pytest.raises(InvalidInput, match=r"^expires: "):
            expiry(now=NOW, until=until)


@pytest.mark.parametrize(
    ("duration", "until", "message"),
    [
        ("", None, "choose how long the link works"),
        ("2w", None, "must be one of 1d, 7d, 30d, 90d, 1y or a date, not '2w'"),
        ("7d", date(2026, 12, 5), "choose a duration or a date, not both"),
        ("", date(2026, 11, 27), "at least a day"),
        ("", date(2028, 1, 1), "a year at most"),
    ],
)
def test_bad_expiries_name_the_field(duration, until, message):
    with pytest.raises(InvalidInput, match=message) as caught:
        expiry(now=NOW, duration=duration, until=until)
    assert caught.value.problems[0].location == "expires"


def test_recipient_is_lower_case_or_none_and_must_be_an_email():
    assert recipient("  Hiring@Harbour.Example ") == "hiring@harbour.example"
    assert recipient("") is None and recipient(None) is None
    with pytest.raises(InvalidInput, match=r"^recipient: 'not an email' is not an email address$"):
        recipient("not an email")


def test_tokens_are_random_and_only_their_hash_is_kept():
    first, second = new_token(), new_token()
    assert first != second and len(first) >= 43 and plausible_token(first)
    assert token_hash(first) != token_hash(second) and len(token_hash(first)) == 64
    assert first not in token_hash(first)
    for bad in ("", "short", "a" * 200, "../../etc/passwd", "x" * 20 + " "):
        assert not plausible_token(bad)
