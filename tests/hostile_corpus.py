"""A raw/ folder of hostile inputs, built at test time (nothing multi-megabyte is committed).

`build(raw_dir, outside_dir)` writes every case and returns what each file must become: the
quarantine reason, or "release" with checks on the published row.
"""

from __future__ import annotations

import codecs
import gzip
import random
from dataclasses import dataclass, field
from pathlib import Path

from flows.config import MAX_RAW_BYTES

_SUBJECTS = ["The delegations", "The ministers", "Both sides", "The parties", "The heads of state",
             "Experts of the two countries", "The ambassador", "The deputy minister",
             "Representatives of business circles", "The working group", "The commission",
             "Members of parliament"]
_VERBS = ["discussed", "reviewed", "considered", "welcomed", "praised", "examined", "agreed on",
          "noted the importance of", "stressed", "exchanged views on", "outlined", "supported"]
_OBJECTS = ["trade and economic cooperation", "transit and logistics", "the water-energy nexus",
            "digital transformation", "cultural and humanitarian ties", "regional security",
            "investment projects in agriculture", "a visa-free regime", "climate adaptation",
            "nuclear disarmament", "education exchanges", "the Caspian transport corridor",
            "joint ventures in mining", "tourism flows",
            "the upcoming intergovernmental commission",
            "healthcare cooperation", "renewable energy", "the Middle Corridor", "space research",
            "customs procedures"]
_TAILS = ["in a constructive atmosphere", "at the Ministry of Foreign Affairs",
          "during the consultations", "on the margins of the forum", "in Astana",
          "in the framework of the strategic partnership", "for the coming year",
          "with a view to concrete results", "in detail", "at the plenary session"]
_PLACES = ["ASTANA", "ALMATY", "VIENNA", "TASHKENT", "BRUSSELS", "ANKARA", "BERLIN", "ROME",
           "SEOUL", "TOKYO", "GENEVA", "WARSAW"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]


def paragraphs(seed: int, n: int = 5) -> list[str]:
    """Release-like paragraphs, different for every seed (no two seeds are near-duplicates)."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        sentences = [f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} "
                     f"{rng.choice(_TAILS)}, item {rng.randrange(10**6)}." for _ in range(3)]
        out.append(" ".join(sentences))
    return out


def release(seed: int, *, title: str | None = None, year: int | None = None,
            place: str | None = None, nl: str = "\n") -> str:
    rng = random.Random(seed * 7919)
    place = place or rng.choice(_PLACES)
    date = f"{rng.choice(_MONTHS)} {rng.randint(1, 28)}, {year or rng.randint(2005, 2023)}"
    title = title or f"Kazakhstan and partners hold talks, meeting {seed}"
    body = paragraphs(seed)
    body[0] = f"{place}, {date} – Kazakhstan and its partners met. {body[0]}"
    return nl.join([title, "", *(x for p in body for x in (p, ""))])


RUSSIAN = """Казахстан и Литва обсудили сотрудничество

АСТАНА, 12 марта 2019 – Заместитель министра иностранных дел Казахстана провел консультации с
литовской делегацией. Стороны обсудили вопросы торгово-экономического сотрудничества, транзита и
логистики, а также подготовку к заседанию межправительственной комиссии.

Особое внимание было уделено развитию культурно-гуманитарных связей и туризма между странами.
"""

KAZAKH = """Қазақстан мен Өзбекстан ынтымақтастықты талқылады

Астана – Қазақстан Республикасының Сыртқы істер министрлігінде екі елдің сыртқы істер
министрліктері арасындағы саяси консультациялар өтті. Тараптар сауда-экономикалық
ынтымақтастықты, көлік-логистика және су-энергетика салаларындағы өзара іс-қимылды талқылады.

