"""Pages of the main window: one per record kind, the returns and the audit log."""
