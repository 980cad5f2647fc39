"""UI floor: the only code that imports Qt. Wires the store and the returns to widgets."""
