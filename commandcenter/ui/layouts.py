"""Named layouts per role (issue 13): which docks a seat sees and how they are arranged.

A layout is two columns of dock groups. Each group is a stack of tabbed docks (the first one
in front) with its share of the column's height, and the left column has its share of the
width. Docks a layout does not name are hidden (the View menu's docks can bring them back),
and docks a window does not have (the drill console outside a drill) are skipped.

The Layout menu applies one; `--layout NAME` on the command line (client, demo, drill run,
snapshot) too. The choice is remembered per screen set-up (the sizes of the screens, e.g.
`3840x2160+1920x1080`), so a video wall and the laptop that drives it keep their own.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer

Group = tuple[tuple[str, ...], int]  # (dock names, tabbed, the first in front; height share)


@dataclass(frozen=True)
class Layout:
    code: str
    title: str  # a QT_TRANSLATE_NOOP source string (context "Layouts")
    left: tuple[Group, ...]
    right: tuple[Group, ...]
    left_share: int  # percent of the width

    def docks(self) -> list[str]:
        return [name for column in (self.left, self.right) for group, _ in column for name in group]


LAYOUTS: dict[str, Layout] = {
    layout.code: layout
    for layout in (
        # the room's wall: the city first, its vital signs beside it, the board below
        Layout("commander_wall", QT_TRANSLATE_NOOP("Layouts", "Commander wall"),
               left=((("map",), 70), (("board",), 30)),
               right=((("vitals", "drill"), 62), (("alarms", "detail", "notices"), 38)),
               left_share=62),
        # the dispatcher works the board and the incident panel, the map beside them
        Layout("dispatcher_desk", QT_TRANSLATE_NOOP("Layouts", "Dispatcher desk"),
               left=((("board",), 55), (("map",), 45)),
               right=((("detail", "alarms", "notices", "log", "drill"), 72), (("vitals",), 28)),
               left_share=52),
        # a department's seat: its tasks, the incident, its notices; a small map
        Layout("department_seat", QT_TRANSLATE_NOOP("Layouts", "Department seat"),
               left=((("board",), 100),),
               right=((("detail", "notices"), 64), (("map",), 36)),
               left_share=55),
        # a field command post's laptop: the map, the incident, the link and what waits
        Layout("field_laptop", QT_TRANSLATE_NOOP("Layouts", "Field laptop"),
               left=((("map",), 100),),
               right=((("detail", "board", "notices"), 62), (("sync", "log"), 38)),
               left_share=58),
    )
}
DEFAULT_FOR_ROLE = {
    "commander": "commander_wall", "dispatcher": "dispatcher_desk", "seat": "department_seat",
    "field": "field_laptop", "observer": "commander_wall",
}


def title(code: str) -> str:
    return QCoreApplication.translate("Layouts", LAYOUTS[code].title)


def screens_key(sizes: list[tuple[int, int]]) -> str:
    """The screen set-up a layout is remembered for: "3840x2160+1920x1080"."""
    return "+".join(f"{w}x{h}" for w, h in sizes) or "none"


def apply_layout(window, code: str) -> list[str]:
    """Arrange `window` (a MainWindow) as layout `code`; returns the docks shown."""
    layout = LAYOUTS[code]
    docks = window.named_docks()
    wanted = [n for n in layout.docks() if n in docks]
    for name, dock in docks.items():
        if name not in wanted:
            dock.hide()
    shown: list[str] = []
    firsts: list[tuple[object, int]] = []  # per column: (first dock of each group, share)
    columns = ((Qt.DockWidgetArea.LeftDockWidgetArea, layout.left), (Qt.DockWidgetArea.RightDockWidgetArea, layout.right))
    tops = []
    tabs: list[tuple[object, list]] = []
    # the groups' first docks first: Qt makes a split of a dock that is already tabbed a tab
    for area, groups in columns:
        previous = None
        column_firsts = []
        for group, share in groups:
            present = [docks[n] for n in group if n in docks]
            if not present:
                continue
            first = present[0]
            window.removeDockWidget(first)
            if previous is None:
                window.addDockWidget(area, first)
                tops.append(first)
            else:
                window.splitDockWidget(previous, first, Qt.Orientation.Vertical)
            first.show()
            previous = first
            column_firsts.append((first, share))
            tabs.append((first, present[1:]))
            shown += [d.objectName().removeprefix("dock_") for d in present]
        firsts.append(column_firsts)
    for first, others in tabs:  # then the tabs behind each
        for other in others:
            window.removeDockWidget(other)
            window.tabifyDockWidget(first, other)
            other.show()
        first.raise_()
    def sizes() -> None:
        for column in firsts:
            if len(column) > 1:
                window.resizeDocks([d for d, _ in column], [s for _, s in column], Qt.Orientation.Vertical)
        if len(tops) == 2:
            total = max(100, window.width())
            left = int(total * layout.left_share / 100)
            window.resizeDocks(tops, [left, total - left], Qt.Orientation.Horizontal)

    sizes()
    # once more after the docks have moved: a split made in the same turn keeps its old sizes
    QTimer.singleShot(0, window, sizes)
    return shown
