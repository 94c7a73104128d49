"""Benchmark: eddsa-rdfc-2022 signing and verifying, credstack against the reference, same run.

Signs, then verifies, the same N credentials (variants of the kit's mc-01 sample: each its own
id, learner and name) with credstack in this process and with Digital Bazaar's libraries
(``bench/reference_sign_verify.mjs``, one Node process, imported from the interoperability kit's
cache), both pinned to one CPU core. Prints credentials per second for both and the ratio
credstack / reference, and checks that the two produced identical proofValues (Ed25519 is
deterministic). Target: >= 2x the reference for both; goal 10x.

    python bench/bench_signing.py [--n 200] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from credstack.credentials import eddsa_rdfc_2022
from credstack.credentials.did import did_key_verification_method
from credstack.credentials.keys import private_key, public_key_bytes
from credstack.credentials.proofs import did_resolver

HERE = Path(__file__).resolve().parent
SEED = bytes.fromhex("9b937b81322d816cfab9d5a3baacc9b2a5febe4b149f126b3630f93a29527017")
CREATED = "2025-03-01T12:00:00Z"
SAMPLE = "interop/samples/signed/mc-01-python-data-wrangling.json"


def variants(shared: Path, n: int) -> list[dict[str, Any]]:
    base = json.loads((shared / SAMPLE).read_text())
    base.pop("proof")
    documents = []
    for i in range(n):
        doc = copy.deepcopy(base)
        doc["id"] = f"urn:uuid:6a1c5f6e-2f0b-4d7e-9a8e-{i:012d}"
        doc["name"] = f"Python Data Wrangling (Micro-credential) #{i}"
        doc["credentialSubject"]["id"] = f"did:example:learner-{i:05d}"
        doc["credentialSubject"]["achievement"]["name"] = f"Python Data Wrangling, cohort {i % 7}"
        documents.append(doc)
    return documents


def credstack_run(documents: list[dict[str, Any]]) -> dict[str, Any]:
    key = private_key(SEED)
    method = did_key_verification_method(public_key_bytes(SEED))
    resolver = did_resolver()
    start = time.perf_counter()
    eddsa_rdfc_2022.add_proof(documents[0], key, method, CREATED)  # warm-up: contexts processed once
    warmup = time.perf_counter() - start
    start = time.perf_counter()
    signed = [eddsa_rdfc_2022.add_proof(doc, key, method, CREATED) for doc in documents]
    sign_seconds = time.perf_counter() - start
    start = time.perf_counter()
    verified = sum(eddsa_rdfc_2022.verify_proof(doc, doc["proof"][0], resolver).verified for doc in signed)
    verify_seconds = time.perf_counter() - start
    values = [doc["proof"][0]["proofValue"] for doc in signed]
    return (
        {"warmup_seconds": warmup, "sign_seconds": sign_seconds, "verify_seconds": verify_seconds},
        verified,
        values,
    )


def reference_run(shared: Path, documents: list[dict[str, Any]]) -> dict[str, Any]:
    subprocess.run(
        [str(shared / "interop/verifier/run"), "verify", "--help"], capture_output=True, check=True
    )
    with tempfile.TemporaryDirectory() as folder:
        files = []
        for i, doc in enumerate(documents):
            path = Path(folder) / f"credential-{i:05d}.json"
            path.write_text(json.dumps(doc))
            files.append(str(path))
        script = HERE / "reference_sign_verify.mjs"
        out = subprocess.run(
            ["node", str(script), "--created", CREATED, *files], capture_output=True, text=True, check=True
        )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, inherited by node
    documents = variants(args.shared, args.n)
    ours, verified, values = credstack_run(documents)
    theirs = reference_run(args.shared, documents)
    n = args.n
    print(f"eddsa-rdfc-2022, {n} credentials (~{len(json.dumps(documents[0])) // 1024} KB each), one core")
    print(f"{'':10} {'sign/s':>9} {'verify/s':>9} {'first doc (s)':>14}")
    for name, run in (("credstack", ours), ("reference", theirs)):
        print(
            f"{name:10} {n / run['sign_seconds']:9.0f} {n / run['verify_seconds']:9.0f} {run['warmup_seconds']:14.3f}"
        )
    print(
        f"{'ratio':10} {theirs['sign_seconds'] / ours['sign_seconds']:8.1f}x {theirs['verify_seconds'] / ours['verify_seconds']:8.1f}x"
    )
    same = sum(a == b for a, b in zip(values, theirs["proofValues"], strict=True))
    print(
        f"verified: credstack {verified}/{n}, reference {theirs['verified']}/{n}; identical proofValues {same}/{n}"
    )
    if same != n or verified != n or theirs["verified"] != n:
        raise SystemExit("correctness check failed")


if __name__ == "__main__":
    main()
