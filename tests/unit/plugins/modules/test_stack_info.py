# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""hwcloud.cloud.stack_info: the real main() against the in-process simulator.

The default seed has stack-demo-0001 (name web, Running) and stack-abnormal-0001 (name broken,
Abnormal) in the project. Every test reads the simulator's request log to see what was sent.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.cloud.plugins.module_utils import aos
from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError
from ansible_collections.hwcloud.cloud.plugins.modules import stack_info, stack_lifecycle

DEMO = 'stack-demo-0001'
BROKEN = 'stack-abnormal-0001'
OTHER_PROJECT = 'ffffffffffffffffffffffffffffffff'


@pytest.fixture(name='info')
def info_fixture(sim, run_module):
    """``info(**options)`` runs stack_info with the simulator's connection options (max_retries 0 unless given)."""

    def info(check_mode=False, **options):
        options.setdefault('max_retries', 0)
        return run_module(stack_info.main, sim.read_only_args(**options), check_mode=check_mode)

    return info


def guids(result):
    return sorted(stack['guid'] for stack in result['stacks'])


def list_queries(sim):
    return [entry['query'] for entry in sim.requests('GET', r'^/v2/stacks$')]


@pytest.mark.parametrize('check_mode', [False, True], ids=['run', 'check'])
def test_by_id_reads_one_stack(sim, info, check_mode):
    result = info(check_mode=check_mode, stack_id=DEMO)
    assert result.rc == 0, result
    assert result['changed'] is False
    assert result['stacks'] == [aos.stack_result(sim.state.get_stack(sim.project_id, DEMO))]
    assert result['stacks'][0]['name'] == 'web' and result['stacks'][0]['inputs'] == {'param1': 'value0'}
    assert [(entry['method'], entry['path'], entry['query']) for entry in sim.requests()] == [('GET', '/v2/stacks/%s' % DEMO, {})]


@pytest.mark.parametrize('check_mode', [False, True], ids=['run', 'check'])
def test_by_name_lists_with_project_and_name(sim, info, check_mode):
    result = info(check_mode=check_mode, stack_name='web')
    assert result.rc == 0, result
    assert result['changed'] is False
    assert guids(result) == [DEMO]
    assert list_queries(sim) == [{'project_id': sim.project_id, 'name': 'web'}]
    assert [entry['method'] for entry in sim.requests()] == ['GET']


def test_by_name_returns_every_stack_of_that_name(sim, info):
    sim.upsert_stack(guid='stack-web-0002', name='web')
    assert guids(info(stack_name='web')) == [DEMO, 'stack-web-0002']


def test_neither_lists_every_stack_of_the_project_only(sim, info):
    sim.upsert_stack(guid='stack-elsewhere', name='web', project_id=OTHER_PROJECT)
    result = info()
    assert result.rc == 0, result
    assert guids(result) == [BROKEN, DEMO]
    assert list_queries(sim) == [{'project_id': sim.project_id}]


def test_listed_and_read_stacks_have_the_shape_stack_lifecycle_returns(sim, info, run_module):
    listed = dict((stack['guid'], stack) for stack in info()['stacks'])
    read = info(stack_id=BROKEN)['stacks'][0]
    lifecycle = run_module(stack_lifecycle.main, sim.connection_args(stack_id=BROKEN, lifecycle='create'), check_mode=True)
    assert lifecycle.rc == 0, lifecycle
    assert listed[BROKEN] == read == lifecycle['stack']


@pytest.mark.parametrize('options', [{'stack_id': 'stack-nowhere-0001'}, {'stack_name': 'nowhere'}], ids=['id', 'name'])
def test_unknown_is_an_empty_list(sim, info, options):
    result = info(**options)
    assert result.rc == 0, result
    assert result['stacks'] == [] and result['changed'] is False
    assert len(sim.requests()) == 1


def test_a_404_on_the_list_is_an_empty_list(sim, info):
    sim.fault(method='GET', path=r'^/v2/stacks$', status=404,
              body={'code': 'AOS.0101', 'message': 'no stacks', 'extend': None, 'showdetail': False})
    result = info(stack_name='web')
    assert result.rc == 0, result
    assert result['stacks'] == []


def test_an_empty_project_is_an_empty_list(sim, info):
    for guid in (DEMO, BROKEN):
        sim.upsert_stack(guid=guid, project_id=OTHER_PROJECT)
    assert info()['stacks'] == []


@pytest.mark.parametrize('fault', [{'status': 503}, {'status': 429}, {'status': 502}, {'status': 504}, {'kind': 'drop'}],
                         ids=['503', '429', '502', '504', 'drop'])
@pytest.mark.parametrize('path, options', [(r'^/v2/stacks$', {}), (r'^/v2/stacks/', {'stack_id': DEMO})], ids=['list', 'read'])
def test_reads_are_retried(sim, info, path, options, fault):
    sim.fault(method='GET', path=path, times=2, **fault)
    result = info(max_retries=2, **options)
    assert result.rc == 0, result
    assert DEMO in guids(result)
    assert len(sim.requests()) == 3
    assert sim.requests()[-1]['status'] == 200


