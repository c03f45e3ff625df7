"""Severity, warning and response levels and the four administrative levels.

Labels are data the UI shows; codes are what the store and the wire carry.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class LevelInfo:
    code: str
    rank: int  # 1 is the highest / most severe
    zh: str
    en: str
    colour: str  # hex colour, the display convention


class Severity(Enum):
    """Event severity (特别重大 I .. 一般 IV)."""

    I = LevelInfo("I", 1, "特别重大", "Catastrophic", "#e02424")
    II = LevelInfo("II", 2, "重大", "Major", "#ff8a00")
    III = LevelInfo("III", 3, "较大", "Serious", "#f5c400")
    IV = LevelInfo("IV", 4, "一般", "Moderate", "#2f7df6")

    @property
    def info(self) -> LevelInfo:
        return self.value

    @classmethod
    def parse(cls, code: str) -> "Severity":
        return cls[code]


class WarningLevel(Enum):
    """Warning levels (预警), colours are law; CAP severity mapping is a convention."""

    RED = LevelInfo("1", 1, "一级(红色)", "Level 1 (red)", "#e02424")
    ORANGE = LevelInfo("2", 2, "二级(橙色)", "Level 2 (orange)", "#ff8a00")
    YELLOW = LevelInfo("3", 3, "三级(黄色)", "Level 3 (yellow)", "#f5c400")
    BLUE = LevelInfo("4", 4, "四级(蓝色)", "Level 4 (blue)", "#2f7df6")

    @property
    def cap_severity(self) -> str:
        return {"RED": "Extreme", "ORANGE": "Severe", "YELLOW": "Moderate", "BLUE": "Minor"}[self.name]


class ResponseLevel(Enum):
    """Emergency response level (应急响应), a command decision separate from severity."""

    L1 = LevelInfo("1", 1, "一级响应", "Level 1 response", "#e02424")
    L2 = LevelInfo("2", 2, "二级响应", "Level 2 response", "#ff8a00")
    L3 = LevelInfo("3", 3, "三级响应", "Level 3 response", "#f5c400")
    L4 = LevelInfo("4", 4, "四级响应", "Level 4 response", "#2f7df6")


class OrgLevel(Enum):
    """The four administrative levels, highest first."""

    CITY = LevelInfo("city", 1, "市", "City", "#ffffff")
    DISTRICT = LevelInfo("district", 2, "区县", "District", "#ffffff")
    STREET = LevelInfo("street", 3, "街镇", "Street/Town", "#ffffff")
    COMMUNITY = LevelInfo("community", 4, "村居", "Community", "#ffffff")

    @classmethod
    def parse(cls, code: str) -> "OrgLevel":
        for level in cls:
            if level.value.code == code:
                return level
        raise ValueError(f"unknown org level {code!r}")

    @property
    def code(self) -> str:
        return self.value.code

    def parent(self) -> "OrgLevel | None":
        """The level one step up, or None at city level."""
        rank = self.value.rank
        for level in OrgLevel:
            if level.value.rank == rank - 1:
                return level
        return None


# Threshold colours of indicators, lowest first. "green" means normal.
THRESHOLD_COLOURS = ("blue", "yellow", "orange", "red")
COLOUR_HEX = {
    "green": "#2fbf71",
    "blue": "#2f7df6",
    "yellow": "#f5c400",
    "orange": "#ff8a00",
    "red": "#e02424",
    "stale": "#6b7280",
}
