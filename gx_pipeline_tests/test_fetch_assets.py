"""raw_archive end to end: a manifest of pages on a loopback server -> data/archive/,
data/raw/<year>/ and page_versions; an edited page -> version 2, visible in report_versions."""

import hashlib
from pathlib import Path

import dagster as dg
import pytest

from gx_pipeline.defs.fetch_assets import raw_archive
from gx_pipeline.defs.resources import WebFetcher, default_resources
from gx_pipeline.defs.schedules import RECHECK_CONFIG
from gx_pipeline.staging.inventory import year_fingerprint
from gx_pipeline_tests.conftest import (
    REALDEV_PAGES,
    SEED,
    ReportSite,
    materialize_year,
    query,
)

SEED_PATH = "/ndbg/2020/seed.html"
ZHANGWU_PATH = "/ndbg/2019/zhangwu.html"
MISSING_PATH = "/ndbg/2021/gone.html"


@pytest.fixture(autouse=True)
def loopback_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pages are on a loopback server; the resource has no switch for that, the environment
    of the process does."""
    monkeypatch.setenv("GX_FETCH_ALLOW_PRIVATE", "1")


def _materialize_archive(data_dir: Path, run_config: dict | None = None) -> dict:
    resources = {
        **default_resources(data_dir),
        # no delay keeps the test quick
        "web_fetcher": WebFetcher(delay=0.0, attempts=1),
    }
    result = dg.materialize(
        [raw_archive],
        resources=resources,
        run_config=run_config,
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    (materialization,) = result.asset_materializations_for_node("raw_archive")
    return {key: value.value for key, value in materialization.metadata.items()}


def _serve_manifest(report_site: ReportSite, data_dir: Path) -> None:
    report_site.pages[SEED_PATH] = SEED.read_bytes()
    report_site.pages[ZHANGWU_PATH] = (
        REALDEV_PAGES / "101_fuxin_zhangwu_govoffice_2019.txt"
    ).read_bytes()
    (data_dir / "manifest.csv").write_text(
        "address,agency,year\n"
        f"{report_site.url(SEED_PATH)},襄都区科技和工业信息化局,2020\n"
        f"{report_site.url(ZHANGWU_PATH)},,2019\n"
        f"{report_site.url(MISSING_PATH)},,2021\n",
        encoding="utf-8",
    )


def _raw_files(data_dir: Path) -> dict[str, bytes]:
    raw = data_dir / "raw"
    return {p.relative_to(raw).as_posix(): p.read_bytes() for p in raw.rglob("*.html")}


def _name(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:16] + ".html"


def test_raw_archive_fetches_the_manifest_into_raw_years_and_page_versions(
    report_site: ReportSite, data_dir: Path
) -> None:
    _serve_manifest(report_site, data_dir)
    seed, zhangwu = report_site.pages[SEED_PATH], report_site.pages[ZHANGWU_PATH]

    metadata = _materialize_archive(data_dir)

    assert _raw_files(data_dir) == {f"2020/{_name(seed)}": seed, f"2019/{_name(zhangwu)}": zhangwu}
    assert (metadata["fetched"], metadata["failed"], metadata["changed"]) == (2, 1, 0)
    assert metadata["raw_years"] == "2019, 2020"
    assert MISSING_PATH in metadata["failures"] and "HTTP 404" in metadata["failures"]
    assert metadata["dagster/row_count"] == 2
    sha = hashlib.sha256(seed).hexdigest()
    assert (data_dir / "archive" / "objects" / sha[:2] / sha).read_bytes() == seed
    rows = query(
        data_dir,
        "select address, version, sha256, superseded, status, encoding, agency, manifest_year "
        "from page_versions order by manifest_year",
    )
    assert rows == [
        (report_site.url(ZHANGWU_PATH), 1, hashlib.sha256(zhangwu).hexdigest(), False, 200,
         "utf-8", None, 2019),
        (report_site.url(SEED_PATH), 1, sha, False, 200, "utf-8", "襄都区科技和工业信息化局", 2020),
    ]  # fmt: skip


def test_an_edited_page_becomes_version_2_and_shows_in_report_versions(
    report_site: ReportSite, data_dir: Path
) -> None:
    _serve_manifest(report_site, data_dir)
    _materialize_archive(data_dir)
    first = report_site.pages[SEED_PATH]
    edited = first + "\n更正：本报告于发布后修改。\n".encode()
    report_site.pages[SEED_PATH] = edited

    # without refresh, archived pages are not asked for again
    assert _materialize_archive(data_dir)["skipped"] == 2
    before = {y: year_fingerprint(data_dir / "raw" / y) for y in ("2019", "2020")}
    metadata = _materialize_archive(data_dir, RECHECK_CONFIG)
    after = {y: year_fingerprint(data_dir / "raw" / y) for y in ("2019", "2020")}

    assert (metadata["changed"], metadata["unchanged"]) == (1, 1)
    assert report_site.url(SEED_PATH) in metadata["changed_pages"]
    # the year folder holds the new edition only, and stale_years_sensor reloads 2020 only
    assert [p for p in _raw_files(data_dir) if p.startswith("2020/")] == [f"2020/{_name(edited)}"]
    assert [year for year in after if after[year] != before[year]] == ["2020"]
    assert query(
        data_dir,
        "select version, sha256, superseded from page_versions where address = ? order by 1",
        [report_site.url(SEED_PATH)],
    ) == [
        (1, hashlib.sha256(first).hexdigest(), True),
        (2, hashlib.sha256(edited).hexdigest(), False),
    ]

    assert materialize_year(data_dir, 2020).success
    ((report_id, published, version, versions, is_latest, changed),) = query(
        data_dir,
        "select report_id, cast(published as varchar), version, versions, is_latest, "
        "changed_after_publication from report_versions",
    )
    assert report_id == _name(edited).removesuffix(".html")
    # published 2021-01-27; version 2 was first seen today
    assert (published, version, versions, is_latest, changed) == ("2021-01-27", 2, 2, True, True)
    # loading the year left the history alone
    assert query(data_dir, "select count(*) from page_versions") == [(3,)]


def test_raw_archive_without_a_manifest_fetches_nothing(data_dir: Path) -> None:
    metadata = _materialize_archive(data_dir)
    assert metadata["manifest"].startswith("missing: ")
    assert "fetched" not in metadata and metadata["dagster/row_count"] == 0
    assert query(data_dir, "select count(*) from page_versions") == [(0,)]
    assert _raw_files(data_dir) == {}


def test_raw_archive_without_its_list_warns_in_its_check(data_dir: Path) -> None:
    """No data/manifest.csv (a data folder mistyped or not mounted, the list moved): nothing
    was fetched, and every_address_archived passed, "every address archived" of none, as green
    as a complete run. It warns, naming the list it looked for."""
    result = dg.materialize(
        [raw_archive],
        resources=default_resources(data_dir),
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success  # nothing to fetch is no failure of the run
    (evaluation,) = result.get_asset_check_evaluations()
    assert (evaluation.passed, evaluation.severity) == (False, dg.AssetCheckSeverity.WARN)
    metadata = {key: value.value for key, value in evaluation.metadata.items()}
    assert metadata["manifest"] == f"missing: {data_dir / 'manifest.csv'} (nothing fetched)"


def test_run_config_cannot_switch_on_private_targets(
    report_site: ReportSite, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _serve_manifest(report_site, data_dir)
    allow = {"resources": {"web_fetcher": {"config": {"allow_private": True}}}}
    with pytest.raises(dg.DagsterInvalidConfigError, match="allow_private"):
        _materialize_archive(data_dir, allow)
    assert not (data_dir / "archive").exists()

    # without GX_FETCH_ALLOW_PRIVATE every loopback address is refused, and the reason says why
    monkeypatch.delenv("GX_FETCH_ALLOW_PRIVATE")
    metadata = _materialize_archive(data_dir)
    assert (metadata["fetched"], metadata["failed"]) == (0, 3)
    assert metadata["failures"].count("non-public address 127.0.0.1 (loopback)") == 3
    assert _raw_files(data_dir) == {}


def test_raw_archive_says_in_a_check_when_addresses_failed(
    report_site: ReportSite, data_dir: Path
) -> None:
    """The materialization succeeds whatever the sites answer (what was archived is kept); a
    run whose every list page or report failed (a site that blocks us, a network down) was as
    green as a complete one, its failures in metadata only. The check warns."""
    _serve_manifest(report_site, data_dir)
    resources = {**default_resources(data_dir), "web_fetcher": WebFetcher(delay=0.0, attempts=1)}
    result = dg.materialize(
        [raw_archive], resources=resources, instance=dg.DagsterInstance.ephemeral()
    )
    (evaluation,) = result.get_asset_check_evaluations()
    assert evaluation.check_name == "every_address_archived"
    assert (evaluation.passed, evaluation.severity) == (False, dg.AssetCheckSeverity.WARN)
    metadata = {key: value.value for key, value in evaluation.metadata.items()}
    assert (metadata["failed"], metadata["addresses"]) == (1, 3)
    assert MISSING_PATH in metadata["failures"]

    (data_dir / "manifest.csv").write_text(
        f"address,agency,year\n{report_site.url(SEED_PATH)},,2020\n", encoding="utf-8"
    )
    again = dg.materialize(
        [raw_archive], resources=resources, instance=dg.DagsterInstance.ephemeral()
    )
    (evaluation,) = again.get_asset_check_evaluations()
    assert evaluation.passed
