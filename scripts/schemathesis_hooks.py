"""schemathesis hooks for .ci/run: a fresh CDS Hooks bearer token per call.

Loaded with SCHEMATHESIS_HOOKS=scripts.schemathesis_hooks against a server
that trusts the test EHR (scripts/cds_token.py) and whose --public-url is
the URL schemathesis calls (BACKCARE_CI_BASE). Each CDS call gets its own
token (its own `jti`, `aud` the endpoint called), so authentication stays
on and the `ignored_auth` check can confirm that calls without a token, or
with a wrong one, are refused.
"""

from __future__ import annotations

import os

import schemathesis

from scripts import cds_token

BASE = os.environ["BACKCARE_CI_BASE"].rstrip("/")


# refresh_interval=None: no caching, since a token is good for one call.
@schemathesis.auth(refresh_interval=None).apply_to(path_regex="^/cds-services")
class CdsToken:
    def get(self, case, ctx):
        return cds_token.token(BASE + case.formatted_path)

    def set(self, case, data, ctx):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"
