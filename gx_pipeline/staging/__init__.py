"""A report year on its way from raw files to the warehouse, without Dagster: the inventory of
the year folder (inventory.py), parsing on every core (pool.py), the rows of the warehouse
tables (tables.py), their pandera models (schemas.py), and the Parquet parts between steps
(parts.py)."""
