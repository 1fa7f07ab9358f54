import pytest

from gx_pipeline import cli
from gx_pipeline.defs.runner import available_years, format_summary, materialize_years, parse_years
from gx_pipeline_tests.conftest import SEED, put_page


def test_runner_summarises_each_year(data_dir):
    put_page(data_dir, 2020, SEED.name, SEED)
    put_page(data_dir, 2020, "empty.html", b"")
    assert available_years(data_dir) == ["2020"]
    (summary,) = materialize_years(["2020"], data_dir_path=data_dir)
    assert (summary.year, summary.run_ok, summary.check_passed) == ("2020", True, True)
    assert (summary.loaded, summary.quarantined, summary.failing) == (1, 1, 0)
    table = format_summary([summary])
    assert table.splitlines()[2].split()[:5] == ["2020", "ok", "passed", "1", "1"]


def test_year_ranges_expand_to_partition_keys():
    assert parse_years("2019-2021") == ["2019", "2020", "2021"]
    assert parse_years("2019,2021-2022,2019") == ["2019", "2021", "2022"]
    with pytest.raises(ValueError, match="2018 is not a report year"):
        parse_years("2018-2019")


def test_gx_run_reports_progress_per_step_and_gx_status_reads_it_back(
    data_dir, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    home = tmp_path / "fresh-clone" / ".dagster_home"  # as `make` exports it before any `make ui`
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    put_page(data_dir, 2021, SEED.name, SEED)
    put_page(data_dir, 2021, "empty.html", b"")

    assert cli.main(["run", "--years", "2021"]) == 0
    out, err = capsys.readouterr()
    progress = [line for line in err.splitlines() if line.startswith("year 1/1 2021")]
    assert [line.split()[5] for line in progress] == [
        "raw_report_inventory",
        "parsed_reports",
        "validated_frames",
        "gx_warehouse",
        "gx_warehouse_reports_satisfy_tally_identities",
    ]
    assert progress[-1].split()[3:5] == ["[#####]", "5/5"]
    assert out.splitlines()[2].split()[:5] == ["2021", "ok", "passed", "1", "1"]

    assert cli.main(["status", "--years", "2020-2021"]) == 0
    status = capsys.readouterr().out.splitlines()
    assert status[2].split()[:3] == ["2020", "0", "-"]
    assert status[3].split()[:6] == ["2021", "1", "2019:", "1", "1", "parse:"]
    # the run went into the instance `gx run` created under DAGSTER_HOME, and status reads it
    assert (home / "storage").is_dir()
    assert status[3].split()[-3] == "success"
    assert "success" not in status[2]  # 2020 was never run
