"""The conclusion parser: the corpus of real-style texts, deadlines, recurrences, bad input."""
import json
import random
import unicodedata
from datetime import date

import pytest

from ntm_tasks.meetings.parse import (
    NO_BODY,
    BodyRef,
    ParsedItem,
    parse_conclusions,
    parse_deadline,
    parse_recurrence,
)

from .corpus import bodies as b
from .corpus.cases import CASES, MEETING_DAY


@pytest.fixture
def bodies() -> list[BodyRef]:
    return list(b.BODIES)


def _summary(item: ParsedItem) -> dict:
    return {
        "number": item.number,
        "bodies": [(x["id"], x["role"]) for x in item.bodies],
        "due_date": item.due_date,
        "recurrence": item.recurrence,
        "unmatched": item.unmatched,
    }


def _expected(exp) -> dict:
    return {
        "number": exp.number,
        "bodies": [(i, "lead") for i in exp.lead] + [(i, "coordinating") for i in exp.coordinating],
        "due_date": exp.due,
        "recurrence": exp.recurrence,
        "unmatched": list(exp.unmatched),
    }


# -- the corpus ---------------------------------------------------------------------------------


def test_corpus_is_large_enough():
    assert len(CASES) >= 22
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus(case, bodies):
    items = parse_conclusions(case.text, bodies, case.reference_date)

    assert len(items) == len(case.items), [i.text for i in items]
    for index, (item, exp) in enumerate(zip(items, case.items)):
        assert _summary(item) == _expected(exp), f"item {index}: {item.text!r}"
        if exp.addressee is not None:
            assert item.addressee == exp.addressee
        if exp.text is not None:
            assert item.text == exp.text
        for body in item.bodies:
            assert body["name"] == b.BY_ID[body["id"]].name


def test_domain_example_exactly(bodies):
    domain = next(c for c in CASES if c.name == "domain_example")

    items = [i.to_dict() for i in parse_conclusions(domain.text, bodies, date(2024, 7, 10))]

    assert items[0] == {
        "number": "1",
        "addressee": "Đảng ủy xã",
        "text": "Đối với Đảng ủy xã: Ban hành nghị quyết chuyên đề về xây dựng xã NTM kiểu mẫu trước ngày "
                "15/8/2024.",
        "bodies": [{"id": b.DANG_UY, "name": "Đảng ủy xã", "role": "lead"}],
        "due_date": "2024-08-15",
        "recurrence": None,
        "unmatched": [],
    }
    # a continuation line belongs to its item, joined with "\n"
    assert items[1]["text"] == (
        "Đối với UBND xã: Hoàn thiện hồ sơ đề nghị công nhận xã đạt chuẩn NTM nâng cao, gửi Văn phòng\n"
        "Điều phối NTM huyện trước ngày 30/10/2024. Định kỳ báo cáo tiến độ trước ngày 20 hàng tháng.")
    assert items[1]["due_date"] == "2024-10-30"
    assert items[1]["recurrence"] == {"freq": "monthly", "day": 20}
    assert items[2]["bodies"] == [
        {"id": b.TT_DONG_HAI, "name": "Trưởng thôn", "role": "lead"},
        {"id": b.TT_TAY_SON, "name": "Trưởng thôn", "role": "lead"},
    ]
    assert items[2]["due_date"] == "2024-09-30"
    assert [x["id"] for x in items[3]["bodies"]] == [b.HOI_PN, b.DOAN_TN]
    assert items[3]["recurrence"] == {"freq": "weekly", "day": 7}
    assert items[3]["due_date"] is None
    assert items[4]["bodies"] == [
        {"id": b.DC_XD, "name": "Địa chính - Xây dựng", "role": "lead"},
        {"id": b.VPDP_HUYEN, "name": "Văn phòng Điều phối NTM huyện", "role": "coordinating"},
    ]
    assert items[4]["due_date"] == "2024-09-30"
    json.dumps(items, ensure_ascii=False)  # JSON-ready


