-- Raw files that did not become a report, with the reason.
create table if not exists quarantine (
    report_year  integer not null,
    source       varchar not null,  -- path under data/raw/
    raw_sha256   varchar not null,
    size         bigint  not null,
    stage        varchar not null,  -- inventory | parse | validate | load
    reason       varchar not null,
    primary key (report_year, source)
);
comment on table quarantine is 'Raw files not loaded as reports (unreadable, no tables, failed validation, duplicate).';
