"""The national bench: the year it generates, and the attribution of the sampled process tree
to the run's steps."""

import os

from gx_pipeline import bench_national
from gx_pipeline.bench_national import Sample, Step, _write_pages, national_counties, per_step
from gx_pipeline.parsing import parse_file


def test_a_national_year_has_about_one_agency_a_report_the_generators_own_a_few(tmp_path):
    """The run's work for each new agency (its place, dim_agency) shows only with as many
    agencies as a national year has."""
    agencies = {}
    for national in (True, False):
        folder = tmp_path / str(national)
        folder.mkdir()
        _write_pages((0, 120, 12, folder, 0, 4, national))
        agencies[national] = {parse_file(p).agency for p in folder.iterdir()}
    counties = national_counties()
    assert len(counties) > 2500

    def places(names: set[str]) -> set[str]:
        return {c for c in counties for a in names if a and a.startswith(c)}

    # 120 pages: about as many places as pages, against the generator's 20
    assert len(places(agencies[True])) >= 100
    assert len(places(agencies[False])) <= 20


def test_a_step_shorter_than_the_sampling_interval_reports_the_memory_around_it_not_zero():
    samples = [Sample(at=t / 2, rss=(100 + t) * 2**20, cpu=t / 4) for t in range(11)]
    steps = [Step("load", 0.9, 3.1), Step("check", 3.2, 3.4), Step("more", 3.6, 4.9)]
    rows = {name: (seconds, rss) for name, seconds, _, rss in per_step(steps, samples, 0.0)}
    assert rows["load"][1] == 106 * 2**20  # the last sample inside it, at 3.0 s
    # no sample falls in 3.2-3.4 s: the ones at 3.0 and 3.5 s bound it
    assert rows["check"][1] == 107 * 2**20
    assert rows["more"][1] == 109 * 2**20


def test_the_floor_is_measured_in_passes_on_one_core_and_the_cores_given_back():
    # the run measured between the floor's passes must keep every core the bench has
    cores = os.sched_getaffinity(0)
    pages = [b"<html><body><table><tr><td>1</td></tr></table></body></html>"] * 20
    passes = bench_national.floor_passes(pages)
    assert len(passes) == bench_national.FLOOR_PASSES
    assert all(cpu >= 0 and wall > 0 for cpu, wall in passes)
    assert os.sched_getaffinity(0) == cores
