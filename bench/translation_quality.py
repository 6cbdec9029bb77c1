"""``python -m bench.translation_quality``: how good the configured engine is, by figures.

Translates a small parallel set of support-style chat lines written for this project
(``bench/data/support-lines.tsv``: one column per language, the same line in each) along
every route the engine offers between its columns, direct or through Spanish, and prints
sacrebleu's corpus BLEU and chrF per route against the column of the target language. Run
it with ``SPORTELLO_TRANSLATION_ENGINE=libretranslate`` (or ``deepl`` and a key) to weigh
another engine on the same lines; an unreachable engine offers no route and prints so."""

from __future__ import annotations

import argparse
import asyncio
import csv
from dataclasses import dataclass
from pathlib import Path

from sacrebleu.metrics.bleu import BLEU
from sacrebleu.metrics.chrf import CHRF

from sportello.config import Settings
from sportello.translation.translator import TranslationFailed, build_translator

LINES = Path(__file__).parent / "data" / "support-lines.tsv"


@dataclass(frozen=True)
class Score:
    source: str
    target: str
    via: str | None
    bleu: float
    chrf: float
    failed: int


def read_lines(path: Path = LINES) -> dict[str, list[str]]:
    """Each language's column, in order."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return {language: [row[language] for row in rows] for language in rows[0]}


async def measure(
    settings: Settings, columns: dict[str, list[str]], only: list[str] | None = None
) -> list[Score]:
    translator = build_translator(settings.model_copy(update={"translation_timeout_seconds": 60}))
    scores = []
    try:
        for source in columns:
            for target in columns:
                route = await translator.route(source, target)
                if source == target or route is None:
                    continue
                if only and f"{source}-{target}" not in only:
                    continue
                out, failed = [], 0
                for line in columns[source]:
                    try:
                        out.append((await translator.translate(line, source, target)).text)
                    except TranslationFailed:
                        out.append("")
                        failed += 1
                refs = [columns[target]]
                bleu = BLEU(tokenize="13a").corpus_score(out, refs).score
                chrf = CHRF().corpus_score(out, refs).score
                scores.append(Score(source, target, route.via, bleu, chrf, failed))
    finally:
        await translator.close()
    return scores


def main() -> None:
    prog = "python -m bench.translation_quality"
    parser = argparse.ArgumentParser(prog=prog, description=__doc__)
    parser.add_argument("--pairs", nargs="*", help="only these routes, e.g. es-en en-es")
    args = parser.parse_args()
    settings = Settings()
    columns = read_lines()
    scores = asyncio.run(measure(settings, columns, args.pairs))
    print(f"engine: {settings.translation_engine}, {len(columns['en'])} lines per language")
    if not scores:
        print("no route: the engine offers none between these languages (or is unreachable)")
    for s in scores:
        via = f" (through {s.via})" if s.via else ""
        failed = f", {s.failed} failed" if s.failed else ""
        print(f"{s.source}→{s.target}{via}: BLEU {s.bleu:.1f}, chrF {s.chrf:.1f}{failed}")


if __name__ == "__main__":
    main()
