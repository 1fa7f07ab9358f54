-- Every tally identity evaluated on every loaded report (gx_pipeline.tally), as stored.
create table if not exists tally_results (
    report_id    varchar not null,
    report_year  integer not null,
    identity     varchar not null,  -- e.g. requests.balance
    subject      varchar not null,  -- the row or column the evaluation is about
    left_value   double  not null,
    right_value  double  not null,
    difference   double  not null,  -- left_value - right_value
    status       varchar not null,  -- pass | fail | not_assessable
    primary key (report_id, identity, subject)
);
comment on table tally_results is 'Tally identities per report (blank counted as 0). fail = the report contradicts itself; not_assessable = does not hold but a cell is blank.';
