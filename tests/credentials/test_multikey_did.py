"""Multikey, did:key and did:web, with published vectors (RFC 8032, the did:web spec, the kit's seed)."""

from __future__ import annotations

import pytest

from credstack.credentials.did import (
    did_key,
    did_key_document,
    did_web,
    did_web_document,
    did_web_url,
    resolve_verification_method,
)
from credstack.credentials.errors import (
    MultibaseError,
    NotAuthorized,
    UnsupportedDidMethod,
    VerificationMethodNotFound,
)
from credstack.credentials.keys import (
    private_key,
    public_key_bytes,
    public_key_from_verification_method,
    verify_signature,
)
from credstack.credentials.multikey import (
    decode_signature,
    encode_signature,
    multikey_to_public_key,
    multikey_to_secret_key,
    public_key_to_multikey,
    secret_key_to_multikey,
)
from tests.credentials.credential_builder import SEED

# RFC 8032 section 7.1, TEST 1
RFC_SECRET = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
RFC_SIGNATURE = bytes.fromhex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)
KIT_DID = "did:key:z6Mkf5rGMoatrSj1f4CyvuHBeXJELe9RPdzo2PKGNCKVtZxP"


def test_rfc8032_vector() -> None:
    assert public_key_bytes(RFC_SECRET) == RFC_PUBLIC
    assert private_key(RFC_SECRET).sign(b"") == RFC_SIGNATURE
    assert verify_signature(RFC_PUBLIC, RFC_SIGNATURE, b"")
    assert not verify_signature(RFC_PUBLIC, RFC_SIGNATURE, b"x")


def test_the_public_test_seed_gives_the_kits_did() -> None:
    assert did_key(public_key_bytes(SEED)) == KIT_DID


def test_multikey_round_trips_and_rejects_garbage() -> None:
    multikey = public_key_to_multikey(RFC_PUBLIC)
    assert multikey.startswith("z6Mk") and multikey_to_public_key(multikey) == RFC_PUBLIC
    assert multikey_to_secret_key(secret_key_to_multikey(RFC_SECRET)) == RFC_SECRET
    assert decode_signature(encode_signature(RFC_SIGNATURE)) == RFC_SIGNATURE
    for bad in ("", "f00", "z0OIl", "zQmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG", multikey[:-2]):
        with pytest.raises(MultibaseError):
            multikey_to_public_key(bad)
    with pytest.raises(MultibaseError):
        decode_signature(encode_signature(RFC_SIGNATURE)[:-3])


def test_did_key_document_presents_a_multikey() -> None:
    document = did_key_document(KIT_DID)
    [method] = document["verificationMethod"]
    fingerprint = KIT_DID.removeprefix("did:key:")
    assert method == {
        "id": f"{KIT_DID}#{fingerprint}",
        "type": "Multikey",
        "controller": KIT_DID,
        "publicKeyMultibase": fingerprint,
    }
    assert document["assertionMethod"] == [method["id"]]


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
        ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
        ("did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"),
    ],
)
def test_did_web_urls_from_the_spec(did: str, url: str) -> None:
    assert did_web_url(did) == url


def test_did_web_from_host_and_path() -> None:
    assert did_web("example.com") == "did:web:example.com"
    assert did_web("localhost:8443", "issuers", "a") == "did:web:localhost%3A8443:issuers:a"
    for bad in ("did:web:", "did:web:exa mple.com", "did:web:a.com::x", "did:key:z6Mk"):
        with pytest.raises(UnsupportedDidMethod):
            did_web_url(bad)


def test_resolving_verification_methods() -> None:
    fingerprint = public_key_to_multikey(RFC_PUBLIC)
    did = did_web("issuer.example")
    documents = {did_web_url(did): did_web_document(did, [RFC_PUBLIC])}
    assert resolve_verification_method(f"{did}#{fingerprint}", documents.get) == RFC_PUBLIC
    assert resolve_verification_method(f"did:key:{fingerprint}#{fingerprint}", documents.get) == RFC_PUBLIC
    failures = {
        f"did:key:{fingerprint}": VerificationMethodNotFound,  # a DID is not a key (fact 5)
        f"did:key:{fingerprint}#other": VerificationMethodNotFound,
        f"{did}#unknown": VerificationMethodNotFound,
        f"did:web:elsewhere.example#{fingerprint}": VerificationMethodNotFound,
        f"did:example:123#{fingerprint}": UnsupportedDidMethod,
        f"https://issuer.example/keys#{fingerprint}": UnsupportedDidMethod,
    }
    for method_id, error in failures.items():
        with pytest.raises(error):
            resolve_verification_method(method_id, documents.get)
    unlisted = {**documents[did_web_url(did)], "assertionMethod": []}
    with pytest.raises(NotAuthorized):
        resolve_verification_method(f"{did}#{fingerprint}", lambda url: unlisted)


def test_key_formats_of_verification_methods() -> None:
    import base58

    jwk = {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
    assert public_key_from_verification_method({"publicKeyJwk": jwk}) == RFC_PUBLIC
    assert (
        public_key_from_verification_method({"publicKeyBase58": base58.b58encode(RFC_PUBLIC).decode()})
        == RFC_PUBLIC
    )
