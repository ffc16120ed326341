# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""module_utils/aos.py: execution phases, the stack fallback and the waiters, on a scripted client."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.cloud.plugins.module_utils import aos
from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError, WaitTimeoutError
from ansible_collections.hwcloud.cloud.plugins.module_utils.waiter import Deadline

ENDPOINT = 'https://aos.example.test/'
STACK_URL = 'https://aos.example.test/v2/stacks/stack-1'
RECORD_URL = STACK_URL + '/actions/act-2'


def record(phase, message=''):
    return {'metadata': {'name': 'act-2'}, 'spec': {'lifecycle': 'upgrade'},
            'status': {'objectStatus': {'phase': phase}, 'message': message}}


def stack(status, last_action_id='act-2', **fields):
    answer = dict(guid='stack-1', name='web', status=status, inputs={'param1': 'value0'}, **fields)
    if last_action_id is not None:
        answer['last_action_id'] = last_action_id
    return answer


def not_found():
    return HwCloudError('HTTP 404 AOS.0101', status=404, code='AOS.0101')


class ScriptedClient:
    """Answers each URL from its own queue; the last answer of a queue repeats. Exceptions are raised."""

    def __init__(self, script):
        self.script = dict((url, list(answers)) for url, answers in script.items())
        self.calls = []

    def request(self, method, url, body=None, action=None):
        self.calls.append((method, url, body, action))
        queue = self.script[url]
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def run_waiter(waiter, timeout=60, interval=5, details=None):
    clock = FakeClock()
    return waiter.wait(Deadline(timeout, clock=clock), interval, sleep=clock.sleep, details=details)


# ------------------------------------------------------------ pure helpers

@pytest.mark.parametrize('answer, phase', [
    (record('Pending'), 'Pending'),
    (record('Running'), 'Running'),
    (record('Succeeded'), 'Succeeded'),
    (record('Failed', 'boom'), 'Failed'),
    ({}, None),
    (None, None),
    ([], None),
    ('text', None),
    ({'status': None}, None),
    ({'status': {'objectStatus': None}}, None),
    ({'status': {'objectStatus': {}}}, None),
    ({'metadata': {'name': 'x'}, 'phase': 'Succeeded'}, None),
])
def test_execution_phase(answer, phase):
    assert aos.execution_phase(answer) == phase


@pytest.mark.parametrize('answer, message', [
    (record('Failed', 'image pull failed'), 'image pull failed'),
    (record('Succeeded', ''), None),
    ({'status': {}}, None),
    ({'status': 'odd'}, None),
    ({}, None),
    (None, None),
])
def test_execution_message(answer, message):
    assert aos.execution_message(answer) == message


@pytest.mark.parametrize('current, lifecycle, first_poll, phase', [
    # gone: a delete has succeeded, anything else has failed
    (None, 'delete', True, 'Succeeded'),
    (None, 'delete', False, 'Succeeded'),
    (None, 'upgrade', False, 'Failed'),
    # busy: still running, whoever started it
    (stack('Processing'), 'upgrade', False, 'Running'),
    (stack('Pending'), 'create', True, 'Running'),
    (stack('Processing', last_action_id='act-1'), 'upgrade', True, 'Running'),
    # settled, and this execution is the stack's last one
    (stack('Running'), 'upgrade', False, 'Succeeded'),
    (stack('Running'), 'create', True, 'Succeeded'),
    (stack('Abnormal'), 'retry', False, 'Failed'),
    (stack('Stopped'), 'delete', False, 'Succeeded'),
    (stack('Stopped'), 'upgrade', False, 'Running'),
    # settled but the stack still shows an older execution: ours has not started yet
    (stack('Running', last_action_id='act-1'), 'upgrade', False, 'Pending'),
    (stack('Abnormal', last_action_id='act-1'), 'retry', False, 'Pending'),
    # no last_action_id at all: the first look cannot tell, later ones trust the status
    (stack('Running', last_action_id=None), 'upgrade', True, 'Pending'),
    (stack('Running', last_action_id=None), 'upgrade', False, 'Succeeded'),
    (stack('Abnormal', last_action_id=None), 'upgrade', False, 'Failed'),
])
def test_phase_from_stack(current, lifecycle, first_poll, phase):
    assert aos.phase_from_stack(current, 'act-2', lifecycle, first_poll) == phase


def test_stack_status_and_result():
    assert aos.stack_status(None) == aos.ABSENT
    assert aos.stack_status({'status': 'Running'}) == 'Running'
    assert aos.stack_result(None) is None
    original = stack('Running')
    copied = aos.stack_result(original)
    assert copied == original and copied is not original


# ------------------------------------------------------------ service calls

def test_urls_quote_the_ids():
    client = ScriptedClient({'https://aos.example.test/v2/stacks/a%2Fb%20c': [stack('Running')],
                             'https://aos.example.test/v2/stacks/a%2Fb%20c/actions/x%2Fy': [record('Running')]})
    service = aos.AosService(client, ENDPOINT)
    assert service.get_stack('a/b c')['status'] == 'Running'
    assert service.get_execution('a/b c', 'x/y')['status']['objectStatus']['phase'] == 'Running'


