"""Open whatever the athlete hands us: the CSV, the whole archive, or API JSON.

The kind is decided from the bytes, not the file name: exports get renamed,
and a zip saved as ".csv" should still work. Everything that makes the file
unreadable as a whole becomes an ExportError with a one-line message.
"""

from __future__ import annotations

import json
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from plugin.exports.csv_reader import (
    ExportError,
    Progress,
    ReadResult,
    RowWarning,
    read_activities_csv,
)

# activities.csv of a decade of daily training is a few MB; anything far
# larger is not an export and would only exhaust memory.
MAX_CSV_BYTES = 512 * 1024 * 1024
# Every zip starts with a local file header (or, when empty, the end record);
# a file that starts so but does not open as a zip is a damaged download.
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
CORRUPT_ZIP = "corrupt zip archive (cut short or damaged: download the export from Strava again)"


def _starts_like_zip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) in ZIP_MAGIC


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        raise ExportError(f"{source}: binary file, not a CSV, zip or JSON export")
    # Old Windows-saved exports: cp1252 is a superset of what they contain.
    return data.decode("cp1252", errors="replace")


def _csv_member(archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    candidates = [
        info for info in archive.infolist()
        if not info.is_dir()
        and PurePosixPath(info.filename).name.lower() == "activities.csv"
        and not info.filename.startswith("__MACOSX/")
    ]
    if not candidates:
        raise ExportError("no activities.csv in the zip archive")
    # The export's own file sits at the top; a copy deeper down is less likely
    # to be the real one.
    return min(candidates, key=lambda info: (info.filename.count("/"), info.filename))


def _read_zip(path: Path, progress: Progress | None) -> ReadResult:
    try:
        with zipfile.ZipFile(path) as archive:
            member = _csv_member(archive)
            if member.file_size > MAX_CSV_BYTES:
                raise ExportError(f"{member.filename} in the archive is too large")
            data = archive.read(member)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError,
            RuntimeError) as exc:
        raise ExportError(f"{path.name}: {CORRUPT_ZIP}; {exc}") from None
    source = f"{path.name}:{member.filename}"
    return read_activities_csv(_decode(data, source), source=source, progress=progress)


def activities_from_json(payload, source: str) -> ReadResult:
    """Accept a list of API activities; bad items are skipped like bad rows.

    Warnings name the item by its 1-based position in the list, so the athlete
    can find it in the file.
    """
    if isinstance(payload, dict) and isinstance(payload.get("activities"), list):
        payload = payload["activities"]
    if not isinstance(payload, list):
        raise ExportError(f"{source}: JSON must be a list of activities")
    result = ReadResult(source=source, unit="item")
    for position, item in enumerate(payload, start=1):
        problem = _json_problem(item)
        if problem:
            result.warnings.append(RowWarning(position, problem))
        else:
            result.activities.append(item)
    return result


def _json_problem(item) -> str | None:
    if not isinstance(item, dict):
        return "not an activity object"
    if item.get("id") is None:
        return "missing id"
    if not item.get("start_date") and not item.get("manual"):
        return "missing start_date"
    elapsed = item.get("elapsed_time")
    if elapsed is not None and (isinstance(elapsed, bool) or not isinstance(elapsed, (int, float))):
        return f"bad elapsed_time {elapsed!r}"
    return None


def load_export(path: str | Path, *, progress: Progress | None = None) -> ReadResult:
    """Read an export from disk, whatever its kind."""
    path = Path(path)
    if not path.exists():
        raise ExportError(f"{path}: no such file")
    if path.is_dir():
        raise ExportError(f"{path}: is a directory, not an export file")
    try:
        if zipfile.is_zipfile(path):
            return _read_zip(path, progress)
        if _starts_like_zip(path):
            raise ExportError(f"{path.name}: {CORRUPT_ZIP}")
        if path.stat().st_size > MAX_CSV_BYTES:
            raise ExportError(f"{path.name}: too large to be an export")
        data = path.read_bytes()
    except OSError as exc:
        raise ExportError(f"{path}: cannot read ({exc.strerror or exc})") from None
    text = _decode(data, path.name)
    head = text.lstrip()[:1]
    if head in ("[", "{"):
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ExportError(
                f"{path.name}: invalid JSON ({exc.msg} at line {exc.lineno})") from None
        return activities_from_json(payload, path.name)
    if not head:
        raise ExportError(f"{path.name}: empty file")
    return read_activities_csv(text, source=path.name, progress=progress)
