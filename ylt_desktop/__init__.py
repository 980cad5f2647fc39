"""YLT Desktop: data keeping and quarterly returns for a medical consortium (医联体)."""

__version__ = "0.1.0"
