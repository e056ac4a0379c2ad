"""The bodies a new unit gets, per level (DOMAIN.md); admins edit them afterwards."""
from ntm_tasks.org.models import BodyKind as K

MASS_ORGANIZATIONS = [
    (K.MASS_ORGANIZATION, "Hội Nông dân", None),
    (K.MASS_ORGANIZATION, "Hội Liên hiệp Phụ nữ", "Hội Phụ nữ"),
    (K.MASS_ORGANIZATION, "Đoàn Thanh niên", "Đoàn TN"),
    (K.MASS_ORGANIZATION, "Hội Cựu chiến binh", "Hội CCB"),
]

TEMPLATES: dict[str, list[tuple[K, str, str | None]]] = {
    "province": [
        (K.PARTY_COMMITTEE, "Tỉnh ủy", None),
        (K.PEOPLES_COUNCIL, "Hội đồng nhân dân tỉnh", "HĐND tỉnh"),
        (K.PEOPLES_COMMITTEE, "Ủy ban nhân dân tỉnh", "UBND tỉnh"),
        (K.FATHERLAND_FRONT, "Ủy ban MTTQ Việt Nam tỉnh", "UBMTTQ tỉnh"),
        *MASS_ORGANIZATIONS,
        (K.STEERING_COMMITTEE, "Ban chỉ đạo xây dựng NTM tỉnh", "BCĐ tỉnh"),
        (K.COORDINATION_OFFICE, "Văn phòng Điều phối NTM tỉnh", "VPĐP tỉnh"),
        (K.DEPARTMENT, "Sở Nông nghiệp và Môi trường", "Sở NN&MT"),
        (K.DEPARTMENT, "Sở Tài chính", None),
        (K.DEPARTMENT, "Sở Xây dựng", None),
        (K.DEPARTMENT, "Sở Văn hóa, Thể thao và Du lịch", "Sở VHTTDL"),
    ],
    "district": [
        (K.PARTY_COMMITTEE, "Huyện ủy", None),
        (K.PEOPLES_COUNCIL, "Hội đồng nhân dân huyện", "HĐND huyện"),
        (K.PEOPLES_COMMITTEE, "Ủy ban nhân dân huyện", "UBND huyện"),
        (K.FATHERLAND_FRONT, "Ủy ban MTTQ Việt Nam huyện", "UBMTTQ huyện"),
        *MASS_ORGANIZATIONS,
        (K.STEERING_COMMITTEE, "Ban chỉ đạo xây dựng NTM huyện", "BCĐ huyện"),
        (K.COORDINATION_OFFICE, "Văn phòng Điều phối NTM huyện", "VPĐP huyện"),
        (K.DEPARTMENT, "Phòng Nông nghiệp và PTNT", "Phòng NN&PTNT"),
        (K.DEPARTMENT, "Phòng Tài chính - Kế hoạch", "Phòng TC-KH"),
        (K.DEPARTMENT, "Phòng Kinh tế - Hạ tầng", "Phòng KT-HT"),
        (K.DEPARTMENT, "Phòng Văn hóa - Thông tin", "Phòng VH-TT"),
    ],
    "commune": [
        (K.PARTY_COMMITTEE, "Đảng ủy xã", None),
        (K.PEOPLES_COUNCIL, "Hội đồng nhân dân xã", "HĐND"),
        (K.PEOPLES_COMMITTEE, "Ủy ban nhân dân xã", "UBND"),
        (K.FATHERLAND_FRONT, "Ủy ban MTTQ Việt Nam xã", "UBMTTQ"),
        *MASS_ORGANIZATIONS,
        (K.STEERING_COMMITTEE, "Ban chỉ đạo xây dựng NTM xã", "BCĐ"),
        (K.MANAGEMENT_BOARD, "Ban quản lý xây dựng NTM xã", "BQL"),
        (K.CIVIL_SERVANT, "Văn phòng - Thống kê", None),
        (K.CIVIL_SERVANT, "Địa chính - Xây dựng", None),
        (K.CIVIL_SERVANT, "Tài chính - Kế toán", None),
        (K.CIVIL_SERVANT, "Tư pháp - Hộ tịch", None),
        (K.CIVIL_SERVANT, "Văn hóa - Xã hội", None),
        (K.HEALTH_STATION, "Trạm Y tế xã", None),
        (K.POLICE, "Công an xã", None),
        (K.MILITARY, "Ban chỉ huy Quân sự xã", None),
    ],
    "village": [
        (K.PARTY_CELL, "Chi bộ thôn", None),
        (K.FATHERLAND_FRONT, "Ban công tác Mặt trận thôn", None),
        (K.MANAGEMENT_BOARD, "Ban phát triển thôn", None),
        (K.VILLAGE_HEAD, "Trưởng thôn", None),
    ],
}
