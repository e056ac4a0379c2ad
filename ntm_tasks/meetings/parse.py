"""Read a chair's conclusions (kết luận) into draft task items.

Plain Python, no Flask or database: the caller passes the text, the bodies the conclusions may
address (``BodyRef``, as seen from the meeting's unit) and the meeting date, and gets
``ParsedItem`` objects back. Nothing here raises on bad input; what cannot be read goes to
``ParsedItem.unmatched`` for the secretary to fix before saving.

Structure
    * Markers open items: ``1.`` ``1)`` ``1.1.`` ``a)`` ``-`` ``+`` ``•``. Roman numerals (``II.``),
      capital letters (``B.``) and unmarked "Đối với X:" lines open sections, never items. A marker
      kind seen before closes back to its level; a new kind nests under the current item, except
      that a number never nests under a bullet. Sections and headings titled "Đánh giá", "Kết
      quả", "Tồn tại, hạn chế"... are accounts, not tasks, and are skipped.
    * A paragraph without a marker continues the item above it, unless, after a finished sentence,
      it opens by giving work to a body that item lacks ("Giao (cho) X ...", "Đề nghị X ...", "Yêu
      cầu X ...", "X chủ trì ..."): then it is an unnumbered item of its own, as is a closing "Giao
      Văn phòng - Thống kê theo dõi, đôn đốc ..." after the last item. An item whose first
      paragraph names no body takes its body from the paragraph after it; when later paragraphs
      hand work on to other bodies too, that first paragraph heads them all, each task's text going
      on from it ("Về tiêu chí môi trường: Giao Hội Phụ nữ xã ...", the first keeping the item's
      number). Lines before the first marker (the intro, "Kết luận ..., đồng chí Trưởng ban yêu
      cầu:") are no items; parsing stops at the closing ("Trên đây là ...", "Nơi nhận:", "Đề nghị
      các cơ quan, đơn vị ... thực hiện./.").
    * An item with sub-items whose own text is only an addressee, ends with ":" or is a short title
      ("1. Công tác quy hoạch") is a heading: every sub-item becomes an item inheriting its
      addressee, bodies, deadline and recurrence. So do sub-items that each open with their own
      body ("- Hội Phụ nữ xã ..."); the line above them is one more item only when it names a body
      too, and when it names none their text goes on from it ("Tổ chức hội nghị sơ kết ...: Hội Phụ
      nữ xã chuẩn bị tham luận."). Otherwise the sub-items are details kept in the item's text. A
      sub-item labelled "Thời gian:", "Thời hạn:", "Địa điểm:", "Thành phần:", "Nội dung:", "Kinh
      phí:" or "Yêu cầu:" that names no body is such a detail beside the items too: no item itself,
      it gives each of them its deadline and its line. Sub-items keep their own number ("a",
      "1.2"); bullets have number None.
    * Text without markers is read paragraph by paragraph, from the first intro line on:
      "Đồng chí Chủ tịch đề nghị: A; B; C" gives one unnumbered item per ";" part, as does a
      paragraph whose every ";" part opens with a body; other paragraphs are one item each.

Addressees and bodies
    "Đối với X: ...", "Về phía X: ...", "X: ...", "Giao (cho) X ...", "Đề nghị X ...", "Yêu cầu X
    ...", "X <verb> ...", "X chủ trì, phối hợp với Y ...", a topic first ("Về tiêu chí môi trường:
    giao X ...") and labelled fields ("Chủ trì: X. Phối hợp: Y."). X gives the lead bodies; Y and
    any later "phối hợp với Y" the coordinating ones (a body named as both leads). A later part of
    the item (after "(", ",", ":" or ";") that opens with a body names it too: followed by "chủ trì"
    it leads ("..., hoàn thành trong tháng 9 (UBND xã chủ trì, ...)"), and bodies read without a
    role then coordinate ("Đảng ủy xã lãnh đạo, UBND xã chủ trì"); followed by "phối hợp" it
    coordinates (but for "phối hợp với Y" outside a ";" part: there it does the work with Y, and
    leads when nothing else does: "Về tiêu chí thu nhập, Hội Nông dân phối hợp với Phòng Nông nghiệp
    và PTNT huyện hướng dẫn ..."); after ";" followed by another verb it leads as well ("...; Hội
    Phụ nữ duy trì mô hình ..."). Names are compared folded (no case, no diacritics), abbreviations
    expanded (UBND, HĐND, BCĐ, BQL, MTTQ, TN, CCB, PTNT, NTM, LHPN, VP, HTX...), by body name, short
    name, and names every body of its kind answers to ("Ban chỉ đạo", "Mặt trận", "Trưởng thôn",
    "các đoàn thể" for the mass organisations). A level word after a name ("xã", "huyện", "tỉnh",
    "thôn") picks the level; without one the meeting's own unit wins over the units below it, which
    win over the nearest unit above it. A unit or a level word alone named after the last of a ","
    or "và" list of bare names is each name's ("Chi bộ, Ban phát triển thôn Đông Hải": that
    village's cell; "Đảng ủy, UBND huyện": the district's party committee), unless the unit has no
    body of that name ("Hội Phụ nữ, Ban phát triển thôn Tây Sơn": the commune's women's union); a
    unit the list of bodies lacks makes the whole list one unmatched name ("Đảng ủy, UBND xã Hoằng
    Phụ": neither is this commune's). A village named as such ("các thôn Đông Hải, Tây Sơn") stands
    for its village head, else its management board, else any of its bodies, and "các thôn" alone
    for every village below; a commune, district or province named as such stands for its People's
    Committee. Parts of an addressee that match no body are reported in ``unmatched`` as written; an
    item left without any body also gets ``NO_BODY`` there, and one whose bodies only coordinate
    ``NO_LEAD`` ("Rà soát quy hoạch (HTX Hoằng Trung chủ trì, Hội Nông dân phối hợp)"): tasks are
    made per lead body, so it must get one before it is saved. ``NO_BODY`` implies ``NO_LEAD`` and
    stands alone.

Deadlines (``parse_deadline``)
    "trước / chậm nhất / đến hết ngày 15/8/2024", "hoàn thành trước 30/9", "ngày 15 tháng 8 năm
    2024" give that day; "trong tháng 9/2024" the month's last day ("trước tháng 9": the day before
    it); "trong quý III/2024" / "quý 3" the quarter's last day; "6 tháng đầu / cuối năm" 30 June /
    31 December; "trong năm 2024", "đến hết năm", "cuối năm" 31 December; "trong 15 ngày", "trong
    01 tháng", "trong 10 ngày làm việc", "trong tháng này / tới", "trong tuần này / tới" count from
    the meeting date. Without a year the meeting's year is used even when that day has passed (a
    past date shows, a silently guessed year does not); only "năm sau", "năm tới", "sang năm" move
    it on a year. A bare date counts only after a deadline word, so the dates of cited documents
    are not deadlines. Days that do not exist (31/2/2024) and "trước Tết ..." give no date and are
    reported in ``unmatched``. Of several deadlines in one item the latest is its due date: the
    task is done when all its parts are.

Recurrence (``parse_recurrence``)
    "hàng / hằng / mỗi tuần" weekly, day the ISO weekday when written ("vào chủ nhật hàng tuần"
    → 7); "hàng tháng" monthly ("trước ngày 20 hàng tháng" → 20); "hàng quý" quarterly and
    "định kỳ 6 tháng" / "6 tháng một lần" semiannual, day the day of the period's last month when
    written ("trước ngày 15 tháng cuối quý"); "hàng năm" yearly with ``month`` ("trước ngày 15/12
    hàng năm" → day 15, month 12). Day and month are None when not written. A recurring item has
    ``due_date`` None unless a one-off part of it names a deadline (then it has both): the
    recurrence carries the schedule.

Known limits: without markers, item boundaries are guessed per paragraph; people named instead of
bodies ("đồng chí Nguyễn Văn A") stay unmatched; festival and vague deadlines ("trước Tết", "đầu
tháng 9", "giữa năm") give no date; "hàng ngày" is not a supported recurrence; only the first
recurrence of an item is returned.
"""
from __future__ import annotations

import bisect
import calendar
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

from ntm_tasks.text import fold

__all__ = [
    "BodyRef",
    "NO_BODY",
    "NO_LEAD",
    "ParsedItem",
    "parse_conclusions",
    "parse_deadline",
    "parse_recurrence",
]

NO_BODY = "Không xác định được cơ quan thực hiện"
NO_LEAD = "Không xác định được cơ quan chủ trì"


@dataclass(frozen=True)
class BodyRef:
    """A body the conclusions may address, as seen from the meeting's unit."""

    id: int
    name: str
    kind: str
    short_name: str | None
    unit_id: int
    unit_name: str
    unit_level: str
    relation: str  # "own", "child" or "above"


