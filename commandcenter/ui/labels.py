"""Words for the codes the core returns (statuses, actions, clock states, levels).

The core speaks in codes; the UI turns them into words here, once, so every view says the
same thing. Source strings are English and marked with QT_TRANSLATE_NOOP so pyside6-lupdate
collects them under the "Labels" context; they are translated at call time, so a translator
installed after import still applies.

Names that come from the catalogue (departments, org units, event types, indicators) are data
in Chinese and English: `name()` gives the one of the interface language (QLocale's default,
set with the translators), Chinese unless English was chosen; `other_name()` the other one,
for tool tips.
"""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLocale

from commandcenter.domain.levels import Severity

CONTEXT = "Labels"

_INCIDENT_STATUS = {
    "reported": QT_TRANSLATE_NOOP("Labels", "Reported"),
    "verifying": QT_TRANSLATE_NOOP("Labels", "Verifying"),
    "confirmed": QT_TRANSLATE_NOOP("Labels", "Confirmed"),
    "responding": QT_TRANSLATE_NOOP("Labels", "Responding"),
    "contained": QT_TRANSLATE_NOOP("Labels", "Contained"),
    "recovery": QT_TRANSLATE_NOOP("Labels", "Recovery"),
    "closed": QT_TRANSLATE_NOOP("Labels", "Closed"),
    "cancelled": QT_TRANSLATE_NOOP("Labels", "Cancelled"),
}

_INCIDENT_ACTION = {
    "verify": QT_TRANSLATE_NOOP("Labels", "Verify"),
    "confirm": QT_TRANSLATE_NOOP("Labels", "Confirm"),
    "respond": QT_TRANSLATE_NOOP("Labels", "Start response"),
    "contain": QT_TRANSLATE_NOOP("Labels", "Contained"),
    "recover": QT_TRANSLATE_NOOP("Labels", "Recovery"),
    "close": QT_TRANSLATE_NOOP("Labels", "Close incident"),
    "cancel": QT_TRANSLATE_NOOP("Labels", "Cancel incident"),
    "reopen": QT_TRANSLATE_NOOP("Labels", "Reopen"),
}

_TASK_STATUS = {
    "dispatched": QT_TRANSLATE_NOOP("Labels", "Dispatched"),
    "returned": QT_TRANSLATE_NOOP("Labels", "Returned"),
    "accepted": QT_TRANSLATE_NOOP("Labels", "Accepted"),
    "in_progress": QT_TRANSLATE_NOOP("Labels", "In progress"),
    "feedback": QT_TRANSLATE_NOOP("Labels", "Feedback given"),
    "verified": QT_TRANSLATE_NOOP("Labels", "Verified"),
    "closed": QT_TRANSLATE_NOOP("Labels", "Closed"),
}

_TASK_ACTION = {
    "accept": QT_TRANSLATE_NOOP("Labels", "Accept"),
    "return": QT_TRANSLATE_NOOP("Labels", "Return"),
    "redispatch": QT_TRANSLATE_NOOP("Labels", "Re-dispatch"),
    "start": QT_TRANSLATE_NOOP("Labels", "Start"),
    "feedback": QT_TRANSLATE_NOOP("Labels", "Feedback"),
    "reject_feedback": QT_TRANSLATE_NOOP("Labels", "Rework"),
    "verify": QT_TRANSLATE_NOOP("Labels", "Verify"),
    "close": QT_TRANSLATE_NOOP("Labels", "Close"),
    "remind": QT_TRANSLATE_NOOP("Labels", "Remind"),
    "escalate": QT_TRANSLATE_NOOP("Labels", "Escalate"),
    "request_extension": QT_TRANSLATE_NOOP("Labels", "Request extension"),
    "approve_extension": QT_TRANSLATE_NOOP("Labels", "Approve extension"),
    "supervise": QT_TRANSLATE_NOOP("Labels", "Supervise"),
    "follow_up": QT_TRANSLATE_NOOP("Labels", "Follow up"),
}

_CLOCK_STATE = {
    "ok": QT_TRANSLATE_NOOP("Labels", "On time"),
    "warning": QT_TRANSLATE_NOOP("Labels", "Due soon"),
    "overdue": QT_TRANSLATE_NOOP("Labels", "Overdue"),
    "accept_overdue": QT_TRANSLATE_NOOP("Labels", "Not accepted in time"),
    "done": QT_TRANSLATE_NOOP("Labels", "Done"),
}

