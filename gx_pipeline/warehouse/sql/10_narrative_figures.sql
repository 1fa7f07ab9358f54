-- Figures the narrative states that a table holds too (gx_pipeline.agencies.figures), each with
-- the table's number; loaded with its year. A mismatch is the flag narrative_mismatch.
-- No primary key: its index (an ART, which DuckDB holds in memory whole and does not spill)
-- would be held at every load and grow with the years stored, as tally_results' did
-- (sql/05_tally_results.sql). The load checks the key (report_id, section, sentence_no, figure,
-- occurrence) over the year's rows in SQL instead (warehouse.writes.check_keys) and refuses a
-- duplicate.
create table if not exists narrative_figures (
    report_id    varchar   not null,
    report_year  integer   not null,
    section      varchar   not null,
    sentence_no  integer   not null,
    occurrence   integer   not null,
    sentence     varchar   not null,
    figure       varchar   not null,
    stated       double    not null,
    cells        varchar[] not null,
    table_value  double,
    status       varchar   not null,
    note         varchar   not null
);
comment on table narrative_figures is 'Every figure a report''s narrative states in Arabic digits with its unit that a table holds too (new requests, carried-over requests, reviews, lawsuits, normative documents, licensing and penalty decisions), next to the table''s number.';
comment on column narrative_figures.report_id is 'The report (dim_report.report_id).';
comment on column narrative_figures.report_year is 'Report year.';
comment on column narrative_figures.section is 'The section whose prose states it (report_text.section).';
comment on column narrative_figures.sentence_no is 'The sentence within the section, from 1 (cut after 。；！？ and line breaks).';
comment on column narrative_figures.occurrence is '1, or 2, 3 … where one sentence states the same figure again.';
comment on column narrative_figures.sentence is 'The sentence as the page writes it.';
comment on column narrative_figures.figure is 'new_received | carried_over | reviews | lawsuits | normative_docs | licensing | penalty.';
comment on column narrative_figures.stated is 'The number the sentence states.';
comment on column narrative_figures.cells is 'The table cells (section.row.col) the figure speaks of; lawsuits are the sum of direct and after-review litigation.';
comment on column narrative_figures.table_value is 'The cells'' number (their sum); null when a cell is blank or not on the page.';
comment on column narrative_figures.status is 'match | mismatch (both known and different: flag narrative_mismatch) | not_assessable (a cell blank or absent).';
comment on column narrative_figures.note is 'Why a figure that differs from its cell still matches (受理 counting the requests carried over); empty otherwise.';
