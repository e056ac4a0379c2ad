"""Vietnamese fragments the benchmark data set is built from: place and person names, task titles per body,
meeting titles, notes. Titles read like the conclusions of commune steering committees (DOMAIN.md)."""

PROVINCE_NAME = "Thanh Hóa"
DISTRICT_NAMES = ["Hoằng Hóa", "Quảng Xương", "Thiệu Hóa", "Nông Cống", "Triệu Sơn", "Yên Định", "Hậu Lộc",
                  "Nga Sơn", "Hà Trung", "Vĩnh Lộc", "Cẩm Thủy", "Thạch Thành"]
COMMUNE_FIRST = ["Hoằng", "Quảng", "Yên", "Thiệu", "Đông", "Nga", "Hà", "Triệu", "Nông", "Thọ", "Xuân", "Cẩm",
                 "Vĩnh", "Thạch", "Hậu", "Hải", "Tân", "Minh", "Thanh", "Phú"]
COMMUNE_SECOND = ["Trung", "Phú", "Trường", "Sơn", "Lộc", "Thịnh", "Hòa", "An", "Bình", "Thành", "Tiến", "Hưng",
                  "Lợi", "Phong", "Tân", "Long", "Khê", "Giang", "Lâm", "Quang"]
VILLAGE_NAMES = ["Đông Hải", "Tây Sơn", "Bắc Sơn", "Nam Tiến", "Phú Thượng", "Phú Trung", "Trung Hòa", "An Lạc",
                 "Yên Bình", "Hòa Bình", "Thượng Phúc", "Đồng Tâm", "Tân Lập", "Quyết Tiến", "Liên Hiệp",
                 "Thành Công", "Xuân Áng", "Cẩm Hoàng", "Đoài", "Chùa", "Đình Hương", "Kim Sơn", "Lam Sơn", "Hạ Vũ"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô", "Trịnh", "Lương"]
MIDDLE = ["Văn", "Thị", "Minh", "Đức", "Thu", "Quang", "Ngọc", "Hữu", "Xuân", "Thanh"]
GIVEN = ["Hùng", "Mai", "Nam", "Dũng", "Lan", "Tuấn", "Hằng", "Thắng", "Hoa", "Long", "Hương", "Sơn", "Hải",
         "Phương", "Cường", "Yến", "Quân", "Trang"]

# Commune body (TEMPLATES name) -> (weight as lead body, title templates). Placeholders: {thon} a village,
# {xa} the commune, {nam} the year, {quy} a quarter, {km} a length, {pct} a percentage.
COMMUNE_TASKS: dict[str, tuple[int, list[str]]] = {
    "Ủy ban nhân dân xã": (24, [
        "Hoàn thiện hồ sơ đề nghị công nhận xã {xa} đạt chuẩn NTM nâng cao",
        "Xây dựng kế hoạch thực hiện Chương trình xây dựng NTM năm {nam}",
        "Báo cáo kết quả thực hiện Chương trình xây dựng NTM quý {quy}/{nam}",
        "Chỉ đạo hoàn thành tiêu chí thu nhập bình quân đầu người năm {nam}",
        "Giải quyết dứt điểm nợ đọng xây dựng cơ bản trong xây dựng NTM",
        "Rà soát, đánh giá mức độ đạt các tiêu chí xã NTM kiểu mẫu",
        "Xây dựng đề án phát triển sản phẩm OCOP của xã {xa}",
        "Tổ chức lấy ý kiến nhân dân về sự hài lòng đối với kết quả xây dựng NTM",
    ]),
    "Địa chính - Xây dựng": (10, [
        "Rà soát quy hoạch chung xã {xa}",
        "Bê tông hóa tuyến đường trục thôn {thon}, chiều dài {km} km",
        "Lắp đặt hệ thống đèn chiếu sáng đường thôn {thon}",
        "Xây dựng nhà văn hóa thôn {thon}",
        "Nghiệm thu công trình nâng cấp đường giao thông nội đồng thôn {thon}",
        "Cấp giấy chứng nhận quyền sử dụng đất cho các hộ còn tồn đọng",
        "Nạo vét kênh mương nội đồng thôn {thon}",
    ]),
    "Văn phòng - Thống kê": (6, [
        "Tổng hợp báo cáo tiến độ xây dựng NTM gửi Văn phòng Điều phối NTM tỉnh",
        "Cập nhật số liệu các tiêu chí NTM trên phần mềm quản lý",
        "Hoàn thành chuyển đổi số trong tiếp nhận hồ sơ thủ tục hành chính",
    ]),
    "Tài chính - Kế toán": (6, [
        "Lập dự toán kinh phí xây dựng NTM năm {nam}",
        "Quyết toán vốn đầu tư các công trình NTM năm {nam}",
        "Huy động nguồn lực xã hội hóa cho xây dựng nhà văn hóa thôn {thon}",
    ]),
    "Văn hóa - Xã hội": (8, [
        "Rà soát danh sách hộ nghèo, hộ cận nghèo năm {nam}",
        "Nâng tỷ lệ người dân tham gia bảo hiểm y tế đạt {pct}%",
        "Tổ chức bình xét gia đình văn hóa, thôn văn hóa năm {nam}",
        "Tuyên truyền phân loại rác thải tại nguồn trên hệ thống truyền thanh xã",
        "Cải tạo, nâng cấp trường mầm non xã {xa}",
    ]),
    "Ban quản lý xây dựng NTM xã": (6, [
        "Giám sát thi công công trình nhà văn hóa thôn {thon}",
        "Lập hồ sơ thôn {thon} đạt chuẩn thôn kiểu mẫu",
        "Rà soát, hoàn thiện hồ sơ minh chứng tiêu chí số {so}",
    ]),
    "Đảng ủy xã": (4, [
        "Ban hành nghị quyết chuyên đề về xây dựng xã NTM kiểu mẫu",
        "Sơ kết 6 tháng thực hiện nghị quyết chuyên đề về xây dựng NTM năm {nam}",
    ]),
    "Ủy ban MTTQ Việt Nam xã": (4, [
        "Tổ chức lấy ý kiến sự hài lòng của người dân về kết quả xây dựng NTM",
        "Vận động nhân dân hiến đất mở rộng đường giao thông thôn {thon}",
        "Phát động phong trào 'Toàn dân đoàn kết xây dựng NTM, đô thị văn minh' năm {nam}",
    ]),
    "Hội Nông dân": (4, [
        "Xây dựng mô hình sản xuất lúa hữu cơ tại cánh đồng thôn {thon}",
        "Hỗ trợ hội viên liên kết tiêu thụ sản phẩm OCOP",
    ]),
    "Hội Liên hiệp Phụ nữ": (4, [
        "Ra quân tổng vệ sinh môi trường tại thôn {thon}",
        "Duy trì mô hình 'Nhà sạch, vườn đẹp' tại thôn {thon}",
    ]),
    "Đoàn Thanh niên": (4, [
        "Trồng cây xanh, hoa dọc tuyến đường liên thôn {thon}",
        "Tổ chức ngày chủ nhật xanh thu gom rác thải tại thôn {thon}",
    ]),
    "Hội Cựu chiến binh": (2, ["Vận động hội viên tham gia giữ gìn an ninh trật tự thôn {thon}"]),
    "Tư pháp - Hộ tịch": (3, ["Hoàn thiện hồ sơ tiêu chí tiếp cận pháp luật năm {nam}"]),
    "Trạm Y tế xã": (2, ["Kiểm tra an toàn thực phẩm tại các cơ sở kinh doanh trên địa bàn xã {xa}"]),
    "Công an xã": (2, ["Xây dựng thôn {thon} an toàn về an ninh trật tự"]),
    "Ban chỉ huy Quân sự xã": (1, ["Tổ chức diễn tập phòng thủ dân sự cấp xã năm {nam}"]),
    "Hội đồng nhân dân xã": (1, ["Giám sát việc thực hiện các tiêu chí NTM trên địa bàn xã {xa}"]),
    "Ban chỉ đạo xây dựng NTM xã": (1, ["Kiểm tra tiến độ xây dựng NTM tại các thôn quý {quy}/{nam}"]),
}
VILLAGE_HEAD_WEIGHT = 7
VILLAGE_TASKS = [
    "Tổ chức hội nghị nhân dân thôn {thon} bàn về xây dựng thôn kiểu mẫu",
    "Vận động nhân dân thôn {thon} chỉnh trang hàng rào, cổng ngõ",
    "Thu gom, xử lý rác thải sinh hoạt tại thôn {thon}",
    "Hoàn thiện hồ sơ đề nghị công nhận thôn {thon} đạt chuẩn thôn kiểu mẫu",
]
# Tasks a province or district committee gives to every commune's People's Committee.
UPPER_TASKS = [
    "Báo cáo kết quả thực hiện tiêu chí NTM năm {nam}",
    "Rà soát, đánh giá thực trạng các tiêu chí theo Bộ tiêu chí xã NTM giai đoạn 2026-2030",
    "Hoàn thiện hồ sơ đề nghị xét, công nhận xã đạt chuẩn NTM năm {nam}",
    "Tự đánh giá mức độ đạt các tiêu chí xã NTM nâng cao năm {nam}",
]
UPPER_OWN_TASKS = [
    "Thẩm định hồ sơ đề nghị công nhận xã đạt chuẩn NTM năm {nam}",
    "Phân bổ vốn sự nghiệp Chương trình mục tiêu quốc gia xây dựng NTM năm {nam}",
    "Kiểm tra tiến độ xây dựng NTM tại các xã quý {quy}/{nam}",
]
DESCRIPTIONS = [
    "Đảm bảo chất lượng, tiến độ theo kế hoạch đã đề ra.",
    "Báo cáo kết quả về Văn phòng Điều phối NTM để tổng hợp.",
    "Huy động nguồn lực xã hội hóa và sự đóng góp của nhân dân.",
    "Phối hợp chặt chẽ với các thôn trong quá trình triển khai.",
    "Chủ động tham mưu, đề xuất giải quyết khó khăn, vướng mắc.",
    "Công khai kết quả thực hiện để nhân dân biết, giám sát.",
]
EXPECTED_OUTPUTS = ["Báo cáo kết quả", "Hồ sơ đề nghị công nhận", "Biên bản nghiệm thu", "Kế hoạch được phê duyệt",
                    "Danh sách hộ được rà soát", "Nghị quyết chuyên đề", "Công trình hoàn thành, đưa vào sử dụng"]
# Diacritic-free words that the titles above contain, for the benchmark's text search.
SEARCH_TERMS = ["nha van hoa", "ve sinh moi truong", "ho so de nghi cong nhan", "be tong hoa", "ho ngheo",
                "thon kieu mau", "ocop", "chuyen doi so", "rac thai", "bao hiem y te"]

RECURRING = [
    # (lead body, title, recurrence): monthly and quarterly reports, and the weekly clean-up of DOMAIN.md
    ("Ủy ban nhân dân xã", "Báo cáo tiến độ xây dựng NTM", {"freq": "monthly", "day": 25}),
    ("Ban quản lý xây dựng NTM xã", "Báo cáo kết quả thực hiện các tiêu chí NTM", {"freq": "quarterly", "day": 20}),
    ("Hội Liên hiệp Phụ nữ", "Ra quân tổng vệ sinh môi trường", {"freq": "weekly", "day": 7}),
]

MEETING_TITLES = {
    "steering_meeting": ["Họp Ban chỉ đạo xây dựng NTM tháng {m}/{nam}",
                         "Họp Ban chỉ đạo đánh giá tiến độ thực hiện các tiêu chí NTM"],
    "working_session": ["Buổi làm việc với các thôn về xây dựng thôn kiểu mẫu",
                        "Buổi làm việc với Văn phòng Điều phối NTM về tiến độ tiêu chí",
                        "Buổi làm việc về giải ngân vốn xây dựng NTM năm {nam}"],
    "conference": ["Hội nghị triển khai kế hoạch xây dựng NTM năm {nam}",
                   "Hội nghị sơ kết công tác xây dựng NTM 6 tháng đầu năm {nam}",
                   "Hội nghị tổng kết công tác xây dựng NTM năm {nam}"],
    "inspection": ["Kiểm tra thực tế tiến độ xây dựng nhà văn hóa thôn {thon}",
                   "Kiểm tra thực tế công tác vệ sinh môi trường tại thôn {thon}",
                   "Kiểm tra thực tế các công trình giao thông nông thôn"],
}
MEETING_KIND_WEIGHTS = {"steering_meeting": 35, "working_session": 30, "conference": 15, "inspection": 20}
SUMMARY = "Đến nay xã đạt {a}/19 tiêu chí, {b}/57 chỉ tiêu; đang tập trung hoàn thiện các tiêu chí còn lại."
DIFFICULTIES = ["Nguồn vốn đầu tư còn hạn chế, việc huy động xã hội hóa gặp khó khăn.",
                "Một số hộ dân chưa đồng thuận hiến đất làm đường.",
                "Tiến độ giải ngân vốn sự nghiệp còn chậm.", None]
DOCUMENTS = [
    # (number, issuer, issued ISO date, title)
    ("318/QĐ-TTg", "Thủ tướng Chính phủ", "2022-03-08", "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2021-2025"),
    ("319/QĐ-TTg", "Thủ tướng Chính phủ", "2022-03-08", "Quy định xã nông thôn mới kiểu mẫu giai đoạn 2021-2025"),
    ("51/2025/QĐ-TTg", "Thủ tướng Chính phủ", "2025-12-31", "Bộ tiêu chí quốc gia về xã nông thôn mới 2026-2030"),
    ("57/NQ-HĐND", "HĐND tỉnh", "2020-12-28", "Nghị quyết về xây dựng nông thôn mới giai đoạn 2021-2025"),
    ("89/KH-UBND", "UBND tỉnh", "2021-04-12", "Kế hoạch thực hiện Chương trình xây dựng NTM"),
    ("12-NQ/TU", "Tỉnh ủy", "2021-06-30", "Nghị quyết chuyên đề về xây dựng nông thôn mới"),
    ("145/KH-UBND", "UBND tỉnh", "2023-05-20", "Kế hoạch xây dựng xã NTM nâng cao, kiểu mẫu"),
    ("205/KH-UBND", "UBND tỉnh", "2024-03-15", "Kế hoạch thực hiện Chương trình xây dựng NTM năm 2024"),
    ("33/KH-UBND", "UBND tỉnh", "2025-02-10", "Kế hoạch thực hiện Chương trình xây dựng NTM năm 2025"),
    ("18/KH-UBND", "UBND tỉnh", "2026-01-20", "Kế hoạch thực hiện Chương trình xây dựng NTM năm 2026"),
]
PROGRESS_NOTES = ["Đang triển khai theo kế hoạch.", "Đã hoàn thành khảo sát, đang lập hồ sơ.",
                  "Đã họp thôn, nhân dân đồng thuận.", "Đang chờ bố trí kinh phí.", "Đã thi công được một phần.",
                  "Đã tổng hợp số liệu, đang hoàn thiện báo cáo."]
SUBMIT_NOTES = ["Đã hoàn thành, gửi kèm báo cáo kết quả.", "Đã hoàn thành, đề nghị nghiệm thu."]
RETURN_NOTES = ["Hồ sơ còn thiếu minh chứng, đề nghị bổ sung.", "Số liệu chưa khớp, đề nghị rà soát lại."]
CANCEL_NOTES = ["Nhiệm vụ không còn phù hợp sau sắp xếp đơn vị hành chính.", "Đã lồng ghép vào nhiệm vụ khác."]
DECLINE_NOTE = "Không thuộc chức năng, nhiệm vụ của đơn vị."
EXTENSION_REASONS = ["Thời tiết mưa kéo dài, không thi công được.", "Chưa được bố trí kinh phí.",
                     "Chờ ý kiến thẩm định của cấp trên."]


def conclusion_text(villages: list[str], year: int) -> str:
    """A five-item conclusion in the style of DOMAIN.md, naming two of the commune's villages."""
    first, second = (villages + villages)[:2]
    return (
        "Kết luận buổi làm việc, đồng chí Trưởng ban yêu cầu:\n"
        f"1. Đối với Đảng ủy xã: Ban hành nghị quyết chuyên đề về xây dựng xã NTM kiểu mẫu trước ngày 15/8/{year}.\n"
        "2. Đối với UBND xã: Hoàn thiện hồ sơ đề nghị công nhận xã đạt chuẩn NTM nâng cao, gửi Văn phòng "
        f"Điều phối NTM tỉnh trước ngày 30/10/{year}. Định kỳ báo cáo tiến độ trước ngày 20 hàng tháng.\n"
        f"3. Đối với các thôn {first}, {second}: Tổ chức hội nghị nhân dân lấy ý kiến về xây dựng nhà văn "
        f"hóa thôn trong quý III/{year}.\n"
        "4. Đối với Hội Phụ nữ và Đoàn Thanh niên xã: Ra quân tổng vệ sinh môi trường vào chủ nhật hàng tuần.\n"
        "5. Giao công chức Địa chính - Xây dựng phối hợp với Văn phòng Điều phối NTM tỉnh rà soát quy "
        f"hoạch chung xã, hoàn thành trong tháng 9/{year}.\n"
    )
