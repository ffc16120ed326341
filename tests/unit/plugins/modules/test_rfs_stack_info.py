# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""hwcloud.cloud.rfs_stack_info run in-process against the in-process simulator (default seed:
demo-rfs deployed with an output, broken-rfs DEPLOYMENT_FAILED with an ERROR event)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.cloud.plugins.modules import rfs_stack_info

DEMO = 'demo-rfs'
DEMO_ID = '7c1a3f52-5b8e-4d2a-9c61-0e4b2f8a9d01'
BROKEN = 'broken-rfs'


@pytest.fixture(name='info')
def info_fixture(sim, run_module):
    def info(check_mode=False, **options):
        return run_module(rfs_stack_info.main, sim.read_only_args(**options), check_mode=check_mode)
    return info


def calls(sim):
    return [entry for entry in sim.requests() if entry['service'] == 'rfs']


def test_every_stack_of_every_page(sim, info):
    for index in range(7):
        sim.state.rfs.upsert({'stack_name': 'extra-%d' % index})
    sim.state.settings['rfs_page_cap'] = 3
    result = info()
    assert result.rc == 0, result
    assert result['changed'] is False
    assert [stack['stack_name'] for stack in result['stacks']] == [DEMO, BROKEN] + ['extra-%d' % index for index in range(7)]
    assert len(calls(sim)) == 3
    assert all(entry['method'] == 'GET' for entry in calls(sim))


def test_one_stack_by_name_is_its_metadata(sim, info):
    result = info(stack_name=DEMO)
    assert result.rc == 0, result
    assert [stack['stack_id'] for stack in result['stacks']] == [DEMO_ID]
    assert result['stacks'][0]['vars_structure'] == [{'var_key': 'vpc_name', 'var_value': 'demo-vpc'}]
    assert 'outputs' not in result['stacks'][0] and 'events' not in result['stacks'][0]
    assert [entry['path'].rsplit('/', 1)[-1] for entry in calls(sim)] == ['metadata']


def test_an_unknown_name_is_an_empty_list(sim, info):
    result = info(stack_name='nowhere')
    assert result.rc == 0, result
    assert result['stacks'] == []
    assert result['changed'] is False


def test_outputs_resources_and_events_when_asked(sim, info):
    result = info(stack_name=DEMO, outputs=True, resources=True, events=True)
    stack = result['stacks'][0]
    assert [output['name'] for output in stack['outputs']] == ['vpc_id']
    assert sorted(resource['logical_resource_name'] for resource in stack['resources']) == ['data', 'subnet', 'vpc']
    assert isinstance(stack['events'], list)
    broken = info(stack_name=BROKEN, events=True)['stacks'][0]
    assert [event['event_type'] for event in broken['events'] if event['event_type'] == 'ERROR'] == ['ERROR']


def test_details_of_every_stack_follow_every_page(sim, info):
    sim.state.settings['rfs_page_cap'] = 1
    result = info(resources=True)
    assert result.rc == 0, result
    demo = [stack for stack in result['stacks'] if stack['stack_name'] == DEMO][0]
    assert len(demo['resources']) == 3
    resource_reads = [entry for entry in calls(sim) if entry['path'].endswith('/demo-rfs/resources')]
    assert len(resource_reads) == 3


def test_check_mode_reads_the_same_and_only_gets(sim, info):
    result = info(check_mode=True, outputs=True, resources=True, events=True)
    assert result.rc == 0, result
    assert len(result['stacks']) == 2
    assert {entry['method'] for entry in calls(sim)} == {'GET'}
    assert len(set(entry['client_request_id'] for entry in calls(sim))) == len(calls(sim))


def test_a_stack_deleted_between_the_list_and_its_details_is_left_out(sim, info):
    sim.fault(method='GET', path='/broken-rfs/outputs$', kind='status', status=404,
              body={'error_code': 'RF.10041001', 'error_msg': 'stack broken-rfs does not exist'})
    result = info(outputs=True)
    assert result.rc == 0, result
    assert [stack['stack_name'] for stack in result['stacks']] == [DEMO]


@pytest.mark.parametrize('name', ['1abc', 'a b', 'x' * 129])
def test_a_bad_name_fails_before_any_call(sim, info, name):
    result = info(stack_name=name)
    assert result.failed
    assert result['invalid_option'] == 'stack_name'
    assert calls(sim) == []


def test_an_api_gateway_404_fails_instead_of_giving_an_empty_list(sim, info):
    result = info(stack_name=DEMO, endpoint=sim.url + '/wrong-path')
    assert result.rc == 1, result
    assert result['error']['status'] == 404 and result['error']['code'] == 'APIGW.0101'
    assert 'stacks' not in result


def test_a_stack_answer_without_stack_name_reads_its_details_by_the_name_given(sim, info):
    sim.fault(method='GET', path='/metadata$', kind='status', status=200, body={'stack_id': DEMO_ID, 'status': 'DEPLOYMENT_COMPLETE'})
    result = info(stack_name=DEMO, outputs=True)
    assert result.rc == 0, result
    assert [output['name'] for output in result['stacks'][0]['outputs']] == ['vpc_id']


def test_a_listed_stack_without_stack_name_fails_naming_it_when_details_are_asked(sim, info):
    sim.fault(method='GET', path='/stacks$', kind='status', status=200, body={'stacks': [{'stack_id': DEMO_ID}]})
    result = info(outputs=True)
    assert result.rc == 1, result
    assert result['msg'].startswith('Listing RFS stacks: a stack in the answer has no stack_name, so its details cannot be read')
    assert 'Unexpected' not in result['msg']
