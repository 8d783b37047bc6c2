"""Zip batches: members one by one, names decoded, bombs and lies refused (reports/importers/archive.py)."""

import io
import zipfile

import pytest

from reports.importers.archive import iter_zip
from reports.importers.dispatch import SUPPORTED_SUFFIXES, iter_documents, parse_document
from reports.importers.parsed import UnreadableDocument
from reports.tests.conftest import FIXTURES, make_zip, seed

MAX = 20 * 1024 * 1024


def gbk_named_zip(name: str, data: bytes) -> bytes:
    """What Chinese Windows tools write: a GBK name without the UTF-8 flag."""
    buffer = io.BytesIO()
    placeholder = "x" * len(name.encode("gbk"))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as z:
        z.writestr(placeholder, data)
    raw = bytearray(buffer.getvalue().replace(placeholder.encode(), name.encode("gbk")))
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = raw.find(signature)
        raw[at + offset + 1] &= 0xFF ^ 0x08  # bit 11 (0x800) lives in the flag's second byte
    return bytes(raw)


def test_zip_members_come_out_one_by_one_with_their_errors():
    data = make_zip(
        {
            "2023/004.txt": seed("004").read_bytes(),
            "2023/portal.html": (FIXTURES / "seed004_portal.html").read_bytes(),
            "__MACOSX/2023/._004.txt": b"junk",
            "2023/~$report.docx": b"lock",
            "2023/inner.zip": make_zip({"a.txt": b"x"}),
            "2023/scan.pdf": b"%PDF",
            "2023/photo.jpg": b"\xff\xd8\xff",
        }
    )
    members = list(iter_documents("batch.zip", data, max_bytes=MAX))
    assert [(m.name, m.error) for m in members] == [
        ("batch.zip/2023/004.txt", ""),
        ("batch.zip/2023/portal.html", ""),
        ("batch.zip/2023/inner.zip", "压缩包中的压缩包不予展开,请先解开再上传"),
        ("batch.zip/2023/scan.pdf", ""),
        ("batch.zip/2023/photo.jpg", "不支持的文件类型“.jpg”"),
    ]
    assert members[0].data == seed("004").read_bytes()


def test_gbk_member_names_are_decoded():
    data = gbk_named_zip("清镇市/报告.txt", b"abc")
    (member,) = iter_zip("b.zip", data, max_bytes=MAX, max_inflated=MAX, suffixes=SUPPORTED_SUFFIXES)
    assert member.name == "b.zip/清镇市/报告.txt" and member.data == b"abc"


def test_zip_bomb_is_refused_before_inflating():
    """A member that claims to inflate a thousandfold, or a total past the limit, is refused up front."""
    data = make_zip({"bomb.txt": b"0" * (50 * 1024 * 1024)})
    assert len(data) < 200 * 1024
    with pytest.raises(UnreadableDocument, match="压缩炸弹|超过上限"):
        list(iter_documents("bomb.zip", data, max_bytes=MAX))
    with pytest.raises(UnreadableDocument, match="超过上限"):
        list(iter_documents("bomb.zip", data, max_bytes=1024 * 1024))


def test_a_zip_that_lies_about_sizes_is_cut_off():
    """A member whose header understates its size is read with a bound and refused."""
    payload = b"x" * (3 * 1024 * 1024)
    data = bytearray(make_zip({"big.txt": payload}))
    # Rewrite the declared uncompressed size (local header offset 22, central directory offset 24).
    true_size = len(payload).to_bytes(4, "little")
    data = bytes(data).replace(true_size, (1000).to_bytes(4, "little"))
    (member,) = iter_zip("lie.zip", data, max_bytes=2 * 1024 * 1024, max_inflated=MAX, suffixes=SUPPORTED_SUFFIXES)
    assert member.data is None
    assert "损坏" in member.error or "超过上限" in member.error


@pytest.mark.parametrize(("data", "message"), [(b"PK\x03\x04broken", "已损坏"), (b"not a zip", "不是有效的 zip")])
def test_broken_zips_are_named(data, message):
    with pytest.raises(UnreadableDocument, match=message):
        for member in iter_documents("x.zip", data, max_bytes=MAX):
            parse_document(member.name, member.data, max_bytes=MAX)


def test_ofd_files_are_named_and_refused():
    """OFD (GB/T 33190) is a zip with OFD.xml: not mistaken for an archive, refused with advice."""
    data = make_zip({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<x/>"})
    with pytest.raises(UnreadableDocument, match="OFD 版式文件"):
        parse_document("report.ofd", data, max_bytes=MAX)
    with pytest.raises(UnreadableDocument, match="OFD 版式文件"):
        parse_document("report.zip", data, max_bytes=MAX)
