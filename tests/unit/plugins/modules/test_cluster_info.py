# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""hwcloud.cloud.cluster_info run in-process against the in-process simulator.

What the module returns is checked together with what went on the wire: only GETs,
one per cluster read, one per job type and page, and none for clusters that cannot answer.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.hwcloud.cloud.plugins.modules import cluster_info

DEMO_ID = 'bae65496-643e-47ca-84af-948672de7eeb'
STOPPED_ID = '5c9e2a41-7d3b-4f0e-9a6c-1b2d3e4f5a6b'
PROJECT_ID = '0605767a2c80d5a62f5cc0123456789a'
CLUSTERS_PATH = '/v1.1/%s/clusters' % PROJECT_ID
CLUSTER_PATH = '%s/%s' % (CLUSTERS_PATH, DEMO_ID)
JOBS_PATH = CLUSTER_PATH + '/cdm/job/all'
JOB_TYPES = ['NORMAL_JOB', 'BATCH_JOB', 'SCENARIO_JOB']
OTHER_ID = '11111111-2222-3333-4444-555555555555'


@pytest.fixture(name='info')
def info_fixture(sim, run_module):
    """``info(**options)`` runs the module with the simulator's connection options."""

    def info(check_mode=False, **options):
        return run_module(cluster_info.main, sim.read_only_args(**options), check_mode=check_mode)

    return info


def wire(sim):
    return [(entry['method'], entry['path'], entry['query'].get('jobType'), entry['query'].get('page_no')) for entry in sim.requests()]


# ------------------------------------------------------------------ which clusters

def test_by_id_returns_the_cluster_with_one_get(sim, info):
    result = info(cluster_id=DEMO_ID)

    assert result.rc == 0, result
    assert result['changed'] is False
    assert [cluster['id'] for cluster in result['clusters']] == [DEMO_ID]
    cluster = result['clusters'][0]
    assert cluster['status'] == '200'
    assert cluster['status_detail'] == 'Normal'
    assert cluster['is_frozen'] == '0'
    assert cluster['failed_reasons'] == {}
    assert 'jobs' not in cluster
    assert wire(sim) == [('GET', CLUSTER_PATH, None, None)]


def test_unknown_id_is_an_empty_list_not_a_failure(sim, info):
    result = info(cluster_id='00000000-0000-0000-0000-000000000000', jobs=True)

    assert result.rc == 0, result
    assert result['changed'] is False
    assert result['clusters'] == []
    assert [(entry['method'], entry['status']) for entry in sim.requests()] == [('GET', 404)]


def test_by_name_returns_every_cluster_of_that_name(sim, info):
    sim.upsert_cluster(id=OTHER_ID, name='cdm-demo', status='900')

    result = info(cluster_name='cdm-demo')

    assert result.rc == 0, result
    assert sorted(cluster['id'] for cluster in result['clusters']) == sorted([DEMO_ID, OTHER_ID])
    assert wire(sim) == [('GET', CLUSTERS_PATH, None, None)]


def test_unknown_name_is_an_empty_list(sim, info):
    result = info(cluster_name='no-such-cluster')

    assert result.rc == 0, result
    assert result['clusters'] == []
    assert len(sim.requests()) == 1


def test_without_id_or_name_every_cluster_is_returned_with_one_call(sim, info):
    result = info()

    assert result.rc == 0, result
    assert {cluster['name']: cluster['status'] for cluster in result['clusters']} == {'cdm-demo': '200', 'cdm-stopped': '900'}
    assert wire(sim) == [('GET', CLUSTERS_PATH, None, None)]


def test_status_is_the_api_string_code_and_failed_reasons_are_shown(sim, info):
    sim.upsert_cluster(id=DEMO_ID, status='303')

    result = info(cluster_id=DEMO_ID)

    cluster = result['clusters'][0]
    assert cluster['status'] == '303'
    assert cluster['failed_reasons'] == {'create_failed': {'error_code': 'Cdm.0900', 'error_msg': 'The cluster could not be created.'}}


# ------------------------------------------------------------------ jobs

def test_jobs_of_a_running_cluster_every_type_every_page(sim, info):
    result = info(cluster_id=DEMO_ID, jobs=True)

    assert result.rc == 0, result
    jobs = result['clusters'][0]['jobs']
    assert [(job['name'], job['status'], job['job_type']) for job in jobs] == [
        ('mysql2hive', 'RUNNING', 'NORMAL_JOB'), ('obs2dws', 'SUCCEEDED', 'NORMAL_JOB'), ('nightly-batch', 'NEW', 'BATCH_JOB')]
    assert jobs[0]['creation_date'] == 1685613600000
    assert jobs[0]['from_link_name'] == 'mysql-link'
    assert not [key for job in jobs for key in job if '-' in key]
    assert wire(sim) == [('GET', CLUSTER_PATH, None, None)] + [('GET', JOBS_PATH, job_type, '1') for job_type in JOB_TYPES]
    assert {entry['query']['page_size'] for entry in sim.requests()[1:]} == {'100'}