@dataclass
class ParsedItem:
    """One conclusion item: who does what, by when, how often."""

    number: str | None
    addressee: str
    text: str
    bodies: list[dict]
    due_date: date | None
    recurrence: dict | None
    unmatched: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-ready form, as ``POST /conclusions/parse`` answers it."""
        return {
            "number": self.number,
            "addressee": self.addressee,
            "text": self.text,
            "bodies": [dict(b) for b in self.bodies],
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "recurrence": dict(self.recurrence) if self.recurrence else None,
            "unmatched": list(self.unmatched),
        }


# ---------------------------------------------------------------------------------------------
# Text helpers. Regexes run on a folded copy of the same length as the original, so a match's
# offsets cut the original text ("as written") too.
# ---------------------------------------------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"))


def _clean(text: str) -> str:
    """NFC, plain spaces and newlines, no zero-width characters."""
    text = unicodedata.normalize("NFC", text or "").translate(_INVISIBLE)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"[^\S\n]", " ", text)


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch.isspace():
        return "\n" if ch == "\n" else " "
    folded = fold(ch)
    # A character that does not fold to exactly one (a stray combining mark) stays as it is.
    return folded if len(folded) == 1 else ch


def _fold_same_length(text: str) -> str:
    """``fold`` character by character, keeping every offset."""
    return "".join(_fold_char(ch) for ch in text)


def _strip_fragment(text: str) -> str:
    return text.strip(" \n\t,;:.-–—()/&")


# ---------------------------------------------------------------------------------------------
# Vocabulary (folded words)
# ---------------------------------------------------------------------------------------------

_ABBREVIATIONS = {
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "ub": "uy ban",
    "ubmttq": "uy ban mat tran to quoc",
    "mttq": "mat tran to quoc",
    "mt": "mat tran",
    "bcd": "ban chi dao",
    "bql": "ban quan ly",
    "bch": "ban chi huy",
    "btv": "ban thuong vu",
    "bpt": "ban phat trien",
    "tn": "thanh nien",
    "tncs": "thanh nien cong san",
    "ccb": "cuu chien binh",
    "lhpn": "lien hiep phu nu",
    "pn": "phu nu",
    "hnd": "hoi nong dan",
    "nd": "nong dan",
    "nn": "nong nghiep",
    "ptnt": "phat trien nong thon",
    "ntm": "nong thon moi",
    "mtqg": "muc tieu quoc gia",
    "vp": "van phong",
    "vpdp": "van phong dieu phoi",
    "dp": "dieu phoi",
    "tk": "thong ke",
    "dc": "dia chinh",
    "xd": "xay dung",
    "tc": "tai chinh",
    "vh": "van hoa",
    "xh": "xa hoi",
    "ca": "cong an",
    "qs": "quan su",
    "tyt": "tram y te",
    "htx": "hop tac xa",
    "&": "va",
}
_ABBREVIATIONS = {k: tuple(v.split()) for k, v in _ABBREVIATIONS.items()}

# Words users add or leave out freely: "Ủy ban MTTQ Việt Nam xã", "Đoàn TNCS Hồ Chí Minh".
_NOISE = (("viet", "nam"), ("cong", "san"), ("ho", "chi", "minh"), ("hcm",))

# Generic words naming a level, and whether they may stand without a unit name after them
# ("các thôn" yes; "quận", "bản", "ấp" also mean other things, so only before a name).
_LEVEL_WORDS = {
    "xa": ({"commune"}, True),
    "phuong": ({"commune"}, True),
    "thi tran": ({"commune"}, True),
    "huyen": ({"district"}, True),
    "thi xa": ({"district"}, True),
    "quan": ({"district"}, False),
    "thanh pho": ({"district", "province"}, False),
    "tinh": ({"province"}, True),
    "thon": ({"village"}, True),
    "xom": ({"village"}, True),
    "to dan pho": ({"village"}, True),
    "khu pho": ({"village"}, True),
    "ap": ({"village"}, False),
    "ban": ({"village"}, False),
    "lang": ({"village"}, False),
    "khu": ({"village"}, False),
}

# Words before a body that do not change which body it is.
_FILLERS = (
    "cac", "cho", "toan the", "tat ca", "dong chi", "d / c", "cac dong chi", "cong chuc", "thanh vien",
    "chu tich", "pho chu tich", "bi thu", "pho bi thu", "truong", "pho truong", "lanh dao",
    "thuong truc", "ban thuong vu", "ban chap hanh",
)

# Words after a body's name that do not change which body it is ("Ban chỉ đạo NTM xã").
_QUALIFIERS = (
    "xay dung nong thon moi", "nong thon moi", "cac chuong trinh muc tieu quoc gia",
    "chuong trinh muc tieu quoc gia",
)

_CONNECTORS = {",", ";", "/", "(", ")", "va", "cung", "hoac"}
_GREEDY_CONNECTORS = {",", "/", "va", "cung", "hoac"}

# Names every body of a kind answers to, whatever it is called in the data.
_KIND_ALIASES = {
    "party_committee": ("dang uy",),
    "party_cell": ("chi bo",),
    "peoples_council": ("hoi dong nhan dan",),
    "peoples_committee": ("uy ban nhan dan", "chinh quyen"),
    "fatherland_front": ("uy ban mat tran to quoc", "mat tran to quoc", "mat tran", "ban cong tac mat tran"),
    "steering_committee": ("ban chi dao",),
    "management_board": ("ban quan ly", "ban phat trien"),
    "mass_organization": ("doan the",),  # "MTTQ và các đoàn thể"
    "village_head": ("truong thon", "truong xom", "truong ap", "to truong to dan pho"),
    "coordination_office": ("van phong dieu phoi",),
    "police": ("cong an",),
    "military": ("ban chi huy quan su", "quan su", "xa doi"),
    "health_station": ("tram y te",),
}

# Other spellings of standard names.
_NAME_VARIANTS = (
    (("hoi", "lien", "hiep", "phu", "nu"), ("hoi", "phu", "nu")),
)

# The office of the People's Committee is the "Văn phòng - Thống kê" civil servant.
_OFFICE_ALIASES = ("van phong uy ban nhan dan", "van phong hoi dong nhan dan uy ban nhan dan",
                   "van phong")

# Verbs and delimiters that end an addressee nobody could match ("Giao HTX X tổ chức ...").
_VERBS = (
    "chu tri", "phoi hop", "ra soat", "to chuc", "hoan thanh", "hoan thien", "hoan tat", "xay dung",
    "chi dao", "trien khai", "thuc hien", "tuyen truyen", "van dong", "khan truong", "tap trung",
    "tiep tuc", "chu dong", "bao cao", "kiem tra", "ban hanh", "don doc", "bo tri", "lap",
    "co trach nhiem", "tham muu", "nghien cuu", "quan tam", "day manh", "huy dong", "xu ly",
    "giai quyet", "ra quan", "duy tri", "nang cao", "nang cap", "phat dong", "cap nhat", "gui",
    "de xuat", "lua chon", "can", "phai", "tang cuong", "huong dan", "theo doi", "dam bao",
    "cung co", "sua chua", "thu gom", "ve sinh", "nop", "tong hop", "chuan bi", "dieu chinh",
    "bo sung", "thanh lap", "thong bao", "tiep nhan", "thuc day", "phat huy", "khac phuc",
    "chinh trang", "cai tao", "giai phong", "vao cuoc", "quyet liet", "nhanh chong", "som",
    "sap xep", "ho tro", "rut kinh nghiem", "danh gia", "lam", "dang ky", "xac dinh", "giai ngan",
    "can doi", "xem xet", "thanh toan", "quyet toan", "tham dinh", "cham lo", "bam sat", "bao dam",
    "lien ket", "phu trach", "giam sat", "dang tai", "cam ket", "phan dau",
)
_VERB_OR_STOP = re.compile(r"[:(\n]|\b(?:" + "|".join(v.replace(" ", r"\s+") for v in _VERBS) + r")\b")

_TOKEN = re.compile(r"[a-z0-9]+|[,;/&()]")


# ---------------------------------------------------------------------------------------------
# Words: the folded text as canonical words, each remembering where it came from
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Word:
    text: str
    start: int  # offsets of the source token in the text
    end: int
    token: int  # index of the source token: an abbreviation expands to several words
    first: bool = True  # first / last word of its token's expansion
    last: bool = True
    capital: bool = False  # written with a capital, as a proper name is


def _words(folded: str, original: str | None = None) -> list[_Word]:
    """Tokens of a folded text (with its `original`, the capitals), abbreviations expanded and noise words
    dropped."""
    raw: list[_Word] = []
    for index, match in enumerate(_TOKEN.finditer(folded)):
        expansion = _ABBREVIATIONS.get(match.group(), (match.group(),))
        capital = original is not None and original[match.start()].isupper()
        for word in expansion:
            raw.append(_Word(word, match.start(), match.end(), index, capital=capital))
    kept: list[_Word] = []
    i = 0
    while i < len(raw):
        noise = next((n for n in _NOISE if tuple(w.text for w in raw[i:i + len(n)]) == n), None)
        if noise:
            i += len(noise)
            continue
        kept.append(raw[i])
        i += 1
    return [
        replace(w, first=k == 0 or kept[k - 1].token != w.token,
                last=k == len(kept) - 1 or kept[k + 1].token != w.token)
        for k, w in enumerate(kept)
    ]


def _canonical(text: str) -> tuple[str, ...]:
    return tuple(w.text for w in _words(fold(text)) if w.text not in {",", ";", "/", "(", ")"})


def _matches(words: list[_Word], i: int, seq: tuple[str, ...], stop: int) -> bool:
    n = len(seq)
    if not n or i + n > stop:
        return False
    if not words[i].first or not words[i + n - 1].last:
        return False
    return all(words[i + k].text == seq[k] for k in range(n))


class _Phrases:
    """Longest-match lookup of word sequences."""

    def __init__(self):
        self._by_first: dict[str, list[tuple[tuple[str, ...], object]]] = {}

    def add(self, seq: tuple[str, ...], payload: object) -> None:
        if seq:
            self._by_first.setdefault(seq[0], []).append((seq, payload))

    def freeze(self) -> None:
        for entries in self._by_first.values():
            entries.sort(key=lambda e: -len(e[0]))

    def longest(self, words: list[_Word], i: int, stop: int):
        """(length, payload) of the longest sequence at ``words[i]``, or None."""
        if i >= stop:
            return None
        for seq, payload in self._by_first.get(words[i].text, ()):
            if _matches(words, i, seq, stop):
                return len(seq), payload
        return None


def _phrases(items) -> _Phrases:
    table = _Phrases()
    for text, payload in items:
        table.add(tuple(text.split()), payload)
    table.freeze()
    return table


_FILLER_TABLE = _phrases((f, None) for f in _FILLERS)
_QUALIFIER_TABLE = _phrases((q, None) for q in _QUALIFIERS)
_LEVEL_TABLE = _phrases(_LEVEL_WORDS.items())


# ---------------------------------------------------------------------------------------------
# The lexicon: bodies and units of one parse, and how phrases resolve to them
# ---------------------------------------------------------------------------------------------

_RELATION_ORDER = ("own", "child", "above")
_LEVEL_RANK = {"village": 0, "commune": 1, "district": 2, "province": 3}


@dataclass
class _Unit:
    id: int
    level: str
    bodies: list[BodyRef]


class _Template(NamedTuple):
    """How a bare unit name after a mention is read: in "Trưởng thôn A, B", B means B's head."""

    entry: dict[int, int] | None  # the alias's bodies (id -> specificity); None: the unit itself
    levels: set[str] | None


class _Place(NamedTuple):
    """The unit named after a body's name ("UBND xã Hoằng Phụ"), or every unit of the level named alone ("UBND
    huyện"); ``units`` None for a unit the meeting's list lacks."""

    levels: set[str] | None
    units: list[_Unit] | None


@dataclass
class _Mention:
    start: int
    end: int
    bodies: list[BodyRef]
    template: _Template
    place: _Place | None = None  # shared by the bare names listed before it: "Đảng ủy, UBND xã Hoằng Phụ"


@dataclass
class _Scan:
    mentions: list[_Mention]
    unmatched: list[tuple[int, int]]  # char spans
    next_index: int  # word index after the last mention (greedy) or the region


def _unit_bare_name(body: BodyRef) -> tuple[str, ...]:
    """"xã Hoằng Trung" and "Hoằng Trung" both give ("hoang", "trung")."""
    words = _canonical(body.unit_name)
    for level in _LEVEL_WORDS:
        level_words = tuple(level.split())
        if len(words) > len(level_words) and words[:len(level_words)] == level_words:
            return words[len(level_words):]
    return words


def _core_name(name: str, unit_words: tuple[str, ...]) -> tuple[str, ...]:
    """A body's name without the unit name and level word at its end ("UBND xã A" -> "uy ban nhan dan")."""
    words = _canonical(name)
    if unit_words and len(words) > len(unit_words) and words[-len(unit_words):] == unit_words:
        words = words[:-len(unit_words)]
    for level in sorted(_LEVEL_WORDS, key=lambda w: -len(w.split())):
        level_words = tuple(level.split())
        n = len(level_words)
        # "Phòng Nông nghiệp và PTNT" ends in "nông thôn", which is no level word
        if len(words) - n >= 2 and words[-n:] == level_words and words[-n - 1] != "nong":
            return words[:-n]
    return words


