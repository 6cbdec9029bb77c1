"""The type of a file, from its bytes (libmagic), never from what the client says."""

from __future__ import annotations

import magic

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
"""Images we preview: Pillow re-encodes a thumbnail of them."""

GENERIC = "application/octet-stream"


def sniff_type(head: bytes) -> str:
    """The MIME type libmagic sees in the first bytes ('application/octet-stream' if none)."""
    found = magic.from_buffer(head, mime=True)
    return str(found) if found else GENERIC


def is_refused(content_type: str, denied: list[str]) -> bool:
    """A denied entry is a full type ('application/x-msdownload') or a family ('video/*')."""
    family = content_type.split("/", 1)[0] + "/*"
    return content_type in denied or family in denied
