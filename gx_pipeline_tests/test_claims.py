"""A run's claim on a report year in the data folder (gx_pipeline.staging.claims): live while
its process holds the claim's lock, over once nobody does (the process gone)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import gx_pipeline
from gx_pipeline.staging import claims


def test_a_claim_nobody_holds_is_over_and_removed(tmp_path):
    # what a killed run's process leaves: the file, and no lock on it
    left = claims.claim_path(tmp_path, 2020, "killed-run")
    left.parent.mkdir(parents=True)
    left.write_text(
        json.dumps(
            {
                "run_id": "killed-run",
                "year": 2020,
                "instance": "/h",
                "pid": 1,
                "host": "h",
                "claimed_at": 0.0,
            }
        )
    )
    assert claims.live_claims(tmp_path, 2020) == []
    assert not left.exists() and not (tmp_path / claims.CLAIMS).exists()


def test_a_process_holds_one_runs_claim_at_a_time_and_others_see_it_while_it_lives(tmp_path):
    first = claims.claim(tmp_path, 2020, "run-one", "/home-a")
    second = claims.claim(tmp_path, 2021, "run-two", "/home-a")
    try:
        # a process runs one run at a time: the first run's claim ended with the second's
        assert not claims.claim_path(tmp_path, 2020, "run-one").exists()
        assert claims.claim(tmp_path, 2021, "run-two", "/home-a") == second  # the same claim
        assert first.claimed_at <= second.claimed_at
        # this process's own claims are its runs', known to its caller: not listed
        assert claims.live_claims(tmp_path, 2021) == []
        look = (
            "from gx_pipeline.staging.claims import live_claims\n"
            f"print([c.run_id for c in live_claims({str(tmp_path)!r}, 2021)])\n"
        )
        code = str(Path(gx_pipeline.__file__).parents[1])
        env = {**os.environ, "PYTHONPATH": code}
        seen = subprocess.run(
            [sys.executable, "-c", look], capture_output=True, text=True, env=env, check=True
        )
        assert seen.stdout.strip() == "['run-two']"
    finally:
        claims.let_go("run-two")
    assert not claims.claim_path(tmp_path, 2021, "run-two").exists()
