"""Generate orgunits.geojson: the demo city's four administrative levels as nested polygons.

Run `python resources/city/make_orgunits.py` to regenerate (deterministic, stdlib only).

How: the city is a set of cells on a jittered lon/lat grid. Each cell is given to one district
(nearest district seed, roughly where the real district is), then to one of its streets
(nearest street seed), then to one of the street's two communities (split along the street's
long axis). Every unit at every level is the union of its cells, traced into one outer ring.
Because all rings are built from the same jittered grid vertices, shared edges are identical
and the polygons nest and partition exactly. To avoid a pixelated look, every other
non-junction boundary vertex is dropped (the same vertex from every ring that uses it), which
turns staircases into diagonals without opening gaps.
"""
from __future__ import annotations

import json
import math
import random
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parent / "orgunits.geojson"

LON0, LAT0 = 121.385, 31.160  # south-west corner of the grid
CELL = 0.004  # degrees
NX, NY = 32, 28
JITTER = 0.22  # fraction of a cell, per axis
SEED = 20260715
KX = math.cos(math.radians(31.2))  # lon degrees are shorter than lat degrees here

# A rough outline of the inner city (Changning, Jing'an, Huangpu, Xuhui), lon/lat.
OUTLINE = [
    (121.392, 31.214), (121.396, 31.232), (121.406, 31.241), (121.424, 31.240),
    (121.431, 31.252), (121.443, 31.263), (121.461, 31.263), (121.470, 31.252),
    (121.484, 31.249), (121.497, 31.244), (121.506, 31.233), (121.505, 31.214),
    (121.496, 31.199), (121.479, 31.195), (121.469, 31.184), (121.461, 31.169),
    (121.441, 31.165), (121.425, 31.171), (121.417, 31.188), (121.401, 31.197),
]

CITY = ("310000", "上海市", "Shanghai")

# district: (code, zh, en, seed lon, seed lat, weight); a larger weight claims more ground.
DISTRICTS = [
    ("310101", "黄浦区", "Huangpu District", 121.487, 31.222, 1.0),
    ("310104", "徐汇区", "Xuhui District", 121.441, 31.188, 1.0),
    ("310105", "长宁区", "Changning District", 121.414, 31.220, 1.05),
    ("310106", "静安区", "Jing'an District", 121.452, 31.243, 1.0),
]

# street: (code, zh, en, seed lon, seed lat, [(community code suffix, zh, en), x2])
STREETS = {
    "310101": [
        ("310101002", "南京东路街道", "East Nanjing Road Subdistrict", 121.483, 31.237, [
            ("001", "贵州居委会", "Guizhou Residents' Committee"),
            ("002", "福州居委会", "Fuzhou Residents' Committee"),
        ]),
        ("310101018", "豫园街道", "Yuyuan Subdistrict", 121.488, 31.212, [
            ("001", "方浜居委会", "Fangbang Residents' Committee"),
            ("002", "露香园居委会", "Luxiangyuan Residents' Committee"),
        ]),
    ],
    "310104": [
        ("310104003", "天平路街道", "Tianping Road Subdistrict", 121.447, 31.205, [
            ("001", "高安路居委会", "Gao'an Road Residents' Committee"),
            ("002", "永嘉居委会", "Yongjia Residents' Committee"),
        ]),
        ("310104014", "徐家汇街道", "Xujiahui Subdistrict", 121.437, 31.182, [
            ("001", "乐山居委会", "Leshan Residents' Committee"),
            ("002", "天钥居委会", "Tianyao Residents' Committee"),
        ]),
    ],
    "310105": [
        ("310105002", "江苏路街道", "Jiangsu Road Subdistrict", 121.424, 31.228, [
            ("001", "愚园居委会", "Yuyuan Road Residents' Committee"),
            ("002", "岐山居委会", "Qishan Residents' Committee"),
        ]),
        ("310105004", "新华路街道", "Xinhua Road Subdistrict", 121.410, 31.209, [
            ("001", "番禺居委会", "Panyu Residents' Committee"),
            ("002", "法华居委会", "Fahua Residents' Committee"),
        ]),
    ],
    "310106": [
        ("310106006", "江宁路街道", "Jiangning Road Subdistrict", 121.450, 31.252, [
            ("001", "昌平居委会", "Changping Residents' Committee"),
            ("002", "西康居委会", "Xikang Residents' Committee"),
        ]),
        ("310106012", "南京西路街道", "West Nanjing Road Subdistrict", 121.456, 31.233, [
            ("001", "威海居委会", "Weihai Residents' Committee"),
            ("002", "茂名居委会", "Maoming Residents' Committee"),
        ]),
    ],
}


