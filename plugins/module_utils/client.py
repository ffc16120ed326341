# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one HTTP client every module uses: session, auth, retries, errors."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import json
import errno
import random
import socket
import ssl
import time
from urllib.parse import urlsplit

try:
    import requests
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as import_error:  # pragma: no cover - exercised by the sanity import test
    requests = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = import_error

from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import (
    HwCloudError,
    OutcomeUnknownError,
    authentication_hint,
    error_from_response,
    with_hint,
)
from ansible_collections.hwcloud.cloud.plugins.module_utils.expiry import Expiry
from ansible_collections.hwcloud.cloud.plugins.module_utils.signer import sign

JSON_CONTENT_TYPE = 'application/json;charset=UTF-8'
# Answers that mean "not processed, ask again later": safe to resend any call.
THROTTLED = frozenset([429, 503])
# Answers from a gateway that may have forwarded the call: safe to resend only a read.
GATEWAY_UNSURE = frozenset([502, 504])
# Connecting is quick or never happens: an address that does not answer fails in seconds, not request_timeout.
CONNECT_TIMEOUT = 10.0
UNREACHABLE_ERRNOS = frozenset([errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EHOSTDOWN, errno.ENETDOWN])
BACKOFF_BASE = 0.5
BACKOFF_CAP = 20.0
# An address that refuses, cannot be reached or holds a call past request_timeout rarely heals within
# the seconds a retry waits: one more try covers a blip, more only keep the user waiting in silence.
STALLED_RETRIES = 1


class TokenAuth:
    """A token the user already holds (``auth_token``)."""

    def __init__(self, token):
        self.token = token

    def headers(self, client, method, url, headers, body):  # pylint: disable=unused-argument
        return {'X-Auth-Token': self.token}


class PasswordAuth:
    """IAM user name and password, exchanged for one token per module run."""

    def __init__(self, identity_endpoint, user_name, password, domain_name, project_id=None, project_name=None, domain_scoped=False):
        self.identity_endpoint = identity_endpoint
        self.tokens_url = identity_tokens_url(identity_endpoint)
        self.user_name = user_name
        self.password = password
        self.domain_name = domain_name
        self.project_id = project_id
        self.project_name = project_name
        self.domain_scoped = domain_scoped
        self.token = None
        self.token_project_id = None
        self.expiry = None

    def request_body(self):
        if self.domain_scoped:
            scope = {'domain': {'name': self.domain_name}}
        else:
            scope = {'project': {'id': self.project_id} if self.project_id else {'name': self.project_name}}
        return {'auth': {
            'identity': {'methods': ['password'], 'password': {'user': {
                'name': self.user_name, 'password': self.password, 'domain': {'name': self.domain_name}}}},
            'scope': scope,
        }}

    def fetch(self, client):
        # Asking for a token changes nothing: a lost answer is retried like a read, not re-read first.
        response = client.send('POST', self.tokens_url, self.request_body(), action='Requesting an IAM token', authenticated=False,
                               idempotent=True, endpoint_option='identity_endpoint', auth_step='password')
        token = response.headers.get('X-Subject-Token')
        if not token:
            raise HwCloudError('Requesting an IAM token: HTTP %s without an X-Subject-Token header' % response.status_code,
                               status=response.status_code)
        client.no_log_values.add(token)
        self.token = token
        try:
            answer = response.json()['token']
        except (ValueError, KeyError, TypeError):
            answer = {}
        try:
            self.token_project_id = answer['project']['id']
        except (KeyError, TypeError):
            self.token_project_id = self.project_id
        self.expiry = Expiry(answer.get('expires_at') if isinstance(answer, dict) else None)

    def headers(self, client, method, url, headers, body):  # pylint: disable=unused-argument
        # A token lives 24 hours: a task that waits longer asks for a new one before it lapses.
        if self.token is None or (self.expiry is not None and self.expiry.due()):
            self.fetch(client)
        return {'X-Auth-Token': self.token}


