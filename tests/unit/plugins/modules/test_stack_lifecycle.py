# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""hwcloud.cloud.stack_lifecycle: the real main() against the in-process simulator.

Each test starts from the simulator's default seed (stack-demo-0001 Running with
inputs {param1: value0}, stack-abnormal-0001 Abnormal) and reads the simulator's
request log to count what was sent.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys

import pytest

from ansible.module_utils import basic

from ansible_collections.hwcloud.cloud.plugins.modules import stack_lifecycle

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19
    patch_module_args = None

try:
    from hwcloud_sim.server import start as start_simulator
except ImportError:
    # The simulator ships next to the collection (simulator/hwcloud_sim), in the repo and in the ansible-test tree.
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', '..', 'simulator'))
    from hwcloud_sim.server import start as start_simulator

TOKEN = 'sim-token'
DEMO = 'stack-demo-0001'
BROKEN = 'stack-abnormal-0001'
ABSENT = 'stack-nowhere-0001'
TRANSITION = 0.2


# BaseException, like the SystemExit they replace: the module's own last-resort
# "except Exception" must not swallow them.
class ModuleExit(BaseException):
    def __init__(self, result):
        super().__init__(result)
        self.result = result


class ModuleFail(BaseException):
    def __init__(self, result):
        super().__init__(result)
        self.result = result


def _exit_json(self, **kwargs):  # pylint: disable=unused-argument
    kwargs.setdefault('changed', False)
    raise ModuleExit(kwargs)


def _fail_json(self, msg, **kwargs):  # pylint: disable=unused-argument
    kwargs['failed'] = True
    kwargs['msg'] = msg
    raise ModuleFail(kwargs)


@pytest.fixture(name='shared_sim', scope='module')
def shared_sim_fixture():
    simulator = start_simulator(transition_seconds=TRANSITION)
    try:
        yield simulator
    finally:
        simulator.stop()


@pytest.fixture(name='sim')
def sim_fixture(shared_sim, monkeypatch):
    shared_sim.reset()
    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', _exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', _fail_json)
    return shared_sim


def run_module(sim, check_mode=False, diff=False, **options):
    """Run main() once; return (failed, result)."""
    args = dict(endpoint=sim.url, auth_token=TOKEN, poll_interval=0.05, wait_timeout=20, max_retries=0)
    args.update(options)
    args['_ansible_check_mode'] = check_mode
    args['_ansible_diff'] = diff
    try:
        if patch_module_args is not None:
            with patch_module_args(args):
                stack_lifecycle.main()
        else:  # pragma: no cover - ansible-core < 2.19
            import json  # pylint: disable=import-outside-toplevel
            from unittest import mock  # pylint: disable=import-outside-toplevel
            with mock.patch.object(basic, '_ANSIBLE_ARGS', json.dumps({'ANSIBLE_MODULE_ARGS': args}).encode()):
                stack_lifecycle.main()
    except ModuleExit as done:
        return False, done.result
    except ModuleFail as failed:
        return True, failed.result
    raise AssertionError('the module neither exited nor failed')


def puts(sim):
    return [entry for entry in sim.log.list() if entry['method'] == 'PUT']


def api_calls(sim):
    return [entry for entry in sim.log.list() if not entry['path'].startswith('/_sim')]


def set_stack(sim, **fields):
    sim.state.upsert_stack(fields)
    sim.log.clear()


def stack_of(sim, guid):
    return sim.state.get_stack(sim.state.default_project_id(), guid)


