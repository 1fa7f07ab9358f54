    union all
    select q.report_id, q.report_year, 'quality', q.flag, q.subject, q.detail, q.cells
    from report_flags q
