"""The console's message catalogue is complete: `lit-localize extract` over the console (and
the shared modules it shows) finds exactly the messages of frontend/xliff/console, each
translated in every locale, and the committed runtime modules are what `lit-localize build`
makes of them. A string wrapped in msg() without a translation, or a translation left behind
by a string that changed, fails here (docs/architecture.md, "Localization")."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
CONFIG = FRONTEND / "lit-localize.console.json"
TOOL = FRONTEND / "node_modules" / ".bin" / "lit-localize"
UNIT = re.compile(r'<trans-unit id="([^"]+)">(.*?)</trans-unit>', re.S)


def ids(xliff: str) -> set[str]:
    return {m.group(1) for m in UNIT.finditer(xliff)}


def run(config: Path, command: str) -> None:
    done = subprocess.run(
        [str(TOOL), command, "--config", str(config)],
        cwd=FRONTEND,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def scratch_config(tmp_path: Path) -> tuple[Path, dict[str, object]]:
    """The console's config with its outputs in tmp_path (the committed files stay as they
    are); the committed catalogue is copied there first, as extract merges into it."""
    config = json.loads(CONFIG.read_text())
    absolute = [
        ("!" + str(FRONTEND / p[1:])) if p.startswith("!") else str(FRONTEND / p)
        for p in config["inputFiles"]
    ]
    shutil.copytree(FRONTEND / config["interchange"]["xliffDir"], tmp_path / "xliff")
    scratch = {
        **config,
        "inputFiles": absolute,
        "interchange": {**config["interchange"], "xliffDir": str(tmp_path / "xliff")},
        "output": {
            **config["output"],
            "outputDir": str(tmp_path / "locales"),
            "localeCodesModule": str(tmp_path / "locale-codes.ts"),
        },
    }
    path = tmp_path / "lit-localize.json"
    path.write_text(json.dumps(scratch))
    return path, config


def test_every_console_string_is_translated_and_nothing_is_stale(tmp_path: Path) -> None:
    assert TOOL.exists(), "run `make setup` (npm ci in frontend/) first"
    path, config = scratch_config(tmp_path)
    run(path, "extract")
    for locale in config["targetLocales"]:  # type: ignore[attr-defined]
        committed = (FRONTEND / config["interchange"]["xliffDir"] / f"{locale}.xlf").read_text()  # type: ignore[index]
        extracted = (tmp_path / "xliff" / f"{locale}.xlf").read_text()
        new = sorted(ids(extracted) - ids(committed))
        stale = sorted(ids(committed) - ids(extracted))
        assert not new and not stale, (
            f"{locale}: run `npm run localize:console` in frontend/ and translate; "
            f"not in the catalogue: {new}; no longer in the code: {stale}"
        )
        untranslated = [
            m.group(1) for m in UNIT.finditer(extracted) if "<target>" not in m.group(2)
        ]
        assert not untranslated, f"{locale}: no <target> for {untranslated}"
        assert extracted == committed, f"{locale}: the catalogue's sources changed; re-extract"


def test_the_committed_locale_modules_are_built_from_the_catalogue(tmp_path: Path) -> None:
    path, config = scratch_config(tmp_path)
    run(path, "build")
    for locale in config["targetLocales"]:  # type: ignore[attr-defined]
        built = (tmp_path / "locales" / f"{locale}.ts").read_text()
        committed = (FRONTEND / config["output"]["outputDir"] / f"{locale}.ts").read_text()  # type: ignore[index]
        assert built == committed, f"run `npm run localize:console` in frontend/ ({locale}.ts)"


def test_no_visible_console_text_is_left_outside_msg() -> None:
    """The console, admin, supervision and reports pages (every folder under console/)."""
    done = subprocess.run(
        ["node", "scripts/untranslated.mjs", "console"],
        cwd=FRONTEND,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