# -- body matching ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1. UBND xã: họp.", [b.UBND]),
        ("1. Ủy ban nhân dân xã Hoằng Trung: họp.", [b.UBND]),
        ("1. uy ban nhan dan xa: hop.", [b.UBND]),
        ("1. UBND huyện: họp.", [b.UBND_HUYEN]),
        ("1. UBND tỉnh: họp.", [b.UBND_TINH]),
        ("1. HĐND xã: họp.", [b.HDND]),
        ("1. BQL xã: họp.", [b.BQL]),
        ("1. Ban chỉ đạo NTM xã: họp.", [b.BCD]),
        ("1. Ban chỉ đạo xây dựng nông thôn mới xã: họp.", [b.BCD]),
        ("1. Hội LHPN xã: họp.", [b.HOI_PN]),
        ("1. Đoàn TNCS Hồ Chí Minh xã: họp.", [b.DOAN_TN]),
        ("1. VPĐP NTM huyện: họp.", [b.VPDP_HUYEN]),
        ("1. Văn phòng điều phối tỉnh: họp.", [b.VPDP_TINH]),
        ("1. Văn phòng Điều phối NTM: họp.", [b.VPDP_HUYEN]),  # the nearest unit above
        ("1. Phòng NN&PTNT huyện: họp.", [b.PHONG_NN]),
        ("1. Phòng Kinh tế - Hạ tầng: họp.", [b.PHONG_KTHT]),
        ("1. Công chức ĐC-XD: họp.", [b.DC_XD]),
        ("1. Công chức Tư pháp: họp.", [b.TP_HT]),
        ("1. Công an xã và BCH Quân sự xã: họp.", [b.CONG_AN, b.QUAN_SU]),
        ("1. Trạm y tế: họp.", [b.TRAM_YT]),
        ("1. Các thôn: họp.", [b.TT_DONG_HAI, b.TT_TAY_SON, b.TT_BAC_SON]),
        ("1. Thôn Bắc Sơn: họp.", [b.TT_BAC_SON]),
        ("1. Ban phát triển các thôn: họp.", [b.BPT_DONG_HAI, b.BPT_TAY_SON, b.BPT_BAC_SON]),
        ("1. Xã Hoằng Trung: họp.", [b.UBND]),
        ("1. Các đồng chí thành viên BCĐ: họp.", [b.BCD]),
        ("1. Đề nghị các thành viên BCĐ họp.", [b.BCD]),
        ("1. BTV Đảng ủy: họp.", [b.DANG_UY]),
        ("1. Thường trực HĐND xã giám sát.", [b.HDND]),
        ("1. Giao Văn phòng UBND xã tham mưu.", [b.VP_TK]),
        ("1. Xã đội và Công an xã họp.", [b.QUAN_SU, b.CONG_AN]),
        ("1. Yêu cầu Trưởng các thôn họp.", [b.TT_DONG_HAI, b.TT_TAY_SON, b.TT_BAC_SON]),
        ("1. Đảng ủy, HĐND, UBND, UBMTTQ xã họp.", [b.DANG_UY, b.HDND, b.UBND, b.MTTQ]),
        ("1. Đồng chí Chủ tịch Hội Nông dân: họp.", [b.HOI_ND]),
        ("1. Đối với Mặt trận và các đoàn thể: họp.", [b.MTTQ, b.HOI_ND, b.HOI_PN, b.DOAN_TN, b.HOI_CCB]),
    ],
)
def test_addressee_matching(text, expected, bodies):
    [item] = parse_conclusions(text, bodies, MEETING_DAY)

    assert [x["id"] for x in item.bodies] == expected
    assert item.unmatched == []


