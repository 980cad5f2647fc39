"""Widgets and models the pages and dialogs share: table models, proxies, grids, form loading."""
