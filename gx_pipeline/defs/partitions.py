"""Report years as Dagster partitions: 2019 (the first year of the national format) onwards."""

import dagster as dg

#: One partition per report year, up to the last complete calendar year (a year's reports are
#: due by 31 January of the next one). There is no YearlyPartitionsDefinition in Dagster 1.13.
yearly_partitions = dg.TimeWindowPartitionsDefinition(
    cron_schedule="0 0 1 1 *", start="2019", fmt="%Y"
)