@pytest.mark.parametrize(
    ("text", "expected", "unmatched"),
    [
        ("7. Thôn Phú Thọ làm đường trục thôn.", [], ["Thôn Phú Thọ", NO_BODY]),  # not every village
        ("1. Giao thôn Phú Thọ làm đường.", [], ["thôn Phú Thọ", NO_BODY]),
        ("1. Thôn 5 và thôn Đông Hải làm đường.", [b.TT_DONG_HAI], ["Thôn 5"]),
        ("1. Thôn Tây Sơn và thôn Phú Thọ làm đường.", [b.TT_TAY_SON], ["thôn Phú Thọ"]),
        ("1. Các thôn Đông Hải, Phú Thọ làm đường.", [b.TT_DONG_HAI], ["Phú Thọ"]),
        ("1. UBND xã Hoằng Phụ làm đường.", [], ["UBND xã Hoằng Phụ", NO_BODY]),  # not this commune's
        ("1. Các thôn hoàn thiện đường trục thôn.", [b.TT_DONG_HAI, b.TT_TAY_SON, b.TT_BAC_SON], []),
        ("1. Trưởng thôn Phú Thọ tổ chức họp dân.", [], ["Trưởng thôn Phú Thọ", NO_BODY]),
        ("1. Các thôn Kiểu mẫu duy trì tiêu chí.", [b.TT_DONG_HAI, b.TT_TAY_SON, b.TT_BAC_SON], []),  # no place
        ("1. UBND xã chủ trì, phối hợp với UBND xã Hoằng Phụ cắm mốc.", [b.UBND], ["UBND xã Hoằng Phụ"]),
    ],
)
def test_a_unit_named_that_the_list_lacks_is_reported(text, expected, unmatched, bodies):
    [item] = parse_conclusions(text, bodies, MEETING_DAY)

    assert [x["id"] for x in item.bodies] == expected
    assert item.unmatched == unmatched


@pytest.mark.parametrize("first, second", [
    ("1/", "2/"), ("(1)", "(2)"), ("1-", "2-"), ("1 -", "2 -"), ("Một là,", "Hai là,"), ("Thứ nhất,", "Thứ hai,"),
])
def test_other_item_markers(first, second, bodies):
    text = (f"{first} UBND xã hoàn thiện hồ sơ trước ngày 30/6/2024.\n"
            f"{second} Hội Phụ nữ xã tuyên truyền trong tháng 7/2024.")
    items = parse_conclusions(text, bodies, MEETING_DAY)

    assert [(i.number, [x["id"] for x in i.bodies], i.due_date) for i in items] == [
        ("1", [b.UBND], date(2024, 6, 30)), ("2", [b.HOI_PN], date(2024, 7, 31))]


def test_other_markers_under_a_numbered_item_are_its_details(bodies):
    items = parse_conclusions("1. UBND xã hoàn thiện hồ sơ theo\n(1) Quyết định 318; (2) Quyết định 319.\n"
                              "2. Đảng ủy xã chỉ đạo.", bodies, MEETING_DAY)
    assert [(i.number, [x["id"] for x in i.bodies]) for i in items] == [("1", [b.UBND]), ("2", [b.DANG_UY])]
    assert "(1) Quyết định 318" in items[0].text

    items = parse_conclusions("1. UBND xã hoàn thiện hồ sơ các tiêu chí:\n1- Giao thông;\n2- Thủy lợi.\n"
                              "2. Đảng ủy xã chỉ đạo.", bodies, MEETING_DAY)
    assert [(i.text, [x["id"] for x in i.bodies]) for i in items] == [
        ("Giao thông;", [b.UBND]), ("Thủy lợi.", [b.UBND]), ("Đảng ủy xã chỉ đạo.", [b.DANG_UY])]


@pytest.mark.parametrize(("text", "expected"), [
    ("3. Đoàn Thanh niên xã ra quân làm đường; Hội Phụ nữ duy trì mô hình phân loại rác.",
     [(b.DOAN_TN, "lead"), (b.HOI_PN, "lead")]),
    ("1. UBND xã hoàn thiện hồ sơ; MTTQ xã phối hợp tuyên truyền.", [(b.UBND, "lead"), (b.MTTQ, "coordinating")]),
    ("1. UBND xã hoàn thiện hồ sơ; thời gian hoàn thành trước 30/6.", [(b.UBND, "lead")]),
])
def test_a_part_after_a_semicolon_may_name_another_body(text, expected, bodies):
    [item] = parse_conclusions(text, bodies, MEETING_DAY)
    assert [(x["id"], x["role"]) for x in item.bodies] == expected


