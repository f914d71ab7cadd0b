#!/usr/bin/env python3
"""Round-trips every example of the OpenAPI document through a typed client.

The client is the one openapi-python-client generates from
openapi/openapi.json (.ci/run generates it into target/py-client). For each
operation, every request example is turned into the client's model and back
(it must come back unchanged), sent to a running server through the client,
and the answer parsed into the documented model; every response example is
turned into its model and back as well. A client developer generating code
from the document sees exactly what this script sees.

Usage: client-roundtrip.py CLIENT_PARENT_DIR PACKAGE BASE_URL [SPEC] [--skip PREFIX]...

CDS Hooks operations are called with a fresh bearer token from the test
EHR (scripts/cds_token.py), as the server in .ci/run trusts it. Feedback
counts only cards the server issued (their ids carry its HMAC tag), so each
feedback example is sent twice: as written, which must get the documented
400 answer, and naming a card the server has just given for the call
example (a new one each time: a card counts once), which must get the
documented 200 receipt.
"""

import enum
import importlib
import json
import re
import sys
import typing


def snake(name):
    name = re.sub(r"[^0-9a-zA-Z]+", "_", name)
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return name.lower().strip("_")


def model(package, ref):
    name = ref.rsplit("/", 1)[-1]
    module = importlib.import_module(f"{package}.models.{snake(name)}")
    return getattr(module, name)


def clean(value):
    """JSON as the client writes it: keys whose value is unset are absent."""
    return json.loads(json.dumps(value))


def round_trip(cls, example, where, failures):
    try:
        parsed = cls.from_dict(example)
        back = clean(parsed.to_dict())
    except Exception as e:  # noqa: BLE001 - any failure is a finding
        failures.append(f"{where}: {cls.__name__}.from_dict failed: {e!r}")
        return None
    if back != clean(example):
        failures.append(f"{where}: {cls.__name__} did not round-trip:\n  in:  {json.dumps(example)[:400]}\n  out: {json.dumps(back)[:400]}")
    return parsed


def examples_of(content):
    out = []
    if "example" in content:
        out.append(("example", content["example"]))
    for name, ex in (content.get("examples") or {}).items():
        if "value" in ex:
            out.append((name, ex["value"]))
    return out


def main():
    args = sys.argv[1:]
    skip = [args[i + 1] for i, a in enumerate(args) if a == "--skip"]
    args = [a for i, a in enumerate(args) if a != "--skip" and (i == 0 or args[i - 1] != "--skip")]
    parent, package, base = args[0], args[1], args[2]
    spec_path = args[3] if len(args) > 3 else "openapi/openapi.json"
    sys.path.insert(0, parent)
    client_mod = importlib.import_module(f"{package}.client")
    client = client_mod.Client(base_url=base, raise_on_unexpected_status=False)
    sys.path.insert(0, ".")
    try:
        from scripts import cds_token
    except ImportError:
        cds_token = None
    spec = json.load(open(spec_path))
    failures, sent, checked = [], 0, 0
    for path, ops in spec["paths"].items():
        if any(path.startswith(p) for p in skip):
            print(f"skipped: {path}")
            continue
        for method, op in ops.items():
            op_id = op["operationId"]
            tag = snake(op["tags"][0])
            api = importlib.import_module(f"{package}.api.{tag}.{snake(op_id)}")
            where = f"{method.upper()} {path} ({op_id})"
            # Response examples: each parses into its model and back.
            for status, resp in op.get("responses", {}).items():
                content = (resp.get("content") or {})
                for ctype, media in content.items():
                    ref = (media.get("schema") or {}).get("$ref")
                    if not ref or "json" not in ctype:
                        continue
                    for name, ex in examples_of(media):
                        round_trip(model(package, ref), ex, f"{where} {status} example {name}", failures)
                        checked += 1
            if status_has_no_example(op):
                failures.append(f"{where}: the 200 response has no example")
            # Requests: path and query examples, and each body example.
            kwargs = {}
            hints = typing.get_type_hints(api.sync_detailed)
            for p in op.get("parameters", []):
                if "example" in p:
                    name = snake(p["name"])
                    kwargs[name] = typed(hints.get(name), p["example"])
                elif p.get("required"):
                    failures.append(f"{where}: required parameter {p['name']} has no example")
            body = (op.get("requestBody") or {}).get("content", {}).get("application/json")
            # (name, parsed body, status expected, answers documented for it)
            sends = [(None, None, 200, None)]
            if body:
                ref = body["schema"]["$ref"]
                cls = model(package, ref)
                sends = []
                for name, ex in examples_of(body):
                    parsed = round_trip(cls, ex, f"{where} request example {name}", failures)
                    if parsed is None:
                        continue
                    if not names_cards(path, ex):
                        sends.append((name, parsed, 200, None))
                        continue
                    # Feedback counts only cards this service issued, and a
                    # live server issues its own card ids: the example as
                    # written is refused with the documented 400, and the
                    # same feedback on a card the server just gave is counted
                    # with the documented receipt.
                    sends.append((f"{name} as written", parsed, 400, documented(op, "400")))
                    card = issued_card(spec, path, package, client_mod, base, cds_token, failures)
                    if card is not None:
                        ours = round_trip(cls, on_card(ex, card), f"{where} {name} on an issued card", failures)
                        if ours is not None:
                            sends.append((name, ours, 200, documented(op, "200", name)))
                if not examples_of(body):
                    failures.append(f"{where}: the request body has no example")
            for name, parsed, expected, answers in sends:
                args = dict(kwargs)
                if parsed is not None:
                    args["body"] = parsed
                try:
                    response = api.sync_detailed(client=caller_for(path, client, client_mod, base, cds_token), **args)
                except Exception as e:  # noqa: BLE001
                    failures.append(f"{where} {name or ''}: the client could not send it: {e!r}")
                    continue
                sent += 1
                if int(response.status_code) != expected:
                    failures.append(f"{where} {name or ''}: answered {int(response.status_code)}, not {expected}: {response.content[:300]!r}")
                    continue
                if answers is not None and json.loads(response.content) not in answers:
                    failures.append(f"{where} {name or ''}: the answer is not the documented example: {response.content[:300]!r}")
                media = (op["responses"].get(str(expected)) or {}).get("content", {})
                ctype = next((c for c in media if "json" in c), None)
                ref = ((media.get(ctype) or {}).get("schema") or {}).get("$ref")
                if ref:
                    round_trip(model(package, ref), json.loads(response.content), f"{where} {name or ''} answer", failures)
                    checked += 1
    print(f"{sent} requests sent through the typed client, {checked} examples and answers round-tripped")
    if failures:
        print(f"{len(failures)} problem(s):")
        for f in failures:
            print(" -", f)
        sys.exit(1)
    print("every example round-trips")


