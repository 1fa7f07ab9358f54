-- Every tally identity evaluated on every loaded report (gx_pipeline.tally), as stored.
-- Evaluated per report while the year is staged and written in the year's transaction with the
-- facts (warehouse.load_year): a year is never stored without its tally. sql/queries/
-- tally_evaluate.sql states the same identities in SQL (a test keeps the two equal).
-- No primary key: its index (an ART, which DuckDB holds in memory whole and does not spill)
-- was held at every load and grew with the years stored and with the load's transaction:
-- ~400 MB for a national year's ~4 million rows, most of the load's peak memory. The load
-- checks the key (report_id, identity, subject) over the year's rows in SQL instead
-- (warehouse.writes.check_keys) and refuses a duplicate.
create table if not exists tally_results (
    report_id    varchar not null,
    report_year  integer not null,
    identity     varchar not null,
    subject      varchar not null,
    left_value   double  not null,
    right_value  double  not null,
    difference   double  not null,
    status       varchar not null,
    absent_cells integer,
    reason       varchar
);
-- a warehouse made before absent cells were counted gets the column (null until its year is
-- loaded again)
alter table tally_results add column if not exists absent_cells integer;
-- and the reason of a not_assessable beyond a blank or absent cell
alter table tally_results add column if not exists reason varchar;
comment on table tally_results is 'One row per tally identity evaluated per report (docs/CONTRACT.md, Tally identities). Blank and absent cells count as 0. fail = the report contradicts itself; not_assessable = does not hold but a cell is blank or absent, or (reason applicants_outside_template) a requests.row_total on a row whose 总计 counts a column the template lacks. A pass with absent_cells > 0 compared no figure of those cells (0 = 0 over rows the page does not have): no evidence that the sums were checked.';
comment on column tally_results.report_id is 'The report (dim_report.report_id).';
comment on column tally_results.report_year is 'Report year.';
comment on column tally_results.identity is 'requests.balance | requests.results_sum | requests.other_sum | requests.row_total | appeals.row_total.';
comment on column tally_results.subject is 'The column (per-column identities: balance, results_sum, other_sum) or row (row_total identities) evaluated.';
comment on column tally_results.left_value is 'Sum of the left side (e.g. new_received + carried_over), blanks as 0.';
comment on column tally_results.right_value is 'Sum of the right side (e.g. results_total + carried_forward), blanks as 0.';
comment on column tally_results.difference is 'left_value - right_value.';
comment on column tally_results.status is 'pass (holds) | fail (does not hold, every cell has a number) | not_assessable (does not hold, some cell is blank or missing, or reason says why). A pass may hold only because absent cells count as 0: see absent_cells.';
comment on column tally_results.absent_cells is 'How many of the cells the identity reads are absent from the page (no such row or column on it, e.g. a page cut off before results_total; or a cell without a place on the page, source_td null: the end of a truncated row the parser takes as empty), each counted as 0; 0 = every cell was on the page (blank or not). A pass with absent_cells > 0 is no check of those cells. Null in a warehouse loaded before it was counted.';
comment on column tally_results.reason is 'Why an identity that does not hold is not_assessable beyond a blank or absent cell: applicants_outside_template = a requests.row_total on a row whose 总计 counts requests of a kind of applicant the template lacks (个体工商户), a column the parser left out that holds a number other than 0 on that row (dim_report.total_counts_left_out; trust reason of the same name): the template''s six applicant columns do not sum to such a 总计, which is no contradiction of the page. Null otherwise (a not_assessable with a null reason has a blank or absent cell). Null in a warehouse loaded before it was recorded.';
