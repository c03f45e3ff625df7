"""`commandcenter export sitrep` as a user runs it: HTML and A4 PDF (Chinese text in it) of one
incident or of all open ones, the cache only read; bad arguments are one line, exit 2, and no
file."""
from __future__ import annotations

import unicodedata

import pytest

from tests.cli_run import run_cli as run
from tests.interop.test_sitrep import build_cache




@pytest.fixture
def data(tmp_path, catalog):
    root = tmp_path / "data"
    root.mkdir()
    build_cache(root / "cache.db", catalog)
    return root


def pdf_text(path) -> tuple[int, str, tuple[float, float]]:
    """(pages, text, first page size in points) read back with Qt's PDF reader. NFKC: Qt's PDF
    maps some Noto CJK glyphs back to Kangxi radicals (⽔ U+2F54 for 水), the same character
    to a reader's eye; NFKC folds them."""
    from PySide6.QtPdf import QPdfDocument

    doc = QPdfDocument()
    doc.load(str(path))
    size = doc.pagePointSize(0)
    text = unicodedata.normalize("NFKC", "".join(doc.getAllText(i).text() for i in range(doc.pageCount())))
    pages = doc.pageCount()
    doc.close()
    return pages, text, (round(size.width()), round(size.height()))


def test_html_of_one_incident(data, tmp_path, capsys):
    before = (data / "cache.db").read_bytes()
    out = tmp_path / "inc.html"
    code, stdout, err = run(["export", "sitrep", "--incident", "inc-1", "--out", str(out), "--data-dir", str(data)],
                            capsys)
    assert code == 0, err
    html = out.read_text("utf-8")
    assert "南京东路积水 &lt;script&gt;" in html and "<script" not in html
    assert "exported the situation report of incident inc-1" in stdout
    assert (data / "cache.db").read_bytes() == before


def test_pdf_of_all_open_incidents_is_a4_with_chinese_text(qapp, data, tmp_path, capsys):
    out = tmp_path / "all.pdf"
    before = (data / "cache.db").read_bytes()
    code, stdout, err = run(["export", "sitrep", "--out", str(out), "--data-dir", str(data)], capsys)
    assert code == 0, err
    assert out.read_bytes().startswith(b"%PDF") and out.stat().st_size > 10_000
    pages, text, size = pdf_text(out)
    assert pages >= 1 and size == (595, 842)  # A4
    assert "南京东路积水" in text and "厂房火情" in text and "突发事件态势报告" in text
    assert "2 open incidents" in stdout and f"{pages} page" in stdout
    assert (data / "cache.db").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["all.pdf", "data"]  # no temporary file left


def test_pdf_in_english(qapp, data, tmp_path, capsys):
    out = tmp_path / "en.pdf"
    code, _, err = run(["export", "sitrep", "--incident", "inc-2", "--out", str(out), "--data-dir", str(data),
                        "--lang", "en"], capsys)
    assert code == 0, err
    assert "Incident situation report" in pdf_text(out)[1]


@pytest.mark.parametrize("args, code, message", [
    (["--incident", "nope", "--out", "{tmp}/x.html"], 2, "--incident: unknown incident 'nope'"),
    (["--out", "{tmp}/x.docx"], 2, "--out must be an .html or .pdf file"),
    (["--out", "{tmp}/missing/x.pdf"], 2, "--out folder does not exist"),
    (["--out", "{tmp}"], 2, "--out is a folder"),
])
def test_bad_arguments_exit_2_and_write_nothing(data, tmp_path, capsys, args, code, message):
    argv = ["export", "sitrep", "--data-dir", str(data)] + [a.format(tmp=tmp_path) for a in args]
    before = sorted(p.name for p in tmp_path.iterdir())
    got, out, err = run(argv, capsys)
    assert got == code and message in err and err.count("\n") == 1 and out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_no_cache_exits_1(tmp_path, capsys):
    code, _, err = run(["export", "sitrep", "--out", str(tmp_path / "x.html"), "--data-dir", str(tmp_path / "d")],
                       capsys)
    assert code == 1 and "no cache at" in err and not (tmp_path / "x.html").exists()