# lifecycle, status to seed (None: leave the default), extra options, expected changed, expected PUTs
DECISIONS = [
    ('delete', 'Running', {}, True, 1),
    ('delete', 'Stopped', {}, True, 1),
    ('delete', 'Abnormal', {}, True, 1),
    ('create', 'Running', {}, False, 0),
    ('create', 'Stopped', {}, True, 1),
    ('create', 'Abnormal', {}, True, 1),
    ('create', 'PartialStopped', {}, True, 1),
    ('create', 'Unknow', {}, True, 1),
    ('upgrade', 'Running', {'inputs': {'param1': 'value0'}}, False, 0),
    ('upgrade', 'Running', {'inputs': {'param1': 'value1'}}, True, 1),
    ('upgrade', 'Running', {'inputs': {'param2': 'new'}}, True, 1),
    ('upgrade', 'Running', {'inputs': {'param1': 'VALUE0'}}, True, 1),
    ('upgrade', 'Running', {'template_id': 'tmpl-1'}, False, 0),
    ('upgrade', 'Running', {'template_id': 'tmpl-2'}, True, 1),
    ('upgrade', 'Running', {'inputs': {'param1': 'value0'}, 'template_id': 'tmpl-2'}, True, 1),
    ('upgrade', 'Running', {'nodes': [{'name': 'web', 'parameters': {'instances': 3}}]}, True, 1),
    ('upgrade', 'Stopped', {'inputs': {'param1': 'value0'}}, False, 0),
    ('rollback', 'Abnormal', {}, True, 1),
    ('rollback', 'Running', {}, False, 0),
    ('rollback', 'Stopped', {}, False, 0),
    ('retry', 'Abnormal', {}, True, 1),
    ('retry', 'Running', {}, False, 0),
    ('retry', 'Stopped', {}, False, 0),
]


@pytest.mark.parametrize('lifecycle, status, options, changed, put_count', DECISIONS)
@pytest.mark.parametrize('check_mode', [False, True], ids=['apply', 'check'])
def test_decision_table(sim, lifecycle, status, options, changed, put_count, check_mode):
    set_stack(sim, guid=DEMO, status=status)
    failed, result = run_module(sim, check_mode=check_mode, stack_id=DEMO, lifecycle=lifecycle, **options)
    assert not failed, result
    assert result['changed'] is changed
    assert len(puts(sim)) == (0 if check_mode else put_count)
    if check_mode or not changed:
        assert result['action_id'] is None
        assert result['last_action_id'] is None
    else:
        assert result['action_id']
        assert result['last_action_id']
        assert puts(sim)[0]['status'] == 200


@pytest.mark.parametrize('lifecycle, status, options', [
    (lifecycle, status, options) for lifecycle, status, options, changed, _count in DECISIONS
    if changed and lifecycle != 'delete' and 'nodes' not in options])
def test_second_run_is_ok(sim, lifecycle, status, options):
    set_stack(sim, guid=DEMO, status=status)
    failed, first = run_module(sim, stack_id=DEMO, lifecycle=lifecycle, **options)
    assert not failed and first['changed'], first
    assert first['stack']['status'] == 'Running'
    failed, second = run_module(sim, stack_id=DEMO, lifecycle=lifecycle, **options)
    assert not failed, second
    assert second['changed'] is False
    assert len(puts(sim)) == 1


def test_nodes_always_send(sim):
    # The stack does not show element instance counts, so a scaling request can never be proven a no-op.
    options = dict(stack_id=DEMO, lifecycle='upgrade', nodes=[{'name': 'web', 'parameters': {'instances': 3}}])
    assert run_module(sim, **options)[1]['changed'] is True
    assert run_module(sim, **options)[1]['changed'] is True
    assert len(puts(sim)) == 2


def test_upgrade_of_stack_without_inputs_sends(sim):
    # Without the stack's inputs the module cannot prove an upgrade is a no-op.
    set_stack(sim, guid=DEMO, inputs=None)
    failed, result = run_module(sim, stack_id=DEMO, lifecycle='upgrade', inputs={'param1': 'value0'})
    assert not failed, result
    assert result['changed'] is True
    assert len(puts(sim)) == 1


def test_upgrade_compares_inputs_as_the_service_stores_them(sim):
    set_stack(sim, guid=DEMO, inputs={'param1': 'value0', 'count': '3', 'flag': 'true'})
    failed, result = run_module(sim, stack_id=DEMO, lifecycle='upgrade', inputs={'count': 3, 'flag': True})
    assert not failed, result
    assert result['changed'] is False
    assert puts(sim) == []


def test_delete_absent_is_ok(sim):
    failed, result = run_module(sim, stack_id=ABSENT, lifecycle='delete')
    assert not failed, result
    assert result == dict(result, changed=False, action_id=None, last_action_id=None, stack=None)
    assert puts(sim) == []


def test_delete_removes_the_stack(sim):
    failed, result = run_module(sim, stack_id=DEMO, lifecycle='delete')
    assert not failed, result
    assert result['changed'] is True and result['stack'] is None and result['action_id']
    assert stack_of(sim, DEMO) is None
    failed, again = run_module(sim, stack_id=DEMO, lifecycle='delete')
    assert not failed and again['changed'] is False and again['stack'] is None
    assert len(puts(sim)) == 1


