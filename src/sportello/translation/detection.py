"""Which language a visitor writes, limited to the configured languages (py3langid ships its
small model). Short texts are unreliable with every detector: the widget's locale wins
unless the text is long enough and the detector is confident."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

MIN_CHARS = 25
MIN_CONFIDENCE = 0.9


@lru_cache(maxsize=8)
def _identifier(languages: tuple[str, ...]) -> Any:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(languages))
    return identifier


def guess_language(text: str, locale: str | None, languages: list[str]) -> str | None:
    """The visitor's language: the detected one on long confident text, else the locale's."""
    base = (locale or "").split("-")[0].lower()
    hint = base if base in languages else None
    if len(text.strip()) < MIN_CHARS or not languages:
        return hint
    found, confidence = _identifier(tuple(languages)).classify(text)
    if confidence >= MIN_CONFIDENCE:
        return str(found)
    return hint
