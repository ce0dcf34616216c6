from congvu.lib.text import fold


def test_fold_ignores_diacritics_case_and_spacing():
    assert fold("Cao Bằng") == "cao bang"
    assert fold("  THÀNH PHỐ  Hà Nội ") == "thanh pho ha noi"
    assert fold("Đắk Lắk") == "dak lak"
    assert fold("Ủy ban nhân dân") == fold("uy ban nhan dan")
