# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""hwcloud.cloud.cluster_stop run in-process against the in-process simulator.

Every test reads what went on the wire from the simulator's request log, so a
decision taken by the module is checked by the calls it made, not by its word.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import threading
import time

import pytest

from ansible_collections.hwcloud.cloud.plugins.modules import cluster_stop

DEMO_ID = 'bae65496-643e-47ca-84af-948672de7eeb'
STOPPED_ID = '5c9e2a41-7d3b-4f0e-9a6c-1b2d3e4f5a6b'
PROJECT_ID = '0605767a2c80d5a62f5cc0123456789a'
CLUSTER_PATH = '/v1.1/%s/clusters/%s' % (PROJECT_ID, DEMO_ID)
ACTION_PATH = CLUSTER_PATH + '/action'
# An option left out of the task, as opposed to one given as null.
ABSENT = object()


@pytest.fixture(name='stop')
def stop_fixture(sim, run_module):
    """``stop(**options)`` runs the module with the simulator's connection options."""

    def stop(check_mode=False, diff=False, **options):
        return run_module(cluster_stop.main, sim.connection_args(**options), check_mode=check_mode, diff=diff)

    return stop


def settle_after_polls(sim, count, **fields):
    """Upsert ``fields`` once the module has read the cluster ``count`` times: the cluster moves
    while the module is waiting, however slow the machine, and not before."""

    def settle():
        deadline = time.monotonic() + 10
        while len(sim.requests('GET')) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        sim.upsert_cluster(**fields)

    helper = threading.Thread(target=settle, name='settle-after-polls')
    helper.daemon = True
    helper.start()
    return helper


def posts(sim):
    return sim.requests('POST')


def gets(sim):
    return sim.requests('GET')


# ------------------------------------------------------------------ decision table

@pytest.mark.parametrize('status', ['200', '300'])
def test_stoppable_cluster_is_stopped_and_waited_for(sim, stop, status):
    sim.upsert_cluster(id=DEMO_ID, status=status)

    result = stop(cluster_id=DEMO_ID)

    assert result.rc == 0, result
    assert result['changed'] is True
    assert len(result['job_ids']) == 1
    assert len(result['job_ids'][0]) == 32
    assert result['cluster']['status'] == '900'
    assert result['cluster']['id'] == DEMO_ID
    assert result['cluster']['status_detail'] == 'Stopped'
    wire = posts(sim)
    assert [entry['path'] for entry in wire] == [ACTION_PATH]
    assert wire[0]['body'] == {'stop': {}}
    assert wire[0]['status'] == 200
    assert sim.cluster()['status'] == '900'


def test_stopped_cluster_is_left_alone_with_one_read(sim, stop):
    sim.upsert_cluster(id=DEMO_ID, status='900')

    result = stop(cluster_id=DEMO_ID)

    assert result.rc == 0, result
    assert result['changed'] is False
    assert result['job_ids'] == []
    assert result['cluster']['status'] == '900'
    assert [(entry['method'], entry['path']) for entry in sim.requests()] == [('GET', CLUSTER_PATH)]


def test_second_run_is_ok_with_exactly_one_get(sim, stop):
    first = stop(cluster_id=DEMO_ID)
    assert first['changed'] is True
    sim.clear_requests()

    second = stop(cluster_id=DEMO_ID)

    assert second.rc == 0, second
    assert second['changed'] is False
    assert second['job_ids'] == []
    assert [(entry['method'], entry['path']) for entry in sim.requests()] == [('GET', CLUSTER_PATH)]


def test_stopping_cluster_with_wait_is_waited_for_without_a_post(sim, stop):
    sim.upsert_cluster(id=DEMO_ID, status='910', transition_seconds=60)
    helper = settle_after_polls(sim, 2, id=DEMO_ID, status='900')

    result = stop(cluster_id=DEMO_ID)

    helper.join(5)
    assert result.rc == 0, result
    assert result['changed'] is False
    assert result['job_ids'] == []
    assert result['cluster']['status'] == '900'
    assert posts(sim) == []
    assert len(gets(sim)) >= 3


