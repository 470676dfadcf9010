"""Indeed page objects: one per screen (search results, job page)."""
