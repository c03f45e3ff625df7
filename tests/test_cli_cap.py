"""`commandcenter import cap FILE --as layer` as a user runs it: one layer per alert named after
its identifier, one error line and a non-zero exit for a bad alert, and then nothing written.
Then --as alarm / incident (rows in the local cache, re-import, Update, Cancel, drill isolation)
and export cap (a draft that validates against the OASIS schema; bad arguments exit 2)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_run import run_cli as run
from commandcenter.interop.layers import LayerStore

CAP_DIR = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "cap"
HOSTILE = "<img src=x onerror=alert(1)>"
NS = "urn:oasis:names:tc:emergency:cap:1.2"




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
            f"<scope>Public</scope><info><category>Met</category><event>暴雨</event><urgency>Immediate</urgency>"
            f"<severity>Severe</severity><certainty>Likely</certainty><headline>{headline}</headline>"
            f"<area><areaDesc>浦东新区</areaDesc>{area}</area></info></alert>")


@pytest.fixture
def data(tmp_path):
    return tmp_path / "data"


def test_two_spec_alerts_become_two_layers(data, capsys):
    code, out, err = run(["import", "cap", "--as", "layer", str(sample("v1dot2_appendix_adot2.xml")), "--data-dir", str(data)], capsys)
    assert (code, out, err) == (0, "imported 1 feature into layer cap-KSTO1055887203 (crs wgs84)\n", "")
    code, out, err = run(["import", "cap", "--as", "layer", str(sample("v1dot2_appendix_adot3.xml")), "--data-dir", str(data)], capsys)
    assert (code, out, err) == (0, "imported 1 feature into layer cap-TRI13970876_2 (crs wgs84)\n", "")
    store = LayerStore(data)
    assert store.names() == ["cap-KSTO1055887203", "cap-TRI13970876_2"]
    layer = store.load("cap-KSTO1055887203")
    assert layer.kind == "cap"
    assert layer.features[0]["geometry"]["coordinates"][0][0] == [-120.14, 38.47]


def test_same_alert_again_needs_replace(data, capsys):
    path = str(sample("v1dot2_appendix_adot2.xml"))
    assert run(["import", "cap", "--as", "layer", path, "--data-dir", str(data)], capsys)[0] == 0
    before = snapshot(data)
    code, out, err = run(["import", "cap", "--as", "layer", path, "--data-dir", str(data)], capsys)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "layer cap-KSTO1055887203 already exists" in err and "--replace" in err
    assert snapshot(data) == before
    code, out, _ = run(["import", "cap", "--as", "layer", path, "--replace", "--data-dir", str(data)], capsys)
    assert (code, out) == (0, "imported 1 feature into layer cap-KSTO1055887203 (crs wgs84)\n")


def test_layer_option_names_the_layer(data, capsys):
    code, out, _ = run(["import", "cap", "--as", "layer", str(sample("v1dot2_appendix_adot2.xml")), "--layer", "storm",
                        "--data-dir", str(data)], capsys)
    assert (code, out) == (0, "imported 1 feature into layer storm (crs wgs84)\n")
    assert LayerStore(data).names() == ["storm"]


def test_gcj02_is_a_usage_error_for_cap(data, capsys):
    code, out, err = run(["import", "cap", "--as", "layer", str(sample("v1dot2_appendix_adot2.xml")), "--crs", "gcj02",
                          "--data-dir", str(data)], capsys)
    assert (code, out) == (2, "")
    assert "--crs" in err and "wgs84" in err
    assert snapshot(data) is None


def test_exercise_alert_and_hostile_headline_stored_as_text(data, tmp_path, capsys):
    escaped = HOSTILE.replace("<", "&lt;").replace(">", "&gt;")
    path = tmp_path / "drill.xml"
    path.write_text(alert_xml(status="Exercise", headline=escaped), encoding="utf-8")
    code, out, _ = run(["import", "cap", "--as", "layer", str(path), "--data-dir", str(data)], capsys)
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
    assert run(["import", "cap", "--as", "layer", str(sample("v1dot2_appendix_adot2.xml")), "--data-dir", str(data)], capsys)[0] == 0
    before = snapshot(data)
    if text is None:
        path = sample(words.split(":")[0])
    else:
        path = tmp_path / "bad.xml"
        path.write_text(text, encoding="utf-8")
    code, out, err = run(["import", "cap", "--as", "layer", str(path), "--data-dir", str(data)], capsys)
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and err.startswith("commandcenter: error: ")
    assert words in err
    assert snapshot(data) == before


# --- --as alarm | incident: rows in the local cache ---------------------------------------------

XSD = CAP_DIR / "cap12.xsd"


@pytest.fixture(scope="module")
def catalog():
    from commandcenter.catalog import load_catalog

    return load_catalog()


@pytest.fixture(scope="module")
def street(catalog):
    """A street or community of the demo city whose centre is in no smaller unit."""
    from commandcenter.domain.levels import OrgLevel

    for unit in catalog.org_units.values():
        located = catalog.locate(*unit.center)
        if unit.level in (OrgLevel.STREET, OrgLevel.COMMUNITY) and located is not None and located.code == unit.code:
            return unit
    pytest.fail("no street or community of the demo city contains its own centre")


def square(lon, lat, d=0.004) -> str:
    """A closed CAP polygon (lat,lon pairs) around a point."""
    pts = [(lat - d, lon - d), (lat - d, lon + d), (lat + d, lon + d), (lat + d, lon - d), (lat - d, lon - d)]
    return "<polygon>" + " ".join(f"{a},{b}" for a, b in pts) + "</polygon>"


def cap(identifier="31000041600000_20260701120000_1", *, status="Actual", msg_type="Alert", references="",
        infos=None, sent="2026-07-01T12:00:00+08:00", sender="sh-meteo@example.cn", decl="UTF-8") -> str:
    refs = f"<references>{references}</references>" if references else ""
    body = "".join(infos if infos is not None else [])
    return (f'<?xml version="1.0" encoding="{decl}"?>\n<alert xmlns="{NS}"><identifier>{identifier}</identifier>'
            f"<sender>{sender}</sender><sent>{sent}</sent><status>{status}</status><msgType>{msg_type}</msgType>"
            f"<scope>Public</scope>{refs}{body}</alert>")


def info(*, lang="zh-CN", event="暴雨", severity="Severe", headline="暴雨橙色预警", area="", params="",
         category="Met", extra="") -> str:
    area_xml = f"<area><areaDesc>警报区</areaDesc>{area}</area>" if area is not None else ""
    return (f"<info><language>{lang}</language><category>{category}</category><event>{event}</event>"
            f"<urgency>Immediate</urgency><severity>{severity}</severity><certainty>Likely</certainty>"
            f"{f'<headline>{headline}</headline>' if headline else ''}<description>雨量大</description>"
            f"<instruction>注意防范</instruction>{extra}{params}{area_xml}</info>")


def level(value: str, name="预警级别") -> str:
    return f"<parameter><valueName>{name}</valueName><value>{value}</value></parameter>"


def write_cap(tmp_path, text: str, name="alert.xml", encoding="utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def cache_state(data: Path) -> dict:
    """Everything an import may change: row counts, outbox, audit, layer files."""
    import sqlite3

    db = data / "cache.db"
    counts = None
    if db.exists():
        conn = sqlite3.connect(db)
        counts = {t: conn.execute(f"SELECT COUNT(*), COALESCE(MAX(version), 0) FROM {t}").fetchone()
                  for t in ("alarms", "incidents", "log")}
        counts["outbox"] = conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
        counts["audit"] = conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
        conn.close()
    return {"db": counts, "layers": snapshot(data)}


def rows(data: Path, table: str) -> list[dict]:
    from commandcenter.store import Store

    store = Store(data / "cache.db")
    try:
        return store.query(f"SELECT * FROM {table}")
    finally:
        store.close()


def imp(data, path, capsys, *more):
    return run(["import", "cap", str(path), "--data-dir", str(data), *more], capsys)


def test_alarm_is_the_default_with_colour_org_unit_and_cap_fields(data, tmp_path, capsys, street):
    lon, lat = street.center
    path = write_cap(tmp_path, cap(infos=[info(area=square(lon, lat))]))
    code, out, err = imp(data, path, capsys)
    assert (code, err) == (0, "")
    assert "orange alarm" in out and street.code in out and "layer cap-31000041600000_20260701120000_1" in out
    (alarm,) = rows(data, "alarms")
    assert alarm["indicator"] == "cap:暴雨" and alarm["colour"] == "orange" and alarm["status"] == "raised"
    assert alarm["org_unit"] == street.code
    assert (alarm["cap_identifier"], alarm["cap_headline"], alarm["cap_sender"], alarm["cap_event"]) == (
        "31000041600000_20260701120000_1", "暴雨橙色预警", "sh-meteo@example.cn", "暴雨")
    assert LayerStore(data).names() == ["cap-31000041600000_20260701120000_1"]
    assert rows(data, "incidents") == []


@pytest.mark.parametrize("severity, params, colour", [
    ("Extreme", "", "red"), ("Severe", "", "orange"), ("Moderate", "", "yellow"), ("Minor", "", "blue"),
    ("Unknown", "", "blue"),
    ("Minor", level("红色", "预警颜色"), "red"),  # the profile's level wins over CAP severity
    ("Extreme", level("三级"), "yellow"),
    ("Moderate", level("Orange", "level"), "orange"),
])
def test_alarm_colour_from_severity_and_profile_level(data, tmp_path, capsys, street, severity, params, colour):
    path = write_cap(tmp_path, cap(infos=[info(severity=severity, params=params, area=square(*street.center))]))
    assert imp(data, path, capsys)[0] == 0
    assert rows(data, "alarms")[0]["colour"] == colour


def test_reimport_changes_nothing_and_says_so(data, tmp_path, capsys, street):
    path = write_cap(tmp_path, cap(infos=[info(area=square(*street.center))]))
    assert imp(data, path, capsys)[0] == 0
    before = cache_state(data)
    for mode in ("alarm", "incident"):
        code, out, err = imp(data, path, capsys, "--as", mode)
        assert (code, err) == (0, "")
        assert "imported already" in out and "nothing changed" in out
        assert cache_state(data) == before


def test_several_infos_the_most_severe_and_the_ui_language(data, tmp_path, capsys, street):
    area = square(*street.center)
    infos = [info(lang="en", event="Rainstorm", headline="Rainstorm orange warning", area=area),
             info(lang="zh-CN", headline="暴雨橙色预警", area=area),
             info(lang="zh-CN", severity="Minor", headline="大风蓝色预警", event="大风", area=area)]
    path = write_cap(tmp_path, cap(infos=infos))
    assert imp(data, path, capsys)[0] == 0
    assert rows(data, "alarms")[0]["cap_headline"] == "暴雨橙色预警"
    other = tmp_path / "other"
    assert run(["import", "cap", str(path), "--data-dir", str(other), "--lang", "en"], capsys)[0] == 0
    (alarm,) = rows(other, "alarms")
    assert (alarm["cap_headline"], alarm["indicator"]) == ("Rainstorm orange warning", "cap:Rainstorm")


@pytest.mark.parametrize("encoding", ["GB2312", "GBK", "GB18030", "UTF-16"])
def test_chinese_encodings_with_a_declaration(data, tmp_path, capsys, street, encoding):
    text = cap(decl=encoding, infos=[info(headline="暴雨橙色预警：请注意防范", area=square(*street.center))])
    path = write_cap(tmp_path, text, encoding=encoding.lower().replace("utf-16", "utf-16"))
    code, out, err = imp(data, path, capsys)
    assert (code, err) == (0, "")
    assert rows(data, "alarms")[0]["cap_headline"] == "暴雨橙色预警：请注意防范"


def test_bytes_that_are_not_the_declared_encoding_are_refused(data, tmp_path, capsys, street):
    path = tmp_path / "bad.xml"
    path.write_bytes(cap(decl="GB2312", infos=[info(area=square(*street.center))]).encode("utf-8")[:-20] + b"\xff\xff</alert>")
    code, out, err = imp(data, path, capsys)
    assert (code, out) == (1, "")
    assert "bad.xml:line" in err and "encoding" in err
    assert cache_state(data) == {"db": None, "layers": None}


def test_circle_and_missing_optional_elements(data, tmp_path, capsys, street):
    lon, lat = street.center
    path = write_cap(tmp_path, cap(infos=[info(headline="", area=f"<circle>{lat},{lon} 0.3</circle>")]))
    code, out, _ = imp(data, path, capsys, "--as", "incident")
    assert code == 0
    (incident,) = rows(data, "incidents")
    assert incident["title"] == "暴雨"  # no headline: the event
    assert incident["org_unit"] == street.code
    assert incident["lon"] == pytest.approx(lon, abs=1e-4) and incident["lat"] == pytest.approx(lat, abs=1e-4)
    assert incident["cap_expires"] is None


def test_alert_with_no_area_becomes_an_alarm_without_a_layer(data, capsys):
    code, out, err = imp(data, sample("v1dot2_appendix_adot1.xml"), capsys)
    assert (code, err) == (0, "")
    assert "no area to draw" in out
    (alarm,) = rows(data, "alarms")
    assert (alarm["colour"], alarm["org_unit"], alarm["indicator"]) == (
        "orange", None, "cap:Homeland Security Advisory System Update")
    assert snapshot(data) is None


@pytest.mark.parametrize("name", ["v1dot2_appendix_adot1.xml", "v1dot2_appendix_adot2.xml",
                                  "v1dot2_appendix_adot3.xml", "v1dot2_appendix_adot4.xml"])
@pytest.mark.parametrize("mode", ["alarm", "incident"])
def test_every_specification_example_imports(data, capsys, name, mode):
    code, out, err = imp(data, sample(name), capsys, "--as", mode)
    assert (code, err) == (0, "")
    assert len(rows(data, "alarms" if mode == "alarm" else "incidents")) == 1


def test_incident_fields_from_the_alert(data, tmp_path, capsys, street):
    path = write_cap(tmp_path, cap(infos=[info(severity="Extreme", event="台风", headline="台风红色预警",
                                                area=square(*street.center)),
                                           info(lang="en", severity="Extreme", event="Typhoon",
                                                headline="Typhoon red warning", area=square(*street.center))]))
    code, out, _ = imp(data, path, capsys, "--as", "incident")
    assert code == 0
    (incident,) = rows(data, "incidents")
    assert (incident["title"], incident["title_en"], incident["category"], incident["severity"]) == (
        "台风红色预警", "Typhoon red warning", "typhoon", "I")
    assert incident["description"] == "雨量大\n\n注意防范"
    assert (incident["status"], incident["mode"], incident["org_unit"]) == ("reported", "live", street.code)
    # the spec's earthquake (category Geo) and abduction (Rescue: the documented fallback)
    assert imp(data, sample("v1dot2_appendix_adot3.xml"), capsys, "--as", "incident")[0] == 0
    assert imp(data, sample("v1dot2_appendix_adot4.xml"), capsys, "--as", "incident")[0] == 0
    by_title = {r["title"]: r for r in rows(data, "incidents")}
    assert by_title["EQ 3.4 Imperial County CA"]["category"] == "earthquake"
    assert by_title["EQ 3.4 Imperial County CA"]["severity"] == "IV"
    assert by_title["Amber Alert in Los Angeles County"]["category"] == "mass_gathering"


def test_update_changes_the_alarm_and_replaces_the_layer(data, tmp_path, capsys, street):
    first = write_cap(tmp_path, cap("A-1", infos=[info(severity="Moderate", area=square(*street.center))]), "a1.xml")
    assert imp(data, first, capsys)[0] == 0
    ref = "sh-meteo@example.cn,A-1,2026-07-01T12:00:00+08:00"
    update = write_cap(tmp_path, cap("A-2", msg_type="Update", references=ref, sent="2026-07-01T13:00:00+08:00",
                                     infos=[info(severity="Extreme", headline="暴雨红色预警",
                                                 area=square(*street.center))]), "a2.xml")
    code, out, _ = imp(data, update, capsys)
    assert code == 0 and "updates alarm" in out and "removed layer cap-A-1" in out
    (alarm,) = rows(data, "alarms")
    assert (alarm["colour"], alarm["cap_headline"], alarm["cap_identifier"]) == ("red", "暴雨红色预警", "A-2")
    assert LayerStore(data).names() == ["cap-A-2"]
    before = cache_state(data)
    assert "imported already" in imp(data, update, capsys)[1]
    assert cache_state(data) == before


def test_cancel_clears_the_alarm_and_removes_its_area(data, tmp_path, capsys, street):
    first = write_cap(tmp_path, cap("A-1", infos=[info(area=square(*street.center))]), "a1.xml")
    assert imp(data, first, capsys)[0] == 0
    cancel = write_cap(tmp_path, cap("A-3", msg_type="Cancel", sent="2026-07-01T14:00:00+08:00",
                                     references="sh-meteo@example.cn,A-1,2026-07-01T12:00:00+08:00"), "a3.xml")
    code, out, _ = imp(data, cancel, capsys)
    assert code == 0 and "cleared" in out
    assert rows(data, "alarms")[0]["status"] == "cleared"
    assert LayerStore(data).names() == []


def test_update_or_cancel_of_an_incident_goes_to_its_command_log(data, tmp_path, capsys, street):
    first = write_cap(tmp_path, cap("A-1", infos=[info(area=square(*street.center))]), "a1.xml")
    assert imp(data, first, capsys, "--as", "incident")[0] == 0
    (incident,) = rows(data, "incidents")
    cancel = write_cap(tmp_path, cap("A-3", msg_type="Cancel", sent="2026-07-01T14:00:00+08:00",
                                     references="sh-meteo@example.cn,A-1,2026-07-01T12:00:00+08:00"), "a3.xml")
    assert imp(data, cancel, capsys)[0] == 0
    (entry,) = rows(data, "log")
    assert entry["incident_id"] == incident["id"] and "Cancel" in entry["text"]
    assert rows(data, "incidents")[0]["status"] == "reported"  # closing it is the room's decision


def test_cancel_of_an_unknown_alert_changes_nothing(data, tmp_path, capsys):
    cancel = write_cap(tmp_path, cap("A-3", msg_type="Cancel", references="x,A-0,2026-07-01T12:00:00+08:00"))
    code, out, _ = imp(data, cancel, capsys)
    assert code == 0 and "nothing changed" in out
    assert cache_state(data) == {"db": None, "layers": None}


@pytest.mark.parametrize("status", ["Exercise", "Test", "Draft", "System"])
def test_non_actual_alerts_stay_out_of_the_live_cache(data, tmp_path, capsys, street, status):
    path = write_cap(tmp_path, cap(status=status, infos=[info(area=square(*street.center))]))
    code, out, err = imp(data, path, capsys)
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and "alert.xml:alert: status:" in err and "--as layer" in err
    assert cache_state(data) == {"db": None, "layers": None}
    assert imp(data, path, capsys, "--as", "layer")[0] == 0  # drawing it is fine


MALFORMED = [
    ("not xml", "not <xml", "bad.xml:line 1: xml: malformed XML"),
    ("wrong namespace", cap().replace(NS, "urn:example:not-cap"), "bad.xml:line 1: alert: root element is <alert>"),
    ("no identifier", cap("", infos=[info()]), "bad.xml:alert: identifier: missing"),
    ("no sent", cap(sent="", infos=[info()]), "bad.xml:alert: sent: missing"),
    ("bad sent", cap(sent="yesterday", infos=[info()]), "bad.xml:alert: sent: not an ISO 8601 time"),
    ("no info", cap(infos=[]), "bad.xml:alert: info: missing"),
    ("no msgType", cap(infos=[info()]).replace("<msgType>Alert</msgType>", ""), "bad.xml:alert: msgType: missing"),
    ("Ack", cap(msg_type="Ack"), "bad.xml:alert: msgType: an Ack message"),
    ("bad polygon", cap(infos=[info(area="<polygon>31.2,121.4 31.2,121.5 31.3</polygon>")]),
     "bad.xml:info[0]/area[0]: polygon[0]: odd number of coordinates"),
    ("unknown encoding", cap(decl="x-klingon", infos=[info()]), "bad.xml:line 1: encoding: unknown encoding"),
]


# CAP 1.2 section 3.2: the elements an alert, each info and each area must have
REQUIRED = [("alert", name) for name in ("identifier", "sender", "sent", "status", "msgType", "scope")] + \
           [("info[0]", name) for name in ("category", "event", "urgency", "severity", "certainty")] + \
           [("info[0]/area[0]", "areaDesc")]


def without(text: str, name: str) -> str:
    """The alert with every <name> element taken out."""
    import re

    stripped, n = re.subn(rf"<{name}>[^<]*</{name}>", "", text)
    assert n >= 1, name
    return stripped


def good_cap(street) -> str:
    return cap("GOOD-2", infos=[info(area=square(*street.center))])


@pytest.mark.parametrize("where, name", REQUIRED, ids=[r[1] for r in REQUIRED])
@pytest.mark.parametrize("mode", ["alarm", "incident", "layer"])
def test_an_alert_missing_a_required_element_is_refused_and_changes_nothing(
        data, tmp_path, capsys, street, where, name, mode):
    good = write_cap(tmp_path, cap("GOOD-1", infos=[info(area=square(*street.center))]), "good.xml")
    assert imp(data, good, capsys)[0] == 0
    before = cache_state(data)
    bad = write_cap(tmp_path, without(good_cap(street), name), "bad.xml")
    code, out, err = imp(data, bad, capsys, "--as", mode)
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and f"bad.xml:{where}: {name}: missing (required by CAP 1.2)" in err, err
    assert cache_state(data) == before
    # the same element present but empty is just as missing
    import re

    empty = write_cap(tmp_path, re.sub(rf"<{name}>[^<]*</{name}>", f"<{name}> </{name}>", good_cap(street),
                                       count=1), "empty.xml")
    code, _, err = imp(data, empty, capsys, "--as", mode)
    assert code == 1 and f"empty.xml:{where}: {name}: missing" in err, err
    assert cache_state(data) == before


ENUMERATED = [
    ("scope", "<scope>Public</scope>", "<scope>Everyone</scope>", "alert: scope: 'Everyone' is not one of Public"),
    ("category", "<category>Met</category>", "<category>Weather</category>",
     "info[0]: category[0]: 'Weather' is not one of Geo, Met"),
    ("urgency", "<urgency>Immediate</urgency>", "<urgency>Now</urgency>", "info[0]: urgency: 'Now' is not one of"),
    ("severity", "<severity>Severe</severity>", "<severity>Bad</severity>", "info[0]: severity: 'Bad' is not one of"),
    ("certainty", "<certainty>Likely</certainty>", "<certainty>Very Likely</certainty>",
     "info[0]: certainty: 'Very Likely' is not one of"),  # a CAP 1.1 value, not 1.2
    ("restriction", "<scope>Public</scope>", "<scope>Restricted</scope>", "alert: restriction: missing"),
    ("addresses", "<scope>Public</scope>", "<scope>Private</scope>", "alert: addresses: missing"),
]


@pytest.mark.parametrize("label, good_text, bad_text, words", ENUMERATED, ids=[e[0] for e in ENUMERATED])
def test_a_value_outside_the_cap_enumeration_is_refused(data, tmp_path, capsys, street, label, good_text,
                                                         bad_text, words):
    before = cache_state(data)
    text = good_cap(street)
    assert good_text in text
    code, out, err = imp(data, write_cap(tmp_path, text.replace(good_text, bad_text, 1), "bad.xml"), capsys)
    assert (code, out) == (1, "") and f"bad.xml:{words}" in err, err
    assert cache_state(data) == before


def test_a_restricted_alert_with_its_restriction_imports(data, tmp_path, capsys, street):
    text = good_cap(street).replace("<scope>Public</scope>",
                                    "<scope>Restricted</scope><restriction>防汛指挥部内部</restriction>")
    code, out, err = imp(data, write_cap(tmp_path, text), capsys)
    assert code == 0, err
    assert len(rows(data, "alarms")) == 1


@pytest.mark.parametrize("label, text, words", MALFORMED, ids=[m[0] for m in MALFORMED])
@pytest.mark.parametrize("mode", ["alarm", "incident"])
def test_malformed_alert_changes_nothing(data, tmp_path, capsys, street, label, text, words, mode):
    good = write_cap(tmp_path, cap("GOOD-1", infos=[info(area=square(*street.center))]), "good.xml")
    assert imp(data, good, capsys)[0] == 0
    before = cache_state(data)
    bad = write_cap(tmp_path, text, "bad.xml")
    code, out, err = imp(data, bad, capsys, "--as", mode)
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and err.startswith("commandcenter: error: ") and words in err
    assert cache_state(data) == before


# --- export cap ---------------------------------------------------------------------------------

def report(data: Path, catalog, street, *, mode="live") -> str:
    from commandcenter.domain.commands import report_incident
    from commandcenter.store import Store

    store = Store(data / "cache.db")
    try:
        op = report_incident(1_782_878_400_000, title="南京路积水 <30cm>", category="waterlogging", severity="II",
                             org_unit=street.code, lon=street.center[0], lat=street.center[1],
                             description="积水 & 车辆受困", mode=mode)
        store.execute(op)
        return op.entity_id
    finally:
        store.close()


def test_export_cap_writes_a_valid_alert_that_reads_back(data, tmp_path, capsys, catalog, street):
    import xmlschema

    from commandcenter.interop.cap import parse_cap

    incident_id = report(data, catalog, street)
    out_path = tmp_path / "out.xml"
    code, out, err = run(["export", "cap", "--incident", incident_id, "--out", str(out_path),
                          "--data-dir", str(data)], capsys)
    assert (code, err) == (0, "") and "(Actual)" in out
    xmlschema.XMLSchema(str(XSD)).validate(str(out_path))
    alert = parse_cap(out_path)
    assert (alert.status, alert.msg_type, alert.scope, alert.sent[-6:]) == ("Actual", "Alert", "Public", "+08:00")
    zh = alert.infos[0]
    assert (zh.language, zh.headline, zh.severity, zh.parameters["预警颜色"]) == ("zh-CN", "南京路积水 <30cm>", "Severe", "橙色")
    assert zh.areas[0].area_desc == street.name_zh


def test_export_cap_of_a_drill_incident_is_an_exercise(data, tmp_path, capsys, catalog, street):
    incident_id = report(data, catalog, street, mode="drill")
    out_path = tmp_path / "drill.xml"
    code, out, _ = run(["export", "cap", "--incident", incident_id, "--out", str(out_path), "--data-dir", str(data)],
                       capsys)
    assert code == 0 and "(Exercise)" in out
    assert b"<status>Exercise</status>" in out_path.read_bytes()
    code, out, err = run(["export", "cap", "--incident", incident_id, "--out", str(tmp_path / "real.xml"),
                          "--status", "Actual", "--data-dir", str(data)], capsys)
    assert (code, out) == (2, "") and "--status Actual" in err and "drill incident" in err
    assert not (tmp_path / "real.xml").exists()


@pytest.mark.parametrize("label, argv, words", [
    ("unknown incident", ["--incident", "nope", "--out", "{tmp}/a.xml"], "--incident nope: no such incident"),
    ("wrong suffix", ["--incident", "{id}", "--out", "{tmp}/a.json"], "--out must be a .xml file"),
    ("missing folder", ["--incident", "{id}", "--out", "{tmp}/nowhere/a.xml"], "--out folder does not exist"),
    ("bad sender", ["--incident", "{id}", "--out", "{tmp}/a.xml", "--sender", "a b"], "--sender:"),
])
def test_export_cap_bad_arguments_exit_2_and_write_nothing(data, tmp_path, capsys, catalog, street, label, argv,
                                                           words):
    incident_id = report(data, catalog, street)
    before = cache_state(data)
    argv = [a.format(tmp=tmp_path, id=incident_id) for a in argv]
    code, out, err = run(["export", "cap", *argv, "--data-dir", str(data)], capsys)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and words in err
    assert not list(tmp_path.rglob("a.*"))
    assert cache_state(data) == before
