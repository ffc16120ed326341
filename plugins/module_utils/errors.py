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
import re

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


# What to check when a service or IAM refuses the credentials, by the words of its answer (the API
# Gateway's ``error_msg``, IAM's ``error.message``; real ones and the simulator's), most specific first.
# Each needle is a regular expression searched in the lower-cased code and message.
# ``{secret}`` and ``{key}`` name where the task's keys came from.
_AUTH_HINTS = (
    (('x-sdk-date', 'clock', 'too early', 'too late', 'request expired', 'time skew'),
     "check this machine's clock: a signature carries the time it was made, and the service refuses one more than "
     "15 minutes off its own clock (sync with NTP)"),
    (('signature mismatch', 'verify aksk signature', 'signature does not match', 'signature fail', 'invalid signature',
      'signature verification'),
     "the signature does not match: check {secret_of_key}, and this machine's clock (a signature carries the time it was made)"),
    (('unknown access key', r'\bak\b.* not exist', 'access key .*(does )?not exist', 'get secretkey failed', r'invalid ak\b'),
     "the service does not know this access key: check {key} (a deleted key, a key of another account, or a typo)"),
    (('security-token', 'security token', 'securitytoken'),
     "check the security token: temporary keys work only with the security token issued with them "
     "(security_token, HW_SECURITY_TOKEN)"),
    (('has expired', 'token expired', 'token is expired', 'expired'),
     "the credentials have expired: a token lives 24 hours, temporary keys until their expires_at; "
     "ask for new ones"),
    (('unknown token', 'decrypt token', 'token is invalid', 'invalid token', 'x-auth-token'),
     "the service does not accept this token: check auth_token (HW_AUTH_TOKEN) is a whole, current IAM token "
     "of this account"),
    (('project',),
     "the credentials are not valid for {project}: check project_id (HW_PROJECT_ID) and region "
     "(HW_REGION_NAME); a token acts only in the project it was issued for, and keys only in their own account's projects"),
)

_PASSWORD_HINT = ('check user_name, password and domain_name (HW_USER_NAME, HW_PASSWORD, HW_DOMAIN_NAME): '
                  'domain_name is the account that owns the IAM user, not the user')


_AGENCY_HINT = ('check agency_name and agency_domain_name or agency_domain_id (HW_ASSUME_ROLE_AGENCY_NAME, '
                'HW_ASSUME_ROLE_DOMAIN_NAME, HW_ASSUME_ROLE_DOMAIN_ID): the agency must exist in that account and trust '
                'the account of the credentials that assume it')


def authentication_hint(error, step, key='access_key (HW_ACCESS_KEY)', secret='secret_key (HW_SECRET_KEY)', project=None):
    """What to check when credentials are refused, or ``''``.

    ``step``: ``password`` for IAM's token call, ``agency`` for assuming an agency, ``None`` for a service call.
    """
    if step == 'agency' and error.status in (403, 404):
        return _AGENCY_HINT
    if error.status not in (401, 403):
        return ''
    if step == 'password' and error.status == 401:
        return _PASSWORD_HINT
    said = ' '.join(part for part in (error.code, error.service_message) if part).lower()
    secret_of_key = secret if secret == key else '%s, which must be the secret key of %s' % (secret, key)
    for needles, hint in _AUTH_HINTS:
        if any(re.search(needle, said) for needle in needles):
            return hint.format(key=key, secret_of_key=secret_of_key,
                               project='project %s' % project if project else 'the project of this call')
    return ''


def with_hint(error, hint):
    """``error`` with ``hint`` added to its message (and ``hint`` under ``details``)."""
    if hint:
        error.message = '%s. To fix: %s.' % (error.message, hint)
        error.args = (error.message,)
    return error


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
