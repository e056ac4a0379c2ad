"""Conclusion texts as secretaries paste them, with what the parser must read from each.

Each case gives the text, the meeting date and, item by item, the number, the lead and
coordinating body ids (in order), the due date, the recurrence and the unmatched list.
Bodies are those of ``bodies.py`` (commune Hoằng Trung and the units around it).
"""
from dataclasses import dataclass
from datetime import date

from ntm_tasks.meetings.parse import NO_BODY, NO_LEAD

from .bodies import (
    BCD, BCD_HUYEN, BQL, BPT_BAC_SON, BPT_DONG_HAI, BPT_TAY_SON, CB_BAC_SON, CB_DONG_HAI, CB_TAY_SON,
    CONG_AN, DANG_UY, DC_XD, DOAN_TN, HDND, HOI_CCB, HOI_ND, HOI_ND_HUYEN, HOI_PN, HUYEN_UY, MT_BAC_SON,
    MT_DONG_HAI, MT_TAY_SON, MTTQ, PHONG_KTHT, PHONG_NN, QUAN_SU, TC_KT, TRAM_YT, TRUONG_TH, TT_BAC_SON,
    TT_DONG_HAI, TT_TAY_SON, UBND, UBND_HUYEN, VH_XH, VP_TK, VPDP_HUYEN, VPDP_TINH,
)

MEETING_DAY = date(2024, 7, 10)  # a Wednesday
ALL_HEADS = (TT_DONG_HAI, TT_TAY_SON, TT_BAC_SON)
MASS_ORGANIZATIONS = (HOI_ND, HOI_PN, DOAN_TN, HOI_CCB)


@dataclass(frozen=True)
class Item:
    number: str | None
    lead: tuple[int, ...]
    coordinating: tuple[int, ...] = ()
    due: date | None = None
    recurrence: dict | None = None
    unmatched: tuple[str, ...] = ()
    addressee: str | None = None  # checked when given
    text: str | None = None  # checked when given


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    items: tuple[Item, ...]
    reference_date: date = MEETING_DAY


def monthly(day):
    return {"freq": "monthly", "day": day}


def weekly(day):
    return {"freq": "weekly", "day": day}


