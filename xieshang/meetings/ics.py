"""iCalendar (RFC 5545) files, written by hand: one VEVENT per sitting.

A meeting's file lists its sittings; a member's feed lists the sittings of every meeting they
are invited to, so a phone calendar subscribed to it follows changes."""

import datetime as dt

from django.conf import settings
from django.utils import timezone

PRODID = "-//Xieshang//Meetings//ZH"


def _escape(text: str) -> str:
    return (
        (text or "")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets are folded (RFC 5545 §3.1), never inside a character."""
    out, current = [], ""
    for ch in line:
        if len((current + ch).encode("utf-8")) > (75 if not out else 74):
            out.append(current)
            current = ch
        else:
            current += ch
    out.append(current)
    return [out[0]] + [" " + part for part in out[1:]]


def calendar(sittings, *, name: str, base_url: str = "") -> str:
    """`sittings` with their meetings selected; returns the text of a VCALENDAR."""
    host = getattr(settings, "ALLOWED_HOSTS", ["localhost"])[0] or "localhost"
    now = _stamp(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for s in sittings:
        meeting = s.meeting
        summary = meeting.title if s.kind == "main" else f"{meeting.title}·{s.title}"
        status = "CANCELLED" if meeting.status == "cancelled" else "CONFIRMED"
        lines += [
            "BEGIN:VEVENT",
            f"UID:sitting-{s.pk}@{host}",
            f"DTSTAMP:{now}",
            f"DTSTART:{_stamp(s.start)}",
            f"DTEND:{_stamp(s.end)}",
            f"SUMMARY:{_escape(summary)}",
            f"LOCATION:{_escape(s.location or meeting.location)}",
            f"STATUS:{status}",
        ]
        if base_url:
            lines.append(f"URL:{base_url}{meeting.get_absolute_url()}")
        if meeting.description:
            lines.append(f"DESCRIPTION:{_escape(meeting.description[:500])}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    folded = []
    for line in lines:
        folded += _fold(line)
    return "\r\n".join(folded) + "\r\n"
