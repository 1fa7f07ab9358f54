import io

import pytest

from gx_pipeline import cli
from gx_pipeline.defs.runner import available_years, format_summary, materialize_years, parse_years
from gx_pipeline_tests.conftest import REALDEV_PAGES, REPO, SEED, put_page, query
from gx_pipeline_tests.holding import writer_holding


def test_runner_summarises_each_year(data_dir):
    put_page(data_dir, 2020, SEED.name, SEED)
    put_page(data_dir, 2020, "empty.html", b"")
    assert available_years(data_dir) == ["2020"]
    (summary,) = materialize_years(["2020"], data_dir_path=data_dir)
    assert (summary.year, summary.run_ok, summary.check_passed) == ("2020", True, True)
    assert (summary.loaded, summary.quarantined, summary.failing) == (1, 1, 0)
    table = format_summary([summary])
    assert table.splitlines()[2].split()[:5] == ["2020", "ok", "passed", "1", "1"]


def test_a_run_of_a_year_warns_of_no_deprecated_dagster_api(data_dir, instance):
    """Dagster 1.13 deprecates AssetExecutionContext.run_id (context.run.run_id replaces it):
    each step that read it warned, in a run whose warnings are shown (`python -W default`, a
    code server started so), one warning per use."""
    import warnings

    put_page(data_dir, 2020, SEED.name, SEED)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        (summary,) = materialize_years(["2020"], instance=instance, data_dir_path=data_dir)
    assert summary.run_ok
    deprecated = [
        f"{w.filename}:{w.lineno}: {w.message}"
        for w in caught
        if issubclass(w.category, DeprecationWarning)
        and ("gx_pipeline" in w.filename or "AssetExecutionContext" in str(w.message))
    ]
    assert deprecated == []


def test_year_ranges_expand_to_partition_keys():
    assert parse_years("2019-2021") == ["2019", "2020", "2021"]
    assert parse_years("2019,2021-2022,2019") == ["2019", "2021", "2022"]
    with pytest.raises(ValueError, match="2018 is not a report year"):
        parse_years("2018-2019")


@pytest.mark.parametrize("spec", ["2021-2019", "", " ", ","])
def test_years_that_name_no_year_are_refused_not_run_as_none_or_all(spec):
    # a range typed backwards ran nothing and said ok; `--years "$YEARS"` with YEARS unset ran
    # every year
    if spec.strip(", "):
        with pytest.raises(ValueError, match="2021-2019: the first year is after the last"):
            parse_years(spec)
    else:
        with pytest.raises(ValueError, match="names no report year"):
            parse_years(spec)
    with pytest.raises(SystemExit, match=r"gx: --years .*"):
        cli.main(["run", "--years", spec, "--quiet"])


@pytest.mark.parametrize(
    "spec",
    ["2020,,", "2020,", ",2020", "2020,,2022", "2020-", "-2020", "+2020", "2_020", "２０２０"],
)
def test_an_item_of_years_that_is_empty_or_not_a_year_is_refused_not_skipped(spec):
    # `--years $FIRST,$LAST` with LAST unset ran 2020 alone and said ok; "2020-" (2020 onwards?)
    # ran 2020 alone too
    with pytest.raises(ValueError, match="is not a year or a range of years"):
        parse_years(spec)
    with pytest.raises(SystemExit, match=r"gx: --years .*: '.*' is not a year"):
        cli.main(["run", "--years", spec, "--quiet"])


def test_year_items_may_have_spaces_around_them():
    assert parse_years(" 2019 - 2020 , 2022 ") == ["2019", "2020", "2022"]


def test_gx_run_does_not_run_a_year_a_live_run_is_loading(data_dir, instance, capsys):
    """The automation (or a backfill) loads 2020 while `gx run --years 2020-2021` starts: the
    two runs would share 2020's staging folder, one loading what the other half-wrote or
    discarded. gx run leaves 2020 to the run in flight, says so, and fails it; 2021 runs."""
    import os

    import dagster as dg

    from gx_pipeline.definitions import build_definitions
    from gx_pipeline.defs.liveness import own_tags

    put_page(data_dir, 2020, SEED.name, SEED)
    put_page(data_dir, 2021, "112.txt", REALDEV_PAGES / "112_hanzhong_ningqiang_natres_2021.txt")
    job = build_definitions(data_dir).resolve_job_def("gx_yearly_job")
    live = instance.create_run_for_job(
        job,
        tags={"dagster/partition": "2020", **own_tags(os.getpid())},
        status=dg.DagsterRunStatus.STARTED,
    )
    summaries = materialize_years(["2020", "2021"], instance=instance, data_dir_path=data_dir)
    assert [(s.year, s.run_ok) for s in summaries] == [("2020", False), ("2021", True)]
    assert f"run {live.run_id[:8]} of 2020 is loading it" in summaries[0].cause
    assert f"run {live.run_id[:8]} of 2020 is loading it" in capsys.readouterr().err
    assert instance.get_run_by_id(live.run_id).status == dg.DagsterRunStatus.STARTED


def test_gx_run_says_how_to_end_a_run_in_flight_whose_process_is_not_known(
    data_dir, instance, monkeypatch
):
    """A run of 2020 left STARTED with no pid recorded: `gx run` left 2020 to it at every run,
    saying only `no process yet`, with nothing on how to end a run that may be dead."""
    import dagster as dg

    from gx_pipeline.definitions import build_definitions
    from gx_pipeline.defs import liveness

    monkeypatch.setattr(liveness, "SILENT_SAID_S", 0.0)
    put_page(data_dir, 2020, SEED.name, SEED)
    job = build_definitions(data_dir).resolve_job_def("gx_yearly_job")
    stuck = instance.create_run_for_job(
        job, tags={"dagster/partition": "2020"}, status=dg.DagsterRunStatus.STARTED
    )
    (summary,) = materialize_years(["2020"], instance=instance, data_dir_path=data_dir)
    assert not summary.run_ok
    assert f"run {stuck.run_id[:8]} of 2020 is loading it" in summary.cause
    assert "its process is not known here (no pid recorded" in summary.cause
    assert f"`gx status --mark-failed {stuck.run_id[:8]}`" in summary.cause


def test_a_refusal_of_a_year_names_where_the_run_that_keeps_it_runs(data_dir, instance):
    """Left to a run of the same instance, a step and `gx run` named the run alone ("run
    1a2b3c4d of 2020 is loading it"), not where it runs: which process to look for (or kill),
    on which machine, of which DAGSTER_HOME, as a refusal for another instance's run does."""
    import os
    import socket

    import dagster as dg

    from gx_pipeline.definitions import build_definitions
    from gx_pipeline.defs.liveness import own_tags

    put_page(data_dir, 2020, SEED.name, SEED)
    job = build_definitions(data_dir).resolve_job_def("gx_yearly_job")
    instance.create_run_for_job(
        job,
        tags={"dagster/partition": "2020", **own_tags(os.getpid())},
        status=dg.DagsterRunStatus.STARTED,
    )
    where = f"pid {os.getpid()} on {socket.gethostname()}, DAGSTER_HOME {instance.root_directory}"
    (summary,) = materialize_years(["2020"], instance=instance, data_dir_path=data_dir)
    assert where in summary.cause and "\n" not in summary.cause, summary.cause
    result = job.execute_in_process(partition_key="2020", instance=instance, raise_on_error=False)
    (failure,) = [e for e in result.all_events if e.is_step_failure]
    message = failure.event_specific_data.error.message
    assert where in message and "\n" not in message.strip(), message


def test_a_run_launched_beside_one_loading_its_year_leaves_the_year_to_it(data_dir, instance):
    """The Dagster UI's run of a year (a materialization, a backfill, the Python API) while
    `gx run` loads it: only `gx run` looked for a run in flight. Measured: both failed, the UI's
    in validated_frames on a staging folder the other had replaced, gx run's load refused as
    "the folder has no entries" (its stage emptied by the other run; the raw folder was whole),
    and a year of several batches could load a stage the other run had half replaced."""
    import os

    import dagster as dg

    from gx_pipeline.definitions import build_definitions
    from gx_pipeline.defs.liveness import own_tags

    put_page(data_dir, 2020, SEED.name, SEED)
    job = build_definitions(data_dir).resolve_job_def("gx_yearly_job")
    live = instance.create_run_for_job(
        job,
        tags={"dagster/partition": "2020", **own_tags(os.getpid())},
        status=dg.DagsterRunStatus.STARTED,
    )
    theirs = data_dir / "staging" / "2020" / "parsed" / live.run_id / "dim_report" / "part.parquet"
    theirs.parent.mkdir(parents=True)
    theirs.write_bytes(b"the live run's part")

    result = job.execute_in_process(partition_key="2020", instance=instance, raise_on_error=False)
    assert not result.success
    (failure,) = [e for e in result.all_events if e.is_step_failure]
    assert failure.step_key == "parsed_reports"
    message = failure.event_specific_data.error.message
    assert f"run {live.run_id[:8]} of 2020 is loading report year 2020" in message
    assert theirs.read_bytes() == b"the live run's part"  # its stage untouched
    assert not (data_dir / "warehouse.duckdb").exists()
    # the live run ended: the year runs
    instance.report_run_failed(live)
    assert job.execute_in_process(partition_key="2020", instance=instance).success


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
        "gx_warehouse_no_page_failed_by_the_parser",
        "gx_warehouse_no_report_of_an_earlier_load_lost",
        "gx_warehouse_reports_satisfy_tally_identities",
    ]
    assert progress[-1].split()[3:5] == ["[#######]", "7/7"]
    assert out.splitlines()[2].split()[:5] == ["2021", "ok", "passed", "1", "1"]

    assert cli.main(["status", "--years", "2020-2021"]) == 0
    status = capsys.readouterr().out.splitlines()
    assert status[2].split()[:3] == ["2020", "0", "-"]
    assert status[3].split()[:6] == ["2021", "1", "2019:", "1", "1", "parse:"]
    # the run went into the instance `gx run` created under DAGSTER_HOME, and status reads it
    assert (home / "storage").is_dir()
    assert status[3].split()[-3] == "success"
    assert "success" not in status[2]  # 2020 was never run


def test_gx_run_and_gx_status_use_the_projects_dagster_home_by_default(
    data_dir, tmp_path, monkeypatch, capsys
):
    from gx_pipeline.defs import home

    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    monkeypatch.delenv("DAGSTER_HOME")  # as the README writes the commands, without make
    monkeypatch.setattr(home, "REPO_ROOT", tmp_path / "repo")
    put_page(data_dir, 2021, SEED.name, SEED)

    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    project_home = tmp_path / "repo" / ".dagster_home"
    assert (project_home / "storage").is_dir()
    assert "free_slots_after_run_end_seconds" in (project_home / "dagster.yaml").read_text()
    capsys.readouterr()
    assert cli.main(["status", "--years", "2021"]) == 0
    assert capsys.readouterr().out.splitlines()[2].split()[-3] == "success"


def test_a_run_that_fails_says_why_and_still_gets_its_summary(data_dir, monkeypatch, capsys):
    # a fresh data folder whose first run fails before anything is written
    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    put_page(data_dir, 2021, SEED.name, SEED)
    (data_dir / "staging").write_text("not a folder")

    assert cli.main(["run", "--years", "2021", "--quiet"]) == 1
    out, err = capsys.readouterr()
    assert "2021: parsed_reports failed: " in err
    assert "staging" in err.split("parsed_reports failed: ", 1)[1].splitlines()[0]
    assert out.splitlines()[2].split()[:4] == ["2021", "FAILED", "not", "run"]


def test_a_tally_check_that_fails_the_year_says_why(data_dir, monkeypatch, capsys):
    """The check's ERROR fails the run: the cause printed is the check's own description (the
    shares over their thresholds), not Dagster's error, whose first line ends in a colon."""
    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    seed = SEED.read_text(encoding="utf-8")
    for k, district in enumerate("东西南北中上下左右前"):  # 10 agencies, each needing review
        put_page(data_dir, 2021, f"{k}.txt", seed.replace("襄都区", f"{district}城区"))

    assert cli.main(["run", "--years", "2021", "--quiet"]) == 1
    out, err = capsys.readouterr()
    (cause,) = [line for line in err.splitlines() if line.startswith("2021: ")]
    assert "of the reports need review (more than 50%)" in cause, cause
    assert out.splitlines()[2].split()[:3] == ["2021", "FAILED", "error"]


@pytest.mark.parametrize("where", ["under_a_file", "read_only_mount"])
def test_a_dagster_home_gx_run_cannot_write_is_said_in_one_line(
    data_dir, tmp_path, monkeypatch, capsys, where
):
    """DAGSTER_HOME on a read-only mount, or a path under a file: `gx run` ended in a
    SQLAlchemy traceback ("unable to open database file") or a mkdir's."""
    import subprocess

    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    put_page(data_dir, 2021, SEED.name, SEED)
    if where == "under_a_file":
        (tmp_path / "file").write_text("not a folder")
        home = tmp_path / "file" / "home"
    else:
        home = tmp_path / "ro-home"
        home.mkdir()
        mounted = subprocess.run(
            ["mount", "--bind", "-o", "ro", str(home), str(home)], capture_output=True, check=False
        )
        if mounted.returncode != 0:
            pytest.skip(f"mount is not allowed here: {mounted.stderr.decode().strip()}")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    try:
        assert cli.main(["run", "--years", "2021", "--quiet"]) == 1
    finally:
        if where == "read_only_mount":
            subprocess.run(["umount", str(home)], check=False)
    out, err = capsys.readouterr()
    assert f"gx run: Dagster's run records cannot be written to DAGSTER_HOME={home}: " in err
    assert ("Read-only file system" if where == "read_only_mount" else "Not a directory") in err
    assert out == ""


