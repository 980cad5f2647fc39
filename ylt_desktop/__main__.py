"""``python -m ylt_desktop`` starts the desktop program."""

import sys

from ylt_desktop.app import main

sys.exit(main())