@pytest.mark.parametrize('lifecycle, options', [('create', {}), ('upgrade', {'inputs': {'param1': 'v'}}), ('rollback', {}), ('retry', {})])
def test_other_lifecycles_on_absent_stack_fail_with_the_404(sim, lifecycle, options):
    failed, result = run_module(sim, stack_id=ABSENT, lifecycle=lifecycle, **options)
    assert failed
    assert result['changed'] is False
    assert 'HTTP 404' in result['msg'] and 'AOS.0101' in result['msg']
    assert result['error']['status'] == 404
    assert puts(sim) == []
    # "create" reads as "make a stack": only there does the message say where a stack comes from.
    assert ('deploys a stack that already exists' in result['msg'] and 'hwcloud.cloud.rfs_stack' in result['msg']) \
        is (lifecycle == 'create')


@pytest.mark.parametrize('lifecycle, guid, options, body', [
    ('create', DEMO, {'timeout': 20, 'failure_strategy': 'Rollback'},
     {'lifecycle': 'create', 'timeout': 20, 'failure_strategy': 'Rollback'}),
    ('rollback', BROKEN, {}, {'lifecycle': 'rollback'}),
    ('upgrade', DEMO, {'inputs': {'param1': 'value1'}}, {'lifecycle': 'upgrade', 'inputs': {'param1': 'value1'}}),
    ('retry', BROKEN, {'timeout': 20}, {'lifecycle': 'retry', 'timeout': 20}),
    ('upgrade', DEMO, {'nodes': [{'name': 'web', 'parameters': {'instances': 3}}]},
     {'lifecycle': 'upgrade', 'nodes': [{'name': 'web', 'parameters': {'instances': 3}}]}),
    ('upgrade', DEMO, {'nodes': [{'name': 'web'}]}, {'lifecycle': 'upgrade', 'nodes': [{'name': 'web'}]}),
    ('upgrade', DEMO, {'template_id': 'tmpl-2'}, {'lifecycle': 'upgrade', 'template_id': 'tmpl-2'}),
])
def test_wire_bodies(sim, lifecycle, guid, options, body):
    if lifecycle == 'create':
        set_stack(sim, guid=guid, status='Stopped')
    failed, result = run_module(sim, stack_id=guid, lifecycle=lifecycle, **options)
    assert not failed, result
    assert [entry['body'] for entry in puts(sim)] == [body]


def test_check_and_diff(sim):
    failed, result = run_module(sim, check_mode=True, diff=True, stack_id=DEMO, lifecycle='upgrade',
                                inputs={'param2': 'two'})
    assert not failed, result
    assert result['changed'] is True
    assert result['diff'] == {'before': {'status': 'Running', 'inputs': {'param1': 'value0'}},
                              'after': {'status': 'Running', 'inputs': {'param1': 'value0', 'param2': 'two'}}}
    assert puts(sim) == []
    failed, result = run_module(sim, check_mode=True, diff=True, stack_id=DEMO, lifecycle='delete')
    assert result['diff']['after'] == {'status': 'absent', 'inputs': None}
    failed, result = run_module(sim, check_mode=True, diff=True, stack_id=DEMO, lifecycle='upgrade',
                                inputs={'param1': 'value0'})
    assert result['changed'] is False
    assert result['diff']['before'] == result['diff']['after']
    assert puts(sim) == []


def test_busy_stack_without_wait_fails_without_put(sim):
    set_stack(sim, guid=DEMO, status='Processing', transition_seconds=30)
    failed, result = run_module(sim, wait=False, stack_id=DEMO, lifecycle='upgrade', inputs={'param1': 'value1'})
    assert failed
    assert result['changed'] is False
    assert 'Processing' in result['msg']
    assert result['action_id'] is None
    assert puts(sim) == []


@pytest.mark.parametrize('status', ['Processing', 'Pending'])
def test_busy_stack_with_wait_settles_then_decides(sim, status):
    set_stack(sim, guid=DEMO, status=status, transition_seconds=0.5)
    failed, result = run_module(sim, stack_id=DEMO, lifecycle='upgrade', inputs={'param1': 'value1'})
    assert not failed, result
    assert result['changed'] is True
    log = api_calls(sim)
    put_at = [index for index, entry in enumerate(log) if entry['method'] == 'PUT']
    assert len(put_at) == 1 and log[put_at[0]]['status'] == 200
    # The call right before the PUT read the stack (and saw it settled; the PUT got 200, not "being processed").
    assert log[put_at[0] - 1]['method'] == 'GET' and log[put_at[0] - 1]['path'] == '/v2/stacks/%s' % DEMO


