"""axe-core for the browser tests: fetched once from npm into a cache folder.

The package is not vendored: `npm install` puts a pinned release into
~/.cache/liftrun-coach (or LIFTRUN_AXE_CACHE) the first time, and later runs
reuse it. Without npm, or without the registry, the accessibility tests are
skipped with the reason rather than failing for a reason that is not ours.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

AXE_VERSION = "4.14.1"
BLOCKING_IMPACTS = ("serious", "critical")


def _cache_dir() -> Path:
    base = os.environ.get("LIFTRUN_AXE_CACHE") or Path.home() / ".cache" / "liftrun-coach"
    return Path(base) / f"axe-core-{AXE_VERSION}"


def axe_source() -> str:
    """Return the text of axe.min.js, installing it on first use; skips the test when that is impossible."""
    folder = _cache_dir()
    script = folder / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("accessibility checks need npm to fetch axe-core (apt-get install -y npm)")
        folder.mkdir(parents=True, exist_ok=True)
        try:
            proc = subprocess.run(
                [npm, "install", "--prefix", str(folder), "--no-audit", "--no-fund", "--no-save",
                 "--loglevel", "error", f"axe-core@{AXE_VERSION}"],
                capture_output=True, text=True, timeout=180,
            )
        except subprocess.TimeoutExpired:
            pytest.skip("npm install axe-core timed out")
        if proc.returncode != 0 or not script.exists():
            pytest.skip(f"npm install axe-core@{AXE_VERSION} failed: {proc.stderr.strip()[-300:]}")
    return script.read_text(encoding="utf-8")


def blocking_violations(page, source: str) -> list[str]:
    """Run axe on the page as it is now; one line per serious or critical violation.

    The page's context must bypass the site's CSP (`bypass_csp=True`): axe comes in as a script tag.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    lines = []
    for violation in result["violations"]:
        if violation.get("impact") in BLOCKING_IMPACTS:
            targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
            lines.append(f"{violation['impact']}: {violation['id']} ({violation['help']}) at {targets}")
    return lines