def test_a_wrapped_weekday_is_no_item_marker(bodies):
    [item] = parse_conclusions("1. Đoàn Thanh niên ra quân vào\nthứ hai, thứ sáu hàng tuần.", bodies, MEETING_DAY)
    assert [x["id"] for x in item.bodies] == [b.DOAN_TN] and item.recurrence["freq"] == "weekly"


def test_a_sentence_that_opens_with_its_body_and_ends_in_a_colon(bodies):
    [item] = parse_conclusions("1. UBND xã hoàn thiện các hồ sơ sau: tờ trình, báo cáo.", bodies, MEETING_DAY)
    assert [x["id"] for x in item.bodies] == [b.UBND] and item.unmatched == []


def test_a_partner_the_list_lacks_keeps_the_headings_body(bodies):
    items = parse_conclusions("1. Đối với UBND xã:\n- Tập trung hoàn thành tiêu chí số 17.\n"
                              "- Phối hợp với UBND xã Hoằng Phụ giải quyết tranh chấp ranh giới.", bodies, MEETING_DAY)
    assert [([x["id"] for x in i.bodies], i.unmatched) for i in items] == [
        ([b.UBND], []), ([b.UBND], ["UBND xã Hoằng Phụ"])]


def test_thu_hai_without_a_comma_is_a_weekday_not_an_item(bodies):
    [item] = parse_conclusions("Thứ hai hàng tuần UBND xã họp giao ban.", bodies, MEETING_DAY)

    assert item.number is None and item.recurrence == {"freq": "weekly", "day": 1}


@pytest.mark.parametrize(("text", "expected"), [
    ("Đồng chí Trưởng ban yêu cầu UBND xã hoàn thiện hồ sơ trước ngày 30/6/2024.", [[b.UBND]]),
    ("Đồng chí Chủ tịch UBND xã đề nghị Hội Nông dân xã hướng dẫn nông dân chuyển đổi cây trồng.", [[b.HOI_ND]]),
    ("Kết luận buổi làm việc, đồng chí Trưởng ban đề nghị UBND xã hoàn thiện hồ sơ; Đảng ủy xã chỉ đạo.",
     [[b.UBND], [b.DANG_UY]]),
    ("Đồng chí Trưởng ban đề nghị UBND xã hoàn thiện hồ sơ; tăng cường kiểm tra; Đảng ủy xã chỉ đạo.",
     [[b.UBND], [b.DANG_UY]]),  # the part naming no body stays with the one before it
    ("Đồng chí Trưởng ban đề nghị UBND xã hoàn thiện hồ sơ trước ngày 30/6/2024; Đảng ủy xã ban hành nghị quyết "
     "trong tháng 7/2024; MTTQ xã tuyên truyền vận động nhân dân hàng tháng.", [[b.UBND], [b.DANG_UY], [b.MTTQ]]),
])
def test_the_speaker_then_whom_they_ask_without_a_colon(text, expected, bodies):
    """DOMAIN.md's unnumbered "Đồng chí đề nghị ...; ...; ...": the speaker's body is not the addressee."""
    items = parse_conclusions(text, bodies, MEETING_DAY)

    assert [[x["id"] for x in i.bodies] for i in items] == expected
    assert all(i.unmatched == [] for i in items)


@pytest.mark.parametrize("text", [
    "1. UBND xã chủ trì, Hội Nông dân, Hội CCB phối hợp rà soát trong quý III/2024.",
    "1. Giao UBND xã chủ trì; Hội Nông dân và Hội CCB phối hợp rà soát trong quý III/2024.",
])
def test_coordinating_bodies_named_before_phoi_hop(text, bodies):
    [item] = parse_conclusions(text, bodies, MEETING_DAY)

    assert [(x["id"], x["role"]) for x in item.bodies] == [
        (b.UBND, "lead"), (b.HOI_ND, "coordinating"), (b.HOI_CCB, "coordinating")]
    assert item.due_date == date(2024, 9, 30)


