# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""hwcloud.cloud.cluster_restart run in-process against the in-process simulator.

What the module decided is read from the simulator's request log: the calls it made, the body it sent.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.hwcloud.cloud.plugins.module_utils import cdm
from ansible_collections.hwcloud.cloud.plugins.modules import cluster_restart

DEMO_ID = 'bae65496-643e-47ca-84af-948672de7eeb'
PROJECT_ID = '0605767a2c80d5a62f5cc0123456789a'
CLUSTER_PATH = '/v1.1/%s/clusters/%s' % (PROJECT_ID, DEMO_ID)
ACTION_PATH = CLUSTER_PATH + '/action'
ABSENT = object()
DEFAULT_BODY = {'restart': {'restartDelayTime': 0, 'restartMode': 'IMMEDIATELY', 'restartLevel': 'SERVICE',
                            'type': 'cdm', 'instance': '', 'group': ''}}


@pytest.fixture(name='restart')
def restart_fixture(sim, run_module):
    """``restart(**options)`` runs the module with the simulator's connection options."""

    def restart(check_mode=False, diff=False, **options):
        options.setdefault('cluster_id', DEMO_ID)
        return run_module(cluster_restart.main, sim.connection_args(**options), check_mode=check_mode, diff=diff)

    return restart


def posts(sim):
    return sim.requests('POST')


def calls(sim):
    return [(entry['method'], entry['path']) for entry in sim.requests()]


def test_the_table_names_every_documented_status_once():
    table = cluster_restart.RESTART
    codes = list(table.act) + list(table.already) + list(table.settle) + list(table.refused)
    assert sorted(codes) == sorted(cdm.STATUS_NAMES)


# ------------------------------------------------------------------ decision table

@pytest.mark.parametrize('status', ['200', '300'])
def test_restart_is_sent_and_waited_for_until_back_at_200(sim, restart, status):
    sim.upsert_cluster(id=DEMO_ID, status=status)

    result = restart()

    assert result.rc == 0, result
    assert result['changed'] is True
    # restart answers jobId as a string: the module returns a list.
    assert result['job_ids'] == [sim.cluster()['task']['id']]
    assert result['cluster']['status'] == '200'
    assert [(entry['path'], entry['body'], entry['status']) for entry in posts(sim)] == [(ACTION_PATH, DEFAULT_BODY, 200)]


def test_a_restart_changes_on_every_run(sim, restart):
    assert restart()['changed'] is True
    second = restart()

    assert second.rc == 0, second
    assert second['changed'] is True
    assert len(posts(sim)) == 2


def test_the_wait_sees_the_cluster_leave_200_before_it_ends(sim, restart):
    sim.upsert_cluster(id=DEMO_ID, transition_seconds=1)

    result = restart(poll_interval=0.05)

    assert result.rc == 0, result
    assert result['cluster']['status'] == '200'
    assert sim.state.get_cluster(PROJECT_ID, DEMO_ID)['task']['name'] == 'restart'
    # Had the wait ended on the 200 it read before the restart began, it would have made one read after the POST.
    reads_after = [entry for entry in sim.requests('GET') if entry['seq'] > posts(sim)[0]['seq']]
    assert len(reads_after) >= 2


def test_with_a_delay_the_wait_outlasts_the_delay(sim, restart):
    # delay_scale 0.01: 60 s of restartDelayTime are 0.6 s of simulated time, during which the cluster reads 200.
    result = restart(restart_delay_time=60, poll_interval=0.05)

    assert result.rc == 0, result
    assert result['cluster']['status'] == '200'
    assert posts(sim)[0]['body']['restart']['restartDelayTime'] == 60
    reads_after = [entry for entry in sim.requests('GET') if entry['seq'] > posts(sim)[0]['seq']]
    # The cluster read 200 for the whole delay: a wait that ended on the first 200 would have read once.
    assert len(reads_after) >= 10


@pytest.mark.parametrize('status, name, why', [
    ('900', 'stopped', 'A stopped cluster is started, not restarted: use hwcloud.cloud.cluster_start.'),
    ('910', 'stopping', 'A stopping cluster is started once stopped, not restarted: use hwcloud.cloud.cluster_start.'),
])
@pytest.mark.parametrize('wait', [True, False])
def test_stopped_cluster_is_not_restarted(sim, restart, status, name, why, wait):
    sim.upsert_cluster(id=DEMO_ID, status=status, transition_seconds=30)

    result = restart(wait=wait)

    assert result.rc == 1
    assert result['msg'] == 'CDM cluster %s cannot be restarted: status %s (%s). %s' % (DEMO_ID, status, name, why)
    assert result['job_ids'] == []
    assert calls(sim) == [('GET', CLUSTER_PATH)]