def _inside(poly, x, y) -> bool:
    inside = False
    j = len(poly) - 1
    for i in range(len(poly)):
        xi, yi = poly[i]
        xj, yj = poly[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def _centre(i: int, j: int) -> tuple[float, float]:
    return LON0 + (i + 0.5) * CELL, LAT0 + (j + 0.5) * CELL


def _dist(x0, y0, x1, y1) -> float:
    return math.hypot((x1 - x0) * KX, y1 - y0)


def _assign() -> dict[tuple[int, int], str]:
    """cell -> community code."""
    cells = [(i, j) for i in range(NX) for j in range(NY) if _inside(OUTLINE, *_centre(i, j))]
    district_of = {
        c: min(DISTRICTS, key=lambda d: _dist(*_centre(*c), d[3], d[4]) / d[5])[0] for c in cells
    }
    street_of = {}
    for c, d in district_of.items():
        street_of[c] = min(STREETS[d], key=lambda s: _dist(*_centre(*c), s[3], s[4]))[0]
    community_of = {}
    by_street = defaultdict(list)
    for c, s in street_of.items():
        by_street[s].append(c)
    for s, members in by_street.items():
        # Split along the long axis of the street (principal component of the cell centres).
        pts = [_centre(*c) for c in members]
        mx = sum(p[0] for p in pts) / len(pts)
        my = sum(p[1] for p in pts) / len(pts)
        sxx = sum(((p[0] - mx) * KX) ** 2 for p in pts)
        syy = sum((p[1] - my) ** 2 for p in pts)
        sxy = sum((p[0] - mx) * KX * (p[1] - my) for p in pts)
        angle = 0.5 * math.atan2(2 * sxy, sxx - syy)
        ux, uy = math.cos(angle), math.sin(angle)
        proj = sorted(members, key=lambda c: ((_centre(*c)[0] - mx) * KX * ux + (_centre(*c)[1] - my) * uy, c))
        half = len(proj) // 2
        # The first community is the one further north-west, for stable names.
        first, second = proj[:half], proj[half:]
        def score(group):
            return sum(_centre(*c)[1] - _centre(*c)[0] for c in group) / len(group)
        if score(second) > score(first):
            first, second = second, first
        for c in first:
            community_of[c] = s + "001"
        for c in second:
            community_of[c] = s + "002"
    return community_of


def _vertices() -> dict[tuple[int, int], tuple[float, float]]:
    rng = random.Random(SEED)
    out = {}
    for j in range(NY + 1):
        for i in range(NX + 1):
            dx = rng.uniform(-JITTER, JITTER)
            dy = rng.uniform(-JITTER, JITTER)
            out[(i, j)] = (round(LON0 + (i + dx) * CELL, 6), round(LAT0 + (j + dy) * CELL, 6))
    return out


def _ring(cells: set[tuple[int, int]], name: str) -> list[tuple[int, int]]:
    """The outer boundary of a set of cells as grid vertices, counter-clockwise, unclosed."""
    nxt: dict[tuple[int, int], tuple[int, int]] = {}

    def edge(a, b):
        if a in nxt:
            raise SystemExit(f"{name}: pinched boundary at grid vertex {a}")
        nxt[a] = b

    for i, j in cells:
        if (i, j - 1) not in cells:
            edge((i, j), (i + 1, j))
        if (i + 1, j) not in cells:
            edge((i + 1, j), (i + 1, j + 1))
        if (i, j + 1) not in cells:
            edge((i + 1, j + 1), (i, j + 1))
        if (i - 1, j) not in cells:
            edge((i, j + 1), (i, j))
    start = min(nxt)
    ring = [start]
    v = nxt[start]
    while v != start:
        ring.append(v)
        v = nxt[v]
    if len(ring) != len(nxt):
        raise SystemExit(f"{name}: not one simple region (holes or several parts)")
    return ring


def _junctions(community_of) -> set[tuple[int, int]]:
    """Grid vertices where three or more regions (counting the outside) meet: always kept."""
    out = set()
    for j in range(NY + 1):
        for i in range(NX + 1):
            around = {community_of.get(c) for c in ((i - 1, j - 1), (i, j - 1), (i - 1, j), (i, j))}
            if len(around) >= 3:
                out.add((i, j))
    return out


def _segments_cross(p1, p2, p3, p4) -> bool:
    def orient(a, b, c):
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    d1, d2 = orient(p3, p4, p1), orient(p3, p4, p2)
    d3, d4 = orient(p1, p2, p3), orient(p1, p2, p4)
    return d1 * d2 < 0 and d3 * d4 < 0


def _check_simple(ring, name):
    n = len(ring)
    for a in range(n):
        for b in range(a + 2, n):
            if a == 0 and b == n - 1:
                continue
            if _segments_cross(ring[a], ring[(a + 1) % n], ring[b], ring[(b + 1) % n]):
                raise SystemExit(f"{name}: ring intersects itself")


def build() -> dict:
    community_of = _assign()
    verts = _vertices()
    keep_always = _junctions(community_of)

    def polygon(cells, name):
        ring = [v for v in _ring(set(cells), name) if v in keep_always or (v[0] + v[1]) % 2]
        coords = [verts[v] for v in ring]
        _check_simple(coords, name)
        return [[list(p) for p in coords + coords[:1]]]

    units = []  # (code, parent, level, zh, en, cells)
    all_cells = list(community_of)
    units.append((CITY[0], None, "city", CITY[1], CITY[2], all_cells))
    for dcode, dzh, den, *_ in DISTRICTS:
        dcells = [c for c, k in community_of.items() if k.startswith(dcode)]
        units.append((dcode, CITY[0], "district", dzh, den, dcells))
        for scode, szh, sen, _x, _y, communities in STREETS[dcode]:
            scells = [c for c, k in community_of.items() if k.startswith(scode)]
            units.append((scode, dcode, "street", szh, sen, scells))
            for suffix, czh, cen in communities:
                ccode = scode + suffix
                ccells = [c for c, k in community_of.items() if k == ccode]
                units.append((ccode, scode, "community", czh, cen, ccells))
    features = []
    for code, parent, level, zh, en, cells in units:
        if not cells:
            raise SystemExit(f"{code}: no cells")
        features.append({
            "type": "Feature",
            "properties": {"code": code, "parent": parent, "level": level, "name_zh": zh, "name_en": en},
            "geometry": {"type": "Polygon", "coordinates": polygon(cells, code)},
        })
    return {
        "type": "FeatureCollection",
        "name": "commandcenter demo city (Shanghai inner districts, simplified)",
        "crs_note": "WGS-84 lon/lat (RFC 7946). Generated by make_orgunits.py; shapes are illustrative.",
        "features": features,
    }


def main() -> None:
    data = build()
    lines = ['{"type": "FeatureCollection",']
    lines.append(f' "name": {json.dumps(data["name"], ensure_ascii=False)},')
    lines.append(f' "crs_note": {json.dumps(data["crs_note"], ensure_ascii=False)},')
    lines.append(' "features": [')
    feats = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in data["features"]]
    lines.append(",\n".join(feats))
    lines.append("]}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(feats)} features)")


if __name__ == "__main__":
    main()
