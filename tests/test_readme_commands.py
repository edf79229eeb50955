"""The README's two commands are the product's front door; keep CI honest about them."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_readme_opens_with_run_and_test_commands():
    run, test = readme_commands()
    assert run.endswith("liftrun dev")
    assert test.endswith("python -m pytest")


def test_ci_runs_exactly_the_readme_test_command():
    test = readme_commands()[1]
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert test in ci_lines
    assert ci_lines[-1] == test  # last, so its exit status is CI's