def test_busy_stack_that_settles_into_a_no_op(sim):
    set_stack(sim, guid=DEMO, status='Processing', transition_seconds=0.3)
    failed, result = run_module(sim, stack_id=DEMO, lifecycle='create')
    assert not failed, result
    assert result['changed'] is False and puts(sim) == []


def test_failed_execution_fails_with_reason_and_action_id(sim):
    set_stack(sim, guid=DEMO, fail_next='image pull failed')
    failed, result = run_module(sim, stack_id=DEMO, lifecycle='upgrade', inputs={'param1': 'value1'})
    assert failed
    assert result['changed'] is True
    assert result['action_id']
    assert 'image pull failed' in result['msg'] and result['action_id'] in result['msg']
    assert len(puts(sim)) == 1


def test_wait_on_the_execution_record(sim):
    failed, result = run_module(sim, stack_id=DEMO, lifecycle='upgrade', inputs={'param1': 'value1'})
    assert not failed, result
    record_path = '/v2/stacks/%s/actions/%s' % (DEMO, result['action_id'])
    assert any(entry['method'] == 'GET' and entry['path'] == record_path for entry in sim.log.list())
    assert result['execution']['status']['objectStatus']['phase'] == 'Succeeded'
    assert result['stack']['inputs'] == {'param1': 'value1'}


def test_wait_falls_back_on_the_stack_without_records(sim):
    seed = sim.state.export()
    seed['settings']['action_records'] = False
    sim.state.load(seed)
    sim.log.clear()
    failed, result = run_module(sim, stack_id=DEMO, lifecycle='upgrade', inputs={'param1': 'value1'})
    assert not failed, result
    assert result['changed'] is True
    assert result['stack']['status'] == 'Running' and result['stack']['inputs'] == {'param1': 'value1'}
    assert any(entry['status'] == 404 and '/actions/' in entry['path'] for entry in sim.log.list())


def test_failed_execution_without_records_fails(sim):
    set_stack(sim, guid=DEMO, fail_next='image pull failed', action_records=False)
    failed, result = run_module(sim, stack_id=DEMO, lifecycle='upgrade', inputs={'param1': 'value1'})
    assert failed
    assert result['changed'] is True
    assert result['action_id'] and result['action_id'] in result['msg']


def test_wait_timeout_keeps_the_action_id(sim):
    set_stack(sim, guid=DEMO, transition_seconds=30)
    failed, result = run_module(sim, stack_id=DEMO, lifecycle='upgrade', inputs={'param1': 'value1'}, wait_timeout=1)
    assert failed
    assert result['changed'] is True
    assert result['action_id'] and 'Timed out' in result['msg']
    assert len(puts(sim)) == 1


@pytest.mark.parametrize('fault', [
    {'method': 'GET', 'path': '/actions/', 'status': 500},
    {'method': 'GET', 'path': '/actions/', 'status': 503, 'times': 10},
    {'method': 'GET', 'path': '/actions/', 'status': 403},
])
def test_a_failed_read_while_waiting_keeps_the_ids(sim, fault):
    sim.faults.add(fault)
    failed, result = run_module(sim, stack_id=DEMO, lifecycle='upgrade', inputs={'param1': 'value1'}, max_retries=1)
    assert failed
    assert result['changed'] is True
    assert 'HTTP %s' % fault['status'] in result['msg']
    assert result['action_id'] == stack_of(sim, DEMO)['last_action_id']
    assert result['last_action_id']
    assert len(puts(sim)) == 1


def test_no_wait_returns_the_ids_at_once(sim):
    failed, result = run_module(sim, wait=False, stack_id=DEMO, lifecycle='upgrade', inputs={'param1': 'value1'})
    assert not failed, result
    assert result['action_id'] and result['last_action_id']
    assert not any('/actions/' in entry['path'] for entry in sim.log.list() if entry['method'] == 'GET')


