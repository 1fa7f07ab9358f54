-- Each loaded report next to the web address it was fetched from and that address's history
-- (page_versions): was the page edited after it was published?
--
-- changed_after_publication, precisely: the address has a version other than its first
-- (version >= 2, i.e. content that differs from what was archived before) whose first_seen,
-- as a date in China (Asia/Shanghai), is later than the report's published date; when published
-- is null, any version >= 2 counts. Version 1 never counts: it is merely when the archive first
-- looked. An edit made before the first fetch cannot be seen, and an edit made on the
-- publication day itself is not "after publication".
create or replace view report_versions as
with history as (
    select address, count(*) as versions, max(version) as latest_version
    from page_versions
    group by address
),
matched as (
    select
        d.report_id,
        d.report_year,
        d.agency,
        d.generated,
        d.trust_status,
        d.trust_reasons,
        d.published,
        d.source,
        v.address,
        v.final_address,
        v.version,
        h.versions,
        v.version = h.latest_version as is_latest,
        v.first_seen,
        v.last_seen,
        (select min(later.first_seen)
           from page_versions later
          where later.address = v.address
            and later.version >= 2
            and (d.published is null
                 or cast(timezone('Asia/Shanghai', later.first_seen) as date) > d.published)
        ) as first_change_seen
    from dim_report d
    join page_versions v on v.sha256 = d.raw_sha256
    join history h on h.address = v.address
)
select *, first_change_seen is not null as changed_after_publication
from matched;
comment on view report_versions is 'One row per loaded report and web address that served its exact bytes (dim_report.raw_sha256 = page_versions.sha256; mirrors give one row each); only reports fetched by gx fetch or the raw_archive asset appear. changed_after_publication: the address has a version >= 2 first seen (date in Asia/Shanghai) after the report''s published date, or any version >= 2 when published is null; version 1 never counts, edits before the first fetch cannot be seen.';
comment on column report_versions.report_id is 'The report (dim_report.report_id).';
comment on column report_versions.report_year is 'Report year.';
comment on column report_versions.agency is 'Publishing agency as the report names itself.';
comment on column report_versions.generated is 'True for synthetic pages (dim_report.generated).';
comment on column report_versions.trust_status is 'clean | needs_review (dim_report.trust_status).';
comment on column report_versions.trust_reasons is 'Why the report needs review, as codes (dim_report.trust_reasons); empty when clean.';
comment on column report_versions.published is 'Publication date stated on the page; null when absent.';
comment on column report_versions.source is 'Raw file under data/raw/.';
comment on column report_versions.address is 'The address the report was fetched from (page_versions.address).';
comment on column report_versions.final_address is 'Where that fetch ended after redirects.';
comment on column report_versions.version is 'Which version of the address the loaded report is: 1 = the first content archived.';
comment on column report_versions.versions is 'Number of distinct contents the address has served so far.';
comment on column report_versions.is_latest is 'True when the loaded report is the latest content of the address.';
comment on column report_versions.first_seen is 'When the loaded content was first fetched from the address (UTC).';
comment on column report_versions.last_seen is 'The last fetch that still found the loaded content (UTC).';
comment on column report_versions.first_change_seen is 'first_seen of the earliest version >= 2 that counts for changed_after_publication; null when none does.';
comment on column report_versions.changed_after_publication is 'True when the address served different content after the report was published (see the view''s comment for the exact rule); false when no such version has been seen.';
