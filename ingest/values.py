"""Cell values as analysts type them, parsed into property values: numbers with thousands
separators, amounts with their unit (3.2亿元, ￥500, 120万), 是/否 booleans, dates and years in the
usual Chinese and ISO spellings, multi-valued cells.

Every parser raises ``ValueError`` with a short bilingual reason that ends up in the rejects file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, DecimalException
from functools import cache, lru_cache
from typing import Any, TypeVar

from ingest.names import credit_code
from kg.schema import PropKind

# Separators of multi-valued cells: "浙江大学；西北工业大学", "A;B", "A、B", "A,B" (full width too).
SEPARATORS = "；;、,，|\n"
_SPLIT = re.compile("[" + re.escape(SEPARATORS) + "]")

_TRUE = {"是", "有", "y", "yes", "true", "t", "1", "√", "✓", "对"}
_FALSE = {"否", "无", "n", "no", "false", "f", "0", "×", "✗", "不是", "没有"}
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(\d{1,2})\s*日?|月)?\s*$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YEAR = re.compile(r"^(\d{4})\s*年?$")
# An Excel day number as text (a date column saved to CSV without its format): five digits, so no
# year (four) or compact date (eight) is taken for one, and within 1990-01-01 .. 2100-12-31, so a
# mistyped year such as 20231 is still refused rather than read as 1955 (73415 = 2100-12-31).
_EXCEL_SERIAL = re.compile(r"^(\d{5})(?:\.0+)?$")
_SERIAL_DAYS = (32874, 73415)
# An amount as typed in a bureau's table, NFKC-folded and lower-cased: an optional currency mark,
# a number, an optional unit of 元 (亿元 / 万元 / 千元 / 元, the 元 may be left out after 亿 / 万).
_MONEY = re.compile(
    r"^(?:人民币|rmb|cny|¥)?\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*"
    r"(亿元|亿|万元|万|千元|元)?\s*(?:人民币|rmb|cny)?$"
)
# 12 digits and a check digit (since 2003; the dot may be left out), or 8 and one after a dot.
_PATENT_NO = re.compile(r"^(?:CN|ZL)?(?:(\d{12})\.?|(\d{8})\.)([\dX])$")
_PATENT_GAPS = re.compile(r"[\s:：]|申请号|专利号")
# Each unit in 万元 (10k CNY), the unit of every amount in the schema.
_IN_10K = {None: Decimal(1), "万元": Decimal(1), "万": Decimal(1), "亿元": Decimal(10_000)}
_IN_10K |= {"亿": Decimal(10_000), "千元": Decimal("0.1"), "元": Decimal("0.0001")}
# Excel counts days from 1899-12-30 (its 1900 leap-year bug folded in).
_EXCEL_EPOCH = date(1899, 12, 30).toordinal()
# Dates, years and yes/no cells repeat across rows (a filing date on every column that reads it):
# text cells are parsed once, memoised, bounded; failures are not memoised, they raise again.
_MEMO = 1 << 16
T = TypeVar("T")


def _memo_text(parse: Callable[[Any], T]) -> Callable[[Any], T]:
    """``parse`` memoised for ``str`` cells; other values (unhashable lists among them) parse
    each time."""
    memo = lru_cache(maxsize=_MEMO)(parse)

    def parsed(value: Any) -> T:
        return memo(value) if value.__class__ is str else parse(value)

    return parsed


def is_blank(value: Any) -> bool:
    """Whether a cell holds nothing: ``None``, an empty or whitespace-only string, an empty list."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | tuple) and not value


def clean_text(value: Any) -> str:
    """A cell as display text, trimmed; full-width brackets in names stay as written."""
    if value.__class__ is str:
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _folded(value: Any) -> str:
    """A cell for parsing: NFKC (full-width digits and signs → ASCII), trimmed."""
    text = clean_text(value)
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


@cache
def splitter(separators: str | None = None) -> re.Pattern[str]:
    """The pattern that splits a multi-valued cell on ``separators`` (default: :data:`SEPARATORS`)."""
    return _SPLIT if separators is None else re.compile("[" + re.escape(separators) + "]")


def split_cell(value: Any, separators: str | None = None) -> list[str]:
    """The non-empty parts of a multi-valued cell, in order, without duplicates."""
    if isinstance(value, list | tuple):
        parts = [clean_text(v) for v in value if not is_blank(v)]
    elif isinstance(value, str):
        parts = [p.strip() for p in splitter(separators).split(value)]
    else:
        parts = [clean_text(p) for p in splitter(separators).split(str(value))]
    return list(dict.fromkeys(p for p in parts if p))


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    return _bool_text(value)


def _bool_from_text(value: Any) -> bool:
    text = _folded(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"不是是/否 not a yes/no value: {value!r}")


def parse_float(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(f"不是数字 not a number: {value!r}")
    if isinstance(value, int | float):
        return float(value)
    if value.__class__ is str:
        try:  # plain digits take this path; whatever float() takes means the same folded
            number = float(value)
        except ValueError:
            pass
        else:
            return _finite(number, value)
    text = _folded(value).replace(",", "").replace("万元", "").replace("元", "").strip()
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"不是数字 not a number: {value!r}") from None
    return _finite(number, value)


