"""What an .xlsx file means by its number formats and date serials (ECMA-376 Part 1, 18.8.30 and
18.17.4.1), for reading cells straight from a sheet's XML (:mod:`bidgen.inputs.tables`).

These few rules are the file format's, not a library's: the built-in number formats every
workbook may refer to by id without stating them, whether a format shows a date or a time, and
how a serial number of days becomes a date in each of the two calendars, with Excel's leap day
of 1900.  They agree with openpyxl's (``openpyxl.styles.numbers`` and ``openpyxl.utils.datetime``,
which a test compares them with) but in two places where openpyxl's table is wrong or short: the
Accounting format 44 with its section separators, and the East-Asian date and time formats 27-36
and 50-58.  They are kept here so that reading a workbook does not import openpyxl as a whole (a
quarter of a second, with numpy, at the start of every run and in every worker of a bulk run).
"""

from __future__ import annotations

import datetime
import re

__all__ = ["BUILTIN_FORMATS", "EAST_ASIAN_FORMATS", "WINDOWS_EPOCH", "MAC_EPOCH", "is_date_format", "from_excel"]

#: The built-in number formats (18.8.30): a cell style may name one by its id alone.
BUILTIN_FORMATS: dict[int, str] = {
    0: "General",
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    5: '"$"#,##0_);("$"#,##0)',
    6: '"$"#,##0_);[Red]("$"#,##0)',
    7: '"$"#,##0.00_);("$"#,##0.00)',
    8: '"$"#,##0.00_);[Red]("$"#,##0.00)',
    9: "0%",
    10: "0.00%",
    11: "0.00E+00",
    12: "# ?/?",
    13: "# ??/??",
    14: "mm-dd-yy",
    15: "d-mmm-yy",
    16: "d-mmm",
    17: "mmm-yy",
    18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM",
    20: "h:mm",
    21: "h:mm:ss",
    22: "m/d/yy h:mm",
    37: "#,##0_);(#,##0)",
    38: "#,##0_);[Red](#,##0)",
    39: "#,##0.00_);(#,##0.00)",
    40: "#,##0.00_);[Red](#,##0.00)",
    41: r'_(* #,##0_);_(* \(#,##0\);_(* "-"_);_(@_)',
    42: r'_("$"* #,##0_);_("$"* \(#,##0\);_("$"* "-"_);_(@_)',
    43: r'_(* #,##0.00_);_(* \(#,##0.00\);_(* "-"??_);_(@_)',
    # (openpyxl's table lacks the ``;`` between the four sections: read as one section with ``@``
    # inside, the format could not be read at all; Excel's format 44 is 42's with two decimals, as
    # 43 is 41's)
    44: r'_("$"* #,##0.00_);_("$"* \(#,##0.00\);_("$"* "-"??_);_(@_)',
    45: "mm:ss",
    46: "[h]:mm:ss",
    47: "mmss.0",
    48: "##0.0E+0",
    49: "@",
}

#: The East-Asian built-in formats (18.8.30 lists ids 27-36 and 50-58 for zh-cn, zh-tw, ja-jp and
#: ko-kr): an Excel in one of these languages names them by id alone, with no ``<numFmt>``.  Their
#: texts differ by language, but in every language each of them shows a date or a time, which is
#: all bidgen needs to know of them (a cell's value is its serial read as a date; the text only
#: tells whether it is one).  The texts are the zh-cn ones of ECMA-376 Part 1, 18.8.30 (the same
#: as [MS-XLS] 2.4.126 lists for these ids; ExcelDataReader's ``BuiltinNumberFormat.cs`` likewise
#: takes every id of these blocks for a date or time format, with the ja-jp texts).  32-35, 55 and
#: 56 are times of day; the others dates.
EAST_ASIAN_FORMATS: dict[int, str] = {
    27: 'yyyy"年"m"月"',
    28: 'm"月"d"日"',
    29: 'm"月"d"日"',
    30: "m-d-yy",
    31: 'yyyy"年"m"月"d"日"',
    32: 'h"时"mm"分"',
    33: 'h"时"mm"分"ss"秒"',
    34: '上午/下午h"时"mm"分"',
    35: '上午/下午h"时"mm"分"ss"秒"',
    36: 'yyyy"年"m"月"',
    50: 'yyyy"年"m"月"',
    51: 'm"月"d"日"',
    52: 'yyyy"年"m"月"',
    53: 'm"月"d"日"',
    54: 'm"月"d"日"',
    55: '上午/下午h"时"mm"分"',
    56: '上午/下午h"时"mm"分"ss"秒"',
    57: 'yyyy"年"m"月"',
    58: 'm"月"d"日"',
}
BUILTIN_FORMATS.update(EAST_ASIAN_FORMATS)

#: Day 0 of each calendar: the 1900 date system's (as Excel counts it: see :func:`from_excel`) and
#: the 1904 one's (``<workbookPr date1904="1"/>``).
WINDOWS_EPOCH = datetime.datetime(1899, 12, 30)
MAC_EPOCH = datetime.datetime(1904, 1, 1)

# what does not show a date part: text in quotes, and brackets other than elapsed [h], [m], [s]
# (a colour, a condition, a locale such as [$-409])
_NOT_DATE_PARTS = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
_DATE_PART = re.compile(r"(?<![_\\])[dmhysDMHYS]")


def is_date_format(fmt: str | None) -> bool:
    """Whether a number format shows its number as a date or a time (judged by its first section,
    the one for positive numbers: a day, month, year, hour or second part that is not quoted,
    escaped with ``\\`` or a ``_`` space)."""
    if fmt is None:
        return False
    first = _NOT_DATE_PARTS.sub("", fmt.split(";")[0])
    return _DATE_PART.search(first) is not None


def from_excel(value: float, epoch: datetime.datetime = WINDOWS_EPOCH) -> datetime.datetime | datetime.time:
    """The date and time a serial number of days stands for (to the millisecond); a serial below 1
    is a time of day.  In the 1900 system Excel counts 29 February 1900, a day that never was:
    serials 1 to 59 (1 January to 28 February 1900) are therefore one day later from the epoch."""
    day, fraction = divmod(value, 1)
    diff = datetime.timedelta(milliseconds=round(fraction * 86400 * 1000))
    if 0 <= value < 1 and diff.days == 0:
        minutes, seconds = divmod(diff.seconds, 60)
        hours, minutes = divmod(minutes, 60)
        return datetime.time(hours, minutes, seconds, diff.microseconds)
    if 0 < value < 60 and epoch == WINDOWS_EPOCH:
        day += 1
    return epoch + datetime.timedelta(days=day) + diff
