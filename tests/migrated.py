"""Copying the run's migrated database (the ``migrated_sqlite`` fixture) into a test's folder."""

import shutil
from pathlib import Path


def sqlite_data_dir(folder: Path, migrated: Path, *, name: str = "hotich.sqlite3") -> Path:
    """Put a copy of the migrated database into FOLDER (owner-only, as the server keeps it)."""
    target = folder / name
    shutil.copyfile(migrated, target)
    target.chmod(0o600)
    return target