def _finite(number: float, value: Any) -> float:
    """``number`` (read from the cell ``value``), refused when NaN or infinite."""
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"不是有限数字 not a finite number: {value!r}")
    return number


def parse_cny_10k(value: Any) -> float:
    """An amount in 万元 (10k CNY): a bare number is taken as 万元 already (the unit the column
    headers state); a unit typed in the cell converts (3.2亿 → 32000, 500元 → 0.05, ￥1,200万元 →
    1200)."""
    if value.__class__ is str:
        return _cny_text(value)
    return parse_float(value)


def _cny_from_text(value: Any) -> float:
    text = _folded(value).lower().replace(",", "").replace(" ", "")
    m = _MONEY.match(text)
    if m is None:
        raise ValueError(f"不是金额 not an amount (e.g. 120, 3.2亿, 500元): {value!r}")
    try:
        number = float(Decimal(m.group(1)) * _IN_10K[m.group(2)])
    except DecimalException:  # an exponent beyond Decimal's range (1e9999999亿)
        raise ValueError(f"不是有限数字 not a finite number: {value!r}") from None
    return _finite(number, value)


def parse_credit_code(value: Any) -> str:
    """A credit code (or registration number) in its canonical spelling (:func:`credit_code`). A
    long code that a spreadsheet holds as a number has lost its last digits (Excel keeps 15):
    refused, saying to store the column as text."""
    if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= 1e15:
        raise ValueError(
            f"代码被存成数字，末位已丢失 a code stored as a number has lost digits ({value!r}): "
            "format the column as text in the spreadsheet"
        )
    return credit_code(clean_text(value))


def parse_patent_no(value: Any) -> str:
    """A Chinese patent application number in one spelling, ``CN`` + 8 or 12 digits + ``.`` + check
    digit: ``ZL202110001234.5``, ``202110001234.5``, ``CN 2021100012345`` all become
    ``CN202110001234.5`` (a granted patent's 专利号 is ZL + its application number). Anything
    else (a publication number such as CN112345678A) is kept as typed, folded."""
    text = _PATENT_GAPS.sub("", _folded(value)).upper()
    m = _PATENT_NO.match(text)
    return f"CN{m.group(1) or m.group(2)}.{m.group(3)}" if m else text


def parse_int(value: Any) -> int:
    number = parse_float(value)
    if not number.is_integer():
        raise ValueError(f"不是整数 not a whole number: {value!r}")
    return int(number)


def parse_date(value: Any) -> str:
    """An ISO date (``YYYY-MM-DD``; ``YYYY-MM`` when the day is missing)."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 < value < 2958466:
        return date.fromordinal(_EXCEL_EPOCH + int(value)).isoformat()
    return _date_text(value)


def _date_from_text(value: Any) -> str:
    text = _folded(value)
    m = _DATE.match(text) or _COMPACT_DATE.match(text)
    if m is None:
        serial = _EXCEL_SERIAL.match(text)
        if serial is not None and _SERIAL_DAYS[0] <= int(serial.group(1)) <= _SERIAL_DAYS[1]:
            # a spreadsheet's date saved to CSV as its day number
            return date.fromordinal(_EXCEL_EPOCH + int(serial.group(1))).isoformat()
        raise ValueError(f"不是日期 not a date: {value!r}")
    year, month = int(m.group(1)), int(m.group(2))
    day = m.group(3)
    try:
        if day is None:
            date(year, month, 1)
            return f"{year:04d}-{month:02d}"
        return date(year, month, int(day)).isoformat()
    except ValueError:
        raise ValueError(f"不存在的日期 no such date: {value!r}") from None


def parse_year(value: Any) -> int:
    """A year from a year ("2023", "2023年", 2023) or any date spelling."""
    if value.__class__ is str:
        return _year_text(value)
    if isinstance(value, datetime | date):
        return value.year
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1000 <= value <= 9999 and float(value).is_integer():
            return int(value)
        return int(parse_date(value)[:4])
    return _year_text(value)


def _year_from_text(value: Any) -> int:
    m = _YEAR.match(_folded(value))
    if m:
        return int(m.group(1))
    return int(parse_date(value)[:4])


_bool_text = _memo_text(_bool_from_text)
_date_text = _memo_text(_date_from_text)
_year_text = _memo_text(_year_from_text)
_cny_text = _memo_text(_cny_from_text)

ParseKind = PropKind | str

PARSERS: dict[str, Any] = {
    "str": clean_text,
    "int": parse_int,
    "float": parse_float,
    "number": parse_float,
    "bool": parse_bool,
    "date": parse_date,
    "year": parse_year,
    "cny_10k": parse_cny_10k,
    "credit_code": parse_credit_code,
    "patent_no": parse_patent_no,
}


def parse_value(value: Any, kind: str) -> Any:
    """``value`` parsed as ``kind``: a schema property kind, or ``number``, ``year``, ``cny_10k``,
    ``credit_code``, ``patent_no``."""
    if kind == "list[str]":
        return split_cell(value)
    return PARSERS[kind](value)