def test_a_year_whose_pages_all_emptied_keeps_its_reports(data_dir, monkeypatch, capsys):
    """Every page of a loaded year cut to zero bytes (an interrupted copy or sync; Git LFS
    pointers in place of the files are the same): as many entries as before, all quarantined,
    so the shrink guard let the load replace the year's reports with none, "ok"."""
    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    for page in (SEED, *sorted(REALDEV_PAGES.glob("*_2020.txt"))):
        put_page(data_dir, 2020, page.name, page)
    assert cli.main(["run", "--years", "2020", "--quiet"]) == 0
    capsys.readouterr()
    reports = query(data_dir, "select count(*) from dim_report")[0][0]
    assert reports >= 4
    for page in (data_dir / "raw" / "2020").iterdir():
        page.write_bytes(b"")

    assert cli.main(["run", "--years", "2020", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert f"0 reports would replace the {reports} of the year's last load" in err
    # the refused load's stage is discarded: the message is where its reasons are (before: "see
    # their reasons", which were nowhere)
    first = f"2020/{SEED.name}"
    assert (
        f'other entries quarantined: {reports} × "same bytes as {first}" (2020/105_' in err
        and f'1 × "the file is empty" ({first}); the year\'s rows are left' in err
    ), err
    assert f"The year's {reports} loaded reports are kept" in err
    assert query(data_dir, "select count(*) from dim_report")[0][0] == reports
    assert cli.main(["run", "--years", "2020", "--quiet", "--allow-shrink"]) == 0
    assert query(data_dir, "select count(*) from dim_report")[0][0] == 0


def test_a_year_never_loaded_whose_folder_is_missing_fails_not_ok(data_dir, monkeypatch, capsys):
    """`gx run --years 2023` with no data/raw/2023 (GX_DATA_DIR mistyped, a year mistyped, a
    disk not mounted; a backfill over years not fetched): the run said ok, 0 loaded, and
    recorded the year as loaded."""
    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    put_page(data_dir, 2021, SEED.name, SEED)

    assert cli.main(["run", "--years", "2021,2023", "--quiet"]) == 1
    out, err = capsys.readouterr()
    assert (
        f"2023: gx_warehouse failed: {data_dir / 'raw' / '2023'} is missing: no pages to load, "
        "and the year was never loaded" in err
    )
    rows = [line.split()[:3] for line in out.splitlines()[2:]]
    assert rows == [["2021", "ok", "passed"], ["2023", "FAILED", "not"]]


@pytest.mark.parametrize("holds", ["nothing", "a download in progress"])
def test_a_year_never_loaded_whose_folder_holds_no_pages_fails_not_ok(
    data_dir, monkeypatch, capsys, holds
):
    """data/raw/2025 there but empty on 1 February, when the reports are due (a year's volume
    not mounted on its mount point, a copy that made the folder and not yet its files): the
    schedule's run, or `gx run --years 2025`, said ok, 0 loaded, and recorded the year as
    loaded. Missing, empty or half-copied is not a year with no reports."""
    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    put_page(data_dir, 2024, SEED.name, SEED)
    folder = data_dir / "raw" / "2025"
    folder.mkdir()
    if holds != "nothing":
        put_page(data_dir, 2025, "report.html.part", b"<html>")

    assert cli.main(["run", "--years", "2024,2025", "--quiet"]) == 1
    out, err = capsys.readouterr()
    assert (
        f"2025: gx_warehouse failed: {folder} holds no pages to load (empty, or only files still "
        "being written), and the year was never loaded" in err
    )
    rows = [line.split()[:3] for line in out.splitlines()[2:]]
    assert rows == [["2024", "ok", "passed"], ["2025", "FAILED", "not"]]


def test_pages_outside_the_report_year_folders_are_named_not_left_unsaid(
    data_dir, tmp_path, monkeypatch, capsys
):
    """A year folder named `2022 ` (a trailing space from a copy or a script), `２０２３` (full-width
    digits from a Chinese input method), a year outside the partitions, or a page put straight into
    data/raw/: `gx run` ran the other years, said ok, and these pages were in no table; `gx status`
    listed the years without them."""
    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    put_page(data_dir, 2021, SEED.name, SEED)
    raw = data_dir / "raw"
    for folder in ("2022 ", "２０２３", "2018"):
        (raw / folder).mkdir()
        (raw / folder / "report.html").write_bytes(SEED.read_bytes())
    (raw / "loose.html").write_bytes(SEED.read_bytes())

    assert cli.main(["run", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert [line.split()[:2] for line in out.splitlines()[2:3]] == [["2021", "ok"]]
    said = out[out.index("not loaded") :]
    assert "'2022 ': the folder of report year 2022 written with a space" in said
    assert "'２０２３': the folder of report year 2023 written with full-width digits" in said
    assert "'2018': report year 2018 is not one of the years loaded (2019-" in said
    assert "'loose.html': a file outside the year folders" in said
    assert said.count("1 entry not loaded") == 3

    assert cli.main(["status"]) == 0
    status = capsys.readouterr().out
    assert "'2022 ': the folder of report year 2022 written with a space" in status
    assert "'loose.html': a file outside the year folders" in status


def test_a_file_in_place_of_a_year_folder_is_named_as_a_file_not_a_missing_folder(
    data_dir, tmp_path, monkeypatch, capsys
):
    """A file named like a year folder (a zip of the year's pages saved as `2022` with no
    extension, a page saved under the year's name, a year loaded once whose folder a sync
    replaced by a file): `gx run` said the folder "is missing", which the user, looking at
    `data/raw/2022` right there, could not square, and neither the run's list of what is not
    loaded nor `gx status` named the file, whose bytes no run reads."""
    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    put_page(data_dir, 2021, SEED.name, SEED)
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    raw = data_dir / "raw"
    (raw / "2022").write_bytes(SEED.read_bytes())  # never loaded
    moved = tmp_path / "elsewhere"
    (raw / "2021").rename(moved)  # loaded, then a file where its folder was
    (raw / "2021").write_bytes(b"PK\x03\x04" + bytes(100))
    capsys.readouterr()

    assert cli.main(["run", "--years", "2021,2022", "--quiet"]) == 1
    out, err = capsys.readouterr()
    for year in ("2021", "2022"):
        assert f"{raw / year} is a file, not a folder" in err, err
        assert f"{raw / year} is missing" not in err, err
    said = out[out.index("not loaded") :]
    for year in ("2021", "2022"):
        assert f"'{year}': a file in place of the folder of report year {year}" in said, said

    assert cli.main(["status"]) == 0
    status = capsys.readouterr().out
    assert "'2022': a file in place of the folder of report year 2022" in status, status


def test_a_load_not_published_for_a_read_write_session_is_said_by_status_and_published_next(
    data_dir, tmp_path, monkeypatch, capsys
):
    """An analyst's read-write session on data/warehouse.duckdb (the DuckDB CLI without
    -readonly, DBeaver) through a load: the load is not published, which the run says. Once the
    session closed, nothing said the analysts' file was behind: `gx status` counted the older
    rows under the run's "success", the run's summary the newer ones, and the file stayed
    behind until some later load published, however long; a later run that loaded no year (its
    folder missing) left it behind too."""
    from gx_pipeline_tests.holding import writer_holding

    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    seed = SEED.read_text(encoding="utf-8")
    put_page(data_dir, 2021, "a.html", seed)
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    # entries: a report loaded or quarantined (a second page of one report is quarantined)
    count = (
        "select (select count(*) from dim_report where report_year = 2021)"
        " + (select count(*) from quarantine where report_year = 2021)"
    )
    assert query(data_dir, count) == [(1,)]
    put_page(data_dir, 2021, "b.html", b"")

    published = data_dir / "warehouse.duckdb"
    holder = writer_holding(published)
    try:
        assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    finally:
        holder.kill()
        holder.wait()
    capsys.readouterr()
    assert query(data_dir, count) == [(1,)]  # the analysts' file is the older one

    assert cli.main(["status"]) == 0
    status = capsys.readouterr().out
    assert f"{published} is behind the working warehouse" in status, status
    assert "open read-write in another process" in status, status
    # a citable release, an export of the analysts' file: made without the load, unsaid
    for command in ("export", "release"):
        assert cli.main([command, "--out", str(tmp_path / command)]) == 0
        err = capsys.readouterr().err
        assert f"gx {command}: {published} is behind the working warehouse" in err, err

    # a run that loads nothing (its year's folder missing) publishes it all the same
    assert cli.main(["run", "--years", "2023", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert f"{published} was behind the working warehouse" in err, err
    assert query(data_dir, count) == [(2,)], err
    assert cli.main(["status"]) == 0
    assert "behind the working warehouse" not in capsys.readouterr().out


def test_a_load_whose_publish_broke_off_is_said_behind_and_published_next(
    data_dir, tmp_path, monkeypatch, capsys
):
    """The year committed to the working file, then the copy for analysts broke off (the
    process killed between the two, an error of the copy): the analysts' file stayed a load
    behind, and only the next load of some year would publish; nothing said so meanwhile."""
    from gx_pipeline.warehouse.files import WarehouseFiles

    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    put_page(data_dir, 2021, "a.html", SEED)
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    put_page(data_dir, 2021, "b.html", b"")
    copy = WarehouseFiles._copy_for_analysts

    def broken(self, tmp):
        raise OSError(5, "Input/output error", str(tmp))

    monkeypatch.setattr(WarehouseFiles, "_copy_for_analysts", broken)
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 1
    monkeypatch.setattr(WarehouseFiles, "_copy_for_analysts", copy)
    capsys.readouterr()
    entries = "select count(*) from quarantine where report_year = 2021"
    assert query(data_dir, entries) == [(0,)]

    assert cli.main(["status"]) == 0
    published = data_dir / "warehouse.duckdb"
    assert f"{published} is behind the working warehouse" in capsys.readouterr().out
    assert cli.main(["run", "--years", "2023", "--quiet"]) == 1
    assert query(data_dir, entries) == [(1,)]


def test_gx_status_shows_a_loaded_year_whose_folder_is_gone(
    data_dir, tmp_path, monkeypatch, capsys
):
    """`gx status` lists the years with a raw folder: a loaded year whose folder was removed or
    not mounted any more was left out of it, while the warehouse still served its rows."""
    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    put_page(data_dir, 2021, SEED.name, SEED)
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    put_page(data_dir, 2022, SEED.name, SEED)  # the next year fetched, not yet run
    (data_dir / "raw" / "2021").rename(tmp_path / "elsewhere")
    capsys.readouterr()

    assert cli.main(["status"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in out[2:4]] == [["2021", "1"], ["2022", "0"]]
    assert any(line.startswith("2021") and "no raw folder" in line for line in out[4:])


def test_gx_run_refuses_to_replace_a_year_whose_folder_is_gone(data_dir, monkeypatch, capsys):
    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    put_page(data_dir, 2021, SEED.name, SEED)
    put_page(data_dir, 2021, "empty.html", b"")
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    (data_dir / "raw" / "2021").rename(data_dir / "raw" / "unmounted")
    capsys.readouterr()

    assert cli.main(["run", "--years", "2021", "--quiet"]) == 1
    out, err = capsys.readouterr()
    assert f"2021: gx_warehouse failed: {data_dir / 'raw' / '2021'} is missing. " in err
    assert "The year's 2 loaded entries are kept" in err
    assert out.splitlines()[2].split()[:5] == ["2021", "FAILED", "not", "run", "1"]

    assert cli.main(["run", "--years", "2021", "--quiet", "--allow-shrink"]) == 0
    # emptied on purpose: no report left, nothing checked (a WARN, not a pass)
    assert capsys.readouterr()[0].splitlines()[2].split()[:5] == ["2021", "ok", "warn", "0", "0"]


def test_gx_run_says_when_a_load_leaves_another_years_copy_in_no_table(
    data_dir, monkeypatch, capsys
):
    # the seed states 2020; its copy under 2021 is quarantined naming the 2020 one, until that
    # one is deleted and 2020 loaded again
    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    put_page(data_dir, 2020, SEED.name, SEED)
    page = REALDEV_PAGES / "106_xiaogan_govoffice_2020.txt"
    put_page(data_dir, 2020, page.name, page)
    put_page(data_dir, 2021, "copy.txt", SEED)
    assert cli.main(["run", "--years", "2020-2021", "--quiet"]) == 0
    (data_dir / "raw" / "2020" / SEED.name).unlink()
    capsys.readouterr()

    assert cli.main(["run", "--years", "2020", "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "report year 2021: 2021/copy.txt quarantined for a copy no longer loaded" in err
    assert "`gx run --years 2021`" in err
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    assert "no longer" not in capsys.readouterr().err


def test_gx_run_quarantines_a_page_the_parser_does_not_finish_in_time(
    data_dir, tmp_path, monkeypatch, capsys
):
    """A small year parses in `gx run`'s own process: the page's time limit holds there too
    (it is a timer signal, which only the main thread gets; the run executed in a thread)."""
    import duckdb

    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    words = "XX区人民政府政府信息公开工作年度报告"
    put_page(data_dir, 2021, "run-away.txt", (words * (1_600_000 // len(words))).encode())
    put_page(data_dir, 2021, SEED.name, SEED)

    assert cli.main(["run", "--years", "2021", "--quiet", "--page-seconds", "0.3"]) == 0
    assert capsys.readouterr().out.splitlines()[2].split()[:5] == ["2021", "ok", "passed", "1", "1"]
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as conn:
        (reason,) = conn.execute(
            "select reason from quarantine where source = '2021/run-away.txt'"
        ).fetchone()
    assert reason.startswith("the parser did not finish this page in 0.3 s")


@pytest.mark.signals
@pytest.mark.usefixtures("stop_signals_at_default")
@pytest.mark.parametrize("signum", ["SIGINT", "SIGHUP"])
def test_ctrl_c_stops_gx_run_after_the_year_it_interrupts(data_dir, tmp_path, signum):
    """Ctrl-C during a year: that year's run ends as failed, saying it was interrupted, and the
    years after it are not started (the interrupt ended only the one run and the next year
    began). SIGHUP (the terminal closed) the same: before, it ended `gx run` at once, as
    kill -9 does, with no summary, its run left recorded as running."""
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    from gx_pipeline.defs.home import ensure_home

    home = ensure_home(tmp_path / "home")
    env = {**os.environ, "GX_DATA_DIR": str(data_dir), "DAGSTER_HOME": str(home)}
    seed = SEED.read_bytes()
    for year in (2021, 2022):
        for k in range(300):  # enough pages for the parse to take seconds in worker processes
            put_page(data_dir, year, f"p{k:03d}.txt", seed + f"\n{year}-{k}\n".encode())
    gx = str(Path(sys.executable).with_name("gx"))
    run = subprocess.Popen(
        [gx, "run", "--years", "2021-2022"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for line in run.stderr:  # type: ignore[union-attr]
            if "2021" in line and "raw_report_inventory succeeded" in line:
                run.send_signal(getattr(signal, signum))
                break
        out, err = run.communicate(timeout=300)
    finally:
        run.kill()
    assert run.returncode == 128 + getattr(signal, signum)
    name = "Ctrl-C" if signum == "SIGINT" else signum
    assert (
        f"gx run: interrupted ({name}) during 2021: its run ended as failed; not started: 2022"
        in err
    )
    assert "year 2/2 2022" not in err
    rows = [line.split()[:2] for line in out.splitlines()[2:]]
    assert rows == [["2021", "FAILED"]]


@pytest.mark.signals
@pytest.mark.usefixtures("stop_signals_at_default")
def test_gx_run_whose_terminal_closes_stops_after_the_year_with_status_129(data_dir, tmp_path):
    """The terminal window closed while `gx run` parses 2021 (its pty hung up, the kernel sends
    SIGHUP). Before: killed by the signal at once, the run left recorded as started and its
    staged pages left; then, with SIGHUP handled, a traceback on the first line written to the
    hung-up terminal (EIO) and exit status 1. Now: the year's run ends as failed, 2022 is not
    started, and the exit status says SIGHUP."""
    import os
    import pty
    import select
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    import dagster as dg

    from gx_pipeline.defs.home import ensure_home

    home = ensure_home(tmp_path / "home")
    env = {**os.environ, "GX_DATA_DIR": str(data_dir), "DAGSTER_HOME": str(home)}
    seed = SEED.read_bytes()
    for year in (2021, 2022):
        for k in range(300):
            put_page(data_dir, year, f"p{k:03d}.txt", seed + f"\n{year}-{k}\n".encode())
    setsid = shutil.which("setsid")
    if setsid is None:
        pytest.skip("no setsid (util-linux) to give gx run a terminal of its own")
    terminal, its_end = pty.openpty()
    run = subprocess.Popen(
        # a session of its own, the pty its controlling terminal (setsid execs gx: same pid)
        [
            setsid,
            "--ctty",
            str(Path(sys.executable).with_name("gx")),
            "run",
            "--years",
            "2021-2022",
        ],
        stdin=its_end,
        stdout=its_end,
        stderr=its_end,
        env=env,
    )
    os.close(its_end)
    try:
        shown = b""
        while b"2021" not in shown or b"raw_report_inventory succeeded" not in shown:
            assert select.select([terminal], [], [], 120)[0], shown[-2000:]
            shown += os.read(terminal, 65536)
        os.close(terminal)  # the window closed
        assert run.wait(timeout=300) == 129
    finally:
        run.kill()
    runs = dg.DagsterInstance.from_config(str(home)).get_runs()
    assert [(r.tags["dagster/partition"], r.status) for r in runs] == [
        ("2021", dg.DagsterRunStatus.FAILURE)
    ]
    assert not (data_dir / "staging" / "2021").exists()


@pytest.mark.signals
@pytest.mark.usefixtures("stop_signals_at_default")
@pytest.mark.parametrize("signum", ["SIGINT", "SIGTERM", "SIGHUP"])
@pytest.mark.parametrize("when", ["between_runs", "as_the_year_ends"])
def test_a_stop_signal_between_two_years_stops_gx_run_with_its_summary(
    data_dir, monkeypatch, signum, when
):
    """SIGTERM (a supervisor, `timeout`, `kill`), Ctrl-C or SIGHUP (the terminal closed) that
    lands as a year's run ends or before the next one begins: the next year is not started, the
    summary is printed and the exit status says which signal. Before: Dagster leaves SIGTERM
    raising KeyboardInterrupt after a run, so one between two runs ended `gx run` in a traceback
    with no summary, and one that landed as a run ended failed that run with no cause and went
    on to the next year; SIGHUP ended `gx run` at once, with no summary."""
    _stop_between_two_years(data_dir, monkeypatch, signum, when)


@pytest.mark.signals
@pytest.mark.usefixtures("stop_signals_at_default")
@pytest.mark.parametrize(
    ("signum", "when"),
    [
        ("SIGTERM", "between_runs"),
        ("SIGHUP", "between_runs"),
        ("SIGTERM", "as_its_run_returns"),
        ("SIGHUP", "as_its_run_returns"),
    ],
)
def test_a_stop_signal_between_two_years_stops_gx_run_started_with_ctrl_c_ignored(
    data_dir, monkeypatch, signum, when
):
    """`gx run` started by a script's `&` (SIGINT ignored, and kept so): after each run Dagster
    sets SIGTERM to SIGINT's handler, here "ignore", so a SIGTERM between two years was lost
    and the next year ran. gx run puts its own back once the run has returned; a SIGTERM in
    the moment before (the year's run returned, the progress thread's last look) was still
    lost."""
    import signal

    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        _stop_between_two_years(data_dir, monkeypatch, signum, when)
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


def _stop_between_two_years(data_dir, monkeypatch, signum: str, when: str) -> None:
    import os
    import signal

    from gx_pipeline.defs import runner

    number = getattr(signal, signum)
    for year in (2020, 2021):
        put_page(data_dir, year, SEED.name, SEED)
    sent = []

    def send_once() -> None:
        if not sent:
            sent.append(number)
            os.kill(os.getpid(), number)

    if when == "between_runs":
        looked = runner.unfinished_run_of

        def look_then_signal(instance, key):
            if key == "2021":
                send_once()
            return looked(instance, key)

        monkeypatch.setattr(runner, "unfinished_run_of", look_then_signal)
        progress = None
    elif when == "as_its_run_returns":
        # Dagster has put back the handlers it found, gx run not yet its own
        executed = runner._execute_with_progress

        def execute_then_signal(job, key, *args):
            result = executed(job, key, *args)
            if key == "2020":
                send_once()
            return result

        monkeypatch.setattr(runner, "_execute_with_progress", execute_then_signal)
        progress = None
    else:

        def progress(year, step, what, *_):
            if year == "2020" and step.endswith("tally_identities") and what == "succeeded":
                send_once()

    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    lines = io.StringIO()
    try:
        summaries = materialize_years(
            ["2020", "2021"], data_dir_path=data_dir, progress=progress, stream=lines
        )
        # a signal the run's last step saw may be acted on once its run has returned
        after = {s: signal.getsignal(s) for s in handlers}
    finally:
        for s, handler in handlers.items():
            signal.signal(s, handler)
    assert sent == [number]
    name = "Ctrl-C" if signum == "SIGINT" else signum
    said = lines.getvalue()
    assert f"gx run: interrupted ({name})" in said
    assert "not started: 2021" in said or "during 2021" in said, said
    assert summaries[0].year == "2020" and summaries[0].loaded == 1
    assert runner.exit_code(summaries) == 128 + number
    assert all(s.year == "2020" or not s.run_ok for s in summaries)
    assert after == handlers  # gx run gives back the handlers it found


@pytest.mark.signals
@pytest.mark.parametrize("signum", ["SIGTERM", "SIGHUP"])
def test_a_signal_ignored_when_gx_run_started_stays_ignored_between_runs(signum):
    """`nohup gx run` (SIGHUP ignored: the run outlives the terminal), or a supervisor that
    starts it with SIGTERM ignored: gx run's handler for the time between runs, and the one it
    puts back after each run, do not take that signal back."""
    import signal

    from gx_pipeline.defs.runner import STOP_SIGNALS, _stop_requested_on

    number = getattr(signal, signum)
    previous = signal.signal(number, signal.SIG_IGN)
    try:
        with _stop_requested_on(STOP_SIGNALS) as run_executing:
            assert signal.getsignal(number) is signal.SIG_IGN
            with run_executing():
                assert signal.getsignal(number) is signal.SIG_IGN
                # as Dagster does as a run ends: SIGTERM gets SIGINT's handler
                signal.signal(signal.SIGTERM, signal.getsignal(signal.SIGINT))
            assert signal.getsignal(number) is signal.SIG_IGN
        assert signal.getsignal(number) is signal.SIG_IGN
    finally:
        signal.signal(number, previous)


def test_sigterm_ignored_when_gx_run_started_stays_ignored_after_a_run(data_dir, monkeypatch):
    """A supervisor that starts `gx run` with SIGTERM ignored: Dagster gave SIGTERM SIGINT's
    handler as the first run ended, so a SIGTERM between two years stopped the run after all."""
    import os
    import signal

    from gx_pipeline.defs import runner

    for year in (2020, 2021):
        put_page(data_dir, year, SEED.name, SEED)
    looked = runner.unfinished_run_of

    def look_then_signal(instance, key):
        if key == "2021":
            os.kill(os.getpid(), signal.SIGTERM)
        return looked(instance, key)

    monkeypatch.setattr(runner, "unfinished_run_of", look_then_signal)
    previous = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    lines = io.StringIO()
    try:
        summaries = materialize_years(["2020", "2021"], data_dir_path=data_dir, stream=lines)
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert "interrupted" not in lines.getvalue()
    assert [(s.year, s.run_ok) for s in summaries] == [("2020", True), ("2021", True)]
    assert runner.exit_code(summaries) == 0


def test_an_interrupt_is_seen_whatever_exception_it_became():
    """DuckDB turns an interrupt that lands in a query into its own "Query interrupted" error:
    gx run tells Ctrl-C by the signal, not by the exception that came out of the step."""
    import os
    import signal

    from gx_pipeline.defs.runner import _signals_received

    swallowed = []
    previous = signal.signal(signal.SIGINT, lambda *_: swallowed.append(1))  # as DuckDB does
    try:
        with _signals_received() as received:
            assert received() == set()
            os.kill(os.getpid(), signal.SIGINT)
            assert signal.SIGINT in received()
            assert received() == set()  # each signal told once
    finally:
        signal.signal(signal.SIGINT, previous)
    assert swallowed == [1]
    assert signal.set_wakeup_fd(-1) == -1  # the wakeup descriptor is given back


_HOLD_SLOT = """
import time, dagster as dg
instance = dg.DagsterInstance.get()
print("ready", flush=True)
while True:
    info = instance.event_log_storage.get_concurrency_info("duckdb")
    if info.claimed_slots:
        print(info.claimed_slots[0].run_id, flush=True)
        break
    time.sleep(0.05)
"""


@pytest.mark.signals
def test_a_killed_run_does_not_block_the_next_one(data_dir, tmp_path):
    """kill -9 of `gx run` while its warehouse step holds the `duckdb` pool slot: the next
    `gx run` marks the dead run failed, frees the slot and finishes (before: it waited
    forever for the slot)."""
    import os
    import selectors
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    import dagster as dg

    from gx_pipeline.defs.home import ensure_home

    home = ensure_home(tmp_path / "home")
    env = {**os.environ, "GX_DATA_DIR": str(data_dir), "DAGSTER_HOME": str(home)}
    for page in (SEED, *sorted(REALDEV_PAGES.glob("*_2020.txt"))):
        put_page(data_dir, 2020, page.name, page)
    gx = str(Path(sys.executable).with_name("gx"))
    # the watcher is ready (Dagster imported, ~2-4 s on a busy machine) before the run starts:
    # started together, it could look first after the run had held and freed the slot
    watcher = subprocess.Popen(
        [sys.executable, "-c", _HOLD_SLOT], env=env, stdout=subprocess.PIPE, text=True
    )
    run = None
    try:
        assert watcher.stdout is not None
        assert watcher.stdout.readline().strip() == "ready"
        run = subprocess.Popen(
            [gx, "run", "--years", "2020", "--quiet"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        seen = selectors.DefaultSelector()
        seen.register(watcher.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + 300
        while not seen.select(timeout=0.2):
            assert run.poll() is None, f"the run ended before holding the slot: {run.stderr.read()}"
            assert time.monotonic() < deadline, "the run never held the duckdb slot"
        run_id = watcher.stdout.readline().strip()
        run.send_signal(signal.SIGKILL)
        run.wait()
    finally:
        watcher.kill()
        if run is not None:
            run.kill()

    again = subprocess.run(
        [gx, "run", "--years", "2020", "--quiet"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert again.returncode == 0, again.stderr[-2000:]
    assert f"gx run: run {run_id} (2020): its process (pid {run.pid}) is gone" in again.stderr
    instance = dg.DagsterInstance.from_config(str(home))
    assert instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.FAILURE
    assert instance.event_log_storage.get_concurrency_info("duckdb").claimed_slots == []


def test_a_failing_steps_cause_is_the_errors_first_line_not_its_advice():
    """DuckDB's errors end with advice (`See also https://…`): the cause `gx run` prints is the
    line that says what went wrong."""
    import dagster as dg

    from gx_pipeline.defs.runner import _cause

    @dg.asset
    def loads() -> None:
        raise MemoryError("Out of Memory Error: failed to allocate 16 KiB\n\nSee also https://x")

    result = dg.materialize([loads], raise_on_error=False)
    (failure,) = [e for e in result.all_events if e.is_step_failure]
    assert "Out of Memory Error: failed to allocate 16 KiB" in _cause(failure, [])


#: a quarantine row as the inventory writes it
_QUARANTINED = {
    "report_year": 2024,
    "source": "2024/a.html",
    "raw_sha256": None,
    "size": 0,
    "stage": "inventory",
    "reason": "the file is empty",
    "generated": False,
}


@pytest.mark.parametrize(
    ("rows", "said"),
    [
        (
            [{"source": "2024/x%FF.html"}, {"source": "2024/x%FF.html"}],
            "Quarantine: column source: field_uniqueness: series 'source' contains duplicate",
        ),
        ([{"stage": "unpacked"}], "Quarantine: column stage: isin("),
        ([{"size": -1}, {"source": "2024/b.html", "reason": ""}], "Quarantine: column size: "),
    ],
    ids=["duplicate sources", "an unknown stage", "two columns wrong"],
)
def test_a_step_refused_by_a_table_schema_says_which_table_column_and_check(rows, said):
    """pandera's SchemaErrors message is a JSON document whose first line is `{`: a year whose
    frames a schema refused was said as `validated_frames failed: pandera.errors.SchemaErrors:
    {`, nothing of the table, the column or the rule. The cause names each, in one line."""
    import dagster as dg
    import pandas as pd

    from gx_pipeline.defs.runner import _cause
    from gx_pipeline.staging import schemas

    frame = pd.DataFrame([{**_QUARANTINED, **row} for row in rows])

    @dg.asset
    def validated() -> None:
        schemas.Quarantine.validate(frame, lazy=True)

    result = dg.materialize([validated], raise_on_error=False)
    (failure,) = [e for e in result.all_events if e.is_step_failure]
    cause = _cause(failure, [])
    assert said in cause
    assert "\n" not in cause and len(cause) < 600


def test_a_progress_reader_that_never_returns_does_not_hold_gx_run(monkeypatch):
    """The thread that prints a year's progress lines reads the run's events from the
    instance, and its last look was waited for without a bound: one stuck in that read (a
    lock held, the storage locked) held `gx run` after the year's run had ended. It is waited
    for a while, then left (it ends with the process)."""
    import threading
    import time
    from types import SimpleNamespace

    from gx_pipeline.defs import runner

    monkeypatch.setattr(runner, "LAST_PROGRESS_S", 0.5, raising=False)
    stuck = threading.Event()

    class Instance:
        def get_records_for_run(self, *args, **kwargs):
            stuck.wait()  # never returns while the test looks
            return SimpleNamespace(records=[], cursor=None)

    ran = SimpleNamespace(run=True)
    job = SimpleNamespace(
        graph=SimpleNamespace(node_dict={}), execute_in_process=lambda **kwargs: ran
    )
    done = []

    def year() -> None:
        done.append(runner._execute_with_progress(job, "2021", Instance(), print, {}))

    started = time.monotonic()
    thread = threading.Thread(target=year, daemon=True)
    thread.start()
    try:
        thread.join(10)
        assert done == [ran], "the run's end waited for the progress reader"
        assert time.monotonic() - started < 5
    finally:
        stuck.set()


def test_a_year_folder_named_with_a_line_break_is_not_said_to_have_a_space():
    from gx_pipeline.defs.runner import _not_a_year

    keys = ["2021", "2022"]
    assert _not_a_year("2021 ", keys).startswith(
        "the folder of report year 2021 written with a space"
    )
    said = _not_a_year("2021\n", keys)
    assert said.startswith("the folder of report year 2021 written with a line break"), said
    assert "written with a tab" in _not_a_year("\t2022", keys)


def test_an_entry_of_raw_whose_name_is_not_utf8_is_named_as_dim_report_names_files(tmp_path):
    # unzip's GBK names: shown percent-encoded as in dim_report.source ('%D6%D0'), not as
    # Python's escapes of undecodable bytes ('\udcd6\udcd0'), which no tool gives back
    import os

    from gx_pipeline.defs.runner import outside_year_folders

    raw = tmp_path / "raw"
    (raw / os.fsdecode(b"\xd6\xd0")).mkdir(parents=True)
    (raw / os.fsdecode(b"\xd6\xd0.html")).write_bytes(SEED.read_bytes())
    said = outside_year_folders(raw)
    assert "'%D6%D0': not a report year's folder" in said, said
    assert "'%D6%D0.html': a file outside the year folders" in said, said
    assert "\\udc" not in said


@pytest.mark.parametrize(
    "failure",
    [IndexError("list index out of range"), RecursionError("maximum recursion depth exceeded")],
    ids=["an IndexError", "a RecursionError"],
)
def test_pages_the_parser_failed_on_are_named_by_the_run(
    data_dir, tmp_path, monkeypatch, capsys, failure
):
    """A parser defect on a page (an exception of the parser's own, not a page it refused) sends
    the page to quarantine and the year on: gx run said `ok`, exit 0, the page one of the year's
    quarantined like a page with no tables, its report in no fact table and nothing said but a
    line in the step's log. gx run now names each such page and the failure."""
    from gx_pipeline.staging import pool

    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    seed = SEED.read_text(encoding="utf-8")
    for k, district in enumerate("东西南北"):
        put_page(data_dir, 2021, f"{k}.txt", seed.replace("襄都区", f"{district}城区"))
    real = pool.parse_bytes

    def failing(data, source, sha256):
        if source.endswith(("/1.txt", "/3.txt")):
            raise failure
        return real(data, source, sha256)

    monkeypatch.setattr(pool, "parse_bytes", failing)
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0  # the other pages load
    out, err = capsys.readouterr()
    assert out.splitlines()[2].split()[:5] == ["2021", "ok", "passed", "2", "2"]
    said = [line for line in err.splitlines() if "the parser failed on" in line]
    assert len(said) == 1, err
    assert "report year 2021: the parser failed on 2 page(s)" in said[0]
    for page in ("2021/1.txt", "2021/3.txt"):
        assert f"{page} (parser error: {type(failure).__name__}: {failure})" in said[0]
    # the Dagster UI's check result says it too (a WARN: the run stays green)
    from gx_pipeline_tests.conftest import materialize_year

    check = _check_of(materialize_year(data_dir, 2021), "no_page_failed_by_the_parser")
    assert not check.passed and check.severity.value == "WARN"
    assert "the parser failed on 2 page(s)" in check.description
    assert set(check.metadata["parser_failures"].value) == {"2021/1.txt", "2021/3.txt"}
    capsys.readouterr()  # the step's own log of the materialization above
    # and gx status, while the pages stay quarantined so
    assert cli.main(["status", "--years", "2021"]) == 0
    status = capsys.readouterr().out
    assert "report year 2021: the parser failed on 2 page(s)" in status
    # a page the parser refused (no tables) is no defect of it: not named
    put_page(data_dir, 2021, "1.txt", "这一页没有表格。")
    monkeypatch.setattr(pool, "parse_bytes", real)
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    assert "the parser failed on" not in capsys.readouterr().err
    assert cli.main(["status", "--years", "2021"]) == 0
    assert "the parser failed on" not in capsys.readouterr().out
    assert _check_of(materialize_year(data_dir, 2021), "no_page_failed_by_the_parser").passed


def _check_of(result, name: str):
    """The evaluation of the check `name` in a successful materialization's `result`."""
    assert result.success
    (check,) = [e for e in result.get_asset_check_evaluations() if e.check_name == name]
    return check


def test_reports_of_an_earlier_load_now_quarantined_are_named_by_the_run_status_and_check(
    data_dir, tmp_path, monkeypatch, capsys
):
    """Pages emptied since the year's last load: they are quarantined ("the file is empty"),
    the rest loads, and the shrink guard passes (3 of 5 reports, more than half). The year
    said ok with nothing about the two reports gone from the fact tables."""
    from gx_pipeline_tests.conftest import materialize_year

    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    seed = SEED.read_text(encoding="utf-8")
    for k, district in enumerate("东西南北中"):
        put_page(data_dir, 2021, f"{k}.txt", seed.replace("襄都区", f"{district}城区"))
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[-1] == "lost"
    assert out.splitlines()[2].split()[-1] == "0"

    put_page(data_dir, 2021, "1.txt", b"")
    put_page(data_dir, 2021, "3.txt", b"")
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0  # a WARN, not a failed run
    out, err = capsys.readouterr()
    row = out.splitlines()[2].split()
    assert row[:5] == ["2021", "ok", "passed", "3", "2"]  # the tally check is not this one
    assert row[-1] == "2"
    said = (
        "2 page(s) whose reports were loaded at an earlier load are quarantined, gone or hold "
        "another report now"
    )
    assert f"gx run: report year 2021: {said}" in err
    # the second empty page is quarantined as a copy of the first: a loss all the same
    assert (
        "2021/1.txt: 西城区科技和工业信息化局's report (the file is empty); "
        "2021/3.txt: 北城区科技和工业信息化局's report (same bytes as 2021/1.txt)"
    ) in err

    assert cli.main(["status", "--years", "2021"]) == 0
    status = capsys.readouterr().out.splitlines()
    assert status[0].split()[-3:] == ["lost", "last", "run"]
    assert status[2].split()[-4] == "2"
    assert any(said in line and "2021/3.txt" in line for line in status)

    # the asset check warns, naming them; still so at the next load (the pages still empty)
    result = materialize_year(data_dir, 2021)
    assert result.success
    (lost,) = [
        e
        for e in result.get_asset_check_evaluations()
        if e.check_name == "no_report_of_an_earlier_load_lost"
    ]
    assert not lost.passed and lost.severity.value == "WARN"
    assert said in lost.description
    assert set(lost.metadata["lost_reports"].value) == {"2021/1.txt", "2021/3.txt"}
    capsys.readouterr()
    # a page that loads again is no loss any more; the other one still is
    put_page(data_dir, 2021, "1.txt", seed.replace("襄都区", "西城区"))
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[2].split()[-1] == "1"
    assert "1 page(s) whose report was loaded" in err and "2021/3.txt" in err
    assert "2021/1.txt" not in err


def test_derived_objects_made_by_older_code_are_said_by_status_and_made_again_by_gx_run(
    data_dir, tmp_path, monkeypatch, capsys
):
    """A view or flag changed with the code (cells_year_over_year.previous_trust_*, the
    several_reports flag) reached a year loaded before only at that year's next load: with no
    load, the warehouse kept what older code made, and nothing said so. Here the warehouse is
    left as older code made it (its views and flags), then a `gx run` of a year that fails
    (its folder missing) loads nothing."""
    import duckdb

    from gx_pipeline.defs.resources import default_resources

    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    put_page(data_dir, 2020, SEED.name, SEED)
    put_page(data_dir, 2021, "112.txt", REALDEV_PAGES / "112_hanzhong_ningqiang_natres_2021.txt")
    assert cli.main(["run", "--years", "2020-2021", "--quiet"]) == 0
    published = data_dir / "warehouse.duckdb"

    def made() -> tuple[list, list]:
        conn = duckdb.connect(str(published), read_only=True)
        try:
            flags = conn.execute("select * from report_flags order by all").fetchall()
            columns = [row[0] for row in conn.execute("describe cells_year_over_year").fetchall()]
        finally:
            conn.close()
        return flags, columns

    flags, columns = made()
    assert flags and "previous_trust_status" in columns
    with default_resources(data_dir)["warehouse"].connect() as conn:  # older code's state
        conn.execute("delete from report_flags")
        conn.execute("create or replace view cells_year_over_year as select 1 as report_year")
        conn.execute("create or replace macro gx_derived_fingerprint() as 'older'")
        conn.execute("create or replace macro gx_schema_fingerprint() as 'older'")
    assert made() == ([], ["report_year"])
    capsys.readouterr()

    assert cli.main(["status", "--years", "2020-2021"]) == 0
    out = capsys.readouterr().out
    assert "the views and table definitions (warehouse/sql) and the agencies and flags" in out
    assert "were made by other code than this (every loaded year): the next `gx run`" in out

    assert cli.main(["run", "--years", "2022", "--quiet"]) == 1  # no folder: nothing loaded
    err = capsys.readouterr().err
    assert (
        "gx run: the agencies and flags (agencies/sql: dim_agency, narrative_similarity, "
        "report_flags) of the warehouse were made by other code than this: made again" in err
    )
    assert made() == (flags, columns)
    assert cli.main(["status", "--years", "2020-2021"]) == 0
    assert "made by other code" not in capsys.readouterr().out


def test_reports_of_an_earlier_load_whose_files_are_gone_are_named_as_lost(
    data_dir, tmp_path, monkeypatch, capsys
):
    """Pages deleted (not emptied) since the year's last load, fewer than the shrink guard's
    share: lost_reports named only quarantined pages, so the year said ok, lost 0, and nothing
    named the reports gone from the fact tables. A page renamed (the same bytes under another
    name), one quarantined at both loads, and one edited are no loss."""
    from gx_pipeline_tests.conftest import materialize_year

    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    seed = SEED.read_text(encoding="utf-8")
    pages = {k: seed.replace("襄都区", f"{d}城区") for k, d in enumerate("东西南北中甲乙")}
    for k, page in pages.items():
        put_page(data_dir, 2021, f"{k}.txt", page)
    put_page(data_dir, 2021, "empty.txt", b"")  # quarantined at the first load: never a report
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    assert capsys.readouterr().out.splitlines()[2].split()[-1] == "0"

    raw = data_dir / "raw" / "2021"
    (raw / "0.txt").unlink()
    (raw / "1.txt").unlink()
    (raw / "2.txt").rename(raw / "2-renamed.txt")
    # corrected figures: the same agency's report of the same year
    put_page(data_dir, 2021, "3.txt", pages[3].replace("规范性文件 | 0 | 0", "规范性文件 | 3 | 0"))
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0  # a WARN, not a failed run
    out, err = capsys.readouterr()
    assert out.splitlines()[2].split()[-1] == "2", out
    said = (
        "2 page(s) whose reports were loaded at an earlier load are quarantined, gone or hold "
        "another report now"
    )
    assert f"gx run: report year 2021: {said}" in err, err
    assert (
        "2021/0.txt: 东城区科技和工业信息化局's report (the file is gone); "
        "2021/1.txt: 西城区科技和工业信息化局's report (the file is gone)"
    ) in err, err
    assert query(data_dir, "select source, reason from lost_reports order by all") == [
        ("2021/0.txt", "the file is gone"),
        ("2021/1.txt", "the file is gone"),
    ]
    assert cli.main(["status", "--years", "2021"]) == 0
    status = capsys.readouterr().out.splitlines()
    assert status[2].split()[-4] == "2"

    # still gone at the next load: still named, by the check too
    result = materialize_year(data_dir, 2021)
    (lost,) = [
        e
        for e in result.get_asset_check_evaluations()
        if e.check_name == "no_report_of_an_earlier_load_lost"
    ]
    assert not lost.passed
    assert set(lost.metadata["lost_reports"].value) == {"2021/0.txt", "2021/1.txt"}
    capsys.readouterr()
    # one comes back emptied (a loss still, its reason now the quarantine's), the other's
    # bytes come back under another name (no loss)
    put_page(data_dir, 2021, "0.txt", b"")
    put_page(data_dir, 2021, "1-again.txt", pages[1])
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[2].split()[-1] == "1", out
    assert "2021/0.txt: 东城区科技和工业信息化局's report (the file is empty)" in err, err
    assert "2021/1.txt" not in err, err


def _report_of(district: str, organ: str = "科技和工业信息化局", year: int = 2021) -> str:
    """The seed report as `district`'s `organ` would publish it for report `year` (the page
    states the year it reports on, and is dated the January after)."""
    page = SEED.read_text(encoding="utf-8").replace("襄都区", district)
    page = page.replace("科技和工业信息化局", organ).replace("2021-01-27", f"{year + 1}-01-27")
    return page.replace("2021年", f"{year + 1}年").replace("2020年", f"{year}年")


def _published_by(page: str, agency: str) -> str:
    """The page with `agency` as its 发布机构 (the seed's names only the kind of office,
    科技和工业信息化局, which the parser does not take for the agency: a page stating no year
    then names its agency nowhere else the parser reads)."""
    return page.replace("发布机构:科技和工业信息化局", f"发布机构:{agency}")


def test_a_page_overwritten_with_another_agencys_report_names_the_report_it_lost(
    data_dir, tmp_path, monkeypatch, capsys
):
    """A page of a year folder overwritten with another report under the same file name (a
    fetch that followed an address now serving another agency's report, a copy over the wrong
    file): the next load had the page loaded, so the earlier agency's report left the year
    with lost 0 and nothing named it. Another agency (another place, or another organ of the
    same place) and the same agency's report of another year are losses, named with the
    agency whose report left and what the page holds now; the same agency's report with
    corrected figures, and two pages that swapped reports, are not."""
    from gx_pipeline_tests.conftest import materialize_year

    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    districts = ["东城区", "西城区", "海淀区", "丰台区", "石景山区", "门头沟区", "房山区"]
    for k, district in enumerate(districts):
        put_page(data_dir, 2021, f"{k}.txt", _report_of(district))
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    assert capsys.readouterr().out.splitlines()[2].split()[-1] == "0"

    put_page(data_dir, 2021, "0.txt", _report_of("通州区"))  # another place's
    put_page(data_dir, 2021, "1.txt", _report_of("西城区", "财政局"))  # another organ's
    put_page(data_dir, 2021, "2.txt", _report_of("海淀区", year=2022))  # its next year's
    corrected = _report_of("丰台区").replace("规范性文件 | 0 | 0", "规范性文件 | 3 | 0")
    put_page(data_dir, 2021, "3.txt", corrected)  # the same report, corrected figures
    put_page(data_dir, 2021, "4.txt", _report_of("门头沟区"))  # 4 and 5 swap their reports
    put_page(data_dir, 2021, "5.txt", _report_of("石景山区"))
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0  # a WARN, not a failed run
    out, err = capsys.readouterr()
    assert out.splitlines()[2].split()[-1] == "3", out
    assert "report year 2021: 3 page(s) whose reports were loaded at an earlier load" in err
    another = "the page now holds another agency's report"
    expected = [
        ("2021/0.txt", "东城区科技和工业信息化局", f"{another} (通州区科技和工业信息化局)"),
        ("2021/1.txt", "西城区科技和工业信息化局", f"{another} (西城区财政局)"),
        (
            "2021/2.txt",
            "海淀区科技和工业信息化局",
            "the page now holds the agency's report of 2022",
        ),
    ]
    for source, agency, reason in expected:
        assert f"{source}: {agency}'s report ({reason})" in err, err
    assert query(data_dir, "select source, agency, reason from lost_reports order by all") == (
        expected
    )
    assert cli.main(["status", "--years", "2021"]) == 0
    status = capsys.readouterr().out.splitlines()
    assert status[2].split()[-4] == "3"
    assert any("2021/1.txt: 西城区科技和工业信息化局's report" in line for line in status)

    result = materialize_year(data_dir, 2021)
    (lost,) = [
        e
        for e in result.get_asset_check_evaluations()
        if e.check_name == "no_report_of_an_earlier_load_lost"
    ]
    assert not lost.passed and lost.severity.value == "WARN"
    assert f"2021/0.txt: 东城区科技和工业信息化局's report ({another}" in lost.description
    assert set(lost.metadata["lost_reports"].value) == {"2021/0.txt", "2021/1.txt", "2021/2.txt"}
    capsys.readouterr()
    # 东城区's report back under another name, corrected: its agency's report of the year is
    # loaded again, no loss; the others still are
    put_page(data_dir, 2021, "0-again.txt", corrected.replace("丰台区", "东城区"))
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[2].split()[-1] == "2", out
    assert "2021/0.txt" not in err and "2021/1.txt: 西城区" in err, err


def _readme_query(after: str) -> str:
    """The first ```sql block of README.md after the text `after`."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return readme.partition(after)[2].partition("```sql\n")[2].partition("```")[0]


def test_an_agency_renamed_is_lost_as_another_organ_is_and_the_readme_lists_both(
    data_dir, tmp_path, monkeypatch, capsys
):
    """An organ renamed (东城区科技和工业信息化局 re-published on its page as
    东城区工业和信息化局) and another organ of the same place (西城区财政局's report over
    西城区科技和工业信息化局's page) look alike to every field the warehouse keeps: both are
    lost, as README's paragraph on lost reports says, and its query lists each loss with the
    report of its place and year loaded now, for the reader to judge."""
    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    districts = ["东城区", "西城区", "海淀区", "丰台区", "石景山区"]
    for k, district in enumerate(districts):
        put_page(data_dir, 2021, f"{k}.txt", _report_of(district))
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    put_page(data_dir, 2021, "0.txt", _report_of("东城区", "工业和信息化局"))  # renamed
    put_page(data_dir, 2021, "1.txt", _report_of("西城区", "财政局"))  # another organ
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    capsys.readouterr()
    another = "the page now holds another agency's report"
    assert query(data_dir, "select source, reason from lost_reports order by all") == [
        ("2021/0.txt", f"{another} (东城区工业和信息化局)"),
        ("2021/1.txt", f"{another} (西城区财政局)"),
    ]
    sql = _readme_query("An agency renamed is another agency here.")
    assert query(data_dir, sql) == [
        (2021, "2021/0.txt", "东城区科技和工业信息化局", "东城区工业和信息化局", "2021/0.txt"),
        (2021, "2021/1.txt", "西城区科技和工业信息化局", "西城区财政局", "2021/1.txt"),
    ]


def test_a_lost_report_loaded_since_under_another_year_is_no_loss_any_more(
    data_dir, tmp_path, monkeypatch, capsys
):
    """A page moved from 2021's folder to 2022's: 2021's load names it lost (the file is gone,
    its report loaded under no year), and 2022's load then loads it. 2021 went on saying lost 1
    (gx status, lost_reports) until 2021 itself was loaded again."""
    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    seed = SEED.read_text(encoding="utf-8")
    for k, district in enumerate("东西南北"):
        put_page(data_dir, 2021, f"{k}.txt", seed.replace("襄都区", f"{district}城区"))
    put_page(data_dir, 2022, "other.txt", seed.replace("襄都区", "中城区"))
    assert cli.main(["run", "--years", "2021-2022", "--quiet"]) == 0
    moved = data_dir / "raw" / "2022" / "3.txt"
    (data_dir / "raw" / "2021" / "3.txt").rename(moved)
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    assert (
        "2021/3.txt: 北城区科技和工业信息化局's report (the file is gone)"
        in capsys.readouterr().err
    )
    assert cli.main(["run", "--years", "2022", "--quiet"]) == 0
    capsys.readouterr()
    assert query(data_dir, "select report_year from dim_report where source = '2022/3.txt'") == [
        (2022,)
    ]
    assert query(data_dir, "select source from lost_reports") == []
    assert cli.main(["status", "--years", "2021"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[2].split()[-4] == "0", out
    assert "2021/3.txt" not in out


def _stating_no_year(page: str) -> str:
    """The page with every year and date taken out of its text (本年 for 2021年): the parser
    reads no stated year from it."""
    import re

    return re.sub(r"20\d\d-\d\d-\d\d", "", re.sub(r"20\d\d年", "本年", page))


@pytest.mark.parametrize("how", ["deleted", "overwritten", "emptied", "its next year's"])
def test_a_report_stating_no_year_is_lost_though_its_agency_has_another_years_report(
    data_dir, tmp_path, monkeypatch, capsys, how
):
    """A report whose page states no year (the parser reads none) of an agency whose report of
    another year is loaded: its page deleted, overwritten with another agency's report, or
    emptied, or overwritten with the agency's report of the next year (figures corrected since),
    and the load said lost 0. Its agency's report of "its year" was looked for with
    the year unknown, and any year's report of the agency matched. The year a report is of is
    the one it states, else the folder it is filed under."""
    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    for year in (2020, 2022):  # the agency's reports of the years around, stated
        put_page(data_dir, year, "0.txt", _report_of("东城区", year=year))
    agency = "东城区科技和工业信息化局"
    put_page(data_dir, 2021, "0.txt", _stating_no_year(_published_by(_report_of("东城区"), agency)))
    put_page(data_dir, 2021, "1.txt", _report_of("西城区"))
    assert cli.main(["run", "--years", "2020-2022", "--quiet"]) == 0
    capsys.readouterr()
    assert query(
        data_dir,
        "select agency, stated_year, division_code is not null from dim_report "
        "where source = '2021/0.txt'",
    ) == [(agency, None, True)]

    page = data_dir / "raw" / "2021" / "0.txt"
    if how == "deleted":
        page.unlink()
    elif how == "overwritten":
        put_page(data_dir, 2021, "0.txt", _report_of("通州区"))
    elif how == "emptied":
        put_page(data_dir, 2021, "0.txt", "<html><body>页面不存在</body></html>")
    else:
        corrected = _report_of("东城区", year=2022).replace(
            "规范性文件 | 0 | 0", "规范性文件 | 3 | 0"
        )
        put_page(data_dir, 2021, "0.txt", corrected)
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[2].split()[-1] == "1", out
    assert f"2021/0.txt: {agency}'s report (" in err, err
    assert query(data_dir, "select source from lost_reports") == [("2021/0.txt",)]


def test_a_report_naming_no_place_republished_naming_it_is_no_loss(
    data_dir, tmp_path, monkeypatch, capsys
):
    """A report whose agency is named without its place (a street office named without its
    county, 西园街道办事处: no place known) re-published on its page naming its place
    (西城区西园街道办事处), figures corrected: the same organ, in a place the earlier report did
    not contradict. It was named lost, "the page now holds another agency's report": a report
    whose place is not known is not known to be another place's, as one naming no agency is not.
    Another organ (洪桥镇人民政府's page now holding 西城区西园街道办事处's report) stays another
    agency."""
    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    put_page(data_dir, 2021, "0.txt", _report_of("", "西园街道办事处"))
    put_page(data_dir, 2021, "1.txt", _report_of("", "洪桥镇人民政府"))
    put_page(data_dir, 2021, "2.txt", _report_of("东城区"))
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    capsys.readouterr()
    assert query(
        data_dir, "select agency from dim_report where division_code is null order by all"
    ) == [("洪桥镇人民政府",), ("西园街道办事处",)]

    named = _report_of("西城区", "西园街道办事处")
    corrected = named.replace("规范性文件 | 0 | 0", "规范性文件 | 3 | 0")
    put_page(data_dir, 2021, "0.txt", corrected)  # the same organ, its place named now
    put_page(data_dir, 2021, "1.txt", named)  # 洪桥镇's page now holds another organ's
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert query(data_dir, "select source, agency from lost_reports") == [
        ("2021/1.txt", "洪桥镇人民政府")
    ]
    assert out.splitlines()[2].split()[-1] == "1", out
    assert "2021/0.txt" not in err and "2021/1.txt: 洪桥镇人民政府's report (" in err, err


def _lost_once(data_dir, how: str, capsys) -> str:
    """2021/0.txt deleted, emptied or overwritten with another named organ's report (丰台区's,
    of 2021 or of 2022), 2021 loaded again: the load says lost 1. -> what it told on stderr."""
    if how == "deleted":
        (data_dir / "raw" / "2021" / "0.txt").unlink()
    elif how == "emptied":
        put_page(data_dir, 2021, "0.txt", "<html><body>页面不存在</body></html>")
    elif how == "overwritten with another year":
        put_page(data_dir, 2021, "0.txt", _report_of("丰台区", year=2022))
    else:
        put_page(data_dir, 2021, "0.txt", _report_of("丰台区"))
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[2].split()[-1] == "1", out
    return err


@pytest.mark.parametrize("how", ["deleted", "emptied", "overwritten"])
def test_a_report_of_no_place_known_is_not_made_up_for_by_another_place_s_of_its_name(
    data_dir, tmp_path, monkeypatch, capsys, how
):
    """Two reports that name their agency without its place (a street office named without its
    county, 西园街道办事处, no place in the text before it: division_code null), figures of
    their own, as two counties' streets of one name publish. One page deleted,
    emptied or overwritten with another organ's report: the load said lost 0, its agency's
    report of the year taken for loaded because the other district's report bears the same
    name. One name with no place known is not known to be one agency: only a report of a known
    place makes up for a report."""
    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    for k in range(2):
        page = _report_of("", "西园街道办事处")
        put_page(
            data_dir, 2021, f"{k}.txt", page.replace("规范性文件 | 0 | 0", f"规范性文件 | {k} | 0")
        )
    put_page(data_dir, 2021, "2.txt", _report_of("海淀区"))
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    capsys.readouterr()
    assert (
        query(data_dir, "select agency, division_code from dim_report where source < '2021/2'")
        == [("西园街道办事处", None)] * 2
    )

    err = _lost_once(data_dir, how, capsys)
    assert "2021/0.txt: 西园街道办事处's report (" in err, err


@pytest.mark.parametrize(
    "how", ["deleted", "emptied", "overwritten", "overwritten with another year"]
)
def test_a_report_naming_only_a_kind_of_office_is_still_lost_when_its_page_is(
    data_dir, tmp_path, monkeypatch, capsys, how
):
    """A page naming only a kind of office (发布机构:科技和工业信息化局, no place before it in
    the text) has no agency (metadata_missing), its figures loaded all the same. Its page
    deleted, emptied, or overwritten with another named organ's report of the year: its figures
    leave the fact tables, and the load names the loss (a report naming no agency). Its page
    overwritten with a named organ's report of another year: the reason names that organ, not
    "the agency's report of 2022" (no agency of the lost report is known to be the same)."""
    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    kind_only = _report_of("西城区").replace("西城区科技和工业信息化局", "科技和工业信息化局")
    put_page(data_dir, 2021, "0.txt", kind_only)
    put_page(data_dir, 2021, "1.txt", _report_of("东城区"))
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    capsys.readouterr()
    assert query(data_dir, "select source, agency from dim_report order by all") == [
        ("2021/0.txt", None),
        ("2021/1.txt", "东城区科技和工业信息化局"),
    ]

    err = _lost_once(data_dir, how, capsys)
    assert "2021/0.txt: a report naming no agency (" in err, err
    assert query(data_dir, "select source, agency from lost_reports") == [("2021/0.txt", None)]
    if how == "overwritten":  # 丰台区's office of that kind: maybe the same, maybe not
        assert "(possible loss: the page now holds 丰台区科技和工业信息化局's report of" in err
    if how == "overwritten with another year":
        assert "(the page now holds 丰台区科技和工业信息化局's report of 2022)" in err, err


def _kind_only(organ: str) -> str:
    """西城区's `organ` report as a page naming only the kind of office (no place before it
    anywhere in the text): the parser names no agency."""
    return _report_of("西城区", organ).replace("西城区" + organ, organ)


@pytest.mark.parametrize("organ", ["财政局", "卫生健康委员会"])
@pytest.mark.parametrize("how", ["the same page", "a newer parser", "corrected", "marked up"])
def test_a_report_naming_no_agency_read_again_is_no_loss_but_one_overwritten_is_a_possible_loss(
    data_dir, tmp_path, monkeypatch, capsys, organ, how
):
    """Two pages naming only a kind of office (agency null). One read again as the same
    report: the same bytes, the same bytes read by a newer parser that names its agency now, a
    figure corrected, the page saved again with a tracking script (still naming no agency): no
    loss. The other overwritten with a named office's report of the year (another district's
    office of that kind, other figures): a report of no agency known may or may not be that
    office's, so it is counted lost, as a possible loss."""
    import dataclasses

    from gx_pipeline.staging import pool

    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    first = _report_of("西城区", organ) if how == "a newer parser" else _kind_only(organ)
    put_page(data_dir, 2021, "0.txt", first)
    put_page(data_dir, 2021, "1.txt", first.replace("规范性文件 | 0 | 0", "规范性文件 | 1 | 0"))
    put_page(data_dir, 2021, "2.txt", _report_of("东城区"))
    real_parse = pool.parse_bytes

    def older(data, source, sha256=None):
        """The parser before the one that reads the 西城区 office's name."""
        return dataclasses.replace(real_parse(data, source, sha256), agency=None)

    with monkeypatch.context() as patch:
        if how == "a newer parser":
            patch.setattr(pool, "parse_bytes", older)
        assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    capsys.readouterr()
    assert query(data_dir, "select agency from dim_report where source < '2021/2'") == [
        (None,),
        (None,),
    ]

    if how == "corrected":
        put_page(data_dir, 2021, "0.txt", first.replace("规范性文件 | 0 | 0", "规范性文件 | 2 | 0"))
    elif how == "marked up":
        put_page(data_dir, 2021, "0.txt", first + "\n<script>var _hmt = _hmt || [];</script>\n")
    other = _report_of("朝阳区", organ).replace("规范性文件 | 0 | 0", "规范性文件 | 5 | 0")
    put_page(data_dir, 2021, "1.txt", other)
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[2].split()[-1] == "1", out
    said = (
        f"2021/1.txt: a report naming no agency (possible loss: the page now holds 朝阳区{organ}'s"
    )
    assert said in err and "2021/0.txt" not in err, err
    assert query(data_dir, "select source, agency from lost_reports") == [("2021/1.txt", None)]
    loaded = query(data_dir, "select agency from dim_report where source = '2021/0.txt'")
    assert loaded == [("西城区" + organ if how == "a newer parser" else None,)]


def test_gx_status_says_a_run_whose_process_is_gone_is_not_running(
    data_dir, tmp_path, monkeypatch, capsys
):
    """A `gx run` killed (kill -9, the out-of-memory killer) stays STARTED in the instance until
    the next `gx run` marks it failed: `gx status` said "started" as of a run going on, and
    nothing said the year's last run had died."""
    import os

    import dagster as dg

    from gx_pipeline.definitions import build_definitions
    from gx_pipeline.defs.home import local_instance
    from gx_pipeline.defs.liveness import own_tags
    from gx_pipeline_tests.conftest import pid_of_a_process_gone

    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    put_page(data_dir, 2020, SEED.name, SEED)
    put_page(data_dir, 2021, SEED.name, SEED)
    job = build_definitions(data_dir).resolve_job_def("gx_yearly_job")
    with local_instance() as instance:
        for year, pid in (("2020", pid_of_a_process_gone()), ("2021", os.getpid())):
            instance.create_run_for_job(
                job,
                tags={"dagster/partition": year, **own_tags(pid)},
                status=dg.DagsterRunStatus.STARTED,
            )
    assert cli.main(["status", "--years", "2020-2021"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[2].startswith("2020") and out[2].rstrip().endswith("its process is gone (killed?)")
    assert out[3].startswith("2021") and "started" in out[3] and "gone" not in out[3], out


def _request_backfill(instance, graph, backfill_id: str, year: str, at: float) -> None:
    """A backfill of gx_warehouse for `year`, requested (as the UI adds it, for the daemon)."""
    import dagster as dg
    from dagster._core.execution.backfill import PartitionBackfill

    instance.add_backfill(
        PartitionBackfill.from_asset_partitions(
            backfill_id=backfill_id,
            asset_graph=graph,
            partition_names=[year],
            asset_selection=[dg.AssetKey("gx_warehouse")],
            backfill_timestamp=at,
            tags={},
            dynamic_partitions_store=instance,
            all_partitions=False,
            title=None,
            description=None,
            run_config=None,
        )
    )


def test_gx_status_shows_the_last_run_of_a_year_whichever_job_ran_it_and_backfills_waiting(
    data_dir, tmp_path, monkeypatch, capsys
):
    """`gx status` read the runs of gx_yearly_job only: a year's province runs (the year ×
    province location, a backfill of them), a step materialized from the UI (Dagster's own
    asset job) and a backfill not launched yet were not shown, the year said "never run" or an
    older run's status while another job was loading it."""
    import os
    import time

    import dagster as dg

    from gx_pipeline import definitions_provinces
    from gx_pipeline.definitions import build_definitions
    from gx_pipeline.defs.home import local_instance
    from gx_pipeline.defs.liveness import own_tags

    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    for year in (2020, 2021, 2022):
        put_page(data_dir, year, SEED.name, SEED)
    yearly = build_definitions(data_dir).resolve_job_def("gx_yearly_job")
    provinces = definitions_provinces.build_definitions(data_dir, "memory://gx")
    with local_instance() as instance:
        instance.create_run_for_job(
            yearly, tags={"dagster/partition": "2020"}, status=dg.DagsterRunStatus.SUCCESS
        )
        instance.create_run_for_job(
            provinces.resolve_job_def("gx_province_job"),
            tags={
                "dagster/partition": "广东省|2020",
                "dagster/partition/year": "2020",
                "dagster/partition/province": "广东省",
                "dagster/backfill": "bfprov01",
                **own_tags(os.getpid()),
            },
            status=dg.DagsterRunStatus.STARTED,
        )
        instance.add_run(
            dg.DagsterRun(
                job_name="__ASSET_JOB",
                run_id="0123abcd-0000-0000-0000-000000000000",
                tags={"dagster/partition": "2021"},
                status=dg.DagsterRunStatus.FAILURE,
            )
        )
        graph = build_definitions(data_dir).resolve_asset_graph()
        _request_backfill(instance, graph, "bfwait22", "2022", time.time())
    assert cli.main(["status", "--years", "2020-2022"]) == 0
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[2:5]}
    assert (
        "started" in rows["2020"] and "gx_province_job 广东省 (backfill bfprov01)" in rows["2020"]
    )
    assert "failure" in rows["2021"] and "__ASSET_JOB" in rows["2021"], rows
    assert "never run" in rows["2022"] and "backfill bfwait22 requested" in rows["2022"], rows


def test_a_run_of_another_dagster_home_on_the_data_folder_is_left_its_year_and_stage(
    data_dir, instance, tmp_path
):
    """Two Dagster instances (a second `make ui`, a `gx run` from a shell without `make`'s
    DAGSTER_HOME) on one data folder do not see each other's runs: a run of one removed the
    stage of the other's live run of the year as an ended run's, and loaded the year beside
    it. The data folder now holds each run's claim on its year, locked by its process."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    import gx_pipeline
    from gx_pipeline.definitions import build_definitions

    put_page(data_dir, 2020, SEED.name, SEED)
    staging = data_dir / "staging"
    theirs = staging / "2020" / "parsed" / "0ther-run" / "dim_report" / "part.parquet"
    theirs.parent.mkdir(parents=True)
    theirs.write_bytes(b"the other instance's part")
    holds = (
        "import time\n"
        "from gx_pipeline.staging.claims import claim\n"
        f"claim({str(staging)!r}, 2020, '0ther-run', {str(tmp_path / 'other-home')!r})\n"
        "print('claimed', flush=True)\n"
        "time.sleep(600)\n"
    )
    code = str(Path(gx_pipeline.__file__).parents[1])  # this checkout's, as the test's
    holder = subprocess.Popen(
        [sys.executable, "-c", holds],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": code},
    )
    try:
        assert holder.stdout.readline() == "claimed\n"
        job = build_definitions(data_dir).resolve_job_def("gx_yearly_job")
        result = job.execute_in_process(
            partition_key="2020", instance=instance, raise_on_error=False
        )
        assert not result.success
        (failure,) = [e for e in result.all_events if e.is_step_failure]
        assert failure.step_key == "parsed_reports"
        message = failure.event_specific_data.error.message
        assert "run 0ther-ru of the Dagster instance at " + str(tmp_path / "other-home") in message
        assert "one DAGSTER_HOME per data folder" in message
        assert theirs.read_bytes() == b"the other instance's part"  # its stage untouched
        assert not (data_dir / "warehouse.duckdb").exists()
    finally:
        holder.kill()
        holder.wait()
    # its process gone, its claim is over: the year runs, and its stage goes as an ended run's
    assert job.execute_in_process(partition_key="2020", instance=instance).success
    assert not (staging / "2020").exists()


def test_gx_status_of_many_backfills_on_a_year_keeps_to_a_line_of_reading_length(
    data_dir, tmp_path, monkeypatch, capsys
):
    """A backfill re-requested from the UI many times over the years (each one waiting for the
    daemon) made `gx status` name every one in the year's row, and the table padded every row
    to that width: 30 backfills gave rows of over a thousand characters."""
    import time

    from gx_pipeline.definitions import build_definitions
    from gx_pipeline.defs.home import local_instance

    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    put_page(data_dir, 2020, SEED.name, SEED)
    graph = build_definitions(data_dir).resolve_asset_graph()
    with local_instance() as instance:
        for n in range(30):
            _request_backfill(instance, graph, f"bfwait{n:02d}", "2020", time.time() + n)
    assert cli.main(["status", "--years", "2020"]) == 0
    lines = capsys.readouterr().out.splitlines()
    (row,) = [line for line in lines if line.startswith("2020  ")][:1]
    assert "never run; 30 backfills requested (bfwait29, bfwait28, …)" in row, row
    assert max(len(line.rstrip()) for line in lines) < 250, max(lines, key=len)


def test_a_writer_holding_the_working_file_through_the_summary_is_said_in_one_line(
    data_dir, monkeypatch, capsys
):
    """Another process holds the working warehouse read-write (the DuckDB CLI opened on
    data/.work/warehouse.duckdb without -readonly, a notebook's connection) past the years' runs:
    measured, a real `gx run` whose step gave up after its tries then waited for the file again
    to read the summary, and ended in DuckDB's `IOException: Could not set lock` traceback, no
    summary. Now one line names the file and the process that holds it, exit status 1."""
    from pathlib import Path

    from gx_pipeline.datadir import DataDir
    from gx_pipeline.defs import runner
    from gx_pipeline.defs.resources import Warehouse
    from gx_pipeline.warehouse.files import WarehouseFiles

    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    put_page(data_dir, 2021, SEED.name, SEED)
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    capsys.readouterr()
    work = DataDir.default().work_database
    holder = writer_holding(work)
    try:
        # the year's run as it ends when its step gave up on the lock (minutes of tries);
        # the file's lock waited for a second, not a minute
        monkeypatch.setattr(
            runner,
            "_run_years",
            lambda *a, **k: [("2021", False, None, None, "gx_warehouse failed: locked", 0)],
        )
        monkeypatch.setattr(
            Warehouse,
            "files",
            property(lambda self: WarehouseFiles(Path(self.database), Path(self.publish_to), 1)),
        )
        assert cli.main(["run", "--years", "2021", "--quiet"]) == 1
    finally:
        holder.kill()
        holder.wait()
    out, err = capsys.readouterr()
    assert f"{work} cannot be opened: another process holds it (process {holder.pid})" in err, err
    assert "Traceback" not in err + out


@pytest.mark.parametrize("where", ["a_file", "under_a_file"])
def test_a_data_folder_that_is_no_folder_is_said_in_one_line(tmp_path, monkeypatch, capsys, where):
    """GX_DATA_DIR naming a file (a mistyped variable: the warehouse file, a .env file), or a
    path under one: every year failed with `NotADirectoryError` on its staging folder, and
    `gx run` then ended in the same error's traceback from the summary, no summary."""
    (tmp_path / "afile").write_text("not a folder")
    data = tmp_path / "afile" if where == "a_file" else tmp_path / "afile" / "data"
    monkeypatch.setenv("GX_DATA_DIR", str(data))
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 1
    out, err = capsys.readouterr()
    assert f"gx run: the data folder cannot be written: GX_DATA_DIR={data}: Not a directory" in err
    assert "Traceback" not in err and out == ""
    assert "2021" not in err  # nothing was run


def test_a_dagster_home_removed_while_gx_run_goes_on_is_said_in_one_line(
    data_dir, tmp_path, monkeypatch, capsys
):
    """DAGSTER_HOME removed during a run (a cleaner of /tmp, `rm -rf` of the wrong folder):
    measured on a real `gx run` of two years, the home removed as the first year parsed, it
    ended in SQLAlchemy's `unable to open database file` traceback, no summary. Now one line
    says what became of the run records, exit 1; the next `gx run` starts them again."""
    import shutil

    from gx_pipeline.defs import runner

    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    home = tmp_path / "dagster-home"
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    put_page(data_dir, 2021, SEED.name, SEED)
    run_years = runner._run_years

    def home_removed_first(*args, **kwargs):
        shutil.rmtree(home)
        return run_years(*args, **kwargs)

    monkeypatch.setattr(runner, "_run_years", home_removed_first)
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert f"gx run: Dagster's run records under DAGSTER_HOME={home} cannot be written: " in err
    assert "the folder is gone" in err and "Traceback" not in err, err
    monkeypatch.setattr(runner, "_run_years", run_years)
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0


def _read_only_mount(folder):
    """`folder` bind-mounted read-only over itself (a data folder on a read-only volume); the
    test is skipped where mount is not allowed."""
    import subprocess

    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "--bind", "-o", "ro", str(folder), str(folder)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"mount is not allowed here: {mounted.stderr.decode().strip()}")


def test_a_working_folder_gx_run_cannot_write_is_said_in_one_line(data_dir, monkeypatch, capsys):
    """data/.work/ on a read-only volume (or not this user's): every year's warehouse step
    failed with DuckDB's `IO Error: Cannot open file "…/warehouse.duckdb": Read-only file
    system`, and the summary with it again. Now one line names the folder and what to do,
    before anything runs."""
    import subprocess

    from gx_pipeline.datadir import DataDir

    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    put_page(data_dir, 2021, SEED.name, SEED)
    work = DataDir.default().work_database.parent
    _read_only_mount(work)
    try:
        assert cli.main(["run", "--years", "2021", "--quiet"]) == 1
    finally:
        subprocess.run(["umount", str(work)], check=False)
    out, err = capsys.readouterr()
    assert f"gx run: the working folder {work} cannot be written (a read-only file system)" in err
    assert "GX_DATA_DIR" in err and "(nothing was run)" in err, err
    assert "IO Error" not in err and "2021:" not in err and out == ""


def test_a_working_folder_that_cannot_be_written_any_more_fails_the_step_saying_so(tmp_path):
    """The same folder turned read-only once gx run has started (a volume remounted): the
    step's cause, and the summary's line, name the folder, not DuckDB's IO Error."""
    import subprocess

    from gx_pipeline.cli import _cannot_open_the_warehouse
    from gx_pipeline.warehouse.files import WarehouseFiles, WorkFolderUnwritable

    work = tmp_path / ".work"
    _read_only_mount(work)
    try:
        with (
            pytest.raises(WorkFolderUnwritable) as raised,
            WarehouseFiles(work / "warehouse.duckdb").connect(publish=False),
        ):
            pass
    finally:
        subprocess.run(["umount", str(work)], check=False)
    said = str(raised.value)
    assert said.startswith(f"the working folder {work} cannot be written (a read-only file system)")
    assert "IO Error" not in said
    assert _cannot_open_the_warehouse(raised.value).startswith(said)


class _Lines(io.StringIO):
    """A stream that calls `then(line)` on each line written to it (from any thread)."""

    def __init__(self, then):
        super().__init__()
        self.then = then

    def write(self, text):
        for line in text.splitlines():
            self.then(line)
        return super().write(text)


def test_a_step_tried_again_for_a_held_working_file_says_which_file_and_process(
    data_dir, monkeypatch
):
    """A writer holding data/.work/warehouse.duckdb (the DuckDB CLI, a notebook) past the lock
    wait: measured, `gx run` printed `gx_warehouse retrying` three times over five minutes
    without a word of why. Each try again now says the file and the process that holds it."""
    from pathlib import Path

    import duckdb

    from gx_pipeline.datadir import DataDir
    from gx_pipeline.defs import assets
    from gx_pipeline.defs.resources import Warehouse
    from gx_pipeline.warehouse.files import WarehouseFiles

    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    put_page(data_dir, 2021, SEED.name, SEED)
    work = DataDir.default().work_database
    work.parent.mkdir(parents=True)
    # the tries as they come, a second's lock wait and no wait between them, not minutes
    monkeypatch.setattr(assets, "LOCK_RETRIES", 1, raising=False)
    monkeypatch.setattr(assets, "LOCK_RETRY_S", 0, raising=False)
    monkeypatch.setattr(
        Warehouse,
        "files",
        property(lambda self: WarehouseFiles(Path(self.database), Path(self.publish_to), 1)),
    )
    holder = writer_holding(work)
    lines = io.StringIO()
    try:
        # the summary's read of the warehouse fails on the lock too (gx run says it in a line)
        with pytest.raises(duckdb.IOException):
            materialize_years(["2021"], data_dir_path=data_dir, stream=lines)
    finally:
        holder.kill()
        holder.wait()
    said = [line for line in lines.getvalue().splitlines() if "tried again" in line]
    assert len(said) == 1, lines.getvalue()
    assert said[0].startswith("2021: gx_warehouse is tried again (retry 1): "), said
    assert f"{work} is held open by process {holder.pid} (`" in said[0], said
    assert f"`kill {holder.pid}`" in said[0]
    # each try's wait said as it begins and as it ends, not only the try again between them
    waits = [line for line in lines.getvalue().splitlines() if "waiting for the" in line]
    held = f"2021: gx_warehouse: waiting for the warehouse file {work}: process {holder.pid}"
    assert sum(line.startswith(held) for line in waits) == 2, waits
    assert sum(line.endswith(": still held after 1 s, given up") for line in waits) == 2, waits


def test_a_load_waiting_for_a_working_file_held_read_only_says_so_at_once_and_goes_on(
    data_dir, monkeypatch
):
    """An analyst's read-only session on data/.work/warehouse.duckdb (the DuckDB CLI with
    -readonly, a notebook): measured, `gx run`'s load waited 24 s with nothing printed, and for
    a session held for minutes a minute of silence before each try again. Now the wait is said
    within seconds, naming the file and the holder's process, and the load goes on once the
    session ends."""
    import threading
    import time

    from gx_pipeline.datadir import DataDir

    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    put_page(data_dir, 2021, SEED.name, SEED)
    assert materialize_years(["2021"], data_dir_path=data_dir, stream=io.StringIO())[0].run_ok
    work = DataDir.default().work_database
    holder = writer_holding(work, read_only=True)
    lines = io.StringIO()
    said_at: list[float] = []

    def end_the_session_once_said() -> None:
        start = time.monotonic()
        while "waiting for the warehouse file" not in lines.getvalue():
            if time.monotonic() - start > 30:
                break
            time.sleep(0.1)
        said_at.append(time.monotonic() - start)
        holder.kill()

    closer = threading.Thread(target=end_the_session_once_said)
    try:
        closer.start()
        (summary,) = materialize_years(["2021"], data_dir_path=data_dir, stream=lines)
    finally:
        holder.kill()
        holder.wait()
        closer.join()
    assert summary.run_ok, lines.getvalue()
    said = [line for line in lines.getvalue().splitlines() if "waiting for the" in line]
    assert said and said[0].startswith(
        f"2021: gx_warehouse: waiting for the warehouse file {work}: process {holder.pid} (`"
    ), lines.getvalue()
    assert said_at[0] < 15, said_at


@pytest.mark.signals
def test_a_run_waiting_for_the_slot_of_a_stopped_run_says_so_and_goes_on_once_it_is_killed(
    data_dir, tmp_path, monkeypatch
):
    """`gx run` stopped (Ctrl-Z, SIGSTOP) while its warehouse step holds the `duckdb` slot:
    measured, a second `gx run` waited behind it without a word, and after the stopped one was
    killed still waited, its slot never freed. Now the second says at once, and again while it
    waits, which run holds the slot, that its process is stopped and the commands out; the
    holder killed, it frees the slot and loads its year."""
    import os
    import selectors
    import signal
    import subprocess
    import sys
    import threading
    import time
    from pathlib import Path

    from gx_pipeline.defs import runner
    from gx_pipeline.defs.home import ensure_home

    home = ensure_home(tmp_path / "home")
    env = {**os.environ, "GX_DATA_DIR": str(data_dir), "DAGSTER_HOME": str(home)}
    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setattr(runner, "WAIT_SAID_S", 1.0, raising=False)
    for page in (SEED, *sorted(REALDEV_PAGES.glob("*_2020.txt"))):
        put_page(data_dir, 2020, page.name, page)
    put_page(data_dir, 2021, SEED.name, SEED)
    gx = str(Path(sys.executable).with_name("gx"))
    watcher = subprocess.Popen(
        [sys.executable, "-c", _HOLD_SLOT], env=env, stdout=subprocess.PIPE, text=True
    )
    stopped = None
    waits: list[str] = []

    def seen(line: str) -> None:
        if "waits for the duckdb slot" in line:
            waits.append(line)
            if len(waits) == 2:  # said at once, and again: now the way out
                stopped.kill()

    try:
        assert watcher.stdout.readline().strip() == "ready"
        stopped = subprocess.Popen(
            [gx, "run", "--years", "2020", "--quiet"], env=env, stdout=subprocess.DEVNULL
        )
        ready = selectors.DefaultSelector()
        ready.register(watcher.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + 300
        while not ready.select(timeout=0.2):
            assert stopped.poll() is None, "the run ended before holding the slot"
            assert time.monotonic() < deadline, "the run never held the duckdb slot"
        run_id = watcher.stdout.readline().strip()
        stopped.send_signal(signal.SIGSTOP)
        # whatever happens, the run below is not left waiting for good
        backstop = threading.Timer(240, stopped.kill)
        backstop.start()
        try:
            (summary,) = materialize_years(["2021"], data_dir_path=data_dir, stream=_Lines(seen))
        finally:
            backstop.cancel()
    finally:
        watcher.kill()
        if stopped is not None:
            stopped.kill()
            stopped.wait()
    assert len(waits) >= 2, waits
    first = waits[0]
    assert first.startswith("2021: gx_warehouse waits for the duckdb slot"), first
    assert f"run {run_id[:8]} of 2020 (gx_warehouse)" in first
    assert f"process {stopped.pid} (`" in first and "which is stopped" in first, first
    assert f"`kill -CONT {stopped.pid}`" in first and f"`kill -9 {stopped.pid}` ends it" in first
    assert f"Ctrl-C (or `kill {os.getpid()}`) ends this run while it waits" in first
    assert "s so far" in waits[1]
    assert summary.run_ok and summary.loaded == 1


@pytest.mark.signals
@pytest.mark.parametrize("status", ["CANCELING", "CANCELED"])
def test_a_run_terminated_while_its_year_loads_commits_nothing(data_dir, monkeypatch, status):
    """The UI's Terminate (or its force termination) landing while gx_warehouse writes the
    year: the load went on and committed under a run recorded canceled. Now the step looks at
    its run before it commits: the year keeps its earlier rows (a page added since stays out)
    and the run ends canceled."""
    import dagster as dg

    from gx_pipeline.agencies import rebuild
    from gx_pipeline_tests.conftest import materialize_year

    instance = dg.DagsterInstance.ephemeral()

    put_page(data_dir, 2020, SEED.name, SEED)
    assert materialize_year(data_dir, 2020, instance=instance).success
    put_page(
        data_dir, 2020, "more.txt", SEED.read_text(encoding="utf-8").replace("襄都区", "东城区")
    )
    rebuild_within = rebuild.rebuild_within

    def terminated_meanwhile(conn) -> None:
        rebuild_within(conn)
        (run,) = instance.get_runs(dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED]))
        instance.report_run_canceling(run)
        if status == "CANCELED":
            instance.report_run_canceled(run)

    monkeypatch.setattr(rebuild, "rebuild_within", terminated_meanwhile)
    result = materialize_year(data_dir, 2020, instance=instance)
    assert not result.success
    assert query(data_dir, "select source from dim_report where report_year = 2020") == [
        (f"2020/{SEED.name}",)
    ]
    assert instance.get_run_by_id(result.run_id).status == dg.DagsterRunStatus.CANCELED
    (failure,) = [e for e in result.all_events if e.is_step_failure]
    assert failure.step_key == "gx_warehouse"
    assert "ended before committing report year 2020, nothing written" in str(
        failure.step_failure_data.error.message
    )


def _gx_run_waiting_for_the_slot(data_dir, tmp_path):
    """A real `gx run --years 2020` (its own process) whose warehouse step waits for the
    `duckdb` slot that a live run holds (holding.slot_held_by_a_live_run): the instance, the
    holder's run, the process, and its stderr lines so far (the last says it waits)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from gx_pipeline.defs.home import ensure_home
    from gx_pipeline_tests.holding import slot_held_by_a_live_run

    home = ensure_home(tmp_path / "home")
    env = {**os.environ, "GX_DATA_DIR": str(data_dir), "DAGSTER_HOME": str(home)}
    put_page(data_dir, 2020, SEED.name, SEED)
    instance, holder = slot_held_by_a_live_run(home, data_dir)
    gx = str(Path(sys.executable).with_name("gx"))
    run = subprocess.Popen(
        [gx, "run", "--years", "2020", "--quiet"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    err = []
    for line in run.stderr:  # type: ignore[union-attr]
        err.append(line)
        if "waits for the duckdb slot" in line:
            return instance, holder, run, err
    run.kill()
    raise AssertionError("".join(err))


def _slot_freed_then_ended(run, storage, holder, err: list[str], timeout: float):
    """Free the holder's `duckdb` slot (its long load ends) and wait for the waiting `gx run`
    to end (killed after `timeout` s): its stdout, and its whole stderr."""
    import subprocess

    storage.free_concurrency_slots_for_run(holder.run_id)
    try:
        out, rest = run.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        run.kill()
        out, rest = run.communicate()
    return out, "".join(err) + rest


@pytest.mark.signals
@pytest.mark.parametrize("how", ["terminate", "force"])
def test_a_gx_run_waiting_for_the_duckdb_slot_ends_when_the_ui_terminates_its_run(
    data_dir, tmp_path, how
):
    """The Dagster UI's Terminate on a `gx run` whose warehouse step waits for the `duckdb`
    slot: the UI's run launcher records the run CANCELING and finds no process of its own to
    signal; "force termination" then records it CANCELED. `gx run` waited on, and once the
    slot was free loaded the year under a run recorded canceled. Here the holder's slot is
    freed a second after the Terminate, as a long load ending would: the waiting run ends within
    seconds, loads nothing, and the year is FAILED saying the run was canceled."""
    import time

    import dagster as dg

    instance, holder, run, err = _gx_run_waiting_for_the_slot(data_dir, tmp_path)
    storage = instance.event_log_storage
    try:
        (record,) = instance.get_run_records(dg.RunsFilter(tags={"dagster/partition": "2020"}))
        waiting = record.dagster_run
        # what the UI's Terminate does (dagster_graphql terminate_pipeline_execution)
        assert not instance.run_coordinator.cancel_run(waiting.run_id)  # no process it knows
        # CANCELING, or already CANCELED by the run ending on it
        assert instance.get_run_by_id(waiting.run_id).status != dg.DagsterRunStatus.STARTED
        if how == "force":
            instance.report_run_canceled(waiting, message="forcibly marked as canceled")
        sent = time.monotonic()
        time.sleep(1.0)
        out, err = _slot_freed_then_ended(run, storage, holder, err, 60)
        took = time.monotonic() - sent
    finally:
        run.kill()
    published = data_dir / "warehouse.duckdb"
    assert not published.exists() or query(
        data_dir, "select count(*) from dim_report where report_year = 2020"
    ) == [(0,)]
    assert took < 15, (took, err)
    assert run.returncode == 1, err
    assert [line.split()[:2] for line in out.splitlines()[2:]] == [["2020", "FAILED"]], out
    assert "2020: its run was canceled from outside gx run" in err, err
    assert "while gx_warehouse waited for a pool slot" in err, err
    assert instance.get_run_by_id(waiting.run_id).status == dg.DagsterRunStatus.CANCELED
    assert storage.get_concurrency_info("duckdb").pending_steps == []


def _run_records_locked(home, seconds: float):
    """A process holding the instance's run records (runs.db) locked for `seconds`, readers
    too (SQLite's exclusive locking mode: a maintenance tool's session, a copy taken under a
    lock): a read of the run storage meanwhile waits 5 s and fails, "database is locked".
    Returned once it holds the lock."""
    import subprocess
    import sys

    hold = (
        "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
        "c.execute('PRAGMA locking_mode=EXCLUSIVE'); c.execute('BEGIN EXCLUSIVE'); "
        "c.execute('update instance_info set run_storage_id = run_storage_id'); "
        "print('held', flush=True); time.sleep(float(sys.argv[2])); c.execute('ROLLBACK')"
    )
    runs = home / "history" / "runs.db"
    holder = subprocess.Popen(
        [sys.executable, "-c", hold, str(runs), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline() == "held\n"
    return holder


@pytest.mark.signals
def test_a_gx_run_waiting_for_the_duckdb_slot_outlasts_its_run_records_locked_a_while(
    data_dir, tmp_path
):
    """A run waiting for the `duckdb` slot reads its own status every 0.5 s (a Terminate from
    the UI ends it). While the run records were locked (5 s and more: a read then fails,
    "database is locked"), that read failed the run: the year FAILED with no cause said, where
    before the run only waited; and gx run's progress thread, looking for dead slot holders in
    the same records, ended with a traceback (no more progress lines). A read that fails is one
    look missed: the run waits on, and loads once the slot is free; a Terminate is still seen
    at the next look that reads."""

    import dagster as dg

    instance, holder, run, err = _gx_run_waiting_for_the_slot(data_dir, tmp_path)
    storage = instance.event_log_storage
    try:
        locker = _run_records_locked(tmp_path / "home", 8.0)
        locker.wait(timeout=30)
        out, err = _slot_freed_then_ended(run, storage, holder, err, 120)
    finally:
        run.kill()
    assert run.returncode == 0, out + err
    assert [line.split()[:2] for line in out.splitlines()[2:]] == [["2020", "ok"]], out
    # the progress lines go on too: the look for dead slot holders missed, not its thread ended
    assert "Traceback" not in err, err
    assert "2020: gx_warehouse has the duckdb slot after" in err, err
    assert query(data_dir, "select count(*) from dim_report where report_year = 2020") == [(1,)]
    (record,) = instance.get_run_records(dg.RunsFilter(tags={"dagster/partition": "2020"}))
    assert record.dagster_run.status == dg.DagsterRunStatus.SUCCESS


@pytest.mark.signals
@pytest.mark.usefixtures("stop_signals_at_default")
@pytest.mark.parametrize("signum", ["SIGINT", "SIGTERM"])
def test_a_stop_signal_ends_a_gx_run_waiting_for_the_duckdb_slot(data_dir, tmp_path, signum):
    """Ctrl-C (or SIGTERM) while `gx run`'s warehouse step waited for the `duckdb` slot of a
    long run did nothing: Dagster's in-process executor acts on an interrupt only when a step
    starts, and the step never started; the waiting line told the user to `kill -9` it. Now the
    run ends: recorded canceled, saying why, its place in the pool's line withdrawn, its claim
    on the year let go, nothing of it staged left; the holder's slot stays."""
    import signal
    import time

    import dagster as dg

    instance, holder, run, err = _gx_run_waiting_for_the_slot(data_dir, tmp_path)
    storage = instance.event_log_storage
    try:
        time.sleep(1.0)  # well into the wait
        sent = time.monotonic()
        run.send_signal(getattr(signal, signum))
        out, rest = run.communicate(timeout=120)
        took = time.monotonic() - sent
    finally:
        run.kill()
    err = "".join(err) + rest
    assert run.returncode == 128 + getattr(signal, signum), err
    assert took < 30, took
    name = "Ctrl-C" if signum == "SIGINT" else signum
    assert (
        f"gx run: interrupted ({name}) during 2020: its run was canceled while gx_warehouse "
        "waited for a pool slot" in err
    ), err
    assert "Ctrl-C (or `kill " in err and "kill -9" not in err
    assert [line.split()[:2] for line in out.splitlines()[2:]] == [["2020", "FAILED"]]
    (record,) = instance.get_run_records(dg.RunsFilter(tags={"dagster/partition": "2020"}))
    assert record.dagster_run.status == dg.DagsterRunStatus.CANCELED
    canceling = instance.get_records_for_run(
        record.dagster_run.run_id, of_type=dg.DagsterEventType.RUN_CANCELING
    ).records
    assert "interrupted while gx_warehouse waited for a pool slot" in (
        canceling[0].event_log_entry.dagster_event.message
    )
    info = storage.get_concurrency_info("duckdb")
    assert [s.run_id for s in info.claimed_slots] == [holder.run_id]
    assert info.pending_steps == [] or all(
        p.run_id != record.dagster_run.run_id for p in info.pending_steps
    )
    staging = data_dir / "staging"
    assert not list((staging / ".claims").rglob("*.json")), "a claim left"
    assert not [p for p in (staging / "2020").rglob("*") if p.is_file()], "staged rows left"
    storage.free_concurrency_slots_for_run(holder.run_id)


def _yearly_job():
    """gx_yearly_job over $GX_DATA_DIR, for dg.reconstructable (a re-execution needs one)."""
    from gx_pipeline.definitions import build_definitions

    return build_definitions().resolve_job_def("gx_yearly_job")


def _reconstructable_yearly_job():
    """dg.reconstructable(_yearly_job) over this test's $GX_DATA_DIR: Dagster keeps the job
    last built from a pointer (ReconstructableJob.get_definition's cache), which would be the
    one over another test's data folder."""
    import dagster as dg
    from dagster._core.definitions.reconstruct import ReconstructableJob

    ReconstructableJob.get_definition.cache_clear()
    ReconstructableJob.get_repository_definition.cache_clear()
    return dg.reconstructable(_yearly_job)


def test_a_reexecution_from_failure_does_not_load_a_later_runs_stage(
    data_dir, instance, monkeypatch
):
    """Run A of 2020 fails at its load; run B of 2020, after a page was added, stages its own
    rows (removing A's) and fails there too; A re-executed from failure (the UI's button) was
    handed B's validated rows by Dagster's IO manager (the latest output of the year, not the
    parent's) and loaded B's parse as A's: 2 reports where A had parsed 1. Now it fails,
    loading nothing, naming both runs."""
    import dagster as dg

    from gx_pipeline.defs import assets

    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    loading = assets.load_into_warehouse

    def held(*args, **kwargs):
        raise dg.Failure(description="the warehouse is held (a test)")

    job = _reconstructable_yearly_job()
    tags = {"dagster/partition": "2020"}
    put_page(data_dir, 2020, SEED.name, SEED)
    monkeypatch.setattr(assets, "load_into_warehouse", held)
    first = dg.execute_job(job, instance, run_config=_QUIET_RUN, tags=tags)
    other = min(REALDEV_PAGES.glob("*_2020.txt"))  # another agency's report
    put_page(data_dir, 2020, other.name, other)
    later = dg.execute_job(job, instance, run_config=_QUIET_RUN, tags=tags)
    assert not first.success and not later.success
    monkeypatch.setattr(assets, "load_into_warehouse", loading)

    again = _reexecuted(instance, first.run_id)
    assert not again.success
    (failure,) = [e for e in again.all_events if e.is_step_failure]
    data = failure.step_failure_data
    said = data.user_failure_data.description if data.user_failure_data else data.error.message
    assert f"re-executes run {first.run_id[:8]} of 2020" in said
    assert f"those of run {later.run_id[:8]}, a later run of the year" in said
    assert not (data_dir / "warehouse.duckdb").exists(), "something was loaded"

    # re-executing the later run loads its own rows
    redone = _reexecuted(instance, later.run_id)
    assert redone.success
    assert query(data_dir, "select count(*) from dim_report where report_year = 2020") == [(2,)]


def _reexecuted(instance, parent_run_id: str):
    """The run `parent_run_id` of 2020 re-executed from failure, as the UI's button does (tagged
    with its parent's partition)."""
    import dagster as dg

    return dg.execute_job(
        dg.reconstructable(_yearly_job),
        instance,
        run_config=_QUIET_RUN,
        tags={"dagster/partition": "2020"},
        reexecution_options=dg.ReexecutionOptions.from_failure(parent_run_id, instance),
    )


_QUIET_RUN = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def _report_stating(year: int | None, figure: int = 0) -> str:
    """The seed report of 海淀区科技和工业信息化局 (named so by its 发布机构, the one name the
    parser reads on a page stating no year), stating report `year`, or no year at all (no year
    in its opening, its closing or its date), with `figure` normative documents made that
    year."""
    page = _published_by(_report_of("海淀区", year=year or 2020), "海淀区科技和工业信息化局")
    page = page.replace("规范性文件 | 0 | 0", f"规范性文件 | {figure} | 0")
    if year is None:
        for said in ("2020年", "2021年", "2021-01-27"):
            page = page.replace(said, "")
    return page


@pytest.mark.parametrize(
    ("kept", "deleted"),
    [(None, None), (None, 2021), (2020, None), (2019, None)],
    ids=["neither-states", "kept-states-none", "deleted-states-none", "kept-states-another"],
)
def test_a_report_stating_no_year_neither_hides_nor_is_hidden_as_a_loss(
    data_dir, tmp_path, monkeypatch, capsys, kept, deleted
):
    """A page that states no report year (an excerpt, a page without its title and date) is the
    report of its folder's year. A lost report was judged no loss when a report of its agency
    was loaded for the year it stated, and a year not stated matched every year: a page of
    2021 deleted while its agency's page of 2020 is loaded, one of the two stating no year, left
    lost 0 and nothing named the report gone from the fact tables."""
    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    put_page(data_dir, 2020, "kept.txt", _report_stating(kept, figure=1))
    put_page(data_dir, 2021, "deleted.txt", _report_stating(deleted, figure=2))
    for k, district in enumerate("东西南北"):
        put_page(data_dir, 2021, f"{k}.txt", _report_of(f"{district}城区"))
    assert cli.main(["run", "--years", "2020-2021", "--quiet"]) == 0
    assert query(
        data_dir,
        "select count(*) from dim_report "
        "where agency = '海淀区科技和工业信息化局' and division_code is not null",
    ) == [(2,)]
    (data_dir / "raw" / "2021" / "deleted.txt").unlink()
    capsys.readouterr()
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[2].split()[-1] == "1", out
    assert "2021/deleted.txt: 海淀区科技和工业信息化局's report (the file is gone)" in err, err
    assert query(data_dir, "select source from lost_reports") == [("2021/deleted.txt",)]
    # the load of the other year keeps it (lost_reports of every year are judged again there)
    assert cli.main(["run", "--years", "2020", "--quiet"]) == 0
    assert query(data_dir, "select source from lost_reports") == [("2021/deleted.txt",)]


def _quarantined_pages(data_dir, year: int) -> dict[str, bool]:
    """Pages of `year` the parse quarantines (no report table), one of each kind: named gen-,
    told generated by its truth sidecar, a real agency's; -> whether each is generated."""
    import json

    prose = (REPO / "data" / "raw" / "2020" / "109_guangxi_govoffice_2020.txt").read_text(
        encoding="utf-8"
    )
    kinds = {"gen-prose.txt": True, "sidecar-prose.txt": True, "agency-prose.txt": False}
    for n, name in enumerate(kinds):
        put_page(data_dir, year, name, prose + "\n" * n)  # not byte-identical copies
    truth = data_dir / "truth" / str(year)
    truth.mkdir(parents=True, exist_ok=True)
    (truth / "sidecar-prose.json").write_text(json.dumps({"generated": True}), encoding="utf-8")
    return {f"{year}/{name}": generated for name, generated in kinds.items()}


def test_a_reexecution_loading_a_stage_of_the_older_code_tells_generated_pages_apart(
    data_dir, instance, monkeypatch
):
    """A run staged by the code before quarantine.generated fails at its load; re-executed from
    failure by this code, its staged quarantine (no column generated) was loaded with generated
    null, and a page generated by its truth sidecar counted as a real agency's quarantined page
    (quality_by_year tells a null by the gen- name only). The load tells it from the raw file."""
    import dagster as dg
    import pyarrow.parquet as pq

    from gx_pipeline.defs import assets

    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    put_page(data_dir, 2020, SEED.name, SEED)
    pages = _quarantined_pages(data_dir, 2020)
    loading = assets.load_into_warehouse

    def held(*args, **kwargs):
        raise dg.Failure(description="the warehouse is held (a test)")

    job = _reconstructable_yearly_job()
    tags = {"dagster/partition": "2020"}
    monkeypatch.setattr(assets, "load_into_warehouse", held)
    first = dg.execute_job(job, instance, run_config=_QUIET_RUN, tags=tags)
    assert not first.success
    monkeypatch.setattr(assets, "load_into_warehouse", loading)
    # the stage as the older code wrote it: quarantine without the column
    (staged,) = (data_dir / "staging" / "2020").glob("validated/*/quarantine/*.parquet")
    table = pq.read_table(staged)
    pq.write_table(table.drop_columns(["generated"]), staged)

    again = _reexecuted(instance, first.run_id)
    assert again.success
    assert dict(query(data_dir, "select source, generated from quarantine")) == pages


def test_reports_naming_no_agency_re_published_naming_it_with_their_figures_are_no_loss(
    data_dir, tmp_path, monkeypatch, capsys
):
    """A site re-publishing every page of a year with a footer or title that now names the
    office's place (科技和工业信息化局 -> 西城区科技和工业信息化局), every figure as it was: each
    page of a report that named no agency was counted a possible loss, a year of such pages
    a wall of losses. The same figures of the year, none of the kind-only reports' figures
    found elsewhere, are the same report: no loss, whether the page keeps its name, moves to
    another file name, or was quarantined (emptied) at the load between. A page overwritten
    with another office's report (other figures), or one of figures next to nothing that tell no
    office from another (the seed's two, as another office of the kind reports them), is still
    a possible loss."""
    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    organs = ["财政局", "卫生健康委员会", "科技和工业信息化局", "民政局", "审计局"]

    def figures(page: str, k: int) -> str:
        """The page with figures of its own (`k`) in five cells of its first table."""
        for row in ("规章", "规范性文件", "行政许可", "行政处罚", "行政强制"):
            page = page.replace(f"{row} | 0 | 0", f"{row} | {k} | {k + 1}")
        return page

    kind_only = {f"{k}.txt": figures(_kind_only(organ), k + 1) for k, organ in enumerate(organs)}
    kind_only["z.txt"] = _kind_only("教育局")
    for name, page in kind_only.items():
        put_page(data_dir, 2021, name, page)
    put_page(data_dir, 2021, "e.txt", _report_of("东城区"))
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    capsys.readouterr()
    agencies = query(data_dir, "select agency from dim_report where source <> '2021/e.txt'")
    assert agencies == [(None,)] * len(kind_only)

    def named(k: int) -> str:
        """The kind-only page `k` as its office publishes it naming its place."""
        return figures(_report_of("西城区", organs[k]), k + 1)

    # a page emptied at one load (quarantined, lost) and restored naming its place at the next
    put_page(data_dir, 2021, "3.txt", "")
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    capsys.readouterr()
    assert query(data_dir, "select source from lost_reports") == [("2021/3.txt",)]
    for k in (0, 1, 3):
        put_page(data_dir, 2021, f"{k}.txt", named(k))
    (data_dir / "raw" / "2021" / "2.txt").rename(data_dir / "raw" / "2021" / "2b.txt")
    put_page(data_dir, 2021, "2b.txt", named(2))
    put_page(data_dir, 2021, "4.txt", figures(_report_of("朝阳区", organs[4]), 9))
    put_page(data_dir, 2021, "z.txt", _report_of("朝阳区", "教育局"))
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    out, err = capsys.readouterr()
    now = dict(query(data_dir, "select source, agency from dim_report"))
    assert all(now[f"2021/{n}"] for n in ("0.txt", "1.txt", "2b.txt", "3.txt")), now
    lost = query(data_dir, "select source, reason from lost_reports order by source")
    assert [source for source, _ in lost] == ["2021/4.txt", "2021/z.txt"], lost
    assert all(reason.startswith("possible loss: ") for _, reason in lost), lost
    assert out.splitlines()[2].split()[-1] == "2", out
    assert "2021/4.txt" in err and "2021/z.txt" in err and "2021/0.txt" not in err, err
