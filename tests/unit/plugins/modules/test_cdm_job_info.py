# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""hwcloud.cloud.cdm_job_info in-process against the in-process simulator."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.cloud.plugins.modules import cdm_job_info, cdm_job_run

DEMO_ID = 'bae65496-643e-47ca-84af-948672de7eeb'
STOPPED_ID = '5c9e2a41-7d3b-4f0e-9a6c-1b2d3e4f5a6b'


@pytest.fixture(name='info')
def info_fixture(sim, run_module):
    def info(**options):
        args = sim.connection_args()
        # A read-only module has no wait options: only those the test gives are passed.
        for option in ('wait', 'wait_timeout', 'poll_interval'):
            args.pop(option, None)
        args.update(dict(cluster_id=DEMO_ID), **options)
        return run_module(cdm_job_info.main, args)
    return info


def test_every_job_of_every_type_with_only_list_calls(sim, info):
    result = info()

    assert result.rc == 0, result
    assert result['changed'] is False
    names = set(job['name'] for job in result['jobs'])
    assert {'mysql2hive', 'obs2dws', 'nightly-batch'} <= names
    assert {job['job_type'] for job in result['jobs']} >= {'NORMAL_JOB', 'BATCH_JOB'}
    for job in result['jobs']:
        assert set(job) >= {'name', 'job_type', 'from_link', 'to_link', 'from_config', 'to_config', 'driver_config', 'status',
                            'last_submission'}
    assert [entry['query'].get('jobType') for entry in sim.requests(path='/cdm/')] == ['NORMAL_JOB', 'BATCH_JOB', 'SCENARIO_JOB']


def test_one_job_with_its_runs_newest_first(sim, info, run_module):
    for _run in range(2):
        ran = run_module(cdm_job_run.main, sim.connection_args(cluster_id=DEMO_ID, name='obs2dws'))
        assert ran.rc == 0, ran

    result = info(name='obs2dws', submissions=True)

    assert result.rc == 0, result
    job, = result['jobs']
    dates = [run['creation_date'] for run in job['submissions']]
    assert len(dates) >= 2 and dates == sorted(dates, reverse=True)
    assert job['last_submission'] == job['submissions'][0]
    assert job['last_submission']['status'] == 'SUCCEEDED'


def test_an_unknown_job_is_an_empty_list(sim, info):
    result = info(name='no-such-job')

    assert result.rc == 0, result
    assert result['jobs'] == []


def test_read_only_no_wait_options(sim, info):
    result = info(wait=True)

    assert result.rc == 1
    assert 'wait' in result['msg']
    assert sim.requests() == []


def test_a_stopped_cluster_fails_naming_cluster_start(sim, info):
    result = info(cluster_id=STOPPED_ID)

    assert result.rc == 1
    assert 'hwcloud.cloud.cluster_start' in result['msg']
    assert len(sim.requests()) == 1
