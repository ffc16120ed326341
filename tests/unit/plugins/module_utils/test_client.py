# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""client.py against the in-process simulator and its fault injection.

The client's ``sleep`` is replaced by a recorder, so retries cost no time and
every delay the client chose can be checked; the simulator's request log
counts what really went on the wire.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import socket
import time
from urllib.parse import urlsplit

import pytest

from ansible_collections.hwcloud.cloud.plugins.module_utils import client as client_module
from ansible_collections.hwcloud.cloud.plugins.module_utils import expiry as expiry_module
from ansible_collections.hwcloud.cloud.plugins.module_utils.client import (
    AkSkAuth,
    HwCloudClient,
    PasswordAuth,
    TokenAuth,
    backoff_seconds,
    identity_tokens_url,
    retry_after_seconds,
    send_once,
)
from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError, OutcomeUnknownError

DEMO_ID = 'bae65496-643e-47ca-84af-948672de7eeb'
PROJECT_ID = '0605767a2c80d5a62f5cc0123456789a'
STOP = {'stop': {}}


class Recorder:
    """A client wired to the simulator, with recorded sleeps and log lines."""

    def __init__(self, sim, auth=None, **kwargs):
        self.sleeps = []
        self.messages = []
        kwargs.setdefault('max_retries', 5)
        self.client = HwCloudClient(auth or TokenAuth(sim.token), sleep=self.sleeps.append, log=self.messages.append, **kwargs)
        self.cluster_url = sim.cluster_url(DEMO_ID)
        self.action_url = self.cluster_url + '/action'

    def read(self):
        return self.client.request('GET', self.cluster_url, action='Reading CDM cluster')

    def stop(self):
        return self.client.request('POST', self.action_url, STOP, action='Stopping CDM cluster')


@pytest.fixture(name='rec')
def rec_fixture(sim):
    return Recorder(sim)


def wire(sim, method=None):
    return [(entry['method'], entry['status'], entry['fault']) for entry in sim.requests(method)]


def wait_for_log(sim, count, timeout=5.0):
    """Wait until ``count`` calls are logged: a delayed call is logged when the simulator answers it."""
    deadline = time.monotonic() + timeout
    while len(sim.requests()) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return wire(sim)


# ------------------------------------------------------------------ plain calls

def test_plain_read_and_stop(sim, rec):
    cluster = rec.read()
    answer = rec.stop()

    assert cluster['id'] == DEMO_ID
    assert cluster['status'] == '200'
    assert list(answer) == ['jobId']
    assert len(answer['jobId']) == 1
    assert rec.sleeps == []
    assert rec.client.calls == 2
    post = sim.requests('POST')[0]
    assert post['body'] == STOP
    assert post['headers']['Content-Type'] == 'application/json;charset=UTF-8'
    assert post['headers']['X-Auth-Token'] == '<redacted>'
    assert post['auth'] == 'token'


def test_body_is_compact_json_with_sorted_keys(sim, rec):
    rec.client.request('POST', rec.action_url, {'stop': {'stopMode': 'GRACEFULLY', 'delayTime': -1}})

    post = sim.requests('POST')[0]
    assert post['headers']['Content-Length'] == str(len('{"stop":{"delayTime":-1,"stopMode":"GRACEFULLY"}}'))
    assert post['body'] == {'stop': {'stopMode': 'GRACEFULLY', 'delayTime': -1}}


def test_empty_answer_decodes_to_an_empty_dict(sim, rec):
    sim.fault(method='GET', kind='status', status=204, body='')

    assert rec.read() == {}


def test_answer_that_is_not_json_fails_clearly(sim, rec):
    sim.fault(method='GET', kind='status', status=200, body='<html>hello</html>')

    with pytest.raises(HwCloudError) as caught:
        rec.read()

    assert caught.value.message.startswith('Reading CDM cluster: HTTP 200 with a body that is not JSON: <html>hello</html>')
    assert caught.value.status == 200


# ------------------------------------------------------------------ retried answers

def test_429_is_retried_and_honours_retry_after_seconds(sim, rec):
    sim.fault(method='GET', kind='status', status=429, retry_after='7')

    assert rec.read()['id'] == DEMO_ID

    assert wire(sim) == [('GET', 429, 'status'), ('GET', 200, None)]
    # Jitter is at most 0.5 s on the first retry: Retry-After is the floor.
    assert rec.sleeps == [7.0]
    assert len(rec.messages) == 1
    assert 'HTTP 429' in rec.messages[0]
    assert 'retry 1 of 5' in rec.messages[0]


