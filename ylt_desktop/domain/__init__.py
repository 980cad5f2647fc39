"""Domain floor: lists, codes, periods and record rules. Knows neither Qt nor SQLAlchemy."""
