-- Every flag a reviewer acts on, one row each: the report's trust reasons (but identity_fails,
-- which the failing identities below say cell by cell) and its failing tally identities. Written
-- by gx_pipeline.warehouse.reviews, which adds the rows of report_flags (report_flags.sql) when
-- the warehouse has that table.
create or replace view review_flags as
select d.report_id, d.report_year, 'trust' as kind, r.reason as flag, '' as subject,
       cast(null as varchar) as detail, cast(null as varchar[]) as cells
from dim_report d
join (select report_id, unnest(trust_reasons) as reason from dim_report) r using (report_id)
where r.reason <> 'identity_fails'
union all
select t.report_id, t.report_year, 'tally', t.identity, t.subject,
       'left ' || t.left_value || ', right ' || t.right_value || ', difference ' || t.difference,
       cast(null as varchar[])
from tally_results t
where t.status = 'fail'