def test_429_retry_after_http_date_is_honoured(sim, rec):
    sim.fault(method='GET', kind='status', status=429, retry_after=email.utils.formatdate(time.time() + 30, usegmt=True))

    rec.read()

    assert len(rec.sleeps) == 1
    assert 28.0 < rec.sleeps[0] <= 31.0


def test_429_on_a_post_is_retried(sim, rec):
    sim.fault(method='POST', kind='status', status=429, retry_after='1')

    answer = rec.stop()

    assert len(answer['jobId']) == 1
    assert wire(sim) == [('POST', 429, 'status'), ('POST', 200, None)]
    assert rec.sleeps == [1.0]


@pytest.mark.parametrize('method', ['GET', 'POST'])
def test_503_is_retried(sim, rec, method):
    sim.fault(method=method, kind='status', status=503, times=2)

    if method == 'GET':
        rec.read()
    else:
        rec.stop()

    assert wire(sim) == [(method, 503, 'status'), (method, 503, 'status'), (method, 200, None)]
    assert len(rec.sleeps) == 2
    assert 0 <= rec.sleeps[0] <= 0.5
    assert 0 <= rec.sleeps[1] <= 1.0


@pytest.mark.parametrize('status', [502, 504])
def test_gateway_error_on_a_read_is_retried(sim, rec, status):
    sim.fault(method='GET', kind='status', status=status)

    assert rec.read()['status'] == '200'
    assert wire(sim) == [('GET', status, 'status'), ('GET', 200, None)]
    assert len(rec.sleeps) == 1


@pytest.mark.parametrize('status', [502, 504])
def test_gateway_error_on_a_post_is_outcome_unknown_and_not_resent(sim, rec, status):
    sim.fault(method='POST', kind='status', status=status)

    with pytest.raises(OutcomeUnknownError) as caught:
        rec.stop()

    assert wire(sim) == [('POST', status, 'status')]
    assert rec.sleeps == []
    assert caught.value.status == status
    assert caught.value.message.startswith('Stopping CDM cluster: HTTP %s' % status)
    assert caught.value.message.endswith('; the call may or may not have taken effect')


def test_dropped_read_is_retried(sim, rec):
    sim.fault(method='GET', kind='drop')

    assert rec.read()['id'] == DEMO_ID
    assert wire(sim) == [('GET', None, 'drop'), ('GET', 200, None)]
    assert len(rec.sleeps) == 1
    assert 'connection reset by 127.0.0.1:' in rec.messages[0] and 'before it answered' in rec.messages[0]


@pytest.mark.parametrize('kind, applied', [('drop', False), ('drop_after_apply', True)])
def test_dropped_post_is_outcome_unknown_and_not_resent(sim, rec, kind, applied):
    sim.fault(method='POST', kind=kind)

    with pytest.raises(OutcomeUnknownError) as caught:
        rec.stop()

    # The log shows the status the simulator would have answered; the client never saw it.
    assert wire(sim) == [('POST', 200 if applied else None, kind)]
    assert rec.sleeps == []
    assert caught.value.message.startswith('Stopping CDM cluster: no answer (connection reset by 127.0.0.1:')
    assert sim.cluster()['status'] == ('910' if applied else '200')


def test_read_timeout_is_retried(sim):
    rec = Recorder(sim, request_timeout=0.5)
    sim.fault(method='GET', kind='delay', delay=1.5)

    assert rec.read()['id'] == DEMO_ID
    assert len(rec.sleeps) == 1
    assert 'no answer from 127.0.0.1:%d within request_timeout=0.5s' % urlsplit(sim.url).port in rec.messages[0]
    assert wait_for_log(sim, 2) == [('GET', 200, None), ('GET', 200, 'delay')]


