"""Deterministic, realistic Zoom payloads for the bench server and the decoding bench.

Hand-built to look like what Zoom returns (field names and value shapes follow the spec's
``example:`` values): a Get-a-meeting object of about 2.5 KB with nested settings, and List-users
pages of about 590 bytes per user. Everything derives from an index, so every run is identical.
"""

from __future__ import annotations

from typing import Any

import orjson

MEETING_ID_BASE = 85746065000
MEETING_VARIANTS = 256
FIRST_NAMES = ("Jill", "Omar", "Priya", "Kenji", "Ana", "Lars", "Fatima", "Diego", "Mei", "Noah")
LAST_NAMES = ("Chill", "Haddad", "Raman", "Sato", "Silva", "Berg", "Okafor", "Ruiz", "Lin", "Park")
DEPTS = ("Engineering", "Sales", "Support", "Finance", "Marketing", "Legal")
TIMEZONES = ("America/Los_Angeles", "Europe/Berlin", "Asia/Tokyo", "America/New_York")


def _token(seed: int, length: int) -> str:
    """A base62-looking string, like Zoom's IDs and tokens."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    out = []
    x = seed * 2654435761 + 97
    for _ in range(length):
        x = (x * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        out.append(alphabet[(x >> 33) % 62])
    return "".join(out)


def meeting(k: int) -> dict[str, Any]:
    """Get-a-meeting response number ``k`` (its id is ``MEETING_ID_BASE + k``)."""
    mid = MEETING_ID_BASE + k
    host = _token(k, 22)
    return {
        "assistant_id": _token(k + 1, 22),
        "host_email": f"host{k}@example.com",
        "host_id": host,
        "id": mid,
        "uuid": _token(k + 2, 22) + "==",
        "agenda": "Weekly planning: roadmap review, hiring, incidents and open questions.",
        "created_at": "2022-03-25T07:29:29Z",
        "duration": 60,
        "encrypted_password": _token(k + 3, 32),
        "h323_password": "123456",
        "join_url": f"https://us05web.zoom.us/j/{mid}?pwd={_token(k + 4, 32)}",
        "occurrences": [
            {
                "duration": 60,
                "occurrence_id": str(1648194360000 + i * 604800000),
                "start_time": f"2022-04-{1 + 7 * i:02d}T07:29:29Z",
                "status": "available",
            }
            for i in range(2)
        ],
        "password": "Wq8Lh2",
        "pmi": "97891943927",
        "pre_schedule": False,
        "recurrence": {
            "end_date_time": "2022-04-30T07:29:29Z",
            "end_times": 7,
            "monthly_day": 1,
            "monthly_week": 1,
            "monthly_week_day": 1,
            "repeat_interval": 1,
            "type": 2,
            "weekly_days": "1",
        },
        "settings": {
            "allow_multiple_devices": True,
            "alternative_hosts": "jchill@example.com;thill@example.com",
            "alternative_hosts_email_notification": True,
            "approval_type": 2,
            "approved_or_denied_countries_or_regions": {
                "approved_list": ["CX"],
                "denied_list": ["CA"],
                "enable": True,
                "method": "approve",
            },
            "audio": "both",
            "authentication_domains": "example.com",
            "authentication_exception": [
                {"email": "jchill@example.com", "name": "Jill Chill"},
            ],
            "authentication_option": "signIn_D8cJuqWVQ623CI4Q8yQK0Q",
            "auto_recording": "cloud",
            "breakout_room": {
                "enable": True,
                "rooms": [
                    {"name": "Room 1", "participants": ["jchill@example.com"]},
                    {"name": "Room 2", "participants": ["thill@example.com"]},
                ],
            },
            "calendar_type": 1,
            "close_registration": False,
            "cn_meeting": False,
            "contact_email": "jchill@example.com",
            "contact_name": "Jill Chill",
            "email_notification": True,
            "encryption_type": "enhanced_encryption",
            "focus_mode": True,
            "global_dial_in_countries": ["US", "DE"],
            "global_dial_in_numbers": [
                {
                    "city": "New York",
                    "country": "US",
                    "country_name": "US",
                    "number": "+1 1000200200",
                    "type": "toll",
                },
            ],
            "host_video": True,
            "in_meeting": False,
            "jbh_time": 0,
            "join_before_host": False,
            "language_interpretation": {
                "enable": True,
                "interpreters": [{"email": "interpreter@example.com", "languages": "US,FR"}],
            },
            "meeting_authentication": True,
            "mute_upon_entry": False,
            "participant_video": False,
            "private_meeting": False,
            "registrants_confirmation_email": True,
            "registrants_email_notification": True,
            "registration_type": 1,
            "show_share_button": True,
            "use_pmi": False,
            "waiting_room": False,
            "watermark": False,
            "host_save_video_order": True,
            "alternative_host_update_polls": True,
        },
        "start_time": "2022-03-25T07:29:29Z",
        "start_url": f"https://us05web.zoom.us/s/{mid}?zak={_token(k + 5, 64)}",
        "status": "waiting",
        "timezone": "America/Los_Angeles",
        "topic": f"Weekly planning #{k}",
        "tracking_fields": [{"field": "Department", "value": "Engineering", "visible": True}],
        "type": 8,
    }


def user(i: int) -> dict[str, Any]:
    """List-users item number ``i``."""
    first = FIRST_NAMES[i % len(FIRST_NAMES)]
    last = LAST_NAMES[(i // len(FIRST_NAMES)) % len(LAST_NAMES)]
    return {
        "created_at": "2019-06-01T07:58:03Z",
        "custom_attributes": [{"key": "cbf_cywdkexrtqc", "name": "Cost center", "value": "CC-42"}],
        "dept": DEPTS[i % len(DEPTS)],
        "email": f"{first.lower()}.{last.lower()}.{i}@example.com",
        "employee_unique_id": f"E{i:07d}",
        "first_name": first,
        "group_ids": ["RSMaSp8sTEGK0_oamiA2_w"],
        "id": _token(i, 22),
        "im_group_ids": ["t-_-d56CSWG-7BF15LLrOw"],
        "last_client_version": "5.17.11.34827(mac)",
        "last_login_time": "2024-02-14T18:02:11Z",
        "last_name": last,
        "plan_united_type": "1",
        "pmi": 3542471135 + i,
        "role_id": "0",
        "status": "active",
        "timezone": TIMEZONES[i % len(TIMEZONES)],
        "type": 2,
        "verified": 1,
        "language": "en-US",
    }


def page_token(offset: int) -> str:
    """A Zoom-looking next_page_token that encodes where the next page starts."""
    return f"{_token(offset, 27)}{offset:08d}"


def offset_of(token: str) -> int:
    """Inverse of :func:`page_token`; raises ValueError on a foreign token."""
    if len(token) != 35 or page_token(int(token[27:])) != token:
        raise ValueError("bad page token")
    return int(token[27:])


def users_page(offset: int, size: int, total: int) -> dict[str, Any]:
    """The List-users page starting at ``offset`` of an account with ``total`` users."""
    end = min(offset + size, total)
    return {
        "next_page_token": page_token(end) if end < total else "",
        "page_count": -(-total // size),
        "page_number": offset // size + 1,
        "page_size": size,
        "total_records": total,
        "users": [user(i) for i in range(offset, end)],
    }


def meeting_bytes(k: int = 0) -> bytes:
    return orjson.dumps(meeting(k))


def users_page_bytes(size: int = 300) -> bytes:
    return orjson.dumps(users_page(0, size, size))