def test_get_stack_turns_404_into_none_and_require_stack_does_not():
    client = ScriptedClient({STACK_URL: [not_found()]})
    service = aos.AosService(client, ENDPOINT)
    assert service.get_stack('stack-1') is None
    with pytest.raises(HwCloudError) as caught:
        service.require_stack('stack-1')
    assert caught.value.status == 404


def test_get_stack_reraises_other_errors():
    client = ScriptedClient({STACK_URL: [HwCloudError('HTTP 500', status=500)]})
    with pytest.raises(HwCloudError):
        aos.AosService(client, ENDPOINT).get_stack('stack-1')


def test_execute_puts_the_body_and_tolerates_an_odd_answer():
    client = ScriptedClient({STACK_URL + '/actions': [{'action_id': 'act-2', 'last_action_id': 'act-1'}, None]})
    service = aos.AosService(client, ENDPOINT)
    assert service.execute('stack-1', {'lifecycle': 'rollback'}) == {'action_id': 'act-2', 'last_action_id': 'act-1'}
    assert service.execute('stack-1', {'lifecycle': 'rollback'}) == {}
    assert client.calls[0][:3] == ('PUT', STACK_URL + '/actions', {'lifecycle': 'rollback'})


@pytest.mark.parametrize('answer', [not_found(), HwCloudError('HTTP 405', status=405), HwCloudError('HTTP 501', status=501),
                                    {}, {'status': 'odd'}, []])
def test_get_execution_unreadable_record_is_none(answer):
    client = ScriptedClient({RECORD_URL: [answer]})
    assert aos.AosService(client, ENDPOINT).get_execution('stack-1', 'act-2') is None


@pytest.mark.parametrize('status', [400, 401, 403, 500])
def test_get_execution_other_errors_fail(status):
    client = ScriptedClient({RECORD_URL: [HwCloudError('HTTP %s' % status, status=status)]})
    with pytest.raises(HwCloudError) as caught:
        aos.AosService(client, ENDPOINT).get_execution('stack-1', 'act-2')
    assert caught.value.status == status


# ------------------------------------------------------------ waiters

def test_execution_waiter_on_the_record():
    client = ScriptedClient({RECORD_URL: [record('Pending'), record('Running'), record('Succeeded')]})
    state = run_waiter(aos.AosService(client, ENDPOINT).execution_waiter('stack-1', 'act-2', 'upgrade'))
    assert state['source'] == 'record' and state['phase'] == 'Succeeded'
    assert state['record']['status']['objectStatus']['phase'] == 'Succeeded'
    # The record answered every time: the stack was never read.
    assert [call[1] for call in client.calls] == [RECORD_URL] * 3


def test_execution_waiter_failed_record_gives_reason_and_ids():
    client = ScriptedClient({RECORD_URL: [record('Running'), record('Failed', 'image pull failed')]})
    waiter = aos.AosService(client, ENDPOINT).execution_waiter('stack-1', 'act-2', 'upgrade')
    with pytest.raises(HwCloudError) as caught:
        run_waiter(waiter, details={'action_id': 'act-2', 'last_action_id': 'act-1'})
    assert 'image pull failed' in caught.value.message and 'act-2' in caught.value.message
    result = caught.value.to_result()
    assert result['action_id'] == 'act-2' and result['last_action_id'] == 'act-1'
    assert result['execution_message'] == 'image pull failed'
    assert result['execution']['status']['objectStatus']['phase'] == 'Failed'


def test_execution_waiter_failed_record_without_message():
    client = ScriptedClient({RECORD_URL: [record('Failed', '')]})
    with pytest.raises(HwCloudError) as caught:
        run_waiter(aos.AosService(client, ENDPOINT).execution_waiter('stack-1', 'act-2', 'upgrade'))
    assert 'no reason given' in caught.value.message


def test_execution_waiter_falls_back_on_the_stack():
    client = ScriptedClient({RECORD_URL: [not_found()],
                             STACK_URL: [stack('Processing'), stack('Processing'), stack('Running', inputs_note='x')]})
    state = run_waiter(aos.AosService(client, ENDPOINT).execution_waiter('stack-1', 'act-2', 'upgrade'))
    assert state['source'] == 'stack' and state['phase'] == 'Succeeded'
    assert state['stack']['status'] == 'Running'
    assert 'record' not in state
    assert [call[1] for call in client.calls] == [RECORD_URL, STACK_URL] * 3


def test_execution_waiter_stack_fallback_waits_until_the_stack_registers_the_execution():
    # The stack still shows the previous execution as settled: not started yet, not done.
    client = ScriptedClient({RECORD_URL: [not_found()],
                             STACK_URL: [stack('Running', last_action_id='act-1'), stack('Processing'), stack('Running')]})
    state = run_waiter(aos.AosService(client, ENDPOINT).execution_waiter('stack-1', 'act-2', 'upgrade'))
    assert state['phase'] == 'Succeeded'
    assert len([call for call in client.calls if call[1] == STACK_URL]) == 3


