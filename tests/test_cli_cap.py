"""`commandcenter import cap FILE` as a user runs it: one layer per alert named after its
identifier, one error line and a non-zero exit for a bad alert, and then nothing written."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from commandcenter.cli import main
from commandcenter.interop.layers import LayerStore

CAP_DIR = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "cap"
HOSTILE = "<img src=x onerror=alert(1)>"
NS = "urn:oasis:names:tc:emergency:cap:1.2"


def run(argv, capsys):
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(data: Path) -> dict[str, bytes] | None:
    folder = data / "layers"
    if not folder.exists():
        return None
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def sample(name: str) -> Path:
    path = CAP_DIR / name
    if not path.is_file():
        pytest.fail(f"CAP samples missing: expected ../shared/data/cap beside the repo at {CAP_DIR.resolve()}")
    return path


def alert_xml(identifier="SH-2026-0701-1", status="Actual", headline="暴雨橙色预警",
              area="<polygon>31.2,121.4 31.2,121.5 31.3,121.5 31.2,121.4</polygon>") -> str:
    return (f'<alert xmlns="{NS}"><identifier>{identifier}</identifier><sender>x@example.cn</sender>'
            f"<sent>2026-07-01T12:00:00+08:00</sent><status>{status}</status><msgType>Alert</msgType>"
            f"<scope>Public</scope><info><event>暴雨</event><urgency>Immediate</urgency>"
            f"<severity>Severe</severity><certainty>Likely</certainty><headline>{headline}</headline>"
            f"<area><areaDesc>浦东新区</areaDesc>{area}</area></info></alert>")


@pytest.fixture
def data(tmp_path):
    return tmp_path / "data"


def test_two_spec_alerts_become_two_layers(data, capsys):
    code, out, err = run(["import", "cap", str(sample("v1dot2_appendix_adot2.xml")), "--data-dir", str(data)], capsys)
    assert (code, out, err) == (0, "imported 1 feature into layer cap-KSTO1055887203 (crs wgs84)\n", "")
    code, out, err = run(["import", "cap", str(sample("v1dot2_appendix_adot3.xml")), "--data-dir", str(data)], capsys)
    assert (code, out, err) == (0, "imported 1 feature into layer cap-TRI13970876_2 (crs wgs84)\n", "")
    store = LayerStore(data)
    assert store.names() == ["cap-KSTO1055887203", "cap-TRI13970876_2"]
    layer = store.load("cap-KSTO1055887203")
    assert layer.kind == "cap"
    assert layer.features[0]["geometry"]["coordinates"][0][0] == [-120.14, 38.47]


def test_same_alert_again_needs_replace(data, capsys):
    path = str(sample("v1dot2_appendix_adot2.xml"))
    assert run(["import", "cap", path, "--data-dir", str(data)], capsys)[0] == 0
    before = snapshot(data)
    code, out, err = run(["import", "cap", path, "--data-dir", str(data)], capsys)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "layer cap-KSTO1055887203 already exists" in err and "--replace" in err
    assert snapshot(data) == before
    code, out, _ = run(["import", "cap", path, "--replace", "--data-dir", str(data)], capsys)
    assert (code, out) == (0, "imported 1 feature into layer cap-KSTO1055887203 (crs wgs84)\n")


def test_layer_option_names_the_layer(data, capsys):
    code, out, _ = run(["import", "cap", str(sample("v1dot2_appendix_adot2.xml")), "--layer", "storm",
                        "--data-dir", str(data)], capsys)
    assert (code, out) == (0, "imported 1 feature into layer storm (crs wgs84)\n")
    assert LayerStore(data).names() == ["storm"]


def test_gcj02_is_a_usage_error_for_cap(data, capsys):
    code, out, err = run(["import", "cap", str(sample("v1dot2_appendix_adot2.xml")), "--crs", "gcj02",
                          "--data-dir", str(data)], capsys)
    assert (code, out) == (2, "")
    assert "--crs" in err and "wgs84" in err
    assert snapshot(data) is None


def test_exercise_alert_and_hostile_headline_stored_as_text(data, tmp_path, capsys):
    escaped = HOSTILE.replace("<", "&lt;").replace(">", "&gt;")
    path = tmp_path / "drill.xml"
    path.write_text(alert_xml(status="Exercise", headline=escaped), encoding="utf-8")
    code, out, _ = run(["import", "cap", str(path), "--data-dir", str(data)], capsys)
    assert (code, out) == (0, "imported 1 feature into layer cap-SH-2026-0701-1 (crs wgs84)\n")
    doc = json.loads((data / "layers" / "cap-SH-2026-0701-1.geojson").read_text(encoding="utf-8"))
    props = doc["features"][0]["properties"]
    assert props["headline"] == HOSTILE and props["exercise"] is True


BAD = [
    ("adot1 (no shape)", None, "v1dot2_appendix_adot1.xml:alert: area: the alert has no polygon or circle"),
    ("adot4 (geocode only)", None, "v1dot2_appendix_adot4.xml:alert: area: the alert has no polygon or circle"),
    ("not xml", "not <xml", "bad.xml:line 1: xml: malformed XML"),
    ("wrong root", f'<event xmlns="{NS}"/>', "bad.xml:line 1: alert: root element is <event>"),
    ("no identifier", alert_xml(identifier=""), "bad.xml:alert: identifier: missing"),
    ("bad status", alert_xml(status="Real"), "bad.xml:alert: status: 'Real' is not one of"),
    ("odd numbers", alert_xml(area="<polygon>31.2,121.4 31.2,121.5 31.3</polygon>"),
     "bad.xml:info[0]/area[0]: polygon[0]: odd number of coordinates"),
    ("not closed", alert_xml(area="<polygon>31.2,121.4 31.2,121.5 31.3,121.5 31.3,121.4</polygon>"),
     "bad.xml:info[0]/area[0]: polygon[0]: polygon is not closed"),
    ("too few", alert_xml(area="<polygon>31.2,121.4 31.2,121.5 31.2,121.4</polygon>"),
     "bad.xml:info[0]/area[0]: polygon[0]: a polygon needs at least 4"),
    ("lat out of range", alert_xml(area="<polygon>95,121.4 31.2,121.5 31.3,121.5 95,121.4</polygon>"),
     "bad.xml:info[0]/area[0]: polygon[0]: pair 1: latitude 95.0 is out of range"),
    ("bad radius", alert_xml(area="<circle>31.2,121.4 -1</circle>"),
     "bad.xml:info[0]/area[0]: circle[0]: radius -1.0 km is negative"),
]


@pytest.mark.parametrize("label, text, words", BAD, ids=[b[0] for b in BAD])
def test_bad_alert_exits_1_with_one_line_and_imports_nothing(data, tmp_path, capsys, label, text, words):
    assert run(["import", "cap", str(sample("v1dot2_appendix_adot2.xml")), "--data-dir", str(data)], capsys)[0] == 0
    before = snapshot(data)
    if text is None:
        path = sample(words.split(":")[0])
    else:
        path = tmp_path / "bad.xml"
        path.write_text(text, encoding="utf-8")
    code, out, err = run(["import", "cap", str(path), "--data-dir", str(data)], capsys)
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and err.startswith("commandcenter: error: ")
    assert words in err
    assert snapshot(data) == before
