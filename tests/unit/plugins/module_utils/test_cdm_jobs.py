# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""cdm_jobs.py: the config codec, what modules return, validation results and the missing-means-absent rule."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.cloud.plugins.module_utils import cdm_jobs
from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError, InvalidOptionError


# ------------------------------------------------------------------ the codec

def test_encode_sends_every_value_as_a_string_under_its_group():
    encoded = cdm_jobs.encode_configs({'linkConfig': {'host': '10.0.0.5', 'port': 3306, 'ssl': True, 'ratio': 0.5}})

    assert encoded == {'configs': [{'name': 'linkConfig', 'inputs': [
        {'name': 'linkConfig.host', 'value': '10.0.0.5'},
        {'name': 'linkConfig.port', 'value': '3306'},
        {'name': 'linkConfig.ssl', 'value': 'true'},
        {'name': 'linkConfig.ratio', 'value': '0.5'},
    ]}]}


def test_decode_undoes_the_services_form_encoding():
    answered = {'configs': [{'name': 'toJobConfig', 'inputs': [
        {'name': 'toJobConfig.outputDirectory', 'value': '%2Fdata%2Fin'},
        {'name': 'toJobConfig.note', 'value': 'two+words'},
        {'name': 'toJobConfig.plus', 'value': 'a%2Bb'},
    ]}]}

    assert cdm_jobs.decode_configs(answered) == {'toJobConfig': {'outputDirectory': '/data/in', 'note': 'two words', 'plus': 'a+b'}}


def test_a_round_trip_through_the_encoded_answer_finds_no_change():
    wanted = {'fromJobConfig': {'path': '/data/in dir', 'port': 5432, 'flag': False}}
    # What the service stores and answers: every value form-encoded.
    answered = {'configs': [{'name': 'fromJobConfig', 'inputs': [
        {'name': 'fromJobConfig.path', 'value': '%2Fdata%2Fin+dir'},
        {'name': 'fromJobConfig.port', 'value': '5432'},
        {'name': 'fromJobConfig.flag', 'value': 'false'},
    ]}]}

    assert cdm_jobs.config_changes(wanted, cdm_jobs.decode_configs(answered)) == []
    assert cdm_jobs.config_changes({'fromJobConfig': {'port': 5433}}, cdm_jobs.decode_configs(answered)) == ['fromJobConfig.port']


def test_decode_tolerates_odd_answers():
    assert cdm_jobs.decode_configs(None) == {}
    assert cdm_jobs.decode_configs({'configs': ['x', {'name': 'g', 'inputs': [None, {'value': 'no name'}, {'name': 'g.k', 'value': 3}]}]}) \
        == {'g': {'k': 3}}


def test_overlay_keeps_keys_the_task_does_not_give():
    current = {'throttlingConfig': {'numExtractors': '1', 'numLoaders': '1'}, 'schedulerConfig': {'isSchedulerJob': 'false'}}

    merged = cdm_jobs.overlay(current, {'throttlingConfig': {'numExtractors': 2}, 'retryJobConfig': {'retryJobType': 'NONE'}})

    assert merged == {'throttlingConfig': {'numExtractors': '2', 'numLoaders': '1'}, 'schedulerConfig': {'isSchedulerJob': 'false'},
                      'retryJobConfig': {'retryJobType': 'NONE'}}
    assert current['throttlingConfig']['numExtractors'] == '1'


# ------------------------------------------------------------------ bad input

@pytest.mark.parametrize('value', [None, {'a': 1}, [1]])
def test_a_config_value_must_be_a_scalar(value):
    with pytest.raises(InvalidOptionError) as raised:
        cdm_jobs.check_config('from_config', {'tableName': value})
    assert "'from_config.tableName'" in raised.value.message
    assert 'string, a number or a boolean' in raised.value.message


def test_a_driver_group_must_be_a_dict():
    with pytest.raises(InvalidOptionError) as raised:
        cdm_jobs.check_driver_config({'throttlingConfig': 2})
    assert "'driver_config.throttlingConfig'" in raised.value.message
    assert 'must be a dictionary' in raised.value.message
    cdm_jobs.check_driver_config({'throttlingConfig': {'numExtractors': 2}})


# ------------------------------------------------------------------ results

