# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""hwcloud.cloud.cdm_job_run in-process against the in-process simulator: one start per task, whatever the network does."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.cloud.plugins.modules import cdm_job, cdm_job_run

DEMO_ID = 'bae65496-643e-47ca-84af-948672de7eeb'
DEFINITION = dict(from_link='mysql-link', from_connector='generic-jdbc-connector', from_config={'tableName': 'orders'},
                  to_link='hive-link', to_connector='hive-connector', to_config={'bucketName': 'dl'})


@pytest.fixture(name='runner')
def runner_fixture(sim, run_module):
    """``runner(**options)`` runs cdm_job_run on job orders2obs, defined first."""
    defined = run_module(cdm_job.main, sim.connection_args(cluster_id=DEMO_ID, name='orders2obs', **DEFINITION))
    assert defined.rc == 0, defined
    sim.clear_requests()

    def runner(check_mode=False, **options):
        args = dict(cluster_id=DEMO_ID, name='orders2obs')
        args.update(options)
        return run_module(cdm_job_run.main, sim.connection_args(**args), check_mode=check_mode)
    return runner


def starts(sim):
    return sim.requests('PUT', '/start$')


def test_start_waits_for_success_and_returns_flat_counters(sim, runner):
    result = runner()

    assert result.rc == 0, result
    assert result['changed'] is True
    assert result['job_status'] == 'SUCCEEDED'
    assert result['submission']['status'] == 'SUCCEEDED'
    assert result['submission']['job_name'] == 'orders2obs'
    assert 'rows_read' in result['submission']['counters']
    wire = starts(sim)
    assert [(entry['path'].split('/cdm')[-1], entry['body']) for entry in wire] == [('/job/orders2obs/start', {'variables': {}})]


def test_variables_go_with_the_start(sim, runner):
    runner(variables={'day': '2026-12-03'}, wait=False)

    assert [entry['body'] for entry in starts(sim)] == [{'variables': {'day': '2026-12-03'}}]


def test_without_wait_three_calls_at_most(sim, runner):
    result = runner(wait=False)

    assert result.rc == 0, result
    assert result['changed'] is True
    assert result['job_status'] in ('BOOTING', 'RUNNING')
    assert [entry['method'] for entry in sim.requests()] == ['GET', 'GET', 'PUT']


def test_a_running_job_is_not_started_again(sim, runner):
    assert runner(wait=False)['changed'] is True
    sim.clear_requests()

    again = runner(wait=False)

    assert again.rc == 0, again
    assert again['changed'] is False
    assert starts(sim) == []


def test_check_mode_reads_and_sends_nothing(sim, runner):
    result = runner(check_mode=True)

    assert result.rc == 0, result
    assert result['changed'] is True
    assert {entry['method'] for entry in sim.requests()} == {'GET'}


def test_a_lost_answer_that_landed_is_settled_by_a_reread(sim, runner):
    sim.fault(method='PUT', path='/start$', kind='drop_after_apply')

    result = runner()

    assert result.rc == 0, result
    assert result['changed'] is True
    assert result['job_status'] == 'SUCCEEDED'
    assert len(starts(sim)) == 1


def test_a_lost_start_that_did_not_land_is_never_resent(sim, runner):
    sim.fault(method='PUT', path='/start$', kind='drop')

    result = runner()

    assert result.rc == 1
    assert result['changed'] is True
    assert 'the outcome is unknown' in result['msg']
    assert len(starts(sim)) == 1


def test_a_throttled_start_is_sent_again_and_runs_once(sim, runner):
    sim.fault(method='PUT', path='/start$', kind='status', status=429, times=2, retry_after='0')

    result = runner(wait=False)

    assert result.rc == 0, result
    assert [entry['fault'] for entry in starts(sim)] == ['status', 'status', None]


def test_an_unknown_job_suggests_the_closest_names(sim, runner):
    result = runner(name='orders2obz')

    assert result.rc == 1
    assert result['msg'] == "No CDM job named 'orders2obz' in cluster %s; did you mean 'orders2obs'?" % DEMO_ID
    assert result['changed'] is False
    assert starts(sim) == []


def test_stop_a_running_job(sim, runner):
    runner(wait=False)
    sim.clear_requests()

    stopped = runner(state='stopped')
    again = runner(state='stopped')

    assert stopped.rc == 0, stopped
    assert (stopped['changed'], again['changed']) == (True, False)
    assert stopped['job_status'] not in ('BOOTING', 'RUNNING')
    assert len(sim.requests('PUT', '/stop$')) == 1


def test_a_name_over_240_characters_fails_before_any_call(sim, runner):
    result = runner(name='n' * 241)

    assert result.rc == 1
    assert result['invalid_option'] == 'name'
    assert sim.requests() == []


# ------------------------------------------------------------------ runs that fail

def test_a_failed_run_fails_the_task_with_the_error_summary_and_changed(sim, runner):
    sim.state.upsert_cdm_job({'cluster_id': DEMO_ID, 'name': 'orders2obs', 'run_fails': 'Table sales.orders does not exist.'})

    result = runner()

    assert result.rc == 1
    assert result['changed'] is True
    assert 'Table sales.orders does not exist.' in result['msg']
    assert result['job_status'] == 'FAILED'
    assert result['submission']['error_summary'] == 'Table sales.orders does not exist.'
    assert result['submission']['error_details']
    assert len(starts(sim)) == 1


def test_a_failed_run_is_seen_within_one_poll_interval(sim, runner):
    sim.state.upsert_cdm_job({'cluster_id': DEMO_ID, 'name': 'orders2obs', 'run_fails': 'boom', 'run_seconds': 0.2})

    result = runner(poll_interval=0.1)

    assert result.rc == 1
    start = starts(sim)[0]['time']
    status_reads = [entry['time'] for entry in sim.requests('GET', '/status$') if entry['time'] > start]
    # The run ends 0.2 s after the start: the read that sees it is at most one interval later.
    assert 2 <= len(status_reads) <= 5


def test_failure_on_submit_fails_at_once(sim, runner):
    sim.state.upsert_cdm_job({'cluster_id': DEMO_ID, 'name': 'orders2obs', 'start_fails': 'No free executor.'})

    result = runner()

    assert result.rc == 1
    assert result['changed'] is True
    assert result['msg'].startswith('CDM job orders2obs could not be started: it ended FAILURE_ON_SUBMIT: No free executor.')
    assert result['job_status'] == 'FAILURE_ON_SUBMIT'
    # No wait: nothing is read after the answer.
    assert sim.requests()[-1]['path'].endswith('/start')


def test_a_refused_stop_fails_with_its_message(sim, runner):
    runner(wait=False)
    sim.state.upsert_cdm_job({'cluster_id': DEMO_ID, 'name': 'orders2obs', 'stop_refused': 'The job is committing.'})

    result = runner(state='stopped')

    assert result.rc == 1
    assert result['changed'] is True
    assert result['msg'] == 'CDM did not stop job orders2obs: The job is committing.'
