"""`make clean`: what it says it removes goes, and what it says it keeps stays."""

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATED = [
    ".venv/bin/python",
    "db.sqlite3",
    "staticfiles/app.css",
    ".demo-logins.json",
    ".hypothesis/examples/x",
    ".ruff_cache/0.1/x",
    "newsroom.egg-info/PKG-INFO",
    "articles/__pycache__/models.cpython-311.pyc",
    "newsroom/__pycache__/settings.cpython-311.opt-1.pyc",
    "tests/api/__pycache__/test_x.cpython-311.pyc",
]
KEPT = ["media/images/harbour.jpg", "backups/20261128/database.dump", "articles/models.py", ".env"]


def test_make_clean_removes_what_setup_and_serving_made_and_keeps_uploads_and_backups(tmp_path):
    """`make serve` compiles our bytecode ahead; it and the egg-info stayed behind."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    for name in ("articles", "authors", "comments", "sharing", "newsroom", "tests", "bench"):
        (tmp_path / name).mkdir()
    for relative in GENERATED + KEPT:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")

    result = subprocess.run(["make", "clean"], cwd=tmp_path, capture_output=True, text=True, timeout=60)  # noqa: S607

    assert result.returncode == 0, result.stderr
    assert [relative for relative in GENERATED if (tmp_path / relative).exists()] == []
    assert [relative for relative in KEPT if not (tmp_path / relative).exists()] == []
    assert not (tmp_path / "articles/__pycache__").exists() and (tmp_path / "tests/api").is_dir()