_CONNECTION_STATE = {
    "online": QT_TRANSLATE_NOOP("Labels", "Online"),
    "offline": QT_TRANSLATE_NOOP("Labels", "Offline"),
    "syncing": QT_TRANSLATE_NOOP("Labels", "Syncing"),
}

_ORG_LEVEL = {
    "city": QT_TRANSLATE_NOOP("Labels", "City"),
    "district": QT_TRANSLATE_NOOP("Labels", "District"),
    "street": QT_TRANSLATE_NOOP("Labels", "Street/Town"),
    "community": QT_TRANSLATE_NOOP("Labels", "Community"),
}

_SEVERITY = {
    "I": QT_TRANSLATE_NOOP("Labels", "I Catastrophic"),
    "II": QT_TRANSLATE_NOOP("Labels", "II Major"),
    "III": QT_TRANSLATE_NOOP("Labels", "III Serious"),
    "IV": QT_TRANSLATE_NOOP("Labels", "IV Moderate"),
}

_RESPONSE_LEVEL = {
    "1": QT_TRANSLATE_NOOP("Labels", "Level 1 response"),
    "2": QT_TRANSLATE_NOOP("Labels", "Level 2 response"),
    "3": QT_TRANSLATE_NOOP("Labels", "Level 3 response"),
    "4": QT_TRANSLATE_NOOP("Labels", "Level 4 response"),
}

_RETURN_REASON = {
    "wrong_area": QT_TRANSLATE_NOOP("Labels", "Not in our area"),
    "unclear_ownership": QT_TRANSLATE_NOOP("Labels", "Ownership unclear"),
    "overlapping_duty": QT_TRANSLATE_NOOP("Labels", "Overlapping duties"),
}

_RESOURCE_STATUS = {
    "available": QT_TRANSLATE_NOOP("Labels", "Available"),
    "assigned": QT_TRANSLATE_NOOP("Labels", "Assigned"),
    "en_route": QT_TRANSLATE_NOOP("Labels", "En route"),
    "on_scene": QT_TRANSLATE_NOOP("Labels", "On scene"),
    "returning": QT_TRANSLATE_NOOP("Labels", "Returning"),
    "out_of_service": QT_TRANSLATE_NOOP("Labels", "Out of service"),
}

_RESOURCE_KIND = {
    "police_car": QT_TRANSLATE_NOOP("Labels", "Police car"),
    "fire_engine": QT_TRANSLATE_NOOP("Labels", "Fire engine"),
    "ambulance": QT_TRANSLATE_NOOP("Labels", "Ambulance"),
    "patrol": QT_TRANSLATE_NOOP("Labels", "Patrol"),
    "pump_truck": QT_TRANSLATE_NOOP("Labels", "Pump truck"),
    "power_van": QT_TRANSLATE_NOOP("Labels", "Power repair van"),
}

_SITE_KIND = {
    "hospital": QT_TRANSLATE_NOOP("Labels", "Hospital"),
    "shelter": QT_TRANSLATE_NOOP("Labels", "Shelter"),
    "school": QT_TRANSLATE_NOOP("Labels", "School"),
}

_MAP_WORD = {
    "kind": QT_TRANSLATE_NOOP("Labels", "Kind"),
    "department": QT_TRANSLATE_NOOP("Labels", "Department"),
    "status": QT_TRANSLATE_NOOP("Labels", "Status"),
    "area": QT_TRANSLATE_NOOP("Labels", "Area"),
    "updated": QT_TRANSLATE_NOOP("Labels", "Updated"),
    "heading": QT_TRANSLATE_NOOP("Labels", "Heading"),
    "indicator": QT_TRANSLATE_NOOP("Labels", "Indicator"),
    "value": QT_TRANSLATE_NOOP("Labels", "Value"),
    "capacity": QT_TRANSLATE_NOOP("Labels", "Capacity"),
    "stream": QT_TRANSLATE_NOOP("Labels", "Stream"),
    "no_data": QT_TRANSLATE_NOOP("Labels", "no data"),
    "alarm": QT_TRANSLATE_NOOP("Labels", "Alarm"),
}

# indicator domains are Chinese codes in the catalogue (DOMAIN.md); English names here
_DOMAIN_EN = {
    "气象": "Weather", "水务": "Water", "交通": "Transport", "能源": "Energy", "环境": "Environment",
    "公共安全": "Public safety", "卫生": "Health", "人群": "Crowds", "城市运行": "City operations",
}

