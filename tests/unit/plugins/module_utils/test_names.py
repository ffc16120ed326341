# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""names.py: the "did you mean" hint of a name that matches nothing."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.cloud.plugins.module_utils.names import closest_names, did_you_mean


def test_a_swapped_pair_of_letters_suggests_the_name():
    assert did_you_mean('cdm-dmeo', ['cdm-demo', 'cdm-stopped', 'warehouse']) == "; did you mean 'cdm-demo'?"


def test_at_most_three_suggestions_closest_first():
    candidates = ['stack-a1', 'stack-a2', 'stack-a3', 'stack-a4', 'other']

    assert closest_names('stack-a', candidates) == ['stack-a1', 'stack-a2', 'stack-a3']
    assert did_you_mean('stack-a', candidates) == "; did you mean 'stack-a1', 'stack-a2' or 'stack-a3'?"
    assert did_you_mean('stack-x1', ['stack-a1', 'stack-b1']) == "; did you mean 'stack-a1' or 'stack-b1'?"


def test_a_different_case_is_suggested():
    assert did_you_mean('CDM-DEMO', ['cdm-demo', 'elsewhere']) == "; did you mean 'cdm-demo'?"


@pytest.mark.parametrize('name, candidates', [
    ('warehouse', ['cdm-demo', 'cdm-stopped']),
    ('cdm-demo', []),
    ('cdm-demo', None),
    ('', ['cdm-demo']),
    (None, ['cdm-demo']),
])
def test_nothing_close_gives_no_hint(name, candidates):
    assert did_you_mean(name, candidates) == ''


def test_entries_that_are_not_names_are_ignored_and_duplicates_named_once():
    assert did_you_mean('cdm-dmeo', [None, 42, {'name': 'x'}, 'cdm-demo', 'cdm-demo', '']) == "; did you mean 'cdm-demo'?"
