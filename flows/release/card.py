"""The dataset card: the README.md of a release archive, with its coverage plots.

Everything in it is computed from the release's own tables and datapackage.json (and the
schemas/ of the code that made it), so the same release gives the same card. Tables or
columns that a release lacks are skipped, never an error.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from flows import dictionary
from flows.config import SCHEMAS
from flows.release import changelog, plots

TOP = 15
HOME_COUNTRY = "KAZ"  # every release is about Kazakhstan: partners are the others

LIMITATIONS = [
    "**Coverage is what was crawled.** The releases are those in the crawl (`raw/`), not every "
    "release ever issued; a year with few releases may be a year the crawler saw little of. Do "
    "not read the per-year counts as a measure of diplomatic activity without checking coverage.",
    "**Dates are never guessed.** `release_date` is null when the text gives no full date "
    "(flags `date_missing`, `date_year_missing`); `date_source` tells where each date came "
    "from, and `date_conflict` marks rows whose date evidence disagrees.",
    "**Entities are extracted automatically** with reference lists and rules: a person, "
    "organisation or country can be missed, and two spellings of one name may stay apart when "
    "they could be two people. Extraction is built for English; releases in Russian or Kazakh "
    "are flagged `extraction_partial`.",
    "**Text is normalised.** `body` is the release without navigation, footers and teasers, "
    "with encoding damage repaired (`text_repaired`); the raw bytes are not in the release, "
    "`release_id` is derived from them.",
    "**CSV cells that start like a spreadsheet formula** (`=`, `+`, `-`, `@`) carry a leading "
    "`'` in the CSV files only; Parquet keeps the exact text.",
]


@dataclass
class Card:
    markdown: str
    plots: dict[str, bytes] = field(default_factory=dict)  # archive path -> PNG bytes


def _column(tables: dict[str, pa.Table], table: str, column: str) -> list[Any]:
    t = tables.get(table)
    if t is None or column not in t.column_names:
        return []
    return t.column(column).to_pylist()


def _names(tables: dict[str, pa.Table], table: str, key: str, name: str,
           acronym: str | None = None) -> dict[str, str]:
    keys, names = _column(tables, table, key), _column(tables, table, name)
    acr = _column(tables, table, acronym) if acronym else []
    out = {}
    for i, (k, n) in enumerate(zip(keys, names, strict=False)):
        a = acr[i] if i < len(acr) else None
        out[k] = f"{n} ({a})" if a and a != n else (n or k)
    return out


def country_name(code: str) -> str:
    import pycountry

    c = pycountry.countries.get(alpha_3=code)
    if c is None:
        return code
    name = getattr(c, "common_name", None) or c.name
    if ", " in name:  # "Korea, Republic of" -> "Republic of Korea"
        head, tail = name.split(", ", 1)
        name = f"{tail} {head}"
    return name


def _counts(lists: list[Any], exclude: set[str] = frozenset()) -> Counter:
    return Counter(x for xs in lists if xs for x in set(xs) if x and x not in exclude)


def _flag_meanings() -> dict[str, tuple[str, str]]:
    path = SCHEMAS / "flags.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["flag"]: (r.get("severity", ""), r.get("meaning", ""))
                for r in csv.DictReader(fh)}


def _demote(markdown: str) -> str:
    """The column dictionary one heading level down, without its own title."""
    lines = markdown.splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    text = "\n".join("#" + ln if ln.startswith("#") else ln for ln in lines).strip() + "\n"
    return text.replace("Generated from the Table Schemas in `schemas/` by `python -m "
                        "flows.dictionary`; do not edit by hand.",
                        "The columns of every table, from the Table Schemas that "
                        "`datapackage.json` also carries.")


def _yaml_list(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in values) + "]"


def _front_matter(desc: dict[str, Any], tables: list[str], parquet: dict[str, str],
                  languages: list[str]) -> list[str]:
    """Hugging Face dataset-card metadata: licence and one parquet config per table."""
    lines = ["---", "license: cc-by-4.0", f"pretty_name: {json.dumps(desc.get('title', ''))}",
             f"language: {_yaml_list(languages or ['en'])}",
             f"tags: {_yaml_list(list(desc.get('keywords', [])))}", "configs:"]
    for i, t in enumerate(tables):
        lines += [f"  - config_name: {t}", "    data_files:", "      - split: train",
                  f"        path: {parquet[t]}"]
        if i == 0:
            lines.append("    default: true")
    return [*lines, "---", ""]


def _interactions_section(md: list[str], out_plots: dict[str, bytes],
                          tables: dict[str, pa.Table], dates: list[Any]) -> None:
    """Who met whom: top partner countries by interactions, interactions per year by kind."""
    if "interactions" not in tables:
        return
    md += ["### Who met whom", ""]
    kinds = _column(tables, "interactions", "kind")
    if not kinds:
        md += ["No interactions in this release (`interactions`).", ""]
        return
    partners = _counts(_column(tables, "interactions", "countries"), {HOME_COUNTRY})
    top = sorted(partners.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
    shown = [(f"{country_name(k)} ({k})", v) for k, v in top]
    md += [f"{len(kinds)} interactions (meetings, talks, visits, ... between named people; "
           "`interactions`)."]
    if shown:
        out_plots["plots/top_partners_interactions.png"] = plots.top_bars(
            shown, title="Top partners: interactions they take part in",
            xlabel="interactions", note="Kazakhstan itself left out")
        md += ["", "![Top partners by interactions](plots/top_partners_interactions.png)", "",
               "| country | interactions |", "|---|---:|", *[f"| {k} | {v} |" for k, v in shown]]
    # the year of the event when stated, else of the release that reports it
    release_year = {rid: d.year for rid, d in zip(_column(tables, "releases", "release_id"),
                                                  dates, strict=True) if isinstance(d, dt.date)}
    per_year: dict[int, Counter] = {}
    undated = 0
    for kind, rid, day in zip(kinds, _column(tables, "interactions", "release_id"),
                              _column(tables, "interactions", "event_date"), strict=True):
        year = day.year if isinstance(day, dt.date) else release_year.get(rid)
        if year is None:
            undated += 1
            continue
        per_year.setdefault(year, Counter())[kind] += 1
    if per_year:
        note = f"{undated} without a year not shown" if undated else ""
        out_plots["plots/interactions_per_year.png"] = plots.stacked_by_year(
            per_year, title="Interactions per year by kind (event date, else release date)",
            note=note)
        md += ["", "![Interactions per year by kind](plots/interactions_per_year.png)"]
    md += [""]


def render(desc: dict[str, Any], tables: dict[str, pa.Table], parquet: dict[str, str], *,
           changes: dict[str, Any] | None, archive: str) -> Card:
    """The card of the release described by `desc` whose tables are `tables`.

    `parquet` maps table -> path of its Parquet file in the archive.
    """
    version, title = desc.get("version", "?"), desc.get("title", "Dataset")
    created = desc.get("created", "")
    names = list(parquet)
    out_plots: dict[str, bytes] = {}
    md: list[str] = []

    dates = [d for d in _column(tables, "releases", "release_date")]
    n_rel = tables["releases"].num_rows if "releases" in tables else 0
    languages = sorted({x for x in _column(tables, "releases", "language") if x})
    md += _front_matter(desc, names, parquet, languages)
    md += [f"# {title}", "",
           f"**Version {version}** · built {created[:10]} · {n_rel} releases · "
           f"licence CC-BY-4.0 · `{archive}`", "",
           desc.get("description", ""), ""]

    # -- contents
    md += ["## What is in this release", "",
           "| table | rows | Parquet | CSV | what |", "|---|---:|---|---|---|"]
    for r in desc.get("resources", []):
        if r.get("type") != "table":
            continue
        t = r["name"]
        rows = tables[t].num_rows if t in tables else 0
        md.append(f"| `{t}` | {rows} | `{parquet.get(t, '')}` | `{r['path']}` | "
                  f"{r.get('description', '')} |")
    md += ["", "Also in the archive:", "",
           "- `datapackage.json`: the [Frictionless Data Package](https://datapackage.org/) "
           "describing every file, its Table Schema, size and SHA-256, the dataset version and "
           "build time; `frictionless validate datapackage.json` passes.",
           "- `CHANGELOG.md` and `changes.json`: what changed since the previous release, "
           "computed from the data.",
           "- `validation/`: the validation report of this build (`index.html`, "
           "`summary.json`, Great Expectations Data Docs in `validation/data_docs/`).",
           "- `plots/`: the figures of this card. `CITATION.cff`: how to cite this version.",
           "- `SHA256SUMS`: checksums of every other file.", ""]

    # -- provenance
    sources = "; ".join(s.get("title", "") for s in desc.get("sources", [])) or "see the project"
    md += ["## Where the data comes from", "",
           f"Sources: {sources}.", "",
           "Each raw file is decoded (any encoding, mojibake repaired), stripped of crawl noise "
           "(navigation, footers, teasers of other articles), and described: title, release "
           "date with where it came from, dateline place, timestamps, publisher, section, the "
           "countries, organisations and people it names, and quality flags. Duplicates and "
           "files that are not releases go to `quarantine` with a reason; nothing is dropped "
           "silently. Every table is validated (Great Expectations) before it is published: "
           "see `validation/index.html`.", "",
           f"Homepage and code: {desc.get('homepage', '')}", ""]

    # -- coverage
    md += ["## Coverage", ""]
    years = Counter(d.year for d in dates if isinstance(d, dt.date))
    undated = sum(1 for d in dates if d is None)
    if years:
        note = (f"{undated} release{'s' if undated != 1 else ''} without a full date not shown"
                if undated else "")
        out_plots["plots/releases_per_year.png"] = plots.bar_by_year(
            years, title="Releases per year (release_date)", note=note)
        md += [f"Releases dated {min(years)}–{max(years)}; {undated} without a full date.", "",
               "![Releases per year](plots/releases_per_year.png)", ""]
    else:
        md += ["No dated releases.", ""]

    def top_section(heading: str, plot: str, counts: Counter, label: dict[str, str] | None,
                    what: str, fmt=None, note: str = "", noun: str = "name") -> None:
        nonlocal md
        md += [f"### {heading}", ""]
        if not counts:
            md += [f"None in this release ({what}).", ""]
            return
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
        shown = [((fmt or (lambda k: (label or {}).get(k, k)))(k), v) for k, v in top]
        out_plots[f"plots/{plot}.png"] = plots.top_bars(
            shown, title=f"{heading}: releases naming each", xlabel="releases", note=note)
        md += [f"{len(counts)} distinct; the {len(top)} most often named ({what}):", "",
               f"![{heading}](plots/{plot}.png)", "",
               f"| {noun} | releases |", "|---|---:|",
               *[f"| {k} | {v} |" for k, v in shown], ""]

    top_section("Top partner countries", "top_countries",
                _counts(_column(tables, "releases", "countries"), {HOME_COUNTRY}), None,
                "`releases.countries`, Kazakhstan itself left out",
                fmt=lambda k: f"{country_name(k)} ({k})", note="Kazakhstan itself left out",
                noun="country")
    top_section("Top organisations", "top_organizations",
                _counts(_column(tables, "releases", "organizations")),
                _names(tables, "organizations", "organization_id", "name", "acronym"),
                "`releases.organizations`, names from `organizations`", noun="organisation")
    top_section("Top people", "top_persons",
                _counts(_column(tables, "releases", "persons")),
                _names(tables, "persons", "person_id", "name"),
                "`releases.persons`, names from `persons`", noun="person")
    _interactions_section(md, out_plots, tables, dates)

    # -- quality
    flags = _counts(_column(tables, "releases", "flags"))
    meanings = _flag_meanings()
    md += ["## Quality flags", "",
           "Each release row lists its data-quality flags in `flags`. Rows with flags are "
           "published, not hidden: filter on them as your question needs.", "",
           "| flag | severity | releases | share | meaning |", "|---|---|---:|---:|---|"]
    for flag in sorted(set(meanings) | set(flags), key=lambda f: (-flags.get(f, 0), f)):
        sev, meaning = meanings.get(flag, ("", ""))
        n = flags.get(flag, 0)
        share = f"{100 * n / n_rel:.0f}%" if n_rel else "–"
        md.append(f"| `{flag}` | {sev} | {n} | {share} | {meaning} |")
    sources_count = Counter(_column(tables, "releases", "date_source"))
    if sources_count:
        md += ["", "Where `release_date` came from (`date_source`): " + ", ".join(
            f"{k} {v}" for k, v in sorted(sources_count.items(), key=lambda kv: (-kv[1], kv[0])))
            + "."]
    reasons = Counter(_column(tables, "quarantine", "reason"))
    md += ["", "Quarantined raw files (`quarantine.reason`): " + (", ".join(
        f"{k} {v}" for k, v in sorted(reasons.items())) or "none") + ".", ""]

    # -- changes
    md += ["## Changes in this version", ""]
    if changes and changes.get("previous_version"):
        rel = changes["releases"]
        md += [f"Since {changes['previous_version']}: "
               f"{changelog.plural(len(rel['added']), 'release')} added, "
               f"{len(rel['removed'])} removed, {len(rel['changed'])} changed; "
               f"{changelog.plural(len(changes['corrections']), 'correction')} applied. "
               "Details in `CHANGELOG.md` and `changes.json`.", ""]
    else:
        md += ["First published release. Details in `CHANGELOG.md` and `changes.json`.", ""]
    md += ["Versions are semantic: **major** when a published column is removed or retyped (a "
           "break of the data contract), **minor** when releases were added, **patch** for any "
           "other change (corrections, better extraction). The version is in "
           "`datapackage.json` and in the archive's name.", ""]

    # -- dictionary
    md += ["## Column dictionary", "", _demote(dictionary.render()), ""]

    # -- limitations
    md += ["## Known limitations", "", *[f"- {x}" for x in LIMITATIONS], ""]

    # -- loading
    first = names[0] if names else "releases"
    p = parquet.get("releases", parquet.get(first, f"data/{first}.parquet"))
    md += ["## How to load", "",
           "Unpack the archive and work in its folder. Parquet keeps the types (lists, dates, "
           "timestamps); the CSV files join list items with `|` and write null as an empty cell.",
           "", "pandas (with pyarrow):", "", "```python", "import pandas as pd",
           f'releases = pd.read_parquet("{p}")',
           'releases[releases["countries"].apply(lambda c: "LTU" in c)][["release_date", "title"]]',
           "```", "", "Polars:", "", "```python", "import polars as pl",
           f'releases = pl.read_parquet("{p}")',
           'releases.filter(pl.col("countries").list.contains("LTU")).select("release_date", '
           '"title")', "```", "", "DuckDB:", "", "```sql",
           "SELECT release_date, dateline_place, title",
           f"FROM '{p}'",
           "WHERE list_contains(countries, 'LTU') AND NOT list_contains(flags, 'date_conflict')",
           "ORDER BY release_date;", "```", "", "R (arrow):", "", "```r", "library(arrow)",
           f'releases <- read_parquet("{p}")',
           'subset(releases, sapply(countries, function(c) "LTU" %in% c))', "```", "",
           "Hugging Face `datasets`: the tables are plain Parquet files under `data/` and this "
           "card's front matter declares one configuration per table, so each loads without "
           "any conversion (tables have different columns: load them one at a time):", "",
           "```python", "from datasets import load_dataset",
           f'releases = load_dataset("parquet", data_files="{p}", split="train")', "```", ""]

    # -- verify
    md += ["## Verify your download", "",
           "In the unpacked folder, check that no file was damaged or altered:", "",
           "```sh", "sha256sum -c SHA256SUMS          # GNU coreutils",
           "shasum -a 256 -c SHA256SUMS      # macOS", "```", "",
           "Every line must end in `OK`. With the project's tool installed, one command checks "
           "the checksums, validates the package with Frictionless and reads every Parquet table "
           "with its declared types (it accepts the archive or the folder):", "",
           "```sh", f"kzdiplo verify {archive}", "```", ""]

    # -- licence
    md += ["## Licence and citation", "",
           "The data is published under [CC-BY-4.0](https://creativecommons.org/licenses/by/4.0/)"
           ": share and adapt it, crediting the source. The code that builds it is MIT-licensed.",
           "", "Please cite the version you used (also in `CITATION.cff`):", "",
           f"> Kazakhstan Diplomatic Releases maintainers ({created[:4]}). *{title}* "
           f"(version {version}) [Data set]. {desc.get('homepage', '')}", ""]
    md.append("<!-- generated by `kzdiplo release`; do not edit by hand -->")
    return Card("\n".join(md) + "\n", out_plots)
