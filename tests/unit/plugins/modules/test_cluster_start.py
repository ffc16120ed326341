# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""hwcloud.cloud.cluster_start run in-process against the in-process simulator.

What the module decided is read from the simulator's request log: the calls it made, the body it sent.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.hwcloud.cloud.plugins.module_utils import cdm
from ansible_collections.hwcloud.cloud.plugins.modules import cluster_start

DEMO_ID = 'bae65496-643e-47ca-84af-948672de7eeb'
STOPPED_ID = '5c9e2a41-7d3b-4f0e-9a6c-1b2d3e4f5a6b'
PROJECT_ID = '0605767a2c80d5a62f5cc0123456789a'
CLUSTER_PATH = '/v1.1/%s/clusters/%s' % (PROJECT_ID, STOPPED_ID)
ACTION_PATH = CLUSTER_PATH + '/action'
ABSENT = object()


@pytest.fixture(name='start')
def start_fixture(sim, run_module):
    """``start(**options)`` runs the module with the simulator's connection options."""

    def start(check_mode=False, diff=False, **options):
        return run_module(cluster_start.main, sim.connection_args(**options), check_mode=check_mode, diff=diff)

    return start


def posts(sim):
    return sim.requests('POST')


def calls(sim):
    return [(entry['method'], entry['path']) for entry in sim.requests()]


def test_the_table_names_every_documented_status_once():
    table = cluster_start.START
    codes = list(table.act) + list(table.already) + list(table.settle) + list(table.refused)
    assert sorted(codes) == sorted(cdm.STATUS_NAMES)


# ------------------------------------------------------------------ decision table

def test_stopped_cluster_is_started_and_waited_for(sim, start):
    result = start(cluster_id=STOPPED_ID)

    assert result.rc == 0, result
    assert result['changed'] is True
    assert len(result['job_ids']) == 1 and len(result['job_ids'][0]) == 32
    assert result['cluster']['status'] == '200'
    assert result['cluster']['status_detail'] == 'Normal'
    wire = posts(sim)
    assert [(entry['path'], entry['body'], entry['status']) for entry in wire] == [(ACTION_PATH, {'start': {}}, 200)]
    # The wait went through 920 to 200.
    assert sim.cluster(STOPPED_ID)['status'] == '200'


def test_second_run_is_ok_with_exactly_one_get(sim, start):
    assert start(cluster_id=STOPPED_ID)['changed'] is True
    sim.clear_requests()

    second = start(cluster_id=STOPPED_ID)

    assert second.rc == 0, second
    assert second['changed'] is False
    assert second['job_ids'] == []
    assert calls(sim) == [('GET', CLUSTER_PATH)]


def test_running_cluster_is_left_alone_with_one_read(sim, start):
    result = start(cluster_id=DEMO_ID)

    assert result.rc == 0, result
    assert result['changed'] is False
    assert result['cluster']['status'] == '200'
    assert calls(sim) == [('GET', '/v1.1/%s/clusters/%s' % (PROJECT_ID, DEMO_ID))]


def test_starting_cluster_is_waited_for_without_a_post(sim, start):
    sim.upsert_cluster(id=STOPPED_ID, status='920')

    result = start(cluster_id=STOPPED_ID)

    assert result.rc == 0, result
    assert result['changed'] is False
    assert result['cluster']['status'] == '200'
    assert posts(sim) == []
    assert len(sim.requests('GET')) >= 2


def test_starting_cluster_without_wait_returns_at_once(sim, start):
    sim.upsert_cluster(id=STOPPED_ID, status='920', transition_seconds=30)

    result = start(cluster_id=STOPPED_ID, wait=False)

    assert result.rc == 0, result
    assert result['changed'] is False
    assert result['cluster']['status'] == '920'
    assert calls(sim) == [('GET', CLUSTER_PATH)]


def test_without_wait_sends_the_start_and_returns_the_job(sim, start):
    sim.upsert_cluster(id=STOPPED_ID, transition_seconds=30)

    result = start(cluster_id=STOPPED_ID, wait=False)

    assert result.rc == 0, result
    assert result['changed'] is True
    assert result['job_ids'] == [sim.cluster(STOPPED_ID)['task']['id']]
    assert result['cluster']['status'] == '900'
    assert sim.cluster(STOPPED_ID)['status'] == '920'
    assert calls(sim) == [('GET', CLUSTER_PATH), ('POST', ACTION_PATH)]