@pytest.mark.parametrize('status, name', [('303', 'creation failed'), ('800', 'frozen')])
@pytest.mark.parametrize('check_mode', [True, False])
def test_broken_cluster_fails_without_post(sim, restart, status, name, check_mode):
    sim.upsert_cluster(id=DEMO_ID, status=status)

    result = restart(check_mode=check_mode)

    assert result.rc == 1
    assert result['changed'] is False
    assert result['msg'] == 'CDM cluster %s cannot be restarted: status %s (%s).' % (DEMO_ID, status, name)
    assert calls(sim) == [('GET', CLUSTER_PATH)]


@pytest.mark.parametrize('status, name', [('100', 'creating'), ('500', 'restarting'), ('920', 'starting')])
def test_cluster_in_transition_without_wait_fails_without_post(sim, restart, status, name):
    sim.upsert_cluster(id=DEMO_ID, status=status, transition_seconds=30)

    result = restart(wait=False)

    assert result.rc == 1
    assert result['changed'] is False
    assert result['msg'] == ('CDM cluster %s is in status %s (%s); it cannot be restarted until it settles. '
                             'Set wait: true to wait for it.' % (DEMO_ID, status, name))
    assert posts(sim) == []


@pytest.mark.parametrize('status', ['100', '500', '920'])
def test_cluster_in_transition_is_settled_then_restarted(sim, restart, status):
    sim.upsert_cluster(id=DEMO_ID, status=status)

    result = restart()

    assert result.rc == 0, result
    assert result['changed'] is True
    assert result['cluster']['status'] == '200'
    wire = posts(sim)
    assert len(wire) == 1 and wire[0]['status'] == 200
    assert len([entry for entry in sim.requests('GET') if entry['seq'] < wire[0]['seq']]) >= 2


def test_without_wait_returns_the_job_at_once(sim, restart):
    sim.upsert_cluster(id=DEMO_ID, transition_seconds=30)

    result = restart(wait=False)

    assert result.rc == 0, result
    assert result['changed'] is True
    assert result['job_ids'] == [sim.cluster()['task']['id']]
    assert result['cluster']['status'] == '200'
    assert sim.cluster()['status'] == '500'
    assert calls(sim) == [('GET', CLUSTER_PATH), ('POST', ACTION_PATH)]


def test_failed_restart_fails_with_the_reason(sim, restart):
    sim.upsert_cluster(id=DEMO_ID, restart_fails='the VM did not boot')

    result = restart()

    assert result.rc == 1
    assert result['changed'] is True
    assert result['msg'].startswith('CDM cluster %s to restart (status 200) failed: the cluster went to status 300 (failed); '
                                    'failed reasons: ' % DEMO_ID)
    assert 'the VM did not boot' in result['msg'] and 'Cdm.0920' in result['msg']
    assert result['cluster']['failed_reasons'] == {'restart_failed': {'error_code': 'Cdm.0920', 'error_msg': 'the VM did not boot'}}
    assert len(result['job_ids']) == 1


def test_failed_restart_of_a_failed_cluster_fails_instead_of_timing_out(sim, restart):
    # From 300 the cluster goes 500, then back to 300: a failure once the restart has shown.
    sim.upsert_cluster(id=DEMO_ID, status='300', restart_fails='the VM did not boot')

    result = restart(wait_timeout=5)

    assert result.rc == 1
    assert result['changed'] is True
    assert 'the VM did not boot' in result['msg']
    assert 'Timed out' not in result['msg']
    assert len(posts(sim)) == 1


def test_wait_timeout_fails_with_job_ids_and_cluster(sim, restart):
    sim.upsert_cluster(id=DEMO_ID, transition_seconds=30)

    result = restart(wait_timeout=1, poll_interval=0.2)

    assert result.rc == 1
    assert result['changed'] is True
    assert result['msg'].startswith('Timed out after 1s waiting for CDM cluster %s to restart (status 200); '
                                    'last seen: status 500 (restarting)' % DEMO_ID)
    assert result['job_ids'] == [sim.cluster()['task']['id']]


# ------------------------------------------------------------------ wire bodies

@pytest.mark.parametrize('options, body', [
    ({}, {}),
    ({'restart_mode': 'FORCELY', 'restart_level': 'VM'}, {'restartMode': 'FORCELY', 'restartLevel': 'VM'}),
    ({'restart_mode': 'SOFTLY', 'restart_delay_time': 5}, {'restartMode': 'SOFTLY', 'restartDelayTime': 5}),
    ({'restart_delay_time': '7'}, {'restartDelayTime': 7}),
])
def test_the_body_always_carries_all_six_fields(sim, restart, options, body):
    result = restart(wait=False, **options)

    assert result.rc == 0, result
    expected = dict(DEFAULT_BODY['restart'], **body)
    wire = posts(sim)
    assert [entry['body'] for entry in wire] == [{'restart': expected}]
    assert wire[0]['status'] == 200
    assert wire[0]['headers']['Content-Type'] == 'application/json;charset=UTF-8'