def test_many_jobs_are_read_page_by_page(sim, info):
    sim.upsert_cluster(id=DEMO_ID, jobs=[{'name': 'job-%03d' % i} for i in range(205)] + [{'name': 'b', 'job_type': 'BATCH_JOB'}])

    result = info(cluster_id=DEMO_ID, jobs=True)

    assert [job['name'] for job in result['clusters'][0]['jobs']] == ['job-%03d' % i for i in range(205)] + ['b']
    assert wire(sim)[1:] == [('GET', JOBS_PATH, 'NORMAL_JOB', '1'), ('GET', JOBS_PATH, 'NORMAL_JOB', '2'),
                             ('GET', JOBS_PATH, 'NORMAL_JOB', '3'), ('GET', JOBS_PATH, 'BATCH_JOB', '1'),
                             ('GET', JOBS_PATH, 'SCENARIO_JOB', '1')]


@pytest.mark.parametrize('status', ['900', '910', '920', '100', '500', '300', '303', '800'])
def test_clusters_not_in_200_carry_no_jobs_and_get_no_job_call(sim, info, status):
    sim.upsert_cluster(id=DEMO_ID, status=status, transition_seconds=60)

    result = info(cluster_id=DEMO_ID, jobs=True)

    assert result.rc == 0, result
    assert result['clusters'][0]['jobs'] == []
    assert wire(sim) == [('GET', CLUSTER_PATH, None, None)]


def test_jobs_for_every_cluster_only_ask_running_ones(sim, info):
    result = info(jobs=True)

    assert result.rc == 0, result
    by_name = dict((cluster['name'], cluster) for cluster in result['clusters'])
    assert [job['name'] for job in by_name['cdm-demo']['jobs']] == ['mysql2hive', 'obs2dws', 'nightly-batch']
    assert by_name['cdm-stopped']['jobs'] == []
    assert [path for _method, path, _type, _page in wire(sim)] == [CLUSTERS_PATH] + [JOBS_PATH] * 3


def test_check_mode_reads_the_same_and_sends_no_post(sim, info):
    normal = info(jobs=True)
    sim.clear_requests()

    checked = info(jobs=True, check_mode=True)

    assert checked.rc == 0, checked
    assert checked['changed'] is False
    assert checked['clusters'] == normal['clusters']
    assert {entry['method'] for entry in sim.requests()} == {'GET'}


def test_throttled_job_read_is_retried(sim, info):
    sim.fault(method='GET', path='/cdm/job/all$', kind='status', status=429, retry_after='0')

    result = info(cluster_id=DEMO_ID, jobs=True)

    assert result.rc == 0, result
    assert len(result['clusters'][0]['jobs']) == 3
    assert [entry['status'] for entry in sim.requests()] == [200, 429, 200, 200, 200]


def test_failed_job_read_fails_with_the_service_error(sim, info):
    sim.fault(method='GET', path='/cdm/job/all$', kind='status', status=400,
              body={'errCode': 'Cdm.0035', 'externalMessage': 'The cluster is not running.'})

    result = info(cluster_id=DEMO_ID, jobs=True)

    assert result.rc == 1
    assert result['msg'].startswith('Listing the NORMAL_JOB jobs of CDM cluster %s (page 1): HTTP 400 Cdm.0035: '
                                    'The cluster is not running.' % DEMO_ID)
    assert result['error']['code'] == 'Cdm.0035'


def test_access_key_signing_is_accepted_for_job_queries(sim, run_module):
    args = sim.read_only_args(cluster_id=DEMO_ID, jobs=True, access_key='SIMACCESSKEY0000', secret_key='sim-secret-key')
    del args['auth_token']

    result = run_module(cluster_info.main, args)

    assert result.rc == 0, result
    assert [(entry['auth'], entry['status']) for entry in sim.requests()] == [('aksk', 200)] * 4
    assert 'sim-secret-key' not in json.dumps(result)


# ------------------------------------------------------------------ bad input: no HTTP call

@pytest.mark.parametrize('options, expected', [
    ({'cluster_id': DEMO_ID, 'cluster_name': 'cdm-demo'}, 'parameters are mutually exclusive: cluster_id|cluster_name'),
    ({'cluster_id': ''}, "Invalid value for option 'cluster_id': ''; it must be 1 to 64 characters long (got 0)."),
    ({'cluster_id': 'x' * 65}, "Invalid value for option 'cluster_id': '%s'; it must be 1 to 64 characters long (got 65)." % ('x' * 65)),
    ({'cluster_name': ''}, "Invalid value for option 'cluster_name': ''; it must be 1 to 64 characters long (got 0)."),
    ({'jobs': 'maybe'}, "argument 'jobs' is of type str and we were unable to convert to bool"),
    ({'project_id': '  '}, "Invalid value for option 'project_id': '  '; it must not be empty."),
    ({'endpoint': 'ftp://x'}, "Invalid value for option 'endpoint': 'ftp://x'; it must be an http:// or https:// URL."),
])
def test_bad_input_fails_before_any_http_call(sim, info, options, expected):
    result = info(**options)

    assert result.rc == 1
    assert result['msg'].startswith(expected), result['msg']
    assert sim.requests() == []
    assert 'sim-token' not in json.dumps(result)


def test_missing_project_id_fails_before_any_http_call(sim, run_module, monkeypatch):
    monkeypatch.delenv('HW_PROJECT_ID', raising=False)
    args = sim.read_only_args()
    del args['project_id']

    result = run_module(cluster_info.main, args)

    assert result.rc == 1
    assert result['msg'] == 'project_id (HW_PROJECT_ID) is required for CDM, whose URIs carry it.'
    assert sim.requests() == []