def test_post_timeout_is_outcome_unknown_and_not_resent(sim):
    rec = Recorder(sim, request_timeout=0.5)
    sim.fault(method='POST', kind='delay', delay=1.5)

    with pytest.raises(OutcomeUnknownError) as caught:
        rec.stop()

    assert caught.value.message == ('Stopping CDM cluster: no answer from 127.0.0.1:%d within request_timeout=0.5s; ' % urlsplit(sim.url).port +
                                    'the call may or may not have taken effect')
    assert rec.sleeps == []
    assert rec.client.calls == 1
    # The simulator still applies the slow call once its delay is over.
    assert wait_for_log(sim, 1) == [('POST', 200, 'delay')]
    assert sim.cluster()['status'] == '910'


def closed_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def test_refused_connection_is_retried_once_even_for_a_post(sim):
    port = closed_port()
    rec = Recorder(sim, max_retries=5)

    with pytest.raises(HwCloudError) as caught:
        rec.client.request('POST', 'http://127.0.0.1:%d/v1.1/p/clusters/c/action' % port, STOP, action='Stopping')

    assert not isinstance(caught.value, OutcomeUnknownError)
    assert caught.value.message == ('Stopping: connection refused by 127.0.0.1:%d: nothing listens there (check endpoint and region); '
                                    'gave up after 2 attempts (an address that refuses or cannot be reached is retried once, '
                                    'whatever max_retries says)' % port)
    assert rec.client.calls == 2
    assert len(rec.sleeps) == 1


def test_refused_connection_with_max_retries_zero_is_tried_once(sim):
    port = closed_port()
    rec = Recorder(sim, max_retries=0)

    with pytest.raises(HwCloudError) as caught:
        rec.client.request('GET', 'http://127.0.0.1:%d/v1.1/p/clusters' % port, action='Listing')

    assert caught.value.message.endswith('; gave up after 1 attempt (max_retries=0: no retry)'), caught.value.message
    assert rec.client.calls == 1
    assert rec.sleeps == []


def test_a_host_that_does_not_resolve_fails_at_once_naming_the_host(sim):
    rec = Recorder(sim, max_retries=3)

    with pytest.raises(HwCloudError) as caught:
        rec.client.request('GET', 'https://cdm.no-such-region.invalid/v1.1/p/clusters', action='Listing CDM clusters')

    assert caught.value.message == 'Listing CDM clusters: cannot resolve host cdm.no-such-region.invalid (check endpoint and region)'
    assert rec.client.calls == 1
    assert rec.sleeps == []


def test_a_token_request_names_identity_endpoint_when_iam_cannot_be_reached():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    auth = PasswordAuth('http://127.0.0.1:%d' % port, 'u', 'p', 'd', project_id='proj')
    client = HwCloudClient(auth, max_retries=0, sleep=lambda seconds: None)

    with pytest.raises(HwCloudError) as caught:
        client.request('GET', 'http://127.0.0.1:%d/v1.1/proj/clusters' % port, action='Listing CDM clusters')

    assert caught.value.message == ('Requesting an IAM token: connection refused by 127.0.0.1:%d: nothing listens there '
                                    '(check identity_endpoint and region); gave up after 1 attempt (max_retries=0: no retry)' % port)


