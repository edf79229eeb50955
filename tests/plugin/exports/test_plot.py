import ast
from pathlib import Path

import plugin.exports

from plugin.coaching import EngineOptions
from plugin.exports import read_activities_csv
from plugin.exports.analysis import analyse
from tests.plugin.exports.builders import NEW_HEADER, known_pairs_rows, write_csv

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_plot_writes_a_png_with_points(tmp_path):
    from plugin.exports.plot import plot_gaps

    activities = read_activities_csv(write_csv(NEW_HEADER, known_pairs_rows())).activities
    analysis = analyse(activities, "strength", EngineOptions())
    path = tmp_path / "gaps.png"
    plot_gaps(analysis.records, analysis.by_id, path)
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 5000


def test_plot_without_pairs_still_writes_a_png(tmp_path):
    from plugin.exports.plot import plot_gaps

    path = tmp_path / "empty.png"
    plot_gaps([], {}, path)
    assert path.read_bytes().startswith(PNG_MAGIC)


def _imports(path: Path, *, top_level_only: bool) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    names = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                names.update({alias.name, alias.name.split(".")[0]})
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.update({node.module, node.module.split(".")[0]})
    return names


def test_exports_package_stays_free_of_web_stack_and_eager_matplotlib():
    package = Path(plugin.exports.__file__).parent
    for path in package.glob("*.py"):
        everywhere = _imports(path, top_level_only=False)
        assert not everywhere & {"flask", "celery", "sqlalchemy", "flask_sqlalchemy"}, path
        assert "matplotlib" not in _imports(path, top_level_only=True), path
    assert "matplotlib.pyplot" not in _imports(package / "plot.py", top_level_only=False)


def _known_analysis(goal="strength"):
    activities = read_activities_csv(write_csv(NEW_HEADER, known_pairs_rows())).activities
    return analyse(activities, goal, EngineOptions())


def test_series_use_the_site_tones_colours_and_a_shape_each():
    from plugin.exports.plot import series_by_tone
    from plugin.verdict_tones import TONE_COLOURS

    analysis = _known_analysis()
    series = series_by_tone(analysis.records, analysis.by_id)
    # cooldown_ok + well_separated fit the goal; interference_risk + lift_first_next_time may cost gains.
    assert [(s.tone, len(s.xs)) for s in series] == [("good", 2), ("risk", 2)]
    assert [s.colour for s in series] == [TONE_COLOURS["good"], TONE_COLOURS["risk"]]
    assert len({s.marker for s in series}) == 2
    risk = series[1]
    assert risk.colour != TONE_COLOURS["good"]  # interference is never drawn green


def test_legend_is_in_words_not_verdict_codes(tmp_path):
    from plugin.exports.plot import plot_gaps

    analysis = _known_analysis("general")
    legend = plot_gaps(analysis.records, analysis.by_id, tmp_path / "g.png")
    assert legend and all("_" not in entry for entry in legend)
    assert set(legend) <= {f"{label} ({n})" for label in ("fits your goal", "could be better", "may cost gains")
                           for n in range(1, 5)}
    assert sum(int(entry.rsplit("(", 1)[1].rstrip(")")) for entry in legend) == len(analysis.records)


def test_the_guide_lines_follow_the_coachs_limits():
    import dataclasses

    from plugin.coaching.options import default_rules
    from plugin.exports.plot import guides

    rules = default_rules()
    assert guides(rules) == [(rules.close_gap_below_s / 3600, f"{rules.close_gap_below_s // 3600} h: separate sessions"),
                             (rules.well_separated_from_s / 3600,
                              f"{rules.well_separated_from_s // 3600} h: well separated")]
    edited = dataclasses.replace(rules, close_gap_below_s=int(2.5 * 3600), well_separated_from_s=8 * 3600)
    assert guides(edited) == [(2.5, "2.5 h: separate sessions"), (8.0, "8 h: well separated")]