_ALARM_STATUS = {
    "raised": QT_TRANSLATE_NOOP("Labels", "Raised"),
    "acknowledged": QT_TRANSLATE_NOOP("Labels", "Acknowledged"),
    "converted": QT_TRANSLATE_NOOP("Labels", "Converted to incident"),
    "dismissed": QT_TRANSLATE_NOOP("Labels", "Dismissed"),
    "cleared": QT_TRANSLATE_NOOP("Labels", "Cleared"),
}

_WARNING_COLOUR = {
    "red": QT_TRANSLATE_NOOP("Labels", "Red"),
    "orange": QT_TRANSLATE_NOOP("Labels", "Orange"),
    "yellow": QT_TRANSLATE_NOOP("Labels", "Yellow"),
    "blue": QT_TRANSLATE_NOOP("Labels", "Blue"),
}

_OTHER = {
    "awaiting_dispatch": QT_TRANSLATE_NOOP("Labels", "Awaiting dispatch"),
    "no_data": QT_TRANSLATE_NOOP("Labels", "no data"),
    "stale": QT_TRANSLATE_NOOP("Labels", "stale"),
    # the platform's answers to a pushed operation (the Sync dock)
    "conflict": QT_TRANSLATE_NOOP("Labels", "Conflict"),
    "merged": QT_TRANSLATE_NOOP("Labels", "Partly kept"),
    "rejected": QT_TRANSLATE_NOOP("Labels", "Refused"),
}


def _tr(table: dict[str, str], code: str | None) -> str:
    """The translated word for `code`; an unknown code is shown as itself rather than hidden."""
    if code is None:
        return ""
    source = table.get(code)
    return code if source is None else QCoreApplication.translate(CONTEXT, source)


def incident_status(code: str | None) -> str:
    return _tr(_INCIDENT_STATUS, code)


def resource_status(code: str | None) -> str:
    return _tr(_RESOURCE_STATUS, code)


def resource_kind(code: str | None) -> str:
    return _tr(_RESOURCE_KIND, code)


def site_kind(code: str | None) -> str:
    return _tr(_SITE_KIND, code)


def alarm_status(code: str | None) -> str:
    return _tr(_ALARM_STATUS, code)


def warning_colour(code: str | None) -> str:
    return _tr(_WARNING_COLOUR, code)


def domain(code: str) -> str:
    """An indicator domain in the interface language (the catalogue's code is its Chinese name)."""
    return _DOMAIN_EN.get(code, code) if english() else code


def map_word(code: str) -> str:
    """Row labels of the map's popups (kind, department, status...)."""
    return _tr(_MAP_WORD, code)


_ROLE = {
    "commander": QT_TRANSLATE_NOOP("Labels", "Commander"),
    "dispatcher": QT_TRANSLATE_NOOP("Labels", "Dispatcher"),
    "seat": QT_TRANSLATE_NOOP("Labels", "Department seat"),
    "field": QT_TRANSLATE_NOOP("Labels", "Field command post"),
    "observer": QT_TRANSLATE_NOOP("Labels", "Observer"),
    "system": QT_TRANSLATE_NOOP("Labels", "System"),
}
_REPORT_KIND = {
    "initial": QT_TRANSLATE_NOOP("Labels", "Initial report"),
    "update": QT_TRANSLATE_NOOP("Labels", "Update report"),
    "final": QT_TRANSLATE_NOOP("Labels", "Final report"),
}
_LOG_KIND = {
    "decision": QT_TRANSLATE_NOOP("Labels", "Decision"),
    "response_level": QT_TRANSLATE_NOOP("Labels", "Response level"),
    "dispatch": QT_TRANSLATE_NOOP("Labels", "Dispatch"),
    "escalation": QT_TRANSLATE_NOOP("Labels", "Escalation"),
    "report": QT_TRANSLATE_NOOP("Labels", "Report"),
    "supervision": QT_TRANSLATE_NOOP("Labels", "Supervision"),
    "note": QT_TRANSLATE_NOOP("Labels", "Note"),
}
_NOTICE_KIND = {
    "escalation": QT_TRANSLATE_NOOP("Labels", "Escalation"),
    "report_due": QT_TRANSLATE_NOOP("Labels", "Report overdue"),
    "supervision": QT_TRANSLATE_NOOP("Labels", "Supervision"),
    "reminder": QT_TRANSLATE_NOOP("Labels", "Reminder"),
    "inject": QT_TRANSLATE_NOOP("Labels", "Exercise inject"),
}
_SATISFACTION = {
    "satisfied": QT_TRANSLATE_NOOP("Labels", "Satisfied"),
    "basically": QT_TRANSLATE_NOOP("Labels", "Basically satisfied"),
    "unsatisfied": QT_TRANSLATE_NOOP("Labels", "Unsatisfied"),
}


