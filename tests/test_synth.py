"""The synthetic benchmark corpus: deterministic, with duplicates, shaped like real releases."""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import synth

# date evidence the real releases carry: dateline, byline, metadata line or "Created at" footer
MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
DATED = re.compile(
    rf"^[A-Za-z .'-]+, (?:{MONTH} \d{{1,2}}, \d{{4}}|\d{{1,2}} {MONTH} \d{{4}}) [-–—] "
    rf"|^by {MONTH} \d{{1,2}}, \d{{4}} |^ date \d{{4}}-\d\d-\d\d "
    r"|^Created at : \d{1,2}\.\d\d\.\d{4}",
    re.M,
)


def _bytes(paths: list[Path]) -> list[bytes]:
    return [p.read_bytes() for p in paths]


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    a = synth.generate(40, tmp_path / "a", seed=7)
    b = synth.generate(40, tmp_path / "b", seed=7)
    c = synth.generate(40, tmp_path / "c", seed=8)
    assert [p.name for p in a] == [f"syn_{i:07d}.txt" for i in range(40)]
    assert _bytes(a) == _bytes(b)
    assert _bytes(a) != _bytes(c)


def test_start_offset_matches_one_long_run(tmp_path: Path) -> None:
    whole = synth.generate(60, tmp_path / "whole", seed=1)
    head = synth.generate(45, tmp_path / "parts", seed=1)
    tail = synth.generate(15, tmp_path / "parts", seed=1, start=45)
    assert [p.name for p in head + tail] == [p.name for p in whole]
    assert _bytes(head + tail) == _bytes(whole)


def test_processes_do_not_change_output(tmp_path: Path) -> None:
    paths = synth.generate(2000, tmp_path, seed=2, jobs=2)
    for i in range(0, 2000, 97):
        assert paths[i].read_bytes() == synth.render(i, seed=2)


def test_exact_and_near_duplicates() -> None:
    n = 3000
    digests = [hashlib.sha256(synth.render(i)).hexdigest() for i in range(n)]
    plans = [synth.describe(i) for i in range(n)]
    exact = [(i, src) for i, (kind, src, _) in enumerate(plans) if kind == synth.EXACT]
    near = [(i, src) for i, (kind, src, _) in enumerate(plans) if kind == synth.NEAR]
    assert 3 <= len(exact) <= 40 and 3 <= len(near) <= 40  # about 0.5% each
    assert len(set(digests)) == n - len(exact)
    for i, src in exact:
        assert src < i and digests[i] == digests[src]
    for i, src in near:
        assert src < i and digests[i] != digests[src]
        assert plans[i][2] != plans[src][2]  # wrapped in another format
        # the release text is the same: its longest paragraph appears in both files
        rel = synth._content(0, src)[0]
        longest = max(rel.paragraphs, key=len)
        for j in (i, src):
            assert longest in synth.render(j).decode().replace("\r\n", "\n")


@pytest.fixture(scope="module")
def sample() -> list[str]:
    return [synth.render(i, seed=5).decode("utf-8") for i in range(600)]


def test_files_look_like_releases(sample: list[str]) -> None:
    dated = sum(bool(DATED.search(t.replace("\r\n", "\n"))) for t in sample)
    assert dated / len(sample) > 0.85
    for t in sample:
        assert 230 <= len(t.split()) <= 1400
        assert "Kazakh" in t


def test_formats_and_noise_all_occur(sample: list[str]) -> None:
    text = "\n".join(sample)
    for marker in ("Skip to Content", ". KAZINFORM ", "Created at : ", "Source: ", "Read also",
                   " date ", "\r\n", "\n\n\n\n\n\n", "“", " noted."):
        assert marker in text, marker
    assert re.search(r"\bASTANA [-–—] ", text)
    formats = {synth.describe(i, seed=5)[2] for i in range(600)}
    assert formats == set(synth.FORMATS)


def test_yearless_release_has_day_and_month_but_no_year() -> None:
    i = next(i for i in range(2000) if synth.describe(i) == (synth.ORIGINAL, i, "astana_no_date"))
    text = synth.render(i).decode()
    rel = synth._content(0, i)[0]
    assert rel.year_missing
    assert f"{synth.MONTHS[rel.date.month - 1]} {rel.date.day}" in text
    assert not DATED.search(text)


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert synth.main(["5", str(tmp_path), "--seed", "3", "--start", "10", "--jobs", "1"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"syn_{i:07d}.txt" for i in range(10, 15)]
    assert "wrote 5 files" in capsys.readouterr().out
