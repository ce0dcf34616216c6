"""The standard structure of a provincial People's Committee, as `province_seed` creates it.

A province edits this module to match its own decision on its organisation: the departments
below follow Nghị định 45/2025/NĐ-CP after the 2025 reorganisation, but each province
establishes its own (verify against the province's decision before seeding production).
Vietnamese names are proper names and stay in Vietnamese.
"""

from __future__ import annotations

from typing import NamedTuple


class DepartmentSeed(NamedTuple):
    key: str  # stable part of the seed key: never change it once seeded
    name: str
    short_name: str


# The Office of the People's Committee runs the provincial Public Administration Service Centre.
OFFICE = DepartmentSeed(
    "office", "Văn phòng Ủy ban nhân dân {level} {province}", "Văn phòng UBND {level}"
)
PROVINCE_CENTRE = DepartmentSeed(
    "centre",
    "Trung tâm Phục vụ hành chính công {level} {province}",
    "TTPVHCC {level}",
)

DEPARTMENTS: list[DepartmentSeed] = [
    DepartmentSeed("noi-vu", "Sở Nội vụ", "Sở Nội vụ"),
    DepartmentSeed("tai-chinh", "Sở Tài chính", "Sở Tài chính"),
    DepartmentSeed("tu-phap", "Sở Tư pháp", "Sở Tư pháp"),
    DepartmentSeed("xay-dung", "Sở Xây dựng", "Sở Xây dựng"),
    DepartmentSeed("nong-nghiep-moi-truong", "Sở Nông nghiệp và Môi trường", "Sở NN&MT"),
    DepartmentSeed("cong-thuong", "Sở Công Thương", "Sở Công Thương"),
    DepartmentSeed("khoa-hoc-cong-nghe", "Sở Khoa học và Công nghệ", "Sở KH&CN"),
    DepartmentSeed("giao-duc-dao-tao", "Sở Giáo dục và Đào tạo", "Sở GD&ĐT"),
    DepartmentSeed("y-te", "Sở Y tế", "Sở Y tế"),
    DepartmentSeed("van-hoa-the-thao-du-lich", "Sở Văn hóa, Thể thao và Du lịch", "Sở VHTT&DL"),
    DepartmentSeed("thanh-tra", "Thanh tra {level}", "Thanh tra {level}"),
    DepartmentSeed("dan-toc-ton-giao", "Sở Dân tộc và Tôn giáo", "Sở Dân tộc và Tôn giáo"),
]

# Established only in provinces with a land border (NĐ 45/2025/NĐ-CP); elsewhere foreign
# affairs are handled by the Office of the People's Committee.
FOREIGN_AFFAIRS = DepartmentSeed("ngoai-vu", "Sở Ngoại vụ", "Sở Ngoại vụ")

# Provinces with a land border with China, Laos or Cambodia, by code in the national list of
# administrative units after the 2025 merger. Verify per province.
BORDER_PROVINCE_CODES = frozenset(
    {
        4,  # Cao Bằng
        8,  # Tuyên Quang
        11,  # Điện Biên
        12,  # Lai Châu
        14,  # Sơn La
        15,  # Lào Cai
        20,  # Lạng Sơn
        22,  # Quảng Ninh
        38,  # Thanh Hóa
        40,  # Nghệ An
        42,  # Hà Tĩnh
        44,  # Quảng Trị
        46,  # Thành phố Huế
        48,  # Thành phố Đà Nẵng
        51,  # Quảng Ngãi
        52,  # Gia Lai
        66,  # Đắk Lắk
        68,  # Lâm Đồng
        75,  # Đồng Nai
        80,  # Tây Ninh
        82,  # Đồng Tháp
        91,  # An Giang
    }
)

# Letter-and-number part of the electronic identifier code of each province, where it is
# known; other provinces get "H" and their two-digit code until the issued one is entered.
PROVINCE_IDENTIFIER = {
    4: "H12",  # Cao Bằng
}

COMMUNE_CENTRE_NAME = "Trung tâm Phục vụ hành chính công {level} {name}"
COMMUNE_CENTRE_SHORT_NAME = "TTPVHCC {level} {name}"
