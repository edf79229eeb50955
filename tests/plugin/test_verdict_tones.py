"""The verdict colours: readable on the white page, and the same on the site, the chart and the plot."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from plugin.verdict_tones import TONE_COLOURS, TONES, UNKNOWN_COLOUR

STYLESHEET = Path(__file__).resolve().parents[2] / "plugin" / "static" / "style.css"


def relative_luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_on_white(hex_colour: str) -> float:
    return 1.05 / (relative_luminance(hex_colour) + 0.05)


def test_the_contrast_formula_is_wcag_s():
    assert contrast_on_white("#000000") == pytest.approx(21.0)
    assert contrast_on_white("#ffffff") == pytest.approx(1.0)
    assert contrast_on_white("#767676") == pytest.approx(4.54, abs=0.01)  # the classic AA grey


@pytest.mark.parametrize("colour", [*TONE_COLOURS.values(), UNKNOWN_COLOUR])
def test_every_verdict_colour_meets_aa_for_text_on_white(colour):
    assert contrast_on_white(colour) >= 4.5, colour


def test_the_stylesheet_uses_the_same_tone_colours():
    css = STYLESHEET.read_text()
    for tone in TONES:
        declared = re.search(rf"--{tone}:\s*(#[0-9a-fA-F]{{6}})", css)
        assert declared, tone
        assert declared.group(1).lower() == TONE_COLOURS[tone].lower()
        assert re.search(rf"\.pair\.{tone} {{ border-left-color: var\(--{tone}\); }}", css), tone
