"""The web fetcher: a manifest of report addresses -> an archive of the pages exactly as served.

No Dagster import anywhere below this package. The public API:

- `fetch_manifest(manifest, archive_dir, settings, progress) -> FetchSummary`
- `fetch_index_pages(lists, archive_dir, settings, progress) -> ListPages`, agencies' list
  pages and the later pages of each (下一页, index_1.html), up to MAX_LIST_PAGES a list
- `versions(archive_dir) -> list[VersionRow]`, the content history of every address
- `export_to_raw(archive_dir, raw_dir, year_of)`, latest pages into `data/raw/<year>/` (a
  notice page's attached report in its place)
- `provenance(archive_dir)`, sha256 -> (fetched from, report page) for `dim_report`
- `notice_attachment(body, address)`, the report a short notice page attaches
- `report_links(page, page_address)`, manifest rows from an agency's report list page
- `main_fetch(argv)`, the `gx fetch` command
"""

from gx_pipeline.fetch.archive import (
    Archive,
    FetchRecord,
    VersionRow,
    export_to_raw,
    provenance,
    versions,
)
from gx_pipeline.fetch.attachments import notice_attachment
from gx_pipeline.fetch.client import USER_AGENT, FetchSettings
from gx_pipeline.fetch.command import main_fetch
from gx_pipeline.fetch.index_pages import report_links
from gx_pipeline.fetch.manifest import (
    ManifestError,
    ManifestRow,
    manifest_years,
    read_manifest,
    write_manifest,
)
from gx_pipeline.fetch.run import (
    FetchSummary,
    ListPages,
    fetch_index_pages,
    fetch_manifest,
    manifest_from_index_pages,
)
from gx_pipeline.fetch.safety import UnsafeAddress, check_address

__all__ = [
    "USER_AGENT",
    "Archive",
    "FetchRecord",
    "FetchSettings",
    "FetchSummary",
    "ListPages",
    "ManifestError",
    "ManifestRow",
    "UnsafeAddress",
    "VersionRow",
    "check_address",
    "export_to_raw",
    "fetch_index_pages",
    "fetch_manifest",
    "main_fetch",
    "manifest_from_index_pages",
    "manifest_years",
    "notice_attachment",
    "provenance",
    "read_manifest",
    "report_links",
    "versions",
    "write_manifest",
]
