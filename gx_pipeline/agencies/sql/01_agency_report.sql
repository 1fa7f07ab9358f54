-- Each report with what identifies its agency: its name, its organ, its place (from its name,
-- text or 网站标识码) and its site's host, from the page itself or, for a fetched page, the
-- address the fetch ended at (page_versions). key and match are filled by the next steps.
-- Only a government site speaks for its agencies: a host under gov.cn (the domain the State
-- Council's rules for government websites prescribe), not www.gov.cn itself (every ministry's
-- reports). A platform that publishes every agency's articles (mp.weixin.qq.com, a news
-- portal) tells nothing about which agency a page is.
create or replace temp table agency_report as
with fetched as (
    select sha256,
           min(nullif(regexp_extract(lower(coalesce(final_address, address)),
                                     '^[a-z]+://(?:www\.)?([^/:?#]+)', 1), '')) as host
    from page_versions
    group by sha256
)
select d.report_id, d.report_year, d.agency,
       -- a generated page is never a real agency's report: pages are generated under real
       -- agencies' names (平阳县洪桥镇, 统计局 …), and one of them under a real agency made its
       -- real report one of "several reports" that year (needs_review, left out of carry_chain
       -- and cells_year_over_year) or, without a place, one agency per report. Its organ is
       -- apart from the real one's, so every key below keeps the two apart (06_dim_report_agency
       -- takes the mark off the keys no real report has).
       case when d.generated then 'generated:' || d.organ_key else d.organ_key end as organ_key,
       d.division_code, d.region_source, d.site_code, d.generated,
       case when coalesce(d.site_host, f.host) similar to '.+\.gov\.cn'
            then coalesce(d.site_host, f.host) end as site_host,
       cast(null as varchar) as key, cast(null as varchar) as match
from dim_report d
left join fetched f on f.sha256 = d.raw_sha256
