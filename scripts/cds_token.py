"""CDS Hooks bearer tokens signed with the repository's test EHR key.

Standard library only: RS384 (RSASSA-PKCS1-v1_5 with SHA-384) is a modular
exponentiation, done here with Python integers from the PKCS#1 DER key in
tests/fixtures/keys/. The key is a test key made for this repository and
trusted only by servers started with
`--cds-issuer https://ehr.test/fhir=tests/fixtures/keys/ehr-jwks.json`.
Used by scripts/hostile.py and scripts/schemathesis_hooks.py.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid
from pathlib import Path

KEYS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "keys"
ISSUER = "https://ehr.test/fhir"
JWKS = KEYS / "ehr-jwks.json"
KID = "ehr-rs384"

# The DER prefix of a SHA-384 DigestInfo (RFC 8017, section 9.2, note 1).
SHA384_DIGEST_INFO = bytes.fromhex("3041300d060960864801650304020205000430")


def b64(data: bytes) -> str:
    """Unpadded base64url."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _der_integers(der: bytes) -> list[int]:
    """The INTEGERs of a DER SEQUENCE of INTEGERs (a PKCS#1 RSA key)."""

    def length(i: int) -> tuple[int, int]:
        first = der[i]
        if first < 0x80:
            return first, i + 1
        n = first & 0x7F
        return int.from_bytes(der[i + 1:i + 1 + n], "big"), i + 1 + n

    if der[0] != 0x30:
        raise ValueError("not a DER SEQUENCE")
    _, i = length(1)
    out = []
    while i < len(der):
        if der[i] != 0x02:
            raise ValueError("not an INTEGER")
        n, i = length(i + 1)
        out.append(int.from_bytes(der[i:i + n], "big"))
        i += n
    return out


_KEY: tuple[int, int] | None = None


def rs384(message: bytes) -> bytes:
    """The RS384 signature of `message` by the test EHR key."""
    global _KEY
    if _KEY is None:
        _, n, _, d, *_ = _der_integers((KEYS / "ehr-rs384.pkcs1.der").read_bytes())
        _KEY = (n, d)
    n, d = _KEY
    k = (n.bit_length() + 7) // 8
    digest_info = SHA384_DIGEST_INFO + hashlib.sha384(message).digest()
    encoded = b"\x00\x01" + b"\xff" * (k - len(digest_info) - 3) + b"\x00" + digest_info
    return pow(int.from_bytes(encoded, "big"), d, n).to_bytes(k, "big")


def encode(header: dict, claims: dict, sign=None, signature: bytes | None = None) -> str:
    """A compact JWS: signed by `sign`, or with the given signature bytes."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    if signature is None:
        signature = sign(signing_input.encode()) if sign else b""
    return f"{signing_input}.{b64(signature)}"


def claims(audience: str, **change) -> dict:
    """Good claims for a call to `audience`; a change of None removes one."""
    now = int(time.time())
    out = {"iss": ISSUER, "sub": "backcare-ci", "aud": audience, "iat": now,
           "exp": now + 120, "jti": uuid.uuid4().hex}
    out.update(change)
    return {k: v for k, v in out.items() if v is not None}


def header(**change) -> dict:
    return {"alg": "RS384", "typ": "JWT", "kid": KID, **change}


def token(audience: str) -> str:
    """A fresh, valid token for the endpoint whose URL is `audience`."""
    return encode(header(), claims(audience), rs384)
