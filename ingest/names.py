"""Name normalisation for entity resolution: the same organisation written differently in
different files must meet on one key.

``浙江万丰奥威汽轮股份有限公司``, ``万丰奥威汽轮股份有限公司`` and ``浙江省 万丰奥威汽轮（股份）有限公司``
all become ``万丰奥威汽轮``: NFKC (full width → half width), no whitespace, no brackets, no leading
province/city/county names, no company-form suffixes. Universities and labs keep place names
(浙江大学 is not 大学): they get only the width/space/bracket folding.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_PROVINCES = [
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "台湾",
    "内蒙古",
    "广西",
    "西藏",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
]
_PROVINCE_FORMS = [f"{p}{s}" for p in _PROVINCES for s in ("省", "市", "自治区", "特别行政区")]
# Zhejiang's prefectures and Shaoxing's counties, bare or with their suffix: the names the bureau's
# files put in front of local company names.
_CITIES = ["杭州", "宁波", "温州", "嘉兴", "湖州", "绍兴", "金华", "衢州", "舟山", "台州", "丽水"]
_COUNTIES = ["新昌", "嵊州", "诸暨", "上虞", "柯桥", "越城", "滨海"]
_PLACES = sorted(
    {
        *_PROVINCES,
        *_PROVINCE_FORMS,
        *(f"{c}市" for c in _CITIES),
        *_CITIES,
        *(f"{c}县" for c in _COUNTIES),
        *(f"{c}市" for c in _COUNTIES),
        *(f"{c}区" for c in _COUNTIES),
        *_COUNTIES,
    },
    key=len,
    reverse=True,
)
_PLACE = re.compile("^(?:" + "|".join(map(re.escape, _PLACES)) + ")")
_GENERIC_PLACE = re.compile(r"^[\u4e00-\u9fff]{2,3}(?:省|市|县)(?=[\u4e00-\u9fff]{2})")
_SUFFIXES = sorted(
    [
        "有限公司",
        "有限责任公司",
        "股份有限公司",
        "股份公司",
        "集团有限公司",
        "集团股份有限公司",
        "集团公司",
        "集团",
        "公司",
        "厂",
        "企业",
        "coltd",
        "ltd",
        "limited",
        "inc",
        "corporation",
        "corp",
    ],
    key=len,
    reverse=True,
)
_SUFFIX = re.compile("(?:" + "|".join(map(re.escape, _SUFFIXES)) + ")$")
_BRACKETS = str.maketrans("", "", "()[]{}<>【】〔〕《》「」『』\"'“”‘’")
_SPACE = re.compile(r"[\s\u3000·•・.,，]+")
_MIN_CORE = 2


_CODE_GAPS = re.compile(r"[\s\-‐-―]+")
# Names repeat across rows and files (an applicant on hundreds of patents): memoised, bounded.
_MEMO = 1 << 16


@lru_cache(maxsize=_MEMO)
def fold(text: str) -> str:
    """Width, case, whitespace and brackets folded: ``浙江大学 （紫金港）`` → ``浙江大学紫金港``."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text).lower()).translate(_BRACKETS)


def company_core(text: str) -> str:
    """The distinctive core of a company name: folded, without leading place names and trailing
    company forms, applied until nothing changes; never shorter than two characters."""
    core = fold(text)
    while True:
        before = core
        for pattern in (_SUFFIX, _PLACE, _GENERIC_PLACE):
            stripped = pattern.sub("", core, count=1)
            if len(stripped) >= _MIN_CORE:
                core = stripped
        if core == before:
            return core


@lru_cache(maxsize=_MEMO)
def name_key(type_name: str, text: str) -> str:
    """The resolution key of a name for nodes of ``type_name``."""
    return company_core(text) if type_name == "Enterprise" else fold(text)


@lru_cache(maxsize=_MEMO)
def credit_code(text: str) -> str:
    """A unified social credit code as one canonical string: full-width folded, spaces and
    dashes dropped, upper case (``９１３３ 0624ma2b…`` → ``91330624MA2B…``), so
    one firm's code meets itself however a file typed it. Not checked against the standard: old
    15-digit registration numbers are keys too."""
    return _CODE_GAPS.sub("", unicodedata.normalize("NFKC", text)).upper()


def guess_org_type(name: str, allowed: tuple[str, ...]) -> str:
    """The likeliest organisation type of a bare name among ``allowed`` (first one by default):
    大学/学院 → University, 实验室/研究所/科学院 → Lab."""
    folded = fold(name)
    if "University" in allowed and re.search(r"(大学|学院|university|college)$", folded):
        return "University"
    if "Lab" in allowed and re.search(r"(实验室|研究所|科学院|laboratory|lab)$", folded):
        return "Lab"
    if "Enterprise" in allowed:
        return "Enterprise"
    return allowed[0]
