# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""hwcloud.cloud.cdm_job in-process against the in-process simulator; what went on the wire from its request log."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import requests

from ansible_collections.hwcloud.cloud.plugins.modules import cdm_job

DEMO_ID = 'bae65496-643e-47ca-84af-948672de7eeb'
STOPPED_ID = '5c9e2a41-7d3b-4f0e-9a6c-1b2d3e4f5a6b'
DEFINITION = dict(from_link='mysql-link', from_connector='generic-jdbc-connector', from_config={'schemaName': 'sales', 'tableName': 'orders'},
                  to_link='hive-link', to_connector='hive-connector', to_config={'bucketName': 'dl', 'outputDirectory': '/sales/orders'},
                  driver_config={'throttlingConfig': {'numExtractors': 2}})


@pytest.fixture(name='job')
def job_fixture(sim, run_module):
    def job(check_mode=False, diff=False, **options):
        args = dict(cluster_id=DEMO_ID, name='orders2obs')
        args.update(options)
        return run_module(cdm_job.main, sim.connection_args(**args), check_mode=check_mode, diff=diff)
    return job


def changes(sim):
    return [(entry['method'], entry['path'].split('/cdm')[-1], entry['body']) for entry in sim.requests()
            if entry['method'] != 'GET']


def group(name, **values):
    return {'name': name, 'inputs': [{'name': '%s.%s' % (name, key), 'value': value} for key, value in values.items()]}


def test_create_sends_the_job_and_never_starts_it(sim, job):
    result = job(**DEFINITION)

    assert result.rc == 0, result
    assert result['changed'] is True
    assert changes(sim) == [('POST', '/job', {'jobs': [{
        'name': 'orders2obs', 'job_type': 'NORMAL_JOB',
        'from-link-name': 'mysql-link', 'from-connector-name': 'generic-jdbc-connector',
        'to-link-name': 'hive-link', 'to-connector-name': 'hive-connector',
        'from-config-values': {'configs': [group('fromJobConfig', schemaName='sales', tableName='orders')]},
        'to-config-values': {'configs': [group('toJobConfig', bucketName='dl', outputDirectory='/sales/orders')]},
        'driver-config-values': {'configs': [group('throttlingConfig', numExtractors='2')]},
    }]})]
    assert result['job']['to_config'] == {'bucketName': 'dl', 'outputDirectory': '/sales/orders'}
    assert not sim.requests(path='/start$')


def test_unchanged_rerun_reads_twice_and_sends_nothing(sim, job):
    job(**DEFINITION)
    sim.clear_requests()

    second = job(**DEFINITION)

    assert second.rc == 0, second
    assert second['changed'] is False
    assert second['changed_keys'] == []
    assert [entry['method'] for entry in sim.requests()] == ['GET', 'GET']


def test_a_change_puts_the_whole_job_with_the_given_keys_changed(sim, job):
    job(**DEFINITION)
    sim.clear_requests()

    result = job(to_config={'outputDirectory': '/sales/orders v2'}, driver_config={'throttlingConfig': {'numLoaders': 3}}, diff=True)

    assert result.rc == 0, result
    assert result['changed'] is True
    assert result['changed_keys'] == ['toJobConfig.outputDirectory', 'throttlingConfig.numLoaders']
    (method, path, body), = changes(sim)
    assert (method, path) == ('PUT', '/job/orders2obs')
    sent = body['jobs'][0]
    assert sent['from-config-values'] == {'configs': [group('fromJobConfig', schemaName='sales', tableName='orders')]}
    assert sent['to-config-values'] == {'configs': [group('toJobConfig', bucketName='dl', outputDirectory='/sales/orders v2')]}
    assert sent['driver-config-values'] == {'configs': [group('throttlingConfig', numExtractors='2', numLoaders='3')]}
    assert result['diff']['before']['to_config']['outputDirectory'] == '/sales/orders'
    assert result['diff']['after']['to_config']['outputDirectory'] == '/sales/orders v2'
    assert result['job']['to_config']['outputDirectory'] == '/sales/orders v2'


def test_check_mode_sends_nothing(sim, job):
    result = job(check_mode=True, **DEFINITION)

    assert result.rc == 0, result
    assert result['changed'] is True
    assert changes(sim) == []


def test_create_without_the_links_fails_before_any_change(sim, job):
    result = job(from_link='mysql')

    assert result.rc == 1
    assert result['msg'] == 'CDM job orders2obs does not exist, and creating it needs from_connector, to_link, to_connector.'
    assert changes(sim) == []


def test_absent_deletes_once(sim, job):
    job(**DEFINITION)
    sim.clear_requests()

    gone = job(state='absent')
    again = job(state='absent')

    assert (gone['changed'], again['changed']) == (True, False)
    assert changes(sim) == [('DELETE', '/job/orders2obs', None)]