def test_stopping_cluster_without_wait_returns_at_once(sim, stop):
    sim.upsert_cluster(id=DEMO_ID, status='910', transition_seconds=30)

    started = time.monotonic()
    result = stop(cluster_id=DEMO_ID, wait=False)

    # Had it waited, it would have timed out (wait_timeout 10) and failed.
    assert time.monotonic() - started < 8
    assert result.rc == 0, result
    assert result['changed'] is False
    assert result['job_ids'] == []
    assert result['cluster']['status'] == '910'
    assert [(entry['method'], entry['path']) for entry in sim.requests()] == [('GET', CLUSTER_PATH)]


@pytest.mark.parametrize('status', ['100', '500', '920'])
def test_cluster_in_transition_is_waited_for_then_stopped(sim, stop, status):
    sim.upsert_cluster(id=DEMO_ID, status=status, transition_seconds=60)
    helper = settle_after_polls(sim, 2, id=DEMO_ID, status='200', transition_seconds=0.3)

    result = stop(cluster_id=DEMO_ID)

    helper.join(5)
    assert result.rc == 0, result
    assert result['changed'] is True
    assert len(result['job_ids']) == 1
    assert result['cluster']['status'] == '900'
    wire = posts(sim)
    assert len(wire) == 1
    assert wire[0]['status'] == 200
    # The stop went out only once the cluster had left its transition state.
    reads_before_post = [entry for entry in gets(sim) if entry['seq'] < wire[0]['seq']]
    assert len(reads_before_post) >= 3


@pytest.mark.parametrize('status, name', [('100', 'creating'), ('500', 'restarting'), ('920', 'starting')])
def test_cluster_in_transition_without_wait_fails_without_post(sim, stop, status, name):
    sim.upsert_cluster(id=DEMO_ID, status=status, transition_seconds=30)

    result = stop(cluster_id=DEMO_ID, wait=False)

    assert result.rc == 1
    assert result['failed'] is True
    assert result['msg'] == ('CDM cluster %s is in status %s (%s); it cannot be stopped until it settles. '
                             'Set wait: true to wait for it.' % (DEMO_ID, status, name))
    assert result['cluster']['status'] == status
    assert posts(sim) == []


@pytest.mark.parametrize('status, name', [('303', 'creation failed'), ('800', 'frozen')])
@pytest.mark.parametrize('wait', [True, False])
def test_unstoppable_cluster_fails_without_post(sim, stop, status, name, wait):
    sim.upsert_cluster(id=DEMO_ID, status=status)

    result = stop(cluster_id=DEMO_ID, wait=wait)

    assert result.rc == 1
    assert result['msg'] == 'CDM cluster %s cannot be stopped: status %s (%s).' % (DEMO_ID, status, name)
    assert result['job_ids'] == []
    assert result['cluster']['status'] == status
    assert posts(sim) == []
    assert len(gets(sim)) == 1


def test_unknown_status_fails_without_post(sim, stop):
    sim.upsert_cluster(id=DEMO_ID, status='777')

    result = stop(cluster_id=DEMO_ID)

    assert result.rc == 1
    assert result['msg'] == ('CDM cluster %s has status 777 (unknown status), which this module does not know how to stop.'
                             % DEMO_ID)
    assert posts(sim) == []


def test_without_wait_returns_job_ids_while_stopping(sim, stop):
    sim.upsert_cluster(id=DEMO_ID, transition_seconds=60)

    result = stop(cluster_id=DEMO_ID, wait=False)

    assert result.rc == 0, result
    assert result['changed'] is True
    assert len(result['job_ids']) == 1
    # The cluster as last read is the one read before the stop.
    assert result['cluster']['status'] == '200'
    assert sim.cluster()['status'] == '910'
    assert len(posts(sim)) == 1
    assert len(gets(sim)) == 1


# ------------------------------------------------------------------ wire bodies

@pytest.mark.parametrize('options, body', [
    ({}, {'stop': {}}),
    ({'stop_mode': 'IMMEDIATELY'}, {'stop': {'stopMode': 'IMMEDIATELY'}}),
    ({'stop_mode': 'GRACEFULLY'}, {'stop': {'stopMode': 'GRACEFULLY'}}),
    ({'stop_mode': 'GRACEFULLY', 'delay_time': -1}, {'stop': {'stopMode': 'GRACEFULLY', 'delayTime': -1}}),
    ({'stop_mode': 'GRACEFULLY', 'delay_time': 30}, {'stop': {'stopMode': 'GRACEFULLY', 'delayTime': 30}}),
])
def test_wire_body_holds_only_the_options_set(sim, stop, options, body):
    result = stop(cluster_id=DEMO_ID, wait=False, **options)

    assert result.rc == 0, result
    wire = posts(sim)
    assert len(wire) == 1
    assert wire[0]['body'] == body
    assert wire[0]['path'] == ACTION_PATH
    assert wire[0]['status'] == 200
    assert wire[0]['headers']['X-Auth-Token'] == '<redacted>'
    assert wire[0]['headers']['Content-Type'] == 'application/json;charset=UTF-8'
    assert wire[0]['auth'] == 'token'


