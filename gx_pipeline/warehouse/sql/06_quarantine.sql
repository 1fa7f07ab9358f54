-- Raw files (and other entries of a year folder) that did not become a report, with the reason.
create table if not exists quarantine (
    report_year  integer not null,
    source       varchar not null,
    raw_sha256   varchar,
    size         bigint  not null,
    stage        varchar not null,
    reason       varchar not null,
    primary key (report_year, source)
);
-- a warehouse made when every entry was a read file: entries that are not read have no hash
alter table quarantine alter column raw_sha256 drop not null;
-- a warehouse made before quarantined pages were told generated or not: null until the next
-- load of any year tells every such row from its file name and truth sidecar
alter table quarantine add column if not exists generated boolean;
comment on table quarantine is 'Every raw page that did not become a report (unreadable, no tables, failed validation, duplicate), and every entry of a year folder that is not read (a FIFO, a socket, a link out of data/raw, an oversize file, a download in progress, an empty folder); with dim_report it accounts for every entry exactly once.';
comment on column quarantine.report_year is 'The data/raw/<year>/ folder the page was filed under.';
comment on column quarantine.source is 'Path of the entry under data/raw/; a name that is not UTF-8 has its other bytes (and any %) percent-encoded, as the reason says, and so has a UTF-8 name spelling such an encoding (x%FF.html is x%25FF.html), so that no two entries share a source.';
comment on column quarantine.raw_sha256 is 'sha256 of the raw file bytes, hex; null when the entry was not read (not a regular file, a link out of data/raw, a download in progress).';
comment on column quarantine.size is 'Size of the entry in bytes, as the file system reports it.';
comment on column quarantine.stage is 'Where it stopped: inventory (not read: see reason; or a byte-identical duplicate) | parse (unreadable, no tables, or the same report as another file) | validate (rows broke the pandera model) | load (same page already loaded under another year).';
comment on column quarantine.reason is 'Why, in plain words.';
comment on column quarantine.generated is 'True for a synthetic page (file name gen-* or a truth sidecar saying generated, as dim_report.generated); null for a row the code before this column loaded, until the next load of any year tells it from its file name and truth sidecar.';
