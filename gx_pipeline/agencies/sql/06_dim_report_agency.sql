-- A generated page's agency was keyed apart from the real ones (its organ marked generated:,
-- see agency_report): the mark stays only where a real report has the key without it, so that
-- an agency of generated pages alone keeps the key the real agency it imitates would have.
update agency_report g
set key = replace(g.key, ':generated:', ':')
where g.generated and g.key like '%:generated:%'
  and not exists (
      select 1 from agency_report r
      where not r.generated and r.key = replace(g.key, ':generated:', ':')
  );
-- dim_report points to the agency.
update dim_report d
set agency_id = r.key, agency_match = r.match
from agency_report r
where d.report_id = r.report_id
  and (d.agency_id is distinct from r.key or d.agency_match is distinct from r.match)
