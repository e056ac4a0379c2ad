"""The bodies a meeting of commune Hoằng Trung may address, as the parser receives them.

Province Thanh Hóa → district Hoằng Hóa → commune Hoằng Trung (the meeting's unit) → villages
Đông Hải, Tây Sơn, Bắc Sơn. Ids are grouped by unit so the tests read: 1xx province, 2xx district,
3xx commune, 4xx villages.
"""
from ntm_tasks.meetings.parse import BodyRef

PROVINCE, DISTRICT, COMMUNE = 1, 2, 10
DONG_HAI, TAY_SON, BAC_SON = 21, 22, 23

# province
UBND_TINH, VPDP_TINH = 101, 102
# district
HUYEN_UY, UBND_HUYEN, VPDP_HUYEN, PHONG_NN, PHONG_KTHT, BCD_HUYEN, HOI_ND_HUYEN = 201, 202, 203, 204, 205, 206, 207
# commune
DANG_UY, HDND, UBND, MTTQ, HOI_ND, HOI_PN, DOAN_TN, HOI_CCB, BCD, BQL = range(301, 311)
VP_TK, DC_XD, TC_KT, TP_HT, VH_XH, CONG_AN, TRAM_YT, QUAN_SU, TRUONG_TH = range(311, 320)
# villages: head, development board, party cell, front committee
TT_DONG_HAI, BPT_DONG_HAI, CB_DONG_HAI, MT_DONG_HAI = 401, 402, 403, 404
TT_TAY_SON, BPT_TAY_SON, CB_TAY_SON, MT_TAY_SON = 411, 412, 413, 414
TT_BAC_SON, BPT_BAC_SON, CB_BAC_SON, MT_BAC_SON = 421, 422, 423, 424


def _province(id_, name, kind, short=None):
    return BodyRef(id_, name, kind, short, PROVINCE, "tỉnh Thanh Hóa", "province", "above")


def _district(id_, name, kind, short=None):
    return BodyRef(id_, name, kind, short, DISTRICT, "Hoằng Hóa", "district", "above")


def _commune(id_, name, kind, short=None):
    return BodyRef(id_, name, kind, short, COMMUNE, "Hoằng Trung", "commune", "own")


def _village(unit_id, unit_name, first_id):
    return [
        BodyRef(first_id, "Trưởng thôn", "village_head", None, unit_id, unit_name, "village", "child"),
        BodyRef(first_id + 1, "Ban phát triển thôn", "management_board", None, unit_id, unit_name, "village",
                "child"),
        BodyRef(first_id + 2, "Chi bộ thôn", "party_cell", None, unit_id, unit_name, "village", "child"),
        BodyRef(first_id + 3, "Ban công tác Mặt trận thôn", "fatherland_front", None, unit_id, unit_name,
                "village", "child"),
    ]


BODIES = [
    _province(UBND_TINH, "UBND tỉnh", "peoples_committee", "UBND"),
    _province(VPDP_TINH, "Văn phòng Điều phối NTM tỉnh", "coordination_office", "VPĐP"),
    _district(HUYEN_UY, "Huyện ủy", "party_committee"),
    _district(UBND_HUYEN, "UBND huyện", "peoples_committee", "UBND"),
    _district(VPDP_HUYEN, "Văn phòng Điều phối NTM huyện", "coordination_office", "VPĐP"),
    _district(PHONG_NN, "Phòng Nông nghiệp và PTNT", "department"),
    _district(PHONG_KTHT, "Phòng Kinh tế - Hạ tầng", "department"),
    _district(BCD_HUYEN, "Ban chỉ đạo xây dựng NTM huyện", "steering_committee", "BCĐ"),
    _district(HOI_ND_HUYEN, "Hội Nông dân huyện", "mass_organization"),
    _commune(DANG_UY, "Đảng ủy xã", "party_committee"),
    _commune(HDND, "Hội đồng nhân dân xã", "peoples_council", "HĐND"),
    _commune(UBND, "Ủy ban nhân dân xã", "peoples_committee", "UBND"),
    _commune(MTTQ, "Ủy ban MTTQ Việt Nam xã", "fatherland_front", "UBMTTQ"),
    _commune(HOI_ND, "Hội Nông dân", "mass_organization"),
    _commune(HOI_PN, "Hội Liên hiệp Phụ nữ", "mass_organization", "Hội Phụ nữ"),
    _commune(DOAN_TN, "Đoàn Thanh niên", "mass_organization", "Đoàn TN"),
    _commune(HOI_CCB, "Hội Cựu chiến binh", "mass_organization", "Hội CCB"),
    _commune(BCD, "Ban chỉ đạo xây dựng NTM xã", "steering_committee", "BCĐ"),
    _commune(BQL, "Ban quản lý xây dựng NTM xã", "management_board", "BQL"),
    _commune(VP_TK, "Văn phòng - Thống kê", "civil_servant"),
    _commune(DC_XD, "Địa chính - Xây dựng", "civil_servant"),
    _commune(TC_KT, "Tài chính - Kế toán", "civil_servant"),
    _commune(TP_HT, "Tư pháp - Hộ tịch", "civil_servant"),
    _commune(VH_XH, "Văn hóa - Xã hội", "civil_servant"),
    _commune(CONG_AN, "Công an xã", "police"),
    _commune(TRAM_YT, "Trạm Y tế xã", "health_station"),
    _commune(QUAN_SU, "Ban chỉ huy Quân sự xã", "military"),
    _commune(TRUONG_TH, "Trường Tiểu học Hoằng Trung", "school"),
    *_village(DONG_HAI, "thôn Đông Hải", TT_DONG_HAI),
    *_village(TAY_SON, "Tây Sơn", TT_TAY_SON),
    *_village(BAC_SON, "thôn Bắc Sơn", TT_BAC_SON),
]

BY_ID = {b.id: b for b in BODIES}
