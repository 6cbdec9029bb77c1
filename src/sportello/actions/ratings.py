"""The visitor rates a contact once it has ended: 1 to 5 and an optional comment, once.

A second rating is refused (``already_rated``), never merged: the figure in the reports is
the visitor's answer at the end of the conversation, not a value that can be nudged."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from sportello.actions.context import Ctx
from sportello.domain.model import ContactState
from sportello.domain.principals import VisitorPrincipal
from sportello.errors import AlreadyRatedError, ContactNotEndedError
from sportello.queries.contacts import check_read, fetch_contact_row
from sportello.storage.tables import contact_ratings

RATED_STATES = (ContactState.CLOSED.value,)
"""Only a conversation an agent took can be rated: the rating is of that conversation."""


def rating_view(row: Any) -> dict[str, Any]:
    return {"score": row.score, "comment": row.comment, "rated_at": row.rated_at}


async def do_rate_contact(
    ctx: Ctx, visitor: VisitorPrincipal, contact_id: int, score: int, comment: str
) -> dict[str, Any]:
    now = ctx.clock.now()
    try:
        async with ctx.transaction() as (conn, writer):
            row = await fetch_contact_row(conn, contact_id)
            await check_read(conn, visitor, row)
            if row.state not in RATED_STATES:
                raise ContactNotEndedError(
                    "a conversation can be rated once it has ended", state=row.state
                )
            earlier = (
                await conn.execute(
                    select(contact_ratings).where(contact_ratings.c.contact_id == contact_id)
                )
            ).first()
            if earlier is not None:
                raise AlreadyRatedError(
                    "this conversation was rated already", rating=rating_view(earlier)
                )
            await conn.execute(
                insert(contact_ratings).values(
                    contact_id=contact_id, score=score, comment=comment.strip(), rated_at=now
                )
            )
            rating = {"score": score, "comment": comment.strip(), "rated_at": now}
            await writer.append(
                "contact.rated",
                {"contact_id": contact_id, "rating": rating},
                contact_id=contact_id,
                agent_id=row.agent_id,
                for_visitor=True,
            )
            return rating
    except IntegrityError as exc:  # a concurrent first rating won (PostgreSQL)
        raise AlreadyRatedError("this conversation was rated already") from exc
