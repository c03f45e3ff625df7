"""A camera's live picture: the panel the map opens when an operator clicks a camera.

QtMultimedia (FFmpeg backend) plays a local clip or an http(s)/rtsp stream. Sound is muted by
default: a command room has many screens and one voice channel. Failures (missing file,
unreachable stream, undecodable data) are shown on the panel's status line naming the source,
never as a crash or a modal box on a wall screen. Camera names come from data files and the
platform, so the title is plain text. Which sources a camera may use is decided by
commandcenter.citymap.camera_source; this panel refuses other URL schemes again, in case it is
handed a source directly.

Needs the system's libpulse (PySide6's QtMultimedia links to it) at import time.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from commandcenter.domain.levels import COLOUR_HEX
from commandcenter.ui.theme import COLOURS

URL_SCHEMES = ("http", "https", "rtsp")


class VideoPanel(QWidget):
    """Title, picture, status line and a close button; play() and stop() drive it."""

    closed = Signal()  # the operator pressed close (the panel has stopped; the owner hides it)

    def __init__(self, parent: QWidget | None = None, *, muted: bool = True):
        super().__init__(parent)
        self._source = ""
        self.setObjectName("videoPanel")

        self.title_label = QLabel(self)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)  # camera names are outside text
        self.title_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.close_button = QPushButton(self.tr("Close"), self)
        self.close_button.setToolTip(self.tr("Stop the video and close the panel"))
        self.close_button.clicked.connect(self._close_clicked)

        self.video_widget = QVideoWidget(self)
        self.video_widget.setMinimumSize(320, 180)
        self.video_widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        self.status_label = QLabel(self)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)  # error texts quote the source
        self.status_label.setWordWrap(True)

        self.audio = QAudioOutput(self)
        self.audio.setMuted(muted)
        self.player = QMediaPlayer(self)
        self.player.setAudioOutput(self.audio)
        self.player.setVideoOutput(self.video_widget)
        self.player.setLoops(QMediaPlayer.Loops.Infinite)  # a demo clip keeps running like a camera
        self.player.errorOccurred.connect(self._on_error)
        self.player.mediaStatusChanged.connect(self._on_media_status)

        header = QHBoxLayout()
        header.addWidget(self.title_label, 1)
        header.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(header)
        layout.addWidget(self.video_widget, 1)
        layout.addWidget(self.status_label)

    # -- API -----------------------------------------------------------------------------------

    @property
    def source(self) -> str:
        """The source last given to play() ("" after stop())."""
        return self._source

    def play(self, title: str, source: str) -> None:
        """Show `title` and play `source`: an absolute local path or an http(s)/rtsp URL."""
        self.player.stop()
        self._source = source
        self.title_label.setText(title)
        url = self._url(source)
        if url is None:
            self.player.setSource(QUrl())
            return
        self._set_status(self.tr("Connecting to {source}…").format(source=source))
        self.player.setSource(url)
        self.player.play()

    def stop(self) -> None:
        """Stop playing and release the source (a network stream is disconnected)."""
        self._source = ""
        self.player.stop()
        self.player.setSource(QUrl())
        self._set_status(self.tr("Stopped"))

    @property
    def error_text(self) -> str:
        """The status line when it shows an error, else ""."""
        return self.status_label.text() if self.status_label.property("error") else ""

    # -- internals -----------------------------------------------------------------------------

    def _url(self, source: str) -> QUrl | None:
        parts = urlsplit(source)
        if parts.scheme and len(parts.scheme) > 1:  # one letter is a drive, not a scheme
            if parts.scheme.lower() not in URL_SCHEMES:
                self._set_error(self.tr("Cannot play {source}: only http, https and rtsp streams are allowed")
                                .format(source=source))
                return None
            return QUrl(source)
        path = Path(source)
        if not path.is_absolute() or not path.is_file():
            self._set_error(self.tr("Cannot play {source}: file not found").format(source=source))
            return None
        return QUrl.fromLocalFile(str(path))

    def _on_error(self, error: QMediaPlayer.Error, message: str) -> None:
        if error == QMediaPlayer.Error.NoError or not self._source:
            return
        reason = message or error.name
        self._set_error(self.tr("Cannot play {source}: {reason}").format(source=self._source, reason=reason))

    def _on_media_status(self, status: QMediaPlayer.MediaStatus) -> None:
        if not self._source or self.error_text:
            return
        if status == QMediaPlayer.MediaStatus.InvalidMedia:
            self._set_error(self.tr("Cannot play {source}: the data is not a playable video")
                            .format(source=self._source))
        elif status in (QMediaPlayer.MediaStatus.BufferedMedia, QMediaPlayer.MediaStatus.LoadedMedia):
            self._set_status(self.tr("Playing {source}").format(source=self._source))
        elif status == QMediaPlayer.MediaStatus.StalledMedia:
            self._set_status(self.tr("Waiting for data from {source}…").format(source=self._source))

    def _set_status(self, text: str) -> None:
        self.status_label.setProperty("error", False)
        self.status_label.setStyleSheet(f"color: {COLOURS['muted']};")
        self.status_label.setText(text)

    def _set_error(self, text: str) -> None:
        self.status_label.setProperty("error", True)
        self.status_label.setStyleSheet(f"color: {COLOUR_HEX['red']};")
        self.status_label.setText(text)

    def _close_clicked(self) -> None:
        self.stop()
        self.closed.emit()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.stop()  # the FFmpeg threads must not outlive the widget
        super().closeEvent(event)
