-- carry_chain_break: 上年结转 (carried_over, 总计) of year y is not the agency's 结转下年度继续办理
-- (carried_forward, 总计) of year y-1, both stated (requests.carry_chain of the contract).
insert into report_flags by name
select c.report_id, c.report_year, c.agency_id, 'carry_chain_break' as flag,
       'requests.carried_over.total' as subject,
       ['requests.carried_over.total'] as cells,
       '上年结转 (carried over) is ' || cast(c.carried_over as bigint) || ' in '
           || c.report_year || ', but ' || c.report_year - 1
           || '''s report carried forward (结转下年度继续办理) '
           || cast(c.previous_carried_forward as bigint) as detail,
       to_json({
           'previous_report_id': c.previous_report_id,
           'carried_over': c.carried_over,
           'previous_carried_forward': c.previous_carried_forward,
           'difference': c.difference
       }) as evidence
from carry_chain c
where c.status = 'fail'
