# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""One error type for every failure the collection reports.

Huawei Cloud services answer errors in at least four shapes (CDM, AOS, API
Gateway, IAM) and proxies answer with HTML. They are all folded into
``HwCloudError`` here so that every module fails with the same message layout:
what we were doing, the HTTP status, the service's code and message, and the
request id to quote to support.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

BODY_EXCERPT_CHARS = 300


class HwCloudError(Exception):
    """A failure with everything an operator needs to act on it."""

    def __init__(self, message, status=None, code=None, service_message=None,
                 request_id=None, body=None, method=None, url=None, details=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.service_message = service_message
        self.request_id = request_id
        self.body = body
        self.method = method
        self.url = url
        self.details = details or {}

    def __str__(self):
        return self.message

    def to_result(self):
        """Keys added to ``fail_json`` so playbooks can branch on them."""
        result = dict(self.details)
        if self.status is not None or self.code is not None:
            result['error'] = {
                'status': self.status,
                'code': self.code,
                'message': self.service_message,
                'request_id': self.request_id,
                'method': self.method,
                'url': self.url,
                'body': self.body,
            }
        return result


class OutcomeUnknownError(HwCloudError):
    """A mutating call was sent but no answer came back (dropped, timed out, 502/504).

    The change may or may not have happened; callers must re-read before
    sending again.
    """


class WaitTimeoutError(HwCloudError):
    """``wait_timeout`` passed before the resource reached the wanted state."""


class InvalidOptionError(HwCloudError):
    """An option value breaks a rule of the API; raised before any HTTP call."""

    def __init__(self, option, value, rule):
        super().__init__(
            "Invalid value for option '%s': %s; %s." % (option, _short_repr(value), rule))
        self.details = {'invalid_option': option}


def is_absent(error):
    """True when an error says that the resource asked for does not exist: a 404 from the service itself.

    API Gateway answers 404 with its own ``APIGW.*`` code when the endpoint or the path is wrong:
    that says nothing about the resource, and taken as "absent" it would report an empty list or
    create a second resource, so it stays a failure.
    """
    return isinstance(error, HwCloudError) and error.status == 404 and not str(error.code or '').startswith('APIGW.')


def absent_on_404(call, absent=None):
    """``call()``, or ``absent`` when it fails because the resource does not exist (see ``is_absent``)."""
    try:
        return call()
    except HwCloudError as error:
        if is_absent(error):
            return absent
        raise


def _short_repr(value, limit=80):
    text = json.dumps(value, default=str, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    if len(text) > limit:
        text = text[:limit] + '...'
    return text


def parse_error_body(text):
    """Return ``(code, message, request_id)`` from any known error shape.

    Unknown or non-JSON bodies give ``(None, excerpt, None)`` so that an HTML
    page from a proxy still shows up in the message.
    """
    try:
        data = json.loads(text) if text else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        excerpt = ' '.join((text or '').split())[:BODY_EXCERPT_CHARS]
        return None, excerpt or None, None
    if isinstance(data.get('error'), dict):
        # IAM: {"error": {"code": 401, "message": ..., "title": ...}}
        err = data['error']
        code = err.get('title') or err.get('code')
        return _text(code), _text(err.get('message')), None
    for code_key, message_key in (('errCode', 'externalMessage'), ('error_code', 'error_msg'), ('code', 'message')):
        if code_key in data or message_key in data:
            message = data.get(message_key)
            if message is None and code_key == 'errCode':
                message = data.get('errMsg')
            return _text(data.get(code_key)), _text(message), _text(data.get('request_id'))
    excerpt = ' '.join(text.split())[:BODY_EXCERPT_CHARS]
    return None, excerpt, None


def _text(value):
    return None if value is None else str(value)


def error_from_response(response, action):
    """Build an ``HwCloudError`` from a failed ``requests`` response."""
    code, service_message, body_request_id = parse_error_body(response.text)
    request_id = response.headers.get('X-Request-Id') or body_request_id
    parts = ['%s: HTTP %s' % (action, response.status_code)]
    if code:
        parts.append(' %s' % code)
    if service_message:
        parts.append(': %s' % service_message)
    if request_id:
        parts.append(' (request id %s)' % request_id)
    try:
        body = response.json()
    except ValueError:
        body = response.text[:BODY_EXCERPT_CHARS]
    return HwCloudError(''.join(parts), status=response.status_code, code=code,
                        service_message=service_message, request_id=request_id,
                        body=body, method=response.request.method if response.request else None,
                        url=response.url)
