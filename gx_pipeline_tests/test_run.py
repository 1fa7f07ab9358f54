from gx_pipeline.run import available_years, format_summary, materialize_years
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
