"""The two layers: the library (everything outside gx_pipeline/defs/ and the code location's
definitions.py) never imports Dagster, so `gx parse`, notebooks and other tools can use it."""

import pkgutil
import subprocess
import sys

import gx_pipeline

#: the Dagster layer: the definitions folder and the code location that assembles it
DAGSTER_LAYER = ("gx_pipeline.defs", "gx_pipeline.definitions")


def library_modules() -> list[str]:
    names = [
        m.name
        for m in pkgutil.walk_packages(gx_pipeline.__path__, prefix="gx_pipeline.")
        if not m.name.startswith(DAGSTER_LAYER)
    ]
    return sorted(names)


def test_the_tree_has_a_dagster_layer_and_a_library():
    modules = library_modules()
    assert "gx_pipeline.parsing.sections" in modules
    assert "gx_pipeline.warehouse.schema" in modules
    assert "gx_pipeline.staging.pool" in modules
    assert not any(m.startswith("gx_pipeline.defs") for m in modules)


def test_no_library_module_imports_dagster():
    # one fresh interpreter imports every library module and says which pulled in dagster
    script = (
        "import importlib, sys\n"
        f"for name in {library_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "    if 'dagster' in sys.modules:\n"
        "        print(name); break\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "", f"{out.stdout.strip()} imports dagster"


def test_the_dagster_layer_loads_from_its_folder():
    from gx_pipeline.definitions import defs

    assert {a.key.to_user_string() for a in defs.resolve_all_asset_specs()} >= {
        "raw_report_inventory",
        "parsed_reports",
        "validated_frames",
        "gx_warehouse",
    }