def test_stopping_cluster_is_waited_for_then_started(sim, start):
    sim.upsert_cluster(id=STOPPED_ID, status='910')

    result = start(cluster_id=STOPPED_ID)

    assert result.rc == 0, result
    assert result['changed'] is True
    assert result['cluster']['status'] == '200'
    wire = posts(sim)
    assert len(wire) == 1
    # The start went out only once the cluster had stopped: 910 would have refused it.
    assert wire[0]['status'] == 200
    assert len([entry for entry in sim.requests('GET') if entry['seq'] < wire[0]['seq']]) >= 2


@pytest.mark.parametrize('status, name', [('910', 'stopping'), ('100', 'creating'), ('500', 'restarting')])
def test_cluster_in_transition_without_wait_fails_without_post(sim, start, status, name):
    sim.upsert_cluster(id=STOPPED_ID, status=status, transition_seconds=30)

    result = start(cluster_id=STOPPED_ID, wait=False)

    assert result.rc == 1
    assert result['changed'] is False
    assert result['msg'] == ('CDM cluster %s is in status %s (%s); it cannot be started until it settles. '
                             'Set wait: true to wait for it.' % (STOPPED_ID, status, name))
    assert result['cluster']['status'] == status
    assert posts(sim) == []


@pytest.mark.parametrize('status', ['100', '500'])
def test_cluster_that_settles_running_is_not_started(sim, start, status):
    sim.upsert_cluster(id=STOPPED_ID, status=status)

    result = start(cluster_id=STOPPED_ID)

    assert result.rc == 0, result
    assert result['changed'] is False
    assert result['cluster']['status'] == '200'
    assert posts(sim) == []


def test_failed_cluster_fails_naming_cluster_restart(sim, start):
    sim.upsert_cluster(id=STOPPED_ID, status='300')

    result = start(cluster_id=STOPPED_ID)

    assert result.rc == 1
    assert result['changed'] is False
    assert result['msg'] == ('CDM cluster %s cannot be started: status 300 (failed). A start does not repair a failed cluster: '
                             'hwcloud.cloud.cluster_restart brings it back.' % STOPPED_ID)
    assert result['job_ids'] == []
    assert posts(sim) == []


@pytest.mark.parametrize('status, name', [('303', 'creation failed'), ('800', 'frozen')])
@pytest.mark.parametrize('check_mode', [True, False])
def test_broken_cluster_fails_without_post(sim, start, status, name, check_mode):
    sim.upsert_cluster(id=STOPPED_ID, status=status)

    result = start(cluster_id=STOPPED_ID, check_mode=check_mode)

    assert result.rc == 1
    assert result['changed'] is False
    assert result['msg'] == 'CDM cluster %s cannot be started: status %s (%s).' % (STOPPED_ID, status, name)
    assert calls(sim) == [('GET', CLUSTER_PATH)]


def test_unknown_status_fails_without_post(sim, start):
    sim.upsert_cluster(id=STOPPED_ID, status='777')

    result = start(cluster_id=STOPPED_ID)

    assert result.rc == 1
    assert result['msg'] == ('CDM cluster %s has status 777 (unknown status), which this module does not know how to start.'
                             % STOPPED_ID)
    assert posts(sim) == []


def test_start_by_name(sim, start):
    result = start(cluster_name='cdm-stopped')

    assert result.rc == 0, result
    assert result['changed'] is True
    assert calls(sim)[:2] == [('GET', '/v1.1/%s/clusters' % PROJECT_ID), ('POST', ACTION_PATH)]


def test_failed_start_fails_with_the_reason(sim, start):
    sim.upsert_cluster(id=STOPPED_ID, start_fails='no quota for the VM flavour')

    result = start(cluster_id=STOPPED_ID)

    assert result.rc == 1
    assert result['changed'] is True
    assert result['msg'].startswith('CDM cluster %s to start (status 200) failed: the cluster went to status 300 (failed); '
                                    'failed reasons: ' % STOPPED_ID)
    assert 'no quota for the VM flavour' in result['msg'] and 'Cdm.0910' in result['msg']
    assert result['cluster']['failed_reasons'] == {'start_failed': {'error_code': 'Cdm.0910', 'error_msg': 'no quota for the VM flavour'}}
    assert len(result['job_ids']) == 1
    assert len(posts(sim)) == 1


def test_wait_timeout_fails_with_job_ids_and_cluster(sim, start):
    sim.upsert_cluster(id=STOPPED_ID, transition_seconds=30)

    result = start(cluster_id=STOPPED_ID, wait_timeout=1, poll_interval=0.2)

    assert result.rc == 1
    assert result['changed'] is True
    assert result['msg'].startswith('Timed out after 1s waiting for CDM cluster %s to start (status 200); '
                                    'last seen: status 920 (starting)' % STOPPED_ID)
    assert result['job_ids'] == [sim.cluster(STOPPED_ID)['task']['id']]
    assert result['cluster']['status'] == '920'


