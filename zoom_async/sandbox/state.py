"""The sandbox's in-memory Zoom account: users, meetings and everything hanging off them.

All randomness flows from one seeded RNG so two sandboxes built with the same seed hold the
same data (ids, names, UUIDs), which keeps test expectations stable.
"""

from __future__ import annotations

import base64
import random
import string
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from .archives import Archive, make_archive
from .clock import SandboxClock, iso, iso_datetime
from .recordings import FILE_KINDS, Recording, RecordingFile

__all__ = ["Meeting", "PastInstance", "Registrant", "SandboxState", "User", "Webinar"]

_ID_ALPHABET = string.ascii_letters + string.digits + "-_"
_FIRST = [
    "Ada",
    "Grace",
    "Alan",
    "Edsger",
    "Barbara",
    "Donald",
    "Frances",
    "Ken",
    "Radia",
    "Linus",
    "Margaret",
    "Dennis",
    "Hedy",
    "Tim",
    "Katherine",
    "John",
    "Sophie",
    "Guido",
]
_LAST = [
    "Lovelace",
    "Hopper",
    "Turing",
    "Dijkstra",
    "Liskov",
    "Knuth",
    "Allen",
    "Thompson",
    "Perlman",
    "Torvalds",
    "Hamilton",
    "Ritchie",
    "Lamarr",
    "Lee",
    "Johnson",
    "Backus",
    "Wilson",
    "Rossum",
]
_TOPICS = [
    "Weekly sync",
    "Design review",
    "Sprint planning",
    "All hands",
    "1:1",
    "Retro",
    "Customer call",
    "Onboarding",
    "Incident review",
    "Roadmap",
]
_TIMEZONES = ["America/New_York", "Europe/Berlin", "Asia/Tokyo", "America/Los_Angeles", "UTC"]

MEETING_SETTING_DEFAULTS: dict[str, Any] = {
    "host_video": False,
    "participant_video": False,
    "cn_meeting": False,
    "in_meeting": False,
    "join_before_host": False,
    "jbh_time": 0,
    "mute_upon_entry": False,
    "watermark": False,
    "use_pmi": False,
    "approval_type": 2,
    "registration_type": 1,
    "audio": "voip",
    "auto_recording": "none",
    "enforce_login": False,
    "enforce_login_domains": "",
    "alternative_hosts": "",
    "alternative_hosts_email_notification": True,
    "close_registration": False,
    "show_share_button": False,
    "allow_multiple_devices": False,
    "registrants_confirmation_email": True,
    "waiting_room": False,
    "registrants_email_notification": True,
    "meeting_authentication": False,
    "encryption_type": "enhanced_encryption",
    "email_notification": True,
    "focus_mode": False,
    "private_meeting": False,
}

# Meeting fields a create/update body may set, as Zoom stores them.
_MEETING_FIELDS = (
    "topic",
    "type",
    "start_time",
    "duration",
    "timezone",
    "agenda",
    "password",
    "pre_schedule",
    "recurrence",
    "tracking_fields",
    "template_id",
)


# Which statuses each registrant action moves a registrant out of, and where to.
_REGISTRANT_ACTIONS: dict[str, tuple[frozenset[str], str]] = {
    "approve": (frozenset({"pending", "denied"}), "approved"),
    "deny": (frozenset({"pending", "approved"}), "denied"),
    "cancel": (frozenset({"approved"}), "denied"),
}


@attrs.define
class User:
    id: str
    email: str
    first_name: str
    last_name: str
    type: int
    pmi: int
    timezone: str
    dept: str
    created_at: float
    last_login_time: float
    status: str
    role_id: str
    custom_attributes: list[dict[str, str]]
    templates: list[dict[str, Any]]
    profile: dict[str, Any] = attrs.field(factory=dict)  # other fields set by create/update
    assistants: dict[str, str] = attrs.field(factory=dict)  # assistant user id -> email

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@attrs.define
class Registrant:
    data: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def status(self) -> str:
        return str(self.data["status"])


