"""The quality script (issue 22) scores real Apertium on the project's parallel lines."""

from __future__ import annotations

from bench.translation_quality import measure, read_lines

from sportello.config import Settings


def test_the_parallel_lines_line_up() -> None:
    columns = read_lines()
    assert set(columns) == {"en", "es", "it", "fr", "pt", "ca"}
    assert len({len(lines) for lines in columns.values()}) == 1
    assert all(line.strip() for lines in columns.values() for line in lines)


async def test_each_route_asked_for_is_scored_against_its_references() -> None:
    columns = {language: lines[:4] for language, lines in read_lines().items()}
    scores = await measure(Settings(), columns, ["es-en", "en-it"])
    assert [(s.source, s.target, s.via) for s in scores] == [("en", "it", "es"), ("es", "en", None)]
    for score in scores:
        assert score.failed == 0 and 0 < score.chrf <= 100
    perfect = await measure(Settings(), {"es": ["Gracias."], "en": ["Thank you."]}, ["es-en"])
    assert perfect[0].chrf == 100