def test_service_400_shows_status_and_code(sim):
    sim.faults.add({'method': 'PUT', 'path': '/actions$', 'status': 400,
                    'body': {'code': 'AOS.0100', 'message': 'inputs.param1 is not a template input',
                             'extend': None, 'showdetail': False}})
    failed, result = run_module(sim, stack_id=DEMO, lifecycle='upgrade', inputs={'param1': 'value1'})
    assert failed
    assert result['changed'] is False
    assert 'HTTP 400' in result['msg'] and 'AOS.0100' in result['msg']
    assert 'inputs.param1 is not a template input' in result['msg']
    assert len(puts(sim)) == 1


def test_lost_answer_is_not_resent_when_the_read_shows_it_took_effect(sim):
    sim.faults.add({'method': 'PUT', 'path': '/actions$', 'kind': 'drop_after_apply'})
    failed, result = run_module(sim, stack_id=DEMO, lifecycle='upgrade', inputs={'param1': 'value1'}, max_retries=2)
    assert not failed, result
    assert len(puts(sim)) == 1
    assert result['action_id']
    assert stack_of(sim, DEMO)['inputs'] == {'param1': 'value1'}


def test_lost_answer_is_resent_when_the_read_shows_it_did_not_take_effect(sim):
    sim.faults.add({'method': 'PUT', 'path': '/actions$', 'kind': 'drop'})
    failed, result = run_module(sim, stack_id=DEMO, lifecycle='upgrade', inputs={'param1': 'value1'}, max_retries=2)
    assert not failed, result
    assert [entry['fault'] for entry in puts(sim)] == ['drop', None]
    assert result['action_id'] == stack_of(sim, DEMO)['last_action_id']
    assert stack_of(sim, DEMO)['inputs'] == {'param1': 'value1'}


LONG_ID = 's' * 65


@pytest.mark.parametrize('options, words', [
    ({'stack_id': LONG_ID, 'lifecycle': 'delete'}, ['stack_id', LONG_ID, '1 to 64']),
    ({'stack_id': '', 'lifecycle': 'delete'}, ['stack_id', "''", '1 to 64']),
    ({'stack_id': DEMO, 'lifecycle': 'bogus'}, ['lifecycle', 'bogus', 'create, delete, upgrade, rollback, retry']),
    ({'stack_id': DEMO, 'lifecycle': 'upgrade', 'failure_strategy': 'Rollback'},
     ['failure_strategy', 'Rollback', 'only allowed with lifecycle create']),
    ({'stack_id': DEMO, 'lifecycle': 'create', 'failure_strategy': 'bogus'}, ['failure_strategy', 'bogus', 'DoNothing, Rollback']),
    ({'stack_id': DEMO, 'lifecycle': 'create', 'timeout': -1}, ['timeout', '-1', 'between 0 and 1440']),
    ({'stack_id': DEMO, 'lifecycle': 'create', 'timeout': 1441}, ['timeout', '1441', 'between 0 and 1440']),
    ({'stack_id': DEMO, 'lifecycle': 'upgrade', 'nodes': [{'parameters': {'instances': 1}}]}, ['name', 'nodes', 'required']),
    ({'stack_id': DEMO, 'lifecycle': 'upgrade', 'nodes': [{'name': 'web', 'parameters': {'instances': 101}}]},
     ['nodes[0].parameters.instances', '101', 'between 0 and 100']),
    ({'stack_id': DEMO, 'lifecycle': 'upgrade', 'nodes': [{'name': 'web', 'parameters': {'instances': -1}}]},
     ['nodes[0].parameters.instances', '-1', 'between 0 and 100']),
    ({'stack_id': DEMO, 'lifecycle': 'upgrade', 'nodes': [{'name': 'web', 'parameters': {}}]}, ['instances', 'required']),
    ({'stack_id': DEMO, 'lifecycle': 'upgrade', 'nodes': [{'name': 'web', 'parameters': {'instances': 'abc'}}]},
     ['instances', 'abc', 'int']),
    ({'stack_id': DEMO, 'lifecycle': 'upgrade', 'nodes': [{'name': ' ', 'parameters': {'instances': 1}}]},
     ['nodes[0].name', 'must not be empty']),
    ({'stack_id': DEMO, 'lifecycle': 'upgrade', 'template_id': ''}, ['template_id', 'must not be empty']),
])
def test_invalid_input_fails_before_any_http_call(sim, options, words):
    failed, result = run_module(sim, **options)
    assert failed
    for word in words:
        assert word in result['msg'], (word, result['msg'])
    assert 'Traceback' not in result['msg']
    assert api_calls(sim) == []