def _without(words: tuple[str, ...], part: tuple[str, ...]) -> tuple[str, ...]:
    for i in range(len(words) - len(part) + 1):
        if words[i:i + len(part)] == part:
            return words[:i] + words[i + len(part):]
    return words


class _Lexicon:
    def __init__(self, bodies: Sequence[BodyRef]):
        self.bodies = list(bodies)
        self.units: dict[int, _Unit] = {}
        aliases: dict[tuple[str, ...], dict[int, int]] = {}
        units_by_name: dict[tuple[str, ...], list[_Unit]] = {}

        def alias(seq: tuple[str, ...], body: BodyRef, specificity: int) -> None:
            if seq:
                entry = aliases.setdefault(seq, {})
                entry[body.id] = max(entry.get(body.id, -1), specificity)

        for body in self.bodies:
            unit = self.units.get(body.unit_id)
            if unit is None:
                unit = self.units[body.unit_id] = _Unit(body.unit_id, body.unit_level, [])
                units_by_name.setdefault(_unit_bare_name(body), []).append(unit)
            unit.bodies.append(body)
            unit_words = _unit_bare_name(body)
            for name, specificity in ((body.name, 3), (body.short_name, 2)):
                if not name:
                    continue
                core = _core_name(name, unit_words)
                alias(core, body, specificity)
                for qualifier in _QUALIFIERS:
                    shorter = _without(core, tuple(qualifier.split()))
                    if len(shorter) >= 2:
                        alias(shorter, body, specificity - 1)
                for long, short in _NAME_VARIANTS:
                    if core[:len(long)] == long:
                        alias(short + core[len(long):], body, 1)
            for kind_alias in _KIND_ALIASES.get(body.kind, ()):
                alias(tuple(kind_alias.split()), body, 0)
            if body.kind == "civil_servant":
                # "công chức Địa chính" for "Địa chính - Xây dựng"; the second half ("xây dựng",
                # "kế toán") reads as a verb or noun too often to stand alone.
                first_part = _canonical(re.split(r"\s[-–]\s|-", body.name)[0])
                if first_part == ("van", "phong"):
                    for office in _OFFICE_ALIASES:
                        alias(tuple(office.split()), body, 1)
                elif len(first_part) >= 2:
                    alias(first_part, body, 1)

        self.aliases = _Phrases()
        for seq, entry in aliases.items():
            self.aliases.add(seq, entry)
        self.aliases.freeze()
        self.unit_names = _Phrases()
        for seq, units in units_by_name.items():
            self.unit_names.add(seq, units)
        self.unit_names.freeze()
        self.by_id = {b.id: b for b in self.bodies}

    # -- resolving ---------------------------------------------------------------------------

    def _preferred(self, candidates: list[tuple[BodyRef, int]]) -> list[BodyRef]:
        """Own unit first, then the units below, then the nearest unit above; best names first."""
        for relation in _RELATION_ORDER:
            group = [(b, s) for b, s in candidates if b.relation == relation]
            if not group:
                continue
            if relation == "above":
                nearest = min(_LEVEL_RANK.get(b.unit_level, 9) for b, _ in group)
                group = [(b, s) for b, s in group if _LEVEL_RANK.get(b.unit_level, 9) == nearest]
            chosen: list[BodyRef] = []
            for unit_id in dict.fromkeys(b.unit_id for b, _ in group):
                in_unit = [(b, s) for b, s in group if b.unit_id == unit_id]
                best = max(s for _, s in in_unit)
                chosen += [b for b, s in in_unit if s == best]
            return chosen
        return []

    def resolve_alias(self, entry: dict[int, int], levels: set[str] | None,
                      units: list[_Unit] | None) -> list[BodyRef]:
        candidates = [(self.by_id[i], s) for i, s in entry.items()]
        if units is not None:
            unit_ids = {u.id for u in units}
            candidates = [(b, s) for b, s in candidates if b.unit_id in unit_ids]
        if levels:
            candidates = [(b, s) for b, s in candidates if b.unit_level in levels]
        return self._preferred(candidates)

    @staticmethod
    def unit_body(unit: _Unit) -> BodyRef | None:
        """The body that answers for a unit named as such."""
        order = (("village_head", "management_board") if unit.level == "village"
                 else ("peoples_committee", "party_committee"))
        for kind in order:
            for body in unit.bodies:
                if body.kind == kind:
                    return body
        return unit.bodies[0] if unit.bodies else None

    def resolve_units(self, units: list[_Unit], levels: set[str] | None) -> list[BodyRef]:
        if levels:
            units = [u for u in units if u.level in levels]
        candidates = [(b, 0) for b in map(self.unit_body, units) if b]
        return self._preferred(candidates)

    def resolve_level(self, levels: set[str]) -> list[BodyRef]:
        return self.resolve_units(list(self.units.values()), levels)

    # -- scanning ----------------------------------------------------------------------------

    def _mention(self, words: list[_Word], i: int, stop: int, template: _Template | None,
                 greedy: bool) -> tuple[int, _Mention] | None:
        """The body mention starting at ``words[i]``: (next index, mention), or None.

        A mention is a body's name (fillers before it, a level word and a unit name after it:
        "đồng chí Chủ tịch UBND xã Hoằng Trung"), a level word with or without unit names
        ("các thôn", "thôn Đông Hải") or, after a mention and a comma, a bare unit name.
        """
        j = i
        while (filler := _FILLER_TABLE.longest(words, j, stop)) and not self.aliases.longest(words, j, stop):
            j += filler[0]
        if found := self.aliases.longest(words, j, stop):
            length, entry = found
            k = j + length
            if qualifier := _QUALIFIER_TABLE.longest(words, k, stop):
                k += qualifier[0]
            if k < stop and words[k].text == "cac" and self._level(words, k + 1, stop)[0]:
                k += 1  # "Chi bộ các thôn", "Ban phát triển các thôn"
            levels, k = self._level(words, k, stop)
            units, k = self._unit(words, k, stop, levels)
            named_level = levels or self._levels_of(entry)  # "Trưởng thôn Phú Thọ": the level is in the name
            if units is None and named_level and (end := self._unknown_name(words, k, stop, named_level)) > k:
                # "UBND xã Hoằng Phụ", a commune not in the list: not this commune's People's Committee
                return end, _Mention(words[i].start, words[end - 1].end, [], _Template(entry, levels),
                                     _Place(named_level, None))
            bodies = self.resolve_alias(entry, levels, units)
            place = self._place(levels, units)
            if levels is None and units is None and (listed := self._listed_with(words, k, stop, greedy)):
                place = listed[1].place
                if place.units is None:  # "Đảng ủy, UBND xã Hoằng Phụ": the whole list names the other commune
                    return listed[0], _Mention(words[i].start, listed[1].end, [], _Template(entry, None), place)
                # "Chi bộ, Ban phát triển thôn Đông Hải": that village's, if it has one ("Hội Phụ nữ, ..." has not)
                bodies = self.resolve_alias(entry, place.levels, place.units) or bodies
            return k, _Mention(words[i].start, words[k - 1].end, bodies, _Template(entry, levels), place)
        levels, k = self._level(words, j, stop)
        if levels:
            units, k = self._unit(words, k, stop, levels)
            if units is not None:
                bodies = self.resolve_units(units, levels)
            elif (end := self._unknown_name(words, k, stop, levels)) > k:
                # "thôn Phú Thọ", a unit the meeting's list does not hold: reported, not read as every village
                return end, _Mention(words[i].start, words[end - 1].end, [], _Template(None, levels))
            elif not greedy or levels == {"village"}:
                # "các thôn" means every village; a bare "xã" or "huyện" only inside a delimited addressee
                bodies = self.resolve_level(levels)
            else:
                return None
            return k, _Mention(words[i].start, words[k - 1].end, bodies, _Template(None, levels))
        levels = template.levels if template else None
        units, k = self._unit(words, j, stop, levels)
        if units is None and template and template.entry is None and levels:
            if (end := self._unknown_name(words, j, stop, levels)) > j:  # "các thôn Đông Hải, Phú Thọ"
                return end, _Mention(words[i].start, words[end - 1].end, [], template)
        if units is None or (template is None and all(w.text.isdigit() for w in words[j:k])):
            return None  # a bare "1" is a number, not "thôn 1"
        if template and template.entry is not None:
            bodies = self.resolve_alias(template.entry, levels, units)
        else:
            bodies = self.resolve_units(units, levels)
        return k, _Mention(words[i].start, words[k - 1].end, bodies, template or _Template(None, None))

    def _place(self, levels: set[str] | None, units: list[_Unit] | None) -> _Place | None:
        """Where a name's level word and unit name put it: "UBND xã Hoằng Phụ" in that commune, "UBND huyện" alone in
        any district (so "Đảng ủy, UBND huyện" is the district's party committee too)."""
        if units is None and levels:
            units = [u for u in self.units.values() if u.level in levels]
        return None if units is None else _Place(levels, units)

    def _listed_with(self, words, k, stop, greedy) -> tuple[int, _Mention] | None:
        """The next name of a "," or "và" list at ``words[k]`` when it, or a name after it, ends with its unit or
        level."""
        if k < stop and words[k].text in (",", "va"):
            found = self._mention(words, k + 1, stop, None, greedy)
            if found and found[1].place:
                return found
        return None

    def _levels_of(self, entry: dict[int, int]) -> set[str] | None:
        """{"village"} for a name only villages' bodies bear ("Trưởng thôn", "Ban phát triển thôn"), else None."""
        levels = {self.by_id[i].unit_level for i in entry}
        return levels if levels == {"village"} else None

    @staticmethod
    def _unknown_name(words, k, stop, levels) -> int:
        """Where the proper name after a level word ends ("thôn Phú Thọ", "thôn 5"): `k` when none starts there."""
        if levels == {"village"} and k < stop and words[k].text.isdigit():
            return k + 1
        end = k
        while end < stop and words[end].capital and words[end].first and words[end].last and words[end].text.isalpha():
            end += 1
        # A place's name capitalises each of its (two or more) syllables; "thôn Kiểu mẫu" names no place.
        return end if end - k >= 2 else k

    def _level(self, words, k, stop) -> tuple[set[str] | None, int]:
        found = _LEVEL_TABLE.longest(words, k, stop)
        if not found:
            return None, k
        levels, standalone = found[1]
        if not standalone and not self.unit_names.longest(words, k + found[0], stop):
            return None, k  # "quan tâm", "ban hành": only a level word before a unit's name
        return set(levels), k + found[0]

    def _unit(self, words, k, stop, levels) -> tuple[list[_Unit] | None, int]:
        found = self.unit_names.longest(words, k, stop)
        if not found:
            return None, k
        units = [u for u in found[1] if not levels or u.level in levels]
        if not units:
            return None, k
        return units, k + found[0]

    def scan(self, words: list[_Word], i: int, stop: int, greedy: bool) -> _Scan:
        """Read body mentions in ``words[i:stop]``.

        Greedy: from ``i`` on, as long as mentions follow each other (joined by "và", ",");
        used where the addressee has no delimiter. Otherwise the whole region is read and the
        runs of words that name no body are returned as unmatched spans.
        """
        mentions: list[_Mention] = []
        unmatched: list[tuple[int, int]] = []
        run: list[int] | None = None
        template = None
        next_index = i
        joined = True  # greedy: mentions must be joined by "và", "," ...
        while i < stop:
            word = words[i]
            if word.text in (_GREEDY_CONNECTORS if greedy else _CONNECTORS):
                if greedy and not (mentions or unmatched):
                    break
                if run and word.text == "va" and not self._mention(words, i + 1, stop, None, greedy):
                    # "Sở Nông nghiệp và PTNT tỉnh": "và" inside a name nobody knows
                    run[1] = word.end
                    i += 1
                    continue
                if run:
                    unmatched.append((run[0], run[1]))
                    run = None
                joined = True
                i += 1
                continue
            if greedy and not joined:
                break
            # Inside an unknown name known words stay in it: "Phòng Tài chính - Kế hoạch".
            found = None if run else self._mention(words, i, stop, template, greedy)
            if found:
                if run:
                    unmatched.append((run[0], run[1]))
                    run = None
                i, mention = found
                template = mention.template
                joined = False
                if mention.bodies:
                    mentions.append(mention)
                else:
                    unmatched.append((mention.start, mention.end))
                next_index = i
                continue
            if greedy:
                break
            run = [word.start, word.end] if run is None else [run[0], word.end]
            template = None
            i += 1
        if run:
            unmatched.append((run[0], run[1]))
        if not greedy:
            next_index = stop
        return _Scan(mentions, unmatched, next_index)


