"""Fault injection of the simulator: rules that make matching API calls answer an error, hang or lose their answer."""

import re
import threading

FAULT_KINDS = ("status", "drop", "drop_after_apply", "delay")
HTML_502 = "<html><body><h1>502 Bad Gateway</h1></body></html>"


class FaultError(ValueError):
    pass


class FaultBook:
    def __init__(self):
        self.lock = threading.Lock()
        self.rules = []
        self.next_id = 1

    @staticmethod
    def _validate(spec):
        if not isinstance(spec, dict):
            raise FaultError("a fault must be a JSON object")
        known = ("method", "path", "times", "kind", "status", "retry_after", "body", "delay")
        for key in spec:
            if key not in known:
                raise FaultError("unknown fault field %s" % key)
        kind = spec.get("kind", "status")
        if kind not in FAULT_KINDS:
            raise FaultError("kind must be one of %s" % ", ".join(FAULT_KINDS))
        rule = {"kind": kind, "method": None, "path": None, "times": 1}
        if spec.get("method") is not None:
            if not isinstance(spec["method"], str):
                raise FaultError("method must be a string")
            rule["method"] = spec["method"].upper()
        if spec.get("path") is not None:
            try:
                re.compile(spec["path"])
            except (re.error, TypeError) as exc:
                raise FaultError("path is not a valid regular expression: %s" % exc) from exc
            rule["path"] = spec["path"]
        times = spec.get("times", 1)
        if not isinstance(times, int) or isinstance(times, bool) or times < 1:
            raise FaultError("times must be an integer >= 1")
        rule["times"] = times
        if kind == "status":
            status = spec.get("status")
            if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
                raise FaultError("kind status needs status, an integer HTTP status")
            rule["status"] = status
            if spec.get("retry_after") is not None:
                rule["retry_after"] = str(spec["retry_after"])
            if "body" in spec:
                rule["body"] = spec["body"]
        if kind == "delay":
            delay = spec.get("delay", 1.0)
            if not isinstance(delay, (int, float)) or isinstance(delay, bool) or delay < 0:
                raise FaultError("delay must be a number of seconds >= 0")
            rule["delay"] = float(delay)
        return rule

    def add(self, spec):
        rule = self._validate(spec)
        with self.lock:
            rule["id"] = self.next_id
            self.next_id += 1
            self.rules.append(rule)
            return dict(rule)

    def take(self, method, path):
        """Consume one use of the first rule matching the request."""
        with self.lock:
            for rule in self.rules:
                if rule["method"] is not None and rule["method"] != method:
                    continue
                if rule["path"] is not None and not re.search(rule["path"], path):
                    continue
                rule["times"] -= 1
                if rule["times"] <= 0:
                    self.rules.remove(rule)
                return dict(rule)
            return None

    def list(self):
        with self.lock:
            return [dict(rule) for rule in self.rules]

    def clear(self):
        with self.lock:
            self.rules = []


def injected_response(rule, request):
    status = rule["status"]
    headers = {}
    if rule.get("retry_after") is not None:
        headers["Retry-After"] = rule["retry_after"]
    if "body" in rule:
        body = rule["body"]
        if isinstance(body, str):
            return status, body, headers, "text/plain; charset=utf-8"
        return status, body, headers, None
    if status == 429:
        return status, request.apigw_body("APIGW.0308", "The throttling threshold has been reached"), headers, None
    if status == 502:
        return status, HTML_502, headers, "text/html"
    if status == 504:
        return status, request.apigw_body("APIGW.0203", "Backend timeout."), headers, None
    if status >= 500:
        return status, request.apigw_body("APIGW.0202", "Backend unavailable."), headers, None
    return status, request.apigw_body("APIGW.0201", "API request error."), headers, None
