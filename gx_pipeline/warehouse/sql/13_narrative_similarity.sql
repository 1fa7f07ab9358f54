-- Year-over-year comparison of the narrative (sections 一, 五, 六) of each agency's reports in
-- consecutive years, rebuilt with dim_agency (gx_pipeline.agencies.rebuild).
-- No primary key: its index (an ART, which DuckDB holds in memory whole and does not spill)
-- would be built again over every year in each year's load (four rows a report with a
-- previous year: millions over a few national years), as tally_results' was
-- (sql/05_tally_results.sql). The rebuild checks the key (report_id, section) in SQL instead
-- (warehouse.writes.check_keys) and fails on a duplicate.
create table if not exists narrative_similarity (
    agency_id           varchar not null,
    report_year         integer not null,
    report_id           varchar not null,
    previous_report_id  varchar not null,
    section             varchar not null,
    chars               integer not null,
    previous_chars      integer not null,
    shared_chars        integer not null,
    similarity          double
);
comment on table narrative_similarity is 'How much of a report''s own narrative (sections 一, 五, 六) repeats the previous year''s report of the same agency. The text is cut into sentences, each written without spaces and punctuation and with every number as #; sentences that reports of 3 or more agencies share in the year are the template''s, not the agency''s own, and are left out. similarity = characters of the sentences both years have / characters of the sentences either has (a Jaccard index weighted by length). Only agencies with one report in each of the two years.';
comment on column narrative_similarity.agency_id is 'The agency (dim_agency.agency_id).';
comment on column narrative_similarity.report_year is 'Year y: the later report''s.';
comment on column narrative_similarity.report_id is 'The report of year y.';
comment on column narrative_similarity.previous_report_id is 'The agency''s report of year y-1.';
comment on column narrative_similarity.section is '一 | 五 | 六 | all (the three together: the measure of copied_text).';
comment on column narrative_similarity.chars is 'Characters of year y''s own sentences in the section.';
comment on column narrative_similarity.previous_chars is 'Characters of year y-1''s own sentences in the section.';
comment on column narrative_similarity.shared_chars is 'Characters of the sentences both years have.';
comment on column narrative_similarity.similarity is 'shared_chars / (chars + previous_chars - shared_chars), 1 = the same sentences; null when either year has fewer than 50 characters of its own there (nothing to compare).';
