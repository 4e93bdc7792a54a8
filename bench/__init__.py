"""Load and fault measurements run against a served app (not part of the product)."""
