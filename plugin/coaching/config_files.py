"""Where the coach-editable configuration lives.

Thresholds and texts are data so a coach can change them without a release;
LIFTRUN_CONFIG_DIR lets a deployment point at its own copy. A file missing
from that copy falls back to the packaged default, so a deployment may
override only the catalog or only the thresholds.

The defaults ship inside the package as `plugin/coaching/defaults`, found with
importlib.resources so a wheel installed anywhere has them. In a checkout that
folder is a link to the repository's `config/`, where coaches edit them.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

# A plain path: wheels install as files, and the readers below glob and open them.
DEFAULT_CONFIG_DIR = Path(str(resources.files("plugin.coaching").joinpath("defaults")))
ENV_VAR = "LIFTRUN_CONFIG_DIR"


def config_dirs() -> list[Path]:
    """Directories to search, most specific first."""
    dirs = []
    override = os.environ.get(ENV_VAR)
    if override:
        dirs.append(Path(override).expanduser())
    dirs.append(DEFAULT_CONFIG_DIR)
    return dirs


def find_config_file(relative: str) -> Path | None:
    for directory in config_dirs():
        candidate = directory / relative
        if candidate.is_file():
            return candidate
    return None


def message_catalog_files() -> dict[str, Path]:
    """Language code -> catalog file; an override dir's file wins per language."""
    found: dict[str, Path] = {}
    for directory in reversed(config_dirs()):
        messages = directory / "messages"
        if messages.is_dir():
            for path in sorted(messages.glob("*.toml")):
                found[path.stem] = path
    return found


def exercise_list_files() -> list[Path]:
    """Every config/exercises/*.toml; an override dir's file replaces the default of that name."""
    found: dict[str, Path] = {}
    for directory in reversed(config_dirs()):
        folder = directory / "exercises"
        if folder.is_dir():
            for path in sorted(folder.glob("*.toml")):
                found[path.name] = path
    return [found[name] for name in sorted(found)]
