-- dim_report points to the agency.
update dim_report d
set agency_id = r.key, agency_match = r.match
from agency_report r
where d.report_id = r.report_id
  and (d.agency_id is distinct from r.key or d.agency_match is distinct from r.match)
