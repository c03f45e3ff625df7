"""The ``cc://`` URL scheme: how the map page and its assets reach QtWebEngine.

Why a scheme handler and not ``setHtml``: setHtml stops at 2 MB and cannot serve the Leaflet
files the page needs; a CDN does not exist in a command post without network. The handler
serves exactly three kinds of URL and refuses everything else:

- ``cc://app/index.html``: the page built once by commandcenter.map.page;
- ``cc://app/assets/<vendor|static>/...``: files resolved by commandcenter.map.assets, which
  refuses path traversal;
- ``cc://app/tiles/<name>/<z>/<x>/<y>.<ext>``: basemap tiles read from the MBTiles package the
  handler was given under that name (commandcenter.map.mbtiles); a tile the package lacks is
  a 404, and nothing is ever fetched from a network;
- exactly the extra files the handler was given by URL path (the floor plan images): a list,
  never a folder, so no path from the page can reach another file;
- ``cc://app/data/incidents.rows``: the open incidents as one binary table
  (commandcenter.map.bridge.incident_rows_table), which the page fetches as its first act
  while Leaflet loads. It is read on a worker; a request that comes first waits for it, and
  it is served once, then dropped (a reload of the page gets a new one).

Chromium fixes its list of schemes at start-up, so ``register_url_schemes()`` must run before
the QApplication is created (the app's __main__ and the tests' conftest call it).
"""
from __future__ import annotations

import logging
import re
import sqlite3
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QObject, Qt, QUrl, Signal
from shiboken6 import isValid
from PySide6.QtWebEngineCore import (
    QWebEngineUrlRequestInterceptor,
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

from commandcenter.map import assets
from commandcenter.map.mbtiles import MBTiles

log = logging.getLogger(__name__)

SCHEME = b"cc"
HOST = "app"
INDEX_PATH = "/index.html"
ASSETS_PREFIX = "/assets/"
INDEX_URL = QUrl(f"{SCHEME.decode()}://{HOST}{INDEX_PATH}")
ASSET_BASE = f"{SCHEME.decode()}://{HOST}{ASSETS_PREFIX.rstrip('/')}"
TILES_PREFIX = "/tiles/"
TILE_BASE = f"{SCHEME.decode()}://{HOST}{TILES_PREFIX.rstrip('/')}"
ROWS_PATH = "/data/incidents.rows"
ROWS_URL = f"{SCHEME.decode()}://{HOST}{ROWS_PATH}"
ROWS_MIME = b"application/octet-stream"
_TILE_PATH = re.compile(r"([A-Za-z0-9_-]{1,64})/(\d{1,2})/(\d{1,9})/(\d{1,9})\.([a-z]{3,4})")


def register_url_schemes() -> None:
    """Declare the ``cc`` scheme to QtWebEngine. Idempotent; must precede the QApplication.

    Flags: secure (a page from it is a secure context, like https), local access allowed (it
    loads qrc:///qtwebchannel/qwebchannel.js), CORS and the fetch API (the page fetches its
    rows table; Chromium refuses fetch() on a custom scheme without it). Also sets the OpenGL context sharing QtWebEngine
    requires before the application exists.
    """
    if is_registered():
        return
    if QCoreApplication.instance() is not None:
        raise RuntimeError(
            "register_url_schemes() must be called before the QApplication is created"
        )
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    scheme = QWebEngineUrlScheme(SCHEME)
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    scheme.setFlags(
        QWebEngineUrlScheme.Flag.SecureScheme
        | QWebEngineUrlScheme.Flag.LocalAccessAllowed
        | QWebEngineUrlScheme.Flag.CorsEnabled
        | QWebEngineUrlScheme.Flag.FetchApiAllowed
    )
    QWebEngineUrlScheme.registerScheme(scheme)


def is_registered() -> bool:
    return QWebEngineUrlScheme.schemeByName(SCHEME).name() == QByteArray(SCHEME)


class AppSchemeHandler(QWebEngineUrlSchemeHandler):
    """Serves the page (bytes given once), the map assets and basemap tiles; 404 for anything else.

    `tiles` maps a basemap name to its open package; the handler reads it but does not own it
    (whoever opened the package closes it). `served` records the tile paths answered with an
    image, newest last, so a caller (or a test) can tell the basemap is really in use.
    """

    # a worker's result, back on the GUI thread: (job, future, payload, on_served)
    _result_ready = Signal(object)

    def __init__(self, page_html: str, parent=None, *, tiles: Mapping[str, MBTiles] | None = None,
                 files: Mapping[str, Path] | None = None) -> None:
        super().__init__(parent)
        self._page = page_html.encode("utf-8")
        self._tiles = dict(tiles or {})
        self._files = dict(files or {})
        self._once: dict[str, tuple[Future, Callable, Callable]] = {}
        self.served: deque[str] = deque(maxlen=1000)
        self._result_ready.connect(self._on_result_ready)

    def serve_once(self, path: str, future: Future, payload: Callable[[object], bytes],
                   on_served: Callable[[], None]) -> None:
        """Answer the next request for `path` with `payload(future.result())`, then forget it.

        A request that comes before the future is done waits for it (the reply is sent from
        the GUI thread). `on_served` runs (on the GUI thread) once the bytes are handed over.
        A failed future is a failed request: the page then asks the app the old way.
        """
        self._once[path] = (future, payload, on_served)

    def drop(self, path: str) -> None:
        """Forget what serve_once was given for `path` (the page did not ask for it)."""
        self._once.pop(path, None)

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:  # noqa: N802 (Qt API)
        url = job.requestUrl()
        if bytes(job.requestMethod().data()) != b"GET":
            log.warning("map: refused %s %s", bytes(job.requestMethod().data()).decode(), url.toString())
            job.fail(QWebEngineUrlRequestJob.Error.RequestDenied)
            return
        path = url.path(QUrl.ComponentFormattingOption.FullyDecoded)
        if url.host() != HOST:
            self._not_found(job, url)
            return
        if path == INDEX_PATH:
            self._reply(job, b"text/html", self._page)
            return
        once = self._once.pop(path, None)
        if once is not None:
            future = once[0]
            if future.done():
                self._reply_once(job, *once)
            else:
                future.add_done_callback(lambda _f, entry=(job, *once): self._result_ready.emit(entry))
            return
        if path.startswith(ASSETS_PREFIX):
            file = assets.asset_path(path[len(ASSETS_PREFIX):])
            if file is not None:
                self._serve_file(job, file)
                return
        if path.startswith(TILES_PREFIX):
            self._serve_tile(job, url, path[len(TILES_PREFIX):])
            return
        file = self._files.get(path)
        if file is not None:
            self._serve_file(job, file)
            return
        self._not_found(job, url)

    def _on_result_ready(self, entry) -> None:
        job = entry[0]
        if isValid(job):  # the page may have gone (a reload, a shutdown) meanwhile
            self._reply_once(*entry)

    def _reply_once(self, job: QWebEngineUrlRequestJob, future: Future, payload: Callable, on_served: Callable) -> None:
        try:
            data = payload(future.result())
        except Exception:  # noqa: BLE001 - a failed read is a failed request, never a crash
            log.exception("map: preparing %s failed", job.requestUrl().toString())
            job.fail(QWebEngineUrlRequestJob.Error.RequestFailed)
            return
        self._reply(job, ROWS_MIME, data)
        on_served()

    def _serve_file(self, job: QWebEngineUrlRequestJob, file: Path) -> None:
        try:
            data = file.read_bytes()
        except OSError as exc:
            log.error("map: cannot read %s: %s", file, exc)
            job.fail(QWebEngineUrlRequestJob.Error.RequestFailed)
            return
        self._reply(job, (assets.mime_type(file) or "application/octet-stream").encode("ascii"), data)

    def _serve_tile(self, job: QWebEngineUrlRequestJob, url: QUrl, rest: str) -> None:
        match = _TILE_PATH.fullmatch(rest)
        package = self._tiles.get(match.group(1)) if match else None
        if package is None or match.group(5) != package.format:
            self._not_found(job, url)
            return
        z, x, y = (int(match.group(i)) for i in (2, 3, 4))
        try:
            data = package.tile(z, x, y)
        except sqlite3.Error as exc:
            log.error("map: cannot read tile %s from %s: %s", rest, package.path, exc)
            job.fail(QWebEngineUrlRequestJob.Error.RequestFailed)
            return
        if data is None:
            # Outside the package's coverage: normal at its edges, so not worth a warning.
            log.debug("map: no tile %s in %s", rest, package.path)
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        self.served.append(TILES_PREFIX + rest)
        self._reply(job, package.mime_type.encode("ascii"), data)

    @staticmethod
    def _reply(job: QWebEngineUrlRequestJob, mime: bytes, data: bytes) -> None:
        # The buffer is the job's child: it lives exactly as long as the reply needs it.
        buffer = QBuffer(job)
        buffer.setData(data)
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(mime, buffer)

    @staticmethod
    def _not_found(job: QWebEngineUrlRequestJob, url: QUrl) -> None:
        path = url.path()
        (log.debug if path.endswith("favicon.ico") else log.warning)("map: not found: %s", url.toString())
        job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)


