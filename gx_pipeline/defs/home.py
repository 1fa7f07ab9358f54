"""The project's Dagster instance: `.dagster_home/` of the repository unless DAGSTER_HOME says
otherwise, with the dagster.yaml beside this module (the `duckdb` pool limit, run monitoring).

`make` exports DAGSTER_HOME=.dagster_home; `gx run` and `gx status` without it use the same
folder, so their runs are recorded where `make ui` looks.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

import dagster as dg
import yaml

from gx_pipeline.datadir import REPO_ROOT

TEMPLATE = Path(__file__).with_name("dagster.yaml")


def dagster_home() -> Path:
    """$DAGSTER_HOME, or `.dagster_home` in the repository."""
    home = os.environ.get("DAGSTER_HOME")
    return Path(home).expanduser() if home else REPO_ROOT / ".dagster_home"


def ensure_home(home: Path) -> Path:
    """Create `home` with the project's dagster.yaml; to a dagster.yaml written before a section
    of the template was part of it (run monitoring, the compute logs), add that section (the
    rest of the file is left as it is)."""
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    template = TEMPLATE.read_text(encoding="utf-8")
    if not config.exists():
        config.write_text(template, encoding="utf-8")
        return home
    text = config.read_text(encoding="utf-8")
    keys = _top_keys(text)
    if keys is None:  # not a mapping YAML can read: Dagster says what is wrong with it
        return home
    missing = [_section(template, key) for key in ADDED_SECTIONS if key not in keys]
    if not missing:
        return home
    added = "".join("\n# added by gx (gx_pipeline/defs/dagster.yaml)\n" + s for s in missing)
    joined = text + ("" if text.endswith("\n") or not text else "\n") + added
    if _top_keys(joined) != keys | set(ADDED_SECTIONS):
        return home  # a file the sections cannot be appended to (an end marker `...`)
    with config.open("a", encoding="utf-8") as f:
        f.write(joined[len(text) :])
    return home


def _top_keys(text: str) -> set[str] | None:
    """The top-level keys of a YAML text (a set, empty for an empty file), None where it is
    not a mapping YAML reads."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    if data is None:
        return set()
    return set(data) if isinstance(data, dict) else None


#: top-level keys of the template that a dagster.yaml written by an older gx may lack
ADDED_SECTIONS = ("run_monitoring", "compute_logs")


def _section(text: str, key: str) -> str:
    """The top-level `key` of the template and its indented lines."""
    found = re.search(rf"^{key}:\n(?:[ #].*\n)*", text, re.MULTILINE)
    return found.group(0) if found else ""


def unwritable(home: Path) -> str | None:
    """Why Dagster could not keep its records in `home` (a read-only mount, a path under a
    file, no permission), or None when a file can be written there. Dagster itself says it
    with a traceback of SQLAlchemy's ("unable to open database file")."""
    try:
        home.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=home, prefix=".gx-probe-"):
            pass
    except OSError as err:
        return f"{err.strerror or err} ({home})"
    return None


def local_instance() -> dg.DagsterInstance:
    """The project's persistent instance (see dagster_home), created on first use."""
    return dg.DagsterInstance.from_config(str(ensure_home(dagster_home())))


if __name__ == "__main__":
    # make dagster-home: .venv/bin/python -m gx_pipeline.defs.home .dagster_home
    print(ensure_home(Path(sys.argv[1]) if len(sys.argv) > 1 else dagster_home()))
