"""File formats to domain objects. Parsers only: they return objects, never store them."""
