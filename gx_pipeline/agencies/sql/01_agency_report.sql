-- Each report with what identifies its agency: its name, its organ, its place (from its name,
-- text or 网站标识码) and its site's host, from the page itself or, for a fetched page, the
-- address the fetch ended at (page_versions). key and match are filled by the next steps.
create or replace temp table agency_report as
with fetched as (
    select sha256,
           min(nullif(regexp_extract(lower(coalesce(final_address, address)),
                                     '^[a-z]+://(?:www\.)?([^/:?#]+)', 1), '')) as host
    from page_versions
    group by sha256
)
select d.report_id, d.report_year, d.agency, d.organ_key, d.division_code, d.region_source,
       d.site_code, d.generated, coalesce(d.site_host, f.host) as site_host,
       cast(null as varchar) as key, cast(null as varchar) as match
from dim_report d
left join fetched f on f.sha256 = d.raw_sha256
