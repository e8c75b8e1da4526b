"""The bad-input corpus: source files as analysts really send them, and the mappings they go with.

Small files are written by the functions here (each test writes what it needs into ``tmp_path``);
large ones (a 10 MB cell, a million rows) are generated and streamed, never committed.
``python -m tests.reliability.corpus OUT`` writes the whole small corpus to a folder for a look.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from openpyxl import Workbook

ENTERPRISES = """
name: 企业名录
nodes:
  enterprise:
    type: Enterprise
    name: 企业名称
    key: 统一社会信用代码
    properties:
      credit_code: 统一社会信用代码
      revenue: 营业收入（万元）
      founded: 成立年份
      high_tech: {column: 是否高新技术企业, default: 否}
      region: 所在乡镇
  region: {type: Region, name: 所在乡镇, optional: true}
edges:
  - {type: LOCATED_IN, from: enterprise, to: region}
"""
HEADER = "统一社会信用代码,企业名称,营业收入（万元）,成立年份,是否高新技术企业,所在乡镇\n"

# The same list cut to its two identifying columns: what a million-row file is tested with.
ENTERPRISE_KEYS = """
name: 企业名录
nodes:
  enterprise: {type: Enterprise, name: 企业名称, key: 统一社会信用代码}
"""

# Patents name their applicants, who must already be in the graph (``create: false``).
PATENTS = """
name: 专利清单
nodes:
  patent:
    type: Patent
    name: 专利名称
    key: 申请号
    properties:
      application_no: 申请号
      application_date: 申请日
      year: {column: 申请日, parse: year}
  applicant: {type: [Enterprise, University, Lab], each: 申请人, create: false}
edges:
  - type: APPLIED
    from: applicant
    to: patent
    properties: {year: {column: 申请日, parse: year}}
"""
PATENT_HEADER = "申请号,专利名称,申请日,申请人\n"

SEGMENTS = """
name: 产业链环节
nodes:
  segment:
    type: ChainSegment
    name: 环节名称
    key: 环节键
    properties: {chain: 产业链, stage: 环节, position: 位置}
  chain: {type: Chain, name: 产业链}
edges:
  - {type: SEGMENT_OF, from: segment, to: chain}
"""
LINKS = """
name: 上下游
nodes:
  up: {type: ChainSegment, name: 上游, key: 上游键, create: false}
  down: {type: ChainSegment, name: 下游, key: 下游键, create: false}
edges:
  - {type: UPSTREAM_OF, from: up, to: down}
"""


# 400 common characters for names that differ in every position (fuzzy look-alikes would fill the
# review list and slow resolution, which is not what the large-file tests measure).
_POOL = "".join(
    dict.fromkeys(
        "安宝北博昌晨成诚驰创达大道德鼎东动发方丰峰福富港高光广国海航和恒宏鸿华辉汇吉嘉佳建江杰金锦京"
        "精久聚俊凯康科坤蓝朗乐力立利联良林凌龙隆路罗迈美明铭南宁鹏平普奇启强庆瑞润三森山尚胜盛时世"
        "顺思泰腾天通同伟威维文鑫新信星兴旭亚扬耀一亿益毅银英永优宇羽远跃云泽展正之智中众卓资紫祥"
        "雅翔晓欣秀轩炫阳怡逸忆源圆悦越韵昭哲振征志致忠洲竹壮卓梓宗纵尊佐作百柏邦碧彬斌灿策超澄承"
        "崇楚川春纯聪丛翠淳道登迪典殿栋端敦朵帆凡芳菲锋枫风芙甫赋刚歌耕功冠光贵桂翰豪浩禾合河赫弘"
        "红厚虎沪花骅怀欢焕煌徽惠慧霍基佶骥坚鉴键江姜骄皎捷劲晋经景静炬涓骏楷铠堪康可克肯宽奎昆阔"
    )
)


def enterprise_name(i: int) -> str:
    """A distinct company name for ``i`` (four characters of ``_POOL``, base-len(_POOL) digits)."""
    n = len(_POOL)
    x = (i * 2_654_435_761) % n**4  # spread consecutive i over the whole name space
    return "".join(_POOL[(x // n**k) % n] for k in range(4)) + "机械有限公司"


def enterprise_rows(n: int, *, start: int = 0) -> Iterator[str]:
    """``n`` good enterprise rows with distinct names and credit codes."""
    for i in range(start, start + n):
        yield (
            f"9133{i:014d},{enterprise_name(i)},{100 + i % 997},{1990 + i % 35},"
            f"{'是' if i % 3 else '否'},镇{i % 7}\n"
        )


def enterprise_csv(rows: list[str], encoding: str = "utf-8") -> bytes:
    return (HEADER + "".join(rows)).encode(encoding)


def mixed_encoding_csv() -> bytes:
    """UTF-8, with row 3 (spreadsheet numbering) pasted in from a GBK export."""
    return (
        HEADER.encode()
        + ",甲精密有限公司,1,2001,是,新昌县\n".encode()
        + ",乙精密有限公司,2,2002,否,新昌县\n".encode("gbk")
        + ",丙精密有限公司,3,2003,是,新昌县\n".encode()
    )


def big_cell_csv(megabytes: int = 10) -> bytes:
    """Row 2 has a ``megabytes`` MB 所在乡镇 cell; row 3 a 10 MB cell in a column nobody maps;
    row 4 is ordinary."""
    huge = "镇" * (megabytes * 1024 * 1024 // 3)
    return (
        HEADER.strip()
        + ",备注\n"
        + f",甲精密有限公司,1,2001,是,{huge},\n"
        + f",乙精密有限公司,2,2002,否,新昌县,{huge}\n"
        + ",丙精密有限公司,3,2003,是,新昌县,\n"
    ).encode()


def xlsx_with_formulas_and_errors(path: Path) -> Path:
    """Rows 2 and 8 good; rows 3–7 hold a formula or an Excel error value in a mapped column."""
    wb = Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "企业名称", "营业收入（万元）", "成立年份", "所在乡镇"])
    ws.append([None, "甲精密有限公司", 100, 2001, "新昌县"])
    ws.append([None, "乙精密有限公司", "=C2*2", 2001, "新昌县"])
    ws.append([None, "丙精密有限公司", "#N/A", 2001, "新昌县"])
    ws["C4"].data_type = "e"
    ws.append([None, "#N/A", 5, 2001, "新昌县"])
    ws["B5"].data_type = "e"
    ws.append([None, "丁精密有限公司", 7, "#DIV/0!", "新昌县"])
    ws["D6"].data_type = "e"
    ws.append([None, "戊精密有限公司", 8, 2001, "=E2"])
    ws.append([None, "己精密有限公司", 9, 2009, "新昌县"])
    wb.save(path)
    return path


def write_small_corpus(out: Path) -> list[Path]:
    """Every small corpus file, for inspection."""
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "empty.csv": b"",
        "header_only.csv": b"\xef\xbb\xbf" + HEADER.encode(),
        "mixed_encoding.csv": mixed_encoding_csv(),
        "gb18030.csv": enterprise_csv(list(enterprise_rows(3)), "gb18030"),
        "utf16.csv": enterprise_csv(list(enterprise_rows(3)), "utf-16"),
    }
    written = []
    for name, data in files.items():
        (out / name).write_bytes(data)
        written.append(out / name)
    written.append(xlsx_with_formulas_and_errors(out / "formulas.xlsx"))
    return written


if __name__ == "__main__":
    for p in write_small_corpus(Path(sys.argv[1] if len(sys.argv) > 1 else "corpus")):
        print(p)