# ---------------------------------------------------------------------------------------------
# Reading an item's addressee
# ---------------------------------------------------------------------------------------------

_DOI_VOI = re.compile(r"\s*(?:doi\s+voi|ve\s+phia)\s+")
# "giao" also starts "giao thông", "giao ban" (a briefing), "giao đất"...
_GIAO = (r"giao(?:\s+nhiem\s+vu)?(?:\s+cho)?(?!\s+(?:thong|dich|luu|dat|khoan|nhan|tiep|duc)\b)"
         r"(?!\s+ban\s+(?!chi\b|quan\b|phat\b|cong\b|thuong\b))")
_TRIGGER = re.compile(rf"\s*(?:{_GIAO}|de\s+nghi|yeu\s+cau|phan\s+cong)\s+")
_MID_TRIGGER = re.compile(rf"[.;:,]\s*(?:{_GIAO}|de\s+nghi|yeu\s+cau|phan\s+cong)\s+")
_CHU_TRI = re.compile(r"\s*,?\s*(?:lam\s+)?chu\s+tri\b\s*,?\s*")
_PHOI_HOP = re.compile(r"\s*,?\s*(?:va\s+)?phoi\s+hop(?:\s+chat\s+che)?(?:\s+(?:voi|cung))?\s+")
_CLAUSE = re.compile(r"[;,:(]\s*")  # where a later part of an item may open with its body
_PHOI_HOP_AFTER = re.compile(r"\s*(?:cung\s+)?phoi\s+hop\b")  # "Hội Nông dân, Hội CCB phối hợp ..."
_PARTNER = re.compile(r"\s+(?:chat\s+che\s+)?(?:voi|cung)\b")  # "X phối hợp với Y": X works with Y
_MID_PHOI_HOP = re.compile(r"\bphoi\s+hop(?:\s+chat\s+che)?\s+(?:voi|cung)\s+")
_LABELLED = re.compile(
    r"(?:^|(?<=[\n.;,])|\s)(?:(?:don\s+vi|co\s+quan)\s+(?P<role>chu\s+tri|thuc\s+hien|phoi\s+hop)"
    r"|(?P<bare>chu\s+tri|phoi\s+hop))\s*:\s*")
_LABEL_END = re.compile(r"[\n.;]")
# "X:" is an addressee when X is short and looks like a body, not "Thời gian:" or "Tiêu chí 17:".
_BODYISH = re.compile(
    r"\s*(?:cac\s+|dong\s+chi\s+|d/c\s+|cong\s+chuc\s+)*(?:ubnd|uy\s+ban|hdnd|hoi|doan|ban|bcd|bql|van\s+phong|"
    r"phong|so|dang\s+uy|chi\s+bo|mat\s+tran|mttq|cong\s+an|tram|truong\s+thon|thon|htx|hop\s+tac\s+xa|"
    r"huyen\s+uy|tinh\s+uy|cong\s+chuc|thanh\s+vien|to\s+)\b")
_COLON_WINDOW = 120
_ADDRESSEE_END = re.compile(r"[:\n]")
# An unknown body's name usually ends with its level: "Ngân hàng Chính sách xã hội huyện".
_NAME_END = re.compile(r"\b(?:huyen|tinh|thon|xa(?!\s+hoi\b))\b")
_TAIL = re.compile(r"\s*,[^:]*?(?:\d|" + _VERB_OR_STOP.pattern + ")")


@dataclass
class _Head:
    addressee: str = ""
    leads: list[BodyRef] = field(default_factory=list)
    coords: list[BodyRef] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    partners_unmatched: list[str] = field(default_factory=list)  # "phối hợp với UBND xã Hoằng Phụ": not the lead
    chairs: list[BodyRef] = field(default_factory=list)  # named with their role: "X chủ trì", "Chủ trì: X"
    rest: int = 0  # where the text after the addressee starts

    def unknown(self, lead: bool) -> list[str]:
        """Where a name nobody knows goes: one in the lead's place keeps a heading's lead from applying."""
        return self.unmatched if lead else self.partners_unmatched


class _Text:
    """An item's text, its folded twin and its words."""

    def __init__(self, text: str):
        self.s = text
        self.f = _fold_same_length(text)
        self.words = _words(self.f, self.s)
        self._starts = [w.start for w in self.words]

    def index_at(self, pos: int) -> int:
        return bisect.bisect_left(self._starts, pos)

    def cut(self, start: int, end: int) -> str:
        return _strip_fragment(self.s[start:end])


def _looks_like_name(t: _Text, pos: int) -> bool:
    """A capitalised word or a body word: "Hợp tác xã", "HTX", "hội ...", not "xem xét"."""
    while pos < len(t.s) and t.s[pos] == " ":
        pos += 1
    return t.s[pos:pos + 1].isupper() or bool(_BODYISH.match(t.f, pos))


