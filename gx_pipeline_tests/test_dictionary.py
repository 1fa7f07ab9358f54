"""docs/data-dictionary.md is what the DDL's comments say today."""

from gx_pipeline.warehouse import dictionary


def test_committed_data_dictionary_matches_a_fresh_warehouse():
    committed = dictionary.DICTIONARY_PATH.read_text(encoding="utf-8")
    assert committed == dictionary.generate(), (
        "docs/data-dictionary.md is out of date: run .venv/bin/gx dictionary"
    )


def test_dictionary_lists_every_table_and_view_with_the_wide_headers():
    text = dictionary.generate()
    for name in (
        "dim_report",
        "fact_requests",
        "quarantine",
        "tally_results",
        "requests_wide",
        "carry_chain",
        "request_ratios",
        "review_ratios",
        "report_quality",
    ):
        assert f"`{name}`" in text
    assert "| `natural_person` | DOUBLE |  | natural persons (自然人)" in text
