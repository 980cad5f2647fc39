"""``python -m ylt_desktop.cli``: the ``ylt`` command."""

import sys

from ylt_desktop.cli import main

sys.exit(main())
