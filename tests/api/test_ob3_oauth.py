"""The Open Badges 3.0 API end to end, as a wallet uses it (OB 3.0 §6-7), on SQLite and
PostgreSQL: discovery, dynamic registration, the learner's consent on the web, the code exchanged
with its PKCE verifier, the learner's own credentials with paging headers, upsert, profile,
refresh and revocation; then every OAuth refusal a wallet can run into."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import func, select

from credstack.services.oauth import CREDENTIAL_READ, CREDENTIAL_UPSERT, PROFILE_READ
from tests.api.ob3_builders import (
    API,
    BASE,
    PASSWORD,
    REDIRECT,
    add_learner,
    authorize_params,
    basic,
    connect,
    consent,
    csrf,
    hidden_fields,
    ob3_client,
    pkce,
    register,
    sign_in,
)
from tests.conftest import snapshot
from tests.transfer_builders import as_bytes, partner_credential

ADA = "ada@example.org"
BOB = "bob@example.org"


def links(header: str) -> dict[str, dict[str, list[str]]]:
    """rel -> the query of its link."""
    found = re.findall(r"<([^>]+)>; rel=\"(\w+)\"", header)
    return {rel: parse_qs(urlsplit(url).query) for url, rel in found}


def test_a_wallet_connects_and_works_with_the_learners_own_credentials(engine):
    with ob3_client(engine) as client:
        ada_ids = add_learner(client, engine, ADA, "Ada Lovelace", "OB-1", "OB-2")
        bob_ids = add_learner(client, engine, BOB, "Bob Builder", "OB-3")

        # discovery names where to register, authorize and get tokens
        sdd = client.get(f"{API}/discovery").json()
        scheme = sdd["components"]["securitySchemes"]["OAuth2ACG"]
        assert scheme["x-imssf-registrationUrl"] == f"{BASE}{API}/oauth/register"
        flow = scheme["flows"]["authorizationCode"]
        assert flow["authorizationUrl"] == f"{BASE}{API}/oauth/authorize"
        assert flow["tokenUrl"] == flow["refreshUrl"] == f"{BASE}{API}/oauth/token"
        assert CREDENTIAL_READ in flow["scopes"] and PROFILE_READ in flow["scopes"]

        # the consent page says who asks for what, in plain words
        registered = register(client)
        assert registered["client_secret"] and registered["redirect_uris"] == [REDIRECT]
        sign_in(client, ADA)
        verifier, challenge = pkce()
        params = authorize_params(registered["client_id"], challenge, f"{CREDENTIAL_READ} {PROFILE_READ}")
        page = client.get(f"{API}/oauth/authorize", params=params)
        assert page.status_code == 200
        assert page.headers["x-frame-options"] == "DENY"
        assert "Allow Example Wallet to use your account?" in page.text
        assert "Read the credentials you hold here" in page.text and "Read your profile" in page.text
        assert "Change your profile" not in page.text and "wallet.example" in page.text

        query = consent(client, params)
        assert query["state"] == ["st-123"] and "code" in query
        exchanged = client.post(
            f"{API}/oauth/token",
            data={"grant_type": "authorization_code", "code": query["code"][0], "redirect_uri": REDIRECT,
                  "code_verifier": verifier},
            auth=basic(registered),
        )  # fmt: skip
        assert exchanged.status_code == 200, exchanged.text
        tokens = exchanged.json()
        assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 3600
        assert set(tokens["scope"].split()) == {CREDENTIAL_READ, PROFILE_READ} and tokens["refresh_token"]
        assert exchanged.headers["cache-control"] == "no-store"
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}

        # only Ada's credentials, as signed, with the paging headers
        listed = client.get(f"{API}/credentials", headers=bearer)
        assert listed.status_code == 200, listed.text
        assert [c["id"] for c in listed.json()["credential"]] == ada_ids
        assert not set(bob_ids) & {c["id"] for c in listed.json()["credential"]}
        assert listed.json()["compactJwsString"] == []
        assert listed.headers["x-total-count"] == "2"
        assert all(c["proof"] for c in listed.json()["credential"])

        first = client.get(f"{API}/credentials", params={"limit": 1}, headers=bearer)
        assert [c["id"] for c in first.json()["credential"]] == ada_ids[:1]
        assert first.headers["x-total-count"] == "2"
        rels = links(first.headers["link"])
        assert set(rels) == {"first", "last", "next"}
        assert rels["next"]["offset"] == ["1"] and rels["last"]["offset"] == ["1"]
        assert rels["first"]["offset"] == ["0"] and rels["next"]["limit"] == ["1"]
        second = client.get(f"{API}/credentials", params={"limit": 1, "offset": 1}, headers=bearer)
        assert [c["id"] for c in second.json()["credential"]] == ada_ids[1:]
        assert set(links(second.headers["link"])) == {"first", "last", "prev"}
        later = client.get(f"{API}/credentials", params={"since": "2999-01-01T00:00:00Z"}, headers=bearer)
        assert later.json()["credential"] == [] and later.headers["x-total-count"] == "0"

        # this token may not write: upsert and profile update need their own scopes
        refused = client.post(f"{API}/credentials", content=as_bytes(partner_credential(email=ADA)),
                              headers={**bearer, "Content-Type": "application/json"})  # fmt: skip
        assert refused.status_code == 403
        assert (
            refused.json()["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"]
            == "forbidden"
        )
        assert 'error="insufficient_scope"' in refused.headers["www-authenticate"]

        # a second connection with every scope: upsert (201, then 200) and the profile
        wallet = connect(client, ADA)
        partner = partner_credential(email=ADA)
        stored = client.post(f"{API}/credentials", content=as_bytes(partner),
                             headers={**wallet.headers, "Content-Type": "application/json"})  # fmt: skip
        assert stored.status_code == 201, stored.text
        assert stored.json()["id"] == partner["id"]
        again = client.post(f"{API}/credentials", content=as_bytes(partner),
                            headers={**wallet.headers, "Content-Type": "application/vc+ld+json"})  # fmt: skip
        assert again.status_code == 200, again.text
        everything = client.get(f"{API}/credentials", headers=wallet.headers)
        assert [c["id"] for c in everything.json()["credential"]] == [*ada_ids, partner["id"]]

        profile = client.get(f"{API}/profile", headers=wallet.headers)
        assert profile.status_code == 200
        assert profile.json()["name"] == "Ada Lovelace" and profile.json()["email"] == ADA
        assert profile.json()["type"] == ["Profile"] and profile.json()["id"] == f"mailto:{ADA}"
        put = client.put(
            f"{API}/profile",
            json={
                **profile.json(),
                "name": "Ada King",
                "phone": "+44 20 7946 0000",
                "url": "https://ada.example",
            },
            headers=wallet.headers,
        )
        assert put.status_code == 200, put.text
        assert client.get(f"{API}/profile", headers=wallet.headers).json() == {
            **profile.json(), "name": "Ada King", "phone": "+44 20 7946 0000", "url": "https://ada.example",
        }  # fmt: skip

        # refresh: a new pair; the old refresh token is spent
        refreshed = client.post(
            f"{API}/oauth/token",
            data={"grant_type": "refresh_token", "refresh_token": wallet.tokens["refresh_token"]},
            auth=basic(wallet.registered),
        )
        assert refreshed.status_code == 200, refreshed.text
        new = refreshed.json()
        assert new["access_token"] != wallet.tokens["access_token"] and new["refresh_token"]
        new_bearer = {"Authorization": f"Bearer {new['access_token']}"}
        assert client.get(f"{API}/credentials", headers=new_bearer).status_code == 200
        replay = client.post(
            f"{API}/oauth/token",
            data={"grant_type": "refresh_token", "refresh_token": wallet.tokens["refresh_token"]},
            auth=basic(wallet.registered),
        )
        assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"

        # revoke: the token no longer opens anything
        revoked = client.post(
            f"{API}/oauth/revoke", data={"token": new["access_token"], "token_type_hint": "access_token"},
            auth=basic(wallet.registered),
        )  # fmt: skip
        assert revoked.status_code == 200
        after = client.get(f"{API}/credentials", headers=new_bearer)
        assert after.status_code == 401
        assert after.headers["www-authenticate"].startswith('Bearer realm="credstack", error="invalid_token"')
        assert after.json()["imsx_codeMajor"] == "failure"
        # its refresh token went with it
        gone = client.post(
            f"{API}/oauth/token", data={"grant_type": "refresh_token", "refresh_token": new["refresh_token"]},
            auth=basic(wallet.registered),
        )  # fmt: skip
        assert gone.status_code == 400 and gone.json()["error"] == "invalid_grant"
        # the first connection is untouched
        assert client.get(f"{API}/credentials", headers=bearer).status_code == 200


def _exchange(client, registered, code, verifier, redirect_uri=REDIRECT):
    return client.post(
        f"{API}/oauth/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
              "code_verifier": verifier},
        auth=basic(registered),
    )  # fmt: skip


def _redirect_error(client, params) -> dict[str, list[str]]:
    page = client.get(f"{API}/oauth/authorize", params=params)
    assert page.status_code == 302, page.text
    assert page.headers["location"].startswith(REDIRECT + "?")
    return parse_qs(urlsplit(page.headers["location"]).query)


def test_the_authorization_server_refuses_what_oauth_and_pkce_refuse(engine):
    with ob3_client(engine) as client:
        add_learner(client, engine, ADA, "Ada Lovelace", "OB-1")
        registered = register(client)
        sign_in(client, ADA)
        client_id = registered["client_id"]
        verifier, challenge = pkce()

        # at the authorization endpoint: PKCE is required, with S256 only; scope must be asked for
        # and registered; the errors go back to the registered redirect URI with the state
        plain = _redirect_error(client, authorize_params(client_id, verifier, code_challenge_method="plain"))
        assert plain["error"] == ["invalid_request"] and plain["state"] == ["st-123"]
        params = authorize_params(client_id, challenge)
        del params["code_challenge"], params["code_challenge_method"]
        assert _redirect_error(client, params)["error"] == ["invalid_request"]
        assert _redirect_error(client, authorize_params(client_id, challenge, scope=""))["error"] == [
            "invalid_scope"
        ]
        unknown = authorize_params(client_id, challenge, scope=CREDENTIAL_READ + " admin")
        assert _redirect_error(client, unknown)["error"] == ["invalid_scope"]
        # an unregistered redirect URI is never redirected to: the learner sees an error page
        page = client.get(f"{API}/oauth/authorize",
                          params=authorize_params(client_id, challenge, redirect_uri="https://evil.example/cb"))  # fmt: skip
        assert page.status_code == 400 and "evil.example" not in page.headers.get("location", "")
        unknown_client = client.get(f"{API}/oauth/authorize", params=authorize_params("nobody", challenge))
        assert unknown_client.status_code == 400

        # at the token endpoint: the verifier must match, the redirect URI must be the same, and
        # a code is good once (a second use revokes what the first obtained)
        code = consent(client, authorize_params(client_id, challenge))["code"][0]
        wrong = _exchange(client, registered, code, pkce()[0])
        assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
        code = consent(client, authorize_params(client_id, challenge))["code"][0]
        elsewhere = _exchange(client, registered, code, verifier, redirect_uri="https://wallet.example/other")
        assert elsewhere.status_code == 400 and elsewhere.json()["error"] == "invalid_grant"
        code = consent(client, authorize_params(client_id, challenge))["code"][0]
        missing = client.post(f"{API}/oauth/token", data={"grant_type": "authorization_code", "code": code,
                              "redirect_uri": REDIRECT}, auth=basic(registered))  # fmt: skip
        assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"
        code = consent(client, authorize_params(client_id, challenge))["code"][0]
        first = _exchange(client, registered, code, verifier)
        assert first.status_code == 200, first.text
        bearer = {"Authorization": f"Bearer {first.json()['access_token']}"}
        assert client.get(f"{API}/credentials", headers=bearer).status_code == 200
        reused = _exchange(client, registered, code, verifier)
        assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
        assert client.get(f"{API}/credentials", headers=bearer).status_code == 401

        # the client must authenticate as registered
        code = consent(client, authorize_params(client_id, challenge))["code"][0]
        bad_secret = client.post(f"{API}/oauth/token", data={"grant_type": "authorization_code", "code": code,
                                 "redirect_uri": REDIRECT, "code_verifier": verifier},
                                 auth=(client_id, "not-the-secret"))  # fmt: skip
        assert bad_secret.status_code == 401 and bad_secret.json()["error"] == "invalid_client"
        unsupported = client.post(
            f"{API}/oauth/token", data={"grant_type": "password"}, auth=basic(registered)
        )
        assert unsupported.json()["error"] == "unsupported_grant_type"

        # denying sends the learner back with access_denied and no code
        denied = consent(client, authorize_params(client_id, challenge), decision="deny")
        assert denied["error"] == ["access_denied"] and "code" not in denied


def test_a_public_client_uses_pkce_alone(engine):
    with ob3_client(engine) as client:
        add_learner(client, engine, ADA, "Ada Lovelace", "OB-1")
        registered = register(client, token_endpoint_auth_method="none")
        assert "client_secret" not in registered
        sign_in(client, ADA)
        verifier, challenge = pkce()
        code = consent(client, authorize_params(registered["client_id"], challenge))["code"][0]
        data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
                "client_id": registered["client_id"]}  # fmt: skip
        assert (
            client.post(f"{API}/oauth/token", data=data).json()["error"] == "invalid_request"
        )  # no verifier
        code = consent(client, authorize_params(registered["client_id"], challenge))["code"][0]
        done = client.post(f"{API}/oauth/token", data={**data, "code": code, "code_verifier": verifier})
        assert done.status_code == 200, done.text


def test_the_consent_page_needs_a_signed_in_user_and_its_form_a_csrf_token(engine):
    with ob3_client(engine) as client:
        add_learner(client, engine, ADA, "Ada Lovelace")
        registered = register(client)
        params = authorize_params(registered["client_id"], pkce()[1])
        page = client.get(f"{API}/oauth/authorize", params=params)
        assert page.status_code == 303 and page.headers["location"].startswith("/signin?next=")
        # signing in from there comes back to the consent page, the request intact
        next_path = parse_qs(urlsplit(page.headers["location"]).query)["next"][0]
        form = client.get(page.headers["location"]).text
        signed = client.post("/signin", data={"email": ADA, "password": PASSWORD, "next": next_path,
                                              "csrf_token": csrf(form)})  # fmt: skip
        assert signed.status_code == 303 and signed.headers["location"] == next_path
        back = client.get(signed.headers["location"])
        assert back.status_code == 200 and "Allow Example Wallet" in back.text
        assert hidden_fields(back.text)["code_challenge"] == params["code_challenge"]
        form = hidden_fields(client.get(f"{API}/oauth/authorize", params=params).text)
        forged = client.post(
            f"{API}/oauth/authorize", data={**form, "csrf_token": "forged", "decision": "allow"}
        )
        assert forged.status_code == 403 and "location" not in forged.headers
        with engine.connect() as conn:
            from credstack.store.tables import oauth_codes

            assert conn.execute(select(func.count()).select_from(oauth_codes)).scalar_one() == 0


def test_registration_refuses_bad_metadata_and_stores_nothing(engine):
    with ob3_client(engine) as client:
        before = snapshot(engine)
        for body, error in [
            ({"client_name": "No URIs"}, "invalid_client_metadata"),
            ({"redirect_uris": ["http://wallet.example/cb"]}, "invalid_client_metadata"),
            ({"redirect_uris": [REDIRECT], "scope": "https://example.org/scope/everything"}, "invalid_client_metadata"),
            ({"redirect_uris": [REDIRECT], "grant_types": ["client_credentials"]}, "invalid_client_metadata"),
            ({"redirect_uris": [REDIRECT], "token_endpoint_auth_method": "private_key_jwt"}, "invalid_client_metadata"),
        ]:  # fmt: skip
            response = client.post(f"{API}/oauth/register", json=body)
            assert response.status_code == 400, body
            assert response.json()["error"] == error, body
        assert client.post(f"{API}/oauth/register", content=b"not json").status_code == 400
        assert snapshot(engine) == before
        loopback = client.post(f"{API}/oauth/register", json={"redirect_uris": ["http://127.0.0.1:8765/cb"]})
        assert loopback.status_code == 201
        assert set(loopback.json()["scope"].split()) >= {CREDENTIAL_READ, CREDENTIAL_UPSERT}