def caller_for(path, client, client_mod, base, cds_token):
    """The client for `path`: CDS Hooks calls carry a fresh bearer token for
    exactly the endpoint called (one token per call: its `jti` is used once)."""
    if path.startswith("/cds-services") and cds_token is not None:
        url = base.rstrip("/") + path
        return client_mod.AuthenticatedClient(
            base_url=base, token=cds_token.token(url), raise_on_unexpected_status=False)
    return client


def names_cards(path, example):
    """Whether `example` is CDS Hooks feedback, which names cards by id."""
    items = example.get("feedback") if isinstance(example, dict) else None
    return (path.startswith("/cds-services/") and path.endswith("/feedback")
            and isinstance(items, list) and all(isinstance(i, dict) and "card" in i for i in items))


def on_card(example, card):
    """The feedback `example` naming the card `card` instead."""
    out = json.loads(json.dumps(example))
    for item in out["feedback"]:
        item["card"] = card
    return out


def issued_card(spec, feedback_path, package, client_mod, base, cds_token, failures):
    """The id of a new card the server issued: the answer to the first
    request example of the service the feedback path belongs to, sent
    through the typed client. A card's feedback counts once, so every
    feedback example gets a card of its own."""
    path = feedback_path[: -len("/feedback")]
    op = (spec["paths"].get(path) or {}).get("post")
    body = ((op or {}).get("requestBody") or {}).get("content", {}).get("application/json")
    calls = examples_of(body) if body else []
    if not calls:
        failures.append(f"POST {feedback_path}: no call example to get a card from")
        return None
    api = importlib.import_module(f"{package}.api.{snake(op['tags'][0])}.{snake(op['operationId'])}")
    call = model(package, body["schema"]["$ref"]).from_dict(calls[0][1])
    client = client_mod.Client(base_url=base, raise_on_unexpected_status=False)
    response = api.sync_detailed(client=caller_for(path, client, client_mod, base, cds_token), body=call)
    cards = json.loads(response.content).get("cards") if int(response.status_code) == 200 else None
    if not cards:
        failures.append(f"POST {feedback_path}: the call example got no card to give feedback on: {response.content[:300]!r}")
        return None
    return cards[0]["uuid"]


def documented(op, status, name=None):
    """The JSON example answers of `op` for `status` (only the one called
    `name`, when given), or None when there are none to compare with."""
    content = (op.get("responses", {}).get(status) or {}).get("content") or {}
    values = [ex for media in content.values() for n, ex in examples_of(media) if name is None or n == name]
    return values or None


def typed(hint, value):
    """The example as the client's parameter type: an enum member where the
    parameter is an enum, a list of them for a repeated one."""
    for arg in typing.get_args(hint) or (hint,):
        if isinstance(arg, type) and issubclass(arg, enum.Enum):
            return arg(value)
        if typing.get_origin(arg) is list:
            (item,) = typing.get_args(arg)
            values = value if isinstance(value, list) else [value]
            return [typed(item, v) for v in values]
    return value


def status_has_no_example(op):
    ok = op.get("responses", {}).get("200")
    if not ok:
        return False
    media = (ok.get("content") or {}).get("application/json")
    return media is not None and not examples_of(media)


if __name__ == "__main__":
    main()
