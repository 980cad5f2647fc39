"""``python -m ylt_desktop.cli``: the ``ylt`` command."""

import sys

if __name__ == "__main__":
    if getattr(sys, "frozen", False):
        import multiprocessing

        multiprocessing.freeze_support()  # a frozen helper process (the export's 2nd writer)

    from ylt_desktop.cli import main

    sys.exit(main())
