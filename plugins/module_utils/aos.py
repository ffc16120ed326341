# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Application Orchestration Service (AOS) v2: stacks, lifecycles, execution records."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import quote, urlencode

from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError, absent_on_404, is_absent
from ansible_collections.hwcloud.cloud.plugins.module_utils.waiter import ABSENT, Waiter
from ansible_collections.hwcloud.cloud.plugins.module_utils.waiter import status_of as stack_status

RUNNING = 'Running'
ABNORMAL = 'Abnormal'
BUSY = frozenset(['Processing', 'Pending'])
LIFECYCLES = ('create', 'delete', 'upgrade', 'rollback', 'retry')
FAILURE_STRATEGIES = ('DoNothing', 'Rollback')
SUCCEEDED = 'Succeeded'
FAILED = 'Failed'


def stack_result(stack):
    # AOS already answers in snake_case; only absence needs a shape of its own.
    return None if stack is None else dict(stack)


def stack_object(answer, action):
    """A stack as read: the service must answer an object, anything else is reported as what it is."""
    if not isinstance(answer, dict):
        raise HwCloudError('%s: the answer is not a stack object: %s' % (action, _excerpt(answer)), details={'response': answer})
    return answer


def _excerpt(value, limit=200):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + '...'


class AosService:
    """The AOS stack calls the collection needs. The project comes from the credentials."""

    def __init__(self, client, endpoint, project_id=None):
        self.client = client
        self.stacks_url = '%s/v2/stacks' % endpoint.rstrip('/')
        # Only the list call names the project (a query filter); every other call takes it from the credentials.
        self.project_id = project_id

    def stack_url(self, stack_id):
        return '%s/%s' % (self.stacks_url, quote(stack_id, safe=''))

    def get_stack(self, stack_id):
        """The stack, or ``None`` when the service answers 404."""
        action = 'Reading AOS stack %s' % stack_id
        stack = absent_on_404(lambda: self.client.request('GET', self.stack_url(stack_id), action=action))
        return None if stack is None else stack_object(stack, action)

    def require_stack(self, stack_id, lifecycle=None):
        """The stack, or the service's own 404 as the failure (for ``create``, saying where a stack comes from)."""
        action = 'Reading AOS stack %s' % stack_id
        try:
            return stack_object(self.client.request('GET', self.stack_url(stack_id), action=action), action)
        except HwCloudError as error:
            if lifecycle == 'create' and is_absent(error):
                # Users read "create" as "make a new stack"; AOS means "deploy the stack that was defined".
                error.message += ('. AOS lifecycle create deploys a stack that already exists; it does not make one. '
                                  'An AOS stack is made from a template, in the AOS console or with its templates; '
                                  'to create a stack from a template with this collection, use hwcloud.cloud.rfs_stack '
                                  '(Resource Formation Service).')
                error.args = (error.message,)
            raise

    def list_stacks(self, name=None):
        """The project's stacks, or those named ``name``; ``[]`` when the service answers 404."""
        query = [('project_id', self.project_id)] + ([('name', name)] if name is not None else [])
        action = 'Listing AOS stacks' + (' named %s' % name if name is not None else '')
        answer = absent_on_404(lambda: self.client.request('GET', '%s?%s' % (self.stacks_url, urlencode(query)), action=action), [])
        # A service that ignores the name filter must not hand back other stacks as the named one.
        return [stack for stack in stacks_in(answer, action) if name is None or stack.get('name') == name]

    def execute(self, stack_id, body):
        answer = self.client.request('PUT', '%s/actions' % self.stack_url(stack_id), body,
                                     action='Running lifecycle %s on AOS stack %s' % (body.get('lifecycle'), stack_id))
        return answer if isinstance(answer, dict) else {}

    def get_execution(self, stack_id, action_id):
        """The execution record, or ``None`` where it cannot be read (so callers fall back on the stack)."""
        try:
            record = self.client.request('GET', '%s/actions/%s' % (self.stack_url(stack_id), quote(action_id, safe='')),
                                         action='Reading execution %s of AOS stack %s' % (action_id, stack_id))
        except HwCloudError as error:
            if error.status in (404, 405, 501):
                return None
            raise
        phase = execution_phase(record)
        return record if phase else None

    def settled_waiter(self, stack_id):
        """Wait until a stack is no longer Processing/Pending (or is gone)."""
        return Waiter('AOS stack %s to finish its running lifecycle' % stack_id,
                      read=lambda: self.get_stack(stack_id),
                      done=lambda stack: stack_status(stack) not in BUSY,
                      describe=lambda stack: 'status %s' % stack_status(stack),
                      report=lambda stack: {'stack': stack_result(stack)})

    def execution_waiter(self, stack_id, action_id, lifecycle):
        """Wait for one execution, on its record or, where that cannot be read, on the stack."""
        polls = []

        def read():
            polls.append(None)
            record = self.get_execution(stack_id, action_id)
            if record is not None:
                return {'source': 'record', 'phase': execution_phase(record), 'message': execution_message(record),
                        'record': record}
            stack = self.get_stack(stack_id)
            return {'source': 'stack', 'phase': phase_from_stack(stack, action_id, lifecycle, first_poll=len(polls) == 1),
                    'message': 'stack status %s' % stack_status(stack), 'stack': stack}

        def failed(state):
            if state['phase'] == FAILED:
                return 'execution %s ended %s: %s' % (action_id, FAILED, state['message'] or 'no reason given')
            return None

        return Waiter('lifecycle %s (execution %s) on AOS stack %s' % (lifecycle, action_id, stack_id),
                      read=read, done=lambda state: state['phase'] == SUCCEEDED, failed=failed,
                      describe=lambda state: 'phase %s (%s)' % (state['phase'], state['message'] or 'from the %s' % state['source']),
                      report=lambda state: {'action_id': action_id, 'execution': state.get('record'),
                                            'execution_message': state['message']})


def stacks_in(answer, action):
    """The stacks of a list answer: the documented bare array, or an object wrapping it under ``stacks``."""
    stacks = answer.get('stacks') if isinstance(answer, dict) else answer
    if not isinstance(stacks, list) or not all(isinstance(stack, dict) for stack in stacks):
        raise HwCloudError('%s: the answer is neither a list of stacks nor an object with a "stacks" list.' % action,
                           details={'response': answer})
    return stacks


def execution_phase(record):
    try:
        return record['status']['objectStatus']['phase']
    except (KeyError, TypeError):
        return None


def execution_message(record):
    try:
        return record['status'].get('message') or None
    except (KeyError, TypeError, AttributeError):
        return None


def phase_from_stack(stack, action_id, lifecycle, first_poll):
    """Derive an execution phase from the stack when the record is unreadable."""
    status = stack_status(stack)
    if status == ABSENT:
        return SUCCEEDED if lifecycle == 'delete' else FAILED
    if status in BUSY:
        return 'Running'
    last_action_id = stack.get('last_action_id')
    # A settled stack that has not registered this execution yet has simply not started it.
    if (last_action_id and last_action_id != action_id) or (not last_action_id and first_poll):
        return 'Pending'
    if status == ABNORMAL:
        return FAILED
    return SUCCEEDED if status == RUNNING or lifecycle == 'delete' else 'Running'