def test_delay_time_given_as_string_is_sent_as_integer(sim, stop):
    result = stop(cluster_id=DEMO_ID, wait=False, stop_mode='GRACEFULLY', delay_time='45')

    assert result.rc == 0, result
    assert posts(sim)[0]['body'] == {'stop': {'stopMode': 'GRACEFULLY', 'delayTime': 45}}


# ------------------------------------------------------------------ by name

def test_stop_by_name(sim, stop):
    result = stop(cluster_name='cdm-demo', wait=False)

    assert result.rc == 0, result
    assert result['changed'] is True
    assert result['cluster']['id'] == DEMO_ID
    assert [(entry['method'], entry['path']) for entry in sim.requests()] == [
        ('GET', '/v1.1/%s/clusters' % PROJECT_ID), ('POST', ACTION_PATH)]


def test_stop_by_name_of_a_stopped_cluster_is_ok(sim, stop):
    result = stop(cluster_name='cdm-stopped')

    assert result.rc == 0, result
    assert result['changed'] is False
    assert result['cluster']['id'] == STOPPED_ID
    assert posts(sim) == []


def test_a_misspelt_name_suggests_the_closest_cluster(sim, stop):
    result = stop(cluster_name='cdm-dmeo')

    assert result.rc == 1
    assert result['changed'] is False
    assert result['msg'] == "No CDM cluster named 'cdm-dmeo' in project %s; did you mean 'cdm-demo'?" % PROJECT_ID
    assert posts(sim) == []


def test_name_matching_nothing_fails(sim, stop):
    result = stop(cluster_name='no-such-cluster')

    assert result.rc == 1
    assert result['changed'] is False
    assert result['msg'] == "No CDM cluster named 'no-such-cluster' in project %s; 2 cluster(s) listed." % PROJECT_ID
    assert result['cluster_name'] == 'no-such-cluster'
    assert posts(sim) == []


def test_two_clusters_with_the_same_name_fail_naming_both(sim, stop):
    sim.upsert_cluster(id='11111111-2222-3333-4444-555555555555', name='cdm-demo', status='200')

    result = stop(cluster_name='cdm-demo')

    assert result.rc == 1
    assert DEMO_ID in result['msg']
    assert '11111111-2222-3333-4444-555555555555' in result['msg']
    assert result['msg'].startswith("2 CDM clusters are named 'cdm-demo'")
    assert sorted(result['cluster_ids']) == sorted([DEMO_ID, '11111111-2222-3333-4444-555555555555'])
    assert posts(sim) == []


# ------------------------------------------------------------------ check and diff mode

def test_check_mode_on_running_cluster_reports_change_without_post(sim, stop):
    result = stop(cluster_id=DEMO_ID, check_mode=True)

    assert result.rc == 0, result
    assert result['changed'] is True
    assert result['job_ids'] == []
    assert result['cluster']['status'] == '200'
    assert posts(sim) == []
    assert sim.cluster()['status'] == '200'


def test_check_mode_on_stopped_cluster_reports_no_change(sim, stop):
    result = stop(cluster_id=STOPPED_ID, check_mode=True)

    assert result.rc == 0, result
    assert result['changed'] is False
    assert posts(sim) == []


def test_check_mode_on_frozen_cluster_still_fails(sim, stop):
    sim.upsert_cluster(id=DEMO_ID, status='800')

    result = stop(cluster_id=DEMO_ID, check_mode=True)

    assert result.rc == 1
    assert 'status 800 (frozen)' in result['msg']


def test_diff_mode_shows_status_before_and_after(sim, stop):
    result = stop(cluster_id=DEMO_ID, diff=True)

    assert result.rc == 0, result
    assert result['diff'] == {'before': {'status': '200', 'running_jobs': ['mysql2hive']}, 'after': {'status': '900', 'running_jobs': []}}


