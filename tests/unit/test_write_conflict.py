"""A write PostgreSQL rolled back to break a lock cycle answers ``503 write_conflict`` with
``Retry-After`` (the client sends it again), not ``500 internal``; any other database
failure stays an internal error."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.exc import DBAPIError

from sportello.web.errors import install_error_handlers


class _DriverError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


def _app(sqlstate: str) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/write")
    async def write() -> None:
        raise DBAPIError("INSERT …", None, _DriverError(sqlstate))

    return app


async def _post(sqlstate: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=_app(sqlstate), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.post("/write")


@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])
async def test_a_write_ended_by_the_database_asks_to_be_sent_again(sqlstate: str) -> None:
    answer = await _post(sqlstate)
    assert answer.status_code == 503
    assert answer.json()["code"] == "write_conflict"
    assert answer.headers["Retry-After"] == "1"


async def test_another_database_failure_is_internal() -> None:
    answer = await _post("23505")
    assert (answer.status_code, answer.json()["code"]) == (500, "internal")
