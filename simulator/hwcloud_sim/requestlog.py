"""The simulator's request log: what every API call sent, secrets redacted, for tests to assert on."""

import copy
import json
import threading
import time

MAX_LOG_ENTRIES = 10000
REDACTED_HEADERS = ("x-auth-token", "authorization", "x-security-token", "x-metadata-token")


def _decode_body(raw):
    if not raw:
        return None
    try:
        return json.loads(raw.decode("utf-8"))
    except ValueError:
        return raw.decode("utf-8", "replace")


def _query_of(request):
    grouped = {}
    for key, value in request.query_pairs:
        grouped.setdefault(key, []).append(value)
    return {key: values[0] if len(values) == 1 else values for key, values in grouped.items()}


def _headers_of(request):
    out = {}
    for name, value in request.header_items:
        if name.lower() in REDACTED_HEADERS:
            value = "<redacted>"
        out[name] = "%s, %s" % (out[name], value) if name in out else value
    return out


def _redact_body(service, body):
    if service != "iam" or not isinstance(body, dict):
        return body
    body = copy.deepcopy(body)
    try:
        user = body["auth"]["identity"]["password"]["user"]
        if "password" in user:
            user["password"] = "<redacted>"
    except (KeyError, TypeError):
        pass
    return body


def entry(request, service, status, fault_kind):
    """The log entry of one API call (``status`` None when the connection was dropped)."""
    return {
        "time": time.time(),
        "method": request.method,
        "path": request.path,
        "query": _query_of(request),
        "headers": _headers_of(request),
        "body": _redact_body(service, _decode_body(request.body)),
        "status": status,
        "auth": request.auth,
        "service": service,
        "fault": fault_kind,
        "request_id": request.request_id,
        "client_request_id": request.headers.get("client-request-id"),
    }


class RequestLog:
    def __init__(self, log_file=None):
        self.lock = threading.Lock()
        self.entries = []
        self.seq = 0
        self.log_file = log_file

    def add(self, entry):
        with self.lock:
            self.seq += 1
            entry["seq"] = self.seq
            self.entries.append(entry)
            if len(self.entries) > MAX_LOG_ENTRIES:
                del self.entries[: len(self.entries) - MAX_LOG_ENTRIES]
            if self.log_file:
                with open(self.log_file, "a", encoding="utf-8") as handle:
                    handle.write(json.dumps(entry, sort_keys=True) + "\n")

    def list(self):
        with self.lock:
            return copy.deepcopy(self.entries)

    def clear(self):
        with self.lock:
            self.entries = []
