-- Raw files that did not become a report, with the reason.
create table if not exists quarantine (
    report_year  integer not null,
    source       varchar not null,
    raw_sha256   varchar not null,
    size         bigint  not null,
    stage        varchar not null,
    reason       varchar not null,
    primary key (report_year, source)
);
comment on table quarantine is 'Every raw page that did not become a report (unreadable, no tables, failed validation, duplicate); with dim_report it accounts for every raw file exactly once.';
comment on column quarantine.report_year is 'The data/raw/<year>/ folder the page was filed under.';
comment on column quarantine.source is 'Path of the raw file under data/raw/.';
comment on column quarantine.raw_sha256 is 'sha256 of the raw file bytes, hex.';
comment on column quarantine.size is 'Size of the raw file in bytes.';
comment on column quarantine.stage is 'Where it stopped: inventory (byte-identical duplicate) | parse (unreadable, no tables) | validate (rows broke the pandera model) | load (same page already loaded under another year).';
comment on column quarantine.reason is 'Why, in plain words.';
