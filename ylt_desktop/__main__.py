"""``python -m ylt_desktop`` starts the desktop program (and the frozen bundle's entry point)."""

import sys

if __name__ == "__main__":
    if getattr(sys, "frozen", False):
        # The bundle's helper process (the export's second writer, spawn) starts here too:
        # freeze_support runs its work and exits before anything of the program is imported.
        # Only when frozen: importing multiprocessing costs the first paint ~10 ms.
        import multiprocessing

        multiprocessing.freeze_support()

    import gc

    # app.main holds the garbage collector off until the window's first frame; from here
    # already, for importing the program's start (logging, argparse, pathlib: ~5 passes).
    gc.disable()
    from ylt_desktop.app import main

    sys.exit(main())
