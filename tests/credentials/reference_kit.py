"""Running the independent reference (Digital Bazaar's libraries, in ../shared/interop/verifier).

``verifier/run`` installs the kit into a cache folder once (npm ci); our own scripts
(``reference_canon.mjs``, ``bench/reference_sign_verify.mjs``) then import its node_modules by
absolute path. Tests skip when node or the cache cannot be had, unless CREDSTACK_REQUIRE_SHARED=1.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
PUBLIC_TEST_SEED = bytes.fromhex("9b937b81322d816cfab9d5a3baacc9b2a5febe4b149f126b3630f93a29527017")
PUBLIC_TEST_DID = "did:key:z6Mkf5rGMoatrSj1f4CyvuHBeXJELe9RPdzo2PKGNCKVtZxP"


def cache_dir() -> Path:
    if os.environ.get("CREDSTACK_VERIFIER_CACHE"):
        return Path(os.environ["CREDSTACK_VERIFIER_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "credstack-independent-verifier"


def _unavailable(reason: str) -> None:
    if os.environ.get("CREDSTACK_REQUIRE_SHARED") == "1":
        pytest.fail(f"the reference kit is required (CREDSTACK_REQUIRE_SHARED=1): {reason}")
    pytest.skip(reason)


def ensure_reference(shared: Path) -> Path:
    """Install the kit (first call) and return its cache folder; skip when impossible."""
    if shutil.which("node") is None:
        _unavailable("node is not installed")
    run = shared / "interop/verifier/run"
    result = subprocess.run([str(run), "verify", "--help"], capture_output=True, text=True, timeout=900)
    if result.returncode != 0 or not (cache_dir() / "node_modules/jsonld").is_dir():
        _unavailable(f"the reference kit could not be installed: {result.stderr[-500:]}")
    return cache_dir()


def reference_canon(files: list[Path]) -> dict[str, Any]:
    """{file: {"full": nquads | {"error"}, "unsigned": ...}} from jsonld.js (safe mode)."""
    script = HERE / "reference_canon.mjs"
    result = subprocess.run(
        ["node", str(script), *map(str, files)], capture_output=True, text=True, timeout=600, check=False
    )
    if result.returncode != 0:
        raise AssertionError(f"reference_canon.mjs failed: {result.stderr[-2000:]}")
    out: dict[str, Any] = json.loads(result.stdout)
    return out


def reference_verify(
    shared: Path, *files: Path, expect_fail: bool = False, options: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """``verifier/run verify FILE... [options]`` (one JSON line per file on stdout)."""
    args = [str(shared / "interop/verifier/run"), "verify", *map(str, files), "--quiet-urls", *options]
    if expect_fail:
        args.append("--expect-fail")
    return subprocess.run(args, capture_output=True, text=True, timeout=600, check=False)