# What the map page may load: our scheme, Qt's resources (qwebchannel.js) and in-page data.
LOCAL_SCHEMES = frozenset({SCHEME.decode(), "qrc", "data", "blob", "about"})


class LocalOnlyInterceptor(QWebEngineUrlRequestInterceptor):
    """Nothing leaves the machine: every request of the page to anything but a local scheme
    (an online tile server, a CDN, a tracking pixel in hostile text) is blocked and recorded.
    A later online basemap option adds its origin to `allowed_origins`."""

    def __init__(self, parent: QObject | None = None, allowed_origins: frozenset[str] = frozenset()) -> None:
        super().__init__(parent)
        self.allowed_origins = allowed_origins
        self.seen: deque[tuple[str, bool]] = deque(maxlen=1000)  # (url, blocked), newest last

    def interceptRequest(self, info) -> None:  # noqa: N802 (Qt API)
        url = info.requestUrl()
        local = url.scheme() in LOCAL_SCHEMES
        allowed = local or _origin(url) in self.allowed_origins
        if not allowed:
            info.block(True)
            log.warning("map: blocked a request to %s (nothing leaves the machine)", url.toString()[:200])
        self.seen.append((url.toString(), not allowed))

    def blocked(self) -> list[str]:
        return [url for url, blocked in self.seen if blocked]


def _origin(url: QUrl) -> str:
    """scheme://host[:port] of a URL."""
    port = url.port()
    return f"{url.scheme()}://{url.host()}" + (f":{port}" if port != -1 else "")
