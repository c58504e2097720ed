"""Hostile and broken workbooks, made from good ones the way the probe made them: by rewriting the
XML of one sheet inside the package, or the package itself."""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

# A cell no reader expects, far below the data: what a hostile entity or character is put in.
EXTRA_CELL = "A5000"

XXE_FILE = '<!DOCTYPE ws [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
XXE_HTTP = '<!DOCTYPE ws [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/steal">]>'
BILLION_LAUGHS = (
    '<!DOCTYPE ws [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">' for n in range(1, 10))
    + "]>"
)
QUADRATIC = '<!DOCTYPE ws [<!ENTITY big "' + "x" * 50_000 + '">]>'


def sheet_part(path: Path, title: str) -> str:
    """The name of the package part holding the sheet called ``title``."""
    with zipfile.ZipFile(path) as archive:
        book = archive.read("xl/workbook.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    match = re.search(rf'<sheet [^>]*name="{re.escape(title)}"[^>]*r:id="([^"]+)"', book)
    assert match, f"no sheet {title} in {path}"
    target = re.search(rf'<Relationship [^>]*Id="{match.group(1)}"[^>]*Target="([^"]+)"', rels)
    if target is None:  # attribute order differs between writers
        target = re.search(rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{match.group(1)}"', rels)
    assert target
    name = target.group(1).lstrip("/")
    return name if name.startswith("xl/") else f"xl/{name}"


def rewrite_part(path: Path, out: Path, part: str, change: Callable[[bytes], bytes]) -> Path:
    """A copy of the package with one part changed (``out`` may be ``path`` itself)."""
    with zipfile.ZipFile(path) as src:
        contents = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in contents:
            dst.writestr(name, change(data) if name == part else data)
    return out


def rewrite_sheet(path: Path, out: Path, title: str, change: Callable[[str], str]) -> Path:
    return rewrite_part(path, out, sheet_part(path, title), lambda data: change(data.decode()).encode())


def with_doctype(doctype: str, reference: str) -> Callable[[str], str]:
    """Declare entities before the sheet and use one in an extra cell."""

    def change(xml: str) -> str:
        declaration, _, rest = xml.partition("?>") if xml.startswith("<?xml") else ("", "", xml)
        head = f"{declaration}?>" if declaration else ""
        return head + doctype + add_cell(f'<c r="{EXTRA_CELL}" t="inlineStr"><is><t>{reference}</t></is></c>')(rest)

    return change


def add_cell(cell: str) -> Callable[[str], str]:
    """Put ``cell`` in a row of its own at the end of the sheet's data."""
    row = re.sub(r"\D", "", EXTRA_CELL)

    def change(xml: str) -> str:
        if "</sheetData>" in xml:
            return xml.replace("</sheetData>", f'<row r="{row}">{cell}</row></sheetData>', 1)
        return xml.replace("<sheetData/>", f'<sheetData><row r="{row}">{cell}</row></sheetData>', 1)

    return change


def set_cell(coordinate: str, inner: str, attributes: str = "") -> Callable[[str], str]:
    """Replace the cell at ``coordinate`` (which the sheet must have) with raw XML content."""
    pattern = re.compile(rf'<c r="{coordinate}"(?:[^>]*/>|[^>]*>.*?</c>)', re.S)

    def change(xml: str) -> str:
        replaced, count = pattern.subn(f'<c r="{coordinate}"{attributes}>{inner}</c>', xml, count=1)
        assert count == 1, f"no cell {coordinate} in the sheet"
        return replaced

    return change


def lying_bomb(path: Path, out: Path, part: str, inflated: int) -> Path:
    """The package with ``part`` grown to ``inflated`` bytes of XML padding while its directory
    entry (and local header) still declare the part's real size: zip bombs lie this way."""
    with zipfile.ZipFile(path) as src:
        infos = src.infolist()
        contents = {info.filename: src.read(info.filename) for info in infos}
    original = contents[part]
    padded = original + b" " * (inflated - len(original))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in infos:
            dst.writestr(info.filename, padded if info.filename == part else contents[info.filename])
    data = bytearray(out.read_bytes())
    declared = struct.pack("<I", len(original))
    name = part.encode()
    # central directory entries: sizes at +20 (compressed) and +24 (uncompressed), name at +46
    for match in re.finditer(rb"PK\x01\x02", bytes(data)):
        start = match.start()
        length = struct.unpack_from("<H", data, start + 28)[0]
        if bytes(data[start + 46 : start + 46 + length]) == name:
            data[start + 24 : start + 28] = declared
    # the local header: uncompressed size at +22, name at +30
    for match in re.finditer(rb"PK\x03\x04", bytes(data)):
        start = match.start()
        length = struct.unpack_from("<H", data, start + 26)[0]
        if bytes(data[start + 30 : start + 30 + length]) == name:
            data[start + 22 : start + 26] = declared
    out.write_bytes(bytes(data))
    assert zlib.crc32(padded) != zlib.crc32(original)
    return out
