"""Duplicates and near-duplicates (MinHash + LSH), hostile decoding, and CSV formula safety."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import time

import numpy as np
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows import dedup, schema, stages
from flows.normalise import Normalised, Rejected, normalise
from flows.publish.tables import FORMULA_START, csv_safe, write_table
from tests.hostile_corpus import paragraphs, release


def _rows(texts: dict[str, str]) -> list:
    docs = [normalise(t.encode("utf-8"), name) for name, t in texts.items()]
    return stages.extract_batch(docs)


def test_shingle_similarity_and_threshold():
    a = "\n\n".join(paragraphs(1))
    assert dedup.similarity(a, a) == 1.0
    assert dedup.similarity(a, a.upper().replace(",", " ,")) == 1.0  # case, punctuation
    assert dedup.similarity(a, "\n\n".join(paragraphs(2))) < 0.1
    noisy = a + "\n\nPhoto: press service of the ministry, all rights reserved."
    assert dedup.similarity(a, noisy) >= dedup.THRESHOLD


def test_near_duplicates_grouped_unrelated_not():
    bodies = ["\n\n".join(paragraphs(i)) for i in range(50)]
    bodies.append(bodies[7] + "\n\nRead more on the website of the ministry.")
    bodies.append("Share this: " + bodies[31])
    groups = dedup.near_duplicate_groups(bodies)
    assert [g for g, _ in groups] == [[7, 50], [31, 51]]
    for _, sims in groups:
        assert all(s >= dedup.THRESHOLD for s in sims.values())


def test_signature_is_deterministic():
    sh = dedup.shingles("\n\n".join(paragraphs(3)))
    assert dedup.signature(sh).tobytes() == dedup.signature(sh.copy()).tobytes()
    assert dedup.signature(sh).dtype.name == "uint32" and len(dedup.signature(sh)) == 120


def test_deduplicate_keeps_most_metadata():
    original = release(40)
    title, _, rest = original.partition("\n\n")
    richer = (f"{title}\n\n{rest}\n\nPhoto by the press service of the ministry, all rights "
              "reserved\n\nSource: Kazinform\n")
    rows = _rows({"a.txt": original, "b.txt": original, "c.txt": richer,
                  "d.txt": release(41)})
    releases, quarantine = stages.deduplicate(rows)
    assert sorted(r["source_file"] for r in releases) == ["c.txt", "d.txt"]
    kept = next(r for r in releases if r["source_file"] == "c.txt")
    q = {x["source_file"]: x for x in quarantine}
    assert set(q) == {"a.txt", "b.txt"}
    assert all(x["reason"] == "duplicate" and x["duplicate_of"] == kept["release_id"]
               for x in q.values())
    assert q["a.txt"]["detail"].startswith("Near-duplicate of c.txt")
    assert q["b.txt"]["detail"].startswith("Byte-identical to a.txt")
    # same input in another order: same result
    again, again_q = stages.deduplicate(_rows({"d.txt": release(41), "c.txt": richer,
                                               "b.txt": original, "a.txt": original}))
    assert [r["release_id"] for r in again] == [r["release_id"] for r in releases]
    assert [x["detail"] for x in again_q] == [x["detail"] for x in quarantine]


def test_a_chain_of_near_duplicates_is_not_merged_end_to_end():
    # A ~ B and B ~ C at 0.86 (shifted by 15 of 200 words), but A ~ C only at 0.73
    words = [f"w{i:03d}" for i in range(230)]

    def text(shift: int) -> str:
        return "Foreign ministers met in Astana\n\n" + " ".join(words[shift: shift + 200]) + "."

    rows = _rows({"a.txt": text(0), "b.txt": text(15), "c.txt": text(30)})
    body = {r["source_file"]: r["body"] for r in rows}
    assert dedup.similarity(body["a.txt"], body["b.txt"]) >= dedup.THRESHOLD
    assert dedup.similarity(body["b.txt"], body["c.txt"]) >= dedup.THRESHOLD
    assert dedup.similarity(body["a.txt"], body["c.txt"]) < dedup.THRESHOLD
    releases, quarantine = stages.deduplicate(rows)
    # a.txt is kept (same metadata, first path) with its near-duplicate b.txt; c.txt is not
    # a near-duplicate of a.txt, so it stays a release of its own
    assert sorted(r["source_file"] for r in releases) == ["a.txt", "c.txt"]
    (q,) = quarantine
    assert q["source_file"] == "b.txt" and q["detail"].startswith("Near-duplicate of a.txt: 86%")


def test_lsh_compares_few_pairs():
    """The quadratic risk is the number of candidate pairs: unrelated releases are not paired."""
    bodies = ["\n\n".join(paragraphs(i, n=6)) for i in range(2000)]
    sigs = [dedup.signature(dedup.shingles(b)) for b in bodies]
    assert len(dedup.candidate_pairs(sigs)) < 200  # of 1,999,000 pairs
    t = time.perf_counter()
    dedup.near_duplicate_groups(bodies)
    assert time.perf_counter() - t < 60


# --- hostile decoding, one case at a time -------------------------------------------------

@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty"),
    (b" \r\n\t \n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "binary"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "binary"),
    (bytes(range(32)) * 50, "undecodable"),
    (b"Skip to Content\nShare\nPrint\n", "no_body"),
])
def test_rejections(data, reason):
    out = normalise(data, "x.txt")
    assert isinstance(out, Rejected) and out.reason == reason, out
    assert len(out.detail) > 20


@pytest.mark.parametrize(("data", "encoding", "needle"), [
    (codecs.BOM_UTF16_LE + "Казахстан и Литва провели переговоры в Астане сегодня утром."
     .encode("utf-16-le"), "utf-16-le", "Казахстан и Литва"),
    (codecs.BOM_UTF16_BE + "Kazakhstan and Lithuania held talks in Astana this morning."
     .encode("utf-16-be"), "utf-16-be", "held talks"),
    (codecs.BOM_UTF8 + b"Kazakhstan and Lithuania held talks in Astana this morning.",
     "utf-8", "Kazakhstan and"),
    ("Министры обсудили вопросы торгового сотрудничества и транзита между странами."
     .encode("cp1251"), "cp1251", "торгового сотрудничества"),
    ("The delegations met in Zürich and Genève to discuss the Åland model of autonomy."
     .encode("latin-1"), "cp1252", "Zürich and Genève"),
    ("The Minister’s visit to Genève was welcomed by both delegations today."
     .encode().decode("cp1252").encode(), "utf-8", "Minister’s visit to Genève"),
    (b"The ministers\x00 met in Astana\x00 and discussed transit and trade.", "utf-8",
     "ministers met in Astana"),
    (b"<p>The ministers met&nbsp;in <b>Astana</b> &amp; discussed &laquo;transit&raquo;.</p>",
     "utf-8", "met in Astana & discussed «transit»."),
])
def test_decodes(data, encoding, needle):
    out = normalise(data, "x.txt")
    assert isinstance(out, Normalised), out
    assert out.encoding == encoding and needle in out.body, out.body
    assert "\ufeff" not in out.body and "\x00" not in out.body and "<" not in out.body


def test_mixed_line_endings():
    text = "Title of the release\r\n\r\nFirst paragraph of the release is here.\n\nSecond one " \
           "follows it here.\r\rThird paragraph ends the release today.\r\n"
    out = normalise(text.encode(), "x.txt")
    assert out.title == "Title of the release"
    assert out.body.split("\n\n") == ["First paragraph of the release is here.",
                                      "Second one follows it here.",
                                      "Third paragraph ends the release today."]


# --- CSV safety -------------------------------------------------------------------------

def test_csv_safe_prefixes_formula_starts():
    for start in FORMULA_START:
        assert csv_safe(f"{start}1+1") == f"'{start}1+1"
    for text in ("Kazakhstan", "'quoted", " =space first", "", "1+1"):
        assert csv_safe(text) == text


def test_csv_defused_parquet_exact(tmp_path):
    from flows import schema

    cells = ["=SUM(A1:A9)", "+7 717 272", "-2 degrees", "@mention", "\tindented", "\rreturn",
             "plain"]
    rows = [{"source_file": f"f{i}.txt", "raw_sha256": f"{i:064x}", "reason": "no_body",
             "detail": text, "duplicate_of": None} for i, text in enumerate(cells)]
    assert schema.field_names("quarantine")[:4] == ["source_file", "raw_sha256", "reason",
                                                    "detail"]
    write_table("quarantine", rows, tmp_path)
    assert pq.read_table(tmp_path / "quarantine.parquet").column("detail").to_pylist() == cells
    with (tmp_path / "quarantine.csv").open(encoding="utf-8", newline="") as fh:
        details = [r["detail"] for r in csv.DictReader(fh)]
    assert details == [f"'{c}" for c in cells[:-1]] + ["plain"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(
    st.text(st.characters(codec="utf-8"), max_size=12),
    st.one_of(st.none(), st.text(st.sampled_from('ab,"\n\r=+-@\t |\''), max_size=8)),
    st.lists(st.text(st.sampled_from('ab,"\n\r=|'), max_size=4), max_size=3),
    st.one_of(st.none(), st.integers(0, 2**40), st.floats(0, 1e15, allow_nan=False)),
    st.one_of(st.none(), st.datetimes(dt.datetime(1991, 1, 1), dt.datetime(2100, 1, 1))
              .map(lambda d: d.replace(microsecond=0))),
    st.one_of(st.none(), st.dates(dt.date(1991, 1, 1), dt.date(2100, 1, 1)))), max_size=6))
def test_vectorised_csv_equals_cell_by_cell(values):
    """`tables.csv_text` (Arrow compute) writes what the per-cell reference functions write."""
    import pyarrow as pa

    from flows.publish import tables

    fields = [{"name": "free", "type": "string"},
              {"name": "coded", "type": "string", "constraints": {"pattern": "[a-z,]*"}},
              {"name": "items", "type": "list"}, {"name": "value", "type": "number"},
              {"name": "at", "type": "datetime"}, {"name": "day", "type": "date"}]
    arrow = pa.schema([("free", pa.string()), ("coded", pa.string()),
                       ("items", pa.list_(pa.string())), ("value", pa.float64()),
                       ("at", pa.timestamp("ms")), ("day", pa.date32())])
    rows = [dict(zip([f["name"] for f in fields], v, strict=True)) for v in values]
    table = pa.Table.from_pylist(rows, schema=arrow)
    expected = "".join(tables.csv_row([
        tables.csv_safe(c) if tables._free_text(f) else c
        for f in fields for c in [schema.csv_cell(
            int(r[f["name"]]) if f["type"] == "number" and r[f["name"]] is not None
            and float(r[f["name"]]).is_integer() else r[f["name"]], f["type"])]])
        for r in rows)
    assert tables.csv_text(table, fields) == expected


def test_csv_of_sliced_and_chunked_tables():
    """`tables.csv_bytes` takes each chunk's records from its buffers: slices (which start
    part-way into them) and several chunks must give the records of those rows only."""
    import pyarrow as pa

    from flows.publish import tables

    fields = [{"name": "free", "type": "string"}, {"name": "n", "type": "integer"}]
    rows = [{"free": f"a,{i}" if i % 3 else f"=b{i}", "n": i} for i in range(10)]
    table = pa.Table.from_pylist(rows, schema=pa.schema([("free", pa.string()),
                                                         ("n", pa.int64())]))
    whole = tables.csv_bytes(table, fields).decode().splitlines(keepends=True)
    assert whole[:3] == ["'=b0,0\n", '"a,1",1\n', '"a,2",2\n']
    assert tables.csv_bytes(table.slice(4, 3), fields).decode() == "".join(whole[4:7])
    chunked = pa.concat_tables([table.slice(0, 2), table.slice(5, 4)])
    assert chunked.column("free").num_chunks == 2
    assert tables.csv_bytes(chunked, fields).decode() == "".join(whole[:2] + whole[5:9])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.integers(0, 3), min_size=dedup.NUM_PERM, max_size=dedup.NUM_PERM),
                max_size=40))
def test_candidate_pairs_are_the_pairs_sharing_a_band(rows):
    """The vectorised banding finds exactly the pairs that agree on some whole band."""
    sigs = [np.array(r, dtype=np.uint32) for r in rows]
    expected = {(i, j) for i in range(len(sigs)) for j in range(i + 1, len(sigs))
                if any((sigs[i][b * dedup.ROWS:(b + 1) * dedup.ROWS]
                        == sigs[j][b * dedup.ROWS:(b + 1) * dedup.ROWS]).all()
                       for b in range(dedup.BANDS))}
    assert dedup.candidate_pairs(sigs) == expected


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.integers(0, 3), min_size=dedup.NUM_PERM, max_size=dedup.NUM_PERM),
                max_size=40), st.floats(0.0, 1.0))
def test_likely_pairs_are_candidates_whose_signatures_mostly_agree(rows, share):
    """The prefilter keeps exactly the candidate pairs agreeing on at least `share` of values."""
    sigs = [np.array(r, dtype=np.uint32) for r in rows]
    expected = {(i, j) for i, j in dedup.candidate_pairs(sigs)
                if (sigs[i] == sigs[j]).mean() >= share}
    assert dedup.candidate_pairs(sigs, share) == expected


def test_unrelated_releases_sharing_a_band_are_not_read():
    a = np.arange(dedup.NUM_PERM, dtype=np.uint32)
    b = a + 1000
    b[: dedup.ROWS] = a[: dedup.ROWS]  # one band in common, 5% of the values
    c = a.copy()
    c[dedup.ROWS: 2 * dedup.ROWS] += 1  # 95% in common
    sigs = [x.tobytes() for x in (a, b, c)]
    assert dedup.candidate_pairs([a, b, c]) == {(0, 1), (0, 2), (1, 2)}
    assert dedup.likely_pairs([a, b, c], dedup.THRESHOLD) == {(0, 2)}
    assert dedup.candidates(sigs) == {0, 2}