Кездесу қорытындысы бойынша тараптар келесі жылға арналған ынтымақтастық бағдарламасына қол қойды.
"""

NAVIGATION = """Skip to Content
Home / News / Press releases
Share
Print
Read also:
Kazakhstan and Japan discuss cooperation
Kazakh FM meets EU Special Representative
"""


@dataclass
class Expected:
    outcome: str  # "release" or a quarantine reason
    encoding: str | None = None
    language: str | None = None
    flags: set[str] = field(default_factory=set)  # flags the row must carry
    body_has: list[str] = field(default_factory=list)
    body_lacks: list[str] = field(default_factory=list)
    detail_has: str | None = None
    duplicate_of: str | None = None  # source_file of the kept release
    title: str | None = None


def _write(raw: Path, name: str, data: bytes | str) -> None:
    (raw / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def build(raw: Path, outside: Path) -> dict[str, Expected]:
    """Write the hostile corpus into `raw` (links point into `outside`); expected outcomes."""
    raw.mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    exp: dict[str, Expected] = {}

    def case(name: str, data: bytes | str, expected: Expected) -> None:
        _write(raw, name, data)
        exp[name] = expected

    case("empty.txt", b"", Expected("empty"))
    case("whitespace only.txt", b"  \n\t\r\n \x00 \n", Expected("empty"))
    case("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
         Expected("binary", detail_has="PNG image"))
    case("archive.txt", gzip.compress(release(1).encode(), mtime=0),
         Expected("binary", detail_has="gzip"))
    case("utf16 with bom.txt", codecs.BOM_UTF16_LE + release(2).encode("utf-16-le"),
         Expected("release", encoding="utf-16-le", body_lacks=["\ufeff", "\x00"]))
    case("utf8-bom.txt", codecs.BOM_UTF8 + release(3).encode(),
         Expected("release", encoding="utf-8", body_lacks=["\ufeff"]))
    case("cp1251 russian.txt", RUSSIAN.encode("cp1251"),
         Expected("release", encoding="cp1251", language="ru", flags={"extraction_partial"},
                  body_has=["торгово-экономического сотрудничества"]))
    latin = release(4).replace("Kazakhstan and its partners met.",
                               "Kazakhstan and its partners met in Zürich with Sébastien Müller.")
    case("latin1.txt", latin.replace("–", "-").encode("latin-1"),
         Expected("release", encoding="cp1252", body_has=["Zürich with Sébastien Müller"]))
    mojibake = release(5).replace("met.", "met at the Minister’s residence in Genève.")
    case("mojibake.txt", mojibake.encode("utf-8").decode("cp1252").encode("utf-8"),
         Expected("release", flags={"text_repaired"},
                  body_has=["Minister’s residence in Genève"], body_lacks=["â€", "Ã"]))
    nul = release(6)
    nul = nul[:300] + "\x00" + nul[300:500] + "\x00\x00" + nul[500:]
    case("nul bytes.txt", nul.encode(), Expected("release", body_lacks=["\x00"]))
    mixed = release(7).split("\n")
    ends = ["\r\n", "\n", "\r"]
    case("mixed line endings.txt",
         "".join(line + ends[i % 3] for i, line in enumerate(mixed)).encode(),
         Expected("release", body_lacks=["\r"]))
    html = ("<html><head><style>p{color:red}</style><script>var x = 1;</script></head><body>"
            "<h1>Kazakhstan &amp; Lithuania sign a memorandum</h1>"
            "<p>VILNIUS, May 7, 2019 &ndash; Kazakhstan &amp; Lithuania signed a memorandum "
            "on&nbsp;<b>transit</b> cooperation.</p>"
            + "".join(f"<p>{p}</p>" for p in paragraphs(8)) + "</body></html>")
    case("html markup.txt", html,
         Expected("release", title="Kazakhstan & Lithuania sign a memorandum",
                  body_has=["Kazakhstan & Lithuania signed a memorandum on transit cooperation"],
                  body_lacks=["<", ">", "&amp;", "&nbsp;", "var x", "color:red"]))
    long_line = release(9).split("\n\n", 1)[1].replace("\n", " ")
    long_line = (long_line + " ") * (2_000_000 // len(long_line) + 1)
    case("one 2MB line.txt", long_line[:2_100_000].rsplit(" ", 1)[0] + "\n",
         Expected("release"))
    with (raw / "too large.txt").open("wb") as fh:  # sparse-free but quick: one chunk repeated
        chunk = (release(10) + "\n").encode()
        written = 0
        while written <= MAX_RAW_BYTES:
            fh.write(chunk)
            written += len(chunk)
    exp["too large.txt"] = Expected("too_large", detail_has="over the limit")
    case("Қазақстан пресс-релиз.txt", release(11), Expected("release"))
    case("résumé of talks.txt", release(12), Expected("release"))
    case("-leading dash.txt", release(13), Expected("release"))
    case("russian utf8.txt", RUSSIAN.replace("12 марта 2019", "14 марта 2019").replace(
        "Литва", "Латвия").replace("литовской", "латвийской"),
        Expected("release", language="ru", flags={"extraction_partial"}))
    case("kazakh.txt", KAZAKH, Expected("release", language="kk", flags={"extraction_partial"}))
    case("navigation only.txt", NAVIGATION, Expected("no_body", detail_has="without an article"))
    # duplicates: a byte copy, and the same release republished with other crawl noise
    original = release(14)
    case("dup original.txt", original, Expected("duplicate", duplicate_of="dup republished.txt"))
    case("dup byte copy.txt", original,
         Expected("duplicate", duplicate_of="dup republished.txt"))
    title, _, rest = original.partition("\n\n")
    republished = (f"Skip to Content\nHome / News / Foreign policy\n{title}\n\n{rest.rstrip()}\n\n"
                   "Photo by the press service of the ministry, all rights reserved\n\n"
                   "Source: Kazinform\n\nCreated at : 02.03.2019, 10:00\n\n"
                   "Read also:\nKazakhstan and Japan discuss cooperation\n")
    case("dup republished.txt", republished.replace("\n", "\r\n"),
         Expected("release", body_has=["Photo by the press service"]))
    # dates outside Kazakhstan's independence .. build date: flagged, still published
    case("dated 1985.txt", release(15, year=1985, place="ALMATY"),
         Expected("release", flags={"date_out_of_range"}))
    case("dated 2099.txt", release(16, year=2099, place="ASTANA"),
         Expected("release", flags={"date_out_of_range"}))
    # a title a spreadsheet would run as a formula
    case("formula title.txt", release(17, title='=HYPERLINK("http://example.com","click")'),
         Expected("release", title='=HYPERLINK("http://example.com","click")'))
    # links are never followed, wherever they point
    secret = outside / "secret.txt"
    secret.write_text(release(18), encoding="utf-8")
    (raw / "link outside.txt").symlink_to(secret)
    exp["link outside.txt"] = Expected("symlink", detail_has="symbolic link")
    (outside / "folder").mkdir(exist_ok=True)
    (outside / "folder" / "inner.txt").write_text(release(19), encoding="utf-8")
    (raw / "linked folder").symlink_to(outside / "folder", target_is_directory=True)
    exp["linked folder"] = Expected("symlink", detail_has="symbolic link")
    return exp
