"""The national bench's attribution of the sampled process tree to the run's steps."""

from gx_pipeline.bench_national import Sample, Step, per_step


def test_a_step_shorter_than_the_sampling_interval_reports_the_memory_around_it_not_zero():
    samples = [Sample(at=t / 2, rss=(100 + t) * 2**20, cpu=t / 4) for t in range(11)]
    steps = [Step("load", 0.9, 3.1), Step("check", 3.2, 3.4), Step("more", 3.6, 4.9)]
    rows = {name: (seconds, rss) for name, seconds, _, rss in per_step(steps, samples, 0.0)}
    assert rows["load"][1] == 106 * 2**20  # the last sample inside it, at 3.0 s
    # no sample falls in 3.2-3.4 s: the ones at 3.0 and 3.5 s bound it
    assert rows["check"][1] == 107 * 2**20
    assert rows["more"][1] == 109 * 2**20