def test_lead_and_coordinating_bodies(bodies):
    [item] = parse_conclusions(
        "Giao Hội Nông dân xã chủ trì, phối hợp với Hội Phụ nữ, Đoàn Thanh niên vận động nhân dân "
        "hiến đất; phối hợp chặt chẽ với Ban phát triển thôn Tây Sơn trong quá trình thực hiện.",
        bodies, MEETING_DAY)

    assert [(x["id"], x["role"]) for x in item.bodies] == [
        (b.HOI_ND, "lead"), (b.HOI_PN, "coordinating"), (b.DOAN_TN, "coordinating"),
        (b.BPT_TAY_SON, "coordinating"),
    ]
    assert item.addressee == "Hội Nông dân xã"


def test_a_body_named_lead_and_coordinating_leads(bodies):
    [item] = parse_conclusions("UBND xã chủ trì, phối hợp với UBND xã và Hội Nông dân tổ chức hội nghị.",
                               bodies, MEETING_DAY)

    assert [(x["id"], x["role"]) for x in item.bodies] == [(b.UBND, "lead"), (b.HOI_ND, "coordinating")]


def test_without_any_bodies_everything_is_unmatched():
    [item] = parse_conclusions("1. Đối với UBND xã: họp trước 15/8/2024.", [], MEETING_DAY)

    assert item.bodies == []
    assert item.unmatched == ["UBND xã", NO_BODY]
    assert item.due_date == date(2024, 8, 15)


def test_a_heading_passes_its_addressee_and_unmatched_on(bodies):
    items = parse_conclusions("1. Đối với HTX Hoằng Trung:\n- Liên kết tiêu thụ lúa.\n- Cung ứng giống.",
                              bodies, MEETING_DAY)

    assert [(i.addressee, i.bodies, i.unmatched) for i in items] == [
        ("HTX Hoằng Trung", [], ["HTX Hoằng Trung", NO_BODY]),
        ("HTX Hoằng Trung", [], ["HTX Hoằng Trung", NO_BODY]),
    ]


def test_sub_items_that_are_details_stay_in_their_item(bodies):
    [item] = parse_conclusions(
        "1. UBND xã tổ chức hội nghị nhân dân trong quý III/2024.\n- Thời gian: do UBND xã quyết định.\n"
        "- Địa điểm: nhà văn hóa thôn Đông Hải.", bodies, MEETING_DAY)

    assert item.text.splitlines()[1:] == [
        "- Thời gian: do UBND xã quyết định.",
        "- Địa điểm: nhà văn hóa thôn Đông Hải.",
    ]
    assert [x["id"] for x in item.bodies] == [b.UBND]
    assert item.due_date == date(2024, 9, 30)


def test_sub_items_that_name_their_own_bodies_are_items(bodies):
    items = parse_conclusions(
        "a) UBND xã hoàn thiện hồ sơ trong tháng 7/2024.\n"
        "b) Tổ chức ra quân tổng vệ sinh môi trường trong tháng 8/2024.\n"
        "- Hội Phụ nữ xã vận động hội viên tham gia.\n"
        "- Đoàn Thanh niên xã ra quân làm đường trước ngày 15/8/2024.\n"
        "c) Đảng ủy xã ban hành nghị quyết.\n"
        "- Ban phát triển thôn Tây Sơn vận động nhân dân.", bodies, MEETING_DAY)

    assert [(i.number, [x["id"] for x in i.bodies], i.due_date) for i in items] == [
        ("a", [b.UBND], date(2024, 7, 31)),
        (None, [b.HOI_PN], date(2024, 8, 31)),  # the heading's month
        (None, [b.DOAN_TN], date(2024, 8, 15)),
        ("c", [b.DANG_UY], None),
        (None, [b.BPT_TAY_SON], None),
    ]


