"""`python -m service.cleanup`: expired GIFs and leftovers go; fresh and in-use files stay."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from service.compose.gifsicle import helper_paths
from service.ops.cleanup import LEFTOVER_AGE_S, clean
from service.settings import Settings
from service.storage.files import ensure_dirs, spool_dir
from service.storage.local import LocalStorage

OLD_ID, NEW_ID, BUSY_ID = "a" * 32, "b" * 32, "c" * 32


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Unlike the shared fixture, these tests leave spool leftovers on purpose."""
    return Settings.from_env({}, data_dir=tmp_path / "data")


def age(path: Path, seconds: float) -> Path:
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def make_tree(settings: Settings) -> dict[str, Path]:
    ensure_dirs(settings.downloads_dir, settings.spool_dir)
    d, s = settings.downloads_dir, settings.spool_dir
    files = {
        "old_gif": d / f"{OLD_ID}.gif",
        "new_gif": d / f"{NEW_ID}.gif",
        "old_part": d / f".{OLD_ID}.gif.part",
        "new_part": d / f".{NEW_ID}.gif.part",
        "not_ours": d / "notes.txt",
        "old_spool": s / "deadbeef" / "00001.img",
    }
    for path in files.values():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"GIF89a")
    age(files["old_gif"], settings.ttl + 60)
    age(files["old_part"], LEFTOVER_AGE_S + 60)
    age(files["not_ours"], settings.ttl + 60)
    age(files["old_spool"], LEFTOVER_AGE_S + 60)
    age(files["old_spool"].parent, LEFTOVER_AGE_S + 60)
    return files


def test_removes_expired_gifs_and_old_leftovers_only(settings: Settings):
    files = make_tree(settings)
    assert clean(settings, settings.ttl, dry_run=False) == [OLD_ID]
    gone = {"old_gif", "old_part", "old_spool"}
    for key, path in files.items():
        assert path.exists() == (key not in gone), key
    assert not files["old_spool"].parent.exists()


def test_dry_run_lists_and_removes_nothing(settings: Settings):
    files = make_tree(settings)
    assert clean(settings, settings.ttl, dry_run=True) == [OLD_ID]
    assert all(path.exists() for path in files.values())


def test_ttl_option_overrides_the_setting(settings: Settings):
    files = make_tree(settings)
    age(files["new_gif"], 120)
    assert sorted(clean(settings, 60, dry_run=False)) == [OLD_ID, NEW_ID]


def test_a_file_still_being_written_is_never_removed(settings: Settings):
    make_tree(settings)
    busy_part = settings.downloads_dir / f".{BUSY_ID}.gif.part"
    busy_gif = settings.downloads_dir / f"{BUSY_ID}.gif"
    with busy_part.open("wb") as writing, busy_gif.open("wb") as finishing:
        fcntl.flock(writing, fcntl.LOCK_EX)
        fcntl.flock(finishing, fcntl.LOCK_EX)
        age(busy_part, LEFTOVER_AGE_S * 5)
        age(busy_gif, settings.ttl * 5)
        removed = clean(settings, settings.ttl, dry_run=False)
        assert BUSY_ID not in removed
        assert busy_part.exists() and busy_gif.exists()


def test_a_spool_in_use_is_never_removed_however_old(settings: Settings):
    ensure_dirs(settings.spool_dir, settings.downloads_dir)
    with spool_dir(settings.spool_dir) as spool:
        (spool / "00001.img").write_bytes(b"\x89PNG")
        for path in [*spool.iterdir(), spool]:
            age(path, LEFTOVER_AGE_S * 5)
        clean(settings, settings.ttl, dry_run=False)
        assert (spool / "00001.img").exists()
    assert not spool.exists()


def test_command_prints_removed_ids(settings: Settings):
    make_tree(settings)
    env = os.environ | {"GIFSVC_DATA_DIR": str(settings.data_dir)}
    dry = subprocess.run(
        [sys.executable, "-m", "service.cleanup", "--dry-run"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert dry.stdout.split() == [OLD_ID]
    real = subprocess.run(
        [sys.executable, "-m", "service.cleanup", "--ttl", "86400"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert real.stdout.split() == [OLD_ID]
    assert not (settings.downloads_dir / f"{OLD_ID}.gif").exists()


def test_every_temporary_name_a_composition_makes_is_a_leftover_cleanup_removes(
    settings: Settings,
):
    """The names come from the code that makes them: the storage's part, gifsicle's copy."""
    storage = LocalStorage(settings.downloads_dir, settings.ttl)
    ensure_dirs(settings.downloads_dir, settings.spool_dir)
    part = storage.part_path(OLD_ID)
    names = [part, *(Path(helper) for helper in helper_paths(str(part)))]
    for path in names:
        path.write_bytes(b"GIF")
        age(path, LEFTOVER_AGE_S + 60)
    clean(settings, settings.ttl, dry_run=False)
    assert [p for p in names if p.exists()] == []
