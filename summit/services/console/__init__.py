"""The summit console: the figures staff watch and the decisions waiting for them."""