def test_diff_mode_with_check_mode(sim, stop):
    result = stop(cluster_id=DEMO_ID, diff=True, check_mode=True)

    assert result['diff'] == {'before': {'status': '200', 'running_jobs': ['mysql2hive']}, 'after': {'status': '900', 'running_jobs': []}}
    assert posts(sim) == []


def test_diff_mode_on_stopped_cluster_shows_no_change(sim, stop):
    result = stop(cluster_id=STOPPED_ID, diff=True)

    assert result['diff'] == {'before': {'status': '900', 'running_jobs': []}, 'after': {'status': '900', 'running_jobs': []}}


def test_no_diff_key_without_diff_mode(sim, stop):
    result = stop(cluster_id=DEMO_ID, wait=False)

    assert 'diff' not in result


# ------------------------------------------------------------------ waiting

def test_wait_timeout_fails_with_job_ids_and_cluster(sim, stop):
    sim.upsert_cluster(id=DEMO_ID, transition_seconds=30)

    started = time.monotonic()
    result = stop(cluster_id=DEMO_ID, wait_timeout=1, poll_interval=0.2)
    elapsed = time.monotonic() - started

    assert 1 <= elapsed < 8
    assert result.rc == 1
    assert result['changed'] is True
    assert result['msg'].startswith('Timed out after 1s waiting for CDM cluster %s to stop (status 900); '
                                    'last seen: status 910 (stopping)' % DEMO_ID)
    assert len(result['job_ids']) == 1
    assert result['job_ids'][0] == sim.cluster()['task']['id']
    assert result['cluster']['status'] == '910'
    assert len(posts(sim)) == 1


def test_wait_timeout_while_cluster_is_in_transition(sim, stop):
    sim.upsert_cluster(id=DEMO_ID, status='920', transition_seconds=30)

    result = stop(cluster_id=DEMO_ID, wait_timeout=1, poll_interval=0.2)

    assert result.rc == 1
    assert result['changed'] is False
    assert result['msg'].startswith('Timed out after 1s waiting for CDM cluster %s to leave its transition state; '
                                    'last seen: status 920 (starting)' % DEMO_ID)
    assert result['job_ids'] == []
    assert result['cluster']['status'] == '920'
    assert posts(sim) == []


def test_failed_stop_fails_with_the_reason(sim, stop):
    sim.upsert_cluster(id=DEMO_ID, stop_fails='disk busy')

    result = stop(cluster_id=DEMO_ID)

    assert result.rc == 1
    assert result['changed'] is True
    assert 'disk busy' in result['msg']
    assert 'Cdm.0930' in result['msg']
    assert 'status 300 (failed)' in result['msg']
    assert len(result['job_ids']) == 1
    assert result['cluster']['status'] == '300'
    # Every key of the returned cluster is snake_case, nested ones too.
    assert result['cluster']['failed_reasons'] == {'stop_failed': {'error_code': 'Cdm.0930', 'error_msg': 'disk busy'}}
    assert len(posts(sim)) == 1


def test_failed_stop_of_a_failed_cluster_fails_with_the_reason(sim, stop):
    # From 300 the cluster goes 910, then back to 300: a failure, not a wait until wait_timeout.
    sim.upsert_cluster(id=DEMO_ID, status='300', stop_fails='disk busy')

    result = stop(cluster_id=DEMO_ID, wait_timeout=5)

    assert result.rc == 1
    assert result['changed'] is True
    assert 'disk busy' in result['msg']
    assert 'Timed out' not in result['msg']
    assert len(posts(sim)) == 1


# ------------------------------------------------------------------ lost answers

def test_lost_answer_of_an_applied_stop_is_not_resent(sim, stop):
    sim.fault(method='POST', path='/action$', kind='drop_after_apply')

    result = stop(cluster_id=DEMO_ID)

    assert result.rc == 0, result
    assert result['changed'] is True
    assert result['cluster']['status'] == '900'
    wire = posts(sim)
    assert len(wire) == 1
    assert wire[0]['fault'] == 'drop_after_apply'


def test_dropped_stop_that_was_not_applied_is_sent_again_once(sim, stop):
    sim.fault(method='POST', path='/action$', kind='drop')

    result = stop(cluster_id=DEMO_ID)

    assert result.rc == 0, result
    assert result['changed'] is True
    assert len(result['job_ids']) == 1
    assert [(entry['fault'], entry['status']) for entry in posts(sim)] == [('drop', None), (None, 200)]


