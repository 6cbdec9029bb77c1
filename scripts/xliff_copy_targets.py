"""Give the messages of one XLIFF catalogue that have no translation yet the translation
another catalogue already has for the same message (same id, same source): the console's and
the widget's catalogues share frontend/shared's messages (docs/architecture.md,
"Localization of the console pages").

    python scripts/xliff_copy_targets.py frontend/xliff/widget/it.xlf frontend/xliff/console/it.xlf
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

UNIT = re.compile(r'(<trans-unit id="([^"]+)">\s*<source>(.*?)</source>)(.*?)(</trans-unit>)', re.S)
TARGET = re.compile(r"<target>.*?</target>", re.S)


def copy_targets(source: str, into: str) -> tuple[str, int]:
    known = {}
    for m in UNIT.finditer(source):
        target = TARGET.search(m.group(4))
        if target:
            known[(m.group(2), m.group(3))] = target.group(0)
    copied = 0

    def fill(m: re.Match[str]) -> str:
        nonlocal copied
        target = known.get((m.group(2), m.group(3)))
        if target is None or TARGET.search(m.group(4)):
            return m.group(0)
        copied += 1
        return f"{m.group(1)}\n  {target}{m.group(4)}{m.group(5)}"

    return UNIT.sub(fill, into), copied


def main(args: list[str]) -> None:
    source, into = Path(args[0]), Path(args[1])
    text, copied = copy_targets(source.read_text(), into.read_text())
    into.write_text(text)
    print(f"{copied} translations copied into {into}")


if __name__ == "__main__":
    main(sys.argv[1:])