def test_paragraphs_before_a_body_heading_are_items_when_nothing_is_numbered(bodies):
    items = parse_conclusions(
        "UBND xã hoàn thành hồ sơ trước 30/9/2024.\nĐối với Hội Nông dân:\nVận động hội viên.\n"
        "Tổng kết mô hình trước 15/12/2024.", bodies, MEETING_DAY)

    assert [([x["id"] for x in i.bodies], i.due_date) for i in items] == [
        ([b.UBND], date(2024, 9, 30)), ([b.HOI_ND], None), ([b.HOI_ND], date(2024, 12, 15)),
    ]


# -- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\n \t\n", None])
def test_empty_text_gives_no_items(text, bodies):
    assert parse_conclusions(text, bodies, MEETING_DAY) == []


def test_garbage_gives_items_with_unmatched(bodies):
    items = parse_conclusions("asdf qwer zxcv\n!!! ??? ...\nxyz 99/99/9999 trước ngày 45/13", bodies, MEETING_DAY)

    assert [i.text for i in items] == ["asdf qwer zxcv", "xyz 99/99/9999 trước ngày 45/13"]
    assert all(i.bodies == [] and NO_BODY in i.unmatched for i in items)
    assert items[1].due_date is None
    assert items[1].unmatched == ["trước ngày 45/13", NO_BODY]


def test_random_input_never_raises(bodies):
    rng = random.Random(2024)
    alphabet = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạếềểễệớờởỡợ ĐUBNDXT0123456789/.-:;,()+•\n"
    words = " ".join(case.text for case in CASES).split()
    for n in range(300):
        if n % 2:
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 200)))
        else:
            text = "\n".join(" ".join(rng.choice(words) for _ in range(rng.randint(0, 15))) for _ in range(4))
        for item in parse_conclusions(text, bodies, MEETING_DAY):
            json.dumps(item.to_dict())
        parse_deadline(text, MEETING_DAY)
        parse_recurrence(text)


def test_only_an_intro_gives_no_items(bodies):
    assert parse_conclusions("Kết luận buổi làm việc, đồng chí Trưởng ban yêu cầu:", bodies, MEETING_DAY) == []


def test_decomposed_unicode_and_odd_spaces_are_read(bodies):
    text = unicodedata.normalize("NFD", "1.\u00a0Đối với Hội Nông dân:\u200b vận động trước ngày 15/8/2024.\r\n")

    [item] = parse_conclusions(text, bodies, MEETING_DAY)

    assert [x["id"] for x in item.bodies] == [b.HOI_ND]
    assert item.due_date == date(2024, 8, 15)


def test_to_dict_is_json_ready(bodies):
    items = parse_conclusions(CASES[0].text, bodies, MEETING_DAY)

    data = json.loads(json.dumps([i.to_dict() for i in items], ensure_ascii=False))

    assert data[1]["due_date"] == "2024-10-30"
    assert set(data[0]) == {"number", "addressee", "text", "bodies", "due_date", "recurrence", "unmatched"}


