"""schemathesis hooks for .ci/run: a fresh CDS Hooks bearer token per call,
and the two CDS Hooks rules no fixed schema can state.

Loaded with SCHEMATHESIS_HOOKS=scripts.schemathesis_hooks against a server
that trusts the test EHR (scripts/cds_token.py) and whose --public-url is
the URL schemathesis calls (BACKCARE_CI_BASE). Each CDS call gets its own
token (its own `jti`, `aud` the endpoint called), so authentication stays
on and the `ignored_auth` check can confirm that calls without a token, or
with a wrong one, are refused.

The OpenAPI document states every rule of a CDS Hooks call that JSON Schema
can state. Three it cannot: that each prefetched resource is the context
patient's (the service refuses to mix records), that dates lie in the past,
a birth date at most 130 years back (the document is fixed; today is not),
and that feedback names a card this service issued (its id carries an HMAC
tag that only the service can make). A schema-valid body broken only by
those is rightly refused with a 400. `filter_failure` drops exactly those
failures of the positive data acceptance check, recognised by the service's
own words for the rules, so that any other refusal of a schema-valid body
still fails the run.
"""

from __future__ import annotations

import json
import os

import requests
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


# The service's messages for the rules (src/ehr/fhir.rs, src/http/cds/mod.rs).
DOCUMENTED = (
    "refusing to mix records",
    "is in the future",
    "years ago: not a real birth date",
    "is not the id of a card this service issued",
)


# The service lists at most this many problems and only counts the rest.
LISTED_ERRORS = 50


def _documented_messages(problem):
    errors = problem.get("errors") if isinstance(problem, dict) else None
    return bool(errors) and all(
        any(words in str(error.get("message", "")) for words in DOCUMENTED)
        for error in errors
    )


def _chunks_documented_only(request):
    """Problems past the first 50 are only counted, so they cannot be read
    from the response. Re-send the feedback list in pieces small enough for
    every problem to be listed, each with its own token; all must be refused
    for a documented rule alone."""
    try:
        body = json.loads(request.body)
    except (TypeError, ValueError):
        return False
    items = body.get("feedback") if isinstance(body, dict) else None
    if not isinstance(items, list) or len(items) <= LISTED_ERRORS:
        return False
    url = request.url
    for start in range(0, len(items), LISTED_ERRORS):
        piece = dict(body, feedback=items[start : start + LISTED_ERRORS])
        reply = requests.post(
            url,
            json=piece,
            headers={"Authorization": f"Bearer {cds_token.token(url.split('?')[0])}"},
            timeout=30,
        )
        if reply.status_code != 400:
            return False
        try:
            problem = reply.json()
        except ValueError:
            return False
        if problem.get("omitted_errors") or not _documented_messages(problem):
            return False
    return True


def _documented_only(response):
    try:
        problem = json.loads(response.content)
    except ValueError:
        return False
    if not _documented_messages(problem):
        return False
    if problem.get("omitted_errors"):
        return _chunks_documented_only(response.request)
    return True


@schemathesis.hook
def filter_failure(context, failure, case, response):
    """Keep every failure but a schema-valid call refused for a documented rule."""
    refused_for_documented_rule = (
        failure.code == "ST202"
        and response.status_code == 400
        and _documented_only(response)
    )
    return not refused_for_documented_rule