@pytest.mark.parametrize('current, wanted, same', [
    ('value0', 'value0', True),
    ('value0', 'value1', False),
    ('value0', 'VALUE0', False),
    ('Prod', 'prod', False),
    ('TRUE', True, True),
    (False, 'false', True),
    (True, 'yes', False),
    (True, False, False),
    ('3', 3.0, False),
    ('3', 3, True),
    (3, '3', True),
    ('true', True, True),
    ('True', True, True),
    ('false', True, False),
    (1.5, '1.5', True),
    ({'a': 1}, {'a': 1}, True),
    ({'a': 1}, {'a': 2}, False),
    ([1, 2], [1, 2], True),
    ('[1, 2]', [1, 2], False),
    (None, None, True),
    (None, 'None', False),
    ('', None, False),
])
def test_same_value(current, wanted, same):
    assert stack_lifecycle.same_value(current, wanted) is same


@pytest.mark.parametrize('stack, lifecycle, previous, took_effect', [
    (None, 'delete', 'a1', True),
    (None, 'upgrade', 'a1', False),
    ({'status': 'Processing', 'last_action_id': 'a1'}, 'upgrade', 'a1', True),
    ({'status': 'Pending', 'last_action_id': 'a1'}, 'create', 'a1', True),
    ({'status': 'Running', 'last_action_id': 'a2'}, 'upgrade', 'a1', True),
    ({'status': 'Running', 'last_action_id': 'a1'}, 'upgrade', 'a1', False),
    ({'status': 'Running'}, 'upgrade', None, False),
    ({'status': 'Abnormal', 'last_action_id': 'a1'}, 'retry', 'a1', False),
    ({'status': 'Running', 'last_action_id': 'a1'}, 'delete', 'a1', False),
])
def test_lifecycle_took_effect(stack, lifecycle, previous, took_effect):
    assert stack_lifecycle.lifecycle_took_effect(stack, lifecycle, previous) is took_effect


class _Params:
    """Just enough of the module object for lifecycle_request()."""

    def __init__(self, **params):
        self.params = dict(lifecycle='upgrade', failure_strategy=None, timeout=None, inputs=None, template_id=None, nodes=None)
        self.params.update(params)


@pytest.mark.parametrize('params, body', [
    ({}, {'lifecycle': 'upgrade'}),
    ({'lifecycle': 'create', 'timeout': 20, 'failure_strategy': 'Rollback'},
     {'lifecycle': 'create', 'timeout': 20, 'failure_strategy': 'Rollback'}),
    ({'timeout': 0}, {'lifecycle': 'upgrade', 'timeout': 0}),
    ({'inputs': {'param1': 'value1'}}, {'lifecycle': 'upgrade', 'inputs': {'param1': 'value1'}}),
    ({'inputs': {}}, {'lifecycle': 'upgrade', 'inputs': {}}),
    ({'template_id': 'tmpl-2'}, {'lifecycle': 'upgrade', 'template_id': 'tmpl-2'}),
    ({'nodes': [{'name': 'web', 'parameters': None}]}, {'lifecycle': 'upgrade', 'nodes': [{'name': 'web'}]}),
    ({'nodes': [{'name': 'web', 'parameters': {'instances': 0}}]},
     {'lifecycle': 'upgrade', 'nodes': [{'name': 'web', 'parameters': {'instances': 0}}]}),
])
def test_lifecycle_request_has_no_nulls(params, body):
    request = stack_lifecycle.StackLifecycleModule.lifecycle_request(_Params(**params))
    assert request == body

    def nulls(value):
        if isinstance(value, dict):
            return any(item is None or nulls(item) for item in value.values())
        if isinstance(value, list):
            return any(item is None or nulls(item) for item in value)
        return False
    assert not nulls(request)


@pytest.mark.parametrize('options', [{}, {'inputs': {}}, {'nodes': []}, {'template_id': None}])
def test_an_upgrade_with_nothing_to_upgrade_to_fails_before_any_call(sim, options):
    failed, result = run_module(sim, stack_id=DEMO, lifecycle='upgrade', **options)

    assert failed
    assert result['msg'] == ("Invalid value for option 'lifecycle': 'upgrade'; an upgrade needs at least one of "
                             "inputs, template_id, nodes: what to change the stack to.")
    assert result['invalid_option'] == 'lifecycle'
    assert api_calls(sim) == []
