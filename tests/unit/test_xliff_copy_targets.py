"""scripts/xliff_copy_targets.py: a message without a translation takes the other
catalogue's translation of the same message, and nothing else changes."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "xliff_copy_targets.py"


def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("xliff_copy_targets", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def unit(uid: str, source: str, target: str | None = None) -> str:
    inner = f"\n  <target>{target}</target>" if target is not None else ""
    return f'<trans-unit id="{uid}">\n  <source>{source}</source>{inner}\n</trans-unit>\n'


def test_only_missing_translations_of_the_same_message_are_copied() -> None:
    hello = 'Hi <x id="0" equiv-text="${name}"/>'
    ciao = 'Ciao <x id="0" equiv-text="${name}"/>'
    widget = unit("s1", hello, ciao) + unit("s2", "Old", "Vecchio")
    console = unit("s1", hello) + unit("s2", "New text") + unit("s3", "Kept", "Tenuto")
    merged, copied = script().copy_targets(widget, console)
    assert copied == 1
    assert merged == (
        unit("s1", hello, ciao) + unit("s2", "New text") + unit("s3", "Kept", "Tenuto")
    )
