"""MBTiles packages as a field post gets them: real SQLite files, read-only, TMS rows."""
from __future__ import annotations

import sqlite3

import pytest

from commandcenter.map.mbtiles import MBTiles, MBTilesError, basemap_delta, basemap_name, find_basemaps


def write_mbtiles(path, tiles, metadata=None):
    """An MBTiles file holding `tiles`: {(z, x, y_xyz): bytes}, stored with TMS rows."""
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)")
    meta = {"name": "Demo city", "format": "png", "minzoom": "1", "maxzoom": "2", "bounds": "121.3,31.1,121.6,31.3"}
    meta.update(metadata or {})
    db.executemany("INSERT INTO metadata VALUES (?, ?)", [(k, v) for k, v in meta.items() if v is not None])
    db.executemany(
        "INSERT INTO tiles VALUES (?, ?, ?, ?)",
        [(z, x, 2**z - 1 - y, data) for (z, x, y), data in tiles.items()],
    )
    db.commit()
    db.close()
    return path


def test_tiles_are_found_by_xyz_though_stored_by_tms_row(tmp_path):
    path = write_mbtiles(tmp_path / "city.mbtiles", {(2, 1, 0): b"top row", (2, 1, 3): b"bottom row"})
    with MBTiles(path) as tiles:
        assert tiles.tile(2, 1, 0) == b"top row"
        assert tiles.tile(2, 1, 3) == b"bottom row"
        assert tiles.metadata["name"] == "Demo city"
        assert tiles.metadata["format"] == "png"
        assert tiles.mime_type == "image/png"
        assert (tiles.metadata["minzoom"], tiles.metadata["maxzoom"]) == (1, 2)
        assert tiles.metadata["bounds"] == (121.3, 31.1, 121.6, 31.3)


def test_a_missing_or_impossible_tile_is_none(tmp_path):
    path = write_mbtiles(tmp_path / "city.mbtiles", {(2, 1, 0): b"png"})
    with MBTiles(path) as tiles:
        assert tiles.tile(2, 1, 1) is None
        assert tiles.tile(3, 1, 0) is None
        assert tiles.tile(2, 4, 0) is None  # beyond the 4x4 grid of zoom 2
        assert tiles.tile(-1, 0, 0) is None


def test_metadata_gaps_are_filled_from_the_tiles_and_file_name(tmp_path):
    path = write_mbtiles(
        tmp_path / "harbour.mbtiles",
        {(3, 0, 0): b"a", (5, 0, 0): b"b"},
        metadata={"name": None, "minzoom": None, "maxzoom": None, "bounds": None, "format": "JPEG"},
    )
    with MBTiles(path) as tiles:
        assert tiles.metadata["name"] == "harbour"
        assert (tiles.metadata["minzoom"], tiles.metadata["maxzoom"]) == (3, 5)
        assert tiles.metadata["bounds"] is None
        assert tiles.format == "jpg"
        assert tiles.mime_type == "image/jpeg"


def test_the_package_is_never_written(tmp_path):
    path = write_mbtiles(tmp_path / "city.mbtiles", {(1, 0, 0): b"x"})
    before = path.read_bytes()
    with MBTiles(path) as tiles:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            tiles._db.execute("DELETE FROM tiles")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["city.mbtiles"]  # no journal or WAL left


def test_an_sqlite_file_without_tiles_names_the_file(tmp_path):
    path = tmp_path / "notes.mbtiles"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.close()
    with pytest.raises(MBTilesError, match="tiles") as err:
        MBTiles(path)
    assert str(path) in str(err.value)
    assert err.value.path == path


def test_a_file_that_is_not_sqlite_names_the_file(tmp_path):
    path = tmp_path / "broken.mbtiles"
    path.write_bytes(b"\x89PNG\r\n\x1a\n this is not a database" * 20)
    with pytest.raises(MBTilesError) as err:
        MBTiles(path)
    assert str(path) in str(err.value)


def test_a_vector_package_is_refused(tmp_path):
    path = write_mbtiles(tmp_path / "vector.mbtiles", {(1, 0, 0): b"pbf"}, metadata={"format": "pbf"})
    with pytest.raises(MBTilesError, match="pbf"):
        MBTiles(path)


def test_a_missing_file_names_the_file(tmp_path):
    with pytest.raises(MBTilesError, match="no such file") as err:
        MBTiles(tmp_path / "gone.mbtiles")
    assert "gone.mbtiles" in str(err.value)


def test_find_basemaps_lists_mbtiles_files_in_name_order(tmp_path):
    folder = tmp_path / "basemaps"
    folder.mkdir()
    for name in ("b.mbtiles", "a.MBTILES", "readme.txt"):
        (folder / name).write_bytes(b"")
    (folder / "sub.mbtiles").mkdir()
    assert [p.name for p in find_basemaps(folder)] == ["a.MBTILES", "b.mbtiles"]
    assert find_basemaps(tmp_path / "absent") == []
    assert find_basemaps(None) == []


def test_basemap_delta_points_the_page_at_the_app_scheme(tmp_path):
    path = write_mbtiles(tmp_path / "城市 map.mbtiles", {(1, 0, 0): b"x"})
    name = basemap_name(path)
    assert name == "___map"
    with MBTiles(path) as tiles:
        delta = basemap_delta(name, tiles, "cc://app/tiles/")
    assert delta["url"] == "cc://app/tiles/___map/{z}/{x}/{y}.png"
    assert delta["title"] == "Demo city"
    assert delta["bounds"] == [[31.1, 121.3], [31.3, 121.6]]
    assert (delta["minZoom"], delta["maxZoom"]) == (1, 2)
