-- Section 四: administrative review and litigation (政府信息公开行政复议、行政诉讼情况), one row per template cell of a report.
-- No primary key: on a national year (~100,000 reports, ~20 million cells) a key on
-- (report_id, row, col) makes the insert ~6.7x slower (docs perf notes). Uniqueness of
-- (report_id, row, col) is guaranteed before the write by the pandera model (schemas.py,
-- Config.unique, checked per staged batch), and a report's cells are all in one batch.
create table if not exists fact_appeals (
    report_id     varchar not null,
    report_year   integer not null,
    section       varchar not null,
    row           varchar not null,
    col           varchar not null,
    label         varchar not null,
    col_label     varchar not null,
    value         double,
    raw           varchar,
    source_table  integer,
    source_tr     integer,
    source_td     integer
);
comment on table fact_appeals is 'Section 四: administrative review and litigation (政府信息公开行政复议、行政诉讼情况). One row per template cell of a report, unique on (report_id, row, col). Values are as reported, never corrected; see tally_results.';
comment on column fact_appeals.report_id is 'The report (dim_report.report_id).';
comment on column fact_appeals.report_year is 'Report year (dim_report.report_year).';
comment on column fact_appeals.section is 'Section code: appeals.';
comment on column fact_appeals.row is 'Row code of docs/CONTRACT.md (English and Chinese labels in contract_cells).';
comment on column fact_appeals.col is 'Column code of docs/CONTRACT.md.';
comment on column fact_appeals.label is 'The contract''s Chinese row label in the report''s format version.';
comment on column fact_appeals.col_label is 'The contract''s Chinese column label in the report''s format version.';
comment on column fact_appeals.value is 'Number as reported; null = empty cell on the page (blank, —, /, 无), which is not zero. Amounts in 万元.';
comment on column fact_appeals.raw is 'The cell text as the page gave it; null when the page has no cell at this position (a cut-off row).';
comment on column fact_appeals.source_table is 'Where the cell is on the page: HTML = 1-based index of the data table (the page''s <table> elements that hold no other table, in document order, hidden ones counted); text copy = 0; PDF = 1-based page number; Word = 1-based index of the table. 0 also on an HTML page with no table cells, its report written as lines (document_kind html): its source_tr is then a line of the page''s text as gx review shows it (a line a block element), not a line of the file. Null when the page has no cell here.';
comment on column fact_appeals.source_tr is 'Where the cell is on the page, 1-based: HTML = row (<tr>) within the table; text copy = line of the file (lines end at \n, \r\n or \r, as a text editor, sed -n and Python count them); PDF = line on the page; Word = row within the table.';
comment on column fact_appeals.source_td is 'Where the cell is on the page, 1-based: HTML = cell (<td> or <th>) within the row; text copy = field within the line (the line''s first field is 1); PDF = cell within the line; Word = cell within the row (a merged cell counted once).';
