-- Every flag a reviewer acts on, one row each: the report's trust reasons (but identity_fails,
-- which the failing identities below say cell by cell) and its failing tally identities. Written
-- by gx_pipeline.warehouse.reviews, which puts the rows of report_flags (report_flags.sql) in
-- the second marked comment's place when the warehouse has that table; a report_flags code is then also among the report's
-- trust_reasons, and the first marked comment becomes a condition that leaves it to the quality row
-- (one flag, one decision).
create or replace view review_flags as
select f.*, d.generated, d.trust_status
from (
    select d.report_id, d.report_year, 'trust' as kind, r.reason as flag, '' as subject,
           cast(null as varchar) as detail, cast(null as varchar[]) as cells
    from dim_report d
    join (select report_id, unnest(trust_reasons) as reason from dim_report) r using (report_id)
    where r.reason <> 'identity_fails' /* and not a quality flag */
    union all
    select t.report_id, t.report_year, 'tally', t.identity, t.subject,
           'left ' || t.left_value || ', right ' || t.right_value || ', difference '
           || t.difference,
           cast(null as varchar[])
    from tally_results t
    where t.status = 'fail'
    /* and the quality flags */
) f
join dim_report d using (report_id)