class AkSkAuth:
    """Access key and secret key: every request signed with SDK-HMAC-SHA256.

    ``key_label`` and ``secret_label`` say where the keys came from, for the message when they are refused.
    """

    def __init__(self, access_key, secret_key, security_token=None, project_id=None,
                 key_label=None, secret_label=None):
        self.access_key = access_key
        self.secret_key = secret_key
        self.security_token = security_token
        self.project_id = project_id
        self.key_label = key_label or 'access_key (HW_ACCESS_KEY)'
        self.secret_label = secret_label or 'secret_key (HW_SECRET_KEY)'

    def headers(self, client, method, url, headers, body):  # pylint: disable=unused-argument
        extra = {}
        if self.project_id:
            extra['X-Project-Id'] = self.project_id
        if self.security_token:
            extra['X-Security-Token'] = self.security_token
        to_sign = dict(headers)
        to_sign.update(extra)
        extra.update(sign(method, url, to_sign, body, self.access_key, self.secret_key))
        return extra


def identity_tokens_url(identity_endpoint):
    base = identity_endpoint.rstrip('/')
    if base.endswith('/v3'):
        base = base[:-3]
    return base + '/v3/auth/tokens'


def retry_after_seconds(value, now=None):
    """Parse ``Retry-After`` (seconds or an HTTP date); ``None`` when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def backoff_seconds(attempt, retry_after=None):
    """Full-jitter exponential backoff; ``Retry-After`` sets a floor, never shortened."""
    # The exponent is capped so that a large max_retries never overflows a float.
    delay = random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * (2 ** min(attempt, 16))))
    if retry_after is not None:
        delay = max(delay, min(retry_after, BACKOFF_CAP * 3))
    return delay


class HwCloudClient:
    """A ``requests`` session with auth, bounded retries and uniform errors.

    Reads are retried on throttling, gateway errors and dropped connections.
    A mutating call is resent only after a 429/503 (the service says it did
    not process it) or when it never left this machine; any other missing
    answer raises ``OutcomeUnknownError`` so the caller re-reads first.
    """

    def __init__(self, auth, request_timeout=30, validate_certs=True, ca_path=None, max_retries=5,
                 sleep=time.sleep, log=None):
        self.auth = auth
        self.request_timeout = request_timeout
        self.max_retries = max(0, max_retries)
        self.sleep = sleep
        self.log = log or (lambda message: None)
        self.session = requests.Session()
        # validate_certs=false wins over ca_path; ca_path replaces the system CA store. Passed with every
        # request: requests lets REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE override a session-level verify, even False.
        self.verify = (ca_path or True) if validate_certs else False
        self.session.verify = self.verify
        self.no_log_values = set()
        self.calls = 0
        # The project the task acts in, for the message when credentials are refused for it.
        self.project_id = None
        # Called before every request to renew temporary credentials that are about to expire (see credentials.py).
        self.renew_credentials = None
        self._renewing = False

    def request(self, method, url, body=None, action=None, ok_statuses=(200, 201, 202, 204), headers=None, idempotent=None,
                endpoint_option='endpoint'):
        """Send a call and return the decoded JSON answer (``{}`` when empty); the arguments are ``send``'s."""
        response = self.send(method, url, body, action=action, ok_statuses=ok_statuses, headers=headers, idempotent=idempotent,
                             endpoint_option=endpoint_option)
        return decode_json(response, action or '%s %s' % (method, url))

    def send(self, method, url, body=None, action=None, ok_statuses=(200, 201, 202, 204), authenticated=True,
             idempotent=None, endpoint_option='endpoint', headers=None, auth_step=None):
        """Send one call with bounded retries; ``idempotent=True`` lets a POST that changes nothing be resent like a read.

        ``endpoint_option`` names the option that sets this call's address, for the message when it cannot be reached.
        ``headers`` are extra headers (signed with the rest): a dict, or a function called for each attempt
        so that a header such as a request id can be fresh on every resend. ``auth_step='password'`` marks
        IAM's token call, whose 401 means a wrong user name, password or domain.
        """
        extra_headers = headers
        action = action or '%s %s' % (method, url)
        mutating = method.upper() not in ('GET', 'HEAD') if idempotent is None else not idempotent
        payload = None if body is None else json.dumps(body, separators=(',', ':'), sort_keys=True).encode('utf-8')
        attempt = 0
        stalls = 0
        while True:
            headers = {'Content-Type': JSON_CONTENT_TYPE, 'Accept': 'application/json'}
            if extra_headers:
                headers.update(extra_headers() if callable(extra_headers) else extra_headers)
            if authenticated and self.renew_credentials is not None and not self._renewing:
                # Renewing makes calls of its own through this client: those must not renew again.
                self._renewing = True
                try:
                    self.renew_credentials()
                finally:
                    self._renewing = False
            if authenticated and self.auth is not None:
                headers.update(self.auth.headers(self, method, url, headers, payload))
            self.calls += 1
            try:
                response = self.session.request(method, url, data=payload, headers=headers,
                                                timeout=(min(CONNECT_TIMEOUT, self.request_timeout), self.request_timeout),
                                                verify=self.verify)
            except ValueError as exc:
                # Refused before anything was sent: requests' InvalidHeader, InvalidURL, MissingSchema and InvalidSchema
                # and http.client's checks (a header value with a newline, a NUL or a character outside latin-1) are all
                # ValueErrors. Resending cannot help.
                raise HwCloudError('%s: the request could not be built: %s' % (action, _reason(exc)), method=method, url=url)
            except requests.exceptions.SSLError as exc:
                # A certificate or handshake failure is not transient, and no request went out.
                raise HwCloudError('%s: TLS failed: %s (check validate_certs and ca_path)' % (action, _tls_reason(exc)),
                                   method=method, url=url)
            except requests.exceptions.ConnectionError as exc:
                # A refused or unreachable connection never carried the request: any call may be resent.
                cause = connection_failure(exc, url, self.request_timeout, endpoint_option)
                if mutating and not cause.never_sent:
                    raise OutcomeUnknownError('%s: no answer (%s); the call may or may not have taken effect' % (action, cause),
                                              method=method, url=url)
                if not cause.retriable:
                    raise HwCloudError('%s: %s' % (action, cause), method=method, url=url)
                stalls += cause.stalled
                self._give_up_when_stalled(stalls, attempt, action, cause, method, url)
                problem = str(cause)
                retry_after = None
            except requests.exceptions.Timeout as exc:
                cause = connection_failure(exc, url, self.request_timeout, endpoint_option)
                problem = str(cause)
                if mutating:
                    raise OutcomeUnknownError('%s: %s; the call may or may not have taken effect' % (action, problem),
                                              method=method, url=url)
                stalls += cause.stalled
                self._give_up_when_stalled(stalls, attempt, action, cause, method, url)
                retry_after = None
            except requests.exceptions.RequestException as exc:
                # Anything else (a truncated or undecodable answer) is a lost answer: same rules as a dropped connection.
                problem = 'the answer was lost: %s' % _reason(exc)
                if mutating:
                    raise OutcomeUnknownError('%s: %s; the call may or may not have taken effect' % (action, problem),
                                              method=method, url=url)
                retry_after = None
            else:
                if response.status_code in ok_statuses:
                    return response
                retriable = response.status_code in THROTTLED or (response.status_code in GATEWAY_UNSURE and not mutating)
                if response.status_code in GATEWAY_UNSURE and mutating:
                    error = error_from_response(response, action)
                    raise OutcomeUnknownError(error.message + '; the call may or may not have taken effect', status=error.status,
                                              code=error.code, service_message=error.service_message,
                                              request_id=error.request_id, body=error.body, method=method, url=url)
                if not retriable or attempt >= self.max_retries:
                    error = self._explained(error_from_response(response, action), auth_step)
                    if attempt:
                        error.message += '; gave up after %d attempts' % (attempt + 1)
                        error.args = (error.message,)
                    raise error
                problem = 'HTTP %s' % response.status_code
                retry_after = retry_after_seconds(response.headers.get('Retry-After'))
                if response.headers.get('Retry-After'):
                    problem += ' (Retry-After: %s)' % response.headers.get('Retry-After')
            if attempt >= self.max_retries:
                raise HwCloudError('%s: %s; gave up after %d attempts (max_retries=%d)' % (action, problem, attempt + 1, self.max_retries),
                                   method=method, url=url)
            delay = backoff_seconds(attempt, retry_after)
            attempt += 1
            self.log('%s: %s; retry %d of %d in %.2fs' % (action, problem, attempt, self.max_retries, delay))
            self.sleep(delay)

    def _explained(self, error, auth_step):
        """A refused authentication gets what to check, from the service's words and the kind of credentials."""
        auth = self.auth
        key = getattr(auth, 'key_label', 'access_key (HW_ACCESS_KEY)')
        secret = getattr(auth, 'secret_label', 'secret_key (HW_SECRET_KEY)')
        return with_hint(error, authentication_hint(error, auth_step, key=key, secret=secret,
                                                    project=getattr(auth, 'project_id', None) or self.project_id))

    def _give_up_when_stalled(self, stalls, attempt, action, cause, method, url):
        """Raise once a call has stalled (refused, unreachable, timed out) more often than ``STALLED_RETRIES`` allows."""
        if stalls <= min(STALLED_RETRIES, self.max_retries):
            return
        attempts = '%d attempt%s' % (attempt + 1, '' if attempt == 0 else 's')
        if not self.max_retries:
            why = 'max_retries=0: no retry'
        elif cause.timed_out:
            why = 'a call that times out is retried once, whatever max_retries says'
        else:
            why = 'an address that refuses or cannot be reached is retried once, whatever max_retries says'
        if cause.timed_out:
            why += '; raise request_timeout for a slow service'
        raise HwCloudError('%s: %s; gave up after %s (%s)' % (action, cause, attempts, why), method=method, url=url)


