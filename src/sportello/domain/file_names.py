"""File names as people will see them: cleaned on the way in (RFC 6266 §4.3).

A name sent with an upload is shown in both transcripts and offered when saving the file,
so it keeps only its last path segment (never ``../../etc/passwd`` or ``C:\\x\\y``), and
loses control characters (CR/LF included) and the bidirectional controls that can make
``invoice\\u202egnp.exe`` read as ``invoiceexe.png``. A name that is already clean is kept
as sent.
"""

from __future__ import annotations

import unicodedata

UNNAMED = "file"

BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f"  # arabic letter mark, left-to-right and right-to-left marks
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings and overrides
    "\u2066\u2067\u2068\u2069"  # isolates
)


def _shown(char: str) -> bool:
    return char not in BIDI_CONTROLS and unicodedata.category(char) != "Cc"


def clean_file_name(name: str) -> str:
    """The name to store and show: last path segment, no control or bidi characters,
    no surrounding spaces; ``file`` when nothing is left (or only dots)."""
    last = name.replace("\\", "/").rsplit("/", 1)[-1]
    shown = "".join(c for c in unicodedata.normalize("NFC", last) if _shown(c)).strip()
    return shown if shown.strip(".") else UNNAMED
