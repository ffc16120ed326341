"""Time formats and identifiers that every part of the simulator uses.

It imports nothing of the simulator, so any module (the core state, the RFS model,
the handlers) can import it without making an import circle.
"""

import copy
import datetime
import uuid


class SeedError(ValueError):
    """A seed, or an object given to the control API, that the simulator cannot take."""


def cdm_time(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def aos_time(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def iam_time(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(value):
    """Accept the ISO forms this simulator writes (with or without Z / fraction)."""
    text = str(value).strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    parsed = datetime.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed.timestamp()


def list_of_objects(seed, key):
    """A deep copy of the seed's list ``key`` (``[]`` when absent); SeedError unless it is a list of objects."""
    value = seed.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise SeedError("%s must be a list of objects" % key)
    return copy.deepcopy(value)


def new_id():
    return str(uuid.uuid4())


def new_hex_id():
    return uuid.uuid4().hex
