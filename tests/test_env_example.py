"""`.env.example` is the list of every setting the environment can change: none may be missing from it."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OLDER_NAMES = {"API_NUM_PROXIES"}  # still read, documented beside its new name NUM_PROXIES


def test_every_variable_the_settings_read_is_in_env_example():
    settings = (ROOT / "newsroom" / "settings.py").read_text()
    read = set(re.findall(r'\benv(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]*)"', settings))
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.M))

    assert len(read) > 40  # the pattern still finds what settings.py reads
    assert sorted(read - listed - OLDER_NAMES) == []
