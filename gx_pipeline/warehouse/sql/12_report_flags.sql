-- Quality flags a researcher studies, one row per report and flag subject, with evidence. Rebuilt
-- over every loaded year in one transaction with dim_agency (gx_pipeline.agencies.rebuild): the
-- cross-year flags depend on the neighbouring years, so loading years in any order gives the
-- same rows. Each flag's code is also among dim_report.trust_reasons (docs/CONTRACT.md).
-- No primary key: its index (an ART, which DuckDB holds in memory whole and does not spill)
-- would be built again over every year in each year's load, as tally_results' was
-- (sql/05_tally_results.sql). The rebuild checks the key (report_id, flag, subject) in SQL
-- instead (warehouse.writes.check_keys) and fails on a duplicate.
create table if not exists report_flags (
    report_id    varchar   not null,
    report_year  integer   not null,
    flag         varchar   not null,
    subject      varchar   not null,
    cells        varchar[] not null,
    detail       varchar   not null,
    evidence     json      not null,
    agency_id    varchar
);
comment on table report_flags is 'Quality flags per report: year_mismatch | late | publication_unknown | copied_text | repeated_figures | narrative_mismatch | carry_chain_break | several_reports. Every row is open: its code is among the report''s dim_report.trust_reasons, so a flagged report is never clean.';
comment on column report_flags.report_id is 'The report flagged (dim_report.report_id).';
comment on column report_flags.report_year is 'Its report year.';
comment on column report_flags.flag is 'year_mismatch (the page states another report year than the data/raw/<year>/ folder it is filed under: its figures count as the folder''s year; evidence has stated_year and folder_year) | late (published after the deadline of 政府信息公开条例 article 49: 31 January of the year after the report year, 31 March for a county-level or higher government''s own report) | publication_unknown (the page states no publication date) | copied_text (sections 一, 五, 六 nearly identical to the previous year''s: similarity >= 0.9, see narrative_similarity) | repeated_figures (a table identical to the previous year''s, not all zero) | narrative_mismatch (a figure the narrative states differs from its table cell) | carry_chain_break (上年结转 differs from the previous year''s 结转下年度继续办理) | several_reports (the agency has more than one report of the year: a sum over the year counts it once per report, and the comparisons across years leave it out; or reports of the year share a name without a place, dim_report.agency_match unresolved, and may be one agency''s; evidence names the others).';
comment on column report_flags.subject is 'What the flag is about: '''' for the whole report (year_mismatch, late, publication_unknown, copied_text, several_reports); the section code for repeated_figures (requests, appeals, proactive); figure@section.sentence for narrative_mismatch (new_received@三.1); the cell key for carry_chain_break (requests.carried_over.total).';
comment on column report_flags.cells is 'The cells (section.row.col) the flag involves, for highlighting on the page; empty when none.';
comment on column report_flags.detail is 'The flag in plain words: the sentence and both numbers, the previous year''s value, the similarity, the days late.';
comment on column report_flags.evidence is 'The same as machine-readable JSON (previous_report_id, values, similarity, dates …).';
comment on column report_flags.agency_id is 'The agency (dim_agency.agency_id); null when unknown.';
