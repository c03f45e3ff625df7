"""The camera video panel with the real QMediaPlayer (FFmpeg backend) offscreen."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtMultimedia import QMediaPlayer

from commandcenter.catalog import resources_dir
from commandcenter.citymap import camera_source, load_city_map
from commandcenter.ui.video_panel import VideoPanel

CLIP = resources_dir() / "media" / "camera-sample.mp4"

# The machine's environment, not our code: no sound server, no GPU offscreen.
ENVIRONMENT_NOISE = ("PulseAudioService", "No RHI backend", "This plugin does not support propagateSizeHints")
pytestmark = pytest.mark.qt_log_ignore(*ENVIRONMENT_NOISE)
# the player logs what it reports through errorOccurred; expected where a test provokes it
provoked_error = pytest.mark.qt_log_ignore(*ENVIRONMENT_NOISE, "Could not open media")


@pytest.fixture
def panel(qtbot):
    p = VideoPanel()
    qtbot.addWidget(p)
    p.resize(480, 360)
    p.show()
    yield p
    p.stop()


def test_plays_the_sample_clip_and_delivers_frames(panel, qtbot):
    frames = []
    panel.video_widget.videoSink().videoFrameChanged.connect(
        lambda f: frames.append((f.width(), f.height())) if f.isValid() else None
    )
    panel.play("外滩观景平台 Bund", str(CLIP))
    qtbot.waitUntil(lambda: panel.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState, timeout=20000)
    qtbot.waitUntil(lambda: len(frames) >= 1, timeout=20000)
    assert frames[0] == (480, 270)
    qtbot.waitUntil(lambda: str(CLIP) in panel.status_label.text() and not panel.error_text, timeout=20000)
    assert panel.title_label.text() == "外滩观景平台 Bund"
    assert panel.audio.isMuted()


def test_every_demo_camera_source_is_playable(panel, qtbot):
    """What the map hands the panel for the committed cameras opens without an error."""
    city = load_city_map()
    sources = {camera_source(c, city.media_root) for c in city.cameras}
    for source in sorted(sources):
        panel.play("cam", source)
        qtbot.waitUntil(lambda: panel.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState,
                        timeout=20000)
        assert not panel.error_text


def test_missing_file_shows_an_error_naming_it(panel, qtbot, tmp_path):
    missing = str(tmp_path / "gone" / "cam-7.mp4")
    panel.play("cam 7", missing)
    assert missing in panel.error_text
    assert panel.player.playbackState() != QMediaPlayer.PlaybackState.PlayingState
    assert panel.status_label.textFormat() == Qt.TextFormat.PlainText


@provoked_error
def test_a_file_that_is_not_video_shows_the_player_error(panel, qtbot, tmp_path):
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"this is not a video\n" * 200)
    panel.play("junk", str(junk))
    qtbot.waitUntil(lambda: bool(panel.error_text), timeout=20000)
    assert str(junk) in panel.error_text


@provoked_error
def test_unreachable_url_shows_an_error_naming_it(panel, qtbot):
    url = "http://127.0.0.1:9/no-camera-here.mp4"  # the discard port: connection refused
    panel.play("cam", url)
    qtbot.waitUntil(lambda: bool(panel.error_text), timeout=30000)
    assert url in panel.error_text
    assert panel.player.playbackState() != QMediaPlayer.PlaybackState.PlayingState


@pytest.mark.parametrize("source", ["file:///etc/passwd", "javascript:alert(1)", "ftp://cam.example/x.mp4"])
def test_other_schemes_are_refused_before_the_player_sees_them(panel, source):
    panel.play("cam", source)
    assert source in panel.error_text
    assert panel.player.source().isEmpty()


def test_hostile_title_shows_literally(panel):
    title = '<b>bold</b><img src="http://evil.example/x.png"> & <a href="x">link</a>'
    panel.play(title, str(CLIP))
    assert panel.title_label.textFormat() == Qt.TextFormat.PlainText
    assert panel.title_label.text() == title


def test_close_button_stops_and_emits_closed(panel, qtbot):
    panel.play("cam", str(CLIP))
    qtbot.waitUntil(lambda: panel.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState, timeout=20000)
    with qtbot.waitSignal(panel.closed, timeout=5000):
        qtbot.mouseClick(panel.close_button, Qt.MouseButton.LeftButton)
    assert panel.player.playbackState() == QMediaPlayer.PlaybackState.StoppedState
    assert panel.source == ""
    assert panel.player.source().isEmpty()


def test_stop_then_play_again_recovers_from_an_error(panel, qtbot, tmp_path):
    panel.play("cam", str(tmp_path / "missing.mp4"))
    assert panel.error_text
    panel.play("cam", str(CLIP))
    qtbot.waitUntil(lambda: panel.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState, timeout=20000)
    assert not panel.error_text
