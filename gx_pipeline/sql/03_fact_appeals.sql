-- Section 四: administrative review and litigation (行政复议、行政诉讼情况), one row per template cell of a report.
create table if not exists fact_appeals (
    report_id     varchar not null,
    report_year   integer not null,
    section       varchar not null,
    row           varchar not null,  -- row code of docs/CONTRACT.md
    col           varchar not null,  -- column code of docs/CONTRACT.md
    label         varchar not null,  -- the contract's Chinese row label
    col_label     varchar not null,  -- the contract's Chinese column label
    value         double,            -- null where the page's cell is empty
    raw           varchar,           -- the cell text as the page gave it
    source_table  integer,           -- position on the page: table, row, cell
    source_tr     integer,
    source_td     integer,
    primary key (report_id, row, col)
);
comment on table fact_appeals is 'Section 四: administrative review and litigation (行政复议、行政诉讼情况). Values are as reported, never corrected; see tally_results.';
comment on column fact_appeals.value is 'Number as reported; null = empty cell (not zero). Amounts in 万元.';