class _Reader:
    def __init__(self, lexicon: _Lexicon):
        self.lex = lexicon

    def _region(self, t: _Text, start: int, end: int, head: _Head, lead: bool) -> None:
        """Read ``t[start:end]`` as a whole addressee (lead or coordinating)."""
        scan = self.lex.scan(t.words, t.index_at(start), t.index_at(end), greedy=False)
        bodies = [b for m in scan.mentions for b in m.bodies]
        (head.leads if lead else head.coords).extend(bodies)
        head.unknown(lead).extend(t.cut(a, b) for a, b in scan.unmatched if t.cut(a, b))

    def _phrase(self, t: _Text, pos: int, head: _Head, lead: bool, report: bool) -> int | None:
        """Read an undelimited addressee at ``pos``; return where it ends, or None.

        ``report``: when no body is found there but the words look like a name ("Hợp tác xã ...",
        "HTX ..."), read up to the first verb and report them as unmatched.
        """
        i = t.index_at(pos)
        scan = self.lex.scan(t.words, i, len(t.words), greedy=True)
        if scan.mentions:
            end = scan.mentions[-1].end
            after = scan.next_index
            if (after + 1 < len(t.words) and t.words[after].text in ("va", "cung", "/")
                    and _looks_like_name(t, t.words[after + 1].start)):
                # "UBND xã và HTX Hoằng Trung khẩn trương ...": the list goes on with an unknown name.
                stop = _VERB_OR_STOP.search(t.f, end)
                if stop and stop.start() - end < 60:
                    self._region(t, pos, stop.start(), head, lead)
                    return stop.start()
            bodies = [b for m in scan.mentions for b in m.bodies]
            (head.leads if lead else head.coords).extend(bodies)
            head.unknown(lead).extend(t.cut(a, b) for a, b in scan.unmatched)  # "thôn Đông Hải và thôn Phú Thọ"
            return max([end] + [b for _, b in scan.unmatched])
        if scan.unmatched:  # "Thôn Phú Thọ ...": a unit by name, one the meeting's list does not hold
            start, end = scan.unmatched[0]
            head.unknown(lead).append(t.cut(start, end))
            return end
        if not report or not _looks_like_name(t, pos):
            return None
        ends = [m.start() for m in (_VERB_OR_STOP.search(t.f, pos),) if m]
        ends += [m.end() for m in (_NAME_END.search(t.f, pos),) if m]
        if (comma := t.f.find(",", pos)) != -1:
            ends.append(comma)
        end = min(ends, default=-1)
        if end > pos and len(t.f[pos:end].split()) <= 8:
            self._region(t, pos, end, head, lead)
            return end
        return None

    def _coordination_after(self, t: _Text, pos: int, head: _Head) -> int:
        """"X chủ trì, phối hợp với Y" or "X chủ trì; Y phối hợp" right after the lead phrase."""
        lead_named = _CHU_TRI.match(t.f, pos)
        if lead_named:
            head.chairs += head.leads
            pos = lead_named.end()
        m = _PHOI_HOP.match(t.f, pos)
        if m:
            end = self._phrase(t, m.end(), head, lead=False, report=True)
            if end is not None:
                return end
        elif lead_named:
            start = pos + 1 if t.f.startswith(";", pos) else pos
            probe = _Head()
            end = self._phrase(t, start, probe, lead=False, report=False)
            if end is not None and (then := _PHOI_HOP_AFTER.match(t.f, end)):
                head.coords += probe.coords
                head.partners_unmatched += probe.partners_unmatched
                return then.end()
        return pos

    def read(self, t: _Text) -> _Head:
        """The addressee of an item: its lead and coordinating bodies, and where its text goes on."""
        head = _Head()
        self._read_at(t, 0, head, allow_topic=True)
        if head.addressee and head.rest:
            head.rest = self._coordination_after(t, head.rest, head)
        self._labelled(t, head)
        self._mid_text(t, head)
        if head.chairs:
            # "Đảng ủy xã lãnh đạo, UBND xã chủ trì": the body named as chairing leads, those read without a role
            # coordinate
            head.coords += [b for b in head.leads if b not in head.chairs]
            head.leads = list(dict.fromkeys(head.chairs))
        return head

    def _read_at(self, t: _Text, start: int, head: _Head, allow_topic: bool) -> None:
        f = t.f
        if m := _DOI_VOI.match(f, start):
            stop = _ADDRESSEE_END.search(f, m.end())
            if stop and stop.group() == ":":
                end = stop.start()
                if intro := _INTRO_END.search(f, m.end(), end):  # "Đối với UBND xã, đề nghị:"
                    end = intro.start()
                known = self.lex.scan(t.words, t.index_at(m.end()), t.index_at(end), greedy=True)
                if known.mentions and _TAIL.match(f, known.mentions[-1].end, end):
                    end = known.mentions[-1].end  # "Đối với các thôn, trước 31/12 hoàn thành:"
                self._region(t, m.end(), end, head, lead=True)
                head.addressee = t.cut(m.end(), end)
                head.rest = stop.end()
                return
            end = self._phrase(t, m.end(), head, lead=True, report=True)
            if end is not None:
                head.addressee, head.rest = t.cut(m.end(), end), end
            return
        if m := _TRIGGER.match(f, start) or _SPOKEN.match(f, start):
            end = self._phrase(t, m.end(), head, lead=True, report=True)
            if end is not None:
                head.addressee, head.rest = t.cut(m.end(), end), end
            return
        colon = f.find(":", start, start + _COLON_WINDOW)
        if colon > start and "\n" not in f[start:colon]:
            if self._colon_addressee(t, start, colon, head):
                head.rest = colon + 1
                return
            if allow_topic and len(f[start:colon].split()) <= _TITLE_WORDS:
                # "Về tiêu chí môi trường: giao Hội Phụ nữ ...": a topic first, the addressee after it
                self._read_at(t, colon + 1, head, allow_topic=False)
                if head.leads or head.unmatched:
                    return
                # "UBND xã thực hiện các nội dung sau:": a sentence that opens with its body
        end = self._phrase(t, start, head, lead=True, report=False)
        if end is not None:
            head.addressee, head.rest = t.cut(start, end), end

    def _colon_addressee(self, t: _Text, start: int, colon: int, head: _Head) -> bool:
        """"X: ..." where X names bodies (or clearly tries to)."""
        prefix = t.f[start:colon]
        probe = _Head()
        self._region(t, start, colon, probe, lead=True)
        clean = probe.leads and not probe.unmatched
        looks_like_body = (_BODYISH.match(prefix) and not _VERB_OR_STOP.search(prefix)
                           and len(prefix.split()) <= 8)
        if not (clean or looks_like_body):
            return False
        head.leads += probe.leads
        head.unmatched += probe.unmatched
        head.addressee = t.cut(start, colon)
        return True

    def _labelled(self, t: _Text, head: _Head) -> None:
        """"Chủ trì: X. Phối hợp: Y." fields, as in a table pasted as text."""
        for m in _LABELLED.finditer(t.f):
            end_match = _LABEL_END.search(t.f, m.end())
            end = end_match.start() if end_match else len(t.f)
            lead = not (m.group("role") or m.group("bare")).startswith("phoi")
            named = len(head.leads)
            self._region(t, m.end(), end, head, lead=lead)
            if lead:
                head.chairs += head.leads[named:]
                head.addressee = head.addressee or t.cut(m.end(), end)

    def _mid_text(self, t: _Text, head: _Head) -> None:
        """Bodies named later in the text: "..., giao X chủ trì" and "phối hợp với Y"."""
        if not head.leads:
            for m in _MID_TRIGGER.finditer(t.f):
                end = self._phrase(t, m.end(), head, lead=True, report=False)
                if end is not None:
                    head.addressee = head.addressee or t.cut(m.end(), end)
                    self._coordination_after(t, end, head)
                    break
        for m in _MID_PHOI_HOP.finditer(t.f, head.rest):
            self._phrase(t, m.end(), head, lead=False, report=False)
        for m in _CLAUSE.finditer(t.f, head.rest):
            self._clause_body(t, m, head)

    def assignment(self, t: _Text) -> _Head | None:
        """The bodies a paragraph opens by giving work to ("Giao (cho) X ...", "Đề nghị X ...", "Yêu cầu X ...",
        "X chủ trì ..."), or None when it opens otherwise."""
        head = _Head()
        if m := _TRIGGER.match(t.f):
            end = self._phrase(t, m.end(), head, lead=True, report=True)
        elif (end := self._phrase(t, 0, head, lead=True, report=False)) is not None and not _CHU_TRI.match(t.f, end):
            end = None
        return None if end is None else head

    def _clause_body(self, t: _Text, clause: re.Match, head: _Head) -> None:
        """A body opening a later part of the item (after "(", ",", ":" or ";"). Followed by "chủ trì" it chairs
        ("..., hoàn thành trong tháng 9 (UBND xã chủ trì, ..."); by "phối hợp" it coordinates ("..., công chức Địa
        chính - Xây dựng phối hợp", "...; MTTQ xã phối hợp ..."; but for "phối hợp với Y" outside a ";" part, where it
        does the work with Y, leading it when nothing else does); after ";" by any other verb it leads too ("...; Hội
        Phụ nữ duy trì mô hình ...")."""
        probe = _Head()
        end = self._phrase(t, clause.end(), probe, lead=True, report=True)
        if end is None:
            return
        part = clause.group().startswith(";")
        then = _PHOI_HOP_AFTER.match(t.f, end)
        partner = then and _PARTNER.match(t.f, then.end())  # "X phối hợp với Y": X does the work with Y
        lead = True
        if _CHU_TRI.match(t.f, end):
            head.chairs += probe.leads
            head.addressee = head.addressee or t.cut(clause.end(), end)
        elif then and (part or not partner):
            lead = False
            head.coords += probe.leads
        elif part and head.leads and _BODYISH.match(t.f, clause.end()):
            head.leads += probe.leads
        elif partner and not (head.leads or head.unmatched):
            # "Về tiêu chí thu nhập, Hội Nông dân phối hợp với Phòng NN ... hướng dẫn ...": no one else leads
            head.leads += probe.leads
            head.addressee = head.addressee or t.cut(clause.end(), end)
        else:
            return
        head.unknown(lead).extend(probe.unmatched)


# ---------------------------------------------------------------------------------------------
# Recurrence
# ---------------------------------------------------------------------------------------------

_WEEKDAY = r"(?:thu\s*(?:hai|ba|tu|nam|sau|bay|[2-7])|chu\s*nhat)"
_WEEKDAY_NUMBER = {"hai": 1, "ba": 2, "tu": 3, "nam": 4, "sau": 5, "bay": 6,
                   "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
_PART_OF_DAY = r"(?:(?:buoi\s+)?(?:sang|chieu|toi)\s+)?"
_ONCE = r"(?:mot|0?1)\s*lan"

_WEEKLY = re.compile(
    rf"(?:\b(?:vao\s+)?{_PART_OF_DAY}(?P<wd1>{_WEEKDAY})\s+)?"
    rf"(?:(?:dinh\s+ky\s+)?\b(?:hang|moi)\s+tuan\b|\btuan\s+{_ONCE}\b|\b{_ONCE}\s*/\s*tuan\b)"
    rf"(?:\s*,?\s*(?:vao\s+)?{_PART_OF_DAY}(?P<wd2>{_WEEKDAY})\b)?")
# The day before the phrase or after it, "ngày" often left out: "trước 25 hằng tháng" (not "trước 5 ngày").
_DAY_OF = r"(?:(?:(?:truoc|vao|den|tu)\s+)?ngay|truoc|vao)\s+"
_MONTHLY = re.compile(
    rf"(?:\b{_DAY_OF}(?P<d1>\d{{1,2}})\s+(?!ngay\b)(?:cua\s+)?)?"
    rf"(?:(?:dinh\s+ky\s+)?\b(?:hang|moi)\s+thang\b|\bthang\s+{_ONCE}\b|\b{_ONCE}\s*/\s*thang\b)"
    r"(?:[^.;\n\d]{0,40}?\b(?:truoc|vao|den|cham\s+nhat(?:\s+la)?)\s+(?:ngay\s+)?"
    r"(?P<d2>\d{1,2})\b(?!\s*(?:[/.-]\s*\d|ngay\b)))?")
_QUARTERLY = re.compile(
    rf"(?:dinh\s+ky\s+)?\b(?:hang|moi|theo)\s+quy\b|\bdinh\s+ky\s+quy\b|\bquy\s+{_ONCE}\b"
    rf"|\b{_ONCE}\s*/\s*quy\b")
_SEMIANNUAL = re.compile(
    rf"\b(?:dinh\s+ky|hang|moi)\s+(?:0?6|sau)\s+thang\b|\b(?:0?6|sau)\s+thang\s*(?:{_ONCE}|/\s*lan)\b"
    rf"|\bnua\s+nam\s+{_ONCE}\b")
_YEARLY = re.compile(
    r"(?:\b(?:(?:(?:truoc|vao|den|trong)\s+)?ngay\s+(?P<d>\d{1,2})\s*(?:[/.-]\s*|\s+thang\s+)(?P<m>\d{1,2})"
    r"|(?:truoc|vao|den)\s+(?P<d4>\d{1,2})\s*[/.-]\s*(?P<m4>\d{1,2})"
    r"|thang\s+(?P<m2>\d{1,2}))\s+)?"
    rf"(?:(?:dinh\s+ky\s+)?\b(?:hang|moi)\s+nam\b|\bnam\s+{_ONCE}\b|\b{_ONCE}\s*/\s*nam\b)"
    # "hằng năm, trước ngày 15/12": the day after the phrase, with no year of its own
    r"(?:[^.;\n\d]{0,40}?\b(?:truoc|vao|den|cham\s+nhat(?:\s+la)?)\s+(?:ngay\s+)?"
    r"(?P<d3>\d{1,2})\s*(?:[/.-]\s*|\s+thang\s+)"
    r"(?P<m3>\d{1,2})\b(?!\s*(?:[/.-]\s*\d|nam\s+\d)))?")
# "ngày 15 tháng cuối quý", "trước ngày 20 của tháng cuối kỳ"
_LAST_MONTH_DAY = re.compile(
    r"\b(?:(?:truoc|vao|den)\s+)?ngay\s+(?P<d>\d{1,2})\s+(?:cua\s+)?thang\s+cuoi\s+"
    r"(?:cua\s+)?(?:moi\s+|hang\s+)?(?:quy|ky|nam)\b")
_NEARBY = 80


def _day(value: str | None, highest: int) -> int | None:
    if value is None:
        return None
    day = int(value)
    return day if 1 <= day <= highest else None


def _weekday(word: str | None) -> int | None:
    """ISO weekday of a folded "thu hai" (1) ... "thu bay" / "thu 7" (6), "chu nhat" (7)."""
    if not word:
        return None
    word = fold(word)
    return 7 if word.startswith("chu") else _WEEKDAY_NUMBER.get(word[3:].strip())


def _find_recurrences(f: str) -> list[tuple[int, int, dict]]:
    """Every recurrence phrase in a folded text: (start, end, recurrence), in text order."""
    found: list[tuple[int, int, dict]] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, rec: dict) -> None:
        if any(a < end and start < b for a, b in taken):
            return
        taken.append((start, end))
        found.append((start, end, rec))

    # Semiannual before monthly, so "hàng 6 tháng" is not read as "hàng tháng".
    for m in _SEMIANNUAL.finditer(f):
        add(m.start(), m.end(), {"freq": "semiannual", "day": None})
    for m in _QUARTERLY.finditer(f):
        add(m.start(), m.end(), {"freq": "quarterly", "day": None})
    for m in _WEEKLY.finditer(f):
        add(m.start(), m.end(), {"freq": "weekly", "day": _weekday(m.group("wd1") or m.group("wd2"))})
    for m in _MONTHLY.finditer(f):
        add(m.start(), m.end(), {"freq": "monthly", "day": _day(m.group("d1") or m.group("d2"), 31)})
    for m in _YEARLY.finditer(f):
        day = _day(m.group("d") or m.group("d3") or m.group("d4"), 31)
        month = _day(m.group("m") or m.group("m2") or m.group("m3") or m.group("m4"), 12)
        if day and month:
            try:
                date(2024, month, day)  # a leap year, so 29/2 passes
            except ValueError:
                day = None
        add(m.start(), m.end(), {"freq": "yearly", "day": day, "month": month})
    found.sort(key=lambda r: r[0])
    # The day of the period's last month may be written anywhere near the phrase; it is masked
    # from the deadlines too, so it comes back as a span with an empty recurrence.
    extra = []
    for start, end, rec in found:
        if rec["freq"] in ("quarterly", "semiannual"):
            window_start = max(0, start - _NEARBY)
            if m := _LAST_MONTH_DAY.search(f, window_start, end + _NEARBY):
                rec["day"] = _day(m.group("d"), 31)
                extra.append((m.start(), m.end(), {}))
    return found + extra