@attrs.define
class PastInstance:
    """One ended meeting (or webinar) instance, addressed by its UUID."""

    uuid: str
    meeting_id: int
    host_id: str
    topic: str
    type: int
    start_time: float
    end_time: float
    participants: list[dict[str, Any]]
    poll_answers: list[dict[str, Any]] = attrs.field(factory=list)
    absentees: list[dict[str, Any]] = attrs.field(factory=list)
    # One row per join/leave session (a rejoin is a second row), as Zoom's reports list them.
    sessions: list[dict[str, Any]] = attrs.field(factory=list)
    recording: Recording | None = None
    summary: dict[str, Any] | None = None

    @property
    def duration_minutes(self) -> int:
        return max(1, int((self.end_time - self.start_time) // 60))


@attrs.define
class Meeting:
    id: int
    uuid: str
    host_id: str
    created_at: float
    fields: dict[str, Any]
    settings: dict[str, Any]
    password: str
    encrypted_password: str
    h323_password: str
    status: str = "waiting"
    deleted: bool = False
    registrants: dict[str, Registrant] = attrs.field(factory=dict)
    questions: dict[str, Any] = attrs.field(
        factory=lambda: {"questions": [], "custom_questions": []}
    )
    polls: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    livestream: dict[str, str] = attrs.field(
        factory=lambda: {"stream_url": "", "stream_key": "", "page_url": "", "resolution": ""}
    )
    instances: list[PastInstance] = attrs.field(factory=list)
    live_participants: list[dict[str, Any]] = attrs.field(factory=list)
    live_started_at: float | None = None

    @property
    def topic(self) -> str:
        return str(self.fields.get("topic", "Zoom meeting"))

    @property
    def type(self) -> int:
        value = self.fields.get("type", 2)
        return value if isinstance(value, int) else 2


@attrs.define
class Webinar:
    id: int
    uuid: str
    host_id: str
    fields: dict[str, Any]  # as created/updated: topic, type, start_time, duration, agenda...
    settings: dict[str, Any]
    password: str
    created_at: float = 0.0
    registrants: dict[str, Registrant] = attrs.field(factory=dict)
    panelists: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    polls: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    questions: dict[str, Any] = attrs.field(
        factory=lambda: {"questions": [], "custom_questions": []}
    )
    instances: list[PastInstance] = attrs.field(factory=list)
    status: str = "waiting"
    live_started_at: float | None = None
    live_participants: list[dict[str, Any]] = attrs.field(factory=list)

    @property
    def topic(self) -> str:
        return str(self.fields.get("topic", "Zoom webinar"))

    @property
    def type(self) -> int:
        value = self.fields.get("type", 5)
        return value if isinstance(value, int) else 5


def is_numeric_id(text: str) -> bool:
    """A meeting/webinar ID rather than a UUID. ASCII only: str.isdigit() also accepts
    characters like "²" that int() rejects."""
    return text.isascii() and text.isdigit() and len(text) <= 19


def to_epoch(value: str) -> float | None:
    """Parse a spec date-time (no offset = UTC); None if it is outside what Python handles."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.timestamp()
    except (ValueError, OverflowError):
        return None


def _zone(name: object) -> tzinfo:
    """The IANA zone ``name``, or UTC when it is missing or unknown."""
    if isinstance(name, str) and name:
        try:
            return ZoneInfo(name)
        except (ValueError, ZoneInfoNotFoundError):
            pass
    return UTC


def normalize_time(value: str, timezone: object = None) -> str:
    """Store start times as Zoom returns them: UTC with a trailing Z.

    A time without an offset is local time in the meeting's ``timezone`` (UTC without one).
    """
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=_zone(timezone))
        return iso_datetime(parsed.astimezone(UTC))
    except (ValueError, OverflowError):
        return value


class SandboxState:
    """All account data. Methods here change state; rendering lives in views.py."""

    def __init__(self, *, users: int, seed: int, clock: SandboxClock, account_id: str) -> None:
        if users < 1:
            raise ValueError("the sandbox needs at least one user (the account owner)")
        self.rng = random.Random(seed)
        # Sessions, recordings and summaries draw from their own stream, so adding them did
        # not move any id the main stream hands out.
        self.rec_rng = random.Random(f"recordings:{seed}")
        self.archive_rng = random.Random(f"archives:{seed}")
        self.clock = clock
        self.account_id = account_id
        self.users: list[User] = []
        self._users_by_id: dict[str, User] = {}
        self._users_by_email: dict[str, User] = {}
        self.meetings: dict[int, Meeting] = {}
        self.instances: dict[str, PastInstance] = {}
        self.webinars: dict[int, Webinar] = {}
        self.webinar_instances: dict[str, PastInstance] = {}
        self.groups: dict[str, dict[str, Any]] = {}
        self.recordings: dict[str, Recording] = {}  # by instance UUID
        self.recording_files: dict[str, RecordingFile] = {}  # by file id
        self.archives: dict[str, Archive] = {}  # by instance UUID
        self.archive_files: dict[str, RecordingFile] = {}  # by file id
        self._uuid_serial = 0
        self._seed_users(users)
        self._seed_meetings()
        self._seed_webinars()
        self._seed_groups()

    # ---- ids -------------------------------------------------------------------------------

    def new_id(self, length: int = 22) -> str:
        return "".join(self.rng.choice(_ID_ALPHABET) for _ in range(length))

    def new_meeting_id(self) -> int:
        while True:
            candidate = self.rng.randint(10**10, 10**11 - 1)
            if candidate not in self.meetings and candidate not in self.webinars:
                return candidate

    def new_uuid(self) -> str:
        """A base64 instance UUID. Every third one starts with "/" and every third (offset)
        contains "//": those are the ones clients must double-encode in paths."""
        raw = base64.b64encode(self.rng.randbytes(16)).decode("ascii")
        self._uuid_serial += 1
        if self._uuid_serial % 3 == 1:
            raw = "/" + raw[1:]
        elif self._uuid_serial % 3 == 2:
            raw = raw[:6] + "//" + raw[8:]
        return raw

    # ---- users -----------------------------------------------------------------------------

    @property
    def owner(self) -> User:
        return self.users[0]

    def _seed_users(self, count: int) -> None:
        now = self.clock.now()
        for index in range(count):
            first = _FIRST[index % len(_FIRST)]
            last = _LAST[(index // len(_FIRST) + index) % len(_LAST)]
            email = f"{first}.{last}.{index}@sandbox.example.com".lower()
            status = "active"
            if index and index % 17 == 0:
                status = "inactive"
            elif index and index % 23 == 0:
                status = "pending"
            user = User(
                id=self.new_id(),
                email=email,
                first_name=first,
                last_name=last,
                type=2 if index % 3 else 1,
                pmi=self.rng.randint(10**9, 10**10 - 1),
                timezone=_TIMEZONES[index % len(_TIMEZONES)],
                dept=["Engineering", "Sales", "Support", "Marketing"][index % 4],
                created_at=now - 86400 * (400 - index % 365),
                last_login_time=now - 3600 * (index % 48),
                status=status,
                role_id="0" if index == 0 else ("1" if index < 3 else "2"),
                custom_attributes=[
                    {"key": "cbf_cost", "name": "Cost center", "value": str(100 + index % 7)}
                ],
                templates=[
                    {
                        "id": self.new_id(),
                        "name": "Team sync template",
                        "type": 1,
                        "settings": {"mute_upon_entry": True, "waiting_room": False},
                    },
                    {
                        "id": self.new_id(),
                        "name": "Webinar-style meeting",
                        "type": 1,
                        "settings": {
                            "host_video": True,
                            "participant_video": False,
                            "mute_upon_entry": True,
                            "waiting_room": True,
                        },
                    },
                ],
            )
            self.users.append(user)
            self._users_by_id[user.id] = user
            self._users_by_email[user.email] = user

    def find_user(self, ref: str, me: User | None) -> User | None:
        """Resolve a path ``userId``: "me", a user id or an email address."""
        if ref == "me":
            return me
        return self._users_by_id.get(ref) or self._users_by_email.get(ref.lower())

    def user(self, user_id: str) -> User | None:
        return self._users_by_id.get(user_id)

    def create_user(self, info: Mapping[str, Any], status: str) -> User:
        email = str(info["email"]).lower()
        now = self.clock.now()
        user = User(
            id=self.new_id(), email=email, first_name=str(info.get("first_name", "")),
            last_name=str(info.get("last_name", "")), type=int(info.get("type", 1)),
            pmi=self.rng.randint(10**9, 10**10 - 1), timezone=str(info.get("timezone", "UTC")),
            dept=str(info.get("dept", "")), created_at=now, last_login_time=now, status=status,
            role_id="2", custom_attributes=[], templates=[],
            profile={k: v for k, v in info.items() if k not in ("email", "password")},
        )  # fmt: skip
        self.users.append(user)
        self._users_by_id[user.id] = user
        self._users_by_email[user.email] = user
        return user

    def delete_user(self, user: User) -> None:
        """Remove a user with their meetings (Zoom deletes or transfers them)."""
        self.users.remove(user)
        del self._users_by_id[user.id]
        self._users_by_email.pop(user.email, None)
        for meeting in self.meetings_of(user):
            meeting.deleted = True
        for group in self.groups.values():
            group["members"].pop(user.id, None)
        for other in self.users:
            other.assistants.pop(user.id, None)

    def create_group(self, name: str) -> dict[str, Any]:
        group: dict[str, Any] = {"id": self.new_id(), "name": name, "members": {}}
        self.groups[group["id"]] = group
        return group

    # ---- meetings --------------------------------------------------------------------------

    def _seed_meetings(self) -> None:
        owner = self.owner
        now = self.clock.now()
        for index in range(45):
            start = now + 86400 * (index - 10) + 3600
            meeting = self.create_meeting(
                owner,
                {
                    "topic": f"{_TOPICS[index % len(_TOPICS)]} #{index + 1}",
                    "type": 2,
                    "start_time": iso(start),
                    "duration": 30 + 15 * (index % 4),
                    "timezone": owner.timezone,
                    "agenda": "Seeded by the zoom_async sandbox.",
                    "settings": {"approval_type": 0 if index == 0 else 2},
                },
            )
            if index < 6:
                for round_ in range(1 + index % 3):
                    started = now - 86400 * (index + 1) - 7200 * round_
                    self.end_meeting(
                        meeting, started_at=started, record=index < 3, archive=index < 4
                    )
            if index in (6, 7):
                self.start_meeting(meeting)
        first = self.meetings[next(iter(self.meetings))]
        for index in range(35):
            status = "approved" if index % 5 else ("pending" if index % 10 else "denied")
            self.add_registrant(first, self._person(index), status=status)
        first.questions = {
            "questions": [{"field_name": "city", "required": True}],
            "custom_questions": [
                {
                    "title": "Team size?",
                    "type": "single",
                    "required": False,
                    "answers": ["1-5", "6+"],
                }
            ],
        }
        for index in range(2):
            self.add_poll(
                first,
                {
                    "title": f"Seeded poll {index + 1}",
                    "poll_type": 1,
                    "anonymous": False,
                    "questions": [
                        {
                            "name": "How was it?",
                            "type": "single",
                            "answers": ["Good", "Bad"],
                            "answer_required": False,
                        }
                    ],
                },
            )
        for user in self.users[1:20]:
            for index in range(2):
                self.create_meeting(
                    user,
                    {
                        "topic": f"{user.first_name}'s meeting {index + 1}",
                        "start_time": iso(now + 86400 * (index + 1)),
                        "duration": 45,
                    },
                )

    def _person(self, index: int) -> dict[str, Any]:
        first = _FIRST[(index * 7) % len(_FIRST)]
        last = _LAST[(index * 5) % len(_LAST)]
        return {
            "first_name": first,
            "last_name": last,
            "email": f"{first}.{last}.r{index}@attendee.example.org".lower(),
        }

    def create_meeting(self, host: User, body: Mapping[str, Any]) -> Meeting:
        now = self.clock.now()
        meeting_id = self.new_meeting_id()
        fields: dict[str, Any] = {
            "topic": "Zoom meeting",
            "type": 2,
            "duration": 60,
            "timezone": host.timezone,
            "agenda": "",
            "pre_schedule": False,
        }
        settings = dict(MEETING_SETTING_DEFAULTS)
        template = self.template(host, body.get("template_id"))
        if template is not None:  # the template's settings, then the body's on top of them
            settings.update(template.get("settings") or {})
            if "recurrence" in template and "recurrence" not in body:
                fields["recurrence"] = template["recurrence"]
        password = str(body.get("password") or self.new_id(6).replace("-", "a").replace("_", "b"))
        meeting = Meeting(
            id=meeting_id,
            uuid=self.new_uuid(),
            host_id=host.id,
            created_at=now,
            fields=fields,
            settings=settings,
            password=password,
            encrypted_password=self.new_id(32),
            h323_password="".join(self.rng.choice(string.digits) for _ in range(6)),
        )
        self.apply_meeting_fields(meeting, body)
        if "start_time" not in meeting.fields and meeting.type != 3:
            meeting.fields["start_time"] = iso(now)
        self.meetings[meeting_id] = meeting
        return meeting

    def apply_meeting_fields(self, meeting: Meeting, body: Mapping[str, Any]) -> None:
        for key in _MEETING_FIELDS:
            if key in body:
                value = body[key]
                if key == "start_time" and isinstance(value, str):
                    zone = body.get("timezone", meeting.fields.get("timezone"))
                    value = normalize_time(value, zone)
                if key == "password":
                    meeting.password = str(value)
                    continue
                meeting.fields[key] = value
        settings = body.get("settings")
        if isinstance(settings, Mapping):
            meeting.settings.update(settings)

    def template(self, host: User, template_id: object) -> dict[str, Any] | None:
        """A meeting template by id: the host's own, else any account user's (Zoom's admin
        templates are account-wide)."""
        if not isinstance(template_id, str) or not template_id:
            return None
        for user in (host, *self.users):
            for template in user.templates:
                if template["id"] == template_id:
                    return template
        return None

    def get_meeting(self, meeting_id: int, *, include_deleted: bool = False) -> Meeting | None:
        meeting = self.meetings.get(meeting_id)
        if meeting is None or (meeting.deleted and not include_deleted):
            return None
        return meeting

    def meetings_of(self, host: User) -> Iterator[Meeting]:
        return (m for m in self.meetings.values() if m.host_id == host.id and not m.deleted)

    def start_meeting(self, meeting: Meeting) -> None:
        """Mark a meeting live, with people in it (shown by the dashboard's live view)."""
        if meeting.status == "started":
            return
        meeting.status = "started"
        meeting.live_started_at = self.clock.now()
        meeting.live_participants = self._people(self.rng.randint(3, 12))

    def end_meeting(
        self,
        meeting: Meeting,
        *,
        started_at: float | None = None,
        record: bool = False,
        host_rejoin: bool = False,
        file_sizes: Mapping[str, int] | None = None,
        archive: bool = False,
    ) -> PastInstance:
        """Finish the current instance: it becomes a past meeting with participants (one
        session each, two for the host with ``host_rejoin``), poll answers and a summary,
        plus cloud recording files with ``record``; the meeting gets a fresh UUID for its
        next instance. ``file_sizes`` overrides sizes by file type (``{"MP4": 200 << 20}``)
        and, when given, chooses which file types are recorded."""
        now = self.clock.now()
        start = started_at if started_at is not None else (meeting.live_started_at or now - 1800)
        end = start + 60 * int(meeting.fields.get("duration") or 30)
        if started_at is None:
            end = max(start + 60, now)
        people = meeting.live_participants or self._people(self.rng.randint(3, 60))
        host = self.user(meeting.host_id)
        instance = PastInstance(
            uuid=meeting.uuid,
            meeting_id=meeting.id,
            host_id=meeting.host_id,
            topic=meeting.topic,
            type=meeting.type,
            start_time=start,
            end_time=end,
            participants=people,
        )
        if host is not None:
            instance.participants = [
                {"id": host.id, "name": host.display_name, "user_email": host.email},
                *people,
            ]
        instance.poll_answers = self._poll_answers(meeting, people, start)
        instance.sessions = self._sessions(instance, host_rejoin=host_rejoin)
        instance.summary = self._summary(instance)
        if record:
            instance.recording = self.record(instance, meeting.password, file_sizes)
        if archive:
            self.archive(instance)
        meeting.instances.append(instance)
        self.instances[instance.uuid] = instance
        meeting.uuid = self.new_uuid()
        meeting.status = "waiting"
        meeting.live_participants = []
        meeting.live_started_at = None
        return instance

    def _sessions(self, instance: PastInstance, *, host_rejoin: bool) -> list[dict[str, Any]]:
        rng = self.rec_rng
        span = max(60.0, instance.end_time - instance.start_time)
        rows: list[dict[str, Any]] = []

        def session(person: dict[str, Any], join: float, leave: float) -> None:
            rows.append({
                **person,
                "user_id": str(16778240 + len(rows)),
                "registrant_id": "",
                "join_time": iso(join),
                "leave_time": iso(leave),
                "duration": int(leave) - int(join),
                "status": "in_meeting",
                "failover": False,
            })  # fmt: skip

        for index, person in enumerate(instance.participants):
            is_host = index == 0 and person.get("id") == instance.host_id
            join = instance.start_time + (0 if is_host else rng.uniform(0, span * 0.2))
            leave = instance.end_time - (0 if is_host else rng.uniform(0, span * 0.2))
            if is_host and host_rejoin:  # drops out for a tenth of the meeting, then back
                session(person, join, join + span * 0.4)
                session(person, join + span * 0.5, leave)
            else:
                session(person, join, max(join + 1, leave))
        return rows

    def _summary(self, instance: PastInstance) -> dict[str, Any]:
        topics = self.rec_rng.sample(_TOPICS, 3)
        return {
            "summary_title": f"Summary of {instance.topic}",
            "summary_overview": f"The group covered {', '.join(topics).lower()}.",
            "summary_details": [{"label": t, "summary": f"Discussed {t.lower()}."} for t in topics],
            "next_steps": [f"Follow up on {t.lower()}" for t in topics[:2]],
            "summary_start_time": iso(instance.start_time),
            "summary_end_time": iso(instance.end_time),
            "summary_created_time": iso(instance.end_time + 60),
            "summary_last_modified_time": iso(instance.end_time + 60),
        }

    def record(
        self,
        instance: PastInstance,
        password: str,
        file_sizes: Mapping[str, int] | None = None,
    ) -> Recording:
        """Cloud recording files for an ended instance (one per file type)."""
        sizes = dict(file_sizes) if file_sizes else {k: v[2] for k, v in FILE_KINDS.items()}
        unknown = sorted(set(sizes) - set(FILE_KINDS))
        if unknown:
            raise ValueError(f"unknown recording file types {unknown}; use {list(FILE_KINDS)}")
        files = []
        for file_type, size in sizes.items():
            if size < 0:
                raise ValueError(f"file size of {file_type} must not be negative")
            digits = f"{self.rec_rng.getrandbits(128):032x}"
            file = RecordingFile(
                id=f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}",
                meeting_uuid=instance.uuid,
                meeting_id=instance.meeting_id,
                file_type=file_type,
                size=int(size),
                start=instance.start_time,
                end=instance.end_time,
            )
            files.append(file)
            self.recording_files[file.id] = file
        recording = Recording(
            uuid=instance.uuid,
            meeting_id=instance.meeting_id,
            host_id=instance.host_id,
            topic=instance.topic,
            type=instance.type,
            start_time=instance.start_time,
            duration=instance.duration_minutes,
            password=password,
            files=files,
        )
        self.recordings[instance.uuid] = recording
        return recording

    def archive(self, instance: PastInstance) -> Archive:
        """Archived files for an ended instance (Zoom's compliance archiving)."""
        archive = make_archive(
            self.archive_rng, uuid=instance.uuid, meeting_id=instance.meeting_id,
            host_id=instance.host_id, topic=instance.topic, type=instance.type,
            start=instance.start_time, end=instance.end_time,
        )  # fmt: skip
        self.archives[instance.uuid] = archive
        for file in archive.files:
            self.archive_files[file.id] = file
        return archive

    def delete_archive(self, archive: Archive) -> None:
        del self.archives[archive.uuid]
        for file in archive.files:
            self.archive_files.pop(file.id, None)

    def downloadable(self, file_id: str) -> RecordingFile | None:
        """A file the download route serves: a live recording file or an archived file."""
        file = self.recording_files.get(file_id)
        if file is not None:
            return file if file.trashed_at is None else None
        return self.archive_files.get(file_id)

    def delete_recording_file(self, file: RecordingFile) -> None:
        """Remove a file for good (trashed or not)."""
        recording = self.recordings.get(file.meeting_uuid)
        if recording is not None:
            recording.files = [f for f in recording.files if f is not file]
            if not recording.files:
                del self.recordings[file.meeting_uuid]
        self.recording_files.pop(file.id, None)

    def _people(self, count: int) -> list[dict[str, Any]]:
        people = []
        for _ in range(count):
            first = self.rng.choice(_FIRST)
            last = self.rng.choice(_LAST)
            tag = self.rng.randint(1, 9999)
            people.append(
                {
                    "id": self.new_id(),
                    "name": f"{first} {last}",
                    "user_email": f"{first}.{last}.{tag}@guest.example.net".lower(),
                }
            )
        return people

    def _poll_answers(
        self, meeting: Meeting, people: list[dict[str, Any]], start: float
    ) -> list[dict[str, Any]]:
        answers = []
        for person in people[:10]:
            details = []
            for poll in meeting.polls.values():
                for question in poll.get("questions", []):
                    options = question.get("answers") or ["(free text)"]
                    details.append(
                        {
                            "question": str(question.get("name", "")),
                            "answer": str(self.rng.choice(options)),
                            "polling_id": str(poll["id"]),
                            "date_time": iso(start + 600),
                        }
                    )
            if details:
                answers.append(
                    {
                        "name": person["name"],
                        "email": person["user_email"],
                        "question_details": details,
                    }
                )
        return answers

    def find_instance(self, ref: str) -> PastInstance | None:
        """A past instance by UUID, or the latest ended instance of a numeric meeting ID."""
        if is_numeric_id(ref):
            meeting = self.meetings.get(int(ref))
            if meeting is None or not meeting.instances:
                return None
            return meeting.instances[-1]
        return self.instances.get(ref)

    # ---- registrants and polls ---------------------------------------------------------------

    def add_registrant(
        self, meeting: Meeting | Webinar, body: Mapping[str, Any], *, status: str | None = None
    ) -> tuple[Registrant, bool]:
        """Register someone; re-registering an email returns the existing registrant
        (as Zoom does), so a retried POST does not duplicate. Returns (registrant, created)."""
        email = str(body.get("email", "")).lower()
        for existing in meeting.registrants.values():
            if str(existing.data.get("email", "")).lower() == email:
                return existing, False
        if status is None:
            manual = meeting.settings.get("approval_type") == 1 and not body.get("auto_approve")
            status = "pending" if manual else "approved"
        registrant_id = self.new_id()
        data: dict[str, Any] = {
            key: value for key, value in body.items() if key not in ("auto_approve", "language")
        }
        data.update(
            {
                "id": registrant_id,
                "status": status,
                "create_time": iso(self.clock.now()),
                "join_url": f"https://zoom.us/w/{meeting.id}?tk={self.new_id(43)}",
            }
        )
        data.setdefault("custom_questions", [])
        registrant = Registrant(data)
        meeting.registrants[registrant_id] = registrant
        return registrant, True

    def set_registrant_status(
        self, target: Meeting | Webinar, action: str, refs: list[Mapping[str, Any]]
    ) -> None:
        """Approve, deny or cancel the registrants named by id or email (others untouched)."""
        move = _REGISTRANT_ACTIONS.get(action)
        if move is None:
            return
        sources, status = move
        ids = {str(r.get("id")) for r in refs if r.get("id")}
        emails = {str(r.get("email")).lower() for r in refs if r.get("email")}
        for registrant in target.registrants.values():
            email = str(registrant.data.get("email", "")).lower()
            if (registrant.id in ids or email in emails) and registrant.status in sources:
                registrant.data["status"] = status

    def add_poll(self, meeting: Meeting | Webinar, body: Mapping[str, Any]) -> dict[str, Any]:
        poll: dict[str, Any] = {
            "id": self.new_id(),
            "status": "notstart",
            "anonymous": bool(body.get("anonymous", False)),
            "poll_type": body.get("poll_type", 1),
            "title": body.get("title", ""),
            "questions": list(body.get("questions", [])),
        }
        meeting.polls[poll["id"]] = poll
        return poll

    # ---- webinars --------------------------------------------------------------------------

    def _seed_webinars(self) -> None:
        owner = self.owner
        now = self.clock.now()
        for index in range(3):
            webinar_id = self.new_meeting_id()
            registrants = []
            for number in range(45):
                person = self._person(100 * (index + 1) + number)
                status = "approved" if number % 6 else ("pending" if number % 12 else "denied")
                registrants.append(
                    Registrant(
                        {
                            **person,
                            "id": self.new_id(),
                            "status": status,
                            "create_time": iso(now - 86400 * 3),
                            "custom_questions": [],
                            "join_url": f"https://zoom.us/w/{webinar_id}?tk={self.new_id(43)}",
                        }
                    )
                )
            webinar = Webinar(
                id=webinar_id,
                uuid=self.new_uuid(),
                host_id=owner.id,
                fields={"topic": f"Sandbox webinar {index + 1}", "type": 5, "duration": 60,
                        "start_time": iso(now + 86400 * (index + 7)), "timezone": "UTC",
                        "agenda": "Seeded by the zoom_async sandbox."},
                settings={"approval_type": 0, "registration_type": 1},
                password=f"w{webinar_id % 10**6:06d}",
                created_at=now - 86400 * 30,
                registrants={r.id: r for r in registrants},
            )  # fmt: skip
            start = now - 86400 * (index + 2)
            approved = [r for r in registrants if r.status == "approved"]
            attended = approved[: len(approved) - 8]
            instance = PastInstance(
                uuid=webinar.uuid,
                meeting_id=webinar_id,
                host_id=owner.id,
                topic=webinar.topic,
                type=5,
                start_time=start,
                end_time=start + 3600,
                participants=[
                    {
                        "id": self.new_id(),
                        "name": f"{r.data['first_name']} {r.data['last_name']}",
                        "user_email": r.data["email"],
                    }
                    for r in attended
                ],
                absentees=[r.data for r in approved[len(attended) :]],
            )
            instance.sessions = self._sessions(instance, host_rejoin=False)
            webinar.instances.append(instance)
            webinar.uuid = self.new_uuid()
            self.webinars[webinar_id] = webinar
            self.webinar_instances[instance.uuid] = instance

    def create_webinar(self, host: User, body: Mapping[str, Any]) -> Webinar:
        webinar_id = self.new_meeting_id()
        fields: dict[str, Any] = {"topic": "Zoom webinar", "type": 5, "duration": 60,
                                  "timezone": host.timezone, "agenda": ""}  # fmt: skip
        fields.update({k: v for k, v in body.items() if k not in ("settings", "password")})
        if isinstance(fields.get("start_time"), str):
            fields["start_time"] = normalize_time(fields["start_time"])
        settings: dict[str, Any] = {"approval_type": 2, "registration_type": 1,
                                    "host_video": False, "panelists_video": False,
                                    "auto_recording": "none"}  # fmt: skip
        if isinstance(body.get("settings"), Mapping):
            settings.update(body["settings"])
        password = str(body.get("password") or self.new_id(6).replace("-", "a").replace("_", "b"))
        webinar = Webinar(id=webinar_id, uuid=self.new_uuid(), host_id=host.id, fields=fields,
                          settings=settings, password=password,
                          created_at=self.clock.now())  # fmt: skip
        self.webinars[webinar_id] = webinar
        return webinar

    def start_webinar(self, webinar: Webinar) -> None:
        """Mark a webinar live: the host and its approved registrants are in it (shown by
        the live dashboards)."""
        if webinar.status == "started":
            return
        webinar.status = "started"
        webinar.live_started_at = self.clock.now()
        host = self.user(webinar.host_id)
        people = [{"id": r.id, "user_email": r.data.get("email", ""),
                   "name": f"{r.data.get('first_name', '')} {r.data.get('last_name', '')}"}
                  for r in webinar.registrants.values() if r.status == "approved"]  # fmt: skip
        if host is not None:
            people.insert(0, {"id": host.id, "name": host.display_name, "user_email": host.email})
        webinar.live_participants = people

    def end_webinar(self, webinar: Webinar) -> PastInstance:
        """Finish the current webinar instance: approved registrants attend (all but every
        fifth, who are absentees), the host with them."""
        now = self.clock.now()
        approved = [r for r in webinar.registrants.values() if r.status == "approved"]
        attended = [r for n, r in enumerate(approved) if n % 5 != 4]
        host = self.user(webinar.host_id)
        people = [
            {"id": r.id, "user_email": r.data.get("email", ""),
             "name": f"{r.data.get('first_name', '')} {r.data.get('last_name', '')}".strip()}
            for r in attended
        ]  # fmt: skip
        if host is not None:
            people.insert(0, {"id": host.id, "name": host.display_name, "user_email": host.email})
        duration = 60 * int(webinar.fields.get("duration") or 60)
        instance = PastInstance(
            uuid=webinar.uuid, meeting_id=webinar.id, host_id=webinar.host_id,
            topic=webinar.topic, type=webinar.type, start_time=now - duration, end_time=now,
            participants=people, absentees=[r.data for r in approved if r not in attended],
        )  # fmt: skip
        instance.sessions = self._sessions(instance, host_rejoin=False)
        webinar.instances.append(instance)
        self.webinar_instances[instance.uuid] = instance
        webinar.uuid = self.new_uuid()
        webinar.status = "waiting"
        webinar.live_started_at = None
        webinar.live_participants = []
        return instance

    def _seed_groups(self) -> None:
        for dept in ("Engineering", "Sales"):
            group = self.create_group(dept)
            for user in self.users:
                if user.dept == dept:
                    group["members"][user.id] = True  # member id -> is primary group

    def find_webinar_instance(self, ref: str) -> PastInstance | None:
        if is_numeric_id(ref):
            webinar = self.webinars.get(int(ref))
            return webinar.instances[-1] if webinar and webinar.instances else None
        return self.webinar_instances.get(ref)