def test_execution_waiter_stack_fallback_abnormal_fails():
    client = ScriptedClient({RECORD_URL: [not_found()], STACK_URL: [stack('Processing'), stack('Abnormal')]})
    with pytest.raises(HwCloudError) as caught:
        run_waiter(aos.AosService(client, ENDPOINT).execution_waiter('stack-1', 'act-2', 'retry'),
                   details={'action_id': 'act-2', 'last_action_id': 'act-1'})
    assert 'act-2' in caught.value.message and 'Abnormal' in caught.value.message
    assert caught.value.to_result()['action_id'] == 'act-2'
    assert caught.value.to_result()['execution'] is None


def test_execution_waiter_stack_fallback_delete_ends_when_the_stack_is_gone():
    client = ScriptedClient({RECORD_URL: [not_found()], STACK_URL: [stack('Processing'), not_found()]})
    state = run_waiter(aos.AosService(client, ENDPOINT).execution_waiter('stack-1', 'act-2', 'delete'))
    assert state['phase'] == 'Succeeded' and state['stack'] is None


def test_execution_waiter_switches_between_record_and_stack():
    # A record that appears late: the stack answers meanwhile; the record decides once readable.
    client = ScriptedClient({RECORD_URL: [not_found(), record('Running'), record('Succeeded')],
                             STACK_URL: [stack('Processing')]})
    state = run_waiter(aos.AosService(client, ENDPOINT).execution_waiter('stack-1', 'act-2', 'upgrade'))
    assert state['source'] == 'record' and state['phase'] == 'Succeeded'


def test_execution_waiter_timeout_keeps_the_ids():
    client = ScriptedClient({RECORD_URL: [record('Running')]})
    waiter = aos.AosService(client, ENDPOINT).execution_waiter('stack-1', 'act-2', 'upgrade')
    with pytest.raises(WaitTimeoutError) as caught:
        run_waiter(waiter, timeout=12, interval=5, details={'action_id': 'act-2', 'last_action_id': 'act-1'})
    assert 'Timed out' in caught.value.message and 'act-2' in caught.value.message
    assert caught.value.to_result()['action_id'] == 'act-2'
    assert caught.value.to_result()['last_action_id'] == 'act-1'
    # 5, 10 and 12 seconds: the first poll one interval after the lifecycle was sent, the last at the deadline.
    assert len(client.calls) == 3


def test_settled_waiter():
    client = ScriptedClient({STACK_URL: [stack('Processing'), stack('Pending'), stack('Abnormal')]})
    assert run_waiter(aos.AosService(client, ENDPOINT).settled_waiter('stack-1'))['status'] == 'Abnormal'
    assert len(client.calls) == 3


def test_settled_waiter_gone_stack_is_settled():
    client = ScriptedClient({STACK_URL: [stack('Processing'), not_found()]})
    assert run_waiter(aos.AosService(client, ENDPOINT).settled_waiter('stack-1')) is None


def test_settled_waiter_timeout_reports_the_stack():
    client = ScriptedClient({STACK_URL: [stack('Processing')]})
    with pytest.raises(WaitTimeoutError) as caught:
        run_waiter(aos.AosService(client, ENDPOINT).settled_waiter('stack-1'), timeout=3, interval=1)
    assert 'Processing' in caught.value.message
    assert caught.value.to_result()['stack']['status'] == 'Processing'


def test_an_api_gateway_404_is_a_wrong_endpoint_not_an_absent_stack():
    wrong_path = HwCloudError('HTTP 404 APIGW.0101', status=404, code='APIGW.0101')
    client = ScriptedClient({STACK_URL: [wrong_path], 'https://aos.example.test/v2/stacks?project_id=p1&name=web': [wrong_path]})
    service = aos.AosService(client, ENDPOINT, 'p1')
    with pytest.raises(HwCloudError) as caught:
        service.get_stack('stack-1')
    assert caught.value.code == 'APIGW.0101'
    with pytest.raises(HwCloudError) as caught:
        service.list_stacks('web')
    assert caught.value.code == 'APIGW.0101'


def test_the_service_own_404_on_the_list_is_an_empty_list():
    client = ScriptedClient({'https://aos.example.test/v2/stacks?project_id=p1&name=web': [not_found()]})
    assert aos.AosService(client, ENDPOINT, 'p1').list_stacks('web') == []


@pytest.mark.parametrize('answer', [['a', 'list'], 'text', 42])
def test_a_stack_read_that_is_not_an_object_fails_naming_what_came(answer):
    client = ScriptedClient({STACK_URL: [answer]})
    service = aos.AosService(client, ENDPOINT)
    for read in (service.get_stack, service.require_stack):
        with pytest.raises(HwCloudError) as caught:
            read('stack-1')
        assert 'Reading AOS stack stack-1: the answer is not a stack object: %r' % (answer,) in caught.value.message