def test_connecting_has_its_own_short_timeout_and_says_so(monkeypatch):
    # A listener that never accepts, with its backlog full: the next connection attempt gets no answer at all.
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(('127.0.0.1', 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    try:
        for _attempt in range(4):
            filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            filler.setblocking(False)
            filler.connect_ex(('127.0.0.1', port))
            fillers.append(filler)
        monkeypatch.setattr(client_module, 'CONNECT_TIMEOUT', 0.3)
        client = HwCloudClient(None, request_timeout=30, max_retries=0, sleep=lambda seconds: None)
        with pytest.raises(HwCloudError) as caught:
            client.request('GET', 'http://127.0.0.1:%d/v1.1/p/clusters' % port, action='Listing CDM clusters')
    finally:
        for sock in fillers + [server]:
            sock.close()

    assert caught.value.message == ('Listing CDM clusters: no answer from 127.0.0.1:%d within 0.3s while connecting (check endpoint, '
                                    'region, and any firewall or proxy between here and there); gave up after 1 attempt '
                                    '(max_retries=0: no retry; raise request_timeout for a slow service)' % port)


@pytest.mark.parametrize('max_retries, attempts, why', [
    (5, 2, 'a call that times out is retried once, whatever max_retries says'),
    (1, 2, 'a call that times out is retried once, whatever max_retries says'),
    (0, 1, 'max_retries=0: no retry'),
])
def test_an_endpoint_that_accepts_but_never_answers_is_retried_once_naming_the_options(max_retries, attempts, why):
    # The kernel completes the handshake for a listening socket: connections land in its backlog, unanswered.
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(('127.0.0.1', 0))
    server.listen(8)
    port = server.getsockname()[1]
    try:
        client = HwCloudClient(None, request_timeout=0.3, max_retries=max_retries, sleep=lambda seconds: None)
        with pytest.raises(HwCloudError) as caught:
            client.request('GET', 'http://127.0.0.1:%d/v1.1/p/clusters' % port, action='Listing CDM clusters')
    finally:
        server.close()

    assert caught.value.message == ('Listing CDM clusters: no answer from 127.0.0.1:%d within request_timeout=0.3s; '
                                    'gave up after %d attempt%s (%s; raise request_timeout for a slow service)'
                                    % (port, attempts, 's' if attempts > 1 else '', why))
    assert client.calls == attempts


# ------------------------------------------------------------------ answers that are final

@pytest.mark.parametrize('status, code', [(400, 'APIGW.0201'), (401, 'APIGW.0201'), (403, 'APIGW.0201'),
                                          (404, 'APIGW.0201'), (500, 'APIGW.0202')])
@pytest.mark.parametrize('method', ['GET', 'POST'])
def test_client_and_server_errors_are_not_retried(sim, rec, status, code, method):
    sim.fault(method=method, kind='status', status=status, times=3)

    with pytest.raises(HwCloudError) as caught:
        if method == 'GET':
            rec.read()
        else:
            rec.stop()

    assert not isinstance(caught.value, OutcomeUnknownError)
    assert wire(sim) == [(method, status, 'status')]
    assert rec.sleeps == []
    assert caught.value.status == status
    assert caught.value.code == code
    assert 'HTTP %s %s' % (status, code) in caught.value.message
    assert caught.value.request_id == sim.requests()[0]['request_id']


def test_service_error_shape_reaches_the_caller(sim, rec):
    with pytest.raises(HwCloudError) as caught:
        rec.client.request('GET', sim.cluster_url('nope'), action='Reading CDM cluster nope')

    assert caught.value.message == ('Reading CDM cluster nope: HTTP 404 Cdm.0001: The cluster does not exist. (request id %s)'
                                    % sim.requests()[0]['request_id'])


@pytest.mark.parametrize('max_retries', [0, 1, 3])
def test_max_retries_is_respected_for_throttling(sim, max_retries):
    rec = Recorder(sim, max_retries=max_retries)
    sim.fault(method='GET', kind='status', status=503, times=10)

    with pytest.raises(HwCloudError) as caught:
        rec.read()

    assert len(sim.requests()) == max_retries + 1
    assert len(rec.sleeps) == max_retries
    assert caught.value.status == 503
    assert caught.value.message.startswith('Reading CDM cluster: HTTP 503 APIGW.0202: Backend unavailable.')


def test_max_retries_is_respected_for_dropped_reads(sim):
    rec = Recorder(sim, max_retries=2)
    sim.fault(method='GET', kind='drop', times=10)

    with pytest.raises(HwCloudError) as caught:
        rec.read()

    assert wire(sim) == [('GET', None, 'drop')] * 3
    assert len(rec.sleeps) == 2
    assert caught.value.message == ('Reading CDM cluster: connection reset by 127.0.0.1:%d before it answered; '
                                    'gave up after 3 attempts (max_retries=2)' % urlsplit(sim.url).port)


def test_negative_max_retries_means_no_retry(sim):
    rec = Recorder(sim, max_retries=-4)
    sim.fault(method='GET', kind='status', status=503, times=2)

    with pytest.raises(HwCloudError):
        rec.read()

    assert len(sim.requests()) == 1


# ------------------------------------------------------------------ retry_after_seconds and backoff_seconds

@pytest.mark.parametrize('value, expected', [
    ('5', 5.0),
    (' 2.5 ', 2.5),
    ('0', 0.0),
    ('-3', 0.0),
    ('', None),
    (None, None),
    ('soon', None),
    ('Wed, 21 Oct 2015 07:28:99 GMT', None),
])
def test_retry_after_seconds(value, expected):
    assert retry_after_seconds(value) == expected


def test_retry_after_http_date_counts_from_now():
    when = 'Wed, 21 Oct 2015 07:28:00 GMT'
    epoch = 1445412480.0  # 2015-10-21T07:28:00Z, computed independently of email.utils

    assert retry_after_seconds(when, now=epoch - 12) == 12.0
    assert retry_after_seconds(when, now=epoch + 100) == 0.0


def test_retry_after_http_date_defaults_to_the_current_time():
    later = email.utils.formatdate(time.time() + 120, usegmt=True)

    assert 118.0 < retry_after_seconds(later) <= 121.0


@pytest.mark.parametrize('attempt, ceiling', [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (5, 16.0), (6, 20.0), (50, 20.0)])
def test_backoff_is_full_jitter_below_a_capped_exponential(monkeypatch, attempt, ceiling):
    monkeypatch.setattr(client_module.random, 'uniform', lambda low, high: high)
    assert backoff_seconds(attempt) == ceiling
    monkeypatch.setattr(client_module.random, 'uniform', lambda low, high: low)
    assert backoff_seconds(attempt) == 0.0


def test_backoff_real_jitter_stays_in_bounds():
    for attempt in range(8):
        ceiling = min(20.0, 0.5 * 2 ** attempt)
        for _dummy in range(50):
            assert 0.0 <= backoff_seconds(attempt) <= ceiling


def test_backoff_never_shortens_retry_after_but_caps_it(monkeypatch):
    monkeypatch.setattr(client_module.random, 'uniform', lambda low, high: high)
    assert backoff_seconds(0, retry_after=7.0) == 7.0
    assert backoff_seconds(6, retry_after=3.0) == 20.0
    assert backoff_seconds(0, retry_after=0.0) == 0.5
    assert backoff_seconds(0, retry_after=3600.0) == 60.0


def test_backoff_with_a_huge_attempt_does_not_overflow():
    assert 0.0 <= backoff_seconds(5000) <= 20.0


# ------------------------------------------------------------------ send_once

def stopped_or_stopping(rec, reads):
    def took_effect():
        reads.append(1)
        return rec.read()['status'] in ('900', '910')
    return took_effect


def test_send_once_without_trouble_sends_once_and_reads_nothing(sim, rec):
    reads = []

    answer, confirmed = send_once(rec.client, rec.stop, stopped_or_stopping(rec, reads))

    assert confirmed is False
    assert len(answer['jobId']) == 1
    assert reads == []
    assert wire(sim) == [('POST', 200, None)]


def test_send_once_lost_answer_of_an_applied_call_is_not_resent(sim, rec):
    sim.fault(method='POST', kind='drop_after_apply')
    reads = []

    answer, confirmed = send_once(rec.client, rec.stop, stopped_or_stopping(rec, reads))

    assert (answer, confirmed) == (None, True)
    assert len(reads) == 1
    assert wire(sim) == [('POST', 200, 'drop_after_apply'), ('GET', 200, None)]
    assert any('took effect, not sending it again' in message for message in rec.messages)


def test_send_once_dropped_call_is_sent_again_exactly_once(sim, rec):
    sim.fault(method='POST', kind='drop')
    reads = []

    answer, confirmed = send_once(rec.client, rec.stop, stopped_or_stopping(rec, reads))

    assert confirmed is False
    assert len(answer['jobId']) == 1
    assert len(reads) == 1
    assert wire(sim) == [('POST', None, 'drop'), ('GET', 200, None), ('POST', 200, None)]
    applied = [entry for entry in sim.requests('POST') if entry['status'] == 200]
    assert len(applied) == 1
    assert sim.cluster()['status'] == '910'


def test_send_once_gives_up_after_max_retries(sim):
    rec = Recorder(sim, max_retries=2)
    sim.fault(method='POST', kind='drop', times=10)
    reads = []

    with pytest.raises(OutcomeUnknownError):
        send_once(rec.client, rec.stop, stopped_or_stopping(rec, reads))

    assert [entry['fault'] for entry in sim.requests('POST')] == ['drop'] * 3
    assert len(reads) == 3
    assert sim.cluster()['status'] == '200'


def test_send_once_refused_resend_after_a_landed_call_is_success(sim, rec):
    # The first call landed but the re-read missed it; the resend is refused as "already stopping".
    sim.fault(method='POST', kind='drop_after_apply')
    answers = iter([False, True])

    answer, confirmed = send_once(rec.client, rec.stop, lambda: next(answers))

    assert (answer, confirmed) == (None, True)
    assert wire(sim, 'POST') == [('POST', 200, 'drop_after_apply'), ('POST', 400, None)]


def test_send_once_refusal_of_the_first_call_is_raised(sim, rec):
    sim.upsert_cluster(id=DEMO_ID, status='800')
    reads = []

    with pytest.raises(HwCloudError) as caught:
        send_once(rec.client, rec.stop, stopped_or_stopping(rec, reads))

    assert caught.value.status == 400
    assert caught.value.code == 'Cdm.0033'
    assert reads == []


# ------------------------------------------------------------------ authentication

@pytest.mark.parametrize('endpoint', ['https://iam.example.com', 'https://iam.example.com/', 'https://iam.example.com/v3',
                                      'https://iam.example.com/v3/'])
def test_identity_tokens_url(endpoint):
    assert identity_tokens_url(endpoint) == 'https://iam.example.com/v3/auth/tokens'


def test_token_auth_header():
    assert TokenAuth('t0k').headers(None, 'GET', 'https://x', {}, None) == {'X-Auth-Token': 't0k'}


def test_password_auth_fetches_one_token_for_many_calls(sim):
    auth = PasswordAuth(sim.url + '/v3', 'sim-user', 'sim-password', 'sim-domain', project_id=PROJECT_ID)
    rec = Recorder(sim, auth=auth)

    rec.read()
    rec.read()

    assert [(entry['method'], entry['path'], entry['status']) for entry in sim.requests()] == [
        ('POST', '/v3/auth/tokens', 201),
        ('GET', '/v1.1/%s/clusters/%s' % (PROJECT_ID, DEMO_ID), 200),
        ('GET', '/v1.1/%s/clusters/%s' % (PROJECT_ID, DEMO_ID), 200)]
    token_call = sim.requests('POST')[0]
    assert token_call['body'] == {'auth': {
        'identity': {'methods': ['password'], 'password': {'user': {
            'name': 'sim-user', 'password': '<redacted>', 'domain': {'name': 'sim-domain'}}}},
        'scope': {'project': {'id': PROJECT_ID}}}}
    assert auth.token.startswith('sim-')
    assert rec.client.no_log_values == set([auth.token])
    assert auth.token_project_id == PROJECT_ID


def test_password_auth_scoped_by_project_name_learns_the_project_id(sim):
    auth = PasswordAuth(sim.url, 'sim-user', 'sim-password', 'sim-domain', project_name='ap-southeast-1')
    rec = Recorder(sim, auth=auth)

    auth.fetch(rec.client)

    assert sim.requests('POST')[0]['body']['auth']['scope'] == {'project': {'name': 'ap-southeast-1'}}
    assert auth.token_project_id == PROJECT_ID


def test_password_auth_wrong_password(sim):
    auth = PasswordAuth(sim.url, 'sim-user', 'nope', 'sim-domain', project_id=PROJECT_ID)
    rec = Recorder(sim, auth=auth)

    with pytest.raises(HwCloudError) as caught:
        rec.read()

    assert caught.value.message == 'Requesting an IAM token: HTTP 401 Unauthorized: The username or password is wrong.' \
        ' (request id %s). To fix: check user_name, password and domain_name (HW_USER_NAME, HW_PASSWORD, HW_DOMAIN_NAME): ' \
        'domain_name is the account that owns the IAM user, not the user.' % sim.requests()[0]['request_id']
    assert len(sim.requests()) == 1
    assert rec.client.no_log_values == set()


def test_token_request_with_a_lost_answer_is_asked_again(sim):
    # A token request changes nothing, so a lost answer is retried like a read.
    auth = PasswordAuth(sim.url, 'sim-user', 'sim-password', 'sim-domain', project_id=PROJECT_ID)
    rec = Recorder(sim, auth=auth)
    sim.fault(method='POST', path='/v3/auth/tokens', kind='drop')

    rec.read()

    assert [(entry['path'], entry['fault']) for entry in sim.requests()] == [
        ('/v3/auth/tokens', 'drop'), ('/v3/auth/tokens', None), ('/v1.1/%s/clusters/%s' % (PROJECT_ID, DEMO_ID), None)]


@pytest.mark.parametrize('query', ['', '?limit=5', '?b=2&a=1&a=0', '?name=cdm%20demo&Z=1&%5B=2'])
def test_access_key_signature_is_accepted(sim, query):
    auth = AkSkAuth('SIMACCESSKEY0000', 'sim-secret-key', project_id=PROJECT_ID)
    rec = Recorder(sim, auth=auth)

    listing = rec.client.request('GET', '%s/v1.1/%s/clusters%s' % (sim.url, PROJECT_ID, query))
    answer = rec.stop()

    assert len(listing['clusters']) == 2
    assert len(answer['jobId']) == 1
    assert [(entry['auth'], entry['status']) for entry in sim.requests()] == [('aksk', 200), ('aksk', 200)]
    headers = sim.requests('POST')[0]['headers']
    assert headers['X-Project-Id'] == PROJECT_ID
    assert headers['Authorization'] == '<redacted>'
    assert len(headers['X-Sdk-Date']) == len('20240101T000000Z')


def test_access_key_with_a_wrong_secret_is_refused(sim):
    rec = Recorder(sim, auth=AkSkAuth('SIMACCESSKEY0000', 'not-the-secret', project_id=PROJECT_ID))

    with pytest.raises(HwCloudError) as caught:
        rec.read()

    assert caught.value.status == 401
    assert caught.value.code == 'APIGW.0301'
    assert 'signature mismatch' in caught.value.message
    assert len(sim.requests()) == 1


# ------------------------------------------------------------------ temporary credentials expire


@pytest.mark.parametrize('text, expected', [
    ('2026-11-24T10:00:00.000000Z', 1795514400.0),
    ('2026-11-24T10:00:00Z', 1795514400.0),
    ('2026-11-24T10:00:00.500000', 1795514400.5),
    ('not a time', None), ('', None), (None, None), (42, None),
])
def test_parse_expires_at(text, expected):
    assert expiry_module.parse_expires_at(text) == expected


class FakeClocks:
    def __init__(self):
        self.monotonic = 1000.0
        self.wall = 1795514400.0 - 900  # 900 s before the expiry below

    def expiry(self, text='2026-11-24T10:00:00.000000Z'):
        return expiry_module.Expiry(text, clock=lambda: self.monotonic, wall=lambda: self.wall)


@pytest.mark.parametrize('lifetime, renew_after', [(900, 720), (3600, 3300), (86400, 86100), (2, 1.6)])
def test_expiry_renews_before_the_end_by_a_margin(lifetime, renew_after):
    clocks = FakeClocks()
    clocks.wall = 1795514400.0 - lifetime
    expiry = clocks.expiry()
    clocks.monotonic += renew_after - 0.01
    assert not expiry.due()
    clocks.monotonic += 0.02
    assert expiry.due()


@pytest.mark.parametrize('text', ['2026-11-24T09:45:00.500000Z', None, 'garbage'])
def test_expiry_of_credentials_dead_on_arrival_or_unknown_is_never_due(text):
    clocks = FakeClocks()
    expiry = clocks.expiry(text)
    clocks.monotonic += 10 ** 6
    assert not expiry.due()


def test_a_password_token_is_asked_again_once_it_is_due(sim):
    auth = PasswordAuth(sim.url, 'sim-user', 'sim-password', 'sim-domain', project_id=PROJECT_ID)
    rec = Recorder(sim, auth=auth)
    rec.read()
    rec.read()
    assert len(sim.requests('POST', '/v3/auth/tokens')) == 1
    auth.expiry.renew_at = 0  # as if 80 % of its life had passed
    rec.read()
    assert len(sim.requests('POST', '/v3/auth/tokens')) == 2
    assert not auth.expiry.due()


def test_the_renewal_hook_runs_before_each_call_and_not_inside_itself(sim, rec):
    seen = []

    def renew():
        seen.append('renew')
        rec.client.request('GET', rec.cluster_url, action='a call made while renewing')

    rec.client.renew_credentials = renew
    rec.read()
    assert seen == ['renew']
    assert len(sim.requests('GET')) == 2
