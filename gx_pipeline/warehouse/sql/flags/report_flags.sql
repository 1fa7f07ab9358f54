    union all
    -- year_mismatch is a trust reason too (trust.assess): its decisions stay the trust flag's
    select q.report_id, q.report_year,
           case when q.flag = 'year_mismatch' then 'trust' else 'quality' end,
           q.flag, q.subject, q.detail, q.cells
    from report_flags q