def test_job_result_decodes_every_config():
    job = {'name': 'mysql2obs', 'job_type': 'NORMAL_JOB', 'status': 'NEW',
           'from-link-name': 'mysql', 'from-connector-name': 'generic-jdbc-connector',
           'to-link-name': 'obs', 'to-connector-name': 'obs-connector',
           'from-config-values': cdm_jobs.encode_configs({'fromJobConfig': {'schemaName': 'sales'}}),
           'to-config-values': {'configs': [{'name': 'toJobConfig', 'inputs': [{'name': 'toJobConfig.outputDirectory', 'value': '%2Fdl'}]}]},
           'driver-config-values': cdm_jobs.encode_configs({'throttlingConfig': {'numExtractors': 2}})}

    assert cdm_jobs.job_result(job) == {
        'name': 'mysql2obs', 'job_type': 'NORMAL_JOB', 'status': 'NEW',
        'from_link': 'mysql', 'from_connector': 'generic-jdbc-connector', 'to_link': 'obs', 'to_connector': 'obs-connector',
        'from_config': {'schemaName': 'sales'}, 'to_config': {'outputDirectory': '/dl'},
        'driver_config': {'throttlingConfig': {'numExtractors': '2'}},
    }


def test_link_result_never_holds_a_secret_even_when_the_service_answers_one():
    link = {'name': 'mysql', 'connector-name': 'generic-jdbc-connector', 'enabled': True,
            'link-config-values': cdm_jobs.encode_configs({'linkConfig': {'host': 'db', 'password': 'Secr3t!'}})}

    assert cdm_jobs.link_result(link, hidden={'password': 'x'}) == {
        'name': 'mysql', 'connector': 'generic-jdbc-connector', 'enabled': True, 'config': {'host': 'db'}}


def test_submission_counters_are_flat_and_lower_case():
    run = {'submission-id': 7, 'job-name': 'j', 'status': 'SUCCEEDED', 'isIncrementing': False, 'progress': 100,
           'counters': {'org.apache.sqoop.submission.counter.SqoopCounters': {'ROWS_READ': 5, 'BYTES_WRITTEN': 40}}}

    assert cdm_jobs.submission_result(run) == {'submission_id': 7, 'job_name': 'j', 'status': 'SUCCEEDED', 'is_incrementing': False,
                                               'progress': 100, 'counters': {'rows_read': 5, 'bytes_written': 40}}


def test_runs_are_sorted_newest_first_whatever_the_order_answered():
    runs = [{'submission-id': 1, 'creation-date': 100}, {'submission-id': 3, 'creation-date': 300}, 'junk',
            {'submission-id': 2, 'creation-date': 200}]

    assert [run['submission-id'] for run in cdm_jobs.newest_first(runs)] == [3, 2, 1]


def test_listed_run_needs_no_call_and_is_none_for_a_new_job():
    assert cdm_jobs.listed_run({'name': 'j', 'status': 'NEW'}) is None
    assert cdm_jobs.listed_run({'name': 'j', 'status': 'FAILED', 'error-summary': 'boom', 'job_type': 'NORMAL_JOB'}) == {
        'job_name': 'j', 'status': 'FAILED', 'error_summary': 'boom', 'counters': {}}


def test_validation_messages_by_level_however_grouped():
    job_answer = {'validation-result': [{'message': 'bad table', 'status': 'ERROR'}, {'message': 'slow', 'status': 'WARNING'}]}
    link_answer = {'validation-result': [{'linkConfig': [{'message': 'cannot connect', 'status': 'ERROR'}]}]}

    assert cdm_jobs.validation_messages(job_answer) == ['bad table']
    assert cdm_jobs.validation_messages(job_answer, 'WARNING') == ['slow']
    assert cdm_jobs.validation_messages(link_answer) == ['cannot connect']
    assert cdm_jobs.validation_messages({'validation-result': [{}]}) == []
    assert cdm_jobs.validation_messages({'validation-result': [{'message': 'still running'}]}, level=None) == ['still running']


@pytest.mark.parametrize('status, code, missing', [
    (400, 'Cdm.0100', True), (400, 'Cdm.0054', True), (404, 'Cdm.0015', True),
    (404, 'APIGW.0101', False), (400, 'Cdm.0035', False), (500, 'Cdm.0000', False),
])
def test_missing_job_or_link(status, code, missing):
    assert cdm_jobs.is_missing(HwCloudError('x', status=status, code=code)) is missing


def test_run_failure_quotes_the_service():
    assert cdm_jobs.run_failure({'status': 'FAILED', 'error-summary': 'Table missing.', 'error-details': 'SQL 42S02'}) \
        == 'it ended FAILED: Table missing.'
