"""Our block inside an activity description, which is shared space.

Athletes and other apps (Hevy's exercise lists, weather lines) write in the
same description, so we own exactly two lines: the advice paragraph and the
readable signature line right after it. Everything else is kept byte for
byte, including lines another app appended after our block. A readable
signature instead of hidden markers is what users of such apps ask for.
"""

from __future__ import annotations

import re

SIGNATURE_PREFIX = "— LiftRun Coach"
OPT_OUT_TAG = "#noliftrun"
_SIGNATURE_RE = re.compile(r"^— LiftRun Coach\b.*$", re.MULTILINE)
_OPT_OUT_RE = re.compile(r"(?<![\w#])#noliftrun\b", re.IGNORECASE)


def signature_line(settings_url: str) -> str:
    return f"{SIGNATURE_PREFIX} · settings: {settings_url}"


def render_block(advice: str, settings_url: str) -> str:
    """The two lines we own. The advice is folded to one line so the block stays two lines."""
    paragraph = " ".join(advice.split())
    return f"{paragraph}\n{signature_line(settings_url)}"


def is_opted_out(*texts: str | None) -> bool:
    return any(text and _OPT_OUT_RE.search(text) for text in texts)


def _block_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of our blocks: the signature line and the non-blank line before it."""
    spans = []
    for match in _SIGNATURE_RE.finditer(text):
        start, end = match.start(), match.end()
        if start >= 2 and text[start - 1] == "\n" and text[start - 2] != "\n":
            start = text.rfind("\n", 0, start - 1) + 1
        if end < len(text) and text[end] == "\n":
            end += 1
        spans.append((start, end))
    return spans


def has_block(description: str | None) -> bool:
    return bool(description) and bool(_block_spans(description))


def _join_after(text: str, block: str) -> str:
    if not text:
        return block
    trailing = len(text) - len(text.rstrip("\n"))
    return text + "\n" * max(0, 2 - trailing) + block


def remove_block(description: str | None) -> str:
    """The description without our block(s); the separator we added is taken back too."""
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
        # Our block was last: drop the blank-line separator we put before it.
        return head.rstrip("\n") if head.strip() else ""
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
        pieces.append(text[cursor:start])
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)