# -- deadlines ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("trước ngày 15/8/2024", date(2024, 8, 15)),
        ("chậm nhất ngày 15/8/2024", date(2024, 8, 15)),
        ("hoàn thành trước 30/9/2023", date(2023, 9, 30)),
        ("xong trước ngày 15/8", date(2024, 8, 15)),
        ("trước ngày 15-8-2024", date(2024, 8, 15)),
        ("trước ngày 15.8.2024", date(2024, 8, 15)),
        ("trước 15/8/24", date(2024, 8, 15)),
        ("truoc ngay 15/8/2024", date(2024, 8, 15)),
        ("đến hết ngày 31/10/2024", date(2024, 10, 31)),
        ("thời hạn: 20/9/2024", date(2024, 9, 20)),
        ("trước ngày 15 tháng 8 năm 2024", date(2024, 8, 15)),
        ("trong tháng 9/2024", date(2024, 9, 30)),
        ("trong tháng 9", date(2024, 9, 30)),
        ("trong tháng 2 năm 2024", date(2024, 2, 29)),
        ("trước tháng 9/2024", date(2024, 8, 31)),
        ("đến hết tháng 11", date(2024, 11, 30)),
        ("trong quý III/2024", date(2024, 9, 30)),
        ("trong quý 3", date(2024, 9, 30)),
        ("trong quý IV năm 2025", date(2025, 12, 31)),
        ("quý I/2025", date(2025, 3, 31)),
        ("trước quý IV", date(2024, 9, 30)),
        ("trong 6 tháng đầu năm 2024", date(2024, 6, 30)),
        ("6 tháng cuối năm", date(2024, 12, 31)),
        ("trong năm 2024", date(2024, 12, 31)),
        ("đến hết năm", date(2024, 12, 31)),
        ("trước 31/12", date(2024, 12, 31)),
        ("trong năm nay", date(2024, 12, 31)),
        ("trong năm tới", date(2025, 12, 31)),
        ("trước năm 2026", date(2025, 12, 31)),
        ("trong 15 ngày", date(2024, 7, 25)),
        ("trong vòng 30 ngày", date(2024, 8, 9)),
        ("trong 02 tuần", date(2024, 7, 24)),
        ("trong 01 tháng", date(2024, 8, 10)),
        ("trong 5 ngày làm việc", date(2024, 7, 17)),
        ("trong tháng này", date(2024, 7, 31)),
        ("trong tháng tới", date(2024, 8, 31)),
        ("trong tuần này", date(2024, 7, 14)),
        ("trong tuần tới", date(2024, 7, 21)),
        ("trước ngày 15/1 năm sau", date(2025, 1, 15)),
        ("xong trước 15/8/2024, báo cáo trước 30/9/2024", date(2024, 9, 30)),  # the latest
        ("trước ngày 15/6", date(2024, 6, 15)),  # past, but no year was written: the meeting's year
    ],
)
def test_parse_deadline(phrase, expected):
    assert parse_deadline(phrase, date(2024, 7, 10)) == expected


@pytest.mark.parametrize(
    "phrase",
    [
        "",
        "thường xuyên",
        "trước Tết Nguyên đán",
        "trước ngày 31/2/2024",
        "trong tháng 13",
        "trước ngày 0/8/2024",
        "trong quý V/2024",
        "trước ngày 20 hàng tháng",
        "trước ngày 25/12 hàng năm",
        "theo Kế hoạch số 89/KH-UBND ngày 12/3/2024",
        "huy động 1.5 tỷ đồng",
        "đạt 2/3 kế hoạch, trong 2/3 số thôn",
        "quỹ 1 tỷ đồng",
        "trong năm học mới",
        "trong năm qua",
        "đầu tháng 9",
    ],
)
def test_parse_deadline_without_a_date(phrase):
    assert parse_deadline(phrase, date(2024, 7, 10)) is None


