"""The 晋级名单 generators: plain data in, workbook and PDF out, reopened and read back."""
import io
from decimal import Decimal

from openpyxl import load_workbook
from pypdf import PdfReader

from exports.promotions import PromotionListData, PromotionListRow, promotion_list_pdf, promotion_list_xlsx

ROWS = [PromotionListRow(name="王示例", gender="男", id_number="990101199001011234",
                         employer="示例县第一机械厂", trade="车工", old_grade="四级/中级工",
                         new_grade="三级/高级工", basis="按获奖等次", award="一等奖", rank=1,
                         theory=Decimal("88.50"), practical=Decimal("92.00"),
                         total=Decimal("90.95"), reason="一等奖，由四级/中级工晋升为三级/高级工"),
        PromotionListRow(name="李演示", id_number="99020219850505002X", employer="示例县供电公司",
                         trade="电工", old_grade="无", new_grade="五级/初级工", basis="以赛代评")]
DATA = PromotionListData(competition="第十三届职工技能大赛（演示）", rows=ROWS,
                         bodies=("示例县总工会",), date="2026年11月25日")


def read(content):
    ws = load_workbook(io.BytesIO(content)).active
    return ws, [r for r in ws.iter_rows(min_row=3, values_only=True) if isinstance(r[0], int)]


def test_the_full_workbook_keeps_id_numbers_as_text_and_scores_as_numbers():
    ws, rows = read(promotion_list_xlsx(DATA, masked=False))
    assert ws["A1"].value == "第十三届职工技能大赛（演示）晋级名单"
    assert rows[0][:10] == (1, "王示例", "男", "990101199001011234", "示例县第一机械厂", "车工",
                            "四级/中级工", "三级/高级工", "按获奖等次", "一等奖")
    assert rows[0][11:14] == (88.5, 92.0, 90.95)
    assert ws.cell(row=3, column=12).number_format == "0.00"
    assert ws.cell(row=3, column=4).data_type == "s"
    assert rows[1][3] == "99020219850505002X" and rows[1][11] in ("", None)
    assert ws.freeze_panes == "C3"


def test_the_masked_workbook_hides_the_middle_of_every_id_number():
    ws, rows = read(promotion_list_xlsx(DATA, masked=True))
    assert ws["A1"].value.endswith("（身份证号已脱敏）")
    assert [r[3] for r in rows] == ["9901**********1234", "9902**********002X"]


def test_the_pdf_lists_everyone_and_has_signature_lines():
    reader = PdfReader(io.BytesIO(promotion_list_pdf(DATA)))
    text = "".join(p.extract_text() for p in reader.pages)
    for needle in ("晋级名单", "王示例", "990101199001011234", "三级/高级工", "共 2 人",
                   "组委会（盖章）", "人力资源和社会保障部门审核意见"):
        assert needle in text
    masked = "".join(p.extract_text() for p in
                     PdfReader(io.BytesIO(promotion_list_pdf(DATA, masked=True))).pages)
    assert "9901**********1234" in masked and "990101199001011234" not in masked


def test_a_list_that_promotes_nobody_says_none_inside_the_table():
    empty = PromotionListData(competition="第十三届职工技能大赛（演示）", rows=[],
                              bodies=("示例县总工会",), date="2026年11月25日",
                              notes=("车工：经确认，本工种无人晋级。",))
    pdf = promotion_list_pdf(empty)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "（无）" in text and "共 0 人" in text and "本工种无人晋级" in text
    assert "（无）" not in "".join(p.extract_text() for p in
                                 PdfReader(io.BytesIO(promotion_list_pdf(DATA))).pages)
