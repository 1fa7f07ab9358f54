-- The report's own words: the prose of each section (gx_pipeline.parsing.narrative), loaded with
-- its year. The year-over-year comparison of the narrative (narrative_similarity) reads it.
-- No primary key: its index (an ART, which DuckDB holds in memory whole and does not spill)
-- would be held at every load and grow with the years stored (~30 MB a national year), as
-- tally_results' did (sql/05_tally_results.sql). The load checks the key (report_id, section)
-- over the year's rows in SQL instead (warehouse.writes.check_keys) and refuses a duplicate.
create table if not exists report_text (
    report_id    varchar not null,
    report_year  integer not null,
    section      varchar not null,
    text         varchar not null
);
comment on table report_text is 'The prose of each section of a report as the page writes it: sentences and paragraphs, not headings, table cells, menus or footers. One row per report and section that has prose.';
comment on column report_text.report_id is 'The report (dim_report.report_id).';
comment on column report_text.report_year is 'Report year.';
comment on column report_text.section is '一 (总体情况) | 二 | 三 | 四 (the prose around the tables) | 五 (存在的主要问题及改进情况) | 六 (其他需要报告的事项) | 前言 (the text before section 一: the opening sentence).';
comment on column report_text.text is 'The section''s prose, paragraph by paragraph (line breaks between them); lines of PDF text that wrap inside a sentence are joined.';