# -- recurrences --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("hàng tuần", {"freq": "weekly", "day": None}),
        ("hằng tuần", {"freq": "weekly", "day": None}),
        ("vào chủ nhật hàng tuần", {"freq": "weekly", "day": 7}),
        ("vào sáng thứ hai hàng tuần", {"freq": "weekly", "day": 1}),
        ("thứ 6 hàng tuần", {"freq": "weekly", "day": 5}),
        ("thứ bảy hàng tuần", {"freq": "weekly", "day": 6}),
        ("hàng tuần vào thứ tư", {"freq": "weekly", "day": 3}),
        ("mỗi tuần một lần", {"freq": "weekly", "day": None}),
        ("trước ngày 25 hàng tháng", {"freq": "monthly", "day": 25}),
        ("trước ngày 20 hằng tháng", {"freq": "monthly", "day": 20}),
        ("định kỳ hàng tháng", {"freq": "monthly", "day": None}),
        ("báo cáo hàng tháng trước ngày 5", {"freq": "monthly", "day": 5}),
        ("mỗi tháng một lần, vào ngày 10", {"freq": "monthly", "day": 10}),
        ("1 lần/tháng", {"freq": "monthly", "day": None}),
        ("trước 25 hằng tháng", {"freq": "monthly", "day": 25}),  # "ngày" left out, as the guide writes it
        ("hàng tháng, chậm nhất ngày 25", {"freq": "monthly", "day": 25}),
        ("hàng tháng, trước 5 ngày làm việc", {"freq": "monthly", "day": None}),  # a span, not the 5th
        ("hàng quý", {"freq": "quarterly", "day": None}),
        ("định kỳ hàng quý", {"freq": "quarterly", "day": None}),
        ("hàng quý, trước ngày 15 tháng cuối quý", {"freq": "quarterly", "day": 15}),
        ("định kỳ 6 tháng", {"freq": "semiannual", "day": None}),
        ("6 tháng một lần", {"freq": "semiannual", "day": None}),
        ("định kỳ 06 tháng, vào ngày 20 tháng cuối kỳ", {"freq": "semiannual", "day": 20}),
        ("hàng năm", {"freq": "yearly", "day": None, "month": None}),
        ("vào tháng 12 hàng năm", {"freq": "yearly", "day": None, "month": 12}),
        ("trước ngày 15/12 hàng năm", {"freq": "yearly", "day": 15, "month": 12}),
        ("ngày 22 tháng 12 hằng năm", {"freq": "yearly", "day": 22, "month": 12}),
        ("hằng năm, trước ngày 15/12", {"freq": "yearly", "day": 15, "month": 12}),
        ("hàng năm chậm nhất ngày 31/1", {"freq": "yearly", "day": 31, "month": 1}),
        ("hằng năm trước ngày 15/12/2026", {"freq": "yearly", "day": None, "month": None}),  # that year's date
        ("hằng năm, trước 15/12", {"freq": "yearly", "day": 15, "month": 12}),
        ("trước 15/12 hằng năm", {"freq": "yearly", "day": 15, "month": 12}),
        ("HANG THANG", {"freq": "monthly", "day": None}),
    ],
)
def test_parse_recurrence(phrase, expected):
    assert parse_recurrence(phrase) == expected


@pytest.mark.parametrize(("phrase", "expected"), [
    ("trước ngày 15/1", date(2027, 1, 15)), ("trong tháng 2", date(2027, 2, 28)), ("trong quý I", date(2027, 3, 31)),
    ("trước ngày 15/12", date(2026, 12, 15)), ("trước ngày 1/11", date(2026, 11, 1)),  # just passed: kept
    ("trước ngày 15/1/2026", date(2026, 1, 15)), ("trong năm", date(2026, 12, 31)),
    ("trước ngày 1/10", date(2027, 10, 1)), ("trước ngày 15/10", date(2026, 10, 15)),  # 70 and 56 days before
])
def test_a_date_without_its_year_lies_ahead_of_a_december_meeting(phrase, expected):
    assert parse_deadline(phrase, date(2026, 12, 10)) == expected


@pytest.mark.parametrize(
    "phrase",
    ["", "thường xuyên", "trước ngày 15/8/2024", "trong tháng 9", "6 tháng đầu năm", "trong quý III",
     "tháng năm", "hàng ngày", "kế hoạch số 12/KH-UBND"],
)
def test_parse_recurrence_none(phrase):
    assert parse_recurrence(phrase) is None


def test_a_day_that_does_not_exist_leaves_the_day_out():
    assert parse_recurrence("trước ngày 40 hàng tháng") == {"freq": "monthly", "day": None}
    assert parse_recurrence("ngày 31/2 hàng năm") == {"freq": "yearly", "day": None, "month": 2}


def test_recurring_item_has_no_due_date_unless_a_one_off_part_has_one(bodies):
    items = parse_conclusions(
        "1. Hội Nông dân báo cáo trước ngày 25 hàng tháng.\n"
        "2. UBND xã hoàn thành trước 30/9/2024; định kỳ hàng quý báo cáo kết quả.",
        bodies, MEETING_DAY)

    assert [(i.due_date, i.recurrence) for i in items] == [
        (None, {"freq": "monthly", "day": 25}),
        (date(2024, 9, 30), {"freq": "quarterly", "day": None}),
    ]