class ConnectionFailure:
    """Why a call got no answer, in one line, with the options that change it.

    ``stalled``: the address refused, could not be reached or held the call past a timeout, which a
    quick retry seldom cures (retried at most ``STALLED_RETRIES`` times); ``timed_out``: a timeout.
    """

    def __init__(self, text, never_sent, retriable=True, stalled=False, timed_out=False):
        self.text = text
        self.never_sent = never_sent
        self.retriable = retriable
        self.stalled = stalled
        self.timed_out = timed_out

    def __str__(self):
        return self.text


def _causes(exc):
    """The exception and everything it wraps (urllib3 nests the real cause a few levels down)."""
    pending, seen = [exc], set()
    while pending:
        current = pending.pop(0)
        if current is None or id(current) in seen or not isinstance(current, BaseException):
            continue
        seen.add(id(current))
        yield current
        pending.extend(getattr(current, 'args', ()))
        pending.extend([getattr(current, 'reason', None), current.__cause__, current.__context__])


def connection_failure(exc, url, request_timeout, endpoint_option='endpoint'):
    parts = urlsplit(url)
    host = parts.hostname or parts.netloc
    try:
        port = parts.port or (443 if parts.scheme == 'https' else 80)
    except ValueError:
        port = '?'
    where = '%s:%s' % (host, port)
    connect_timeout = min(CONNECT_TIMEOUT, request_timeout)
    causes = list(_causes(exc))
    names = set(type(cause).__name__ for cause in causes)
    if any(isinstance(cause, socket.gaierror) for cause in causes) or 'NameResolutionError' in names \
            or 'Name or service not known' in repr(exc) or 'nodename nor servname' in repr(exc):
        # A name that does not resolve is a wrong endpoint or region far more often than a passing DNS fault.
        return ConnectionFailure('cannot resolve host %s (check %s and region)' % (host, endpoint_option), True, retriable=False)
    if any(isinstance(cause, ConnectionRefusedError) for cause in causes) or 'Connection refused' in repr(exc):
        return ConnectionFailure('connection refused by %s: nothing listens there (check %s and region)' % (where, endpoint_option), True,
                                 stalled=True)
    if isinstance(exc, requests.exceptions.ConnectTimeout) or 'ConnectTimeoutError' in names:
        return ConnectionFailure('no answer from %s within %ss while connecting (check %s, region, and any firewall or proxy '
                                 'between here and there)' % (where, connect_timeout, endpoint_option), True, stalled=True, timed_out=True)
    if isinstance(exc, requests.exceptions.Timeout) or 'ReadTimeoutError' in names:
        return ConnectionFailure('no answer from %s within request_timeout=%ss' % (where, request_timeout), False, stalled=True,
                                 timed_out=True)
    if any(isinstance(cause, ConnectionResetError) for cause in causes):
        return ConnectionFailure('connection reset by %s before it answered' % where, False)
    if any(isinstance(cause, OSError) and getattr(cause, 'errno', None) in UNREACHABLE_ERRNOS for cause in causes):
        return ConnectionFailure('%s is unreachable from here: %s (check %s and the network)'
                                 % (where, _innermost_os_error(causes), endpoint_option), True, stalled=True)
    if 'NewConnectionError' in names:
        return ConnectionFailure('cannot connect to %s: %s (check %s)' % (where, _innermost_os_error(causes), endpoint_option), True,
                                 stalled=True)
    if 'RemoteDisconnected' in names or 'ProtocolError' in names:
        return ConnectionFailure('%s closed the connection without an answer' % where, False)
    return ConnectionFailure('connection to %s failed: %s' % (where, _reason(exc)), False)


