"""Small but real files of each kind the upload policies know, and some they must refuse.

Built in memory so no binary fixtures live in the repository. The OLE2 builder writes a
minimal compound file (header, one FAT sector, one directory sector) with the named
streams, which is how Word 97-2003, Excel 97-2003 and WPS files are laid out.
"""

import io
import struct
import zipfile

from openpyxl import Workbook
from PIL import Image

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"PE\x00\x00"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>'

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
WORD_MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def ooxml(main_part: str, content_type: str, extra: dict[str, bytes] | None = None) -> bytes:
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_part}" ContentType="{content_type}"/>'
        "</Types>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr(main_part, "<w:document/>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def docx() -> bytes:
    return ooxml("word/document.xml", WORD_MAIN)


def docm() -> bytes:
    return ooxml("word/document.xml", WORD_MACRO_MAIN, {"word/vbaProject.bin": b"\0" * 64})


def xlsx() -> bytes:
    wb = Workbook()
    wb.active["A1"] = "姓名"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def plain_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("setup.exe", EXE)
    return buf.getvalue()


def ofd() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            "OFD.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" DocType="OFD">'
            "<ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        )
        z.writestr("Doc_0/Document.xml", "<ofd:Document/>")
    return buf.getvalue()


def png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, "PNG")
    return buf.getvalue()


def jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buf, "JPEG")
    return buf.getvalue()


def ole2(*streams: str) -> bytes:
    """A compound file whose root storage holds the given (empty) streams."""
    sector = 512
    end, free, fat_sect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    header = bytearray(sector)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHH", header, 0x18, 0x3E, 3, 0xFFFE)  # minor, major version, byte order
    struct.pack_into("<HH", header, 0x1E, 9, 6)  # sector shift (512), mini sector shift (64)
    struct.pack_into("<I", header, 0x2C, 1)  # one FAT sector
    struct.pack_into("<I", header, 0x30, 1)  # directory starts at sector 1
    struct.pack_into("<I", header, 0x38, 4096)  # mini stream cutoff
    struct.pack_into("<III", header, 0x3C, end, 0, end)  # no mini FAT
    struct.pack_into("<II", header, 0x44, end, 0)  # no DIFAT sectors
    difat = [0] + [free] * 108  # the FAT is sector 0
    struct.pack_into("<109I", header, 0x4C, *difat)
    fat = [fat_sect, end] + [free] * 126
    fat_sector = struct.pack("<128I", *fat)

    def entry(name: str, kind: int, child: int = free, right: int = free) -> bytes:
        raw = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le")
        raw[: len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 0x40, len(encoded), kind, 1)
        struct.pack_into("<III", raw, 0x44, free, right, child)
        struct.pack_into("<II", raw, 0x74, end, 0)
        return bytes(raw)

    entries = [entry("Root Entry", 5, child=1 if streams else free)]
    for i, name in enumerate(streams):
        right = i + 2 if i + 1 < len(streams) else free
        entries.append(entry(name, 2, right=right))
    directory = b"".join(entries).ljust(sector, b"\0")
    return bytes(header) + fat_sector + directory


def doc() -> bytes:
    return ole2("WordDocument", "\x05SummaryInformation")


def xls() -> bytes:
    return ole2("Workbook")
