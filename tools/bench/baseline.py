# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The baseline: the ``ansible.builtin.uri`` task an operator would write instead of the module."""

from __future__ import annotations

import json

from bench.sim import TOKEN

# The headers the collection's client sends (plugins/module_utils/client.py).
JSON_HEADERS = {'Content-Type': 'application/json;charset=UTF-8', 'Accept': 'application/json'}


def uri_task(label, request):
    """A ``uri`` task sending ``request`` (a ``scenarios.Uri``) as the module would."""
    args = {'url': '{{ sim }}' + request.path, 'method': request.method, 'headers': dict(JSON_HEADERS, **{'X-Auth-Token': TOKEN}),
            'status_code': [200]}
    if request.body is not None:
        # The client sends compact, key-sorted JSON; so does this task (a raw body).
        args['body'] = json.dumps(request.body, separators=(',', ':'), sort_keys=True)
        args['body_format'] = 'raw'
    return {'name': 'bench %s' % label, 'ansible.builtin.uri': args}