def _innermost_os_error(causes):
    errors = [cause for cause in causes if isinstance(cause, OSError) and getattr(cause, 'strerror', None)]
    return errors[-1].strerror if errors else 'connection failed'


def _tls_reason(exc):
    """The innermost ``ssl`` error (e.g. 'certificate verify failed: ...'), not requests' long wrapper text."""
    for cause in _causes(exc):
        if isinstance(cause, ssl.SSLError):
            return str(cause)
    return _reason(exc)


def _reason(exc):
    text = str(exc)
    return text if len(text) < 200 else text[:200] + '...'


def decode_json(response, action):
    if not response.content:
        return {}
    try:
        return response.json()
    except ValueError:
        request_id = response.headers.get('X-Request-Id')
        raise HwCloudError('%s: HTTP %s with a body that is not JSON: %s%s'
                           % (action, response.status_code, ' '.join(response.text.split())[:300],
                              ' (request id %s)' % request_id if request_id else ''),
                           status=response.status_code, request_id=request_id)


def send_once(client, send, took_effect, resend=True):
    """Run a mutating call so that it takes effect at most once.

    When the answer is lost, ``took_effect()`` re-reads the resource (after a
    short backoff, so that a call still on its way can land): if the change is
    there the call is not sent again and ``(None, True)`` is returned;
    otherwise it is resent, up to ``max_retries`` times; with ``resend=False``
    (a call whose effect a re-read cannot always show) it is never resent and
    the ``OutcomeUnknownError`` is raised. A resend that the
    service refuses (400, 403, 409) is re-read once more: the lost call may have landed
    in between, and then the refusal only says the change is already there.
    Returns ``(answer, confirmed_by_read)``.
    """
    attempt = 0
    while True:
        try:
            return send(), False
        except OutcomeUnknownError as lost:
            client.sleep(backoff_seconds(attempt))
            if took_effect():
                client.log('%s; a re-read shows it took effect, not sending it again' % lost.message)
                return None, True
            if not resend or attempt >= client.max_retries:
                raise
            attempt += 1
            client.log('%s; a re-read shows it did not take effect, resending (%d of %d)'
                       % (lost.message, attempt, client.max_retries))
        except HwCloudError as refused:
            # 403: RFS refuses a change into a stack that is busy, which the lost call may have made it.
            if attempt and refused.status in (400, 403, 409) and took_effect():
                client.log('%s; a re-read shows the earlier call took effect, not sending it again' % refused.message)
                return None, True
            raise
