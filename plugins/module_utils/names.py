# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The hint added to "no such name" failures: the closest names that do exist."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib

# At most this many suggestions: more would bury the likely one.
MOST_SUGGESTIONS = 3
# difflib's similarity ratio below which a name is too different to be a typo of the one asked for.
SIMILAR_ENOUGH = 0.6


def closest_names(name, candidates):
    """Up to three of ``candidates`` closest to ``name``, closest first; entries that are not strings are ignored."""
    if not isinstance(name, str) or not name:
        return []
    known = []
    for candidate in candidates or ():
        if isinstance(candidate, str) and candidate and candidate not in known:
            known.append(candidate)
    scored = []
    for index, candidate in enumerate(known):
        # A different case is as likely a slip as a swapped letter, which difflib alone would count letter by letter.
        ratio = 1.0 if candidate.lower() == name.lower() else difflib.SequenceMatcher(None, name, candidate).ratio()
        if ratio >= SIMILAR_ENOUGH:
            scored.append((-ratio, index, candidate))
    # Equally close names keep the order they were listed in.
    return [candidate for _ratio, _index, candidate in sorted(scored)[:MOST_SUGGESTIONS]]


def did_you_mean(name, candidates):
    """``"; did you mean 'x'?"`` (or ``'x', 'y' or 'z'``) for the names closest to ``name``, or ``""`` when none is close."""
    close = closest_names(name, candidates)
    if not close:
        return ''
    quoted = ["'%s'" % candidate for candidate in close]
    if len(quoted) == 1:
        return '; did you mean %s?' % quoted[0]
    return '; did you mean %s or %s?' % (', '.join(quoted[:-1]), quoted[-1])