def test_throttled_read_is_retried(sim, stop):
    sim.fault(method='GET', kind='status', status=429, retry_after='0')

    result = stop(cluster_id=DEMO_ID, wait=False)

    assert result.rc == 0, result
    assert [entry['status'] for entry in gets(sim)] == [429, 200]


# ------------------------------------------------------------------ HTTP errors

def test_unknown_cluster_id_fails_with_the_service_error(sim, stop):
    result = stop(cluster_id='00000000-0000-0000-0000-000000000000')

    assert result.rc == 1
    logged = sim.requests()
    assert len(logged) == 1
    request_id = logged[0]['request_id']
    assert result['msg'] == ('Reading CDM cluster 00000000-0000-0000-0000-000000000000: HTTP 404 Cdm.0001: '
                             'The cluster does not exist. (request id %s)' % request_id)
    assert result['error']['status'] == 404
    assert result['error']['code'] == 'Cdm.0001'
    assert result['error']['message'] == 'The cluster does not exist.'
    assert result['error']['request_id'] == request_id


def test_bad_token_fails_with_401(sim, stop):
    result = stop(cluster_id=DEMO_ID, auth_token='not-a-token')

    assert result.rc == 1
    assert 'HTTP 401 APIGW.0301: Incorrect IAM authentication information' in result['msg']
    assert result['error']['status'] == 401
    assert result['error']['code'] == 'APIGW.0301'
    assert 'not-a-token' not in json.dumps(result)
    assert len(sim.requests()) == 1


def test_server_error_is_not_retried(sim, stop):
    sim.fault(method='GET', kind='status', status=500, times=3)

    result = stop(cluster_id=DEMO_ID)

    assert result.rc == 1
    assert 'HTTP 500 APIGW.0202' in result['msg']
    assert len(sim.requests()) == 1