_FIELD = {  # the fields of a synced row the Sync dock names in a conflict
    "title": QT_TRANSLATE_NOOP("Labels", "Title"),
    "description": QT_TRANSLATE_NOOP("Labels", "Description"),
    "severity": QT_TRANSLATE_NOOP("Labels", "Severity"),
    "status": QT_TRANSLATE_NOOP("Labels", "Status"),
    "category": QT_TRANSLATE_NOOP("Labels", "Type"),
    "response_level": QT_TRANSLATE_NOOP("Labels", "Response level"),
    "org_unit": QT_TRANSLATE_NOOP("Labels", "Area"),
    "note": QT_TRANSLATE_NOOP("Labels", "Note"),
    "department": QT_TRANSLATE_NOOP("Labels", "Department"),
    "level": QT_TRANSLATE_NOOP("Labels", "Level"),
    "lon": QT_TRANSLATE_NOOP("Labels", "Longitude"),
    "lat": QT_TRANSLATE_NOOP("Labels", "Latitude"),
}


def field_name(code: str | None) -> str:
    return _tr(_FIELD, code)


def role(code: str | None) -> str:
    return _tr(_ROLE, code)


def report_kind(code: str | None, number: int = 0) -> str:
    text = _tr(_REPORT_KIND, code)
    return f"{text} {number}" if code == "update" and number else text


def log_kind(code: str | None) -> str:
    return _tr(_LOG_KIND, code)


def notice_kind(code: str | None) -> str:
    return _tr(_NOTICE_KIND, code)


def satisfaction(code: str | None) -> str:
    return _tr(_SATISFACTION, code)


def plan_name(plan) -> str:
    return plan.name_en if english() else plan.name_zh


def format_time(ts_ms: int | None) -> str:
    """Local wall time of a moment, as the room reads it (date and seconds)."""
    if not ts_ms:
        return ""
    from datetime import datetime

    return datetime.fromtimestamp(ts_ms / 1000).strftime("%m-%d %H:%M:%S")


def incident_action(code: str) -> str:
    return _tr(_INCIDENT_ACTION, code)


def task_status(code: str | None) -> str:
    return _tr(_TASK_STATUS, code)


def task_action(code: str) -> str:
    return _tr(_TASK_ACTION, code)


def clock_state(code: str) -> str:
    return _tr(_CLOCK_STATE, code)


def connection_state(code: str) -> str:
    return _tr(_CONNECTION_STATE, code)


def org_level(code: str | None) -> str:
    return _tr(_ORG_LEVEL, code)


def severity(code: str | None) -> str:
    return _tr(_SEVERITY, code)


def response_level(code: str | None) -> str:
    return _tr(_RESPONSE_LEVEL, code)


def return_reason(code: str | None) -> str:
    return _tr(_RETURN_REASON, code)


def other(code: str) -> str:
    return _tr(_OTHER, code)


def severity_colour(code: str | None) -> str:
    """The display colour of a severity code (grey for an unknown one)."""
    try:
        return Severity.parse(code).info.colour if code else "#6b7280"
    except KeyError:
        return "#6b7280"


def format_duration(ms: int) -> str:
    """A countdown as mm:ss under an hour, else h:mm (the magnitude; the caller says which
    side of the deadline it is on)."""
    total_s = abs(int(ms)) // 1000
    if total_s < 3600:
        return f"{total_s // 60:02d}:{total_s % 60:02d}"
    minutes = total_s // 60
    return f"{minutes // 60}:{minutes % 60:02d} h"


def english() -> bool:
    """Whether the interface is in English (install_translators sets QLocale's default)."""
    return QLocale().language() == QLocale.Language.English


def name(item) -> str:
    """A catalogue item's name in the interface language."""
    return item.name_en if english() else item.name_zh


def other_name(item) -> str:
    """The name in the other language (a tool tip for readers of the other one)."""
    return item.name_zh if english() else item.name_en


def incident_title(incident: dict) -> str:
    """An incident's title in the interface language when it has one (scenario and imported
    incidents may carry `title_en`), else as reported."""
    if incident.get("title_en") and english():  # asking the locale is the costly part
        return str(incident["title_en"])
    return str(incident.get("title") or "")
