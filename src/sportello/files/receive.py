"""Receive an upload body to disk under a size limit, while it streams in."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sportello.errors import FileEmptyError, FileTooLargeError


@dataclass(frozen=True)
class Received:
    path: Path
    size: int
    sha256: str
    head: bytes
    """The first bytes, for sniffing the type."""


HEAD_BYTES = 8192


def size_in_words(limit: int) -> str:
    """10485760 → '10 MB' (the limit as people read it)."""
    mb = limit / (1024 * 1024)
    return f"{mb:.0f} MB" if mb >= 1 else f"{limit // 1024} KB"


async def receive_to_file(
    chunks: AsyncIterator[bytes], target: Path, limit: int, declared: int | None
) -> Received:
    """Write the body to ``target``, refusing it once more than ``limit`` bytes have come
    (having read at most one chunk more); nothing is left on disk when refused."""
    if declared is not None and declared > limit:
        raise _too_large(limit)
    digest = hashlib.sha256()
    size = 0
    head = b""
    # File I/O runs off the event loop: a slow disk must not stall the chat.
    out = await asyncio.to_thread(target.open, "wb")
    try:
        async for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            if len(head) < HEAD_BYTES:
                head += chunk[: HEAD_BYTES - len(head)]
            digest.update(chunk)
            await asyncio.to_thread(out.write, chunk)
        if size == 0:
            raise FileEmptyError("the file is empty")
    except BaseException:
        await asyncio.to_thread(_discard, out, target)
        raise
    await asyncio.to_thread(out.close)
    return Received(path=target, size=size, sha256=digest.hexdigest(), head=head)


def _discard(out: BinaryIO, target: Path) -> None:
    out.close()
    target.unlink(missing_ok=True)


def _too_large(limit: int) -> FileTooLargeError:
    return FileTooLargeError(
        f"the file is larger than the limit of {size_in_words(limit)}",
        limit=limit,
        limit_text=size_in_words(limit),
    )