def test_a_stopped_cluster_fails_naming_cluster_start(sim, job):
    result = job(cluster_id=STOPPED_ID, **DEFINITION)

    assert result.rc == 1
    assert 'Start it first with hwcloud.cloud.cluster_start' in result['msg']
    assert len(sim.requests()) == 1


@pytest.mark.parametrize('options, option, rule', [
    (dict(name='j' * 241), 'name', 'it must be 1 to 240 characters long (got 241)'),
    (dict(driver_config={'throttlingConfig': 2}), 'driver_config.throttlingConfig', 'must be a dictionary'),
    (dict(from_config={'tableName': None}), 'from_config.tableName', 'string, a number or a boolean'),
])
def test_bad_input_fails_before_any_call(sim, job, options, option, rule):
    args = dict(DEFINITION)
    args.update(options)

    result = job(**args)

    assert result.rc == 1
    assert result['invalid_option'] == option
    assert rule in result['msg']
    assert sim.requests() == []


def test_unknown_job_type_fails_before_any_call(sim, job):
    result = job(job_type='FAST_JOB', **DEFINITION)

    assert result.rc == 1
    assert 'job_type' in result['msg'] and 'FAST_JOB' in result['msg']
    assert sim.requests() == []


# ------------------------------------------------------------------ a run in progress, validation results

def test_a_running_job_is_not_changed_without_wait(sim, job):
    result = job(name='mysql2hive', to_config={'table': 'new'}, wait=False)

    assert result.rc == 1
    assert result['changed'] is False
    assert result['msg'] == 'CDM job mysql2hive is RUNNING: it is not changed or deleted under its run. Set wait: true to wait for it.'
    assert changes(sim) == []


def test_a_running_job_is_changed_once_its_run_has_ended(sim, job):
    sim.state.upsert_cdm_job({'cluster_id': DEMO_ID, 'name': 'orders2obs', 'run_seconds': 0.3})
    job(**DEFINITION)
    # The run is started through the API, as another user would.
    started = requests.put(sim.cluster_url(DEMO_ID) + '/cdm/job/orders2obs/start', json={'variables': {}},
                           headers={'X-Auth-Token': sim.token}, timeout=5)
    assert started.status_code == 200
    sim.clear_requests()

    result = job(to_config={'bucketName': 'dl2'})

    assert result.rc == 0, result
    assert result['changed'] is True
    put = [entry for entry in sim.requests('PUT') if entry['path'].endswith('/job/orders2obs')]
    assert len(put) == 1 and put[0]['status'] == 200


def warnings_of(result):
    """The warning texts of a result (ansible-core 2.19 wraps each one in a summary object)."""
    return [warning['event']['msg'] if isinstance(warning, dict) else warning for warning in result.get('warnings', [])]


@pytest.fixture(name='no_earlier_warnings')
def no_earlier_warnings_fixture():
    """Modules run in this process: ansible-core keeps warnings process-wide, so forget those of earlier runs."""
    from ansible.module_utils.common import warnings as ansible_warnings  # pylint: disable=import-outside-toplevel
    ansible_warnings._global_warnings.clear()  # pylint: disable=protected-access


def test_validation_errors_fail_and_warnings_warn(sim, job, no_earlier_warnings):
    sim.upsert_cluster(id=DEMO_ID, validation={'orders2obs': [{'status': 'ERROR', 'message': 'tableName is required'}]})

    refused = job(**DEFINITION)

    assert refused.rc == 1
    assert refused['changed'] is True
    assert refused['msg'] == 'CDM refused job orders2obs: tableName is required'

    sim.upsert_cluster(id=DEMO_ID, validation={'orders2obs': [{'status': 'WARNING', 'message': 'no partition column'}]})
    warned = job(**DEFINITION)

    assert warned.rc == 0, warned
    assert warnings_of(warned) == ['CDM about job orders2obs: no partition column']


def test_a_running_job_is_deleted_once_its_run_has_ended(sim, job):
    sim.state.upsert_cdm_job({'cluster_id': DEMO_ID, 'name': 'orders2obs', 'run_seconds': 0.3})
    job(**DEFINITION)
    started = requests.put(sim.cluster_url(DEMO_ID) + '/cdm/job/orders2obs/start', json={'variables': {}},
                           headers={'X-Auth-Token': sim.token}, timeout=5)
    assert started.status_code == 200
    sim.clear_requests()

    result = job(state='absent')

    assert result.rc == 0, result
    assert result['changed'] is True
    deletes = sim.requests('DELETE')
    assert len(deletes) == 1 and deletes[0]['status'] == 200
    # The run was read until it had ended, and only then was the job deleted.
    assert [entry['seq'] for entry in sim.requests('GET', '/status$')][-1] < deletes[0]['seq']
