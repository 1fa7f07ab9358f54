"""`gx fetch`, `gx export` and `gx dictionary` hand their arguments to the modules' own parsers."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from gx_pipeline import cli
from gx_pipeline.warehouse import dictionary, ensure_schema
from gx_pipeline_tests.conftest import SEED, ReportSite


def test_gx_fetch_archives_a_manifest_and_places_the_pages_in_raw(
    report_site: ReportSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report_site.pages["/ndbg/seed.html"] = SEED.read_bytes()
    manifest = tmp_path / "my-list.csv"
    manifest.write_text(f"address,agency,year\n{report_site.url('/ndbg/seed.html')},,2020\n")
    archive, raw = tmp_path / "archive", tmp_path / "raw"
    argv = ["fetch", str(manifest), "--archive", str(archive), "--export-raw", str(raw)]

    assert cli.main([*argv, "--allow-private", "--delay", "0"]) == 0

    assert "fetched (new content)" in capsys.readouterr().out
    name = hashlib.sha256(SEED.read_bytes()).hexdigest()[:16] + ".html"
    assert (raw / "2020" / name).read_bytes() == SEED.read_bytes()
    assert (archive / "fetches.jsonl").is_file()


def test_gx_fetch_refuses_the_loopback_server_without_allow_private(
    report_site: ReportSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report_site.pages["/ndbg/seed.html"] = SEED.read_bytes()
    manifest = tmp_path / "my-list.csv"
    manifest.write_text(report_site.url("/ndbg/seed.html") + "\n")
    argv = ["fetch", str(manifest), "--archive", str(tmp_path / "archive"), "--delay", "0"]
    assert cli.main(argv) == 1
    assert "non-public address 127.0.0.1" in capsys.readouterr().out


def test_gx_export_writes_a_table_without_report_year_as_one_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "warehouse.duckdb"
    conn = duckdb.connect(str(database))
    ensure_schema(conn)
    conn.close()
    out = tmp_path / "out"

    assert (
        cli.main(["export", "--format", "csv", "--out", str(out), "--database", str(database)]) == 0
    )

    assert "page_versions\t0" in capsys.readouterr().out
    assert (out / "page_versions" / "page_versions.csv").is_file()
    assert (out / "contract_cells" / "contract_cells.csv").is_file()


def test_gx_dictionary_checks_and_writes_the_data_dictionary(tmp_path: Path) -> None:
    assert cli.main(["dictionary", "--check"]) == 0
    target = tmp_path / "dictionary.md"
    assert cli.main(["dictionary", "--out", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == dictionary.generate()


def test_gx_help_lists_the_handed_over_commands_and_their_own_help_is_reached() -> None:
    def gx(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "gx_pipeline.cli", *args],
            capture_output=True,
            text=True,
            check=False,
        )

    top = gx("--help")
    assert top.returncode == 0
    for name in ("parse", "run", "status", "fetch", "export", "dictionary"):
        assert name in top.stdout
    fetch = gx("fetch", "--help")
    assert fetch.returncode == 0 and "usage: gx fetch" in fetch.stdout
    assert "--index-pages" in fetch.stdout and "--refresh" in fetch.stdout


@pytest.mark.parametrize("buffered", [False, True], ids=["unbuffered", "buffered"])
def test_gx_parse_into_a_pipe_whose_reader_left_ends_quietly(buffered, tmp_path):
    """`gx parse … | head`: the reader goes away; gx ends as `yes | head` does (status 141, no
    traceback), not with a BrokenPipeError. Buffered (Python's default into a pipe), a short
    output was written only at exit, past where the error is handled: status 120 and a
    message."""
    import os

    gx = str(Path(sys.executable).with_name("gx"))
    # gx status prints one short table; gx parse writes and flushes a line per file
    command = [gx, "status", "--years", "2020"] if buffered else [gx, "parse", str(SEED)]
    env = {k: v for k, v in os.environ.items() if not (buffered and k == "PYTHONUNBUFFERED")}
    env |= {"GX_DATA_DIR": str(tmp_path / "data"), "DAGSTER_HOME": str(tmp_path / "home")}
    reader, writer = os.pipe()
    os.close(reader)
    try:
        done = subprocess.run(
            command,
            env=env,
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(writer)
    assert done.returncode == 141, done.stderr
    assert done.stderr == ""


def test_a_broken_pipe_that_is_not_stdout_is_not_hidden(monkeypatch):
    """A BrokenPipeError from anything but our own output (a socket, a child's pipe) is an
    error and stays one."""

    def broken(_argv):
        raise BrokenPipeError(32, "a peer went away")

    monkeypatch.setitem(cli.PASSTHROUGH, "fetch", (broken, "test"))
    with pytest.raises(BrokenPipeError):
        cli.main(["fetch"])


def test_gx_parse_writes_a_file_name_that_is_not_utf8_as_the_warehouse_does(tmp_path: Path):
    # a name unzip made of a Chinese Windows archive (GBK bytes): the line must stay valid UTF-8
    # JSON (it carried the raw bytes, which json readers replace or refuse), the name given back
    # by unquote_to_bytes as in dim_report.source
    from urllib.parse import unquote_to_bytes

    name = b"\xd6\xd0\xce\xc4-report.html"
    (tmp_path / os.fsdecode(name)).write_bytes(SEED.read_bytes())
    (tmp_path / os.fsdecode(b"\xd6\xd0-empty.html")).write_bytes(b"")
    out = subprocess.run(
        [sys.executable, "-m", "gx_pipeline.cli", "parse", *sorted(map(str, tmp_path.iterdir()))],
        capture_output=True,
        check=False,
    )
    lines = [json.loads(line.decode("utf-8")) for line in out.stdout.splitlines()]
    by_name = {unquote_to_bytes(r["source"]): r for r in lines}
    assert set(by_name) == {name, b"\xd6\xd0-empty.html"}
    assert "中文-report.html" in by_name[name]["problems"][-1]
    assert by_name[b"\xd6\xd0-empty.html"]["error"] == "the file is empty"


def test_gx_parse_names_each_file_it_could_not_read_and_why(tmp_path: Path):
    # pages fetched from two sites are often both index.html: "1 of 3 files could not be read"
    # with a line whose source is index.html left the reader to guess which, and why
    for site in ("a", "b"):
        (tmp_path / site).mkdir()
    (tmp_path / "a" / "index.html").write_bytes(SEED.read_bytes())
    (tmp_path / "b" / "index.html").write_bytes(b"")
    (tmp_path / "c.pdf").write_bytes(b"%PDF-1.4 cut off")
    files = [str(tmp_path / "a" / "index.html"), str(tmp_path / "b" / "index.html")]
    files.append(str(tmp_path / "c.pdf"))
    out = subprocess.run(
        [sys.executable, "-m", "gx_pipeline.cli", "parse", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 1
    errors = out.stderr.splitlines()
    assert errors[0] == f"gx parse: {files[1]}: the file is empty"
    assert errors[1].startswith(f"gx parse: {files[2]}: the PDF cannot be opened")
    assert errors[2] == "gx parse: 2 of 3 files could not be read"


def test_gx_parse_names_a_file_with_a_line_break_or_an_escape_on_one_line(tmp_path: Path):
    """A name is kept as it is in a folder of downloads; said raw, its line break made a second
    line that read as another file's ('b.html: the file is empty') and an ESC sequence
    reached the terminal. Such a name is said quoted, with its escapes, as the quarantine says
    it; a name that is not UTF-8 is percent-encoded, as source holds it."""
    names = ["a\nb.html", "e\x1b[31mred.html", "t\tab.html"]
    files = [str(tmp_path / n) for n in names]
    for f in files:
        Path(f).write_bytes(b"")
    odd = os.fsdecode(bytes(tmp_path) + b"/g\xb9\xfa.html")
    Path(odd).write_bytes(b"")
    out = subprocess.run(
        [sys.executable, "-m", "gx_pipeline.cli", "parse", *files, odd],
        capture_output=True,
        check=False,
    )
    errors = out.stderr.decode("utf-8").splitlines()
    assert len(errors) == 5, errors
    for line, f in zip(errors, files, strict=False):
        assert line == f"gx parse: {f!r}: the file is empty", line
    assert errors[3] == f"gx parse: {tmp_path}/g%B9%FA.html: the file is empty"
    assert "\x1b" not in out.stderr.decode("utf-8")


def test_gx_parse_reads_a_dash_as_the_standard_input():
    # `curl … | gx parse -`: the dash was taken as a file name ("No such file or directory")
    out = subprocess.run(
        [sys.executable, "-m", "gx_pipeline.cli", "parse", "-"],
        input=SEED.read_bytes(),
        capture_output=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    (record,) = [json.loads(line) for line in out.stdout.splitlines()]
    assert record["source"] == "-"
    assert record["year"] == 2020 and record["cells"]


def test_gx_parse_given_the_dash_twice_says_the_standard_input_was_read():
    # the second `-` found the standard input used up and said "the file is empty"
    out = subprocess.run(
        [sys.executable, "-m", "gx_pipeline.cli", "parse", "-", "-"],
        input=SEED.read_bytes(),
        capture_output=True,
        check=False,
    )
    first, second = [json.loads(line) for line in out.stdout.splitlines()]
    assert first["cells"] and "error" not in first
    assert second["source"] == "-" and "read already" in second["error"], second
    assert out.returncode == 1
