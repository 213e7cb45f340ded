"""Annotation sheets (CSV or XLSX) as a list of rows keyed by column name.

The distributed sheets put the table at different rows (SAMM has a block of notes above its header), so
the header row is found by looking for the required column names in the first rows. Column names are
compared without case, spaces or underscores: "Onset Frame" (SAMM) and "OnsetFrame" (CASME II) are the
same column. Every row carries its spreadsheet row number (1-based, as a spreadsheet shows it) so errors
can name it.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Sequence

_HEADER_SEARCH_ROWS = 40


class AnnotationSheetError(ValueError):
    """A sheet that cannot be read, has no header with the required columns, or a malformed row."""

    def __init__(self, path: Path, message: str, row: Optional[int] = None):
        where = f"{path}" if row is None else f"{path}, row {row}"
        super().__init__(f"{where}: {message}")
        self.path = path
        self.row = row


@dataclass(frozen=True)
class SheetRow:
    path: Path
    row: int
    values: dict  # canonical column key -> cell value

    def get(self, key: str) -> Any:
        return self.values.get(column_key(key))

    def error(self, message: str) -> AnnotationSheetError:
        return AnnotationSheetError(self.path, message, self.row)

    def text(self, key: str) -> str:
        v = self.get(key)
        if v is None or str(v).strip() == "":
            raise self.error(f"empty '{key}'")
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return str(v).strip()

    def integer(self, key: str, optional: bool = False) -> Optional[int]:
        v = self.get(key)
        if v is None or (isinstance(v, str) and v.strip() in ("", "/", "-")):
            if optional:
                return None
            raise self.error(f"empty '{key}'")
        try:
            f = float(str(v).strip())
        except ValueError:
            if optional:
                return None
            raise self.error(f"'{key}' is not a frame number: {v!r}") from None
        if not f.is_integer():
            raise self.error(f"'{key}' is not a whole frame number: {v!r}")
        return int(f)


def column_key(name: Any) -> str:
    return re.sub(r"[\s_]+", "", str(name)).lower()


def _raw_rows(path: Path) -> list[list[Any]]:
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            with path.open(newline="", encoding="utf-8-sig") as f:
                return [list(r) for r in csv.reader(f)]
        if suffix in (".xlsx", ".xlsm"):
            import openpyxl

            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
            try:
                return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
            finally:
                wb.close()
    except FileNotFoundError:
        raise AnnotationSheetError(path, "file not found") from None
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise AnnotationSheetError(path, f"cannot read ({e})") from None
    except Exception as e:  # openpyxl raises zipfile/KeyError/InvalidFileException on a broken workbook
        raise AnnotationSheetError(path, f"not a readable XLSX workbook ({type(e).__name__}: {e})") from None
    raise AnnotationSheetError(path, f"unsupported sheet type '{suffix}' (expected .csv or .xlsx)")


def read_sheet(path: Path | str, required: Sequence[str]) -> list[SheetRow]:
    """Rows below the first row that holds every required column; blank rows are skipped."""
    path = Path(path)
    rows = _raw_rows(path)
    want = {column_key(c) for c in required}
    for header_index, raw in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        keys = [column_key(c) if c is not None else "" for c in raw]
        if want.issubset(keys):
            break
    else:
        raise AnnotationSheetError(
            path, f"no header row with columns {list(required)} in the first {_HEADER_SEARCH_ROWS} rows")
    out: list[SheetRow] = []
    for offset, raw in enumerate(rows[header_index + 1:], start=header_index + 2):
        if all(c is None or str(c).strip() == "" for c in raw):
            continue
        values = {k: v for k, v in zip(keys, raw) if k}
        out.append(SheetRow(path, offset, values))
    if not out:
        raise AnnotationSheetError(path, "header found but no data rows below it")
    return out
