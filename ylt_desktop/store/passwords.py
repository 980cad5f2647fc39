"""Password hashes: scrypt with a random salt, stored as ``scrypt$n=…,r=…,p=…$salt$hash``.

The parameters are stored with each hash (as Django's hashers do), so they can be raised later:
an older hash still verifies and ``needs_rehash`` says to hash the password again at the next
sign-in. ``YLT_SCRYPT_N`` lowers the cost for the test suite only; the program uses ``COST``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets

ALGORITHM = "scrypt"
COST = {"n": 2**15, "r": 8, "p": 1}  # ~0.1 s and 32 MiB per hash on a 2020 office PC
_MAXMEM = 128 * 1024 * 1024


def current_cost() -> dict[str, int]:
    n = os.environ.get("YLT_SCRYPT_N")
    return {**COST, "n": int(n)} if n else dict(COST)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _derive(password: str, salt: bytes, cost: dict[str, int]) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, maxmem=_MAXMEM, **cost)


def hash_password(password: str) -> str:
    cost = current_cost()
    salt = secrets.token_bytes(16)
    params = ",".join(f"{k}={v}" for k, v in cost.items())
    return f"{ALGORITHM}${params}${_b64(salt)}${_b64(_derive(password, salt, cost))}"


def _parse(stored: str) -> tuple[dict[str, int], bytes, bytes] | None:
    try:
        algorithm, params, salt, digest = stored.split("$")
        if algorithm != ALGORITHM:
            return None
        cost = {k: int(v) for k, v in (part.split("=") for part in params.split(","))}
        return cost, base64.b64decode(salt), base64.b64decode(digest)
    except (ValueError, TypeError):
        return None


def verify_password(password: str, stored: str) -> bool:
    parsed = _parse(stored or "")
    if parsed is None:
        return False
    cost, salt, digest = parsed
    return hmac.compare_digest(_derive(password, salt, cost), digest)


def needs_rehash(stored: str) -> bool:
    parsed = _parse(stored or "")
    return parsed is None or parsed[0] != current_cost()
