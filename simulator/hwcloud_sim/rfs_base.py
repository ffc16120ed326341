"""What every RFS file of the simulator shares: error codes, the refusal type, time and id helpers, seed checks."""

import re

from .common import aos_time as rfs_time  # noqa: F401  pylint: disable=unused-import
from .common import new_id, parse_time  # noqa: F401  pylint: disable=unused-import

UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

# Error codes (11 characters, RF.<8 digits>, as the service's).
MISSING_PARAMETER = "RF.10011001"
BAD_PARAMETER = "RF.10011002"
ID_MISMATCH = "RF.10011003"
BAD_CLIENT_REQUEST_ID = "RF.10011004"
URI_NOT_FETCHABLE = "RF.10011005"
TEMPLATE_INVALID = "RF.10011007"
# The service answers 403 for every refusal that depends on a stack's or plan's status (busy, stale,
# failed), so a client tells "busy" from "not allowed" by reading the stack again, not by the code.
STACK_BUSY = "RF.10012519"
DELETION_PROTECTED = "RF.10031001"
PLAN_STALE = "RF.10031002"
PLAN_BUSY = "RF.10031003"
WRONG_STATUS = "RF.10031004"
STACK_MISSING = "RF.10041001"
PLAN_MISSING = "RF.10041002"
DEPLOYMENT_MISSING = "RF.10041003"
NAME_TAKEN = "RF.10091002"
INTERNAL = "RF.10051000"


class RfsError(Exception):
    """An API refusal: the handler answers ``status`` with ``{"error_code": code, "error_msg": message}``."""

    def __init__(self, status, code, message):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def epoch_or(value, default):
    """A seeded time (ISO text) as epoch seconds, or ``default`` when not given."""
    return default if value is None else parse_time(value)


def check_seed_id(spec, key, where):
    """Seeded ids must look like the service's, or the API's UUID guards could never match them."""
    value = spec.get(key)
    if value is not None and not (isinstance(value, str) and UUID.match(value)):
        raise ValueError("%s: %s must be a UUID, got %r" % (where, key, value))


def check_seed_keys(obj, known, what):
    if not isinstance(obj, dict):
        raise ValueError("%s must be an object" % what)
    for key in obj:
        if key not in known:
            raise ValueError("%s: unknown key %s (known: %s)" % (what, key, ", ".join(known)))
