"""The live buffers: what the charts read must be the newest points, in order, bounded."""
from __future__ import annotations

import numpy as np
import pytest

from commandcenter.live.ringbuffer import RingBuffer, SeriesBank


def test_window_is_the_newest_points_oldest_first_across_wraps():
    buf = RingBuffer(5)
    for i in range(13):  # wraps twice, and ends mid-buffer
        buf.append(float(i), float(i * 10))
    t, v = buf.window()
    assert list(t) == [8.0, 9.0, 10.0, 11.0, 12.0]
    assert list(v) == [80.0, 90.0, 100.0, 110.0, 120.0]
    assert len(buf) == 5
    assert buf.last() == (12.0, 120.0)


def test_window_is_a_contiguous_view_without_copy():
    buf = RingBuffer(4)
    buf.append([0, 1, 2], [0, 1, 2])
    buf.append([3, 4, 5], [3, 4, 5])  # this batch wraps
    t, v = buf.window()
    assert t.base is not None and v.base is not None  # views into the buffer
    assert t.flags["C_CONTIGUOUS"]
    assert list(t) == [2.0, 3.0, 4.0, 5.0]


def test_a_batch_larger_than_capacity_keeps_its_tail():
    buf = RingBuffer(3)
    buf.append(np.arange(10.0), np.arange(10.0) * 2)
    t, v = buf.window()
    assert list(t) == [7.0, 8.0, 9.0]
    assert list(v) == [14.0, 16.0, 18.0]


def test_partial_window_and_since():
    buf = RingBuffer(10)
    buf.append(np.arange(6.0), np.arange(6.0))
    assert list(buf.window(2)[0]) == [4.0, 5.0]
    assert list(buf.window(99)[0]) == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert list(buf.window_since(3.5)[1]) == [4.0, 5.0]


def test_empty_buffer():
    buf = RingBuffer(3)
    assert len(buf) == 0
    assert buf.last() is None
    t, v = buf.window()
    assert t.size == 0 and v.size == 0


def test_mismatched_shapes_are_refused():
    buf = RingBuffer(3)
    with pytest.raises(ValueError):
        buf.append([1.0, 2.0], [1.0])
    with pytest.raises(ValueError):
        RingBuffer(0)


def test_bank_groups_by_code_converts_ms_to_seconds_and_tracks_dirty():
    bank = SeriesBank(100)
    changed = bank.add_samples([("rain", 2000, 1.5), ("wind", 1000, 3.0), ("rain", 1000, 1.0)])
    assert changed == {"rain", "wind"}
    t, v = bank.get("rain").window()
    assert list(t) == [1.0, 2.0]  # sorted, seconds
    assert list(v) == [1.0, 1.5]
    assert bank.take_dirty() == {"rain", "wind"}
    assert bank.take_dirty() == set()
    bank.add_samples([("wind", 3000, 4.0)])
    assert bank.take_dirty() == {"wind"}


def test_bank_drops_overlap_with_what_it_has_and_non_finite_values():
    bank = SeriesBank(100)
    bank.add_samples([("rain", 1000, 1.0), ("rain", 2000, 2.0)])
    bank.take_dirty()
    # a back-fill and the stream overlap: old and repeated points are not appended again
    changed = bank.add_samples(
        [("rain", 2000, 2.0), ("rain", 1500, 9.0), ("rain", 3000, float("nan")), ("rain", 4000, 4.0)]
    )
    assert changed == {"rain"}
    t, v = bank.get("rain").window()
    assert list(t) == [1.0, 2.0, 4.0]
    assert list(v) == [1.0, 2.0, 4.0]
    assert bank.add_samples([("rain", 1000, 1.0)]) == set()
    assert bank.take_dirty() == {"rain"}


def test_bank_is_bounded_per_series():
    bank = SeriesBank(50)
    bank.add_samples([("aqi", i * 1000, float(i)) for i in range(500)])
    assert len(bank.get("aqi")) == 50
    assert bank.get("aqi").last() == (499.0, 499.0)
