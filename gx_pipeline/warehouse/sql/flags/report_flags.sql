union all
select f.report_id, f.report_year, 'quality', f.flag, f.subject, f.detail, f.cells
from report_flags f
