"""Our block inside an activity description, which is shared space.

Athletes and other apps (Hevy's exercise lists, weather lines) write in the
same description, so we own exactly our block: a headline line, the advice
line and the readable signature line last (blocks of the first release had
no headline). Everything else is kept byte for byte, including lines
another app appended after our block. A readable
signature instead of hidden markers is what users of such apps ask for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SIGNATURE_PREFIX = "— LiftRun Coach"
OPT_OUT_TAG = "#noliftrun"
_OPT_OUT_RE = re.compile(r"(?<![\w#])#noliftrun\b", re.IGNORECASE)
_URL = r"https?://[^\s]+"
# Our signature links to our own settings page; any other link is the athlete's line.
_SETTINGS_URL = rf"{_URL}/settings"
# What goes between the athlete's text and our block, always exactly this, so
# taking the block off gives back their text byte for byte (trailing newlines too).
SEPARATOR = "\n\n"


@dataclass(frozen=True)
class SignatureFormat:
    """One signature line the product has written, and how many lines above it are ours."""

    name: str
    pattern: re.Pattern
    lines_above: int


# Every format the product ever wrote, newest first. A line is ours only when
# it matches one of these exactly (the whole line); "— LiftRun Coach was right"
# is the athlete's. Keep old formats here forever so blocks already on Strava
# are replaced in place, never duplicated.
SIGNATURE_FORMATS = (
    # Since the second edition of the advice text: headline, advice, signature.
    SignatureFormat("v2", re.compile(rf"^{SIGNATURE_PREFIX} · (?P<url>{_SETTINGS_URL})$", re.MULTILINE), 2),
    # The first release: advice paragraph, then "— LiftRun Coach · settings: <url>".
    SignatureFormat("v1", re.compile(rf"^{SIGNATURE_PREFIX} · settings: (?P<url>{_URL}/settings)$",
                                     re.MULTILINE), 1),
)


def signature_line(settings_url: str) -> str:
    return f"{SIGNATURE_PREFIX} · {settings_url}"


def render_block(advice: str, settings_url: str, headline: str | None = None) -> str:
    """Render the lines we own: headline, advice, signature. Each text is folded to one line."""
    lines = [" ".join(headline.split())] if headline and headline.strip() else []
    lines.append(" ".join(advice.split()))
    if len(lines) == 1:
        # Without a headline the block is the first release's two lines, so
        # the v1 signature (which owns exactly one line above it) is used.
        return f"{lines[0]}\n{SIGNATURE_PREFIX} · settings: {settings_url}"
    return "\n".join(lines + [signature_line(settings_url)])


def is_opted_out(*texts: str | None) -> bool:
    return any(text and _OPT_OUT_RE.search(text) for text in texts)


def _line_start_above(text: str, start: int) -> int | None:
    """Start of the non-blank line just above position `start` (a line start), if any."""
    if start < 2 or text[start - 1] != "\n" or text[start - 2] == "\n":
        return None
    return text.rfind("\n", 0, start - 1) + 1


def _block_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of our blocks: a signature line and the lines of ours above it."""
    found: dict[int, tuple[int, int]] = {}
    for form in SIGNATURE_FORMATS:
        for match in form.pattern.finditer(text):
            if match.start() in found:
                continue
            start, end = match.start(), match.end()
            for _ in range(form.lines_above):
                above = _line_start_above(text, start)
                if above is None or any(a <= above < b for a, b in found.values()):
                    break
                start = above
            if end < len(text) and text[end] == "\n":
                end += 1
            found[match.start()] = (start, end)
    return sorted(found.values())


def has_block(description: str | None) -> bool:
    return bool(description) and bool(_block_spans(description))


def _join_after(text: str, block: str) -> str:
    return text + SEPARATOR + block if text else block


def remove_block(description: str | None) -> str:
    """Return the description without our block(s); the separator we added is taken back too."""
    text = description or ""
    spans = _block_spans(text)
    if not spans:
        return text
    pieces, cursor = [], 0
    for start, end in spans:
        pieces.append(text[cursor:start])
        cursor = end
    rest = text[cursor:]
    head = "".join(pieces)
    if not rest.strip("\n"):
        # Our block was last: take back exactly the separator we put before it
        # (blocks of the first release may have used a single newline).
        for separator in (SEPARATOR, "\n"):
            if head.endswith(separator):
                return head[: -len(separator)]
        return head
    if not head.strip():
        return rest.lstrip("\n")
    if head.endswith("\n") and rest.startswith("\n"):
        # Take back the blank line that separated our block from what follows.
        rest = rest[1:]
    return head + rest


def upsert_block(description: str | None, block: str) -> str:
    """Put `block` in place of our existing block, or after the athlete's text.

    Duplicated blocks (from any past bug or a concurrent write) collapse into one
    at the position of the first; everything that is not ours stays untouched.
    """
    text = description or ""
    spans = _block_spans(text)
    if not spans:
        return _join_after(text, block)
    first_start, first_end = spans[0]
    ends_with_newline = text[first_end - 1 : first_end] == "\n"
    pieces = [text[:first_start], block + ("\n" if ends_with_newline else "")]
    cursor = first_end
    for start, end in spans[1:]:
        between = text[cursor:start]
        if between.strip("\n"):
            pieces.append(between)  # someone's text between two of our blocks stays
        cursor = end
    rest = text[cursor:]
    if len(spans) > 1 and not rest.strip("\n"):
        rest = ""  # the separator of a dropped duplicate at the end
    pieces.append(rest)
    result = "".join(pieces)
    return result.rstrip("\n") if len(spans) > 1 and not rest else result
