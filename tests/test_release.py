"""Dataset releases (issue 6): archive layout, verify, reproducibility, changelog, card."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import tarfile
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from flows import schema
from flows.cli import main
from flows.release import archive, card, changelog, plots
from flows.release.common import ReleaseError, find_previous, parse_version
from flows.release.verify import verify

from .conftest import RAW

NEW_FILE = "005_0a1b2c3d4e5f6a7b.txt"
NEW_RELEASE = """\
Kazakhstan and Norway hold political consultations in Oslo

Oslo, March 14, 2023 - Deputy Minister of Foreign Affairs of Kazakhstan Akan Rakhmetullin held \
political consultations with State Secretary of the Ministry of Foreign Affairs of Norway \
Eivind Vad Petersson.

The parties discussed the state and prospects of Kazakh-Norwegian cooperation in energy, \
green technologies and education, as well as the situation in Central Asia and Afghanistan.

The Norwegian side was briefed on the political and economic reforms under way in Kazakhstan. \
The diplomats agreed to hold the next round of consultations in Astana in 2024.

Source: Press service of the Ministry of Foreign Affairs of Kazakhstan
"""


def _unzip(path: Path, dest: Path) -> Path:
    with zipfile.ZipFile(path) as zf:
        zf.extractall(dest)
    return dest


@pytest.fixture(scope="module")
def first(seed_build, tmp_path_factory):
    """The seeds' build released into a temporary dist/, through the CLI."""
    out, _ = seed_build
    dist = tmp_path_factory.mktemp("dist")
    assert main(["release", "--output", str(out), "--out-dir", str(dist)]) == 0
    version = json.loads((out / "datapackage.json").read_text())["version"]
    stem = f"kazakhstan-diplomatic-releases-{version}"
    return dist, dist / f"{stem}.zip", dist / f"{stem}.tar.gz", version


@pytest.fixture(scope="module")
def second(prefect_server, seed_build, first, tmp_path_factory):
    """raw/ plus one new release, built over a copy of the seeds' output and released again."""
    from flows.pipeline import build_dataset

    base = tmp_path_factory.mktemp("second")
    raw = base / "raw"
    shutil.copytree(RAW, raw)
    for p in raw.iterdir():
        p.chmod(0o644)
    (raw / NEW_FILE).write_text(NEW_RELEASE, encoding="utf-8")
    out = base / "output"
    shutil.copytree(seed_build[0], out)
    summary = build_dataset(raw_dir=str(raw), out_dir=str(out))
    assert summary.valid and summary.published, summary.failed
    dist, *_ = first
    return archive.build_release(out, dist), out


def test_release_unpacks_verifies_and_loads(first, tmp_path, capsys):
    _, zip_path, tar_path, version = first
    root = _unzip(zip_path, tmp_path / "unpacked")
    for name in ("datapackage.json", "README.md", "CHANGELOG.md", "changes.json", "SHA256SUMS",
                 "CITATION.cff", "validation/index.html", "validation/summary.json",
                 "validation/data_docs/index.html"):
        assert (root / name).is_file(), name
    desc = json.loads((root / "datapackage.json").read_text())
    assert desc["version"] == version
    assert {r["path"] for r in desc["resources"]} == {
        f"data/{t}.{ext}" for t in schema.tables() for ext in ("csv", "parquet")}
    readme = (root / "README.md").read_text()
    for png in ("releases_per_year", "top_countries"):
        assert f"](plots/{png}.png)" in readme and (root / f"plots/{png}.png").is_file()

    for target in (root, zip_path, tar_path):  # folder, zip and tar.gz alike
        assert main(["verify", str(target)]) == 0
        assert "VERDICT:    OK" in capsys.readouterr().out

    con = duckdb.connect()
    for t in schema.tables():
        path = root / "data" / f"{t}.parquet"
        arrow = pq.read_table(path)
        declared = schema.arrow_schema(t)
        assert [(f.name, f.type) for f in arrow.schema] == [(f.name, f.type) for f in declared]
        frame = pd.read_parquet(path)
        assert list(frame.columns) == declared.names and len(frame) == arrow.num_rows
        n = con.execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchone()[0]
        assert n == arrow.num_rows, t
        assert len(pd.read_csv(root / "data" / f"{t}.csv", keep_default_na=False)) == n


def test_frictionless_validates_the_archived_package(first, tmp_path):
    from frictionless import Package

    root = _unzip(first[1], tmp_path)
    report = Package(str(root / "datapackage.json")).validate()
    assert report.valid, report.flatten(["type", "note"])