def test_token_never_appears_in_the_result(sim, stop):
    for options in ({}, {'cluster_id': 'missing'}, {'auth_token': 'sim-token', 'delay_time': 0}):
        args = dict(cluster_id=DEMO_ID)
        args.update(options)
        result = stop(**args)
        assert 'sim-token' not in json.dumps(result)
        assert result['invocation']['module_args']['auth_token'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'


# ------------------------------------------------------------------ other credentials

def test_access_key_signing_is_accepted(sim, run_module):
    args = sim.connection_args(cluster_id=DEMO_ID, wait=False, access_key='SIMACCESSKEY0000', secret_key='sim-secret-key')
    del args['auth_token']

    result = run_module(cluster_stop.main, args)

    assert result.rc == 0, result
    assert result['changed'] is True
    assert [entry['auth'] for entry in sim.requests()] == ['aksk', 'aksk']
    assert [entry['status'] for entry in sim.requests()] == [200, 200]
    assert 'sim-secret-key' not in json.dumps(result)


@pytest.mark.parametrize('identity_suffix', ['', '/v3', '/v3/'])
def test_password_auth_fetches_one_token(sim, run_module, identity_suffix):
    args = sim.connection_args(cluster_id=DEMO_ID, wait=False, user_name='sim-user', password='sim-password',
                               domain_name='sim-domain', identity_endpoint=sim.url + identity_suffix)
    del args['auth_token']

    result = run_module(cluster_stop.main, args)

    assert result.rc == 0, result
    assert [(entry['method'], entry['path'], entry['status']) for entry in sim.requests()] == [
        ('POST', '/v3/auth/tokens', 201), ('GET', CLUSTER_PATH, 200), ('POST', ACTION_PATH, 200)]
    assert 'sim-password' not in json.dumps(result)
    issued = [record['token'] for record in sim.state.export()['tokens'] if record['token'] != 'sim-token']
    assert len(issued) == 1
    assert issued[0] not in json.dumps(result)


def test_wrong_password_fails_with_the_iam_message(sim, run_module):
    args = sim.connection_args(cluster_id=DEMO_ID, user_name='sim-user', password='not-the-password', domain_name='sim-domain')
    del args['auth_token']

    result = run_module(cluster_stop.main, args)

    assert result.rc == 1
    assert result['msg'].startswith('Requesting an IAM token: HTTP 401 Unauthorized: The username or password is wrong.')
    assert [entry['path'] for entry in sim.requests()] == ['/v3/auth/tokens']


# ------------------------------------------------------------------ bad input: no HTTP call

@pytest.mark.parametrize('options, expected', [
    ({'cluster_name': 'cdm-demo'}, 'parameters are mutually exclusive: cluster_id|cluster_name'),
    ({'cluster_id': ABSENT}, 'one of the following is required: cluster_id, cluster_name'),
    ({'cluster_id': None}, "Invalid value for option 'cluster_id': null; one of cluster_id and cluster_name is required."),
    # Ansible counts an option given as null as given.
    ({'cluster_id': None, 'cluster_name': None}, 'parameters are mutually exclusive: cluster_id|cluster_name'),
    ({'cluster_id': ABSENT, 'cluster_name': ''},
     "Invalid value for option 'cluster_name': ''; it must be 1 to 64 characters long (got 0)."),
    ({'delay_time': 30}, "Invalid value for option 'delay_time': 30; it is only valid with stop_mode GRACEFULLY."),
    ({'delay_time': 30, 'stop_mode': 'IMMEDIATELY'},
     "Invalid value for option 'delay_time': 30; it is only valid with stop_mode GRACEFULLY."),
    ({'delay_time': 0, 'stop_mode': 'GRACEFULLY'},
     "Invalid value for option 'delay_time': 0; it must be -1 (wait for running jobs) or greater than 0."),
    ({'delay_time': -2, 'stop_mode': 'GRACEFULLY'},
     "Invalid value for option 'delay_time': -2; it must be -1 (wait for running jobs) or greater than 0."),
    ({'stop_mode': 'bogus'}, 'value of stop_mode must be one of: IMMEDIATELY, GRACEFULLY, got: bogus'),
    ({'stop_mode': 'immediately'}, 'value of stop_mode must be one of: IMMEDIATELY, GRACEFULLY, got: immediately'),
    ({'cluster_id': 'x' * 65}, "Invalid value for option 'cluster_id': '%s'; it must be 1 to 64 characters long (got 65)."
     % ('x' * 65)),
    ({'cluster_id': ''}, "Invalid value for option 'cluster_id': ''; it must be 1 to 64 characters long (got 0)."),
    ({'request_timeout': 0}, "Invalid value for option 'request_timeout': 0.0; it must be greater than 0."),
    ({'poll_interval': -1}, "Invalid value for option 'poll_interval': -1.0; it must be greater than 0."),
    ({'wait_timeout': -1}, "Invalid value for option 'wait_timeout': -1; it must be 0 or more."),
    ({'max_retries': -1}, "Invalid value for option 'max_retries': -1; it must be 0 or more."),
    ({'endpoint': 'ftp://x'}, "Invalid value for option 'endpoint': 'ftp://x'; it must be an http:// or https:// URL."),
    ({'endpoint': 'localhost:8443'},
     "Invalid value for option 'endpoint': 'localhost:8443'; it must be an http:// or https:// URL."),
    ({'auth_token': ''}, "Invalid value for option 'auth_token': ''; it must not be empty."),
    ({'project_id': '  '}, "Invalid value for option 'project_id': '  '; it must not be empty."),
    ({'delay_time': 'soon'}, "argument 'delay_time' is of type str and we were unable to convert to int"),
])
def test_bad_input_fails_before_any_http_call(sim, stop, options, expected):
    args = dict(cluster_id=DEMO_ID)
    args.update(options)
    args = dict((key, value) for key, value in args.items() if value is not ABSENT)

    result = stop(**args)

    assert result.rc == 1
    assert result['msg'].startswith(expected), result['msg']
    assert sim.requests() == []
    assert 'sim-token' not in json.dumps(result)


@pytest.mark.parametrize('options', [
    {'cluster_nmae': 'cdm-demo'},
    # The typo is named even when a known option breaks a rule that ansible-core checks first.
    {'cluster_id': DEMO_ID, 'cluster_name': 'cdm-demo', 'stop_mdoe': 'IMMEDIATELY'},
])
def test_a_typo_in_an_option_name_is_named(sim, stop, options):
    result = stop(**options)

    assert result.rc == 1
    assert result['msg'].startswith('Unsupported parameters for (')
    typo = [name for name in options if name not in ('cluster_id', 'cluster_name')][0]
    assert 'module: %s. Supported parameters include:' % typo in result['msg'], result['msg']
    assert sim.requests() == []


def test_no_credentials_fail_before_any_http_call(sim, run_module, monkeypatch):
    for name in ('HW_AUTH_TOKEN', 'HW_ACCESS_KEY', 'HW_SECRET_KEY', 'HW_USER_NAME', 'HW_PASSWORD', 'HW_DOMAIN_NAME'):
        monkeypatch.delenv(name, raising=False)
    args = sim.connection_args(cluster_id=DEMO_ID)
    del args['auth_token']

    result = run_module(cluster_stop.main, args)

    assert result.rc == 1
    for name in ('auth_token', 'HW_AUTH_TOKEN', 'access_key', 'HW_ACCESS_KEY', 'secret_key', 'HW_SECRET_KEY',
                 'user_name', 'HW_USER_NAME', 'password', 'HW_PASSWORD'):
        assert name in result['msg']
    assert sim.requests() == []


def test_token_from_the_environment_is_used(sim, run_module, monkeypatch):
    monkeypatch.setenv('HW_AUTH_TOKEN', 'sim-token')
    args = sim.connection_args(cluster_id=DEMO_ID, wait=False)
    del args['auth_token']

    result = run_module(cluster_stop.main, args)

    assert result.rc == 0, result
    assert result['changed'] is True
    assert 'sim-token' not in json.dumps(result)


def test_half_of_an_access_key_pair_fails_naming_the_other_half(sim, run_module):
    args = sim.connection_args(cluster_id=DEMO_ID, access_key='SIMACCESSKEY0000')
    del args['auth_token']

    result = run_module(cluster_stop.main, args)

    assert result.rc == 1
    assert result['msg'] == ('AK/SK authentication needs both access_key and secret_key; '
                             'secret_key (HW_SECRET_KEY) is not set.')
    assert sim.requests() == []


@pytest.mark.parametrize('env_var, option, msg', [
    ('HW_PROJECT_ID', 'project_id', 'project_id (HW_PROJECT_ID) is required for CDM, whose URIs carry it.'),
    ('HW_REGION_NAME', 'endpoint', 'Set region (HW_REGION_NAME) to use the default CDM endpoint, or set endpoint.'),
], ids=['no_project_id', 'no_endpoint_and_no_region'])
def test_missing_connection_option_fails_before_any_http_call(sim, run_module, monkeypatch, env_var, option, msg):
    monkeypatch.delenv(env_var, raising=False)
    args = sim.connection_args(cluster_id=DEMO_ID)
    del args[option]

    result = run_module(cluster_stop.main, args)

    assert result.rc == 1
    assert result['msg'] == msg
    assert sim.requests() == []


# ------------------------------------------------------------------ running jobs (check and diff mode only)

JOBS_PATH = CLUSTER_PATH + '/cdm/job/all'


@pytest.fixture(name='no_earlier_warnings')
def no_earlier_warnings_fixture():
    """Modules run in this process: ansible-core keeps warnings process-wide, so forget those of earlier runs."""
    from ansible.module_utils.common import warnings as ansible_warnings  # pylint: disable=import-outside-toplevel
    ansible_warnings._global_warnings.clear()  # pylint: disable=protected-access


def warnings_of(result):
    """The warning texts of a result (ansible-core 2.19 wraps each one in a summary object)."""
    return [warning['event']['msg'] if isinstance(warning, dict) else warning for warning in result.get('warnings', [])]


def job_reads(sim):
    return [(entry['query']['jobType'], entry['query']['page_no'], entry['query']['page_size']) for entry in sim.requests('GET', '/cdm/job/')]


def test_plain_stop_makes_exactly_two_calls_and_lists_no_jobs(sim, stop, no_earlier_warnings):
    result = stop(cluster_id=DEMO_ID, stop_mode='IMMEDIATELY', wait=False)

    assert result.rc == 0, result
    assert 'running_jobs' not in result
    assert warnings_of(result) == []
    assert [(entry['method'], entry['path']) for entry in sim.requests()] == [('GET', CLUSTER_PATH), ('POST', ACTION_PATH)]


def test_check_mode_lists_every_job_type_and_page_and_returns_running_jobs(sim, stop):
    sim.upsert_cluster(id=DEMO_ID, jobs=[{'name': 'n%03d' % i, 'status': 'RUNNING' if i in (7, 150) else 'SUCCEEDED'} for i in range(160)]
                       + [{'name': 'batch', 'job_type': 'BATCH_JOB', 'status': 'BOOTING'},
                          {'name': 'scenario', 'job_type': 'SCENARIO_JOB', 'status': 'FAILED'}])

    result = stop(cluster_id=DEMO_ID, check_mode=True)

    assert result.rc == 0, result
    assert result['changed'] is True
    assert result['running_jobs'] == ['n007', 'n150', 'batch']
    assert job_reads(sim) == [('NORMAL_JOB', '1', '100'), ('NORMAL_JOB', '2', '100'), ('BATCH_JOB', '1', '100'),
                              ('SCENARIO_JOB', '1', '100')]
    assert [entry['method'] for entry in sim.requests()] == ['GET'] * 5
    assert sim.requests()[0]['path'] == CLUSTER_PATH


def test_check_mode_with_immediately_warns_naming_the_jobs_it_would_cut_off(sim, stop, no_earlier_warnings):
    sim.upsert_cluster(id=DEMO_ID, jobs=[{'name': 'mysql2hive', 'status': 'RUNNING'}, {'name': 'obs2dws', 'status': 'BOOTING'},
                                         {'name': 'done', 'status': 'SUCCEEDED'}])

    result = stop(cluster_id=DEMO_ID, stop_mode='IMMEDIATELY', check_mode=True)

    assert result.rc == 0, result
    assert result['running_jobs'] == ['mysql2hive', 'obs2dws']
    assert warnings_of(result) == ['Stopping CDM cluster %s with stop_mode IMMEDIATELY would cut off 2 running job(s): mysql2hive, obs2dws.'
                                   % DEMO_ID]
    assert posts(sim) == []


@pytest.mark.parametrize('options', [{}, {'stop_mode': 'GRACEFULLY'}, {'stop_mode': 'GRACEFULLY', 'delay_time': -1}])
def test_check_mode_without_immediately_does_not_warn(sim, stop, options, no_earlier_warnings):
    result = stop(cluster_id=DEMO_ID, check_mode=True, **options)

    assert result.rc == 0, result
    assert result['running_jobs'] == ['mysql2hive']
    assert warnings_of(result) == []


def test_check_mode_with_immediately_and_no_running_job_does_not_warn(sim, stop, no_earlier_warnings):
    sim.upsert_cluster(id=DEMO_ID, jobs=[{'name': 'done', 'status': 'SUCCEEDED'}, {'name': 'fresh', 'status': 'NEW'}])

    result = stop(cluster_id=DEMO_ID, stop_mode='IMMEDIATELY', check_mode=True)

    assert result['running_jobs'] == []
    assert warnings_of(result) == []
    assert len(job_reads(sim)) == 3


def test_diff_mode_lists_the_jobs_before_the_stop_and_shows_them(sim, stop, no_earlier_warnings):
    result = stop(cluster_id=DEMO_ID, stop_mode='IMMEDIATELY', diff=True, wait=False)

    assert result.rc == 0, result
    assert result['changed'] is True
    assert result['running_jobs'] == ['mysql2hive']
    assert result['diff']['before']['running_jobs'] == ['mysql2hive']
    assert result['diff']['after']['running_jobs'] == []
    # The stop really went out: a warning about what it "would" do would be wrong.
    assert warnings_of(result) == []
    assert [entry['method'] for entry in sim.requests()] == ['GET', 'GET', 'GET', 'GET', 'POST']
    assert sim.requests()[-1]['path'] == ACTION_PATH


@pytest.mark.parametrize('cluster_id, status', [(STOPPED_ID, '900'), (DEMO_ID, '910'), (DEMO_ID, '300')])
def test_clusters_not_in_200_are_not_asked_for_jobs(sim, stop, cluster_id, status, no_earlier_warnings):
    sim.upsert_cluster(id=cluster_id, status=status, transition_seconds=60)

    result = stop(cluster_id=cluster_id, stop_mode='IMMEDIATELY', check_mode=True, diff=True)

    assert result.rc == 0, result
    assert result['running_jobs'] == []
    assert result['diff']['before']['running_jobs'] == []
    assert job_reads(sim) == []
    assert warnings_of(result) == []


def test_stopping_by_name_in_check_mode_lists_the_named_clusters_jobs(sim, stop):
    result = stop(cluster_name='cdm-demo', check_mode=True)

    assert result['running_jobs'] == ['mysql2hive']
    assert [entry['path'] for entry in sim.requests()] == ['/v1.1/%s/clusters' % PROJECT_ID] + [JOBS_PATH] * 3