# ------------------------------------------------------------------ check and diff mode

def test_check_mode_reports_change_without_post(sim, start):
    result = start(cluster_id=STOPPED_ID, check_mode=True)

    assert result.rc == 0, result
    assert result['changed'] is True
    assert result['job_ids'] == []
    assert result['cluster']['status'] == '900'
    assert calls(sim) == [('GET', CLUSTER_PATH)]


def test_check_mode_on_running_cluster_reports_no_change(sim, start):
    result = start(cluster_id=DEMO_ID, check_mode=True)

    assert result['changed'] is False
    assert posts(sim) == []


@pytest.mark.parametrize('cluster_id, check_mode, diff', [
    (STOPPED_ID, False, {'before': {'status': '900'}, 'after': {'status': '200'}}),
    (STOPPED_ID, True, {'before': {'status': '900'}, 'after': {'status': '200'}}),
    (DEMO_ID, False, {'before': {'status': '200'}, 'after': {'status': '200'}}),
])
def test_diff_mode_shows_status_before_and_after(sim, start, cluster_id, check_mode, diff):
    result = start(cluster_id=cluster_id, check_mode=check_mode, diff=True)

    assert result.rc == 0, result
    assert result['diff'] == diff


def test_no_diff_key_without_diff_mode(sim, start):
    assert 'diff' not in start(cluster_id=STOPPED_ID, wait=False)


# ------------------------------------------------------------------ lost answers: never two POSTs

def test_lost_answer_of_an_applied_start_is_not_resent(sim, start):
    sim.fault(method='POST', path='/action$', kind='drop_after_apply')

    result = start(cluster_id=STOPPED_ID)

    assert result.rc == 0, result
    assert result['changed'] is True
    assert result['job_ids'] == []
    assert result['cluster']['status'] == '200'
    assert [entry['fault'] for entry in posts(sim)] == ['drop_after_apply']


def test_lost_start_that_did_not_land_fails_as_unknown_without_a_second_post(sim, start):
    sim.fault(method='POST', path='/action$', kind='drop')

    result = start(cluster_id=STOPPED_ID)

    assert result.rc == 1
    assert result['changed'] is True
    assert 'no answer' in result['msg']
    assert result['msg'].endswith('A re-read shows status 900 (stopped), which does not prove that it took effect, and it is never '
                                  'sent twice: the outcome is unknown. Read the cluster before running this task again.')
    assert result['job_ids'] == []
    assert result['cluster']['status'] == '900'
    assert [entry['fault'] for entry in posts(sim)] == ['drop']


def test_gateway_timeout_on_the_start_is_not_resent(sim, start):
    sim.fault(method='POST', path='/action$', kind='status', status=504)

    result = start(cluster_id=STOPPED_ID)

    assert result.rc == 1
    assert result['changed'] is True
    assert 'HTTP 504 APIGW.0203' in result['msg'] and 'the outcome is unknown' in result['msg']
    assert [entry['status'] for entry in posts(sim)] == [504]


# ------------------------------------------------------------------ bad input

@pytest.mark.parametrize('options, expected', [
    ({'cluster_id': None}, "Invalid value for option 'cluster_id': null; one of cluster_id and cluster_name is required."),
    ({'cluster_id': ''}, "Invalid value for option 'cluster_id': ''; it must be 1 to 64 characters long (got 0)."),
    ({'cluster_id': ABSENT, 'cluster_name': 'n' * 65},
     "Invalid value for option 'cluster_name': '%s'; it must be 1 to 64 characters long (got 65)." % ('n' * 65)),
    ({'cluster_name': 'cdm-stopped'}, 'parameters are mutually exclusive: cluster_id|cluster_name'),
    ({'cluster_id': ABSENT}, 'one of the following is required: cluster_id, cluster_name'),
    ({'wait_timeout': -1}, "Invalid value for option 'wait_timeout': -1; it must be 0 or more."),
])
def test_bad_input_fails_before_any_http_call(sim, start, options, expected):
    args = dict(cluster_id=STOPPED_ID)
    args.update(options)
    args = dict((key, value) for key, value in args.items() if value is not ABSENT)

    result = start(**args)

    assert result.rc == 1
    assert result['msg'].startswith(expected), result['msg']
    assert sim.requests() == []
    assert 'sim-token' not in json.dumps(result)