def _recurrence_in(f: str) -> tuple[dict | None, list[tuple[int, int]]]:
    found = _find_recurrences(f)
    results = [rec for _, _, rec in found if rec]
    return (results[0] if results else None), [(a, b) for a, b, _ in found]


def parse_recurrence(text: str) -> dict | None:
    """The first recurrence named in ``text`` ("trước ngày 20 hàng tháng"), or None."""
    return _recurrence_in(_fold_same_length(_clean(text)))[0]


# ---------------------------------------------------------------------------------------------
# Deadlines
# ---------------------------------------------------------------------------------------------

_TRIG = (r"(?:truoc|cham\s+nhat(?:\s+(?:la|vao))?|muon\s+nhat(?:\s+la)?|khong\s+qua|"
         r"han\s+chot(?:\s+la)?|thoi\s+han(?:\s+hoan\s+thanh)?|thoi\s+gian(?:\s+hoan\s+thanh)?|"
         r"hoan\s+thanh|xong|den|toi|vao|trong)")
_END = r"(?:het|cuoi)"
_YEAR_AFTER = r"(?:\s*(?P<sep2>[/.-])\s*(?P<y>\d{4}|\d{2})(?!\d)|\s+nam\s+(?P<y2>\d{4})\b)"

# After these a bare "2/3" is more often a fraction ("hoàn thành 2/3 kế hoạch") than a date.
_WEAK_TRIGGER = re.compile(r"trong|den|toi|vao|hoan\s+thanh|xong")
_DATE_NUMERIC = re.compile(
    rf"\b(?P<trig>{_TRIG})\s*:?\s*(?P<ngay>(?:{_END}\s+)?ngay\s+)?(?P<d>\d{{1,2}})\s*(?P<sep>[/.-])\s*(?P<m>\d{{1,2}})"
    r"(?:\s*(?P=sep)\s*(?P<y>\d{4}|\d{2})(?!\d)|(?!\s*[/.-]?\s*\d))")
_DATE_WORDS = re.compile(
    rf"\b(?P<trig>{_TRIG})\s*:?\s*(?:{_END}\s+)?ngay\s+(?P<d>\d{{1,2}})\s+thang\s+(?P<m>\d{{1,2}})"
    r"(?:\s+nam\s+(?P<y>\d{4}))?")
_MONTH = re.compile(
    rf"\b(?P<trig>{_TRIG}|{_END})\s*:?\s*(?:{_END}\s+)?thang\s+(?P<m>\d{{1,2}})\b"
    rf"(?:{_YEAR_AFTER}|(?!\s*[/.-]\s*\d))")
_MONTH_RELATIVE = re.compile(rf"\b(?:trong|den\s+het|{_END}|truoc)\s+thang\s+(?P<rel>nay|toi|sau)\b")
_WEEK_RELATIVE = re.compile(r"\btrong\s+tuan(?:\s+(?P<rel>nay|toi|sau))?\b(?!\s+(?:qua|truoc))")
_QUARTER = re.compile(
    rf"(?:\b(?P<trig>{_TRIG}|{_END})\s*:?\s*(?:{_END}\s+)?)?\bquy\s+(?P<q>iv|iii|ii|i|[1-4])\b{_YEAR_AFTER}?")
_HALF_YEAR = re.compile(r"\b(?:(?:0?6|sau)\s+thang|nua)\s+(?P<part>dau|cuoi)\s+nam(?:\s+(?P<y>\d{4})\b)?")
_YEAR = re.compile(
    rf"\b(?P<trig>trong|truoc|den\s+het|den\s+cuoi|{_END}|den)\s+nam"
    r"(?:\s+(?P<y>\d{4})\b|\s+(?P<rel>nay|toi|sau)\b|(?!\s+(?:hoc|qua|truoc|tai\s+chinh|ngoai|\d)))")
_DURATION = re.compile(
    r"\btrong\s+(?:vong\s+|thoi\s+gian\s+|thoi\s+han\s+)?(?P<n>\d{1,3})\s+(?P<unit>ngay|tuan|thang)"
    r"(?P<work>\s+lam\s+viec)?\b(?!\s+(?:dau|cuoi)\s+nam)")
_TET = re.compile(r"\b(?:truoc|sau|trong\s+dip|dip|den)\s+tet\b(?:\s+nguyen\s+dan)?(?:\s+(?:nam\s+)?\d{4})?")
_YEAR_BEHIND = timedelta(days=60)
_NEXT_YEAR = re.compile(r"\s*(?:,\s*)?(?:cua\s+)?(?:nam\s+(?:sau|toi)|sang\s+nam)\b")
_ROMAN_QUARTER = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _add_working_days(day: date, count: int) -> date:
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


class _DeadlineFinder:
    """Collects (date or None, span) candidates from a folded text."""

    def __init__(self, f: str, reference: date):
        self.f = f
        self.ref = reference
        self.dates: list[date] = []
        self.bad: list[tuple[int, int]] = []  # phrases that look like deadlines but are not dates
        self.taken: list[tuple[int, int]] = []

    def _year(self, match: re.Match, explicit: str | None, month: int, day: int | None = None) -> int:
        """The year written, or the one the meeting means: a December meeting's "trước ngày 15/1" is next January
        (a date without its year more than two months before the meeting lies ahead of it, not behind)."""
        if explicit:
            year = int(explicit)
            return 2000 + year if year < 100 else year
        if _NEXT_YEAR.match(self.f, match.end()):
            return self.ref.year + 1
        last = _month_end(self.ref.year, month)
        if (last.replace(day=min(day, last.day)) if day else last) < self.ref - _YEAR_BEHIND:
            return self.ref.year + 1
        return self.ref.year

    def _add(self, match: re.Match, build) -> None:
        span = (match.start(), match.end())
        if any(a < span[1] and span[0] < b for a, b in self.taken):
            return
        self.taken.append(span)
        try:
            result = build()
        except (ValueError, OverflowError):
            self.bad.append(span)
            return
        if result is None:
            self.taken.pop()
        elif not 1900 <= result.year <= 2200:
            self.bad.append(span)
        else:
            self.dates.append(result)

    def run(self) -> None:
        f = self.f
        for m in _DATE_NUMERIC.finditer(f):
            if not m.group("y") and (m.group("sep") == "." or (
                    _WEAK_TRIGGER.fullmatch(m.group("trig")) and not m.group("ngay"))):
                continue  # "1.5" is a number and "trong 2/3 số hộ" a fraction, not dates
            self._add(m, lambda m=m: self._day_month(m))
        for m in _DATE_WORDS.finditer(f):
            self._add(m, lambda m=m: self._day_month(m))
        for m in _MONTH.finditer(f):
            self._add(m, lambda m=m: self._month(m))
        for m in _MONTH_RELATIVE.finditer(f):
            first = _add_months(self.ref.replace(day=1), 0 if m.group("rel") == "nay" else 1)
            self._add(m, lambda first=first: _month_end(first.year, first.month))
        for m in _WEEK_RELATIVE.finditer(f):
            weeks = 1 if m.group("rel") in ("toi", "sau") else 0
            self._add(m, lambda weeks=weeks: self.ref + timedelta(days=6 - self.ref.weekday() + 7 * weeks))
        for m in _QUARTER.finditer(f):
            self._add(m, lambda m=m: self._quarter(m))
        for m in _HALF_YEAR.finditer(f):
            self._add(m, lambda m=m: self._half_end(m))
        for m in _YEAR.finditer(f):
            self._add(m, lambda m=m: self._year_end(m))
        for m in _DURATION.finditer(f):
            self._add(m, lambda m=m: self._duration(m))
        for m in _TET.finditer(f):
            self.bad.append((m.start(), m.end()))

    def _half_end(self, m: re.Match) -> date:
        """"6 tháng đầu năm" ends on 30/6, "6 tháng cuối năm" on 31/12."""
        month, day = (6, 30) if m.group("part") == "dau" else (12, 31)
        return date(self._year(m, m.group("y"), month), month, day)

    def _day_month(self, m: re.Match) -> date:
        month = int(m.group("m"))
        day = int(m.group("d"))
        return date(self._year(m, m.group("y"), month, day), month, day)

    def _month(self, m: re.Match) -> date:
        month = int(m.group("m"))
        year = self._year(m, m.group("y") or m.group("y2"), month)
        if m.group("trig") == "truoc":
            return date(year, month, 1) - timedelta(days=1)
        return _month_end(year, month)

    def _quarter(self, m: re.Match) -> date | None:
        explicit = m.group("y") or m.group("y2")
        if not (m.group("trig") or explicit):
            return None  # "quỹ 1 tỷ" folds to "quy 1": only a deadline with a trigger or a year
        q = m.group("q")
        quarter = _ROMAN_QUARTER.get(q) or int(q)
        year = self._year(m, explicit, 3 * quarter)
        if m.group("trig") == "truoc":
            return date(year, 3 * quarter - 2, 1) - timedelta(days=1)
        return _month_end(year, 3 * quarter)

    def _year_end(self, m: re.Match) -> date:
        rel = m.group("rel")
        year = int(m.group("y")) if m.group("y") else self.ref.year + (rel in ("toi", "sau"))
        if m.group("trig") == "truoc":
            return date(year - 1, 12, 31) if m.group("y") else date(year, 12, 31)
        return date(year, 12, 31)

    def _duration(self, m: re.Match) -> date | None:
        n = int(m.group("n"))
        if not n:
            return None
        unit = m.group("unit")
        if unit == "ngay":
            return _add_working_days(self.ref, n) if m.group("work") else self.ref + timedelta(days=n)
        if unit == "tuan":
            return self.ref + timedelta(weeks=n)
        return _add_months(self.ref, n)


