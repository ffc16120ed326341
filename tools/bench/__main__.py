# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``python tools/bench [options]``: see ``tools/bench/__init__.py``."""

import os
import sys

# Run as a directory, Python puts tools/bench/ itself on sys.path; the package is imported
# from its parent, so that its modules import each other as ``bench.<part>``.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.cli import main  # noqa: E402  pylint: disable=wrong-import-position

sys.exit(main())
