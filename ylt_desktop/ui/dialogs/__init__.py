"""Dialogs: the record dialogs on their shared base, and the first-run, import and backup dialogs."""