CASES = [
    Case(
        "domain_example",
        """
    Kết luận buổi làm việc, đồng chí Trưởng ban yêu cầu:
    1. Đối với Đảng ủy xã: Ban hành nghị quyết chuyên đề về xây dựng xã NTM kiểu mẫu trước ngày 15/8/2024.
    2. Đối với UBND xã: Hoàn thiện hồ sơ đề nghị công nhận xã đạt chuẩn NTM nâng cao, gửi Văn phòng
       Điều phối NTM huyện trước ngày 30/10/2024. Định kỳ báo cáo tiến độ trước ngày 20 hàng tháng.
    3. Đối với các thôn Đông Hải, Tây Sơn: Tổ chức hội nghị nhân dân lấy ý kiến về xây dựng nhà văn
       hóa thôn trong quý III/2024.
    4. Đối với Hội Phụ nữ và Đoàn Thanh niên xã: Ra quân tổng vệ sinh môi trường vào chủ nhật hàng tuần.
    5. Giao công chức Địa chính - Xây dựng phối hợp với Văn phòng Điều phối NTM huyện rà soát quy
       hoạch chung xã, hoàn thành trong tháng 9/2024.
""",
        (
            Item("1", (DANG_UY,), due=date(2024, 8, 15), addressee="Đảng ủy xã"),
            Item("2", (UBND,), due=date(2024, 10, 30), recurrence=monthly(20), addressee="UBND xã"),
            Item("3", (TT_DONG_HAI, TT_TAY_SON), due=date(2024, 9, 30), addressee="các thôn Đông Hải, Tây Sơn"),
            Item("4", (HOI_PN, DOAN_TN), recurrence=weekly(7), addressee="Hội Phụ nữ và Đoàn Thanh niên xã"),
            Item("5", (DC_XD,), (VPDP_HUYEN,), due=date(2024, 9, 30), addressee="công chức Địa chính - Xây dựng"),
        ),
    ),
    Case(
        "numbered_by_body_with_colon",
        """Kết luận hội nghị, đồng chí Chủ tịch UBND xã yêu cầu:
1. UBND xã: Chỉ đạo hoàn thành cứng hóa 2,5 km đường trục thôn chậm nhất ngày 30/9/2024.
2. Hội Nông dân: Vận động hội viên đăng ký mô hình sản xuất hàng hóa trong tháng 8.
3. Hội CCB, Hội Phụ nữ: Tuyên truyền hội viên phân loại rác thải tại nguồn trước 31/12.
4. HĐND xã: Giám sát việc huy động, sử dụng nguồn lực xây dựng NTM trong năm 2024.
5. Ủy ban MTTQ xã: Phát động phong trào "Toàn dân đoàn kết xây dựng NTM" hoàn thành trước 30/9/2023.
""",
        (
            Item("1", (UBND,), due=date(2024, 9, 30), addressee="UBND xã"),
            Item("2", (HOI_ND,), due=date(2024, 8, 31)),
            Item("3", (HOI_CCB, HOI_PN), due=date(2024, 12, 31), addressee="Hội CCB, Hội Phụ nữ"),
            Item("4", (HDND,), due=date(2024, 12, 31)),
            # an explicit year is kept even when it is before the meeting
            Item("5", (MTTQ,), due=date(2023, 9, 30)),
        ),
    ),
    Case(
        "giao_chu_tri_phoi_hop",
        """Đồng chí Phó Chủ tịch UBND xã, Phó Trưởng ban Thường trực BCĐ kết luận:
1. Giao UBND xã chủ trì, phối hợp với Hội Nông dân và các thôn rà soát, hoàn thiện hồ sơ tiêu chí Tổ chức sản xuất, xong trước ngày 15/8.
2. Giao công chức Văn hóa - Xã hội chủ trì, phối hợp với Đoàn Thanh niên, Hội Liên hiệp Phụ nữ xã tổ chức Ngày hội văn hóa thể thao các thôn trong quý III/2024.
3. Giao công chức Tài chính - Kế toán phối hợp với Phòng Tài chính - Kế hoạch huyện cân đối nguồn vốn đối ứng, báo cáo UBND xã trước ngày 31/7/2024.
4. Giao Công an xã chủ trì, phối hợp với Ban chỉ huy Quân sự xã và Trưởng thôn Đông Hải đảm bảo an ninh trật tự trong dịp Ngày hội.
""",
        (
            Item("1", (UBND,), (HOI_ND, *ALL_HEADS), due=date(2024, 8, 15), addressee="UBND xã"),
            Item("2", (VH_XH,), (DOAN_TN, HOI_PN), due=date(2024, 9, 30)),
            Item("3", (TC_KT,), due=date(2024, 7, 31), unmatched=("Phòng Tài chính - Kế hoạch huyện",)),
            Item("4", (CONG_AN,), (QUAN_SU, TT_DONG_HAI)),
        ),
    ),
    Case(
        "unnumbered_semicolons_after_intro",
        """Sau khi nghe ý kiến các đại biểu, đồng chí Chủ tịch UBND xã kết luận như sau:
Đồng chí Chủ tịch đề nghị: UBND xã chỉ đạo hoàn thiện hồ sơ tiêu chí môi trường trước ngày 20/8/2024; Hội Nông dân vận động hội viên thu gom rác thải hàng tuần; các thôn tổ chức tổng vệ sinh vào sáng chủ nhật hàng tuần; Đoàn Thanh niên xã ra quân trồng cây xanh trong tháng 8.
""",
        (
            Item(None, (UBND,), due=date(2024, 8, 20), addressee="UBND xã"),
            Item(None, (HOI_ND,), recurrence=weekly(None)),
            Item(None, ALL_HEADS, recurrence=weekly(7), addressee="các thôn"),
            Item(None, (DOAN_TN,), due=date(2024, 8, 31)),
        ),
    ),
    Case(
        "multi_paragraph_items",
        """Kết luận buổi làm việc, đồng chí Trưởng ban yêu cầu:
1. Đối với UBND xã:
Tập trung chỉ đạo hoàn thành tiêu chí Nhà ở dân cư, hỗ trợ xóa 12 nhà tạm trước ngày 30/11/2024.
Định kỳ ngày 25 hàng tháng báo cáo tiến độ về Văn phòng Điều phối NTM huyện.
2. Đối với Hội Nông dân xã: Phối hợp với Ngân hàng Chính sách xã hội giải ngân vốn vay cho hội viên.
Việc giải ngân hoàn thành trong quý IV/2024.
3. Đối với Ban quản lý xây dựng NTM xã: Lập hồ sơ quyết toán các công trình đã hoàn thành,
gửi Phòng Tài chính - Kế hoạch thẩm tra trong tháng 12/2024.
""",
        (
            Item("1", (UBND,), due=date(2024, 11, 30), recurrence=monthly(25)),
            Item("2", (HOI_ND,), due=date(2024, 12, 31), unmatched=("Ngân hàng Chính sách xã hội",)),
            Item("3", (BQL,), due=date(2024, 12, 31), addressee="Ban quản lý xây dựng NTM xã"),
        ),
    ),
    Case(
        "roman_sections",
        """THÔNG BÁO
Kết luận của đồng chí Bí thư Đảng ủy, Trưởng BCĐ xây dựng NTM xã tại hội nghị sơ kết 6 tháng đầu năm 2024
I. ĐÁNH GIÁ CHUNG
Thời gian qua, xã đã đạt 17/19 tiêu chí; trong năm 2023 hoàn thành thêm 2 tiêu chí.
1. Kết quả đạt được:
- Tiêu chí Giao thông hoàn thành trước 30/6/2024.
II. NHIỆM VỤ TRỌNG TÂM 6 THÁNG CUỐI NĂM
1. Công tác quy hoạch
1.1. Giao UBND xã chủ trì, phối hợp với Văn phòng Điều phối NTM huyện điều chỉnh quy hoạch chung xã, xong trước 15/10/2024.
1.2. Văn phòng - Thống kê tổng hợp báo cáo định kỳ hàng quý, trước ngày 15 tháng cuối quý.
2. Đối với các đồng chí thành viên BCĐ: bám sát địa bàn được phân công, báo cáo vào thứ 6 hàng tuần.
3. Đề nghị HTX Hoằng Trung và Hội Nông dân xã tổ chức sản xuất vụ Đông trong quý 4.
III. ĐỀ XUẤT, KIẾN NGHỊ
1. Đề nghị UBND huyện hỗ trợ kinh phí làm đường trục thôn trước Tết Nguyên đán.
2. Đề nghị Văn phòng Điều phối NTM tỉnh hướng dẫn hoàn thiện hồ sơ trong tháng 8.
Trên đây là kết luận của đồng chí Trưởng ban, Văn phòng UBND xã thông báo để các cơ quan, đơn vị biết, thực hiện.
Nơi nhận:
- Như trên;
- Lưu: VT.
""",
        (
            Item("1.1", (UBND,), (VPDP_HUYEN,), due=date(2024, 10, 15)),
            Item("1.2", (VP_TK,), recurrence={"freq": "quarterly", "day": 15}),
            Item("2", (BCD,), recurrence=weekly(5), addressee="các đồng chí thành viên BCĐ"),
            Item("3", (HOI_ND,), due=date(2024, 12, 31), unmatched=("HTX Hoằng Trung",)),
            Item("1", (UBND_HUYEN,), unmatched=("trước Tết Nguyên đán",)),
            Item("2", (VPDP_TINH,), due=date(2024, 8, 31)),
        ),
    ),
    Case(
        "careless_lowercase_without_diacritics",
        """ket luan cuoc hop, dong chi bi thu yeu cau:
1. doi voi ubnd xa: hoan thien ho so de nghi cong nhan truoc ngay 15/9/2024
2. hoi nong dan, hoi ccb: van dong nhan dan hien dat lam duong trong quy 3/2024
3. giao dia chinh xay dung phoi hop voi phong kinh te ha tang huyen ra soat quy hoach, xong trong thang 10
4. cac thon dong hai, bac son to chuc hop dan lay y kien truoc 30/8
5. doan tn: dinh ky 6 thang bao cao ket qua
6. bcd xa hop giao ban vao thu hai hang tuan
7. van phong dieu phoi ntm huyen: huong dan xa hoan thien ho so truoc 15/8
""",
        (
            Item("1", (UBND,), due=date(2024, 9, 15), addressee="ubnd xa"),
            Item("2", (HOI_ND, HOI_CCB), due=date(2024, 9, 30)),
            Item("3", (DC_XD,), (PHONG_KTHT,), due=date(2024, 10, 31)),
            Item("4", (TT_DONG_HAI, TT_BAC_SON), due=date(2024, 8, 30)),
            Item("5", (DOAN_TN,), recurrence={"freq": "semiannual", "day": None}),
            Item("6", (BCD,), recurrence=weekly(1)),
            Item("7", (VPDP_HUYEN,), due=date(2024, 8, 15)),
        ),
    ),
    Case(
        "headings_with_sub_items",
        """Đồng chí Trưởng ban kết luận:
1. Đối với UBND xã:
a) Chỉ đạo các thôn ra quân làm đường giao thông nội đồng trước 30/8/2024;
b) Hoàn thiện hồ sơ tiêu chí Thu nhập, báo cáo 6 tháng một lần.
2. Đối với các thôn, trước 31/12/2024 hoàn thành:
- Thôn Đông Hải: xây dựng nhà văn hóa.
- Tây Sơn, Bắc Sơn: cứng hóa kênh mương nội đồng.
- Thu gom, xử lý rác thải đúng quy định.
3. Giao Hội Phụ nữ chủ trì, phối hợp với Đoàn Thanh niên thực hiện các nội dung sau:
- Duy trì mô hình "Đường hoa phụ nữ" tại các thôn;
- Tổ chức ra quân vệ sinh môi trường vào thứ bảy hàng tuần.
""",
        (
            Item("a", (UBND,), due=date(2024, 8, 30), addressee="UBND xã"),
            Item("b", (UBND,), recurrence={"freq": "semiannual", "day": None}),
            Item(None, (TT_DONG_HAI,), due=date(2024, 12, 31), addressee="Thôn Đông Hải"),
            Item(None, (TT_TAY_SON, TT_BAC_SON), due=date(2024, 12, 31)),
            Item(None, ALL_HEADS, due=date(2024, 12, 31), addressee="các thôn"),
            Item(None, (HOI_PN,), (DOAN_TN,), addressee="Hội Phụ nữ"),
            Item(None, (HOI_PN,), (DOAN_TN,), recurrence=weekly(6)),
        ),
    ),
    Case(
        "recurrences",
        """Kết luận, đồng chí Chủ tịch giao nhiệm vụ như sau:
1. Văn phòng - Thống kê tổng hợp, báo cáo kết quả thực hiện NTM định kỳ hàng quý.
2. Tài chính - Kế toán báo cáo tình hình giải ngân vốn trước ngày 20 hàng tháng.
3. BCĐ xã họp giao ban vào sáng thứ hai hàng tuần.
4. Hội Cựu chiến binh sơ kết mô hình "Khu dân cư tự quản" 6 tháng một lần.
5. UBND xã tổ chức tổng kết phong trào thi đua vào tháng 12 hàng năm.
6. Đảng ủy xã kiểm điểm việc lãnh đạo trước ngày 15/12 hàng năm.
7. Trạm Y tế xã kiểm tra an toàn thực phẩm định kỳ mỗi tháng một lần, vào ngày 10.
""",
        (
            Item("1", (VP_TK,), recurrence={"freq": "quarterly", "day": None}),
            Item("2", (TC_KT,), recurrence=monthly(20)),
            Item("3", (BCD,), recurrence=weekly(1)),
            Item("4", (HOI_CCB,), recurrence={"freq": "semiannual", "day": None}),
            Item("5", (UBND,), recurrence={"freq": "yearly", "day": None, "month": 12}),
            Item("6", (DANG_UY,), recurrence={"freq": "yearly", "day": 15, "month": 12}),
            Item("7", (TRAM_YT,), recurrence=monthly(10)),
        ),
    ),
    Case(
        "deadlines_relative_to_the_meeting",
        """Kết luận cuộc họp, đồng chí Chủ tịch yêu cầu:
1. UBND xã hoàn thiện hồ sơ trình huyện trong 15 ngày.
2. Địa chính - Xây dựng hoàn thành thủ tục giao đất trong 10 ngày làm việc.
3. Hội Nông dân báo cáo kết quả trong tháng này.
4. Đoàn Thanh niên tổ chức ra quân trong tuần tới.
5. Trưởng thôn Tây Sơn nộp biên bản họp dân trước ngày 5/1 năm sau.
6. Ban phát triển thôn Bắc Sơn hoàn thành trước ngày 15/10.
7. UBND xã tổng kết trong 6 tháng đầu năm 2025.
8. Hội Phụ nữ hoàn thành đến hết năm.
""",
        (
            Item("1", (UBND,), due=date(2024, 12, 5)),
            Item("2", (DC_XD,), due=date(2024, 12, 4)),
            Item("3", (HOI_ND,), due=date(2024, 11, 30)),
            Item("4", (DOAN_TN,), due=date(2024, 12, 1)),
            Item("5", (TT_TAY_SON,), due=date(2025, 1, 5)),
            # no year and already past: the meeting's year is kept (see the module docstring)
            Item("6", (BPT_BAC_SON,), due=date(2024, 10, 15)),
            Item("7", (UBND,), due=date(2025, 6, 30)),
            Item("8", (HOI_PN,), due=date(2024, 12, 31)),
        ),
        reference_date=date(2024, 11, 20),  # a Wednesday
    ),
    Case(
        "steering_members_and_units_above",
        """Đồng chí Phó Chủ tịch UBND huyện kết luận:
1. Đối với các đồng chí thành viên Ban chỉ đạo xã: phụ trách từng tiêu chí, đôn đốc các thôn thực hiện.
2. Đề nghị UBND huyện bố trí vốn hỗ trợ xi măng làm đường trong quý III năm 2024.
3. Đề nghị Phòng Nông nghiệp và PTNT hướng dẫn xã xây dựng sản phẩm OCOP trước 30/9/2024.
4. Văn phòng Điều phối NTM tỉnh: thẩm định hồ sơ xã trong tháng 11/2024.
5. Giao BCĐ huyện kiểm tra kết quả thực hiện vào cuối năm 2024.
6. Huyện ủy chỉ đạo các tổ chức đảng tăng cường lãnh đạo trong năm 2024.
""",
        (
            Item("1", (BCD,)),
            Item("2", (UBND_HUYEN,), due=date(2024, 9, 30)),
            Item("3", (PHONG_NN,), due=date(2024, 9, 30)),
            Item("4", (VPDP_TINH,), due=date(2024, 11, 30)),
            Item("5", (BCD_HUYEN,), due=date(2024, 12, 31)),
            Item("6", (HUYEN_UY,), due=date(2024, 12, 31)),
        ),
    ),
    Case(
        "unmatched_addressees",
        """Kết luận, đồng chí Bí thư yêu cầu:
1. Đối với Hợp tác xã dịch vụ nông nghiệp và Hội Nông dân: liên kết tiêu thụ sản phẩm lúa chất lượng cao trong vụ mùa.
2. Giao Ngân hàng Chính sách xã hội huyện giải ngân vốn vay trước 30/8/2024.
3. Đề nghị Điện lực Hoằng Hóa cải tạo lưới điện nông thôn trong năm 2024.
4. Các hộ kinh doanh dọc tuyến đường trục xã: cam kết không lấn chiếm hành lang giao thông.
5. Đối với Sở Nông nghiệp và PTNT tỉnh: hướng dẫn quy trình công nhận sản phẩm OCOP.
""",
        (
            Item("1", (HOI_ND,), unmatched=("Hợp tác xã dịch vụ nông nghiệp",)),
            Item("2", (), due=date(2024, 8, 30), unmatched=("Ngân hàng Chính sách xã hội huyện", NO_BODY)),
            Item("3", (), due=date(2024, 12, 31), unmatched=("Điện lực Hoằng Hóa", NO_BODY)),
            Item("4", (), unmatched=(NO_BODY,)),
            Item("5", (), unmatched=("Sở Nông nghiệp và PTNT tỉnh", NO_BODY)),
        ),
    ),
    Case(
        "labelled_fields",
        """1. Rà soát, cập nhật quy hoạch chung xã.
Chủ trì: UBND xã. Phối hợp: Địa chính - Xây dựng, các thôn. Thời hạn: 30/9/2024.
2. Xây dựng mô hình khu dân cư kiểu mẫu.
Đơn vị chủ trì: Ban phát triển thôn Tây Sơn; đơn vị phối hợp: Hội Phụ nữ, Đoàn TN. Thời gian hoàn thành: tháng 12/2024.
3. Tiếp tục tuyên truyền, vận động nhân dân tham gia xây dựng NTM.
""",
        (
            Item("1", (UBND,), (DC_XD, *ALL_HEADS), due=date(2024, 9, 30), addressee="UBND xã"),
            Item("2", (BPT_TAY_SON,), (HOI_PN, DOAN_TN), due=date(2024, 12, 31)),
            Item("3", (), unmatched=(NO_BODY,), addressee=""),
        ),
    ),
    Case(
        "dash_items_with_plus_sub_items",
        """Đồng chí Chủ tịch UBND xã kết luận:
- Đối với Đảng ủy xã: lãnh đạo thực hiện Nghị quyết số 57/NQ-ĐU ngày 28/12/2020 của Đảng ủy xã về xây dựng xã NTM kiểu mẫu.
- Đối với UBND xã:
+ Hoàn thành cải tạo nghĩa trang nhân dân trước ngày 30/10/2024.
+ Xây dựng kế hoạch thu gom rác thải, hoàn thành trong tháng 8.
- Đối với các đoàn thể: vận động hội viên tham gia hiến đất.
""",
        (
            Item(None, (DANG_UY,)),  # the resolution's date is no deadline
            Item(None, (UBND,), due=date(2024, 10, 30)),
            Item(None, (UBND,), due=date(2024, 8, 31)),
            Item(None, MASS_ORGANIZATIONS, addressee="các đoàn thể"),
        ),
    ),
    Case(
        "semicolons_between_bodies_without_intro",
        "UBND xã chỉ đạo hoàn thành tiêu chí Môi trường trước 30/11/2024; Hội Nông dân vận động hội viên "
        "chuyển đổi cây trồng; Đoàn Thanh niên xã ra quân làm đường hoa vào chủ nhật hàng tuần.",
        (
            Item(None, (UBND,), due=date(2024, 11, 30)),
            Item(None, (HOI_ND,)),
            Item(None, (DOAN_TN,), recurrence=weekly(7)),
        ),
    ),
    Case(
        "addressee_after_a_topic",
        """Kết luận, đồng chí Trưởng ban chỉ đạo như sau:
1. Về tiêu chí môi trường: giao Hội Phụ nữ chủ trì, phối hợp với các thôn duy trì mô hình "Ngày thứ bảy xanh" vào thứ bảy hàng tuần.
2. Về tiêu chí thu nhập, đề nghị Hội Nông dân phối hợp với Phòng Nông nghiệp và PTNT huyện hướng dẫn nhân dân chuyển đổi cơ cấu cây trồng trong năm 2024.
3. Tiêu chí giáo dục: Trường Tiểu học Hoằng Trung duy trì chuẩn quốc gia mức độ 2.
""",
        (
            Item("1", (HOI_PN,), ALL_HEADS, recurrence=weekly(6)),
            Item("2", (HOI_ND,), (PHONG_NN,), due=date(2024, 12, 31)),
            Item("3", (TRUONG_TH,)),
        ),
    ),
    Case(
        "preamble_and_closing",
        """Thực hiện Kế hoạch số 89/KH-UBND ngày 15/3/2024 của UBND xã, ngày 10/7/2024 BCĐ xã tổ chức kiểm tra thực tế tại các thôn. Đồng chí Trưởng ban kết luận:
1) UBND xã chỉ đạo khắc phục ngay các tồn tại tại thôn Đông Hải trong tháng 7/2024.
2) Trưởng thôn Tây Sơn vận động các hộ chỉnh trang hàng rào, cổng ngõ, hoàn thành chậm nhất ngày 31/8/2024./.
Đề nghị các cơ quan, đơn vị liên quan nghiêm túc triển khai thực hiện./.
""",
        (
            Item("1", (UBND,), due=date(2024, 7, 31)),
            Item("2", (TT_TAY_SON,), due=date(2024, 8, 31)),
        ),
    ),
    Case(
        "village_bodies",
        """Đồng chí Chủ tịch đề nghị:
1. Trưởng thôn Bắc Sơn hoàn thành hồ sơ thôn NTM kiểu mẫu trước 15/9/2024.
2. Ban phát triển thôn Đông Hải, Tây Sơn vận động nhân dân hiến đất mở rộng đường trong quý 3.
3. Chi bộ các thôn lãnh đạo nhân dân thực hiện tiêu chí an ninh trật tự.
4. Đối với thôn Tây Sơn: sửa chữa nhà văn hóa thôn trước 30/9.
5. Các Trưởng thôn báo cáo số hộ nghèo trước ngày 25 hàng tháng.
6. Ban công tác Mặt trận các thôn phối hợp với Ủy ban MTTQ xã tổ chức Ngày hội Đại đoàn kết toàn dân tộc trước ngày 18/11/2024.
""",
        (
            Item("1", (TT_BAC_SON,), due=date(2024, 9, 15)),
            Item("2", (BPT_DONG_HAI, BPT_TAY_SON), due=date(2024, 9, 30)),
            Item("3", (CB_DONG_HAI, CB_TAY_SON, CB_BAC_SON)),
            Item("4", (TT_TAY_SON,), due=date(2024, 9, 30)),
            Item("5", ALL_HEADS, recurrence=monthly(25)),
            Item("6", (MT_DONG_HAI, MT_TAY_SON, MT_BAC_SON), (MTTQ,), due=date(2024, 11, 18)),
        ),
    ),
    Case(
        "paragraphs_headed_by_a_body",
        """Đối với UBND xã:
Hoàn thiện hồ sơ đề nghị công nhận xã đạt chuẩn NTM nâng cao trước ngày 30/10/2024.
Chỉ đạo các thôn rà soát tiêu chí thôn kiểu mẫu, báo cáo hàng tháng trước ngày 25.
Đối với Hội Nông dân:
Vận động hội viên tham gia sản xuất hàng hóa trong năm 2024.
""",
        (
            Item(None, (UBND,), due=date(2024, 10, 30), addressee="UBND xã"),
            Item(None, (UBND,), recurrence=monthly(25)),
            Item(None, (HOI_ND,), due=date(2024, 12, 31)),
        ),
    ),
    Case(
        "deadlines_that_are_not_dates",
        """1. UBND xã hoàn thành hồ sơ trước ngày 31/2/2024.
2. Hội Nông dân tổ chức chợ quê trước Tết Nguyên đán.
3. Đoàn Thanh niên ra quân trong tháng 13/2024.
4. Hội CCB báo cáo trước ngày 15/8/2024 và trước ngày 30/2/2024.
""",
        (
            Item("1", (UBND,), unmatched=("trước ngày 31/2/2024",)),
            Item("2", (HOI_ND,), unmatched=("trước Tết Nguyên đán",)),
            Item("3", (DOAN_TN,), unmatched=("trong tháng 13/2024",)),
            Item("4", (HOI_CCB,), due=date(2024, 8, 15), unmatched=("trước ngày 30/2/2024",)),
        ),
    ),
    Case(
        "fatherland_front_spellings",
        """Kết luận:
1. Ủy ban MTTQ Việt Nam xã chủ trì, phối hợp với các đoàn thể phát động phong trào "Toàn dân đoàn kết xây dựng NTM, đô thị văn minh" trong tháng 8.
2. Mặt trận Tổ quốc xã giám sát việc đóng góp của nhân dân, báo cáo HĐND xã tại kỳ họp cuối năm.
3. UBMTTQ và Hội Cựu chiến binh xã vận động quỹ "Vì người nghèo" đến hết ngày 18/11/2024.
""",
        (
            Item("1", (MTTQ,), MASS_ORGANIZATIONS, due=date(2024, 8, 31)),
            Item("2", (MTTQ,), due=date(2024, 12, 31)),
            Item("3", (MTTQ, HOI_CCB), due=date(2024, 11, 18)),
        ),
    ),
    Case(
        "numbers_that_are_not_dates_or_markers",
        """Đồng chí Bí thư Đảng ủy kết luận:
1) Đảng ủy xã ban hành Nghị quyết chuyên đề về phát triển sản xuất trước ngày 15 tháng 8 năm 2024.
2) UBND xã huy động 1.500 triệu đồng xã hội hóa trong năm nay, đạt 2/3 kế hoạch vốn.
3) Văn phòng UBND xã đăng tải thông báo kết luận trên cổng thông tin điện tử xã trong 03 ngày.
""",
        (
            Item("1", (DANG_UY,), due=date(2024, 8, 15)),
            Item("2", (UBND,), due=date(2024, 12, 31)),
            Item("3", (VP_TK,), due=date(2024, 7, 13)),
        ),
    ),
    Case(
        "own_unit_before_the_unit_above",
        """1. Hội Nông dân huyện hỗ trợ xã xây dựng chuỗi liên kết trong quý IV.
2. Hội Nông dân xã tham gia chuỗi liên kết.
3. Hội Nông dân phối hợp với Hội Nông dân huyện tổ chức hội thảo trước 20/8/2024.
""",
        (
            Item("1", (HOI_ND_HUYEN,), due=date(2024, 12, 31)),
            Item("2", (HOI_ND,)),
            Item("3", (HOI_ND,), (HOI_ND_HUYEN,), due=date(2024, 8, 20)),
        ),
    ),
    Case(
        "letter_sections",
        """A. KẾT QUẢ KIỂM TRA
Các thôn cơ bản hoàn thành tiêu chí; còn 02 hộ chưa có nhà tiêu hợp vệ sinh.
B. NHIỆM VỤ THỜI GIAN TỚI
1. Trạm Y tế xã hướng dẫn các hộ làm nhà tiêu hợp vệ sinh trước 15/9/2024.
2. Hội Phụ nữ, Hội Nông dân vận động hội viên hỗ trợ ngày công.
""",
        (
            Item("1", (TRAM_YT,), due=date(2024, 9, 15)),
            Item("2", (HOI_PN, HOI_ND)),
        ),
    ),
    Case(
        "bodies_heading_numbered_items",
        """Đối với UBND xã:
1. Hoàn thiện hồ sơ tiêu chí Quy hoạch trước 30/9/2024.
2. Chỉ đạo các thôn ra quân làm đường.
Đối với Hội Nông dân:
1. Vận động hội viên tham gia tổ hợp tác, báo cáo hàng tháng.
""",
        (
            Item("1", (UBND,), due=date(2024, 9, 30), addressee="UBND xã"),
            Item("2", (UBND,), addressee="UBND xã"),
            Item("1", (HOI_ND,), recurrence=monthly(None), addressee="Hội Nông dân"),
        ),
    ),
    Case(
        "bullets_then_numbers",
        """Kết luận:
• UBND xã: làm đường giao thông nội đồng
• Hội CCB: trồng cây
1.Đối với Đoàn TN: ra quân trước 20/7
""",
        (
            Item(None, (UBND,)),
            Item(None, (HOI_CCB,)),
            Item("1", (DOAN_TN,), due=date(2024, 7, 20)),  # a number never nests under a bullet
        ),
    ),
    Case(
        "section_with_paragraphs_and_a_due_date_for_all",
        """II. Nhiệm vụ đến hết quý III/2024
UBND xã hoàn thiện hồ sơ tiêu chí Quy hoạch.
Hội Cựu chiến binh vận động hội viên hiến đất; báo cáo kết quả hàng tháng.
""",
        (
            Item(None, (UBND,), due=date(2024, 9, 30)),
            Item(None, (HOI_CCB,), recurrence=monthly(None)),
        ),
    ),
    Case(
        "closing_paragraph_after_the_last_item",
        """Kết luận, đồng chí Trưởng ban yêu cầu:
1. UBND xã hoàn thiện hồ sơ đề nghị công nhận xã đạt chuẩn NTM nâng cao trước ngày 30/10/2024.
2. Hội Phụ nữ xã ra quân tổng vệ sinh môi trường vào chủ nhật hàng tuần.
Giao Văn phòng - Thống kê theo dõi, đôn đốc việc thực hiện, báo cáo kết quả trước ngày 20 hàng tháng.
""",
        (
            Item("1", (UBND,), due=date(2024, 10, 30)),
            Item("2", (HOI_PN,), recurrence=weekly(7)),
            # a paragraph giving work to a body the item above lacks is a task of its own
            Item(None, (VP_TK,), recurrence=monthly(20), addressee="Văn phòng - Thống kê"),
        ),
    ),
    Case(
        "paragraphs_handing_work_on_or_continuing_the_item",
        """Kết luận, đồng chí Chủ tịch UBND xã yêu cầu:
1. Đảng ủy xã ban hành nghị quyết chuyên đề về xây dựng NTM kiểu mẫu trước ngày 15/8/2024.
Đề nghị Đảng ủy xã chỉ đạo các chi bộ thôn quán triệt nghị quyết đến đảng viên trong tháng 9/2024.
2. Tiếp tục duy trì tiêu chí môi trường.
Giao Hội Phụ nữ xã duy trì mô hình phân loại rác thải tại nguồn.
3. UBND xã chỉ đạo các thôn ra quân làm đường giao thông nội đồng, hoàn thành trước ngày 30/9/2024, đề nghị
Hội Nông dân xã vận động hội viên hiến đất.
4. Trưởng thôn Đông Hải tổ chức họp dân lấy ý kiến về xây dựng nhà văn hóa thôn.
Giao cho Công an xã đảm bảo an ninh trật tự trong thời gian tổ chức họp dân.
""",
        (
            Item("1", (DANG_UY,), due=date(2024, 9, 30)),  # the same body: the item's next paragraph
            Item("2", (HOI_PN,)),  # an item opening without bodies keeps its paragraphs
            Item("3", (UBND,), due=date(2024, 9, 30)),  # a wrapped line, not a paragraph
            Item("4", (TT_DONG_HAI,)),
            Item(None, (CONG_AN,), addressee="Công an xã"),
        ),
    ),
    Case(
        "roles_named_late_in_the_item",
        """1. Rà soát quy hoạch chung xã, hoàn thành trong tháng 9/2024 (UBND xã chủ trì, công chức Địa chính - Xây dựng phối hợp).
2. Xây dựng kế hoạch thực hiện tiêu chí môi trường: Đảng ủy xã lãnh đạo, UBND xã chủ trì, Hội Phụ nữ xã phối hợp; hoàn thành trước ngày 15/8/2024.
3. Tổ chức Ngày hội Đại đoàn kết toàn dân tộc trước ngày 18/11/2024, Ủy ban MTTQ xã chủ trì, các thôn phối hợp.
4. Đối với UBND xã: rà soát hồ sơ đất đai (Địa chính - Xây dựng chủ trì) trước ngày 30/9/2024.
5. Xây dựng mô hình sản xuất kiểu mẫu (HTX Hoằng Trung chủ trì, Hội Nông dân phối hợp).
""",
        (
            Item("1", (UBND,), (DC_XD,), due=date(2024, 9, 30), addressee="UBND xã"),
            # the body that chairs leads; one that "lãnh đạo" while another chairs coordinates
            Item("2", (UBND,), (HOI_PN, DANG_UY), due=date(2024, 8, 15)),
            Item("3", (MTTQ,), ALL_HEADS, due=date(2024, 11, 18), addressee="Ủy ban MTTQ xã"),
            Item("4", (DC_XD,), (UBND,), due=date(2024, 9, 30)),
            Item("5", (), (HOI_ND,), unmatched=("HTX Hoằng Trung", NO_LEAD)),
        ),
    ),
    Case(
        "a_list_sharing_the_unit_named_at_its_end",
        """1. Đảng ủy, UBND xã Hoằng Phụ chia sẻ kinh nghiệm xây dựng NTM kiểu mẫu trước ngày 15/8/2024.
2. Đảng ủy, UBND xã lãnh đạo, chỉ đạo các thôn rà soát tiêu chí.
3. Chi bộ, Ban phát triển thôn Đông Hải vận động nhân dân hiến đất.
4. Hội Phụ nữ, Ban phát triển thôn Tây Sơn tuyên truyền phân loại rác.
5. Giao Hội Nông dân và Hội Cựu chiến binh xã Hoằng Phụ hỗ trợ giống lúa.
6. UBND xã chủ trì, phối hợp với Đảng ủy, UBND xã Hoằng Phụ cắm mốc ranh giới.
7. Hội Nông dân, Hội Phụ nữ huyện Hoằng Hóa hỗ trợ xã xây dựng mô hình.
""",
        (
            # a commune the list lacks: no name of the list is this commune's body
            Item("1", (), due=date(2024, 8, 15), unmatched=("Đảng ủy, UBND xã Hoằng Phụ", NO_BODY)),
            Item("2", (DANG_UY, UBND)),
            Item("3", (CB_DONG_HAI, BPT_DONG_HAI)),  # that village's cell, not every village's
            Item("4", (HOI_PN, BPT_TAY_SON)),  # the village has no women's union: the commune's
            Item("5", (), unmatched=("Hội Nông dân và Hội Cựu chiến binh xã Hoằng Phụ", NO_BODY)),
            Item("6", (UBND,), unmatched=("Đảng ủy, UBND xã Hoằng Phụ",)),
            Item("7", (HOI_ND_HUYEN,), unmatched=("Hội Phụ nữ huyện Hoằng Hóa",)),
        ),
    ),
    Case(
        "detail_lines_beside_body_led_sub_items",
        """1. Tổ chức hội nghị sơ kết công tác xây dựng NTM:
- Thời gian: trước ngày 20/8/2024.
- Hội Phụ nữ xã chuẩn bị tham luận.
- Đoàn Thanh niên xã bố trí hội trường.
""",
        (
            # the detail line is no task: it dates each task beside it and stays in their text, after the
            # heading's text they go on from
            Item(None, (HOI_PN,), due=date(2024, 8, 20), addressee="Hội Phụ nữ xã",
                 text="Tổ chức hội nghị sơ kết công tác xây dựng NTM: Hội Phụ nữ xã chuẩn bị tham luận.\n"
                      "- Thời gian: trước ngày 20/8/2024."),
            Item(None, (DOAN_TN,), due=date(2024, 8, 20), addressee="Đoàn Thanh niên xã",
                 text="Tổ chức hội nghị sơ kết công tác xây dựng NTM: Đoàn Thanh niên xã bố trí hội trường.\n"
                      "- Thời gian: trước ngày 20/8/2024."),
        ),
    ),
    Case(
        "detail_lines_under_other_items",
        """Kết luận, đồng chí Trưởng ban yêu cầu:
1. Ra quân tổng vệ sinh môi trường hưởng ứng Ngày Môi trường thế giới trong tháng 8/2024.
- Địa điểm: các tuyến đường trục thôn.
- Hội Phụ nữ xã vận động hội viên tham gia.
- Đoàn Thanh niên xã ra quân làm đường hoa.
- Yêu cầu: bảo đảm an toàn, tiết kiệm.
2. Tổ chức hội nghị nhân dân lấy ý kiến về quy hoạch chung xã:
- Thời gian: trong tháng 9/2024.
- Địa điểm: nhà văn hóa thôn Đông Hải.
3. Chuẩn bị Đại hội điểm Chi bộ thôn Tây Sơn:
- Thời gian hoàn thành: trước ngày 30/9/2024.
- Yêu cầu: Ban phát triển thôn Tây Sơn chuẩn bị báo cáo.
- Chi bộ thôn Tây Sơn chuẩn bị nhân sự.
""",
        (
            Item(None, (HOI_PN,), due=date(2024, 8, 31),
                 text="Ra quân tổng vệ sinh môi trường hưởng ứng Ngày Môi trường thế giới trong tháng 8/2024: Hội Phụ "
                      "nữ xã vận động hội viên tham gia.\n- Địa điểm: các tuyến đường trục thôn.\n"
                      "- Yêu cầu: bảo đảm an toàn, tiết kiệm."),
            Item(None, (DOAN_TN,), due=date(2024, 8, 31)),
            # only details under it: one item, the details its text
            Item("2", (), due=date(2024, 9, 30), unmatched=(NO_BODY,),
                 text="Tổ chức hội nghị nhân dân lấy ý kiến về quy hoạch chung xã:\n- Thời gian: trong tháng 9/2024.\n"
                      "- Địa điểm: nhà văn hóa thôn Đông Hải."),
            # "Yêu cầu:" followed by a body is a task
            Item(None, (BPT_TAY_SON,), due=date(2024, 9, 30)),
            Item(None, (CB_TAY_SON,), due=date(2024, 9, 30)),
        ),
    ),
    Case(
        "items_without_a_lead_body",
        """1. Rà soát quy hoạch (HTX Hoằng Trung chủ trì, Hội Nông dân phối hợp).
2. Xây dựng mô hình sản xuất kiểu mẫu trong năm 2024, Hội Phụ nữ xã phối hợp.
3. Về tiêu chí thu nhập, Hội Nông dân phối hợp với Phòng Nông nghiệp và PTNT huyện hướng dẫn nông dân chuyển đổi cây trồng.
4. Để nâng cao thu nhập, HTX Hoằng Trung phối hợp với Hội Nông dân bao tiêu sản phẩm.
5. Tổ chức hội nghị tổng kết trước ngày 20/12/2024.
""",
        (
            # partners only: flagged, since saving makes tasks for lead bodies alone
            Item("1", (), (HOI_ND,), unmatched=("HTX Hoằng Trung", NO_LEAD), addressee="HTX Hoằng Trung"),
            Item("2", (), (HOI_PN,), due=date(2024, 12, 31), unmatched=(NO_LEAD,)),
            # the body working "phối hợp với" a partner, in an item nobody else leads, leads it
            Item("3", (HOI_ND,), (PHONG_NN,), addressee="Hội Nông dân"),
            Item("4", (), (HOI_ND,), unmatched=("HTX Hoằng Trung", NO_LEAD)),
            # no body at all: NO_BODY says it, without NO_LEAD besides
            Item("5", (), due=date(2024, 12, 20), unmatched=(NO_BODY,)),
        ),
    ),
    Case(
        "a_first_paragraph_naming_no_body_heads_the_tasks_handed_out_below_it",
        """Kết luận, đồng chí Trưởng ban yêu cầu:
1. UBND xã hoàn thiện hồ sơ đề nghị công nhận xã đạt chuẩn NTM nâng cao trước ngày 30/10/2024.
2. Về tiêu chí môi trường:
Giao Hội Phụ nữ xã vận động hội viên phân loại rác tại nguồn.
Yêu cầu Đoàn Thanh niên xã ra quân dọn vệ sinh vào chủ nhật hàng tuần.
3. Về tiêu chí môi trường:
Giao UBND xã chỉ đạo các thôn ra quân tổng vệ sinh môi trường, hoàn thành trước ngày 30/9/2024.
4. Về tiêu chí giao thông, hoàn thành trước ngày 30/9/2024:
Giao Hội Nông dân xã vận động hội viên hiến đất
mở rộng đường trục thôn.
Đề nghị Ban phát triển thôn Đông Hải huy động ngày công.
5. Về tiêu chí môi trường:
Giao Hội Phụ nữ xã vận động hội viên phân loại rác tại nguồn.
Tăng cường kiểm tra, xử lý vi phạm.
6. Tiếp tục giữ vững tiêu chí quốc phòng và an ninh.
Giao Công an xã tăng cường tuần tra.
Đề nghị Ban chỉ huy Quân sự xã duy trì lực lượng dân quân trực.
""",
        (
            Item("1", (UBND,), due=date(2024, 10, 30)),
            # each task goes on from the heading; the first keeps the item's number, as a paragraph handing work
            # on is unnumbered
            Item("2", (HOI_PN,), addressee="Hội Phụ nữ xã",
                 text="Về tiêu chí môi trường: Giao Hội Phụ nữ xã vận động hội viên phân loại rác tại nguồn."),
            Item(None, (DOAN_TN,), recurrence=weekly(7), addressee="Đoàn Thanh niên xã",
                 text="Về tiêu chí môi trường: Yêu cầu Đoàn Thanh niên xã ra quân dọn vệ sinh vào chủ nhật hàng tuần."),
            # one body under the heading: one item, as written
            Item("3", (UBND,), due=date(2024, 9, 30),
                 text="Về tiêu chí môi trường:\nGiao UBND xã chỉ đạo các thôn ra quân tổng vệ sinh môi trường, hoàn "
                      "thành trước ngày 30/9/2024."),
            # the heading's deadline is each task's; a wrapped line stays in its paragraph
            Item("4", (HOI_ND,), due=date(2024, 9, 30),
                 text="Về tiêu chí giao thông, hoàn thành trước ngày 30/9/2024: Giao Hội Nông dân xã vận động hội viên "
                      "hiến đất\nmở rộng đường trục thôn."),
            Item(None, (BPT_DONG_HAI,), due=date(2024, 9, 30)),
            # a later paragraph naming no other body goes on with the item
            Item("5", (HOI_PN,),
                 text="Về tiêu chí môi trường:\nGiao Hội Phụ nữ xã vận động hội viên phân loại rác tại nguồn.\n"
                      "Tăng cường kiểm tra, xử lý vi phạm."),
            # a sentence naming no body heads them as well
            Item("6", (CONG_AN,), text="Tiếp tục giữ vững tiêu chí quốc phòng và an ninh: Giao Công an xã tăng "
                                      "cường tuần tra."),
            Item(None, (QUAN_SU,)),
        ),
    ),
    Case(
        "a_list_sharing_the_level_named_at_its_end",
        """1. Đảng ủy, UBND huyện quan tâm hỗ trợ xã xây dựng NTM kiểu mẫu.
2. Hội Nông dân, Hội Phụ nữ xã vận động hội viên tham gia sản xuất hàng hóa.
3. Đề nghị Đảng ủy và UBND huyện bố trí vốn đối ứng trong năm 2024.
4. Đảng ủy, UBND, Văn phòng Điều phối NTM huyện hướng dẫn xã hoàn thiện hồ sơ.
5. Hội Nông dân, Hội Phụ nữ huyện hỗ trợ xã xây dựng mô hình.
6. UBND xã chủ trì, phối hợp với Đảng ủy, UBND huyện tổ chức hội nghị.
7. Đảng ủy, UBND xã lãnh đạo, chỉ đạo các thôn rà soát tiêu chí.
8. UBND xã, Văn phòng Điều phối NTM huyện rà soát hồ sơ.
""",
        (
            # the level word closing a list of bare names is every name's: the district's party committee
            Item("1", (HUYEN_UY, UBND_HUYEN), addressee="Đảng ủy, UBND huyện"),
            Item("2", (HOI_ND, HOI_PN)),
            Item("3", (HUYEN_UY, UBND_HUYEN), due=date(2024, 12, 31)),
            Item("4", (HUYEN_UY, UBND_HUYEN, VPDP_HUYEN)),
            # the district has a farmers' union but no women's union of its own
            Item("5", (HOI_ND_HUYEN,), unmatched=("Hội Phụ nữ huyện",)),
            Item("6", (UBND,), (HUYEN_UY, UBND_HUYEN)),
            # each name with its own level keeps it
            Item("7", (DANG_UY, UBND)),
            Item("8", (UBND, VPDP_HUYEN)),
        ),
    ),
]