def test_two_releases_of_the_same_output_are_byte_identical(seed_build, first, tmp_path):
    dist, zip_path, tar_path, _ = first
    again = archive.build_release(seed_build[0], tmp_path / "again")
    assert again.zip_path.read_bytes() == zip_path.read_bytes()
    assert again.tar_path.read_bytes() == tar_path.read_bytes()
    # Releasing again into the same dist/ (an equal version is not "previous") changes nothing.
    before = zip_path.read_bytes()
    assert archive.build_release(seed_build[0], dist).previous is None
    assert zip_path.read_bytes() == before
    # Fixed metadata: gzip mtime 0, sorted entries, one mtime, mode 0644, owner 0.
    assert tar_path.read_bytes()[4:8] == b"\0\0\0\0"
    with tarfile.open(tar_path) as tf:
        members = tf.getmembers()
    assert [m.name for m in members] == sorted(m.name for m in members)
    assert {(m.mtime, m.mode, m.uid, m.gid, m.uname) for m in members} == {
        (members[0].mtime, 0o644, 0, 0, "")}
    with zipfile.ZipFile(zip_path) as zf:
        assert len({i.date_time for i in zf.infolist()}) == 1
        assert zf.namelist() == [m.name for m in members]


def test_source_date_epoch_sets_the_archive_time(seed_build, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    r = archive.build_release(seed_build[0], tmp_path, previous=None)
    with tarfile.open(r.tar_path) as tf:
        assert {m.mtime for m in tf.getmembers()} == {1700000000}


def test_added_release_is_the_changelog(first, second, tmp_path):
    _, first_zip, _, first_version = first
    rel, _ = second
    assert rel.previous == first_zip  # found in dist/ by itself
    old, new = parse_version(first_version), parse_version(rel.version)
    assert new == (old[0], old[1] + 1, 0)

    changes = rel.changes
    assert changes["previous_version"] == first_version
    assert [r["source_file"] for r in changes["releases"]["added"]] == [NEW_FILE]
    added = changes["releases"]["added"][0]
    assert added["title"] == "Kazakhstan and Norway hold political consultations in Oslo"
    assert added["release_date"] == "2023-03-14"
    assert changes["releases"]["removed"] == [] and changes["releases"]["changed"] == []
    assert changes["corrections"] == []
    assert changes["quarantine"] == {"added": [], "removed": [], "changed": []}
    assert changes["tables"]["releases"]["rows"] == changes["tables"]["releases"][
        "previous_rows"] + 1

    root = _unzip(rel.zip_path, tmp_path)
    assert json.loads((root / "changes.json").read_text()) == changes
    log = (root / "CHANGELOG.md").read_text()
    newest, older = log.index(f"## {rel.version} "), log.index(f"## {first_version} ")
    assert newest < older  # newest first, the earlier entry kept
    entry = log[newest:older]
    assert "1 release added" in entry and added["release_id"] in entry
    assert "removed:" not in entry and "changed:" not in entry
    assert main(["verify", str(rel.tar_path)]) == 0


def test_verify_catches_damage(first, tmp_path, capsys):
    root = _unzip(first[1], tmp_path / "a")
    csv_path = root / "data" / "releases.csv"
    csv_path.write_bytes(csv_path.read_bytes().replace(b"Kazakhstan", b"Kazakstan", 1))
    assert main(["verify", str(root)]) == 1
    out = capsys.readouterr().out
    assert "data/releases.csv: checksum mismatch" in out and "VERDICT:    FAILED" in out

    # A Parquet file whose types differ from the declared ones, with checksums made to match.
    root = _unzip(first[1], tmp_path / "b")
    pq_path = root / "data" / "releases.parquet"
    t = pq.read_table(pq_path)
    i = t.schema.get_field_index("word_count")
    pq.write_table(t.set_column(i, "word_count", t.column(i).cast(pa.string())), pq_path)
    sums = root / "SHA256SUMS"
    digest = hashlib.sha256(pq_path.read_bytes()).hexdigest()
    sums.write_text("".join(
        f"{digest}  data/releases.parquet\n" if ln.endswith("  data/releases.parquet") else
        ln + "\n" for ln in sums.read_text().splitlines()))
    v = verify(root)
    assert not v.ok
    assert any("word_count is string, declared int64" in p for p in v.problems)

    (tmp_path / "junk.zip").write_bytes(b"not an archive")
    assert main(["verify", str(tmp_path / "junk.zip")]) == 1
    assert "VERDICT:    FAILED" in capsys.readouterr().out


def test_release_refuses_an_output_that_is_not_a_build(seed_build, tmp_path):
    out = tmp_path / "output"
    shutil.copytree(seed_build[0], out)
    (out / "releases.csv").write_text("release_id\n", encoding="utf-8")
    with pytest.raises(ReleaseError, match="changed after the build"):
        archive.build_release(out, tmp_path / "dist")
    with pytest.raises(ReleaseError, match="kzdiplo build"):
        archive.build_release(tmp_path / "nothing", tmp_path / "dist")
    assert main(["release", "--output", str(tmp_path / "nothing"),
                 "--out-dir", str(tmp_path / "dist")]) == 1


def test_find_previous_picks_the_newest_earlier_release(tmp_path):
    for name in ("1.0.0.zip", "1.0.0.tar.gz", "1.2.0.tar.gz", "1.10.0.zip", "2.0.0.zip"):
        (tmp_path / f"kazakhstan-diplomatic-releases-{name}").write_bytes(b"")
    (tmp_path / "other-9.0.0.zip").write_bytes(b"")
    assert find_previous(tmp_path, "2.0.0").name.endswith("-1.10.0.zip")
    assert find_previous(tmp_path, "1.2.0").name.endswith("-1.0.0.zip")
    assert find_previous(tmp_path, "1.0.0") is None
    assert find_previous(tmp_path / "missing", "1.0.0") is None


def _releases(rows):
    return pa.Table.from_pylist(rows, schema=schema.arrow_schema("releases"))


def _row(rid, **kw):
    base = {f: None for f in schema.field_names("releases")}
    base.update(release_id=rid, source_file=f"{rid}.txt", title=f"t{rid}", date_source="none",
                body="b", word_count=1, countries=[], organizations=[], persons=[], flags=[],
                language="en", encoding="utf-8")
    return {**base, **kw}


def test_changelog_diff_names_corrections_changes_and_quarantine():
    desc = {"version": "1.0.1", "created": "2024-01-02T00:00:00+00:00", "resources": [
        {"name": t, "type": "table", "schema": schema.frictionless_schema(t)}
        for t in ("releases", "quarantine")]}
    prev_desc = {**desc, "version": "1.0.0", "created": "2024-01-01T00:00:00+00:00"}
    q = schema.arrow_schema("quarantine")
    prev = {"releases": _releases([_row("a" * 16), _row("b" * 16), _row("c" * 16)]),
            "quarantine": pa.Table.from_pylist([{"source_file": "x.txt", "raw_sha256": "0" * 64,
                                                 "reason": "empty", "detail": "d"}], schema=q)}
    cur = {"releases": _releases([
        _row("a" * 16, title="fixed", date_source="correction", flags=["corrected"]),
        _row("b" * 16, countries=["LTU"]), _row("d" * 16)]),
        "quarantine": pa.Table.from_pylist([{"source_file": "y.txt", "raw_sha256": "1" * 64,
                                             "reason": "binary", "detail": "d"}], schema=q)}
    ch = changelog.diff(prev_desc, prev, desc, cur)
    assert [r["release_id"] for r in ch["releases"]["added"]] == ["d" * 16]
    assert [r["release_id"] for r in ch["releases"]["removed"]] == ["c" * 16]
    assert {r["release_id"]: r["columns"] for r in ch["releases"]["changed"]} == {
        "a" * 16: ["title", "date_source", "flags"], "b" * 16: ["countries"]}
    assert [(r["release_id"], r["columns"]) for r in ch["corrections"]] == [
        ("a" * 16, ["title", "date_source", "flags"])]
    assert [x["source_file"] for x in ch["quarantine"]["added"]] == ["y.txt"]
    assert [x["source_file"] for x in ch["quarantine"]["removed"]] == ["x.txt"]
    assert ch["tables"]["releases"] == {"rows": 3, "previous_rows": 3, "added": 1,
                                        "removed": 1, "changed": 2}
    text = changelog.entry(ch)
    assert text.startswith("## 1.0.1 — 2024-01-02") and "1 correction applied" in text
    merged = changelog.merge(text, "1.0.1", changelog.merge("## 1.0.0 — x\n\nold\n", "1.0.0",
                                                            None))
    assert merged.index("## 1.0.1") < merged.index("## 1.0.0") and merged.count("## 1.0.") == 2


def test_card_tolerates_missing_tables_and_plots_are_deterministic():
    desc = {"version": "1.0.0", "created": "2024-01-01T00:00:00+00:00", "title": "T",
            "resources": []}
    empty = card.render(desc, {"releases": _releases([])}, {"releases": "data/releases.parquet"},
                        changes=None, archive="a.zip")
    assert empty.plots == {} and "No dated releases." in empty.markdown
    assert "None in this release" in empty.markdown
    import datetime as dt

    rows = [_row(f"{i:016x}", release_date=dt.date(2015 + i % 3, 1, 1), countries=["LTU", "KAZ"],
                 persons=["p"]) for i in range(5)]
    tables = {"releases": _releases(rows)}  # no persons/organizations tables, no quarantine
    one = card.render(desc, tables, {"releases": "data/releases.parquet"}, changes=None,
                      archive="a.zip")
    two = card.render(desc, tables, {"releases": "data/releases.parquet"}, changes=None,
                      archive="a.zip")
    assert one.plots == two.plots and set(one.plots) == {
        "plots/releases_per_year.png", "plots/top_countries.png", "plots/top_persons.png"}
    assert "Lithuania (LTU)" in one.markdown and "(KAZ)" not in one.markdown
    png = one.plots["plots/top_countries.png"]
    assert png.startswith(b"\x89PNG") and b"Software" not in png and b"matplotlib" not in png
    assert plots.shorten("Conference on Interaction and Confidence-Building Measures in Asia "
                         "(CICA)").endswith("… (CICA)")


def test_tar_gz_has_no_name_in_its_gzip_header(first):
    data = first[2].read_bytes()
    assert data[3] & 0x08 == 0  # FNAME flag unset
    assert gzip.decompress(data)[:100].rstrip(b"\0")  # a tar stream inside
