"""The layer folder: files any GIS opens, names that stay inside the folder, atomic writes."""
from __future__ import annotations

import json
import os

import pytest

from commandcenter.interop import layers as layers_module
from commandcenter.interop.errors import LayerError
from commandcenter.interop.layers import Layer, LayerStore, sanitise_name


def _layer(name="shelters", n=2, crs="wgs84"):
    feats = [{"type": "Feature", "properties": {"name": f"site {i}"},
              "geometry": {"type": "Point", "coordinates": [121.47 + i / 100, 31.23]}} for i in range(n)]
    return Layer(name=name, crs=crs, source="shelters.csv", imported_ms=1_784_080_800_000, features=feats)


def test_saved_layer_is_a_feature_collection_with_its_origin(tmp_path):
    store = LayerStore(tmp_path)
    path = store.save(_layer(crs="gcj02"))
    assert path == tmp_path / "layers" / "shelters.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    assert doc["commandcenter"] == {"name": "shelters", "crs": "gcj02", "source": "shelters.csv",
                                    "imported_ms": 1_784_080_800_000, "count": 2}
    loaded = store.load("shelters")
    assert loaded == _layer(crs="gcj02")


def test_names_and_delete(tmp_path):
    store = LayerStore(tmp_path)
    assert store.names() == []
    store.save(_layer("b"))
    store.save(_layer("a-1"))
    assert store.names() == ["a-1", "b"]
    store.delete("b")
    assert store.names() == ["a-1"]
    with pytest.raises(LayerError, match="no layer named b"):
        store.load("b")
    with pytest.raises(LayerError, match="no layer named b"):
        store.delete("b")


def test_existing_layer_is_kept_unless_replace(tmp_path):
    store = LayerStore(tmp_path)
    store.save(_layer(n=2))
    with pytest.raises(LayerError, match="already exists"):
        store.save(_layer(n=5), replace=False)
    assert len(store.load("shelters").features) == 2
    store.save(_layer(n=5), replace=True)
    assert len(store.load("shelters").features) == 5


@pytest.mark.parametrize("name", ["", "../etc", "a/b", "a b", "x" * 65, "避难所", "a.geojson", "."])
def test_bad_layer_names_are_refused_naming_the_name(tmp_path, name):
    with pytest.raises(LayerError) as exc:
        LayerStore(tmp_path).load(name)
    assert repr(name) in str(exc.value)
    with pytest.raises(LayerError):
        _layer(name=name)


def test_longest_allowed_name_works(tmp_path):
    store = LayerStore(tmp_path)
    store.save(_layer(name="A_z-9" * 12 + "abcd"))
    assert store.names() == ["A_z-9" * 12 + "abcd"]


@pytest.mark.parametrize("stem, expected", [("shelters 2026", "shelters_2026"), ("避难所", "layer"),
                                            ("医院-hospitals", "hospitals"), ("x" * 80, "x" * 64)])
def test_default_names_from_file_stems_are_valid(stem, expected):
    assert sanitise_name(stem) == expected


def test_failed_save_leaves_the_old_layer_and_no_temp_file(tmp_path, monkeypatch):
    store = LayerStore(tmp_path)
    store.save(_layer(n=2))
    before = (tmp_path / "layers" / "shelters.geojson").read_bytes()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(layers_module.os, "replace", broken_replace)
    with pytest.raises(OSError):
        store.save(_layer(n=5))
    monkeypatch.undo()
    assert (tmp_path / "layers" / "shelters.geojson").read_bytes() == before
    assert os.listdir(tmp_path / "layers") == ["shelters.geojson"]


def test_unserialisable_layer_never_touches_the_file(tmp_path):
    store = LayerStore(tmp_path)
    store.save(_layer(n=2))
    bad = _layer(n=1)
    bad.features[0]["properties"]["when"] = object()
    with pytest.raises(TypeError):
        store.save(bad)
    assert len(store.load("shelters").features) == 2
    assert os.listdir(tmp_path / "layers") == ["shelters.geojson"]