# ------------------------------------------------------------------ check and diff mode

@pytest.mark.parametrize('status', ['200', '300'])
def test_check_mode_reports_change_without_post(sim, restart, status):
    sim.upsert_cluster(id=DEMO_ID, status=status)

    result = restart(check_mode=True)

    assert result.rc == 0, result
    assert result['changed'] is True
    assert result['job_ids'] == []
    assert result['cluster']['status'] == status
    assert calls(sim) == [('GET', CLUSTER_PATH)]


@pytest.mark.parametrize('check_mode', [True, False])
def test_diff_mode_shows_the_status_and_the_request(sim, restart, check_mode):
    result = restart(check_mode=check_mode, diff=True, restart_mode='SOFTLY')

    assert result.rc == 0, result
    assert result['diff'] == {
        'before': {'status': '200'},
        'after': {'status': '200', 'restart': {'restart_delay_time': 0, 'restart_mode': 'SOFTLY', 'restart_level': 'SERVICE',
                                               'type': 'cdm', 'instance': '', 'group': ''}},
    }


def test_no_diff_key_without_diff_mode(sim, restart):
    assert 'diff' not in restart(wait=False)


# ------------------------------------------------------------------ lost answers: at most once

def test_lost_answer_of_an_applied_restart_is_not_resent(sim, restart):
    # A restart as slow as a real one: the re-read finds it under way (500), whatever the backoff before it.
    sim.upsert_cluster(id=DEMO_ID, transition_seconds=3)
    sim.fault(method='POST', path='/action$', kind='drop_after_apply')

    result = restart()

    assert result.rc == 0, result
    assert result['changed'] is True
    assert result['job_ids'] == []
    assert result['cluster']['status'] == '200'
    assert [entry['fault'] for entry in posts(sim)] == ['drop_after_apply']


def test_lost_answer_of_a_delayed_restart_fails_as_unknown_without_a_second_post(sim, restart):
    # The restart landed, but during its delay the cluster still reads 200: nothing can prove it.
    sim.fault(method='POST', path='/action$', kind='drop_after_apply')

    result = restart(restart_delay_time=3600)

    assert result.rc == 1
    assert result['changed'] is True
    assert result['msg'].endswith('A re-read shows status 200 (normal), which does not prove that it took effect, and it is never '
                                  'sent twice: the outcome is unknown. Read the cluster before running this task again.')
    assert result['job_ids'] == []
    assert result['cluster']['status'] == '200'
    assert [entry['fault'] for entry in posts(sim)] == ['drop_after_apply']


def test_lost_restart_that_did_not_land_is_not_resent(sim, restart):
    sim.fault(method='POST', path='/action$', kind='drop')

    result = restart()

    assert result.rc == 1
    assert 'the outcome is unknown' in result['msg']
    assert [entry['fault'] for entry in posts(sim)] == ['drop']


# ------------------------------------------------------------------ bad input

@pytest.mark.parametrize('options, expected', [
    ({'restart_delay_time': -1}, "Invalid value for option 'restart_delay_time': -1; it must be 0 or more seconds."),
    ({'restart_delay_time': 2 ** 31},
     "Invalid value for option 'restart_delay_time': 2147483648; it must be at most 2147483647 seconds (a 32-bit integer)."),
    ({'restart_delay_time': None}, "argument 'restart_delay_time' is of type NoneType and we were unable to convert to int"),
    ({'restart_delay_time': 'soon'}, "argument 'restart_delay_time' is of type str and we were unable to convert to int"),
    ({'restart_delay_time': 1.5}, "argument 'restart_delay_time' is of type float and we were unable to convert to int"),
    ({'restart_mode': 'GENTLY'}, 'value of restart_mode must be one of: IMMEDIATELY, FORCELY, SOFTLY, got: GENTLY'),
    ({'restart_mode': 'forcely'}, 'value of restart_mode must be one of: IMMEDIATELY, FORCELY, SOFTLY, got: forcely'),
    ({'restart_level': 'HOST'}, 'value of restart_level must be one of: SERVICE, VM, got: HOST'),
    ({'cluster_id': ''}, "Invalid value for option 'cluster_id': ''; it must be 1 to 64 characters long (got 0)."),
    ({'cluster_id': None}, "Invalid value for option 'cluster_id': null; one of cluster_id and cluster_name is required."),
    ({'cluster_name': 'cdm-demo'}, 'parameters are mutually exclusive: cluster_id|cluster_name'),
])
def test_bad_input_fails_before_any_http_call(sim, restart, options, expected):
    result = restart(**options)

    assert result.rc == 1
    assert result['msg'].startswith(expected), result['msg']
    assert sim.requests() == []
    assert 'sim-token' not in json.dumps(result)