def _deadline_in(f: str, reference: date, masked: list[tuple[int, int]]) -> tuple[date | None, list[tuple[int, int]]]:
    """The latest one-off deadline in a folded text, and the spans that could not be read."""
    chars = list(f)
    for a, b in masked:  # recurrence phrases ("trước ngày 25/12 hàng năm") are not deadlines
        chars[a:b] = " " * (b - a)
    finder = _DeadlineFinder("".join(chars), reference)
    finder.run()
    return (max(finder.dates) if finder.dates else None), finder.bad


def parse_deadline(text: str, reference_date: date) -> date | None:
    """The due date named in ``text`` (the latest, if several), relative to the meeting date."""
    f = _fold_same_length(_clean(text))
    _, masked = _recurrence_in(f)
    return _deadline_in(f, reference_date, masked)[0]


# ---------------------------------------------------------------------------------------------
# Structure: markers, sections, headings
# ---------------------------------------------------------------------------------------------

_ROMAN = re.compile(r"(?P<num>(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3})|(?=[ivx]{2})x{0,3}(?:ix|iv|v?i{0,3}))\s*[.)/-]\s*")
_SECTION_LETTER = re.compile(r"(?P<num>[A-HJ-UWYZĐ])\s*[.)/]\s+")
_ARABIC = re.compile(r"(?P<num>\d{1,2}(?:\.\d{1,2}){0,2})(?:\s*[.)]|\s+[-–]\s)\s*(?!\d)")
# "1/ ...", "1- ...", "(1) ...": items of their own kind, so that under "1." they are its details, not its siblings
_NUMBERED = re.compile(r"(?:(?P<num>\d{1,2})(?:/|[-–](?=\s*[^\W\d]))|\((?P<paren>\d{1,2})\))\s*(?!\d)")
_ORDINAL_WORDS = {"nhat": 1, "mot": 1, "hai": 2, "ba": 3, "tu": 4, "bon": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8,
                  "chin": 9, "muoi": 10}
# "Thứ nhất, ...", "Hai là, ..." (folded); the comma keeps "Thứ hai hằng tuần" a weekday.
_ORDINAL = re.compile(r"(?:thu\s+(?P<o>nhat|hai|ba|tu|nam|sau|bay|tam|chin|muoi)|"
                      r"(?P<c>mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi)\s+la)\s*[,:.]\s*")
_ARABIC_DOTTED = re.compile(r"(?P<num>\d{1,2}(?:\.\d{1,2}){1,2})\s+(?!\d)")
_LETTER = re.compile(r"(?P<num>[a-zđ])\s*(?:[.)]|/(?!c\b))\s*")  # "đ/c" is "đồng chí", not item đ
_BULLET = re.compile(r"(?P<sym>[-–—+•*·●○▪►✓])\s*")
_BULLET_KIND = {"-": "dash", "–": "dash", "—": "dash", "+": "plus"}
_SECTION_KINDS = {"roman", "section", "label"}
_RANKS = {"roman": 0, "section": 0, "label": 1, "arabic0": 2, "ordinal": 2, "arabic1": 3, "numbered": 3,
          "arabic2": 4, "letter": 5}
_BULLET_RANK = 6
_LABEL_LINE = re.compile(r"\s*(?:doi\s+voi|ve\s+phia)\s[^:\n]{1,100}:\s*$")


_TITLE_WORDS = 12
# "- Thời gian: trước ngày 20/8/2024." under an item: what goes for each of its tasks, when it names no body
_DETAIL = re.compile(r"\s*(?:thoi\s+(?:gian|han)|dia\s+diem|thanh\s+phan|noi\s+dung|kinh\s+phi|yeu\s+cau)"
                     r"(?:\s+[a-z]+){0,3}\s*:")

_NARRATIVE = re.compile(
    r"\s*(?:(?:ve|mot\s+so|nhung)\s+)?(?:danh\s+gia|ket\s+qua|tinh\s+hinh|uu\s+diem|han\s+che|ton\s+tai|"
    r"khuyet\s+diem|kho\s+khan|vuong\s+mac|nguyen\s+nhan|thanh\s+phan|nhin\s+chung|thoi\s+gian\s+qua|"
    r"qua\s+kiem\s+tra|sau\s+khi\s+nghe|tai\s+buoi|tai\s+hoi\s+nghi|tham\s+du|dac\s+diem|boi\s+canh)\b")
_CLOSING = re.compile(
    r"\s*(?:tren\s+day\s+la|noi\s+nhan\b|(?:van\s+phong|vp)\b.{0,80}\bthong\s+bao\s+(?:de|den|ket\s+luan|y\s+kien)\b"
    r"|thong\s+bao\s+(?:nay|de|den)\b"
    r"|(?:de\s+nghi|yeu\s+cau)\s+cac\s+(?:co\s+quan|don\s+vi|bo\s+phan|dia\s+phuong)\b.{0,120}"
    r"\b(?:nghiem\s+tuc|thuc\s+hien)\b[^a-z]*$)")
# "Đồng chí Chủ tịch đề nghị: ..." / "..., kết luận như sau:"
_INTRO_END = re.compile(r"\b(?:ket\s+luan|de\s+nghi|yeu\s+cau|chi\s+dao|giao|thong\s+nhat|nhu\s+sau|cu\s+the)\s*$")
_INTRO_ALWAYS = re.compile(r"\b(?:ket\s+luan|nhu\s+sau|cu\s+the)\s*$")
_SPEAKER = re.compile(r"\s*(?:dong\s+chi|d/c|chu\s+tich|pho\s+chu\s+tich|bi\s+thu|pho\s+bi\s+thu|truong\s+ban|"
                      r"pho\s+truong\s+ban|thuong\s+truc|lanh\s+dao)\b")


# "(Kết luận buổi làm việc,) đồng chí Chủ tịch UBND xã đề nghị Hội Nông dân ...": the one speaking, then whom
# they ask; the speaker's own body is no addressee.
_SPOKEN = re.compile(r"(?:[^.;:\n,]{0,60},)?" + _SPEAKER.pattern
                     + rf"[^.;:\n]{{0,80}}?\b(?:{_GIAO}|de\s+nghi|yeu\s+cau|phan\s+cong)\s+")


def _rank(kind: str | None) -> int:
    return _RANKS.get(kind, _BULLET_RANK) if kind else -1


def _marker(line: str) -> tuple[str, str | None, str] | None:
    """(kind, number, rest) of a line that opens an item or section, or None."""
    if (m := _ROMAN.match(line)) and m.group("num"):
        return "roman", m.group("num").upper(), line[m.end():]
    if m := _SECTION_LETTER.match(line):
        return "section", m.group("num"), line[m.end():]
    if m := _ARABIC.match(line) or _ARABIC_DOTTED.match(line):
        number = m.group("num")
        return f"arabic{number.count('.')}", number, line[m.end():]
    if m := _NUMBERED.match(line):
        return "numbered", m.group("num") or m.group("paren"), line[m.end():]
    if line[:1].isupper() and (m := _ORDINAL.match(_fold_same_length(line[:20]))):
        return "ordinal", str(_ORDINAL_WORDS[m.group("o") or m.group("c")]), line[m.end():]
    if m := _LETTER.match(line):
        return "letter", m.group("num"), line[m.end():]
    if m := _BULLET.match(line):
        return _BULLET_KIND.get(m.group("sym"), "dot"), None, line[m.end():]
    return None


@dataclass
class _Node:
    kind: str | None
    number: str | None
    lines: list[str]  # the text after the marker, then continuation paragraphs
    raw: list[str]  # the same with the marker kept
    children: list[_Node] = field(default_factory=list)

    def flat_raw(self) -> list[str]:
        lines = list(self.raw)
        for child in self.children:
            lines += child.flat_raw()
        return lines


def _outline(lines: list[str]) -> _Node:
    """The marker tree.

    A marker kind seen before closes back to its level. A new kind nests under the current item,
    except that it never nests under a kind of lower rank (a "1." after "- ..." is a new item, not
    a detail of the bullet); bullets among themselves nest in the order they first appear.
    """
    root = _Node(None, None, [], [])
    stack = [root]
    ordinals = False
    for line in lines:
        found = _marker(line)
        if found and found[0] == "ordinal":
            # "Thứ hai, ..." opens an item only after a "Thứ nhất": else it is a Monday in a wrapped sentence
            ordinals = ordinals or found[1] == "1"
            found = found if ordinals else None
        if found is None and _LABEL_LINE.match(_fold_same_length(line)):
            found = ("label", None, line)  # "Đối với UBND xã:" heading the numbered items below it
        if found is None or not found[2].strip():
            if found is None:
                stack[-1].lines.append(line)
                stack[-1].raw.append(line)
            continue
        kind, number, rest = found
        kinds = [n.kind for n in stack[1:]]
        if kind in kinds:
            del stack[kinds.index(kind) + 1:]
        else:
            while len(stack) > 1 and _rank(stack[-1].kind) > _rank(kind):
                stack.pop()
        node = _Node(kind, number, [rest.strip()], [line])
        stack[-1].children.append(node)
        stack.append(node)
    return root


@dataclass
class _Context:
    """What a heading passes down to its sub-items."""

    addressee: str = ""
    leads: list[BodyRef] = field(default_factory=list)
    coords: list[BodyRef] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    due: date | None = None
    recurrence: dict | None = None
    title: str = ""  # the line heading sub-items that each name their own body: their text goes on from it
    details: list[str] = field(default_factory=list)  # "- Thời gian: ...", "- Địa điểm: ...": kept in each one's text


