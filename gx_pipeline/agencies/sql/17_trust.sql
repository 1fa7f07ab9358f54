-- A flagged report is not clean: its trust_reasons carry the codes of its flags (after the
-- parser's and the tally's, in the order of $flags), and only a report without any reason is.
update dim_report d
set trust_reasons = n.reasons,
    trust_status = case when len(n.reasons) = 0 then 'clean' else 'needs_review' end
from (
    select d.report_id,
           list_concat(
               list_filter(d.trust_reasons, lambda r: not list_contains($flags, r)),
               coalesce(list_filter($flags, lambda c: list_contains(f.flags, c)), [])
           ) as reasons
    from dim_report d
    left join (select report_id, list(distinct flag) as flags from report_flags group by all) f
        using (report_id)
) n
where d.report_id = n.report_id and d.trust_reasons is distinct from n.reasons
