"""Official document numbers ("số ký hiệu văn bản"): normalising what users type, reading citations.

A Vietnamese document is cited as number/type-issuer ("57/NQ-HĐND"), with a hyphen first for
Party documents ("12-TB/ĐU") and with the year for normative ones ("18/2022/QĐ-TTg"). Users type
them carelessly ("57/nq-hdnd", "18/2022/qd-ttg"); ``normalize_document_number`` restores the
official spelling of the codes it knows and upper-cases the others. Numbers restart every year,
so ``document_key`` (number, symbol and year) is what identifies a document.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date

from ntm_tasks.text import fold

__all__ = ["TYPE_CODES", "document_key", "normalize_document_number", "parse_document_citation"]

# Document types, by folded code.
TYPE_CODES = {
    "nq": "NQ",  # nghị quyết, resolution
    "qd": "QĐ",  # quyết định, decision
    "kh": "KH",  # kế hoạch, plan
    "tb": "TB",  # thông báo, notice
    "bc": "BC",  # báo cáo, report
    "ttr": "TTr",  # tờ trình, proposal
    "bb": "BB",  # biên bản, minutes
    "ct": "CT",  # chỉ thị, directive
    "hd": "HD",  # hướng dẫn, guidance
    "cv": "CV",  # công văn, official letter
    "ctr": "CTr",  # chương trình, programme
    "tt": "TT",  # thông tư, circular
    "nd": "NĐ",  # nghị định, decree
}

# Issuers and other symbol parts with a spelling of their own, by folded code.
ISSUER_CODES = {
    "ubnd": "UBND",
    "hdnd": "HĐND",
    "du": "ĐU",
    "dub": "ĐUB",
    "hu": "HU",
    "tu": "TU",
    "ttg": "TTg",
    "cp": "CP",
    "bcd": "BCĐ",
    "vpdp": "VPĐP",
    "bnn": "BNN",
    "bnnptnt": "BNNPTNT",
    "bql": "BQL",
    "mttq": "MTTQ",
    "ubmttq": "UBMTTQ",
    "vp": "VP",
    "btv": "BTV",
    "bch": "BCH",
    "tv": "TV",
    "ttr": "TTr",
}

_SEPARATOR = re.compile(r"\s*([/-])\s*")
_CODE_FIX = {**ISSUER_CODES, **TYPE_CODES}

# "Nghị quyết số 57/NQ-HĐND ngày 28/12/2020", "Kế hoạch 89/KH-UBND", "số 12-TB/ĐU"; run on folded text.
_NUMBER = (r"\d{1,5}(?:\s*/\s*\d{4})?\s*[/-]\s*[a-z][a-z0-9&]*"
           r"(?:\s*[/-]\s*[a-z][a-z0-9&]*)*")
_CITATION = re.compile(
    rf"(?:\bso\s*:?\s*)?(?P<number>(?<![\w/-]){_NUMBER})(?![\w])"
    r"(?:\s*,?\s*(?:ban\s+hanh\s+)?ngay\s+(?:"
    r"(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})"
    r"|(?P<dw>\d{1,2})\s+thang\s+(?P<mw>\d{1,2})\s+nam\s+(?P<yw>\d{4})))?")


def _fold_same_length(text: str) -> str:
    return "".join(c if len(c := fold(ch)) == 1 else ch for ch in text)


def _code(part: str) -> str:
    """One symbol part: "nq" -> "NQ", "hdnd" -> "HĐND", "ttg" -> "TTg", unknown -> upper case."""
    known = _CODE_FIX.get(fold(part))
    if known is None:
        return part.upper()
    # "HĐ" typed with đ stays "HĐ" (a contract), not "HD" (guidance).
    if ("đ" in part.lower()) and "Đ" not in known:
        return part.upper()
    return known


def normalize_document_number(raw: str) -> str:
    """The official spelling of a document number: "57/nq-hdnd" -> "57/NQ-HĐND"."""
    text = unicodedata.normalize("NFC", raw or "").strip().replace("–", "-").replace("—", "-")
    text = re.sub(r"^(?:số|so|Số|SỐ|So)\s*:?\s*", "", text)
    text = re.sub(r"\s+", " ", text)
    parts = _SEPARATOR.split(text)
    out = []
    for part in parts:
        if part in ("/", "-") or part.isdigit() or not part:
            out.append(part)
        else:
            out.append(_code(part.replace(" ", "")))
    return "".join(out)


def _symbol_parts(number: str) -> list[str]:
    return [p for p in re.split(r"[/-]", number) if p and not p.isdigit()]


def _embedded_year(number: str) -> int | None:
    """"18/2022/QĐ-TTg" carries its year."""
    match = re.match(r"\d+/(\d{4})/", number)
    return int(match.group(1)) if match else None


def parse_document_citation(text: str) -> dict | None:
    """The first document cited in ``text``: number, type code, date issued and year, or None."""
    if not text:
        return None
    text = unicodedata.normalize("NFC", text)
    folded = _fold_same_length(text)
    match = _CITATION.search(folded)
    if not match:
        return None
    number = normalize_document_number(text[match.start("number"):match.end("number")])
    type_code = next((TYPE_CODES[fold(p)] for p in _symbol_parts(number) if fold(p) in TYPE_CODES), None)
    issued_on = None
    day, month, year = match.group("d", "m", "y") if match.group("d") else match.group("dw", "mw", "yw")
    if day:
        try:
            issued_on = date(int(year), int(month), int(day))
        except ValueError:
            issued_on = None
    return {
        "number": number,
        "type_code": type_code,
        "issued_on": issued_on,
        "year": issued_on.year if issued_on else _embedded_year(number),
    }


def document_key(number: str, year: int | None) -> str:
    """The identity of a document, for de-duplication: "57/nq-hdnd@2020"."""
    normalized = normalize_document_number(number)
    year = year or _embedded_year(normalized)
    return f"{fold(normalized).replace(' ', '')}@{year or ''}"
