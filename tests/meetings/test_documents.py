"""Official document numbers: normalising, reading citations, identity."""
from datetime import date

import pytest

from ntm_tasks.meetings.documents import document_key, normalize_document_number, parse_document_citation


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("57/nq-hdnd", "57/NQ-HĐND"),
        ("89/kh-ubnd", "89/KH-UBND"),
        ("12-tb/đu", "12-TB/ĐU"),
        ("12-tb/du", "12-TB/ĐU"),
        ("18/2022/qđ-ttg", "18/2022/QĐ-TTg"),
        ("18/2022/qd-ttg", "18/2022/QĐ-TTg"),
        ("15/tb-ubnd", "15/TB-UBND"),
        ("45/ttr-ubnd", "45/TTr-UBND"),
        ("3/bb-bcđ", "3/BB-BCĐ"),
        ("05-ct/hu", "05-CT/HU"),
        ("10-nq/tu", "10-NQ/TU"),
        ("123/bnn-vpđp", "123/BNN-VPĐP"),
        ("7/hd-ubnd", "7/HD-UBND"),
        ("7/HĐ-UBND", "7/HĐ-UBND"),  # typed with Đ: a contract, kept
        ("99/bc-htx", "99/BC-HTX"),  # unknown issuer: upper-cased
        ("  số 57 / NQ – HĐND ", "57/NQ-HĐND"),
        ("Số: 15/TB-UBND", "15/TB-UBND"),
        ("57/NQ-HĐND", "57/NQ-HĐND"),
        ("", ""),
    ],
)
def test_normalize_document_number(raw, expected):
    assert normalize_document_number(raw) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nghị quyết số 57/NQ-HĐND ngày 28/12/2020 của HĐND xã",
         {"number": "57/NQ-HĐND", "type_code": "NQ", "issued_on": date(2020, 12, 28), "year": 2020}),
        ("Kế hoạch số 89/KH-UBND",
         {"number": "89/KH-UBND", "type_code": "KH", "issued_on": None, "year": None}),
        ("căn cứ Quyết định 18/2022/qd-ttg của Thủ tướng Chính phủ",
         {"number": "18/2022/QĐ-TTg", "type_code": "QĐ", "issued_on": None, "year": 2022}),
        ("Thông báo số 12-TB/ĐU ngày 5 tháng 3 năm 2024",
         {"number": "12-TB/ĐU", "type_code": "TB", "issued_on": date(2024, 3, 5), "year": 2024}),
        ("Quyết định số 318/QĐ-TTg, ngày 08/3/2022",
         {"number": "318/QĐ-TTg", "type_code": "QĐ", "issued_on": date(2022, 3, 8), "year": 2022}),
        ("nghi quyet so 57/nq-hdnd ngay 31/2/2020",  # no such day: no date, no year
         {"number": "57/NQ-HĐND", "type_code": "NQ", "issued_on": None, "year": None}),
        ("Công văn số 321/UBND-VP ngày 02/4/2024",
         {"number": "321/UBND-VP", "type_code": None, "issued_on": date(2024, 4, 2), "year": 2024}),
    ],
)
def test_parse_document_citation(text, expected):
    assert parse_document_citation(text) == expected


@pytest.mark.parametrize("text", ["", None, "họp ngày 15/8/2024", "đạt 17/19 tiêu chí", "không có gì"])
def test_parse_document_citation_without_a_document(text):
    assert parse_document_citation(text) is None


def test_document_key_is_the_same_however_the_number_is_typed():
    assert document_key("57/nq-hdnd", 2020) == document_key("57/NQ-HĐND", 2020) == "57/nq-hdnd@2020"
    assert document_key("57/NQ-HĐND", 2020) != document_key("57/NQ-HĐND", 2021)  # numbers restart yearly
    assert document_key("18/2022/qđ-ttg", None) == document_key("18/2022/QĐ-TTg", 2022)
    assert document_key("89/KH-UBND", None) == "89/kh-ubnd@"
