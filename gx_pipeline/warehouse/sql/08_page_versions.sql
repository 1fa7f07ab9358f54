-- The fetcher's version history (gx_pipeline.fetch.versions over data/archive/fetches.jsonl):
-- one row per distinct content of each fetched address. Not per report year: the raw_archive
-- asset replaces the whole table in one transaction after each fetch, and load_year never
-- touches it.
create table if not exists page_versions (
    address         varchar     not null,
    version         integer     not null,
    sha256          varchar     not null,
    size            bigint,
    first_seen      timestamptz not null,
    last_seen       timestamptz not null,
    superseded      boolean     not null,
    final_address   varchar,
    status          integer,
    content_type    varchar,
    encoding        varchar,
    agency          varchar,
    manifest_year   integer,
    primary key (address, version)
);
comment on table page_versions is 'Every distinct content each address of the fetch manifest has served, in the order the archive saw them (data/archive/fetches.jsonl). A page edited after it was archived has a version 2, 3, …; the bytes of each version are data/archive/objects/<sha256[:2]>/<sha256>. Replaced as a whole by the raw_archive asset.';
comment on column page_versions.address is 'The address as listed in the manifest (or found on an agency''s report list page).';
comment on column page_versions.version is '1 for the first content archived from the address, 2 for the first edit seen, …';
comment on column page_versions.sha256 is 'sha256 of the bytes as served, hex; the first 16 digits are dim_report.report_id when the page was loaded.';
comment on column page_versions.size is 'Size of the content in bytes.';
comment on column page_versions.first_seen is 'When the fetcher first received this content from the address (UTC).';
comment on column page_versions.last_seen is 'The last fetch that found this content still served (a 304 or the same bytes); equals first_seen until a re-check (gx fetch --refresh).';
comment on column page_versions.superseded is 'True when a later version of the address exists: the page changed after this content was archived.';
comment on column page_versions.final_address is 'Where the fetch that first got this content ended after redirects; equals address when there was none.';
comment on column page_versions.status is 'HTTP status of the fetch that first got this content (200 unless the server said otherwise).';
comment on column page_versions.content_type is 'Content-Type header of that fetch; null when the server sent none.';
comment on column page_versions.encoding is 'What the bytes decode as: utf-8 or gb18030 (which covers GBK and GB2312); null when neither decodes cleanly.';
comment on column page_versions.agency is 'Agency named by the manifest row at the latest fetch of this content; null when the manifest gave none.';
comment on column page_versions.manifest_year is 'Report year given by the manifest row (the data/raw/<year>/ folder the page is exported to); null when the manifest gave none, in which case the page is archived but not loaded.';
