"""Property-based fuzzing of the whole OpenAPI surface, as every role: no 5xx, and every
error body is ``{code, message}``. Valid and invalid inputs (schemathesis' positive and
negative modes), a bounded number of examples per operation so CI stays quick."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from sportello.domain.model import Role
from tests.support.seed import AgentSpec, ServiceSpec, seed
from tests.support.server import ServerProcess

EXAMPLES = 8
SITE = "https://shop.example"
ROLES = ("admin", "supervisor", "agent", "visitor", "anonymous")
ENDS_THE_SESSION = {("POST", "/api/auth/logout")}


@dataclass
class Api:
    url: str
    schema: Any
    headers: dict[str, dict[str, str]]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    tmp: Path = tmp_path_factory.mktemp("fuzz")
    db = f"sqlite+aiosqlite:///{tmp / 'sportello.sqlite3'}"
    seeded = seed(
        db,
        agents=(
            AgentSpec("ann", ("sales",), Role.ADMIN),
            AgentSpec("sue", ("sales",), Role.SUPERVISOR),
            AgentSpec("bob", ("sales",)),
        ),
        services=(ServiceSpec("Sales", ("sales",)), ServiceSpec("Shop", ("sales",), sites=(SITE,))),
    )
    server = ServerProcess(db, data_dir=tmp)
    server.start()
    try:
        headers: dict[str, dict[str, str]] = {"anonymous": {}}
        for role, login in (("admin", "ann"), ("supervisor", "sue"), ("agent", "bob")):
            signed_in = httpx.post(
                f"{server.url}/api/auth/login",
                json={"login": login, "password": seeded.passwords[login]},
            )
            headers[role] = {"Authorization": f"Bearer {signed_in.json()['token']}"}
        contact = httpx.post(
            f"{server.url}/api/visitor/contacts",
            headers={"Origin": SITE},
            json={
                "service_id": seeded.services["Shop"]["id"],
                "visitor_id": "fuzz-visitor",
                "name": "Fuzz",
            },
        )
        assert contact.status_code == 201, contact.text
        headers["visitor"] = {
            "Authorization": f"Bearer {contact.json()['token']}",
            "Origin": SITE,
        }
        spec = httpx.get(f"{server.url}/openapi.json").json()
        yield Api(server.url, schemathesis.openapi.from_dict(spec), headers)
    finally:
        server.stop()


def check(response: Any, what: str) -> None:
    assert response.status_code < 500, f"{what} → {response.status_code}: {response.text[:500]}"
    if response.status_code >= 400:
        body = response.json()
        assert isinstance(body, dict), f"{what} → {response.text[:500]}"
        assert isinstance(body.get("code"), str) and body["code"], f"{what} → {body}"
        assert isinstance(body.get("message"), str) and body["message"], f"{what} → {body}"


NOT_INTEGERS = (" 2", "2 ", "+2", "02", "2.0", "2_0", "2e0", "0x2", "\u0662", "")
"""Spellings that lax parsing reads as 2 (or 20): no integer parameter takes them."""


def integer_parameters(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                types = {s.get("type") for s in schema.get("anyOf", [schema])}
                if "integer" in types:
                    yield method.upper(), path, parameter


def test_integer_parameters_are_plain_digits(api: Api) -> None:
    """Every integer in a path or query, ids first, is plain digits or `invalid_input`.
    Placed before the fuzzing, which may reset the admin's password (ending its sign-in)."""
    spec = httpx.get(f"{api.url}/openapi.json").json()
    checked = 0
    client = httpx.Client(base_url=api.url)
    for method, path, parameter in integer_parameters(spec):
        role = "visitor" if path.startswith("/api/visitor/") else "admin"
        for raw in NOT_INTEGERS:
            if parameter["in"] == "path" and not raw:
                continue  # an empty segment is another path
            spelled = quote(raw, safe="")
            url = re.sub(r"\{[^}]+\}", "1", path.replace(f"{{{parameter['name']}}}", spelled))
            if parameter["in"] == "query":
                url += f"?{parameter['name']}={spelled}"
            response = client.request(method, url, headers=api.headers[role])
            what = f"{method} {url}"
            check(response, what)
            assert response.json()["code"] == "invalid_input", f"{what} → {response.text}"
            checked += 1
    client.close()
    assert checked > 50  # the path ids of contacts, agents, services… and the query ids


@pytest.mark.parametrize("role", ROLES)
def test_no_server_errors_and_every_error_is_code_and_message(api: Api, role: str) -> None:
    operations = [result.ok() for result in api.schema.get_all_operations()]
    assert len(operations) > 20  # the whole surface, not an empty schema
    for operation in operations:
        if role != "anonymous" and (operation.method.upper(), operation.path) in ENDS_THE_SESSION:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def fuzz(case: Any) -> None:
                response = case.call(base_url=api.url, headers=api.headers[role])
                check(response, f"{role} {case.method} {case.formatted_path}")

            try:
                fuzz()
            except Unsatisfiable:
                # nothing to get wrong: an operation without parameters or body
                assert mode is GenerationMode.NEGATIVE, operation.path