@pytest.mark.parametrize('status', [500, 403])
def test_other_errors_fail_with_the_service_answer(sim, info, status):
    sim.fault(method='GET', path=r'^/v2/stacks$', status=status,
              body={'code': 'AOS.0000', 'message': 'the list broke', 'extend': None, 'showdetail': False})
    result = info()
    assert result.failed
    assert 'HTTP %d' % status in result['msg'] and 'the list broke' in result['msg']
    assert result['error']['status'] == status


def test_a_project_the_caller_is_not_in_shows_the_403(sim, info):
    result = info(project_id=OTHER_PROJECT)
    assert result.failed
    assert 'HTTP 403' in result['msg'] and 'AOS.0102' in result['msg']
    assert list_queries(sim) == [{'project_id': OTHER_PROJECT}]


@pytest.mark.parametrize('answer, expected', [
    ([{'guid': 'a', 'name': 'web'}], [{'guid': 'a', 'name': 'web'}]),
    ({'stacks': [{'guid': 'a', 'name': 'web'}]}, [{'guid': 'a', 'name': 'web'}]),
    ({'stacks': [{'guid': 'a', 'name': 'web'}], 'total': 1}, [{'guid': 'a', 'name': 'web'}]),
    ([], []),
    ({'stacks': []}, []),
])
def test_a_bare_array_or_an_object_wrapping_it(sim, info, answer, expected):
    sim.fault(method='GET', path=r'^/v2/stacks$', status=200, body=answer)
    result = info()
    assert result.rc == 0, result
    assert result['stacks'] == expected


def test_a_service_ignoring_the_name_filter_does_not_leak_other_stacks(sim, info):
    sim.fault(method='GET', path=r'^/v2/stacks$', status=200, body=[{'guid': 'a', 'name': 'web'}, {'guid': 'b', 'name': 'db'}])
    assert info(stack_name='web')['stacks'] == [{'guid': 'a', 'name': 'web'}]


@pytest.mark.parametrize('answer', [{}, {'stacks': 'none'}, 42, [1, 2], {'items': []}, None])
def test_an_answer_of_another_shape_fails_cleanly(sim, info, answer):
    sim.fault(method='GET', path=r'^/v2/stacks$', status=200, body=answer)
    result = info()
    assert result.failed
    assert 'neither a list of stacks nor an object' in result['msg']
    assert 'Traceback' not in result['msg'] and 'exception' not in result


@pytest.mark.parametrize('answer', [[], {'stacks': []}, [{'guid': 'a'}]])
def test_stacks_in_accepts(answer):
    assert aos.stacks_in(answer, 'Listing') == (answer if isinstance(answer, list) else answer['stacks'])


@pytest.mark.parametrize('answer', [{}, None, 'x', [None], {'stacks': {'a': 1}}])
def test_stacks_in_refuses(answer):
    with pytest.raises(HwCloudError):
        aos.stacks_in(answer, 'Listing')


LONG_ID = 's' * 65


@pytest.mark.parametrize('options, words, option', [
    ({'stack_id': LONG_ID}, ['stack_id', LONG_ID, '1 to 64'], 'stack_id'),
    ({'stack_id': ''}, ['stack_id', "''", '1 to 64'], 'stack_id'),
    ({'stack_name': ''}, ['stack_name', 'must not be empty'], 'stack_name'),
    ({'stack_name': '  '}, ['stack_name', 'must not be empty'], 'stack_name'),
    ({'stack_name': 'web\n'}, ['stack_name', 'control characters'], 'stack_name'),
    ({'stack_id': DEMO, 'stack_name': 'web'}, ['mutually exclusive', 'stack_id', 'stack_name'], None),
])
def test_invalid_input_fails_before_any_http_call(sim, info, options, words, option):
    result = info(**options)
    assert result.failed
    for word in words:
        assert word in result['msg'], (word, result['msg'])
    assert result.get('invalid_option') == option
    assert sim.requests() == []


def test_listing_needs_a_project_id_with_a_token(sim, info):
    result = info(project_id=None)
    assert result.failed
    assert 'project_id' in result['msg'] and 'to list AOS stacks' in result['msg']
    assert sim.requests() == []


def test_reading_by_id_needs_no_project_id(sim, info):
    result = info(project_id=None, stack_id=DEMO)
    assert result.rc == 0, result
    assert guids(result) == [DEMO]


def test_password_auth_learns_the_project_from_its_token(sim, info):
    result = info(project_id=None, auth_token=None, user_name='sim-user', password='sim-password', domain_name='sim-domain',
                  region='ap-southeast-1')
    assert result.rc == 0, result
    assert guids(result) == [BROKEN, DEMO]
    assert list_queries(sim) == [{'project_id': sim.project_id}]
