"""The engine is pure functions over plain data: importing it opens no file."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
opened = []
sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == "open" else None)
import plugin.coaching
from plugin.coaching import EngineOptions
print([path for path in opened if not path.endswith((".py", ".pyc", ".so")) and "site-packages" not in path])
EngineOptions()  # first use: now the coach's thresholds are read
print(any(path.endswith("coaching.toml") for path in opened))
"""


def test_importing_the_engine_reads_no_file_and_first_use_reads_the_rules():
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    at_import, after_use = result.stdout.splitlines()
    assert at_import == "[]"
    assert after_use == "True"
