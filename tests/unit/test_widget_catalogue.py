"""The widget's catalogue (frontend/xliff/widget/<locale>.xlf) covers every msg() of the
widget and the shared modules, each translated, none stale; the locale modules built from it
are the ones committed; and no text a visitor reads is left outside msg() (a heuristic,
frontend/scripts/untranslated.mjs). docs/architecture.md, "Languages"."""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
CONFIG = FRONTEND / "lit-localize.widget.json"
LIT_LOCALIZE = FRONTEND / "node_modules" / ".bin" / "lit-localize"
XLIFF = "{urn:oasis:names:tc:xliff:document:1.2}"


@pytest.fixture(scope="module")
def tools() -> None:
    if not LIT_LOCALIZE.exists() or shutil.which("node") is None:
        pytest.fail("the front end's tools are not installed: make setup (npm ci in frontend/)")


def units(path: Path) -> dict[str, tuple[str, str | None]]:
    """id → (source, target) of an XLIFF file, placeholders as their markup."""
    found: dict[str, tuple[str, str | None]] = {}
    for unit in ET.parse(path).getroot().iter(f"{XLIFF}trans-unit"):
        source = unit.find(f"{XLIFF}source")
        target = unit.find(f"{XLIFF}target")
        assert source is not None
        said = ET.tostring(target, encoding="unicode") if target is not None else None
        found[unit.attrib["id"]] = (ET.tostring(source, encoding="unicode"), said)
    return found


def copy_config(tmp: Path) -> dict[str, object]:
    """The real config, reading the real sources, writing under `tmp`."""
    config = json.loads(CONFIG.read_text())
    config["inputFiles"] = [
        f"!{FRONTEND / p[1:]}" if p.startswith("!") else str(FRONTEND / p)
        for p in config["inputFiles"]
    ]
    config["interchange"]["xliffDir"] = str(tmp / "xliff")
    config["output"]["outputDir"] = str(tmp / "locales")
    config["output"]["localeCodesModule"] = str(tmp / "locales" / "locale-codes.ts")
    shutil.copytree(
        FRONTEND / json.loads(CONFIG.read_text())["interchange"]["xliffDir"], tmp / "xliff"
    )
    (tmp / "config.json").write_text(json.dumps(config))
    return config


def lit_localize(command: str, tmp: Path) -> None:
    done = subprocess.run(
        [str(LIT_LOCALIZE), command, "--config", str(tmp / "config.json")],
        cwd=tmp,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_message_is_translated_and_none_is_stale(tools: None, tmp_path: Path) -> None:
    config = copy_config(tmp_path)
    committed_dir = FRONTEND / json.loads(CONFIG.read_text())["interchange"]["xliffDir"]
    lit_localize("extract", tmp_path)
    locales = config["targetLocales"]
    assert isinstance(locales, list) and {"it", "es", "fr", "de", "pt"} <= set(locales)
    problems: list[str] = []
    for locale in locales:
        committed = units(committed_dir / f"{locale}.xlf")
        extracted = units(tmp_path / "xliff" / f"{locale}.xlf")
        assert len(extracted) > 150  # the extraction found the widget's messages
        missing = sorted(extracted.keys() - committed.keys())
        stale = sorted(committed.keys() - extracted.keys())
        changed = sorted(
            i for i in extracted.keys() & committed.keys() if extracted[i][0] != committed[i][0]
        )
        untranslated = sorted(i for i, (_, target) in committed.items() if not target)
        for what, ids in [
            ("not in the catalogue (npm run localize:widget, then translate)", missing),
            ("stale (no msg() has this id any more: npm run localize:widget)", stale),
            ("English changed since the catalogue (extract, then check the translation)", changed),
            ("without a translation", untranslated),
        ]:
            if ids:
                problems.append(f"{locale}: {what}: {', '.join(ids)}")
    assert not problems, "\n".join(problems)


def test_the_committed_locale_modules_are_built_from_the_catalogue(
    tools: None, tmp_path: Path
) -> None:
    config = copy_config(tmp_path)
    lit_localize("build", tmp_path)
    output = json.loads(CONFIG.read_text())["output"]
    committed = FRONTEND / output["outputDir"]
    built = sorted(p.name for p in (tmp_path / "locales").iterdir())
    assert built == sorted(f"{loc}.ts" for loc in [*config["targetLocales"], "locale-codes"])  # type: ignore[misc]
    stale = [
        n for n in built if (tmp_path / "locales" / n).read_text() != (committed / n).read_text()
    ]
    assert not stale, f"rebuild with `npm run build:widget` and commit: {stale}"


def test_no_visible_text_is_left_outside_msg(tools: None) -> None:
    done = subprocess.run(
        ["node", "scripts/untranslated.mjs", "widget", "shared"],
        cwd=FRONTEND,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_guard_finds_unwrapped_text(tools: None, tmp_path: Path) -> None:
    """The heuristic itself: a template's text node and title, a shown string; not msg()."""
    (tmp_path / "probe.ts").write_text(
        'import { html } from "lit";\n'
        'export const a = html`<p>Hello there</p><button title="Close it">${x}</button>`;\n'
        'export const b = ok ? "Stay" : "Leave now";\n'
        'export const c = msg("Fine by me", { id: "probe" }) + (key === "Enter" ? "" : "");\n'
    )
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "deeper.ts").write_text(
        'export const d = "Said in a subfolder";\n'
        'export const e = "Notification" in window ? `<script src="${u}" async></script>` : "";\n'
    )
    done = subprocess.run(
        ["node", "scripts/untranslated.mjs", str(tmp_path)],
        cwd=FRONTEND,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    flagged = [line.split(": ", 1)[1] for line in done.stdout.splitlines()[1:]]
    assert sorted(flagged) == sorted(
        ['"Hello there"', '"Close it"', '"Stay"', '"Leave now"', '"Said in a subfolder"']
    )
