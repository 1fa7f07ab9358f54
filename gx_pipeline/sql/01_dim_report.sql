-- One row per loaded report page (a page the parser read at least one table from).
create table if not exists dim_report (
    report_id           varchar   not null primary key,  -- first 16 hex digits of raw_sha256
    report_year         integer   not null,              -- the partition: data/raw/<year>/
    stated_year         integer,                         -- the year the page itself names
    agency              varchar,
    published           date,
    template            varchar,                         -- '2019' or '2021'
    source              varchar   not null,              -- path under data/raw/
    raw_sha256          varchar   not null,
    size                bigint    not null,
    generated           boolean   not null,
    parser_version      varchar   not null,
    cell_count          integer   not null,
    problems            varchar[] not null,
    problem_count       integer   not null,
    incomplete_sections varchar[] not null
);
comment on table dim_report is 'One row per loaded report page; every raw file is either here or in quarantine.';
comment on column dim_report.report_id is 'First 16 hex digits of the sha256 of the raw file; joins to the fact tables.';
comment on column dim_report.generated is 'True for synthetic pages (file name gen-* or a truth sidecar saying generated).';
comment on column dim_report.problems is 'What the parser had to guess or could not read, in plain words.';