class _Parser:
    """One parse: the bodies' lexicon, the meeting date, and the walk over the outline."""

    def __init__(self, bodies: Sequence[BodyRef], reference: date):
        self.reader = _Reader(_Lexicon(bodies))
        self.ref = reference

    def parse(self, text: str) -> list[ParsedItem]:
        lines = []
        for line in _clean(text).split("\n"):
            line = line.strip()
            if not line:
                continue
            # "Trên đây là ...", "Nơi nhận:" end the conclusions; "Văn phòng ... thông báo kết luận
            # ... như sau:" opens them.
            if lines and not line.endswith(":") and _CLOSING.match(_fold_same_length(line)) and not _marker(line):
                break
            lines.append(line)
        root = _outline(lines)
        items: list[ParsedItem] = []
        if all(child.kind == "label" for child in root.children):
            # No markers at all: the paragraphs before the first "Đối với X:" are items too.
            items += self._loose(root.lines, _Context())
        for child in root.children:  # with markers, root.lines are the intro: not items
            items += self._node(child, _Context())
        return items

    # -- one node of the outline --------------------------------------------------------------

    def _node(self, node: _Node, ctx: _Context) -> list[ParsedItem]:
        first = _Text(node.lines[0])
        head = self.reader.read(first)
        narrative = not head.leads and not head.unmatched and _NARRATIVE.match(first.f)
        if narrative and (node.kind in _SECTION_KINDS or node.children):
            return []  # "I. Đánh giá chung", "1. Kết quả đạt được:": what was done, not tasks
        named = bool(head.leads or head.unmatched)
        if node.kind in _SECTION_KINDS:
            # A section is a heading, unless it is a lone line naming a body ("I. UBND xã: ...").
            is_heading = bool(node.children or node.lines[1:]) or not named
            tasks, details, split = node.children, [], False
        else:
            tasks = [child for child in node.children if not self._is_detail(child)]
            details = [child for child in node.children if child not in tasks]
            is_heading = bool(tasks) and (
                not _strip_fragment(first.s[head.rest:])
                or first.s.rstrip().endswith(":")
                or self._is_title(first, head))
            # "c) Ra quân ... \n- Hội Phụ nữ xã ...\n- Đoàn Thanh niên xã ...": each line is its body's task
            split = bool(tasks) and all(map(self._opens_with_a_body, tasks))
        if is_heading:
            inner = self._sub_context(ctx, head, first, details, titled=split and not named)
            return self._loose(node.lines[1:], inner) + self._children(tasks, inner)
        number = node.number if node.kind not in ("dash", "plus", "dot") else None
        if split:
            # the line above the body-led lines is one more task only when it names a body too (else it heads them)
            own = self._items(number, node.lines, ctx) if named else []
            return own + self._children(tasks, self._sub_context(ctx, head, first, details, titled=not named))
        return self._items(number, node.lines, ctx, [line for c in node.children for line in c.flat_raw()])

    def _children(self, children: list[_Node], inner: _Context) -> list[ParsedItem]:
        return [item for child in children for item in self._node(child, inner)]

    def _sub_context(self, ctx: _Context, head: _Head, t: _Text, details: list[_Node], titled: bool) -> _Context:
        """What an item passes down to its tasks: its own context, the deadline its detail lines set ("- Thời gian:
        trước ngày 20/8/2024.") with the lines themselves, and, ``titled``, its text for theirs to go on from
        ("Tổ chức hội nghị sơ kết ...: Hội Phụ nữ xã chuẩn bị tham luận.")."""
        inner = self._context(ctx, head, t)
        if details:
            lines = [line for child in details for line in child.flat_raw()]
            inner = replace(self._context(inner, _Head(), _Text("\n".join(lines))), details=inner.details + lines)
        return replace(inner, title=t.s) if titled else inner

    def _is_detail(self, node: _Node) -> bool:
        """"Thời gian: ...", "Địa điểm: ...", "Yêu cầu: ..." naming no body: a detail of the item, no task."""
        t = _Text("\n".join(node.lines))
        if node.children or not _DETAIL.match(t.f):
            return False
        head = self.reader.read(t)
        return not (head.leads or head.unmatched)

    def _opens_with_a_body(self, node: _Node) -> bool:
        """The line starts with a body's name ("Hội Phụ nữ xã vận động ..."), not "Thời gian: ..."."""
        t = _Text(node.lines[0])
        return bool(_BODYISH.match(t.f)) and bool(self.reader.read(t).leads)

    def _is_title(self, t: _Text, head: _Head) -> bool:
        """"1. Công tác quy hoạch": a short topic line with no body, date or final full stop."""
        if head.leads or head.unmatched or t.s.rstrip().endswith((".", ";")):
            return False
        due, recurrence, _ = self._schedule(t)
        return due is None and recurrence is None and len(t.s.split()) <= _TITLE_WORDS

    def _context(self, ctx: _Context, head: _Head, t: _Text) -> _Context:
        due, recurrence, _ = self._schedule(t)
        if head.leads or head.unmatched:
            ctx = _Context(head.addressee, head.leads, head.coords, head.unmatched + head.partners_unmatched,
                           ctx.due, ctx.recurrence)
        else:
            ctx = replace(ctx, coords=ctx.coords + head.coords)
        if due or recurrence:
            ctx = replace(ctx, due=due, recurrence=recurrence)
        return ctx

    # -- text without markers -----------------------------------------------------------------

    def _loose(self, paragraphs: list[str], ctx: _Context) -> list[ParsedItem]:
        """Items from paragraphs without markers (a whole text, or the body of a section)."""
        intros = [k for k, p in enumerate(paragraphs) if self._intro(p) is not None]
        start = intros[0] if intros else 0  # what comes before the first intro is preamble
        items: list[ParsedItem] = []
        local = ctx
        for paragraph in paragraphs[start:]:
            inline = self._intro(paragraph)
            if inline is not None:
                items += filter(None, (self._item(None, [part], local) for part in inline))
                continue
            t = _Text(paragraph)
            if paragraph.rstrip().endswith(":"):
                head = self.reader.read(t)
                if head.leads or head.unmatched:  # "Đối với UBND xã:" heads what follows
                    local = self._context(ctx, head, t)
                continue
            for part in self._split_by_body(paragraph):
                if item := self._item(None, [part], local):
                    items.append(item)
        return items

    def _intro(self, paragraph: str) -> list[str] | None:
        """The ";"-separated parts after "Đồng chí ... đề nghị:", or None if it is no such intro."""
        f = _fold_same_length(paragraph)
        colon = f.find(":")
        if colon < 0 or _DOI_VOI.match(f):
            return None
        prefix = f[:colon]
        if not _INTRO_END.search(prefix):
            return None
        if not (_INTRO_ALWAYS.search(prefix) or _SPEAKER.match(prefix)):
            head = self.reader.read(_Text(paragraph[:colon]))
            if head.leads:  # "UBND xã chỉ đạo: ..." addresses a body
                return None
        rest = paragraph[colon + 1:]
        return [p.strip(" ;") for p in rest.split(";") if _strip_fragment(p)]

    def _split_by_body(self, paragraph: str) -> list[str]:
        """"UBND xã ...; Hội Nông dân ...; các thôn ..." is three items; a part naming no body stays with the one
        before it ("UBND xã hoàn thiện hồ sơ; tăng cường kiểm tra; Đảng ủy xã ..." is two)."""
        parts = [p.strip(" ;") for p in paragraph.split(";") if _strip_fragment(p)]
        named = [bool(self.reader.read(_Text(p)).leads) for p in parts]
        if len(parts) < 2 or not named[0] or sum(named) < 2:
            return [paragraph]
        items: list[str] = []
        for part, has_body in zip(parts, named):
            if has_body:
                items.append(part)
            else:
                items[-1] += "; " + part
        return items

    # -- one item -----------------------------------------------------------------------------

    def _items(self, number: str | None, lines: list[str], ctx: _Context, details: Sequence[str] = ()
               ) -> list[ParsedItem]:
        """The item of a marker's paragraphs, and an unnumbered one more from each paragraph that hands work on to
        another body; ``details`` (the lines of its sub-items) end the last. A first paragraph naming no body heads
        the tasks so handed out below it: their text goes on from it."""
        groups = [[lines[0]]]
        for line in lines[1:]:
            if self._hands_over(groups[-1], line, ctx):
                groups.append([line])
            else:
                groups[-1].append(line)
        groups[-1] += details
        if len(groups) > 1 and not ((opening := self._item(None, lines[:1], ctx)) and opening.bodies):
            # "2. Về tiêu chí môi trường:\nGiao Hội Phụ nữ ...\nYêu cầu Đoàn Thanh niên ...": two tasks of the topic
            first = _Text(lines[0])
            ctx = self._sub_context(ctx, self.reader.read(first), first, [], titled=True)
            groups[0] = groups[0][1:]
        items = (self._item(number if k == 0 else None, group, ctx) for k, group in enumerate(groups))
        return [item for item in items if item]

    def _hands_over(self, above: list[str], paragraph: str, ctx: _Context) -> bool:
        """"Giao Văn phòng - Thống kê theo dõi, ..." after an item of other bodies is a task of its own, not the
        item's next paragraph. A wrapped line (the one above ends no sentence), a paragraph naming the item's own
        bodies and the paragraph giving an item without bodies its first ("Giao Hội Phụ nữ xã ..." under "2. Tiếp
        tục duy trì tiêu chí môi trường.") continue it."""
        if not above[-1].rstrip().endswith((".", ";", "!")):
            return False
        head = self.reader.assignment(_Text(paragraph))
        if head is None:
            return False
        item = self._item(None, above, ctx)
        if item is None or not item.bodies:
            return False
        known = {body["id"] for body in item.bodies}
        return any(b.id not in known for b in head.leads) or any(u not in item.unmatched for u in head.unmatched)

    def _schedule(self, t: _Text) -> tuple[date | None, dict | None, list[str]]:
        recurrence, masked = _recurrence_in(t.f)
        due, bad = _deadline_in(t.f, self.ref, masked)
        return due, recurrence, [t.cut(a, b) for a, b in bad]

    def _item(self, number: str | None, paragraphs: list[str], ctx: _Context) -> ParsedItem | None:
        text = "\n".join(p.strip() for p in paragraphs).strip()
        text = re.sub(r"\./\.$", ".", text)  # the "./." that closes an official text
        if not re.search(r"[^\W\d_]", text):
            return None
        t = _Text(text)
        head = self.reader.read(t)
        due, recurrence, bad = self._schedule(t)
        if not (head.leads or head.unmatched or due or recurrence) and _NARRATIVE.match(t.f):
            return None  # "Thời gian qua, xã đã ...": an account, not a task
        addressee, leads, coords, unmatched = head.addressee, head.leads, head.coords, list(head.unmatched)
        if not leads and not head.unmatched:
            addressee = addressee or ctx.addressee
            leads = ctx.leads
            coords = ctx.coords + coords
            unmatched = ctx.unmatched + unmatched
        if due is None and recurrence is None:
            due, recurrence = ctx.due, ctx.recurrence
        bodies = _body_dicts(leads, coords)
        unmatched += head.partners_unmatched + bad
        if not bodies:
            unmatched.append(NO_BODY)
        elif not leads:  # only partners: the secretary names who leads before it can be saved
            unmatched.append(NO_LEAD)
        if ctx.title:  # what the task belongs to
            text = f"{ctx.title.rstrip(' .;:')}: {text}"
        return ParsedItem(
            number=number,
            addressee=addressee,
            text="\n".join([text, *ctx.details]),
            bodies=bodies,
            due_date=due,
            recurrence=dict(recurrence) if recurrence else None,
            unmatched=list(dict.fromkeys(u for u in unmatched if u)),
        )


def _body_dicts(leads: list[BodyRef], coords: list[BodyRef]) -> list[dict]:
    """Leads in the order named, then coordinating bodies; a body named as both leads."""
    result: dict[int, dict] = {}
    for body in leads:
        result.setdefault(body.id, {"id": body.id, "name": body.name, "role": "lead"})
    for body in coords:
        result.setdefault(body.id, {"id": body.id, "name": body.name, "role": "coordinating"})
    return list(result.values())


def parse_conclusions(text: str, bodies: Sequence[BodyRef], reference_date: date) -> list[ParsedItem]:
    """Split conclusions into items and read each one's bodies, deadline and recurrence."""
    if not text or not text.strip():
        return []
    return _Parser(bodies, reference_date).parse(text)
